"""The API's endpoints: GET only, JSON only, each the records its token's user may see."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml
from flask import Blueprint, jsonify, request
from werkzeug.datastructures import MultiDict

from tracker.domain.statuses import ActionStatus, InspectionType, TrackingStatus
from tracker.services import overdue
from tracker.services import records as service
from tracker.web.api import shapes
from tracker.web.api.access import ApiError, authenticate, choice, log_request, page_body, paging
from tracker.web.auth import csrf, user_force_ids
from tracker.web.views.filters import build_form, read_query

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated and read-only: no cookie is accepted, so no cross-site forgery

OPENAPI = Path(__file__).with_name("openapi.yaml")
NOT_FOUND = "Not found"


def today() -> date:
    """Today's date (one place, as the dashboard's)."""
    return date.today()


@bp.before_request
def _sign_in_by_token():
    if request.endpoint != "api.openapi":
        authenticate()


bp.after_request(log_request)
bp.register_error_handler(ApiError, ApiError.response)


@cache
def openapi_document() -> dict:
    """The OpenAPI 3.1 description, read once from openapi.yaml."""
    return yaml.safe_load(OPENAPI.read_text())


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI description of this API (no token needed: it holds no data)."""
    return jsonify(openapi_document())


def _found(record):
    """The record, or a 404 exactly as for one that does not exist."""
    if record is None:
        raise ApiError(404, NOT_FOUND)
    return record


def _inspection_id(name: str = "inspection") -> int | None:
    """The id of the inspection named by slug in the query string (None when absent); 400 if unknown."""
    slug = request.args.get(name, "").strip()
    if not slug:
        return None
    found = service.inspection(slug)
    if found is None:
        raise ApiError(400, "The query has errors", {name: ["Select an inspection by its slug, like vawg-2021"]})
    return found.id


def _force_ids() -> list[int]:
    """The user's forces, or the one of them named by ?force= (400 for any other force)."""
    force_ids = user_force_ids()
    slug = request.args.get("force", "").strip()
    if not slug:
        return force_ids
    force_id = service.force_id_of(slug, force_ids)
    if force_id is None:
        raise ApiError(400, "The query has errors", {"force": ["Select one of your forces"]})
    return [force_id]


# --- inspections and recommendations ---------------------------------------------------------------


@bp.get("/inspections")
def inspections():
    """Every inspection, newest first; ?type= and ?year= narrow it."""
    paged = paging()
    kind = choice("type", {t.value for t in InspectionType}, "Select an inspection type from the list")
    year_text = request.args.get("year", "").strip()
    if year_text and not (year_text.isdigit() and len(year_text) == 4):
        raise ApiError(400, "The query has errors", {"year": ["Enter a year, like 2021"]})
    found = service.inspections(user_force_ids(), paged.page, paged.per_page, type=kind,
                                year=int(year_text) if year_text else None)
    return jsonify(page_body([shapes.inspection(i) for i in found.items], found.total, paged))


@bp.get("/inspections/<slug>")
def inspection(slug: str):
    """One inspection."""
    return jsonify(shapes.inspection(_found(service.inspection(slug))))


@bp.get("/inspections/<slug>/recommendations")
def inspection_recommendations(slug: str):
    """An inspection's recommendations, areas for improvement and causes of concern, in the report's order."""
    paged = paging()
    found = service.recommendations(_found(service.inspection(slug)).id, paged.page, paged.per_page)
    return jsonify(page_body([shapes.recommendation(r) for r in found.items], found.total, paged))


@bp.get("/recommendations/<int:recommendation_id>")
def recommendation(recommendation_id: int):
    """One recommendation."""
    return jsonify(shapes.recommendation(_found(service.recommendation(recommendation_id))))


# --- the forces' records -----------------------------------------------------------------------------


@bp.get("/trackings")
def trackings():
    """Your forces' tracking of recommendations; ?force=, ?inspection= and ?status= narrow it."""
    paged = paging()
    force_ids, inspection_id = _force_ids(), _inspection_id()
    status = choice("status", {s.value for s in TrackingStatus}, "Select a status from the list")
    found = service.trackings(force_ids, paged.page, paged.per_page, inspection_id=inspection_id, status=status)
    return jsonify(page_body([shapes.tracking(t) for t in found.items], found.total, paged))


@bp.get("/trackings/<int:tracking_id>")
def tracking(tracking_id: int):
    """One tracking row of your forces."""
    return jsonify(shapes.tracking(_found(service.tracking(tracking_id, user_force_ids()))))


@bp.get("/actions")
def actions():
    """Your forces' actions, each with its latest progress update; ?force=, ?inspection=, ?tracking=
    and ?status= narrow them."""
    paged = paging()
    force_ids, inspection_id = _force_ids(), _inspection_id()
    status = choice("status", {s.value for s in ActionStatus}, "Select a status from the list")
    tracking_text = request.args.get("tracking", "").strip()
    if tracking_text and not tracking_text.isdigit():
        raise ApiError(400, "The query has errors", {"tracking": ["Enter a tracking id, like 12"]})
    found = service.actions(force_ids, paged.page, paged.per_page, inspection_id=inspection_id, status=status,
                            tracking_id=int(tracking_text) if tracking_text else None)
    latest = service.latest_updates([a.id for a in found.items])
    return jsonify(page_body([shapes.action(a, latest.get(a.id)) for a in found.items], found.total, paged))


@bp.get("/actions/<int:action_id>")
def action(action_id: int):
    """One action of your forces, with every progress update, the latest first."""
    record = _found(service.action(action_id, user_force_ids()))
    body = shapes.action(record, record.updates[0] if record.updates else None)
    body["updates"] = [shapes.progress_update(u) for u in record.updates]
    return jsonify(body)


@bp.get("/statutory-responses")
def statutory_responses():
    """Your forces' statutory (s.55) responses, the latest deadline first; ?force= and ?inspection= narrow them."""
    paged = paging()
    found = service.statutory_responses(_force_ids(), paged.page, paged.per_page, inspection_id=_inspection_id())
    return jsonify(page_body([shapes.statutory_response(r) for r in found.items], found.total, paged))


@bp.get("/statutory-responses/<int:response_id>")
def statutory_response(response_id: int):
    """One statutory response of your forces."""
    return jsonify(shapes.statutory_response(_found(service.statutory_response(response_id, user_force_ids()))))


# --- the overdue view ----------------------------------------------------------------------------------


@bp.get("/overdue")
def overdue_view():
    """The dashboard's overdue view: the same filters and as-of date, read by the same form and queries,
    so the same query string gives the same rows; paged by page and per_page (up to 1,000)."""
    paged = paging()
    # The dashboard's form reads the filters; the API pages by its own rules.
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "per_page")])
    form = build_form(args, drawn=False)
    query = read_query(form, today())
    if query is None:
        raise ApiError(400, "The query has errors", {name or "query": list(errors) for name, errors in form.errors.items()})
    item_filter = overdue.resolve(query.filter)
    counts = overdue.summary_counts(item_filter)
    total = sum(c["in_window"] for c in counts.values())
    rows = overdue.list_items(item_filter, sort=query.sort, descending=query.descending, page=paged.page,
                              per_page=paged.per_page, in_window=total)
    base_url = request.url_root.rstrip("/")
    return jsonify(page_body(
        [shapes.overdue_row(row, base_url) for row in rows], total, paged,
        as_of=item_filter.as_of.isoformat(), window=item_filter.window,
        counts={kind: {"overdue": c["overdue"], "due_soon": c["due_soon"]} for kind, c in counts.items()},
    ))
