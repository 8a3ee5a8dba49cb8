"""Revised due dates through extension requests and their decisions; a recommendation blocked by an
external dependency; per cent complete set by hand.

Revision ID: extension_requests
Revises: review_queue_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "extension_requests"
down_revision = "review_queue_indexes"
branch_labels = None
depends_on = None

STATUSES = ("pending", "approved", "refused")


def upgrade():
    with op.batch_alter_table("trackings") as batch_op:
        batch_op.add_column(sa.Column("revised_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("blocked_by", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("percent_complete", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_trackings_percent_complete_range"),
                                         "percent_complete BETWEEN 0 AND 100")
    op.create_table(
        "extension_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("previous_due_on", sa.Date(), nullable=False),
        sa.Column("new_due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum(*STATUSES, name="extensionstatus", native_enum=False, create_constraint=True,
                                    length=32), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_body", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["tracking_id"], ["trackings.id"], ondelete="CASCADE",
                                name="fk_extension_requests_tracking_id_trackings"),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], ondelete="CASCADE",
                                name="fk_extension_requests_action_id_actions"),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"], ondelete="CASCADE",
                                name="fk_extension_requests_force_id_forces"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_extension_requests_recorded_by_id_users"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_extension_requests_decided_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_extension_requests"),
    )
    op.create_index("ix_extension_requests_tracking_id", "extension_requests", ["tracking_id"], unique=False)
    op.create_index("ix_extension_requests_action_id", "extension_requests", ["action_id"], unique=False)
    op.create_index("ix_extension_requests_force_id_status", "extension_requests", ["force_id", "status"],
                    unique=False)


def downgrade():
    op.drop_index("ix_extension_requests_force_id_status", table_name="extension_requests")
    op.drop_index("ix_extension_requests_action_id", table_name="extension_requests")
    op.drop_index("ix_extension_requests_tracking_id", table_name="extension_requests")
    op.drop_table("extension_requests")
    # The date in force stays the due date: an approved extension becomes the force's target date.
    op.execute("UPDATE trackings SET target_date = revised_due_on WHERE revised_due_on IS NOT NULL")
    with op.batch_alter_table("trackings") as batch_op:
        batch_op.drop_constraint(op.f("ck_trackings_percent_complete_range"), type_="check")
        batch_op.drop_column("percent_complete")
        batch_op.drop_column("blocked_by")
        batch_op.drop_column("revised_due_on")
