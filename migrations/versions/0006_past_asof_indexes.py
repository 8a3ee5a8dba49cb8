"""Trackings and actions carry their inspection; the overdue indexes hold it (issue 8, past as-of dates)

On a past as-of date the dashboard leaves out inspections published after that date. Trackings and
actions reached their inspection through the recommendation (and the tracking row): table look-ups
for every open row of every force, in the counts and in the page's due-date cut. The inspection is
copied onto the row, as actions already copy the force, and added to the end of the (force_id,
due_on, closed date) indexes, so the whole check is read from the index. Measured at national scale
(SQLite, median): dashboard of all forces three years back 483 -> 109 ms (today's: 93), one force
39 -> 28 ms.

The column is nullable in the schema only because SQLite cannot add a NOT NULL column (or a foreign
key) to a table without rebuilding it, and rebuilding `trackings` with foreign keys on would
cascade-delete every action. Every insert fills it (models._copy_inspection_id); this fills the
existing rows. The foreign key has no ON DELETE: deleting an inspection deletes these rows through
their recommendations (checked at the end of the statement, after the cascade), and SQLite reflects
no ON DELETE of a key added with its column.

Revision ID: past_asof_indexes
Revises: data_state
"""
import sqlalchemy as sa
from alembic import op

revision = "past_asof_indexes"
down_revision = "data_state"
branch_labels = None
depends_on = None

# table, closed-date column, old index, new index
TABLES = [
    ("trackings", "closed_on", "ix_trackings_force_id_due_on_closed_on",
     "ix_trackings_force_id_due_on_closed_on_inspection_id"),
    ("actions", "completed_on", "ix_actions_force_id_due_on_completed_on",
     "ix_actions_force_id_due_on_completed_on_inspection_id"),
]

BACKFILL = {
    "trackings": "UPDATE trackings SET inspection_id = (SELECT recommendations.inspection_id FROM recommendations "
                 "WHERE recommendations.id = trackings.recommendation_id)",
    "actions": "UPDATE actions SET inspection_id = (SELECT trackings.inspection_id FROM trackings "
               "WHERE trackings.id = actions.tracking_id)",
}


def _add_column(table: str) -> None:
    """Add the nullable inspection_id column with its foreign key (inline on SQLite: no ALTER of constraints)."""
    fk_name = f"fk_{table}_inspection_id_inspections"
    if any(c["name"] == "inspection_id" for c in sa.inspect(op.get_bind()).get_columns(table)):
        return  # left by a downgrade on SQLite (see downgrade)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN inspection_id INTEGER "
                   f"CONSTRAINT {fk_name} REFERENCES inspections (id)")
    else:
        op.add_column(table, sa.Column("inspection_id", sa.Integer(), nullable=True))
        op.create_foreign_key(fk_name, table, "inspections", ["inspection_id"], ["id"])


def upgrade():
    for table, closed, old, new in TABLES:  # trackings first: actions copy from them
        _add_column(table)
        op.execute(BACKFILL[table])
        op.create_index(new, table, ["force_id", "due_on", closed, "inspection_id"], unique=False)
        op.drop_index(old, table_name=table)


def downgrade():
    for table, closed, old, new in reversed(TABLES):
        op.create_index(old, table, ["force_id", "due_on", closed], unique=False)
        op.drop_index(new, table_name=table)
        # SQLite cannot drop a column that has a foreign key without rebuilding the table (which would
        # cascade-delete its children): there the nullable column stays, unused.
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_inspection_id_inspections", table, type_="foreignkey")
            op.drop_column(table, "inspection_id")
