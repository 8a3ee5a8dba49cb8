"""The data state's scope names widened from 20 characters to 40: `force-wide:<id>` (21) and
`insp:<inspection>/<force>` (26) with ids of ten digits (ids go up to 2**31 - 1) did not fit, and
PostgreSQL refuses a longer value, failing the commit of the write that marked it.

Revision ID: data_state_scope_length
Revises: welsh_names
"""
import sqlalchemy as sa
from alembic import op

revision = "data_state_scope_length"
down_revision = "welsh_names"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("data_states") as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=20), type_=sa.String(length=40),
                              existing_nullable=False)


def downgrade():
    # A scope with no row reads as a token no page is cached under: the longer ones can go.
    op.execute(sa.text("DELETE FROM data_states WHERE length(scope) > 20"))
    with op.batch_alter_table("data_states") as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=40), type_=sa.String(length=20),
                              existing_nullable=False)
