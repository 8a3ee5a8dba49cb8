"""Sources: an inspection is one kind of source document (HMICFRS police or fire, IOPC, coroner,
other) with its own fields; a response's date follows its source's clock, with the extensions and
judicial-review pauses recorded in tables of their own and the original date kept.

Every existing inspection is an HMICFRS police inspection (the column's default) and every existing
response keeps its date, which is also its original date: nothing changes in meaning.

Revision ID: sources_and_clocks
Revises: bare_recommendation_refs
"""
import sqlalchemy as sa
from alembic import op

revision = "sources_and_clocks"
down_revision = "bare_recommendation_refs"
branch_labels = None
depends_on = None

SOURCES = ("hmicfrs", "hmicfrs_fire", "iopc", "coroner", "other")
RESPONDENTS = ("chief_constable", "pcc", "fire_authority")


def _timestamps():
    return [sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("updated_at", sa.DateTime(), nullable=False)]


def upgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.Enum(*SOURCES, name="source", native_enum=False,
                                                        create_constraint=True, length=32),
                                      server_default="hmicfrs", nullable=False))
        batch_op.add_column(sa.Column("respondent", sa.Enum(*RESPONDENTS, name="respondent", native_enum=False,
                                                            create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column("reference", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("coroner_area", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("deceased_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("printed_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("target_due_on", sa.Date(), nullable=True))
        batch_op.create_index("ix_inspections_source", ["source"], unique=False)
    with op.batch_alter_table("statutory_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("original_due_on", sa.Date(), nullable=True))
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=True)
    op.execute("UPDATE statutory_responses SET original_due_on = due_on")

    op.create_table(
        "clock_extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("new_due_on", sa.Date(), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("granted_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["response_id"], ["statutory_responses.id"], ondelete="CASCADE",
                                name="fk_clock_extensions_response_id_statutory_responses"),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"], ondelete="CASCADE",
                                name="fk_clock_extensions_force_id_forces"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_clock_extensions_recorded_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_clock_extensions"),
    )
    op.create_index("ix_clock_extensions_response_id", "clock_extensions", ["response_id"], unique=False)
    op.create_table(
        "clock_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("force_id", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["statutory_responses.id"], ondelete="CASCADE",
                                name="fk_clock_pauses_response_id_statutory_responses"),
        sa.ForeignKeyConstraint(["force_id"], ["forces.id"], ondelete="CASCADE",
                                name="fk_clock_pauses_force_id_forces"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], ondelete="SET NULL",
                                name="fk_clock_pauses_recorded_by_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_clock_pauses"),
    )
    op.create_index("ix_clock_pauses_response_id", "clock_pauses", ["response_id"], unique=False)


def downgrade():
    op.drop_index("ix_clock_pauses_response_id", table_name="clock_pauses")
    op.drop_table("clock_pauses")
    op.drop_index("ix_clock_extensions_response_id", table_name="clock_extensions")
    op.drop_table("clock_extensions")
    # A response with no date takes back its original date (a running pause of an IOPC clock),
    # and one whose source has no fixed period the date of its document (the column had to hold a date).
    op.execute("UPDATE statutory_responses SET due_on = COALESCE(original_due_on, (SELECT inspections.published_on "
               "FROM inspections WHERE inspections.id = statutory_responses.inspection_id)) WHERE due_on IS NULL")
    with op.batch_alter_table("statutory_responses", schema=None) as batch_op:
        batch_op.alter_column("due_on", existing_type=sa.Date(), nullable=False)
        batch_op.drop_column("original_due_on")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_source")
        batch_op.drop_constraint(op.f("ck_inspections_source"), type_="check")
        batch_op.drop_constraint(op.f("ck_inspections_respondent"), type_="check")
        for column in ("target_due_on", "printed_due_on", "deceased_name", "coroner_area", "reference",
                       "respondent", "source"):
            batch_op.drop_column(column)
