"""Read-only access to the register's records a page at a time, for the data API.

Every function takes the reader's force ids: trackings, actions and statutory responses of other
forces are never returned (one of them asked for by id is None, as a missing one is). Inspections
and their recommendations are the same for everyone signed in, as on the inspection pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from tracker.db import db
from tracker.models import (
    Action,
    Force,
    Inspection,
    ProgressUpdate,
    Recommendation,
    StatutoryResponse,
    Tracking,
)
from tracker.services import get_by_id
from tracker.services.inspections import list_inspections


@dataclass(frozen=True)
class Page:
    """One page of records and how many there are in all."""

    items: list
    total: int


def _page(query: sa.Select, page: int, per_page: int) -> Page:
    """Run a query for one page of its rows (ordered by the caller), and count them all."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items, total or 0)


# --- inspections and recommendations: the same for every reader --------------------------------------


def inspections(force_ids: list[int], page: int, per_page: int, *, year: int | None = None,
                type: str | None = None) -> Page:
    """Inspections, newest first, as the inspections page lists them."""
    found = list_inspections(force_ids, year=year, type=type)
    return Page(found[(page - 1) * per_page: page * per_page], len(found))


def _usable(slug: str) -> bool:
    """Whether a slug from an address can name anything (PostgreSQL refuses text holding a NUL)."""
    return 0 < len(slug) <= 200 and "\x00" not in slug


def inspection(slug: str) -> Inspection | None:
    """The inspection with this slug, or None."""
    if not _usable(slug):
        return None
    return db.session.scalar(sa.select(Inspection).where(Inspection.slug == slug))


def recommendations(inspection_id: int, page: int, per_page: int) -> Page:
    """An inspection's recommendations in the report's order, with their themes."""
    query = (sa.select(Recommendation).where(Recommendation.inspection_id == inspection_id)
             .options(selectinload(Recommendation.themes), joinedload(Recommendation.inspection))
             .order_by(Recommendation.position, Recommendation.id))
    return _page(query, page, per_page)


def recommendation(recommendation_id: int) -> Recommendation | None:
    """A recommendation by id, or None."""
    return get_by_id(Recommendation, recommendation_id)


# --- the forces' own records ---------------------------------------------------------------------------


def _tracking_query(force_ids: list[int]) -> sa.Select:
    return (sa.select(Tracking).where(Tracking.force_id.in_(force_ids))
            .options(joinedload(Tracking.force), joinedload(Tracking.recommendation).joinedload(Recommendation.inspection)))


def trackings(force_ids: list[int], page: int, per_page: int, *, inspection_id: int | None = None,
              status: str | None = None) -> Page:
    """The forces' tracking of recommendations, in the order they were made."""
    query = _tracking_query(force_ids).order_by(Tracking.id)
    if inspection_id is not None:
        query = query.where(Tracking.inspection_id == inspection_id)
    if status:
        query = query.where(Tracking.status == status)
    return _page(query, page, per_page)


def tracking(tracking_id: int, force_ids: list[int]) -> Tracking | None:
    """One tracking row of these forces, or None."""
    found = get_by_id(Tracking, tracking_id)
    return found if found is not None and found.force_id in force_ids else None


def _action_query(force_ids: list[int]) -> sa.Select:
    return (sa.select(Action).where(Action.force_id.in_(force_ids))
            .options(joinedload(Action.force), joinedload(Action.tracking).joinedload(Tracking.recommendation)
                     .joinedload(Recommendation.inspection)))


def actions(force_ids: list[int], page: int, per_page: int, *, tracking_id: int | None = None,
            inspection_id: int | None = None, status: str | None = None) -> Page:
    """The forces' actions, in the order they were made."""
    query = _action_query(force_ids).order_by(Action.id)
    if tracking_id is not None:
        query = query.where(Action.tracking_id == tracking_id)
    if inspection_id is not None:
        query = query.where(Action.inspection_id == inspection_id)
    if status:
        query = query.where(Action.status == status)
    return _page(query, page, per_page)


def action(action_id: int, force_ids: list[int]) -> Action | None:
    """One action of these forces, or None."""
    found = get_by_id(Action, action_id)
    return found if found is not None and found.force_id in force_ids else None


def latest_updates(action_ids: list[int], as_of: date | None = None) -> dict[int, ProgressUpdate]:
    """The latest progress update of each action (on or before `as_of` when given), in one query."""
    if not action_ids:
        return {}
    ranked = sa.select(
        ProgressUpdate.id,
        sa.func.row_number().over(partition_by=ProgressUpdate.action_id,
                                  order_by=(ProgressUpdate.occurred_on.desc(), ProgressUpdate.id.desc())).label("n"),
    ).where(ProgressUpdate.action_id.in_(action_ids))
    if as_of is not None:
        ranked = ranked.where(ProgressUpdate.occurred_on <= as_of)
    ranked = ranked.subquery()
    found = db.session.scalars(sa.select(ProgressUpdate).join(ranked, ranked.c.id == ProgressUpdate.id)
                               .where(ranked.c.n == 1))
    return {update.action_id: update for update in found}


def _response_query(force_ids: list[int]) -> sa.Select:
    return (sa.select(StatutoryResponse).where(StatutoryResponse.force_id.in_(force_ids))
            .options(joinedload(StatutoryResponse.force), joinedload(StatutoryResponse.inspection)))


def statutory_responses(force_ids: list[int], page: int, per_page: int, *, inspection_id: int | None = None) -> Page:
    """The forces' statutory responses, the latest deadline first."""
    query = _response_query(force_ids).order_by(StatutoryResponse.due_on.desc(), StatutoryResponse.id)
    if inspection_id is not None:
        query = query.where(StatutoryResponse.inspection_id == inspection_id)
    return _page(query, page, per_page)


def statutory_response(response_id: int, force_ids: list[int]) -> StatutoryResponse | None:
    """One statutory response of these forces, or None."""
    found = get_by_id(StatutoryResponse, response_id)
    return found if found is not None and found.force_id in force_ids else None


def force_id_of(slug: str, force_ids: list[int]) -> int | None:
    """The id of one of these forces by its slug, or None (also for a force not among them)."""
    if not _usable(slug):
        return None
    found = db.session.scalar(sa.select(Force.id).where(Force.slug == slug))
    return found if found in force_ids else None
