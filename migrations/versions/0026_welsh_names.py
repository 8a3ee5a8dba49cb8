"""The Welsh names of a force, its office and its commissioner, printed in the Welsh copies of its
documents; set for the four Welsh forces.

Revision ID: welsh_names
Revises: left_out_forces_index
"""
import sqlalchemy as sa
from alembic import op

revision = "welsh_names"
down_revision = "left_out_forces_index"
branch_labels = None
depends_on = None

# The Welsh forces' names (their offices' own usage; to be checked by each office).
WELSH_NAMES = {
    "dyfed-powys": "Dyfed-Powys",
    "gwent": "Gwent",
    "north-wales": "Gogledd Cymru",
    "south-wales": "De Cymru",
}


def upgrade():
    with op.batch_alter_table("forces") as batch_op:
        batch_op.add_column(sa.Column("name_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("opcc_name_cy", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("commissioner_title_cy", sa.String(length=200), nullable=True))
    forces = sa.table("forces", sa.column("slug", sa.String), sa.column("name_cy", sa.String),
                      sa.column("opcc_name_cy", sa.String), sa.column("commissioner_title_cy", sa.String))
    for slug, area in WELSH_NAMES.items():
        op.execute(forces.update().where(forces.c.slug == slug).values(
            name_cy=f"Heddlu {area}", opcc_name_cy=f"Swyddfa Comisiynydd Heddlu a Throseddu {area}",
            commissioner_title_cy=f"Comisiynydd Heddlu a Throseddu {area}"))


def downgrade():
    with op.batch_alter_table("forces") as batch_op:
        batch_op.drop_column("commissioner_title_cy")
        batch_op.drop_column("opcc_name_cy")
        batch_op.drop_column("name_cy")
