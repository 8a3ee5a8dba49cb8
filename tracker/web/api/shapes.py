"""The API's records as JSON objects: the shapes its OpenAPI document (openapi.yaml) describes."""

from __future__ import annotations

from datetime import date, datetime

from flask import url_for

from tracker.domain.register import ITEM_TYPES, Row
from tracker.models import Action, Inspection, ProgressUpdate, Recommendation, StatutoryResponse, Tracking


def iso(value: date | datetime | None) -> str | None:
    """A date (2022-04-01) or a UTC time (2022-04-01T09:30:00Z) as ISO 8601; None stays None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    return value.isoformat()


def _value(member) -> str | None:
    """An enum member's stored value."""
    return getattr(member, "value", member)


def _page(endpoint: str, **args) -> str:
    """The address of a record's page in the staff workspace."""
    return url_for(endpoint, **args, _external=True)


def inspection(record: Inspection) -> dict:
    return {
        "slug": record.slug,
        "title": record.title,
        "type": _value(record.type),
        "type_label": record.type.label,
        "published_on": iso(record.published_on),
        "source": _value(record.source),
        "report_url": record.url,
        "web_url": _page("inspections.show", slug=record.slug),
        "api_url": url_for("api.inspection", slug=record.slug, _external=True),
    }


def recommendation(record: Recommendation) -> dict:
    return {
        "id": record.id,
        "inspection": record.inspection.slug,
        "ref": record.ref,
        "kind": _value(record.kind),
        "parent_id": record.parent_id,
        "position": record.position,
        "addressed_to": record.addressed_to,
        "text": record.text,
        "bullets": list(record.bullets or []),
        "deadline_text": record.deadline_text,
        "deadline_date": iso(record.deadline_date),
        "themes": [theme.slug for theme in record.themes],
        "superseded_by_id": record.superseded_by_id,
    }


def tracking(record: Tracking) -> dict:
    rec = record.recommendation
    return {
        "id": record.id,
        "force": record.force.slug,
        "force_name": record.force.name,
        "inspection": rec.inspection.slug,
        "recommendation_id": rec.id,
        "ref": rec.ref,
        "kind": _value(rec.kind),
        "status": _value(record.status),
        "status_label": record.status.label,
        "no_action_reason": record.no_action_reason,
        "lead_officer": record.lead_officer,
        "target_date": iso(record.target_date),
        "due_on": iso(record.due_on),
        "closed_on": iso(record.closed_on),
        "rag_forecast": _value(record.rag_forecast),
        "pcc_explanation": record.pcc_explanation,
        "chief_comment": record.chief_comment,
        "chief_comment_not_for_publication": record.chief_comment_not_for_publication,
        "implemented_on": iso(record.implemented_on),
        "verified_on": iso(record.verified_on),
        "hmicfrs_view": _value(record.hmicfrs_view),
        "hmicfrs_view_on": iso(record.hmicfrs_view_on),
        "updated_at": iso(record.updated_at),
        "web_url": _page("tracking.show", tracking_id=record.id),
    }


def progress_update(record: ProgressUpdate | None) -> dict | None:
    if record is None:
        return None
    return {
        "id": record.id,
        "occurred_on": iso(record.occurred_on),
        "text": record.text,
        "not_for_publication": record.not_for_publication,
    }


def action(record: Action, latest: ProgressUpdate | None) -> dict:
    rec = record.tracking.recommendation
    return {
        "id": record.id,
        "tracking_id": record.tracking_id,
        "force": record.force.slug,
        "inspection": rec.inspection.slug,
        "ref": rec.ref,
        "title": record.title,
        "description": record.description,
        "owner": record.owner,
        "due_on": iso(record.due_on),
        "status": _value(record.status),
        "status_label": record.status.label,
        "completed_on": iso(record.completed_on),
        "not_for_publication": record.not_for_publication,
        "signed_off_at": iso(record.signed_off_at),
        "latest_update": progress_update(latest),
        "web_url": _page("tracking.show", tracking_id=record.tracking_id),
    }


def statutory_response(record: StatutoryResponse) -> dict:
    return {
        "id": record.id,
        "force": record.force.slug,
        "force_name": record.force.name,
        "inspection": record.inspection.slug,
        "inspection_title": record.inspection.title,
        "status": "published" if record.published_on else "not_published",
        "due_on": iso(record.due_on),
        "original_due_on": iso(record.original_due_on),
        "chief_invited_on": iso(record.chief_invited_on),
        "chief_comments_due_on": iso(record.chief_comments_due_on),
        "chief_comments_received_on": iso(record.chief_comments_received_on),
        "chief_comments": record.chief_comments,
        "pcc_comments": record.pcc_comments,
        "drafted_on": iso(record.drafted_on),
        "approved_on": iso(record.approved_on),
        "published_on": iso(record.published_on),
        "sent_to_hmicfrs_on": iso(record.sent_to_hmicfrs_on),
        "sent_to_home_secretary_on": iso(record.sent_to_home_secretary_on),
        "web_url": _page("responses.show", force_slug=record.force.slug, inspection_slug=record.inspection.slug),
    }


def overdue_row(row: Row, base_url: str) -> dict:
    """One row of the overdue view, with what the dashboard works out from it (days overdue, RAG)."""
    return {
        "type": row.type,
        "type_label": ITEM_TYPES[row.type],
        "id": row.id,
        "tracking_id": row.tracking_id,
        "force": row.force,
        "force_name": row.force_name,
        "inspection": row.inspection,
        "inspection_title": row.inspection_title,
        "inspection_type": row.inspection_type,
        "source": row.source,
        "ref": row.ref,
        "kind": row.kind,
        "title": row.title,
        "owner": row.owner,
        "status": row.status,
        "status_label": row.status_label,
        "due_on": iso(row.due),
        "closed_on": iso(row.closed_on),
        "days_overdue": row.days_overdue,
        "state": row.state.value,
        "rag": row.rag.value,
        "rag_forecast": row.rag_forecast,
        "last_update": iso(row.last_update),
        "web_url": base_url + row.url,
    }
