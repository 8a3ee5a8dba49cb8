"""The day a response was sent to the body that asked for it (the IOPC, the coroner)

Revision ID: response_sent_to_source
Revises: committee_packs_kept
"""
import sqlalchemy as sa
from alembic import op

revision = "response_sent_to_source"
down_revision = "committee_packs_kept"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("statutory_responses") as batch_op:
        batch_op.add_column(sa.Column("sent_to_source_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("statutory_responses") as batch_op:
        batch_op.drop_column("sent_to_source_on")
