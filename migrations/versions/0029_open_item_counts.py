"""Counts of open items by force, kind and due date (day and month), kept by triggers as items change,
so that the dashboard's and the API's counts no longer read every open item (tracker.db.open_item_counts);
and an index of the actions by inspection and force, for the dashboard filtered by an inspection.

The triggers live on trackings, actions, statutory_responses and inspection_forces. SQLite's batch mode
rebuilds a table by copying it, which drops its triggers: a later migration that alters one of those
tables in batch mode must call open_item_counts.create_triggers() again (tests/integration/
test_open_item_counts.py fails at the head revision if the counts stop following the items).

Revision ID: open_item_counts
Revises: trackings_by_inspection_index
"""
import sqlalchemy as sa
from alembic import op

from tracker.db import open_item_counts

revision = "open_item_counts"
down_revision = "trackings_by_inspection_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "open_item_counts",
        sa.Column("force_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("span", sa.String(length=7), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("item_type", sa.String(length=20), nullable=False),
        sa.Column("open_items", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("force_id", "span", "starts_on", "item_type", name="pk_open_item_counts"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_actions_inspection_id_force_id", "actions", ["inspection_id", "force_id"])
    connection = op.get_bind()
    open_item_counts.rebuild(connection)
    open_item_counts.create_triggers(connection)


def downgrade():
    open_item_counts.drop_triggers(op.get_bind())
    op.drop_table("open_item_counts")
    op.drop_index("ix_actions_inspection_id_force_id", table_name="actions")
