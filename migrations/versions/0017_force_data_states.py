"""One data-state token per force and one shared, in place of the one token for the whole database:
a write to one force's records leaves the other forces' cached pages alone, and writers of different
forces no longer queue on one row.

Revision ID: force_data_states
Revises: welsh_language
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "force_data_states"
down_revision = "welsh_language"
branch_labels = None
depends_on = None


def _now():
    return datetime.now(UTC).replace(tzinfo=None)


def upgrade():
    table = op.create_table(
        "data_states",
        sa.Column("scope", sa.String(length=20), primary_key=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
    )
    # Every force's row now, so that the first write of each force updates rather than inserts.
    force_ids = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM forces"))]
    op.bulk_insert(table, [{"scope": scope, "token": uuid.uuid4().hex, "changed_at": _now()}
                           for scope in ["shared", *(f"force:{i}" for i in force_ids)]])
    op.drop_table("data_state")


def downgrade():
    table = op.create_table(
        "data_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_data_state_one_row"),
    )
    op.bulk_insert(table, [{"id": 1, "token": uuid.uuid4().hex, "changed_at": _now()}])
    op.drop_table("data_states")
