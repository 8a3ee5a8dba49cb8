"""Owners' update links: sent by the command and by an editor's button, opened without an account,
used once for one action's update with evidence, revocable and expiring; tried as an adversary would
(altered, forged, another action's, expired, revoked, used again) — each refused with the same page,
changing nothing but the audit trail, which names the link's id and never its token."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from itsdangerous import URLSafeSerializer

from tests.factories import get_force, get_tracking, make_user, sign_in
from tests.integration.test_reminders import Inbox, free_port
from tests.page_check import check_html, csrf_token, get_page, soup
from tracker.db import db
from tracker.domain.statuses import ActionStatus, Role
from tracker.models import Action, AuditEvent, EvidenceFile, OwnerLink, ProgressUpdate, SentReminder, utcnow
from tracker.services import owner_links as service
from tracker.services.queue import reviewer_queue

OWNER = "pat.owner@cumbria.example"


@pytest.fixture
def smtp(app):
    """A local SMTP server on a free port, with the app configured to use it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@test.example")
    yield inbox
    controller.stop()


@pytest.fixture
def evidence_dir(app, tmp_path):
    """Evidence files written into a folder of the test's own."""
    old = app.config["TRACKER_EVIDENCE_DIR"]
    app.config["TRACKER_EVIDENCE_DIR"] = str(tmp_path / "evidence")
    yield tmp_path / "evidence"
    app.config["TRACKER_EVIDENCE_DIR"] = old


def _action(ref: str = "4.1", force: str = "cumbria", title: str = "Train every response officer", **fields) -> Action:
    action = Action(tracking=get_tracking(force, ref), force_id=get_force(force).id, title=title, owner="Pat Owner",
                    owner_email=OWNER, due_on=fields.pop("due_on", date.today() + timedelta(days=5)), **fields)
    db.session.add(action)
    db.session.commit()
    return action


@pytest.fixture
def action(app):
    """An open Cumbria action owned by someone with no account, due in five days."""
    return _action()


@pytest.fixture
def other_action(app):
    """Another open Cumbria action, of another recommendation."""
    return _action("3.2", title="Publish the stalking protocol")


def _issue(app, action: Action, **kwargs) -> tuple[OwnerLink, str]:
    issued = service.issue(action, app.secret_key, **kwargs)
    db.session.commit()
    return issued.link, issued.token


def _url(action_id: int, token: str) -> str:
    return f"/owner-update/{action_id}/{token}"


def _events(link: OwnerLink) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.event).where(
        AuditEvent.entity_type == "OwnerLink", AuditEvent.entity_id == link.id).order_by(AuditEvent.id)))


def _counts() -> tuple[int, ...]:
    """What a refused use must leave as it was."""
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(model))
                 for model in (ProgressUpdate, EvidenceFile, OwnerLink))


def _post(client, url: str, **data):
    data.setdefault("text", "Half the officers are trained; the rest by March.")
    data.setdefault("implemented", "no")
    return client.post(url, data=data, content_type="multipart/form-data")


# --- the owner's email address on the action ------------------------------------------------------------


def test_editors_set_the_owners_email_and_a_malformed_one_is_refused(as_role, action):
    editor = as_role(Role.EDITOR)
    url = f"/actions/{action.id}/edit"
    base = {"title": action.title, "owner": "Pat Owner", "status": "in_progress", "version": action.version}
    for bad in ("pat at cumbria", "pat@", "Pat <pat@cumbria.example>", "pat@cumbria.example, x@evil.example"):
        html = editor.post(url, data={**base, "owner_email": bad}).get_data(as_text=True)
        check_html(html)
        assert "Enter an email address in the correct format" in html and "There is a problem" in html
        db.session.refresh(action)
        assert action.owner_email == OWNER
    response = editor.post(url, data={**base, "owner_email": " new.owner@cumbria.example "})
    assert response.status_code == 302
    db.session.refresh(action)
    assert action.owner_email == "new.owner@cumbria.example"
    assert "new.owner@cumbria.example" in get_page(editor, f"/tracking/{action.tracking_id}")


# --- sending ------------------------------------------------------------------------------------------


def test_an_editor_emails_the_owner_a_link_built_on_the_address_they_use(app, as_role, smtp, action):
    app.config["TRACKER_BASE_URL"] = "https://configured.example"
    try:
        editor = as_role(Role.EDITOR)
        response = editor.post(f"/actions/{action.id}/owner-links")
    finally:
        app.config["TRACKER_BASE_URL"] = ""
    assert response.status_code == 302 and response.location.endswith(f"#action-{action.id}")
    [message] = smtp.messages
    assert message["To"] == OWNER and message["Subject"] == f"Update needed: {action.title} (Cumbria Constabulary)"
    body = message.get_payload(decode=True).decode()
    [address] = re.findall(r"https?://\S+", body)
    assert address.startswith(f"http://localhost/owner-update/{action.id}/")  # not the configured address
    link = db.session.scalar(sa.select(OwnerLink).where(OwnerLink.action_id == action.id))
    assert link.sent_at is not None and link.created_by is not None and link.due_on is None
    token = address.rsplit("/", 1)[1]
    assert token not in str(link.__dict__) and link.secret_hash not in body  # only a hash of the secret is kept
    page = get_page(editor, f"/tracking/{action.tracking_id}")
    assert f"sent to {OWNER}" in page and "Revoke the link" in page and "Send a new link" in page
    assert "A link to give an update was sent to pat.owner@cumbria.example" in page
    assert app.test_client().get(address.replace("http://localhost", "")).status_code == 200


def test_a_title_over_several_lines_makes_a_one_line_subject(app, as_role, smtp, action):
    action.title = "Train every officer\r\nBcc: someone@evil.example"
    db.session.commit()
    assert as_role(Role.EDITOR).post(f"/actions/{action.id}/owner-links").status_code == 302
    [message] = smtp.messages
    subject = message["Subject"]  # folded by the email package when long: a line break then a space
    assert " ".join(subject.split()) == "Update needed: Train every officer Bcc: someone@evil.example (Cumbria Constabulary)"
    assert message["Bcc"] is None and message["To"] == OWNER


def test_a_new_link_replaces_the_one_the_owner_holds(app, as_role, smtp, action):
    first, first_token = _issue(app, action)
    as_role(Role.EDITOR).post(f"/actions/{action.id}/owner-links")
    db.session.refresh(first)
    assert first.revoked_reason == "Replaced by a newer link"
    assert app.test_client().get(_url(action.id, first_token)).status_code == 404


def test_no_link_without_a_valid_email_or_for_a_closed_action(app, as_role, smtp, action):
    editor = as_role(Role.EDITOR)
    action.owner_email = None
    db.session.commit()
    editor.post(f"/actions/{action.id}/owner-links")
    assert "Add the owner&#39;s email address" in get_page(editor, f"/tracking/{action.tracking_id}")
    action.owner_email, action.status, action.completed_on = OWNER, ActionStatus.COMPLETE, date.today()
    db.session.commit()
    editor.post(f"/actions/{action.id}/owner-links")
    assert "needs no update" in get_page(editor, f"/tracking/{action.tracking_id}")
    assert not smtp.messages and _counts()[2] == 0


def test_a_link_whose_email_was_not_taken_is_revoked(app, as_role, action):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    editor = as_role(Role.EDITOR)
    editor.post(f"/actions/{action.id}/owner-links")
    link = db.session.scalar(sa.select(OwnerLink).where(OwnerLink.action_id == action.id))
    assert link.revoked_at is not None and link.revoked_reason == "The email could not be sent" and link.sent_at is None
    assert "The email could not be sent" in get_page(editor, f"/tracking/{action.tracking_id}")


def test_the_command_sends_each_due_link_once_built_on_the_base_address(app, runner, smtp, action):
    today = date.today()
    later = _action("3.2", title="Due later", due_on=today + timedelta(days=20))
    overdue = _action("3", title="Overdue already", due_on=today - timedelta(days=1))
    closed = _action("4", title="Done", status=ActionStatus.COMPLETE, completed_on=today)
    nobody = _action("4", title="No owner's email")
    nobody.owner_email = None
    db.session.commit()
    app.config["TRACKER_BASE_URL"] = "https://tracker.example.gov.uk/"
    try:
        result = runner.invoke(args=["send-owner-links", "--today", today.isoformat()])
        assert result.exit_code == 0, result.output
        assert [m["To"] for m in smtp.messages] == [OWNER]
        body = smtp.messages[0].get_payload(decode=True).decode()
        assert f"https://tracker.example.gov.uk/owner-update/{action.id}/" in body and action.title in body
        # Again, the same day and the next: nothing twice for the same due date.
        assert "already sent 1" in runner.invoke(args=["send-owner-links", "--today", today.isoformat()]).output
        runner.invoke(args=["send-owner-links", "--today", (today + timedelta(days=1)).isoformat()])
        assert len(smtp.messages) == 1
        # A new due date is a new request (its link replaces the one the owner holds).
        action.due_on = today + timedelta(days=6)
        db.session.commit()
        runner.invoke(args=["send-owner-links", "--today", today.isoformat()])
        assert len(smtp.messages) == 2
    finally:
        app.config["TRACKER_BASE_URL"] = ""
    links = db.session.scalars(sa.select(OwnerLink).order_by(OwnerLink.id)).all()
    assert [(link.action_id, link.due_on) for link in links] == [(action.id, today + timedelta(days=5)),
                                                                 (action.id, today + timedelta(days=6))]
    assert links[0].revoked_reason == "Replaced by a newer link" and links[1].revoked_at is None
    assert {later.id, overdue.id, closed.id, nobody.id}.isdisjoint({link.action_id for link in links})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SentReminder).where(
        SentReminder.kind == "owner_link")) == 2


def test_the_command_leaves_an_owner_who_holds_a_working_link_alone(app, runner, smtp, action):
    _issue(app, action)
    result = runner.invoke(args=["send-owner-links"])
    assert result.exit_code == 0 and not smtp.messages and "already sent 1" in result.output


def test_a_failed_run_loses_no_link(app, runner, action):
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SENDER="tracker@test.example")
    result = runner.invoke(args=["send-owner-links"])
    assert result.exit_code == 1 and "Could not reach the SMTP server" in result.output
    [failed] = db.session.scalars(sa.select(OwnerLink)).all()
    assert failed.revoked_reason == "The email could not be sent"
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert runner.invoke(args=["send-owner-links"]).exit_code == 0
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == [OWNER]


# --- the owner's page -----------------------------------------------------------------------------------


def test_the_owner_sends_an_update_with_evidence_and_marks_the_action_implemented(app, client, action, evidence_dir):
    link, token = _issue(app, action)
    url = _url(action.id, token)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    check_html(html)
    assert action.title in html and "Has the action been implemented?" in html
    # Nothing on the page leads to another record: no link but the home page, and none at all in the form.
    hrefs = {a["href"] for a in soup(html).find_all("a", href=True)}
    assert hrefs <= {"/", "#main-content"}, hrefs
    assert {f["action"] for f in soup(html).find_all("form") if f.get("action")} <= {url}

    response = _post(client, url, text="All response officers are trained.", implemented="yes",
                     files=[(io.BytesIO(b"Attendance register\n"), "register.txt")])
    assert response.status_code == 302 and response.location.endswith(url)
    db.session.expire_all()
    [update] = action.updates
    assert update.text == "All response officers are trained." and update.owner_link_id == link.id
    assert update.author is None and not update.public
    [evidence] = update.evidence_files
    assert (evidence_dir / evidence.stored_name).read_bytes() == b"Attendance register\n"
    assert action.status is ActionStatus.COMPLETE and action.completed_on == date.today()
    assert link.used_at is not None
    assert _events(link) == ["created", "opened", "updated", "update sent"]  # updated: its used_at

    # The owner sees that it arrived; the link does no more.
    received = get_page(client, url)
    assert "Your update has been sent" in received and "cannot be used again" in received
    assert _post(client, url).status_code == 404
    assert len(action.updates) == 1

    # The tracking page: implemented, awaiting a chief officer's verification (the sign-off).
    reviewer = make_user(Role.REVIEWER)
    chief = sign_in(app.test_client(), reviewer)
    page = get_page(chief, f"/tracking/{action.tracking_id}")
    assert "Implemented – awaiting verification" in page and "From the owner, through an emailed link" in page
    assert action.id in [w.action_id for w in reviewer_queue(reviewer, [action.force_id]).sign_offs.items]
    assert chief.post(f"/actions/{action.id}/sign-off", data={"version": action.version}).status_code == 302
    page = get_page(chief, f"/tracking/{action.tracking_id}")
    assert "awaiting verification" not in page.split(f'id="action-{action.id}"')[1].split("tracker-action")[0]


def test_an_update_not_marked_implemented_leaves_the_action_open(app, client, action):
    _, token = _issue(app, action)
    assert _post(client, _url(action.id, token), implemented="no").status_code == 302
    db.session.expire_all()
    assert action.status is ActionStatus.NOT_STARTED and len(action.updates) == 1


def test_a_form_with_mistakes_saves_nothing_and_keeps_the_link(app, client, action, evidence_dir):
    link, token = _issue(app, action)
    url = _url(action.id, token)
    html = _post(client, url, text="  ", implemented="").get_data(as_text=True)
    check_html(html)
    assert "Enter what has been done" in html and "Select yes if the action has been implemented" in html
    html = _post(client, url, text="Done", files=[(io.BytesIO(b"MZ\x90\x00"), "tool.exe")]).get_data(as_text=True)
    assert "must be a PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV" in html
    html = _post(client, url, text="Done", implemented="maybe").get_data(as_text=True)
    assert "There is a problem" in html
    db.session.expire_all()
    assert not action.updates and link.used_at is None and action.status is ActionStatus.NOT_STARTED
    assert not evidence_dir.exists() or not any(evidence_dir.iterdir())
    assert _events(link)[1:] == ["update not saved"] * 3
    assert client.get(url).status_code == 200


def test_the_owners_form_needs_its_csrf_token(app, csrf_app, action):
    _, token = _issue(app, action)
    url = _url(action.id, token)
    client = app.test_client()
    refused = _post(client, url)
    assert refused.status_code == 400 and refused.headers["Referrer-Policy"] == "no-referrer"
    html = client.get(url).get_data(as_text=True)
    assert _post(client, url, csrf_token=csrf_token(html)).status_code == 302
    db.session.expire_all()
    assert len(action.updates) == 1


# --- as an adversary ---------------------------------------------------------------------------------------


def _refused(client, url: str, method: str = "GET") -> str:
    """The refusal page: 404, GOV.UK, the same words whatever the reason, no token in it."""
    response = client.get(url) if method == "GET" else _post(client, url)
    assert response.status_code == 404, (url, response.status_code)
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    check_html(html)
    main = str(soup(html).find("main"))
    assert "This link does not work" in main and url.rsplit("/", 1)[1][:40] not in html
    return main


def test_every_refused_link_gets_the_same_page_and_changes_nothing_but_the_trail(app, client, action, other_action):
    link, token = _issue(app, action)
    before = _counts()
    pages = set()
    # Altered: one character of the signature, of the payload; cut short; not ASCII; far too long; empty-ish.
    middle = len(token) - 10
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:middle] + ("x" if token[middle] != "x" else "y")
                + token[middle + 1:], "x" + token[1:], token[:40], token + "é",
                token * 5, "null", "e30.abc"):
        for method in ("GET", "POST"):
            pages.add(_refused(client, _url(action.id, bad), method))
    # Another action's address: refused and recorded under the link, with the address it was tried at.
    for method in ("GET", "POST"):
        pages.add(_refused(client, _url(other_action.id, token), method))
    assert len(pages) == 1
    assert _counts() == before
    db.session.expire_all()
    assert not action.updates and not other_action.updates and link.used_at is None
    wrong = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "OwnerLink",
                                                           AuditEvent.event == "refused: wrong action")).all()
    assert len(wrong) == 2 and all(e.entity_id == link.id and e.changes == {"address_action": other_action.id}
                                   for e in wrong)
    # No audit row, nor any log, holds the token.
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        sa.cast(AuditEvent.changes, sa.String).contains(token[-20:])))
    assert client.get(_url(action.id, token)).status_code == 200  # the real link still works


def test_a_forged_token_is_refused(app, client, action):
    link, _ = _issue(app, action)
    payload = {"l": link.id, "a": action.id, "p": "progress_update", "s": "guessed"}
    # Signed with another key: fails its signature, before the database is asked.
    forged = URLSafeSerializer("not-the-key", salt=service.SALT,
                               signer_kwargs={"digest_method": hashlib.sha256}).dumps(payload)
    _refused(client, _url(action.id, forged))
    # Signed with the real key (as if it had leaked) but without the link's secret: the hash decides.
    real_key = URLSafeSerializer(app.secret_key, salt=service.SALT, signer_kwargs={"digest_method": hashlib.sha256})
    _refused(client, _url(action.id, real_key.dumps(payload)), "POST")
    # Another purpose, or another shape, under the real key.
    _refused(client, _url(action.id, real_key.dumps({**payload, "p": "sign_off"})))
    _refused(client, _url(action.id, real_key.dumps([link.id, action.id])))
    _refused(client, _url(action.id, real_key.dumps({**payload, "l": 2**70})))
    assert _events(link).count("refused: wrong secret") == 2  # the last two name no link: only logged
    db.session.expire_all()
    assert not action.updates


def test_an_expired_link_is_refused_and_recorded(app, client, action):
    link, token = _issue(app, action, now=utcnow() - timedelta(days=7, seconds=1))
    _refused(client, _url(action.id, token))
    _refused(client, _url(action.id, token), "POST")
    assert _events(link)[-2:] == ["refused: expired", "refused: expired"]
    db.session.expire_all()
    assert not action.updates


def test_a_link_works_for_the_configured_days(app, client, action):
    link, token = _issue(app, action, days=2, now=utcnow() - timedelta(days=1, hours=23))
    assert client.get(_url(action.id, token)).status_code == 200
    assert link.expires_at - link.created_at == timedelta(days=2)


def test_a_revoked_link_is_refused_even_after_use_was_begun(app, as_role, client, action):
    link, token = _issue(app, action)
    url = _url(action.id, token)
    form_page = client.get(url)
    assert form_page.status_code == 200
    editor = as_role(Role.EDITOR)
    # Another action's link id, or another force's editor: nothing revoked.
    assert editor.post(f"/actions/{action.id}/owner-links/{link.id + 1000}/revoke").status_code == 404
    lancashire = as_role(Role.EDITOR, ("lancashire",))
    assert lancashire.post(f"/actions/{action.id}/owner-links/{link.id}/revoke").status_code == 404
    assert as_role(Role.VIEWER).post(f"/actions/{action.id}/owner-links/{link.id}/revoke").status_code == 403
    db.session.refresh(link)
    assert link.revoked_at is None
    assert editor.post(f"/actions/{action.id}/owner-links/{link.id}/revoke").status_code == 302
    db.session.refresh(link)
    assert link.revoked_at is not None and link.revoked_by is not None
    # The form the owner already opened: its post is refused; the link opens nothing again.
    _refused(client, url, "POST")
    _refused(client, url)
    assert _events(link)[-2:] == ["refused: revoked", "refused: revoked"]
    # Revoking again: nothing to revoke.
    editor.post(f"/actions/{action.id}/owner-links/{link.id}/revoke")
    assert "nothing to revoke" in get_page(editor, f"/tracking/{action.tracking_id}")
    db.session.expire_all()
    assert not action.updates


def test_a_link_of_one_force_reaches_nothing_of_another(app, client, action):
    lancashire = _action("4.1", force="lancashire", title="Lancashire's own action")
    link, token = _issue(app, action)
    _refused(client, _url(lancashire.id, token), "POST")
    db.session.expire_all()
    assert not lancashire.updates
    html = client.get(_url(action.id, token)).get_data(as_text=True)
    assert "Lancashire" not in html and "Cumbria" in html


def test_every_use_is_in_the_actions_history(app, as_role, client, action):
    link, token = _issue(app, action)
    client.get(_url(action.id, token))
    _post(client, _url(action.id, token))
    _refused(client, _url(action.id, token), "POST")
    events = _events(link)
    assert events[0] == "created" and {"opened", "update sent", "refused: used"} <= set(events)
    html = get_page(as_role(Role.VIEWER), f"/actions/{action.id}/history")
    assert "Owner&#39;s update link opened" in html and "Owner&#39;s update link update sent" in html
    assert "Owner&#39;s update link refused: used" in html
    assert "by whoever followed the emailed link" in html
    assert link.secret_hash not in html and token not in html


def test_the_owner_page_of_a_completed_action_asks_nothing_about_implementation(app, client, action):
    link, token = _issue(app, action)
    action.status, action.completed_on = ActionStatus.COMPLETE, date(2022, 1, 1)
    db.session.commit()
    html = client.get(_url(action.id, token)).get_data(as_text=True)
    assert "Has the action been implemented?" not in html
    assert client.post(_url(action.id, token), data={"text": "Evidence follows"}).status_code == 302
    db.session.expire_all()
    assert len(action.updates) == 1 and action.completed_on == date(2022, 1, 1)


def test_the_links_address_is_the_pages_route(app, action):
    _, token = _issue(app, action)
    adapter = app.url_map.bind("localhost")
    assert adapter.match(service.address("", action.id, token)) == ("owner_links.update",
                                                                    {"action_id": action.id, "link_token": token})
    assert len(token) < service.MAX_TOKEN_LENGTH / 2


def test_the_links_table_keeps_no_token(app, action):
    link, token = _issue(app, action)
    row = db.session.execute(sa.select(OwnerLink.__table__)).mappings().one()
    secret = token  # the whole token, and its random part, are nowhere in the row
    assert all(secret not in str(value) for value in row.values())
    assert row["secret_hash"] != secret and len(row["secret_hash"]) == 64
    assert isinstance(row["expires_at"], datetime)


def test_the_hint_gives_the_limit_the_upload_has(app, client, action):
    """Two files each under 10 MB are refused together (the limit is the whole request's), so the hint
    must not say 'each'."""
    _, token = _issue(app, action)
    url = _url(action.id, token)
    assert "smaller than 10 MB all together" in get_page(client, url)
    six_mb = 6 * 1024 * 1024
    refused = _post(client, url, files=[(io.BytesIO(b"a" * six_mb), "one.txt"), (io.BytesIO(b"b" * six_mb), "two.txt")])
    assert refused.status_code == 413 and refused.headers["Referrer-Policy"] == "no-referrer"
    assert "The selected files must be smaller than 10 MB all together" in refused.get_data(as_text=True)
