"""Committee packs kept: each meeting pack's previous meeting date, the dashboard view it was made
from, and its content (enough to draw its PDF and Word copies again, byte for byte)

Revision ID: committee_packs_kept
Revises: welsh_versions
"""
import sqlalchemy as sa
from alembic import op

revision = "committee_packs_kept"
down_revision = "welsh_versions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting_packs") as batch_op:
        batch_op.add_column(sa.Column("previous_meeting_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("view", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("content", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("meeting_packs") as batch_op:
        batch_op.drop_column("content")
        batch_op.drop_column("view")
        batch_op.drop_column("previous_meeting_on")
