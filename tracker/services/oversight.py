"""Data access of the oversight area: progress figures, calendar tokens, preferences, themes, filters."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from functools import cache

import sqlalchemy as sa

from tracker.db import db
from tracker.domain.statuses import TrackingStatus
from tracker.models import (
    Force,
    Inspection,
    InspectionForce,
    NotificationPreference,
    Recommendation,
    Theme,
    Tracking,
    User,
)
from tracker.services import DomainError, get_by_id
from tracker.services.overdue import in_scope

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


def shared_filter_choices() -> dict:
    """What the filters show that is the same for every force: every theme, and the latest inspection's
    publication date (one query). They change only with the shared data (a theme, an inspection's date),
    so the views cache them under the shared data state alone: a write to a force's records leaves them
    be. (Inspections are searched by the words of their titles, not listed.)"""
    rows = db.session.execute(_shared_choices_statement()).all()
    latest = [r[3] for r in rows if r[0] == "latest"]
    return {
        "themes": [(r[1], r[2]) for r in sorted((r for r in rows if r[0] == "theme"), key=lambda r: r[2])],
        # Whether a past as-of date must leave out inspections published after it (ItemFilter.check_published).
        "latest_publication": latest[0] if latest else None,
    }


@cache
def _shared_choices_statement() -> sa.CompoundSelect:
    """shared_filter_choices' query, built once (it has no parameters)."""
    return sa.union_all(
        sa.select(sa.literal("latest").label("list"), sa.null(), sa.null(), sa.func.max(Inspection.published_on)),
        sa.select(sa.literal("theme"), Theme.slug, Theme.name, sa.null()),
    )


def id_of_slug(model, slug: str) -> int | None:
    """The id of the force, inspection or theme with this slug (None when there is none)."""
    return db.session.scalar(sa.select(model.id).where(model.slug == slug))


def inspection_of_slug(slug: str) -> tuple[int, str] | None:
    """The id and title of the inspection with this slug (None when there is none)."""
    row = db.session.execute(sa.select(Inspection.id, Inspection.title).where(Inspection.slug == slug)).first()
    return (row.id, row.title) if row else None


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
