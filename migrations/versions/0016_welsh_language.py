"""Welsh and English: a force whose office works in Welsh (the four Welsh PCCs work under Welsh
Language Standards compliance notices), and the Welsh version of a progress update published on the
public page.

Revision ID: welsh_language
Revises: public_progress_updates
"""
import sqlalchemy as sa
from alembic import op

revision = "welsh_language"
down_revision = "public_progress_updates"
branch_labels = None
depends_on = None

WELSH_FORCES = ("dyfed-powys", "gwent", "north-wales", "south-wales")


def upgrade():
    with op.batch_alter_table("forces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("works_in_welsh", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_cy", sa.Text(), nullable=True))
    forces = sa.table("forces", sa.column("slug", sa.String), sa.column("works_in_welsh", sa.Boolean))
    op.execute(forces.update().where(forces.c.slug.in_(WELSH_FORCES)).values(works_in_welsh=True))


def downgrade():
    with op.batch_alter_table("progress_updates", schema=None) as batch_op:
        batch_op.drop_column("text_cy")
    with op.batch_alter_table("forces", schema=None) as batch_op:
        batch_op.drop_column("works_in_welsh")
