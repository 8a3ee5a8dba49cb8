"""Welsh versions of what the PCC writes for publication (a force that works in Welsh publishes both
languages together): the comments, each explanation and chief constable's comment on it, the
statutory paragraph; and the Welsh copy of each published version.

Revision ID: welsh_versions
Revises: response_approval
"""
import sqlalchemy as sa
from alembic import op

revision = "welsh_versions"
down_revision = "response_approval"
branch_labels = None
depends_on = None

RESPONSE_TEXTS = ("chief_comments_cy", "chief_comments_absence_cy", "pcc_comments_cy", "pcc_response_to_chief_cy")
TRACKING_TEXTS = ("pcc_explanation_cy", "chief_comment_cy")


def upgrade():
    with op.batch_alter_table("statutory_responses") as batch_op:
        for name in RESPONSE_TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    with op.batch_alter_table("trackings") as batch_op:
        for name in TRACKING_TEXTS:
            batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
    with op.batch_alter_table("forces") as batch_op:
        batch_op.add_column(sa.Column("statutory_paragraph_cy", sa.Text(), nullable=True))
    with op.batch_alter_table("published_versions") as batch_op:
        batch_op.add_column(sa.Column("filename_cy", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("sha256_cy", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("size_cy", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("published_versions") as batch_op:
        batch_op.drop_column("size_cy")
        batch_op.drop_column("sha256_cy")
        batch_op.drop_column("filename_cy")
    with op.batch_alter_table("forces") as batch_op:
        batch_op.drop_column("statutory_paragraph_cy")
    with op.batch_alter_table("trackings") as batch_op:
        for name in reversed(TRACKING_TEXTS):
            batch_op.drop_column(name)
    with op.batch_alter_table("statutory_responses") as batch_op:
        for name in reversed(RESPONSE_TEXTS):
            batch_op.drop_column(name)
