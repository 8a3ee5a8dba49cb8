"""Fuzzing every form: generated values posted into every POST route never give a server error.

The forms are found, not listed: every page the app's URL map names is fetched (as a service
administrator, who sees every form) with real record ids, and each <form method="post"> on it is
read: its fields, their kinds (text, text area, date boxes, choices, check boxes, files) and the
values the page offers. A POST route that no page shows a form for (the import's confirmation,
which follows a preview) gets its fields from the page that leads to it; a POST route with no form
at all fails the test, so a new route is never left out.

Hypothesis then posts, as a signed-in editor, force administrator and service administrator
(each of Cumbria) with a valid CSRF token,
values of every kind into those forms: text with control characters, huge and negative numbers,
empty values, missing fields, several values where one is expected, extra fields, date inputs with
one to four boxes, files of any content. Every answer must be below 500. Each post runs in a
savepoint rolled back afterwards, so every post meets the demonstration data as it is.

`make test` posts two values into each form as each role; `make fuzz` sets FUZZ_POSTS (20,000 or more).
"""

from __future__ import annotations

import io
import os
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app, g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import get_tracking, make_user, sign_in
from tests.page_check import csrf_token, soup
from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.domain.statuses import ActionStatus, Role
from tracker.models import StatutoryResponse, utcnow
from tracker.services import clocks as clock_service
from tracker.services import extensions as extension_service
from tracker.services import owner_links as owner_link_service
from tracker.services import responses as response_service
from tracker.services import tokens as token_service
from tracker.services import tracking as tracking_service

FUZZ_POSTS_DEFAULT = 0  # make test: two posts into each form as each role (the least), a few seconds
POSTS = int(os.environ.get("FUZZ_POSTS", FUZZ_POSTS_DEFAULT))
ROLES = [Role.EDITOR, Role.ADMIN, Role.SERVICE_ADMIN]

# What a page's address holds, by the name of the URL rule's argument: the demonstration data's records.
SLUGS = {"slug": "vawg-2021", "inspection_slug": "vawg-2021", "force_slug": "cumbria", "number": 1, "copy": "cy.pdf"}
# Files whose GET is not a page with forms (documents, feeds) are not fetched for forms.
NOT_PAGES = (".pdf", ".ics", ".csv", ".xlsx", ".docx", ".atom", ".json")


# --- reading the forms of a page ---------------------------------------------------------------


@dataclass
class Field:
    """One named field of a form: its kind, and the values the page offers."""

    kind: str  # text, textarea, date, choice, multi, file, submit
    values: list[str] = field(default_factory=list)
    boxes: int = 1


@dataclass
class Form:
    """A form as a page shows it: where it posts and its fields by name."""

    action: str
    fields: dict[str, Field] = field(default_factory=dict)


def forms_of(html: str, path: str) -> list[Form]:
    """The post forms of a page at `path`, each field with the values its page offers."""
    found = []
    for element in soup(html).find_all("form"):
        if (element.get("method") or "").lower() != "post":
            continue
        form = Form(element.get("action") or path)
        fields = form.fields
        for control in element.find_all(["input", "button", "select", "textarea"]):
            name = control.get("name")
            if not name:
                continue
            if control.name == "textarea":
                fields[name] = Field("textarea")
            elif control.name == "select":
                fields[name] = Field("multi" if control.has_attr("multiple") else "choice",
                                     [option.get("value", "") for option in control.find_all("option")])
            else:
                kind = (control.get("type") or ("text" if control.name == "input" else "submit")).lower()
                if kind in ("radio", "checkbox"):
                    entry = fields.setdefault(name, Field("choice" if kind == "radio" else "multi"))
                    entry.values.append(control.get("value", "on"))
                elif kind == "file":
                    fields[name] = Field("file")
                elif kind == "submit":
                    fields.setdefault(name, Field("submit")).values.append(control.get("value", ""))
                elif name in fields and fields[name].kind in ("text", "date"):
                    # The GOV.UK date input names its day, month and year boxes alike.
                    fields[name].kind = "date"
                    fields[name].boxes += 1
                else:
                    fields[name] = Field("text", [control.get("value", "")])
        found.append(form)
    return found


# --- finding every form of the app ---------------------------------------------------------------


def record_ids(admin) -> dict:
    """Real ids for every int argument the URL map uses, by argument name.

    Cumbria's office works in Welsh (every Welsh version written, so its pages show the Welsh fields),
    its response is made ready to approve and marked published, the user whose page is read is locked, and the administrator who reads the pages has an API token, so that the pages show every form they can (approval, the
    copies sent, revoking a token): a page's forms depend on the records' state.
    """
    token, _ = token_service.create_token(admin, "Fuzz", 90)
    response = response_service.get_response("cumbria", SLUGS["slug"])
    # An office that works in Welsh, every Welsh version written: its pages show the Welsh fields too.
    response.force.works_in_welsh = True
    response.force.statutory_paragraph_cy = "Paragraff statudol"
    for name in response_service.WELSH_COMMENT_FIELDS:
        setattr(response, name, f"Sylwadau {name}")
    for row in response_trackings(response):
        row.pcc_explanation = f"Explanation {row.recommendation.ref}"
        row.pcc_explanation_cy = f"Esboniad {row.recommendation.ref}"
        row.chief_comment_cy = f"Sylw {row.recommendation.ref}"
    response.drafted_on, response.drafted_by = date(2021, 11, 1), make_user(Role.EDITOR, ("cumbria",))
    response.published_on = date(2021, 11, 3)
    db.session.commit()
    tracking = get_tracking("cumbria", "4")
    action = tracking.actions[0]
    # A link to its owner that works (made while it was open), so the page offers revoking and the owner's page
    # opens; and an open action with its owner's email, so the page offers sending one.
    kept = action.status, action.completed_on
    action.owner_email, action.status = "owner@cumbria.example", ActionStatus.IN_PROGRESS
    link = owner_link_service.issue(action, current_app.secret_key)
    action.status, action.completed_on = kept
    tracking_service.add_action(tracking, "Fuzz an owner's link", owner_email="owner@cumbria.example")
    update = next((u for a in tracking.actions for u in a.updates), None)
    evidence = next((e for a in tracking.actions for u in a.updates for e in u.evidence_files), None)
    subject = make_user(Role.VIEWER, ("cumbria",), email="fuzz.subject@test.example")
    subject.failed_logins, subject.locked_until = 12, utcnow() + timedelta(days=1)  # so its page offers the unlock
    # Judicial review proceedings in progress on the IOPC recommendation, so the page ending them has a form.
    pause = clock_service.start_pause(response_service.get_response("cumbria", "example-iopc-pursuit-2022"), None,
                                      started_on=date(2022, 2, 1))
    # An extension request awaiting a decision, so the page deciding it has a form.
    extension = extension_service.request(get_tracking("cumbria", "3.2"), None, new_due_on=date(2022, 6, 30),
                                          reason="Fuzz", requested_by="ACC Fuzz")
    db.session.commit()
    return {"response_id": response.id, "pause_id": pause.id, "extension_id": extension.id, "token_id": token.id, "tracking_id": tracking.id, "action_id": action.id, "rec_id": tracking.recommendation_id,
            "recommendation_id": tracking.recommendation_id, "user_id": subject.id,
            "update_id": update.id if update else 1, "evidence_id": evidence.id if evidence else 1,
            "link_id": link.link.id, "link_token": link.token}


def page_paths(app, ids: dict) -> list[str]:
    """Every GET address of the URL map, its arguments filled with real records."""
    values = {**SLUGS, **ids}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.rule.endswith(NOT_PAGES):
            continue
        missing = [arg for arg in rule.arguments if arg not in values]
        assert not missing, f"give the fuzz test a real value for {missing} of {rule.rule}"
        paths.append(rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1])
    return paths


def discover_forms(app, client, ids: dict) -> dict[str, Form]:
    """Every post form the app's pages show, by the address it posts to; each POST route checked covered."""
    found: dict[str, Form] = {}
    for path in page_paths(app, ids):
        response = client.get(path)
        if response.mimetype == "text/html":
            for form in forms_of(response.get_data(as_text=True), path):
                found.setdefault(form.action.split("?")[0], form)
    # Signing in is a page for the signed out.
    for form in forms_of(app.test_client().get("/sign-in").get_data(as_text=True), "/sign-in"):
        found.setdefault(form.action, form)
    # The import's confirmation follows the preview of something pasted.
    preview = client.post(f"/inspections/{SLUGS['slug']}/import", data={
        "csrf_token": _token(client, "/"),
        "text": "Recommendations\n\n1. By 31 March 2027, chief constables should do this.\n"
                "2. Forces should also do that, with:\n- a first point\n- a second point\n"})
    for form in forms_of(preview.get_data(as_text=True), f"/inspections/{SLUGS['slug']}/import"):
        found.setdefault(form.action.split("?")[0], form)
    for _page, form in _forms_in_other_states(app, client):
        found.setdefault(form.action.split("?")[0], form)
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(action, method="POST")[0] for action in found}
    posted = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posted <= covered, f"POST routes with no form on any page: {sorted(posted - covered)}"
    return found


def _forms_in_other_states(app, client):
    """The forms a response's pages show only in another state or to another role: sending for approval
    (before it is sent), the PCC's approval (to an approver), publishing (once approved), starting from a
    previous response (when there is one) and undoing a sign-off (once signed off)."""
    response = response_service.get_response("cumbria", SLUGS["slug"])
    page = f"/responses/cumbria/{SLUGS['slug']}"
    drafted = response.drafted_on, response.drafted_by
    response.drafted_on = response.drafted_by = None
    db.session.commit()
    yield from ((page, form) for form in forms_of(client.get(page).get_data(as_text=True), page))
    response.drafted_on, response.drafted_by = drafted
    response.published_on = None
    db.session.commit()
    approver = sign_in(app.test_client(), make_user(Role.APPROVER, ("cumbria",)))
    g.pop("_login_user", None)
    yield from ((page, form) for form in forms_of(approver.get(page + "/approve").get_data(as_text=True), page + "/approve"))
    g.pop("_login_user", None)
    response_service.approve(response, make_user(Role.APPROVER, ("cumbria",)), date(2021, 11, 2))
    other = response_service.get_response("cumbria", "vawg-2021")
    for candidate in db.session.scalars(sa.select(StatutoryResponse).where(StatutoryResponse.force_id == other.force_id,
                                                                           StatutoryResponse.id != other.id)):
        candidate.pcc_comments = "Earlier comments"
    tracking = get_tracking("cumbria", "4")
    action = tracking.actions[0]
    action.status, action.completed_on, action.evidence = ActionStatus.COMPLETE, date(2022, 1, 1), "Evidence"
    action.signed_off_at, action.signed_off_by = utcnow(), make_user(Role.REVIEWER, ("cumbria",))
    db.session.commit()
    # The IOPC response, published, offers the page recording it was sent to the IOPC.
    iopc = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    iopc.published_on = date(2022, 4, 4)
    db.session.commit()
    sent = "/responses/cumbria/example-iopc-pursuit-2022/sent"
    general = "/responses/cumbria/example-iopc-pursuit-2022/general-comments"
    # A user linked to an organisation's account: the administrator's page of them offers to unlink it.
    linked = make_user(Role.VIEWER, ("cumbria",))
    linked.oidc_issuer, linked.oidc_subject = "https://id.example.test", "fuzz-subject"
    db.session.commit()
    for path in (page + "/publish", page + "/start-from", f"/tracking/{tracking.id}", sent, general,
                 f"/admin/users/{linked.id}/edit"):
        yield from ((path, form) for form in forms_of(client.get(path).get_data(as_text=True), path))


# --- generated values ----------------------------------------------------------------------------

CONTROL = st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"])
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["0", "-1", "00", "1e309", "NaN", "inf", "9" * 400, "1.5", "0x1f", "\u0661\u0662", "²"]),
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.one_of(CONTROL, st.characters(codec="utf-8")), max_size=40),
    NUMBERS,
    st.just(""),
    st.sampled_from([" ", "=1+1", "x;=1+1", "\uff1d1", "<script>alert(1)</script>", "../../etc/passwd", "a" * 5000,
                     "\x00", "\r\n", "%00", "{{ 7*7 }}", "' OR 1=1 --", "null", "None", "[]", "true"]),
)


def value_for(draw, entry: Field, fuzz: bool):
    """A value (or a list of values, or None for a missing field) for one field of a form.

    Not fuzzed: a value the page offers (a real date in date boxes). Fuzzed: missing, several
    values, any text, or 1 to 4 date boxes of anything.
    """
    if entry.kind == "file":
        if not fuzz:
            return None
        content = draw(st.one_of(st.binary(max_size=300), st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b""])))
        name = draw(st.one_of(st.sampled_from(["report.txt", "report.docx", "report.pdf", "a.exe", "", "../x.txt",
                                                "r\x00.txt"]), st.text(max_size=20)))
        return [(io.BytesIO(content), name)]
    if not fuzz:
        if entry.kind == "date":
            day = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
            return draw(st.sampled_from([[str(day.day), str(day.month), str(day.year)], ["", "", ""]]))
        if entry.kind == "multi":
            return draw(st.lists(st.sampled_from(entry.values), max_size=len(entry.values), unique=True)) if entry.values else None
        return draw(st.sampled_from(entry.values)) if entry.values else draw(st.text(max_size=30))
    mode = draw(st.sampled_from(["missing", "many", "text", "boxes"]))
    if mode == "missing":
        return None
    if mode == "many":
        return draw(st.lists(TEXT, min_size=2, max_size=4))
    if mode == "boxes" or entry.kind == "date":
        count = draw(st.integers(min_value=1, max_value=4))
        return draw(st.lists(st.one_of(NUMBERS, TEXT, st.sampled_from(["", "1", "12", "2021", "Sept"])),
                             min_size=count, max_size=count))
    return draw(TEXT)


@st.composite
def submissions(draw, form: Form):
    """Values to post into a form: mostly what its page offers with some fields fuzzed, or anything at all."""
    fuzzed = draw(st.sets(st.sampled_from(sorted(form.fields)))) if form.fields else set()
    data = {}
    for name, entry in form.fields.items():
        if name == "csrf_token":
            continue
        value = value_for(draw, entry, fuzz=name in fuzzed)
        if value is not None:
            data[name] = value
    for name in draw(st.lists(st.text(min_size=1, max_size=12), max_size=2)):
        data.setdefault(name, draw(TEXT))
    return data


# --- the test ------------------------------------------------------------------------------------


def _token(client, path: str) -> str:
    """The CSRF token of the client's session, from a page's form.

    Flask-WTF keeps the token of a request in `g`, which the tests' one app context shares between
    clients: it is dropped first, so this client's own session makes the token.
    """
    g.pop("csrf_token", None)
    return csrf_token(client.get(path).get_data(as_text=True))


@pytest.fixture
def rendering_stubbed(monkeypatch):
    """PDFs drawn as a few bytes: the fuzz is about the forms' input, and WeasyPrint has tests of its own."""
    stub = lambda *args, **kwargs: b"%PDF-1.7 fuzz\n%%EOF\n"  # noqa: E731
    monkeypatch.setattr("tracker.documents.response.render_pdf", stub)
    monkeypatch.setattr("tracker.web.views.oversight.render_pdf", stub, raising=False)


def test_no_post_into_any_form_gives_a_server_error(csrf_app, rendering_stubbed):
    app = csrf_app
    admin = make_user(Role.SERVICE_ADMIN, ("cumbria",))  # reaches every force, so sees every form
    ids = record_ids(admin)
    forms = sorted(discover_forms(app, sign_in(app.test_client(), admin), ids).items())
    welsh = {name for _action, form in forms for name in form.fields if name.endswith("_cy") or "-cy-" in name}
    assert {"pcc_comments_cy", "statutory_paragraph_cy"} <= welsh and any("-cy-" in name for name in welsh), welsh
    connection = db.session.get_bind()
    answers: dict[tuple[str, str], set[int]] = defaultdict(set)
    current: dict = {}

    def start(role: Role) -> None:
        """A client signed in as a new user of the role, and a signed-out one (for /sign-in), with their tokens."""
        actor = make_user(role, ("cumbria",))
        current.update(role=role, actor=actor, client=sign_in(app.test_client(), actor), anonymous=app.test_client())
        current["tokens"] = {"client": _token(current["client"], "/settings/notifications"),
                             "anonymous": _token(current["anonymous"], "/sign-in")}

    @settings(max_examples=max(2, -(-POSTS // (len(ROLES) * len(forms)))), deadline=timedelta(seconds=20),
              database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def post(data_strategy):
        action, form = current["form"]
        data = data_strategy.draw(submissions(form))
        who = "anonymous" if action == "/sign-in" else "client"
        data["csrf_token"] = current["tokens"][who]
        db.session.rollback()  # the session's own savepoint, if open, must sit inside this one
        savepoint = connection.begin_nested()
        try:
            response = current[who].post(action, data=data, content_type="multipart/form-data")
        finally:
            db.session.rollback()
            savepoint.rollback()
            db.session.expire_all()
        if action in ("/sign-out", "/sign-in"):  # start the next post as before: signed in, or not
            start(current["role"])
        answers[current["role"].value, action].add(response.status_code)
        current["posts"] = current.get("posts", 0) + 1
        if current["posts"] % 1000 == 0:  # a long run (make fuzz) says how far it is
            print(f"fuzz: {current['posts']} posts, none answered 500", flush=True)
        assert response.status_code < 500, (current["role"], action, data, response.get_data(as_text=True)[:2000])

    for role in ROLES:
        start(role)
        for current["form"] in forms:  # each form gets its share of the posts
            post()
    covered = len(answers)
    print(f"\nfuzz: {current.get('posts', 0)} posts into {len(forms)} forms as {len(ROLES)} roles, none answered 500:",
          {f"{role} {action}": sorted(codes) for (role, action), codes in sorted(answers.items())})
    assert covered == len(forms) * len(ROLES), "every form was posted into as every role"
