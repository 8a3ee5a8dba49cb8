"""Progress updates a person chose to publish: shown on the public page of a published response as
the progress since publication. Off for every update already written (nobody chose to publish them)
and for every new one until someone ticks it.

Revision ID: public_progress_updates
Revises: opcc_public_face
"""
import sqlalchemy as sa
from alembic import op

revision = "public_progress_updates"
down_revision = "opcc_public_face"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_column("public")
