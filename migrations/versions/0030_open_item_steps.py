"""The items open, overdue and due within 7, 30 and 90 days, kept by triggers as steps by day, month and
year, so that the dashboard's and the API's counts read a few hundred rows on any date, today's or a
past one (tracker.db.open_item_counts). Replaces the counts of open items by due date (which answered
today's view only), and their triggers, where a database has them.

The triggers live on trackings, actions, statutory_responses, inspection_forces and inspections.
SQLite's batch mode rebuilds a table by copying it, which drops its triggers: a later migration that
alters one of those tables in batch mode must call open_item_counts.create_triggers() again (tests/
integration/test_open_item_counts.py fails at the head revision if the counts stop following the items).

Revision ID: open_item_steps
Revises: open_item_counts
"""
import sqlalchemy as sa
from alembic import op

from tracker.db import open_item_counts

revision = "open_item_steps"
down_revision = "open_item_counts"
branch_labels = None
depends_on = None

# The triggers of the counts by due date this replaces (their tables, and SQLite's operations).
FORMER = ("trackings", "actions", "statutory_responses", "inspection_forces")


def upgrade():
    connection = op.get_bind()
    for table in FORMER:
        if connection.dialect.name == "sqlite":
            for operation in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS open_item_counts_{table}_{operation}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS open_item_counts_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS open_item_counts_{table}()")
    op.execute("DROP TABLE IF EXISTS open_item_counts")
    op.create_table(
        "open_item_steps",
        sa.Column("force_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("measure", sa.String(length=8), nullable=False),
        sa.Column("span", sa.String(length=5), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("item_type", sa.String(length=20), nullable=False),
        sa.Column("change", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("force_id", "measure", "span", "starts_on", "item_type", name="pk_open_item_steps"),
        sqlite_with_rowid=False,
    )
    open_item_counts.rebuild(connection)
    open_item_counts.create_triggers(connection)
    if connection.dialect.name == "postgresql":
        # Statistics now, not at autovacuum's next pass: without them the planner guesses a handful of
        # rows in a table of a million, and groups them by sorting.
        op.execute("ANALYZE open_item_steps")


def downgrade():
    open_item_counts.drop_triggers(op.get_bind())
    op.drop_table("open_item_steps")
