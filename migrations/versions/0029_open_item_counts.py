"""An index of the actions by inspection and force, for the dashboard filtered by an inspection.

This revision also made a table of the open items' counts by due date, kept by triggers; the next
(open_item_steps) replaced it with counts that answer past dates too, and drops it from a database
that has it.

Revision ID: open_item_counts
Revises: trackings_by_inspection_index
"""
from alembic import op

revision = "open_item_counts"
down_revision = "trackings_by_inspection_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_actions_inspection_id_force_id", "actions", ["inspection_id", "force_id"])


def downgrade():
    op.drop_index("ix_actions_inspection_id_force_id", table_name="actions")
