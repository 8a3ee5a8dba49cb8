"""Roles that say their reach: the service administrator (every force) beside the force administrator.

Roles are stored as strings checked by the database, so the new value needs the check widened.

Revision ID: service_admin_role
Revises: api_tokens
"""
import sqlalchemy as sa
from alembic import op

revision = "service_admin_role"
down_revision = "api_tokens"
branch_labels = None
depends_on = None

OLD = ("admin", "editor", "reviewer", "viewer")
NEW = ("service_admin", *OLD)


def _role_type(values):
    return sa.Enum(*values, name="role", native_enum=False, create_constraint=True, length=32)


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=_role_type(OLD), type_=_role_type(NEW), existing_nullable=False)


def downgrade():
    op.execute("UPDATE users SET role = 'admin' WHERE role = 'service_admin'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=_role_type(NEW), type_=_role_type(OLD), existing_nullable=False)
