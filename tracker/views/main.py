"""The home page and the health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from ..extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The signed-in home page: what is overdue and due soon in the user's forces."""
    if not current_user.is_authenticated:
        return render_template("welcome.html")
    from .oversight import dashboard

    return dashboard()


@bp.get("/health")
def health():
    """Answer 200 when the app can reach its database, 503 when it cannot."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="database unavailable"), 503
    return jsonify(status="ok")
