"""The OPCC's public face: each force's office gives its website address and how the public reach it
(email, telephone, postal address), shown on the public pages. Every column is optional: a force
without them keeps working, its public pages say only what is known.

Revision ID: opcc_public_face
Revises: sources_and_clocks
"""
import sqlalchemy as sa
from alembic import op

revision = "opcc_public_face"
down_revision = "sources_and_clocks"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("forces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opcc_website", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("opcc_email", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("opcc_phone", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("opcc_address", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("forces", schema=None) as batch_op:
        batch_op.drop_column("opcc_address")
        batch_op.drop_column("opcc_phone")
        batch_op.drop_column("opcc_email")
        batch_op.drop_column("opcc_website")
