"""The s.55 response's approval by the PCC: the approver role, approval and publication fingerprints,
back-filled publication dates, sign-off notes, and items addressed to other bodies tracked for information

Revision ID: response_approval
Revises: force_data_states
"""
import sqlalchemy as sa
from alembic import op

from tracker.domain.addressees import for_information

revision = "response_approval"
down_revision = "force_data_states"
branch_labels = None
depends_on = None

ROLES_BEFORE = ("service_admin", "admin", "editor", "reviewer", "viewer")
ROLES_AFTER = ("service_admin", "admin", "editor", "reviewer", "approver", "viewer")
STATUSES_BEFORE = ("awaiting_review", "being_progressed", "complete", "no_further_action")
STATUSES_AFTER = STATUSES_BEFORE + ("for_information",)


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _check(table: str, column: str, name: str, before, after) -> None:
    """Replace an enum column's CHECK constraint (the same name, the new values) on both databases."""
    with op.batch_alter_table(table) as batch_op:
        batch_op.alter_column(column, existing_type=_enum(before, name), type_=_enum(after, name),
                              existing_nullable=False)


def upgrade():
    _check("users", "role", "role", ROLES_BEFORE, ROLES_AFTER)
    _check("trackings", "status", "trackingstatus", STATUSES_BEFORE, STATUSES_AFTER)
    with op.batch_alter_table("statutory_responses") as batch_op:
        batch_op.add_column(sa.Column("approved_sections", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("published_outside", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("publication_entered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_statutory_responses_publication_entered_by_id_users"), "users",
                                    ["publication_entered_by_id"], ["id"], ondelete="SET NULL")
    with op.batch_alter_table("published_versions") as batch_op:
        batch_op.add_column(sa.Column("sections", sa.Text(), nullable=True))
    with op.batch_alter_table("forces") as batch_op:
        batch_op.add_column(sa.Column("pcc_name", sa.String(length=200), nullable=True))
    with op.batch_alter_table("actions") as batch_op:
        batch_op.add_column(sa.Column("sign_off_note", sa.Text(), nullable=True))

    # Items already stored that are addressed only to other bodies, still awaiting review: for information,
    # closed from the report's publication: another body's to act on, never the force's overdue item.
    connection = op.get_bind()
    recommendations = sa.table("recommendations", sa.column("id"), sa.column("inspection_id"), sa.column("addressed_to"))
    inspections = sa.table("inspections", sa.column("id"), sa.column("published_on"))
    trackings = sa.table("trackings", sa.column("recommendation_id"), sa.column("status"), sa.column("closed_on"))
    rows = connection.execute(sa.select(recommendations.c.id, recommendations.c.addressed_to, inspections.c.published_on)
                              .join(inspections, recommendations.c.inspection_id == inspections.c.id)).all()
    for rec_id, addressed_to, published_on in rows:
        if for_information(addressed_to):
            connection.execute(trackings.update()
                               .where(trackings.c.recommendation_id == rec_id, trackings.c.status == "awaiting_review")
                               .values(status="for_information", closed_on=published_on))


def downgrade():
    connection = op.get_bind()
    trackings = sa.table("trackings", sa.column("status"), sa.column("closed_on"))
    connection.execute(trackings.update().where(trackings.c.status == "for_information")
                       .values(status="awaiting_review", closed_on=None))
    users = sa.table("users", sa.column("role"))
    connection.execute(users.update().where(users.c.role == "approver").values(role="viewer"))
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_column("sign_off_note")
    with op.batch_alter_table("forces") as batch_op:
        batch_op.drop_column("pcc_name")
    with op.batch_alter_table("published_versions") as batch_op:
        batch_op.drop_column("sections")
    with op.batch_alter_table("statutory_responses") as batch_op:
        batch_op.drop_constraint(op.f("fk_statutory_responses_publication_entered_by_id_users"), type_="foreignkey")
        batch_op.drop_column("publication_entered_by_id")
        batch_op.drop_column("published_outside")
        batch_op.drop_column("approved_sections")
    _check("trackings", "status", "trackingstatus", STATUSES_AFTER, STATUSES_BEFORE)
    _check("users", "role", "role", ROLES_AFTER, ROLES_BEFORE)
