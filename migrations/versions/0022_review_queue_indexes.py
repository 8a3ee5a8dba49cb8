"""Partial indexes of what waits in the reviewer's queue (actions not signed off, tracking rows
implemented and not verified), so counting and listing it reads only those rows, on SQLite and on
PostgreSQL, however long the history.

Revision ID: review_queue_indexes
Revises: response_sent_to_source
"""
import sqlalchemy as sa
from alembic import op

revision = "review_queue_indexes"
down_revision = "response_sent_to_source"
branch_labels = None
depends_on = None

WAITING_SIGN_OFF = "signed_off_at IS NULL"
WAITING_VERIFICATION = "implemented_on IS NOT NULL AND verified_on IS NULL"


def upgrade():
    op.create_index("ix_actions_awaiting_sign_off", "actions",
                    ["force_id", "status", "completed_on", "inspection_id", "signed_off_at"],
                    sqlite_where=sa.text(WAITING_SIGN_OFF), postgresql_where=sa.text(WAITING_SIGN_OFF))
    op.create_index("ix_trackings_awaiting_verification", "trackings",
                    ["force_id", "implemented_on", "inspection_id", "verified_on", "recommendation_id"],
                    sqlite_where=sa.text(WAITING_VERIFICATION), postgresql_where=sa.text(WAITING_VERIFICATION))


def downgrade():
    op.drop_index("ix_trackings_awaiting_verification", table_name="trackings")
    op.drop_index("ix_actions_awaiting_sign_off", table_name="actions")
