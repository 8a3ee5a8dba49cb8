"""What waits for a decision: actions to sign off, responses to approve, implemented items to verify,
extension requests to decide.

Read on the home page of users who sign off (chief officers and administrators); each part is
counted in full and its first items listed, oldest first. Items of a force taken out of an
inspection's scope wait for nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import sqlalchemy as sa

from tracker.db import db
from tracker.domain.extensions import ExtensionStatus, may_decide_extensions
from tracker.domain.formatting import govuk_date
from tracker.domain.statuses import ActionStatus
from tracker.models import (
    Action,
    ExtensionRequest,
    Force,
    Inspection,
    Recommendation,
    StatutoryResponse,
    Tracking,
    User,
)
from tracker.services import read_rows, written_out
from tracker.services.overdue import in_scope

SHOWN = 10  # items listed per part; the count says how many there are


@dataclass(frozen=True)
class Waiting:
    """One item waiting: what it is, whose, since when, and what its page is found by."""

    title: str
    force_name: str
    since: date | None
    tracking_id: int | None = None
    action_id: int | None = None
    force_slug: str | None = None
    inspection_slug: str | None = None
    extension_id: int | None = None


@dataclass
class Part:
    """One kind of thing waiting: how many, and the first of them."""

    count: int = 0
    items: list[Waiting] = field(default_factory=list)


@dataclass
class Queue:
    """What waits for one reviewer."""

    sign_offs: Part
    approvals: Part
    verifications: Part
    extensions: Part = field(default_factory=Part)

    @property
    def total(self) -> int:
        return self.sign_offs.count + self.approvals.count + self.verifications.count + self.extensions.count


# The columns of the queue's one statement: each part's own (named as here, NULL where the part has none),
# each row labelled with its part. `since` orders a part's rows, `since_at` the extension requests'.
COLUMNS = {"part": sa.String, "id": sa.Integer, "tracking_id": sa.Integer, "title": sa.Text, "ref": sa.String,
           "since": sa.Date, "since_at": sa.DateTime, "new_due_on": sa.Date, "force_name": sa.String,
           "force_slug": sa.String, "inspection_slug": sa.String, "waiting": sa.Integer}


def _parts_of(role) -> tuple[str, ...]:
    """The parts people of this role decide, in the queue's order."""
    return tuple(part for part, decides in (
        ("sign_offs", role.can_sign_off), ("approvals", role.can_approve_responses),
        ("verifications", role.can_sign_off), ("extensions", may_decide_extensions(role))) if decides)


@lru_cache(maxsize=256)
def _written_out(force_ids: tuple[int, ...], user_id: int, parts: tuple[str, ...], _database) -> sa.TextualSelect:
    """The statement of some parts for one user and their forces, with those in its text
    (services.written_out), for the database in use: built once (building it cost more than running it,
    on every home page drawn after a write), and with the forces and the user as parameters PostgreSQL
    planned two of its parts afresh at every request. One statement for every part (a UNION ALL of each
    part's first rows): one round trip, not one a part."""
    statements = _statements(force_ids, user_id)
    selects = []
    for part in parts:
        rows = statements[part].subquery(part)
        selects.append(sa.select(*(
            sa.literal(part, sa.String).label(name) if name == "part"
            else rows.c[name] if name in rows.c else sa.cast(sa.null(), type_).label(name)
            for name, type_ in COLUMNS.items())))
    union = sa.union_all(*selects).subquery("waiting_parts")
    order = [sa.case(*((union.c.part == part, index) for index, part in enumerate(parts))),
             union.c.since.asc().nulls_last(), union.c.since_at, union.c.id]
    return written_out(sa.select(union).order_by(*order))


def _first(statement: sa.Select) -> sa.Select:
    """The statement's first SHOWN rows, each carrying the count of them all (the queue's partial indexes
    hold only what waits). The count is a subquery of its own, run once: a window (count(*) OVER ()) would
    carry every waiting row through a sort before the first ten (hundreds of implemented recommendations
    wait in a force at national scale: a third of the time on SQLite)."""
    waiting = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery()).scalar_subquery()
    return statement.add_columns(waiting.label("waiting")).limit(SHOWN)


def has_queue(role) -> bool:
    """Whether people of this role decide anything the queue lists (_parts_of: chief officers and
    administrators sign off, verify and decide extensions; the PCC's approvers approve responses)."""
    return bool(_parts_of(role))


def _statements(force_ids: tuple[int, ...], user_id: int) -> dict[str, sa.Select]:
    """The queue's statements, one a part, for one user and their forces."""
    forces, user = sa.bindparam("force_ids", list(force_ids), expanding=True), sa.bindparam("user_id", user_id)
    sign_offs = _first(
        sa.select(Action.id, Action.tracking_id, sa.cast(Action.title, sa.Text).label("title"),
                  Action.completed_on.label("since"), Force.name.label("force_name"))
        .join(Force, Action.force_id == Force.id)
        .where(Action.force_id.in_(forces), Action.status == ActionStatus.COMPLETE, Action.signed_off_at.is_(None),
               in_scope(Action.inspection_id, Action.force_id))
        .order_by(Action.completed_on.asc().nulls_last(), Action.id)
    )
    approvals = _first(
        sa.select(StatutoryResponse.id, sa.cast(Inspection.title, sa.Text).label("title"), Force.name.label("force_name"),
                  StatutoryResponse.drafted_on.label("since"), Force.slug.label("force_slug"),
                  Inspection.slug.label("inspection_slug"))
        .join(Force, StatutoryResponse.force_id == Force.id)
        .join(Inspection, StatutoryResponse.inspection_id == Inspection.id)
        .where(StatutoryResponse.force_id.in_(forces), StatutoryResponse.drafted_on.is_not(None),
               StatutoryResponse.approved_on.is_(None), StatutoryResponse.published_on.is_(None),
               # Nobody approves what they drafted (responses.approve).
               sa.or_(StatutoryResponse.drafted_by_id.is_(None), StatutoryResponse.drafted_by_id != user),
               in_scope(StatutoryResponse.inspection_id, StatutoryResponse.force_id))
        .order_by(StatutoryResponse.drafted_on, StatutoryResponse.id)
    )
    # The first rows (and the count) from the partial index alone, then their recommendations' words: a
    # long history can leave thousands waiting, and joining each to its text before the sort costs.
    waiting = _first(
        sa.select(Tracking.id, Tracking.recommendation_id, Tracking.implemented_on, Tracking.force_id)
        .where(Tracking.force_id.in_(forces), Tracking.implemented_on.is_not(None), Tracking.verified_on.is_(None),
               in_scope(Tracking.inspection_id, Tracking.force_id))
        .order_by(Tracking.implemented_on, Tracking.id)
    ).subquery()
    verifications = (
        sa.select(waiting.c.id, Recommendation.ref, sa.cast(Recommendation.text, sa.Text).label("title"),
                  waiting.c.implemented_on.label("since"), Force.name.label("force_name"), waiting.c.waiting)
        .join(Recommendation, waiting.c.recommendation_id == Recommendation.id)
        .join(Force, waiting.c.force_id == Force.id)
        .order_by(waiting.c.implemented_on, waiting.c.id)
    )
    extensions = _first(
        sa.select(ExtensionRequest.id, ExtensionRequest.tracking_id, ExtensionRequest.new_due_on,
                  ExtensionRequest.created_at.label("since_at"), Recommendation.ref,
                  sa.cast(Action.title, sa.Text).label("title"), Force.name.label("force_name"))
        .join(Tracking, ExtensionRequest.tracking_id == Tracking.id)
        .join(Recommendation, Tracking.recommendation_id == Recommendation.id)
        .join(Force, ExtensionRequest.force_id == Force.id)
        .outerjoin(Action, ExtensionRequest.action_id == Action.id)
        .where(ExtensionRequest.force_id.in_(forces), ExtensionRequest.status == ExtensionStatus.PENDING,
               # Nobody decides in their own name a request they recorded (extensions.decide).
               sa.or_(ExtensionRequest.recorded_by_id.is_(None), ExtensionRequest.recorded_by_id != user),
               in_scope(Tracking.inspection_id, Tracking.force_id))
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id)
    )
    return {"sign_offs": sign_offs, "approvals": approvals, "verifications": verifications, "extensions": extensions}


def reviewer_queue(user: User, force_ids: list[int] | tuple[int, ...]) -> Queue:
    """What waits for the user's decision in their forces: each part only for those who decide it (sign-offs
    and verifications and extension requests for chief officers and administrators, approvals for the PCC's
    approvers)."""
    parts = _parts_of(user.role)
    if not parts or not force_ids:
        return Queue(Part(), Part(), Part())
    found: dict[str, Part] = {part: Part() for part in ("sign_offs", "approvals", "verifications", "extensions")}
    for r in read_rows(_written_out(tuple(force_ids), user.id, parts, db.engine.url)):
        part = found[r.part]
        part.count = r.waiting
        part.items.append(_MAKE[r.part](r))
    return Queue(**found)


# Each part's rows as the queue lists them.
_MAKE = {
    "sign_offs": lambda r: Waiting(title=r.title, force_name=r.force_name, since=r.since, tracking_id=r.tracking_id,
                                   action_id=r.id),
    "approvals": lambda r: Waiting(title=r.title, force_name=r.force_name, since=r.since, force_slug=r.force_slug,
                                   inspection_slug=r.inspection_slug),
    "verifications": lambda r: Waiting(title=f"Recommendation {r.ref}: {r.title}" if r.ref else r.title,
                                       force_name=r.force_name, since=r.since, tracking_id=r.id),
    "extensions": lambda r: Waiting(
        title=f"{f'Action: {r.title}' if r.title else f'Recommendation {r.ref}'}, to {govuk_date(r.new_due_on)}",
        force_name=r.force_name, since=r.since_at.date(), tracking_id=r.tracking_id, extension_id=r.id),
}
