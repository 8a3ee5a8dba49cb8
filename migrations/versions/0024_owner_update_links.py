"""Owners' update links: one emailed link per action and purpose, kept as a hash, and the progress
updates sent through them

Revision ID: owner_update_links
Revises: extension_requests
"""
import sqlalchemy as sa
from alembic import op

revision = "owner_update_links"
down_revision = "extension_requests"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "owner_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_owner_links_action_id_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"], name=op.f("fk_owner_links_force_id_forces"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_owner_links_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_owner_links_revoked_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_links")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_owner_links_secret_hash")),
    )
    op.create_index(op.f("ix_owner_links_action_id"), "owner_links", ["action_id"])
    op.create_index("ix_owner_links_action_id_due_on", "owner_links", ["action_id", "due_on"])
    with op.batch_alter_table("progress_updates") as batch_op:
        batch_op.add_column(sa.Column("owner_link_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_progress_updates_owner_link_id_owner_links"), "owner_links",
                                    ["owner_link_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("progress_updates") as batch_op:
        batch_op.drop_constraint(op.f("fk_progress_updates_owner_link_id_owner_links"), type_="foreignkey")
        batch_op.drop_column("owner_link_id")
    op.drop_index("ix_owner_links_action_id_due_on", table_name="owner_links")
    op.drop_index(op.f("ix_owner_links_action_id"), table_name="owner_links")
    op.drop_table("owner_links")
