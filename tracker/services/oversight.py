"""Data access of the oversight area: progress figures, meeting packs, calendar tokens, preferences."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from tracker.db import data_state, db
from tracker.domain.deadlines import DueState
from tracker.domain.statuses import TrackingStatus
from tracker.models import (
    Force,
    Inspection,
    InspectionForce,
    MeetingPack,
    MeetingPackItem,
    NotificationPreference,
    Recommendation,
    Theme,
    Tracking,
    User,
)
from tracker.services import DomainError, get_by_id
from tracker.services.overdue import ItemFilter, Row, closed_items, in_scope, list_items, owners

# --- progress at a glance -------------------------------------------------------------------------

PROGRESS_SHARES = [
    ("complete", "Complete"),
    ("in_progress", "In progress"),
    ("not_started", "Not started"),
    ("overdue", "Overdue"),
]


@dataclass(frozen=True)
class Progress:
    """How one inspection's or one force's recommendations stand on a date."""

    key: str
    label: str
    complete: int
    in_progress: int
    not_started: int
    overdue: int

    @property
    def total(self) -> int:
        """All the recommendations counted."""
        return self.complete + self.in_progress + self.not_started + self.overdue

    def share(self, name: str) -> int:
        """A share in whole per cent (0 when there is nothing)."""
        return round(100 * getattr(self, name) / self.total) if self.total else 0


def progress(force_ids, as_of: date, by: str) -> list[Progress]:
    """Recommendations' shares per inspection (by="inspection") or per force (by="force"), in one query.

    Exclusive shares: closed by the as-of date is complete; else past its due date is overdue; else
    being progressed is in progress; else not started.
    """
    closed = sa.and_(Tracking.closed_on.is_not(None), Tracking.closed_on <= as_of)
    late = sa.and_(sa.not_(closed), Tracking.due_on < as_of)
    open_not_late = sa.and_(sa.not_(closed), sa.or_(Tracking.due_on.is_(None), Tracking.due_on >= as_of))
    group = (Inspection.slug, Inspection.title) if by == "inspection" else (Force.slug, Force.name)
    q = (
        sa.select(
            *group,
            sa.func.sum(sa.case((closed, 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(open_not_late, Tracking.status == TrackingStatus.BEING_PROGRESSED), 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(open_not_late, Tracking.status != TrackingStatus.BEING_PROGRESSED), 1), else_=0)),
            sa.func.sum(sa.case((late, 1), else_=0)),
        )
        .join(Recommendation, Tracking.recommendation_id == Recommendation.id)
        .join(Inspection, Recommendation.inspection_id == Inspection.id)
        .join(Force, Tracking.force_id == Force.id)
        .where(Tracking.force_id.in_(force_ids), Inspection.published_on <= as_of,
               in_scope(Tracking.inspection_id, Tracking.force_id),

               Tracking.status != TrackingStatus.FOR_INFORMATION)  # another body's to act on: not the force's progress
        .group_by(*group)
        .order_by(group[1])
    )
    return [Progress(key, label, int(c or 0), int(p or 0), int(n or 0), int(o or 0))
            for key, label, c, p, n, o in db.session.execute(q)]


# --- meeting packs ------------------------------------------------------------------------------


# A PDF's render time grows faster than its length (DESIGN.md): the pack details at most this many
# items per owner and in all; every owner and every item is still counted in its summary table.
ROWS_PER_OWNER = 8
ROWS_IN_ALL = 100
CHANGES_SHOWN = 50


@dataclass
class OwnerGroup:
    """One owner's items in a pack: those detailed, and counts of all of them."""

    owner: str
    rows: list[Row]
    overdue: int
    due_soon: int
    no_date: int

    @property
    def total(self) -> int:
        """How many of the owner's items the pack holds."""
        return self.overdue + self.due_soon + self.no_date

    @property
    def not_shown(self) -> int:
        """How many of them are counted but not detailed."""
        return self.total - len(self.rows)


@dataclass
class Pack:
    """A meeting pack's contents: the items by owner and what changed since the previous pack."""

    force: Force
    as_of: date
    groups: list[OwnerGroup]
    previous: MeetingPack | None
    newly_overdue: list[Row]
    newly_complete: list[Row]

    @property
    def count(self) -> int:
        """How many items the pack holds."""
        return sum(g.total for g in self.groups)

    @property
    def no_date(self) -> int:
        """How many open items have no closing date."""
        return sum(g.no_date for g in self.groups)

    @property
    def changes_shown(self) -> int:
        """The most items each list of changes details."""
        return CHANGES_SHOWN


def build_pack(force: Force, as_of: date, user_id: int | None, check_published: bool | None = None) -> Pack:
    """Gather a force's overdue, due-soon and undated items by owner, compare with the previous pack,
    and record this pack's item states for the next one (one pack per force and as-of date).
    `check_published` is ItemFilter's (None: ask the database)."""
    rows = list_items(ItemFilter(as_of=as_of, force_ids=(force.id,), window="attention",
                                 check_published=check_published),
                      sort="days", descending=True, page=None)
    by_owner: dict[str, list[Row]] = {}
    for row in rows:  # most days overdue first, undated last
        by_owner.setdefault(row.owner or "No owner set", []).append(row)
    groups, shown = [], 0
    for owner in sorted(by_owner, key=lambda o: (o == "No owner set", o.lower())):
        items = by_owner[owner]
        detail = items[:max(0, min(ROWS_PER_OWNER, ROWS_IN_ALL - shown))]
        shown += len(detail)
        groups.append(OwnerGroup(owner, detail,
                                 overdue=sum(1 for r in items if r.state is DueState.OVERDUE),
                                 due_soon=sum(1 for r in items if r.state is DueState.DUE_SOON),
                                 no_date=sum(1 for r in items if r.due is None)))
    same_day, previous, before = _packs_around(force, as_of)
    newly_overdue: list[Row] = []
    newly_complete: list[Row] = []
    if previous is not None:
        newly_overdue = [r for r in rows if r.state is DueState.OVERDUE and before.get((r.type, r.id)) != DueState.OVERDUE.value]
        newly_complete = [r for r in closed_items((force.id,), previous.as_of, as_of) if (r.type, r.id) in before]
    _record_pack(force, as_of, user_id, rows, same_day)
    return Pack(force, as_of, groups, previous, newly_overdue, newly_complete)


def _packs_around(force: Force, as_of: date) -> tuple[MeetingPack | None, MeetingPack | None, dict[tuple[str, int], str]]:
    """This date's pack (if one was made before), the latest earlier one, and the states of that one's
    items by (type, id): one query, the items joined to the earlier pack only."""
    earlier = (sa.select(MeetingPack.id).where(MeetingPack.force_id == force.id, MeetingPack.as_of < as_of)
               .order_by(MeetingPack.as_of.desc(), MeetingPack.id.desc()).limit(1).scalar_subquery())
    result = db.session.execute(
        sa.select(MeetingPack, MeetingPackItem.item_type, MeetingPackItem.item_id, MeetingPackItem.state)
        .outerjoin(MeetingPackItem, sa.and_(MeetingPackItem.pack_id == MeetingPack.id, MeetingPack.as_of < as_of))
        .where(MeetingPack.force_id == force.id, sa.or_(MeetingPack.as_of == as_of, MeetingPack.id == earlier))
        .order_by(MeetingPack.as_of.desc(), MeetingPack.id.desc())
    ).all()
    same_day = next((pack for pack, *_ in result if pack.as_of == as_of), None)
    previous = next((pack for pack, *_ in result if pack.as_of < as_of), None)
    before = {(item_type, item_id): state for pack, item_type, item_id, state in result
              if pack is previous and item_type is not None}
    return same_day, previous, before


def _record_pack(force: Force, as_of: date, user_id: int | None, rows: list[Row], pack: MeetingPack | None) -> None:
    """Store the pack of this force and date with its items' states (replacing `pack`, this date's
    earlier one, if there is one)."""
    if pack is None:
        pack = MeetingPack(force_id=force.id, as_of=as_of, created_by_id=user_id)
        db.session.add(pack)
        db.session.flush()
    else:
        db.session.execute(sa.delete(MeetingPackItem).where(MeetingPackItem.pack_id == pack.id),
                           execution_options=data_state.reach(forces=[force.id]))
    if rows:
        db.session.execute(sa.insert(MeetingPackItem).execution_options(**data_state.reach(forces=[force.id])), [
            {"pack_id": pack.id, "item_type": r.type, "item_id": r.id, "state": r.state.value} for r in rows])
    db.session.flush()


# --- calendar tokens and notification preferences ------------------------------------------------


def new_calendar_token(user: User) -> str:
    """Give the user a new secret calendar address (the old one, if any, stops working)."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def revoke_calendar_token(user: User) -> None:
    """Turn the user's calendar address off."""
    user.calendar_token = None
    db.session.flush()


def user_by_calendar_token(token: str) -> User | None:
    """The active user whose calendar address holds this token, or None."""
    if not token:
        return None
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def preferences(user_id: int) -> NotificationPreference:
    """The user's email preferences (defaults, not stored, when never changed)."""
    pref = db.session.get(NotificationPreference, user_id)
    return pref or NotificationPreference(user_id=user_id, due_reminders=True, weekly_digest=True)


def set_preferences(user_id: int, *, due_reminders: bool, weekly_digest: bool) -> NotificationPreference:
    """Change what emails the user gets."""
    pref = db.session.get(NotificationPreference, user_id)
    if pref is None:
        pref = NotificationPreference(user_id=user_id)
        db.session.add(pref)
    pref.due_reminders = due_reminders
    pref.weekly_digest = weekly_digest
    db.session.flush()
    return pref


# --- themes ---------------------------------------------------------------------------------------


def all_themes() -> list[Theme]:
    """Every theme, by name."""
    return list(db.session.scalars(sa.select(Theme).order_by(Theme.name)))


def set_themes(recommendation: Recommendation, slugs: list[str]) -> None:
    """Set the themes a recommendation carries (unknown slugs are refused)."""
    themes = list(db.session.scalars(sa.select(Theme).where(Theme.slug.in_(slugs)))) if slugs else []
    if len(themes) != len(set(slugs)):
        raise DomainError("Select themes from the list", "themes")
    recommendation.themes = sorted(themes, key=lambda t: t.name)
    db.session.flush()


# --- the dashboard's filters ---------------------------------------------------------------------


def filter_choices(force_ids: list[int]) -> dict[str, list[tuple[str, str]]]:
    """The choices of the filters that come from the data: the user's forces, every inspection and
    theme (one query), and the owners named in the forces' items (another); cached until the data changes."""
    rows = db.session.execute(sa.union_all(
        sa.select(sa.literal("force").label("list"), Force.slug, Force.name,
                  sa.type_coerce(sa.null(), sa.Date).label("published_on"))  # the union's column types are the first's
        .where(Force.id.in_(force_ids)),
        sa.select(sa.literal("inspection"), Inspection.slug, Inspection.title, Inspection.published_on),
        sa.select(sa.literal("theme"), Theme.slug, Theme.name, sa.null()),
    )).all()
    named = {kind: sorted((r for r in rows if r[0] == kind), key=lambda r: r[2]) for kind in ("force", "theme")}
    # Inspections: the latest first, then by title.
    inspections = sorted((r for r in rows if r[0] == "inspection"), key=lambda r: r[2])
    inspections.sort(key=lambda r: r[3], reverse=True)
    return {
        "forces": [(r[1], r[2]) for r in named["force"]],
        "inspections": [(r[1], r[2]) for r in inspections],
        "themes": [(r[1], r[2]) for r in named["theme"]],
        "owners": [(o, o) for o in owners(force_ids)],
        # Whether a past as-of date must leave out inspections published after it (ItemFilter.check_published).
        "latest_publication": inspections[0][3] if inspections else None,
    }


def id_of_slug(model, slug: str) -> int | None:
    """The id of the force, inspection or theme with this slug (None when there is none)."""
    return db.session.scalar(sa.select(model.id).where(model.slug == slug))


def recommendation_for_forces(recommendation_id: int, force_ids: list[int]) -> Recommendation | None:
    """A recommendation of an inspection that concerns (or is tracked by) one of these forces, else None."""
    rec = get_by_id(Recommendation, recommendation_id)
    if rec is None:
        return None
    concerns = db.session.scalar(sa.select(sa.func.count()).select_from(InspectionForce).where(
        InspectionForce.inspection_id == rec.inspection_id, InspectionForce.force_id.in_(force_ids)))
    tracked = db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).where(
        Tracking.recommendation_id == rec.id, Tracking.force_id.in_(force_ids)))
    return rec if concerns or tracked else None


def get_force(force_id: int) -> Force | None:
    """The force with this id, or None."""
    return get_by_id(Force, force_id)
