"""A published response for the public pages' browser tests, put back as it was afterwards."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import sqlalchemy as sa

UPDATE = "Every call handler has been trained."


@contextmanager
def published_response(live_server):
    """Cumbria's response to the national report, explained, approved and published (into the server's
    own folder), with a progress update chosen for the public page; everything put back afterwards for
    the tests that run after it."""
    from tests.factories import get_tracking
    from tracker.db import db
    from tracker.models import ProgressUpdate, PublishedVersion, User
    from tracker.services import responses as response_service
    from tracker.services import tracking as tracking_service

    app = live_server["app"]
    old_dir = app.config["TRACKER_PUBLISHED_DIR"]
    # A folder of its own each time: the files of an earlier use (the same version number, put back
    # in the database afterwards) stay on disk, and publishing never overwrites a file.
    app.config["TRACKER_PUBLISHED_DIR"] = tempfile.mkdtemp(prefix="published-", dir=live_server["tmp"])
    with app.app_context():
        response = response_service.get_response("cumbria", "vawg-2021")
        tracking = get_tracking("cumbria", "4")
        # What this changes, so that it can put it all back.
        saved_response = {column.key: getattr(response, column.key) for column in response.__table__.columns
                          if column.key not in ("id", "version")}
        saved_explanations = {item.id: item.pcc_explanation for item in response_service.response_trackings(response)}
        update = tracking_service.add_progress_update(tracking.actions[0], date(2022, 3, 1), UPDATE, public=True)
        editor = db.session.scalar(sa.select(User).where(User.email == "editor@tracker.example"))
        approver = db.session.scalar(sa.select(User).where(User.email == "approver@tracker.example"))
        for item in response_service.response_trackings(response):
            item.pcc_explanation = item.pcc_explanation or f"Explanation of {item.recommendation.ref}"
        response_service.mark_ready(response, editor, date(2021, 11, 1))
        response_service.approve(response, approver, date(2021, 11, 2))
        version = response_service.publish(response, editor, Path(app.config["TRACKER_PUBLISHED_DIR"]))
        db.session.commit()
        try:
            yield version
        finally:
            db.session.rollback()
            db.session.delete(db.session.get(PublishedVersion, version.id))
            db.session.delete(db.session.get(ProgressUpdate, update.id))
            response = response_service.get_response("cumbria", "vawg-2021")
            for column, value in saved_response.items():
                setattr(response, column, value)
            for item in response_service.response_trackings(response):
                item.pcc_explanation = saved_explanations[item.id]
            db.session.commit()
            db.session.remove()
            app.config["TRACKER_PUBLISHED_DIR"] = old_dir
