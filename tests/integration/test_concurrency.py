"""Concurrent editors of one tracking record and its action: every save lands or is refused as a
conflict, the audit trail holds exactly the saves that landed, and no update is lost.

These tests commit for real, on a scratch install of their own (tests/scratch_db.py), on whichever
database the run uses (SQLite, or PostgreSQL in the second pass of `make test`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from tests.page_check import Form, forms
from tests.scratch_db import cheap_password_hashing, dispose, make_install, scratch_database, served
from tracker.db import audit, db, write_transactions
from tracker.domain.statuses import Role
from tracker.models import Action, AuditEvent, Force, Tracking, User
from tracker.services import ConflictError, save
from tracker.services import tracking as tracking_service
from tracker.services import users as user_service
from tracker.web.auth import session_fields

EDITORS = 20
SAVES = 3  # each editor opens the form and saves this many times, whatever the outcome
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """A scratch install with the demonstration data and 20 editors of Cumbria (one per module:
    each test judges only what happened after it began)."""
    tmp_path = tmp_path_factory.mktemp("concurrency")
    with scratch_database(tmp_path) as url:
        app = make_install(url, tmp_path / "instance")
        with app.app_context():
            cumbria = db.session.scalar(sa.select(Force).where(Force.slug == "cumbria"))
            with cheap_password_hashing():
                first = user_service.create_user("editor0@test.example", "Editor 0", Role.EDITOR, [cumbria], PASSWORD)
            # The others share the first one's password hash: hashing twenty times costs seconds.
            users = [first] + [
                User(email=f"editor{i}@test.example", name=f"Editor {i}", role=Role.EDITOR, forces=[cumbria],
                     password_hash=first.password_hash)
                for i in range(1, EDITORS)
            ]
            for user in users:
                user.session_token = user_service.new_session_token()
            db.session.add_all(users)
            action = db.session.scalar(
                sa.select(Action).where(Action.force_id == cumbria.id).order_by(Action.id).limit(1)
            )
            assert action is not None, "the demonstration data has no Cumbria action"
            db.session.commit()
            app.config["TEST_USERS"] = [(u.id, u.session_token) for u in users]
            app.config["TEST_TRACKING_ID"] = action.tracking_id
            app.config["TEST_ACTION_ID"] = action.id
            db.session.remove()
        try:
            yield app
        finally:
            dispose(app)


@dataclass
class Outcomes:
    """What happened to every attempted save, collected from the editor threads."""

    landed: list[tuple[int, str]] = field(default_factory=list)  # (user id, value saved)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _assert_every_save_landed_or_conflicted(outcomes: Outcomes) -> None:
    """Each save either landed or was refused as a conflict; both happened."""
    assert outcomes.errors == []
    assert len(outcomes.landed) + outcomes.conflicts == EDITORS * SAVES
    # All editors first read the same version before anyone saved: one of those saves lands.
    assert outcomes.conflicts >= EDITORS - 1
    # The editor whose first save landed saves again on its own version: that lands, or another did.
    assert len(outcomes.landed) >= 2


def _snapshot(app, tracking_id: int, action_id: int) -> tuple[int, int, int]:
    """Return the tracking's and action's versions and the last audit event's id."""
    with app.app_context():
        tracking = db.session.get(Tracking, tracking_id)
        action = db.session.get(Action, action_id)
        last = db.session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
        result = (tracking.version, action.version, last)
        db.session.remove()
    return result


def _assert_no_update_lost(app, outcomes: Outcomes, before: tuple[int, int, int], *, tracking_field: str,
                           action_field: str | None) -> None:
    """Every landed save is in the audit trail, in a chain with no gap; nothing else is."""
    tracking_id, action_id = app.config["TEST_TRACKING_ID"], app.config["TEST_ACTION_ID"]
    assert outcomes.errors == []
    landed = len(outcomes.landed)
    _assert_every_save_landed_or_conflicted(outcomes)
    with app.app_context():
        tracking = db.session.get(Tracking, tracking_id)
        action = db.session.get(Action, action_id)
        assert tracking.version == before[0] + landed
        if action_field:
            assert action.version == before[1] + landed
        checks = [(Tracking, tracking_id, tracking_field, getattr(tracking, tracking_field))]
        if action_field:
            checks.append((Action, action_id, action_field, getattr(action, action_field)))
        for model, entity_id, name, final in checks:
            events = db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.entity_type == model.__name__, AuditEvent.entity_id == entity_id,
                       AuditEvent.id > before[2])
                .order_by(AuditEvent.id)
            ).all()
            assert [e.event for e in events] == ["updated"] * landed
            chain = [e.changes[name] for e in events]
            # Each landed save started from the value the previous one left: nothing overwritten unseen.
            for previous, current in zip(chain, chain[1:]):
                assert current[0] == previous[1]
            assert chain[-1][1] == final
            assert sorted((e.user_id, e.changes[name][1]) for e in events) == sorted(outcomes.landed)
        db.session.remove()


def test_concurrent_service_saves_lose_no_update(install):
    """20 threads, each with its own session, edit the same tracking row and action at once."""
    app = install
    tracking_id, action_id = app.config["TEST_TRACKING_ID"], app.config["TEST_ACTION_ID"]
    before = _snapshot(app, tracking_id, action_id)
    outcomes = Outcomes()
    barrier = threading.Barrier(EDITORS)

    def editor(index: int, user_id: int) -> None:
        """Read the records (the form being opened), then save against the versions read."""
        try:
            for attempt in range(SAVES):
                with app.app_context():
                    tracking = db.session.get(Tracking, tracking_id)
                    action = db.session.get(Action, action_id)
                    versions = tracking.version, action.version
                    db.session.remove()
                if attempt == 0:
                    barrier.wait()
                value = f"editor {index} attempt {attempt}"
                with app.app_context(), write_transactions():
                    audit.set_actor(db.session, user_id)
                    try:
                        tracking = db.session.get(Tracking, tracking_id)
                        tracking_service.update_tracking(
                            tracking, versions[0], date.today(), target_date=tracking.target_date,
                            lead_officer=value, pcc_explanation=f"Explained by {value}",
                        )
                        action = db.session.get(Action, action_id)
                        tracking_service.check_version(action, versions[1])
                        action.owner = value
                        save()
                    except ConflictError:
                        with outcomes.lock:
                            outcomes.conflicts += 1
                        continue
                    finally:
                        db.session.remove()
                with outcomes.lock:
                    outcomes.landed.append((user_id, value))
        except BaseException as exc:  # noqa: BLE001  (collected and asserted on below)
            with outcomes.lock:
                outcomes.errors.append(f"editor {index}: {type(exc).__name__}: {exc}")
            barrier.abort()

    threads = [threading.Thread(target=editor, args=(i, uid)) for i, uid in enumerate(uid for uid, _ in app.config["TEST_USERS"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _assert_no_update_lost(app, outcomes, before, tracking_field="lead_officer", action_field="owner")


# --- through the served app's forms -----------------------------------------------------------


class Browser:
    """A minimal browser for one signed-in user: keeps its cookies, follows no redirects."""

    def __init__(self, app, base: str, user_id: int, session_token: str):
        # Signed in as the tests' sign_in() does it: the session cookie Flask-Login reads.
        session = {"_user_id": str(user_id), "_fresh": True, **session_fields(session_token)}
        cookie = app.session_interface.get_signing_serializer(app).dumps(session)
        self.cookies = {app.config["SESSION_COOKIE_NAME"]: cookie}
        self.base = base

    def request(self, method: str, path: str, fields: list | None = None) -> tuple[int, str]:
        """Send a request with the cookies; keep the cookies the answer sets; return status and body."""
        url = urlsplit(path if path.startswith("http") else f"{self.base}{path}")
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode([tuple(pair) for pair in fields])
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection(url.netloc)
        try:
            connection.request(method, url.path + (f"?{url.query}" if url.query else ""), body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, text
        finally:
            connection.close()


CONFLICT_WORDS = "Someone else saved"


def _edit_form(browser: Browser, path: str) -> Form:
    """GET an edit page and return its form (the one holding `version`)."""
    status, html = browser.request("GET", path)
    assert status == 200, f"{path} answered {status}"
    editing = [f for f in forms(html) if f.values("version") and f.method == "post"]
    assert editing, f"{path} has no POST form with a version field"
    return editing[0]


@pytest.mark.parametrize("rule, field_name", [("/tracking/<int:id>/edit", "lead_officer"),
                                              ("/actions/<int:id>/edit", "owner")])
def test_concurrent_form_saves_lose_no_update(install, rule, field_name):
    """20 signed-in browsers open the same edit form, change it, and save at once, over HTTP."""
    app = install
    app.config["WTF_CSRF_ENABLED"] = True
    tracking_id, action_id = app.config["TEST_TRACKING_ID"], app.config["TEST_ACTION_ID"]
    record_id = tracking_id if rule.startswith("/tracking") else action_id
    before = _snapshot(app, tracking_id, action_id)
    outcomes = Outcomes()
    barrier = threading.Barrier(EDITORS)

    with served(app) as base:
        edit_path = rule.replace("<int:id>", str(record_id))
        browsers = [Browser(app, base, user_id, token) for user_id, token in app.config["TEST_USERS"]]

        def editor(index: int, user_id: int) -> None:
            """Open the form, change one field, save; on a conflict reopen the form and save again."""
            try:
                for attempt in range(SAVES):
                    form = _edit_form(browsers[index], edit_path)
                    if attempt == 0:
                        barrier.wait()
                    value = f"editor {index} attempt {attempt}"
                    form.set(field_name, value)
                    if form.values("pcc_explanation"):
                        form.set("pcc_explanation", f"Explained by {value}")
                    status, body = browsers[index].request("POST", form.action or edit_path, form.fields)
                    if status in (302, 303):
                        with outcomes.lock:
                            outcomes.landed.append((user_id, value))
                    elif status in (200, 409) and CONFLICT_WORDS in body:
                        with outcomes.lock:
                            outcomes.conflicts += 1
                    else:
                        raise AssertionError(f"save answered {status}: neither landed nor refused as a conflict")
            except BaseException as exc:  # noqa: BLE001  (collected and asserted on below)
                with outcomes.lock:
                    outcomes.errors.append(f"editor {index}: {type(exc).__name__}: {exc}")
                barrier.abort()

        threads = [threading.Thread(target=editor, args=(i, uid))
                   for i, uid in enumerate(uid for uid, _ in app.config["TEST_USERS"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    if rule.startswith("/tracking"):
        _assert_no_update_lost(app, outcomes, before, tracking_field=field_name, action_field=None)
    else:
        _assert_no_update_lost_on_action(app, outcomes, before, field_name)


def _assert_no_update_lost_on_action(app, outcomes: Outcomes, before, field_name: str) -> None:
    """As _assert_no_update_lost, for saves of the action alone."""
    action_id = app.config["TEST_ACTION_ID"]
    _assert_every_save_landed_or_conflicted(outcomes)
    landed = len(outcomes.landed)
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action.version == before[1] + landed
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.entity_type == "Action", AuditEvent.entity_id == action_id, AuditEvent.id > before[2])
            .order_by(AuditEvent.id)
        ).all()
        assert len(events) == landed
        chain = [e.changes[field_name] for e in events]
        for previous, current in zip(chain, chain[1:]):
            assert current[0] == previous[1]
        assert chain[-1][1] == getattr(action, field_name)
        assert sorted((e.user_id, e.changes[field_name][1]) for e in events) == sorted(outcomes.landed)
        db.session.remove()
