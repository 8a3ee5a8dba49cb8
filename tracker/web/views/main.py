"""The home page and the health check."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user

from tracker.services import database_reachable
from tracker.web.views.oversight import dashboard

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The signed-in home page: what is overdue and due soon in the user's forces."""
    if not current_user.is_authenticated:
        return render_template("welcome.html")
    return dashboard()


@bp.get("/health")
def health():
    """Answer 200 when the app can reach its database and write its files, 503 when it cannot.

    For load balancers and monitoring: no sign-in, no details beyond which check failed.
    """
    checks = {"database": "ok", "storage": "ok"}
    if not database_reachable():
        checks["database"] = "unavailable"
    if not all(_writable(Path(current_app.config[key])) for key in ("TRACKER_PUBLISHED_DIR", "TRACKER_EVIDENCE_DIR")):
        checks["storage"] = "not writable"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", checks=checks), 200 if healthy else 503


def _writable(folder: Path) -> bool:
    """True when the folder (or, before its first file, the folder it will be made in) is writable."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return probe.is_dir() and os.access(probe, os.W_OK | os.X_OK)
