"""Open-item indexes lead with the closed date: (force_id, closed date, due_on, inspection_id) (issue 8, PostgreSQL)

The dashboard's counts read every row of the user's forces from the (force_id, due_on, closed date,
inspection_id) indexes, most of them closed long ago, to keep the open ones: 535,000 index entries
for a user of all forces at national scale. Counted as two disjoint parts, open (no closed date) and
closed after the as-of date, each part reads only its own rows from these indexes. Measured at
national scale (overdue.summary_counts, median of 15 runs interleaved with the old query, identical
results): PostgreSQL 15, all forces 52 -> 21 ms (three years back 89 -> 48); SQLite 70 -> 17 ms
(105 -> 57); one force unchanged (5 ms). EXPLAIN ANALYZE of every force's actions alone: 36 -> 6 ms.

Revision ID: open_item_indexes
Revises: past_asof_indexes
"""
from alembic import op

revision = "open_item_indexes"
down_revision = "past_asof_indexes"
branch_labels = None
depends_on = None

# table, index, columns
INDEXES = [
    ("trackings", "ix_trackings_force_id_closed_on_due_on_inspection_id",
     ["force_id", "closed_on", "due_on", "inspection_id"]),
    ("actions", "ix_actions_force_id_completed_on_due_on_inspection_id",
     ["force_id", "completed_on", "due_on", "inspection_id"]),
    ("statutory_responses", "ix_responses_force_id_published_on_due_on_inspection_id",
     ["force_id", "published_on", "due_on", "inspection_id"]),
]


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
