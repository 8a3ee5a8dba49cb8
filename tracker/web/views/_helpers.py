"""Small helpers the staff workspace's views share."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from tracker.domain.statuses import Role
from tracker.services import inspections as inspection_service
from tracker.services import tracking as tracking_service
from tracker.web.auth import can_edit, require_force


def require_editor() -> None:
    """Answer 403 unless the signed-in user is an editor or administrator."""
    if not can_edit():
        abort(403)


def own_action(action_id: int):
    """The action, if it belongs to one of the user's forces; else 404."""
    action = tracking_service.get_action(action_id)
    if action is None:
        abort(404)
    require_force(action.force_id)
    return action


def is_reviewer() -> bool:
    """True for chief officers, who comment and sign off but do not edit."""
    return current_user.is_authenticated and current_user.role is Role.REVIEWER


def require_shared_change(inspection) -> None:
    """Answer 403 unless the user may change what the inspection shares between its forces: an
    editor who belongs to every force it concerns, or a service administrator."""
    if not inspection_service.may_change_shared(current_user, inspection):
        abort(403)


def site_url() -> str:
    """The address links in files and feeds start with: TRACKER_BASE_URL when it is set, else the
    address the user is on (behind a proxy, as TRACKER_PROXY_COUNT lets ProxyFix read it)."""
    return (current_app.config.get("TRACKER_BASE_URL") or request.url_root).rstrip("/")
