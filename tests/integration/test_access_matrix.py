"""The access matrix, generated from the URL map: every route, GET and POST, for every role, on a
record of the user's own force, on one of another force, and signed out, answers as ONE table says.

A route the table does not name fails the test, so no new route escapes it. POSTs carry a valid CSRF
token and an empty form; where the answer is a refusal (302 to sign in, 400, 401, 403, 404) the
database must be exactly as it was (every table's row count and the data-state token, which every
write changes). The data is built once for the module; every request runs in a savepoint that is
rolled back, so no request sees another's changes.

Signed-in users belong to Cumbria ("own"); "other" names Lancashire's records. The service
administrator reaches every force, so both are theirs. The data API is asked with each user's own
personal access token instead of the session cookie.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from tests.conftest import _ConnectionBoundSession, _OwnUserClient
from tests.factories import get_force, make_user
from tracker.db import db
from tracker.domain.register import ItemFilter
from tracker.domain.statuses import ActionStatus, InspectionType, Role
from tracker.models import Action, DataState, ExtensionRequest, ProgressUpdate, PublishedVersion, utcnow
from tracker.services import clocks as clock_service
from tracker.services import committee_pack
from tracker.services import evidence as evidence_service
from tracker.services import inspections as inspection_service
from tracker.services import owner_links as owner_link_service
from tracker.services import responses as response_service
from tracker.services import tokens as token_service
from tracker.web.auth import session_fields

ROLES = (Role.SERVICE_ADMIN, Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER)
ANON = None
# The PCC's approver reads what a viewer reads and, alone, approves: (own, other) where it differs from a viewer.
APPROVER_ROWS: dict[tuple[str, str], tuple[int, int]] = {
    ("GET", "responses.approve"): (200, 404),  # the check-answers page (here: what is missing, linked)
    ("POST", "responses.approve"): (200, 404),  # refused (nothing declared, explanations missing): the page again
}


@dataclass(frozen=True)
class Row:
    """What one route answers: for each role in ROLES order (service administrator, force
    administrator, editor, reviewer, viewer) on their own force's record and on another force's
    (None: the route names no force's record, so 'other' is the same request), and signed out."""

    own: str
    other: str | None
    anon: int


ALL_200 = "200 200 200 200 200"
EDITORS = "200 200 200 403 403"
ADMINS = "200 200 403 403 403"
OWN_ONLY = "200 404 404 404 404"
ALL_400 = "400 400 400 400 400"  # another force's record: only the service administrator reaches it


# (method, endpoint) -> Row. Every route of the app, and only those.
MATRIX: dict[tuple[str, str], Row] = {
    # Open to all
    ("GET", "static"): Row(ALL_200, None, 200),
    ("GET", "main.health"): Row(ALL_200, None, 200),
    ("GET", "main.index"): Row(ALL_200, None, 200),  # the welcome page when signed out
    ("GET", "auth.sign_in"): Row("302 302 302 302 302", None, 200),
    ("POST", "auth.sign_in"): Row("302 302 302 302 302", None, 200),  # signed out: the form's errors
    ("GET", "auth.organisation_sign_in"): Row("404 404 404 404 404", None, 404),  # no identity provider set
    ("GET", "auth.organisation_callback"): Row("404 404 404 404 404", None, 404),
    ("POST", "auth.sign_out"): Row("302 302 302 302 302", None, 302),
    ("GET", "public.force_page"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.response_page"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.version_pdf"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.welsh_pdf"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.feed"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.index"): Row(ALL_200, None, 200),
    ("GET", "public.accessibility"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.privacy"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.contact"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.deadlines"): Row(ALL_200, ALL_200, 200),
    ("GET", "public.progress_csv"): Row(ALL_200, ALL_200, 200),
    ("GET", "oversight.calendar"): Row(ALL_200, "404 404 404 404 404", 200),  # own: the user's secret address
    # An action owner's page: the emailed link is the key, whoever holds it (an empty form: its errors)
    ("GET", "owner_links.update"): Row(ALL_200, ALL_200, 200),
    ("POST", "owner_links.update"): Row(ALL_200, ALL_200, 200),
    # Everyone signed in
    ("GET", "oversight.export_csv"): Row(ALL_200, None, 302),
    ("GET", "oversight.export_xlsx"): Row(ALL_200, None, 302),
    ("GET", "oversight.committee_packs"): Row(ALL_200, None, 302),  # the form and the kept packs: nothing made
    ("POST", "oversight.make_committee_pack"): Row(ALL_400, None, 302),  # an empty form: its errors, nothing kept
    ("GET", "oversight.committee_pack_pdf"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "oversight.committee_pack_docx"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "oversight.progress"): Row(ALL_200, None, 302),
    ("GET", "oversight.calendar_settings"): Row(ALL_200, None, 302),
    ("POST", "oversight.calendar_settings"): Row("302 302 302 302 302", None, 302),
    ("GET", "oversight.notification_settings"): Row(ALL_200, None, 302),
    ("POST", "oversight.notification_settings"): Row("302 302 302 302 302", None, 302),
    ("GET", "tokens.index"): Row(ALL_200, None, 302),
    ("POST", "tokens.index"): Row(ALL_200, None, 302),  # an empty form: its errors
    ("POST", "tokens.revoke"): Row("302 302 302 302 302", "404 404 404 404 404", 302),  # other: someone else's token
    ("GET", "inspections.index"): Row(ALL_200, None, 302),
    ("GET", "inspections.show"): Row(ALL_200, ALL_200, 302),  # inspections are public reports
    ("GET", "inspections.history"): Row(ALL_200, ALL_200, 302),
    ("GET", "responses.index"): Row(ALL_200, None, 302),
    # Inspections: what they share changes only by someone who holds every force they concern
    ("GET", "inspections.new"): Row(EDITORS, None, 302),
    ("POST", "inspections.new"): Row(EDITORS, None, 302),
    ("GET", "inspections.edit"): Row(EDITORS, "200 403 403 403 403", 302),
    ("POST", "inspections.edit"): Row(EDITORS, "200 403 403 403 403", 302),
    ("GET", "inspections.new_recommendation"): Row(EDITORS, "200 403 403 403 403", 302),
    ("POST", "inspections.new_recommendation"): Row(EDITORS, "200 403 403 403 403", 302),
    ("GET", "inspections.edit_recommendation"): Row(EDITORS, "200 403 403 403 403", 302),
    ("POST", "inspections.edit_recommendation"): Row(EDITORS, "200 403 403 403 403", 302),
    ("GET", "oversight.recommendation_themes"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "oversight.recommendation_themes"): Row("302 302 302 403 403", "302 404 404 403 403", 302),
    ("GET", "imports.start"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "imports.start"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "imports.confirm"): Row("302 302 302 403 403", "302 404 404 403 403", 302),
    # A force's own part of an inspection
    ("GET", "inspections.force_scope"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "inspections.force_scope"): Row(EDITORS, "200 404 404 403 403", 302),
    # A force's records
    ("GET", "tracking.show"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "tracking.history"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "tracking.edit"): Row("200 200 200 200 403", OWN_ONLY, 302),  # a reviewer writes the chief's comment
    ("POST", "tracking.edit"): Row("200 200 200 200 403", OWN_ONLY, 302),
    ("GET", "tracking.new_action"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "tracking.new_action"): Row(EDITORS, OWN_ONLY, 302),
    ("GET", "tracking.edit_action"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "tracking.edit_action"): Row(EDITORS, OWN_ONLY, 302),
    ("GET", "tracking.action_history"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "tracking.new_update"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "tracking.new_update"): Row(EDITORS, OWN_ONLY, 302),
    # Signing off: a confirmation page first (no version posted: the page again); undo without a version: 400
    ("GET", "tracking.sign_off"): Row("200 200 403 200 403", OWN_ONLY, 302),
    ("POST", "tracking.sign_off"): Row("200 200 403 200 403", OWN_ONLY, 302),
    ("POST", "tracking.undo_sign_off"): Row("400 400 403 400 403", "400 404 404 404 404", 302),
    ("GET", "tracking.evidence"): Row(ALL_200, OWN_ONLY, 302),
    # The owner's forecast on the tracking page: editors and chief officers (no version posted: the page again)
    ("POST", "tracking.forecast"): Row("200 200 200 200 403", OWN_ONLY, 302),
    # Extensions: editors and chief officers ask; chief officers and administrators decide (empty posts: the form's errors)
    ("GET", "extensions.new"): Row("200 200 200 200 403", OWN_ONLY, 302),
    ("POST", "extensions.new"): Row("200 200 200 200 403", OWN_ONLY, 302),
    ("GET", "extensions.decide"): Row("200 200 403 200 403", OWN_ONLY, 302),
    ("POST", "extensions.decide"): Row("200 200 403 200 403", OWN_ONLY, 302),
    # Owners' update links: editors send one now (here: no owner's email, refused on the page) or revoke one
    ("POST", "owner_links.send"): Row("302 302 302 403 403", "302 404 404 404 404", 302),
    ("POST", "owner_links.revoke"): Row("302 302 302 403 403", "302 404 404 404 404", 302),
    ("GET", "responses.show"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "responses.preview"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "responses.preview_pdf"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "responses.version_pdf"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "responses.version_docx"): Row(ALL_200, OWN_ONLY, 302),
    ("GET", "responses.version_copy"): Row(ALL_200, OWN_ONLY, 302),
    # Approval is the PCC's approver's alone (APPROVER_ROWS); the force comes first, so another's is 404
    ("GET", "responses.approve"): Row("403 403 403 403 403", "403 404 404 404 404", 302),
    ("POST", "responses.approve"): Row("403 403 403 403 403", "403 404 404 404 404", 302),
    ("GET", "responses.draft_docx"): Row(ALL_200, OWN_ONLY, 302),
    # The response's own editing pages load the response first: another force's answers 404 before any role check
    ("GET", "responses.invite"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.invite"): Row(EDITORS, OWN_ONLY, 302),
    ("GET", "responses.explanations"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.explanations"): Row(EDITORS, OWN_ONLY, 302),  # no versions posted: the page again
    ("POST", "responses.ready"): Row("302 302 302 403 403", "302 404 404 404 404", 302),  # refused: what is missing
    ("GET", "responses.start_from"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.start_from"): Row(EDITORS, OWN_ONLY, 302),
    ("GET", "responses.milestones"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.milestones"): Row(EDITORS, OWN_ONLY, 302),
    ("GET", "responses.comments"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.comments"): Row(EDITORS, OWN_ONLY, 302),
    # Another source's general comments: the matrix's response is s.55's, so 404 once the role may edit
    ("GET", "responses.general_comments"): Row("404 404 404 403 403", "404 404 404 404 404", 302),
    ("POST", "responses.general_comments"): Row("404 404 404 403 403", "404 404 404 404 404", 302),
    ("GET", "responses.copies"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.copies"): Row(EDITORS, OWN_ONLY, 302),
    # Sending to the IOPC or the coroner: the record here is an s.55 response, to which the page does not apply
    ("GET", "responses.sent"): Row("404 404 404 403 403", "404 404 404 404 404", 302),
    ("POST", "responses.sent"): Row("404 404 404 403 403", "404 404 404 404 404", 302),
    ("GET", "responses.extension"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "responses.extension"): Row(EDITORS, "200 404 404 403 403", 302),
    ("GET", "responses.pause"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "responses.pause"): Row(EDITORS, "200 404 404 403 403", 302),
    ("GET", "responses.end_pause"): Row(EDITORS, "200 404 404 403 403", 302),
    ("POST", "responses.end_pause"): Row(EDITORS, "200 404 404 403 403", 302),
    ("GET", "responses.publish"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.publish"): Row(EDITORS, OWN_ONLY, 302),
    ("GET", "responses.statutory_paragraph"): Row(EDITORS, OWN_ONLY, 302),
    ("POST", "responses.statutory_paragraph"): Row(EDITORS, OWN_ONLY, 302),
    # Users: a force administrator manages only their forces' users
    ("GET", "admin.users"): Row(ADMINS, None, 302),
    ("GET", "admin.new_user"): Row(ADMINS, None, 302),
    ("POST", "admin.new_user"): Row(ADMINS, None, 302),
    ("GET", "admin.edit_user"): Row(ADMINS, "200 404 403 403 403", 302),
    ("POST", "admin.edit_user"): Row(ADMINS, "200 404 403 403 403", 302),
    ("GET", "admin.reset_password"): Row(ADMINS, "200 404 403 403 403", 302),
    ("POST", "admin.reset_password"): Row(ADMINS, "200 404 403 403 403", 302),
    ("POST", "admin.unlock"): Row("302 302 403 403 403", "302 404 403 403 403", 302),
    ("POST", "admin.unlink"): Row("302 302 403 403 403", "302 404 403 403 403", 302),
    # Each office's public details: its own administrators (and the service administrator)
    ("GET", "admin.forces"): Row(ADMINS, None, 302),
    ("GET", "admin.public_details"): Row(ADMINS, "200 404 403 403 403", 302),
    ("POST", "admin.public_details"): Row("302 302 403 403 403", "302 404 403 403 403", 302),
    # The data API: a personal access token, never the cookie (signed out: no token)
    ("GET", "api.openapi"): Row(ALL_200, None, 200),
    ("GET", "api.inspections"): Row(ALL_200, None, 401),
    ("GET", "api.inspection"): Row(ALL_200, ALL_200, 401),
    ("GET", "api.inspection_recommendations"): Row(ALL_200, ALL_200, 401),
    ("GET", "api.recommendation"): Row(ALL_200, ALL_200, 401),
    ("GET", "api.overdue_view"): Row(ALL_200, None, 401),
    ("GET", "api.trackings"): Row(ALL_200, None, 401),
    ("GET", "api.tracking"): Row(ALL_200, OWN_ONLY, 401),
    ("GET", "api.actions"): Row(ALL_200, None, 401),
    ("GET", "api.action"): Row(ALL_200, OWN_ONLY, 401),
    ("GET", "api.statutory_responses"): Row(ALL_200, None, 401),
    ("GET", "api.statutory_response"): Row(ALL_200, OWN_ONLY, 401),
}

REFUSALS = {400, 401, 403, 404}  # and a 302 to the sign-in page


@dataclass(frozen=True)
class Someone:
    """A signed-in user's id and secrets (plain values: the records outlive no session)."""

    id: int
    session_token: str
    calendar_token: str


@dataclass
class World:
    """The module's data: a user of each role with a bearer token, and the records the routes name."""

    app: object
    connection: object
    users: dict
    bearer: dict
    own: dict
    other: dict


def _publish(force_slug: str, folder: Path) -> None:
    """A published version of the force's response to the national report, with its file."""
    response = response_service.get_response(force_slug, "vawg-2021")
    data = b"%PDF-1.7 matrix\n%%EOF\n"
    filename = f"{force_slug}-vawg-2021-v1.pdf"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / filename).write_bytes(data)
    response_service.html_path(folder / filename).write_text("<p>The published response.</p>", "utf-8")
    response_service.docx_path(folder / filename).write_bytes(b"PK\x03\x04 matrix")
    # Its Welsh copies too (the routes are the same whichever force's office works in Welsh).
    welsh = f"{force_slug}-vawg-2021-v1.cy.pdf"
    (folder / welsh).write_bytes(data)
    response_service.docx_path(folder / welsh).write_bytes(b"PK\x03\x04 matrix")
    response.published_on = date(2021, 11, 3)
    db.session.add(PublishedVersion(response_id=response.id, number=1, filename=filename, sha256="0" * 64,
                                    size=len(data), filename_cy=welsh, sha256_cy="1" * 64, size_cy=len(data)))


def _records(force_slug: str, evidence_dir: Path) -> dict:
    """The URL arguments of a force's records: tracking, action, evidence, a recommendation and an
    inspection of that force alone, its response, a user of it."""
    force = get_force(force_slug)
    inspection = inspection_service.create_inspection(
        f"Custody services in {force.area}", date(2022, 2, 3), InspectionType.FORCE_SPECIFIC,
        all_in_scope=False, forces=[force])
    rec = inspection_service.add_recommendation(inspection, ref="1", kind="recommendation", text="Do better.")
    inspection_service.ensure_force_records(inspection)
    action = db.session.scalar(sa.select(Action).where(Action.force_id == force.id).order_by(Action.id).limit(1))
    tracking = action.tracking
    update = ProgressUpdate(action=action, text="Matrix evidence", occurred_on=date(2022, 3, 1))
    db.session.add(update)
    evidence = evidence_service.store_file(update, "note.txt", f"evidence of {force_slug}\n".encode(), evidence_dir)
    subject = make_user(Role.VIEWER, (force_slug,), email=f"matrix.{force_slug}@test.example")
    subject.locked_until = utcnow() + timedelta(days=1)
    iopc = inspection_service.create_inspection(
        f"IOPC recommendation to {force.name}", date(2022, 2, 3), InspectionType.OTHER,
        all_in_scope=False, forces=[force], source="iopc")
    pause = clock_service.start_pause(response_service.get_response(force_slug, iopc.slug), None,
                                      started_on=date(2022, 2, 10))
    pack = committee_pack.make_pack(force, ItemFilter(as_of=date(2022, 4, 1), force_ids=(force.id,)), {"force": force_slug}, [],
                                    "/", date(2022, 1, 1), subject, utcnow())
    extension = ExtensionRequest(tracking=tracking, force_id=force.id, previous_due_on=date(2022, 3, 31),
                                 new_due_on=date(2022, 6, 30), reason="Matrix", requested_by="ACC Matrix")
    db.session.add(extension)
    # A link to the action's owner; the action then has no owner's email, so "send one now" sends nothing.
    kept = action.owner_email, action.status, action.completed_on
    action.owner_email, action.status = f"owner@{force_slug}.example", ActionStatus.IN_PROGRESS
    link = owner_link_service.issue(action, current_app.secret_key)
    action.owner_email, action.status, action.completed_on = kept
    db.session.flush()
    return {"tracking_id": tracking.id, "pack_id": pack.id, "extension_id": extension.id, "action_id": action.id,
            "evidence_id": evidence.id, "rec_id": rec.id,
            "recommendation_id": rec.id, "slug": inspection.slug, "force_slug": force_slug,
            "inspection_slug": "vawg-2021", "number": 1, "copy": "cy.docx", "user_id": subject.id,
            "filename": "init.js", "response_id": response_service.get_response(force_slug, "vawg-2021").id,
            "pause_id": pause.id, "link_id": link.link.id, "link_token": link.token}


@pytest.fixture(scope="module")
def world(_database):
    """The data, built once inside a transaction the module rolls back."""
    app = _database
    app.test_client_class = _OwnUserClient
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("tracker.services.users._hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionBoundSession})
        try:
            users, bearer = {}, {}
            for role in (*ROLES, Role.APPROVER):
                user = make_user(role, ("cumbria",), email=f"matrix.{role.value}@test.example")
                user.calendar_token = secrets.token_urlsafe(32)
                user.session_token = secrets.token_urlsafe(32)
                token, secret = token_service.create_token(user, "Matrix", 30)
                users[role] = Someone(user.id, user.session_token, user.calendar_token)
                bearer[role] = (secret, token.id)
            published = Path(app.config["TRACKER_PUBLISHED_DIR"])
            _publish("cumbria", published)
            _publish("lancashire", published)
            own = _records("cumbria", Path(app.config["TRACKER_EVIDENCE_DIR"]))
            other = _records("lancashire", Path(app.config["TRACKER_EVIDENCE_DIR"]))
            # Someone else's token: another user's, of the same force.
            not_yours, _ = token_service.create_token(make_user(Role.VIEWER, email="matrix.other@test.example"),
                                                      "Not yours", 30)
            other["token_id"] = not_yours.id
            db.session.commit()
            yield World(app, connection, users, bearer, own, other)
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


def _snapshot() -> tuple:
    """Every table's row count and the data-state tokens: any write changes one of them."""
    tables = [t for t in db.metadata.sorted_tables]
    counts = db.session.execute(sa.select(*[sa.select(sa.func.count()).select_from(t).scalar_subquery() for t in tables])).one()
    return tuple(counts), tuple(db.session.execute(sa.select(DataState.scope, DataState.token).order_by(DataState.scope)))


def _url(world: World, rule, side: str, role: Role | None) -> str:
    """The rule's address with the arguments of the side's records (the user's own secrets where the
    argument is one: their calendar address, their token)."""
    values = dict(world.own if side == "own" else world.other)
    if role is not None:
        user = world.users[role]
        if side == "own":
            values["token_id"] = world.bearer[role][1]
        values["token"] = user.calendar_token if side == "own" else "not-a-calendar-token"
    else:
        values["token"] = world.users[Role.VIEWER].calendar_token
        values["token_id"] = world.bearer[Role.VIEWER][1]
    return world.app.url_map.bind("localhost").build(rule.endpoint, {k: values[k] for k in rule.arguments})


def _client(world: World, role: Role | None):
    """A new browser: signed in as the role's user (with a CSRF token in its session), or signed out."""
    client = world.app.test_client()
    raw = secrets.token_hex(20)
    with client.session_transaction() as session:
        session["csrf_token"] = raw
        if role is not None:
            user = world.users[role]
            session["_user_id"], session["_fresh"] = str(user.id), True
            session.update(session_fields(user.session_token))
    token = URLSafeTimedSerializer(world.app.secret_key, salt="wtf-csrf-token").dumps(raw)
    return client, token


def _ask(world: World, method: str, rule, side: str, role: Role | None) -> tuple[int, bool]:
    """The answer's status, and whether a refused POST changed the database; in a savepoint rolled back after."""
    client, token = _client(world, role)
    url = _url(world, rule, side, role)
    headers = {}
    if rule.endpoint.startswith("api.") and role is not None:
        headers["Authorization"] = f"Bearer {world.bearer[role][0]}"
    db.session.rollback()
    savepoint = world.connection.begin_nested()
    try:
        before = _snapshot() if method == "POST" else None
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.post(url, data={"csrf_token": token}, headers=headers)
        status = response.status_code
        refused = status in REFUSALS or (status == 302 and response.location.startswith("/sign-in?next="))
        response.close()
        changed = method == "POST" and _snapshot() != before
    finally:
        db.session.rollback()
        savepoint.rollback()
        db.session.expire_all()
    return status, changed and refused


def _routes(app) -> list[tuple[str, object]]:
    """Every (method, rule) of the URL map."""
    return sorted(((method, rule) for rule in app.url_map.iter_rules() for method in ("GET", "POST")
                   if method in rule.methods), key=lambda pair: (pair[1].rule, pair[0]))


def test_every_route_has_a_row(world):
    routes = {(method, rule.endpoint) for method, rule in _routes(world.app)}
    assert not routes - MATRIX.keys(), f"routes with no row in MATRIX: {sorted(routes - MATRIX.keys())}"
    assert not MATRIX.keys() - routes, f"rows naming no route: {sorted(MATRIX.keys() - routes)}"


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("who", [*ROLES, Role.APPROVER, ANON], ids=lambda r: r.value if r else "signed-out")
def test_every_route_answers_as_the_matrix_says(world, who, method, monkeypatch):
    # PDFs drawn as a few bytes: the matrix is about who gets an answer; WeasyPrint has tests of its own.
    stub = lambda *args, **kwargs: b"%PDF-1.7 matrix\n%%EOF\n"  # noqa: E731
    monkeypatch.setattr("tracker.documents.response.render_pdf", stub)
    monkeypatch.setattr("tracker.documents.committee_pack.render_pdf", stub)
    wrong, wrote = [], []
    world.app.config.update(WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False)
    try:
        for route_method, rule in _routes(world.app):
            if route_method != method:
                continue
            row = MATRIX[method, rule.endpoint]
            sides = [("own", row.own)] + ([("other", row.other)] if row.other else [])
            for side, codes in sides:
                if who is Role.APPROVER:
                    as_viewer = int(codes.split()[ROLES.index(Role.VIEWER)])
                    expected = APPROVER_ROWS.get((method, rule.endpoint), (as_viewer, as_viewer))[side == "other"]
                else:
                    expected = row.anon if who is None else int(codes.split()[ROLES.index(who)])
                status, refused_but_wrote = _ask(world, method, rule, side, who)
                if status != expected:
                    wrong.append(f"{method} {rule.endpoint} ({side}): {status}, expected {expected}")
                if refused_but_wrote:
                    wrote.append(f"{method} {rule.endpoint} ({side}) answered {status} but changed the database")
                if who is None:
                    break  # signed out, both sides are the same request for the table
    finally:
        world.app.config["WTF_CSRF_ENABLED"] = False
    assert not wrong and not wrote, "\n".join(wrong + wrote)
