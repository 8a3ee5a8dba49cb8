"""The data state: one row whose token changes with every write, so pages built from the data can be
cached until it changes (issue 8).

Revision ID: data_state
Revises: overdue_indexes
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "data_state"
down_revision = "overdue_indexes"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_data_state_one_row"),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex, "changed_at": datetime.now(UTC).replace(tzinfo=None)}])


def downgrade():
    op.drop_table("data_state")
