"""Small helpers the staff workspace's views share."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from tracker.domain.statuses import Role
from tracker.web.auth import can_edit


def require_editor() -> None:
    """Answer 403 unless the signed-in user is an editor or administrator."""
    if not can_edit():
        abort(403)


def is_reviewer() -> bool:
    """True for chief officers, who comment and sign off but do not edit."""
    return current_user.is_authenticated and current_user.role is Role.REVIEWER
