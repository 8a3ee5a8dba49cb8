"""Sessions and sign-in: a per-user session token (a new one ends every session), the window of an
account's wrong passwords, and wrong passwords counted per client address.

Revision ID: sessions_and_sign_in
Revises: oidc_identities
"""
import sqlalchemy as sa
from alembic import op

revision = "sessions_and_sign_in"
down_revision = "oidc_identities"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_logins_since", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    op.create_table(
        "sign_in_addresses",
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_sign_in_addresses")),
    )


def downgrade():
    op.drop_table("sign_in_addresses")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_token")
        batch_op.drop_column("failed_logins_since")
