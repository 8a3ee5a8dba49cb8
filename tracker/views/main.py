"""The home page and the health check."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from ..auth import user_force_ids
from ..extensions import db
from ..services.overdue import due_soon_items, overdue_items

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The signed-in home page: what is overdue and due soon in the user's forces."""
    if not current_user.is_authenticated:
        return render_template("welcome.html")
    today = date.today()
    force_ids = user_force_ids()
    return render_template(
        "index.html",
        as_of=today,
        overdue=overdue_items(today, force_ids),
        due_soon=due_soon_items(today, force_ids),
    )


@bp.get("/health")
def health():
    """Answer 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="database unavailable"), 503
    return jsonify(status="ok")
