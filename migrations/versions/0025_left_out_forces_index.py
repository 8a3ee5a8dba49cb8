"""A partial index of the forces left out of an inspection's scope: every overdue query asks for them
(twice), and PostgreSQL scanned every force of every inspection to find the few.

Revision ID: left_out_forces_index
Revises: owner_update_links
"""
import sqlalchemy as sa
from alembic import op

revision = "left_out_forces_index"
down_revision = "owner_update_links"
branch_labels = None
depends_on = None


def upgrade():
    # The same condition as the queries' (SQLAlchemy writes `IS 0` on SQLite, `IS false` on PostgreSQL).
    op.create_index("ix_inspection_forces_left_out", "inspection_forces", ["inspection_id", "force_id"],
                    sqlite_where=sa.text("in_scope IS 0"), postgresql_where=sa.text("in_scope IS false"))


def downgrade():
    op.drop_index("ix_inspection_forces_left_out", table_name="inspection_forces")
