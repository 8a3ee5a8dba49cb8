"""An index of the trackings by inspection and force: an inspection's page lists its forces' trackings,
and SQLite, having no such index, read every tracking of the force to find the report's few (21 ms for
one force at national scale).

Revision ID: trackings_by_inspection_index
Revises: data_state_scope_length
"""
from alembic import op

revision = "trackings_by_inspection_index"
down_revision = "data_state_scope_length"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_trackings_inspection_id_force_id", "trackings", ["inspection_id", "force_id"])


def downgrade():
    op.drop_index("ix_trackings_inspection_id_force_id", table_name="trackings")
