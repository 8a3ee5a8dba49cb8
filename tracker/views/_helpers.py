"""Small helpers the staff workspace's views share."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..auth import can_edit
from ..services import DomainError


def show_error(form, error: DomainError) -> None:
    """Show a refused change against its field, or at the top of the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors = [*getattr(form, "form_errors", []), error.message]


def require_editor() -> None:
    """Answer 403 unless the signed-in user is an editor or administrator."""
    if not can_edit():
        abort(403)


def is_reviewer() -> bool:
    """True for chief officers, who comment and sign off but do not edit."""
    from ..statuses import Role

    return current_user.is_authenticated and current_user.role is Role.REVIEWER
