"""The statutory response pages and the public pages: access, forms, publishing, feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from html import unescape

import pytest
from flask import g

from tests.factories import sign_in
from tests.integration.test_reminders import smtp  # noqa: F401  (the local SMTP server fixture)
from tests.page_check import check_html, csrf_token
from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.domain.statuses import Role
from tracker.services import responses as response_service

PAGE = "/responses/cumbria/vawg-2021"
ATOM = "{http://www.w3.org/2005/Atom}"


def seeded(role):
    """The demonstration user of a role (Cumbria; the administrator has every force): no password hashing."""
    from tracker.services.users import get_user_by_email
    return get_user_by_email(f"{role.value}@tracker.example")


@pytest.fixture
def as_seeded(app):
    """A client signed in as the demonstration user of a role."""
    return lambda role: sign_in(app.test_client(), seeded(role))


@pytest.fixture
def published_dir(app, tmp_path):
    """A fresh folder for published files."""
    old = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(tmp_path / "published")
    yield tmp_path / "published"
    app.config["TRACKER_PUBLISHED_DIR"] = old


def cumbria():
    """Cumbria's VAWG response."""
    return response_service.get_response("cumbria", "vawg-2021")


def explained():
    """Cumbria's response with every explanation written."""
    response = cumbria()
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Explanation {tracking.recommendation.ref}"
    return response


def make_ready(drafter=None):
    """Explanations written, sent for approval by an editor and approved by the PCC's approver."""
    response = explained()
    response_service.mark_ready(response, drafter or seeded(Role.EDITOR), date(2021, 11, 1))
    response_service.approve(response, seeded(Role.APPROVER), date(2021, 11, 2))
    db.session.commit()
    return response


def test_signed_out_is_sent_to_sign_in(client):
    """The response page needs a sign-in."""
    assert client.get(PAGE).status_code == 302


def task_statuses(html: str) -> dict[str, str]:
    """Each task's name and status as the task list shows them."""
    import re
    items = re.findall(r'<li class="govuk-task-list__item.*?</li>', html, flags=re.S)
    out = {}
    for item in items:
        name = re.sub(r"<[^>]+>|\s+", " ", re.search(r'govuk-task-list__name-and-hint">(.*?)</div>', item, re.S).group(1))
        status = re.sub(r"<[^>]+>|\s+", " ", re.search(r'govuk-task-list__status[^>]*>(.*?)</div>', item, re.S).group(1))
        hint = re.search(r'govuk-task-list__hint[^>]*>(.*?)</div>', item, re.S)
        name = name.replace(re.sub(r"<[^>]+>|\s+", " ", hint.group(1)), "") if hint else name
        out[unescape(" ".join(name.split()))] = unescape(" ".join(status.split()))
    return out


def test_response_page_is_a_task_list_in_the_order_of_the_law(as_seeded):
    """The tasks in the order of s.55, each with its status and a link to the page that does it."""
    page = as_seeded(Role.EDITOR).get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_html(html)
    assert "Statutory deadline 11 November 2021" in html and "days late" in html
    assert list(task_statuses(html).items()) == [
        ("Invite the chief constable's comments", "Not started"),
        ("The chief constable's comments", "Completed"),
        ("The PCC's comments", "Completed"),
        ("Explain what is done about each recommendation", "Not started"),
        ("Send for approval", "Cannot start yet"),
        ("Approval by the PCC", "Cannot start yet"),
        ("Publish the response", "Cannot start yet"),
        ("Send copies to HMICFRS and the Home Secretary", "Cannot start yet"),
    ]
    assert "0 of 4 written" in html
    for path in ("/invite", "/comments#chief-comments", "/comments#pcc-comments", "/explanations"):
        assert f'href="{PAGE}{path}"' in html
    tracking_ids = [t.id for t in response_trackings(cumbria())]
    for tracking_id in tracking_ids:
        assert f'href="{PAGE}/explanations#explanation-{tracking_id}"' in html
    assert "Change the dates" in html and "Preview the public copy as a PDF" in html


def test_another_forces_response_is_404(as_role):
    """A user of another force gets 404 on every page of the response, never the data."""
    client = as_role(Role.ADMIN, ("hampshire-and-isle-of-wight",))
    for path in [PAGE, PAGE + "/preview", PAGE + "/preview.pdf", PAGE + "/draft.docx", PAGE + "/milestones",
                 PAGE + "/comments", PAGE + "/invite", PAGE + "/explanations",
                 PAGE + "/start-from", PAGE + "/publish", PAGE + "/copies", PAGE + "/versions/1.pdf",
                 "/responses/cumbria/statutory-paragraph/edit"]:
        assert client.get(path).status_code == 404, path
    for path in [PAGE + "/milestones", PAGE + "/comments", PAGE + "/invite",
                 PAGE + "/explanations", PAGE + "/ready", PAGE + "/start-from", PAGE + "/publish", PAGE + "/copies"]:
        assert client.post(path).status_code == 404, path
    approver = as_role(Role.APPROVER, ("hampshire-and-isle-of-wight",))
    assert approver.get(PAGE + "/approve").status_code == 404
    assert approver.post(PAGE + "/approve").status_code == 404


def test_unknown_response_is_404(as_seeded):
    """No such inspection: 404."""
    assert as_seeded(Role.EDITOR).get("/responses/cumbria/no-such-report").status_code == 404


def test_index_lists_the_users_forces_only(as_seeded):
    """The list shows the user's forces' responses."""
    html = as_seeded(Role.VIEWER).get("/responses/").get_data(as_text=True)
    check_html(html)
    assert "Cumbria Constabulary" in html and "Hampshire" not in html


def test_viewer_cannot_edit(as_seeded):
    """Editing pages are for editors."""
    viewer = as_seeded(Role.VIEWER)
    assert viewer.get(PAGE + "/milestones").status_code == 403
    assert viewer.post(PAGE + "/publish").status_code == 403
    for path in ("/invite", "/comments", "/explanations", "/start-from"):
        assert viewer.get(PAGE + path).status_code == 403
    for role in (Role.VIEWER, Role.REVIEWER, Role.EDITOR):
        assert as_seeded(role).get(PAGE + "/approve").status_code == 403, role


def test_milestones_saved(as_seeded):
    """Valid dates are saved."""
    client = as_seeded(Role.EDITOR)
    version = cumbria().version
    form = {"version": version, "chief_invited_on": ["20", "9", "2021"], "chief_comments_due_on": ["8", "10", "2021"],
            "chief_comments_received_on": ["", "", ""]}
    assert client.post(PAGE + "/milestones", data=form).status_code == 302
    response = cumbria()
    assert response.chief_invited_on == date(2021, 9, 20) and response.chief_comments_due_on == date(2021, 10, 8)


def test_the_invitation_needs_both_dates_in_order(as_seeded):
    """s.55(4): the invitation and the date comments are asked by, the second not before the first."""
    client = as_seeded(Role.EDITOR)
    check_html(client.get(PAGE + "/invite").get_data(as_text=True))
    refused = client.post(PAGE + "/invite", data={"version": cumbria().version, "chief_invited_on": ["20", "9", "2021"],
                                                  "chief_comments_due_on": ["1", "9", "2021"]})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "on or after the date of the invitation" in html and "<title>Error:" in html
    assert 'href="#chief_comments_due_on-day"' in html
    check_html(html)
    missing = client.post(PAGE + "/invite", data={"version": cumbria().version, "chief_invited_on": ["", "", ""],
                                                  "chief_comments_due_on": ["", "", ""]})
    assert "Enter the date the chief constable was invited" in missing.get_data(as_text=True)
    db.session.expire_all()
    assert cumbria().chief_invited_on is None
    saved = client.post(PAGE + "/invite", data={"version": cumbria().version, "chief_invited_on": ["20", "9", "2021"],
                                                "chief_comments_due_on": ["8", "10", "2021"]})
    assert saved.status_code == 302 and saved.location.endswith(PAGE)
    assert task_statuses(client.get(PAGE).get_data(as_text=True))["Invite the chief constable's comments"] == "Completed"


def test_the_comments_page_takes_the_chief_constables_and_the_pccs(as_seeded):
    """The chief's comments with the day they came, or why there are none (not both); the PCC's beside them."""
    client = as_seeded(Role.EDITOR)
    html = client.get(PAGE + "/comments").get_data(as_text=True)
    check_html(html)
    assert 'id="chief-comments"' in html and 'id="pcc-comments"' in html
    pcc = cumbria().pcc_comments
    both = client.post(PAGE + "/comments", data={"version": cumbria().version, "chief_comments_received_on": ["1", "11", "2021"],
                                                 "chief_comments": "Words", "chief_comments_absence": "None",
                                                 "pcc_comments": pcc, "pcc_response_to_chief": ""})
    assert "not both" in both.get_data(as_text=True)
    undated = client.post(PAGE + "/comments", data={"version": cumbria().version, "chief_comments_received_on": ["", "", ""],
                                                    "chief_comments": "Words", "chief_comments_absence": "",
                                                    "pcc_comments": pcc, "pcc_response_to_chief": ""})
    assert "Enter the date the chief constable&#39;s comments were received" in undated.get_data(as_text=True)
    saved = client.post(PAGE + "/comments", data={"version": cumbria().version, "chief_comments_received_on": ["", "", ""],
                                                  "chief_comments": "", "chief_comments_absence": "Chose not to comment",
                                                  "pcc_comments": pcc, "pcc_response_to_chief": ""})
    assert saved.status_code == 302
    db.session.expire_all()
    assert cumbria().chief_comments is None and cumbria().chief_comments_absence == "Chose not to comment"


def test_milestones_invalid_date_redisplays(as_seeded):
    """An impossible date is refused with a GOV.UK message and the form again."""
    client = as_seeded(Role.EDITOR)
    form = {"version": cumbria().version, "chief_invited_on": ["31", "2", "2021"], "chief_comments_due_on": ["", "", ""],
            "chief_comments_received_on": ["", "", ""]}
    page = client.post(PAGE + "/milestones", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "must be a real date" in html and "<title>Error:" in html
    check_html(html)


def test_milestones_stale_version_is_refused(as_seeded):
    """Optimistic locking: a form from an older version saves nothing."""
    client = as_seeded(Role.EDITOR)
    form = {"version": cumbria().version - 1 if cumbria().version > 1 else 999, "chief_invited_on": ["20", "9", "2021"],
            "chief_comments_due_on": ["", "", ""], "chief_comments_received_on": ["", "", ""]}
    page = client.post(PAGE + "/milestones", data=form)
    assert page.status_code == 200 and "Someone else saved" in page.get_data(as_text=True)
    check_html(page.get_data(as_text=True))
    db.session.expire_all()
    assert cumbria().chief_invited_on is None


def test_comments_saved(as_seeded):
    """The comments form saves the texts."""
    client = as_seeded(Role.EDITOR)
    response = cumbria()
    page = client.post(PAGE + "/comments", data={"version": response.version, "pcc_comments": "New PCC words",
                                                 "chief_comments": response.chief_comments, "chief_comments_absence": "",
                                                 "chief_comments_received_on": ["1", "11", "2021"],
                                                 "pcc_response_to_chief": ""})
    assert page.status_code == 302
    db.session.expire_all()
    response = cumbria()
    assert response.pcc_comments == "New PCC words" and response.chief_comments
    assert response.chief_comments_received_on == date(2021, 11, 1)


def test_previews(as_seeded):
    """HTML previews (public and internal) and a draft PDF."""
    client = as_seeded(Role.VIEWER)
    html = client.get(PAGE + "/preview").get_data(as_text=True)
    check_html(html)
    assert "Draft: not published" in html and "Recommendation 4.1" in html
    assert client.get(PAGE + "/preview?copy=internal").status_code == 200
    pdf = client.get(PAGE + "/preview.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_a_draft_pdf_downloaded_again_unchanged_is_not_rendered_again(as_seeded, monkeypatch):
    """The draft PDF is kept by its content in the shared cache: downloaded again unchanged (by another user too)
    it is the same file, not rendered again; after a change to the response it is rendered anew."""
    from tracker.documents import pdf as pdf_module
    from tracker.web.caching import cache

    cache.clear()  # another test may have drawn this draft already
    renders = []
    real = pdf_module._render_and_write
    monkeypatch.setattr(pdf_module, "_render_and_write", lambda *args: renders.append(1) or real(*args))
    first = as_seeded(Role.VIEWER).get(PAGE + "/preview.pdf")
    again = as_seeded(Role.EDITOR).get(PAGE + "/preview.pdf")
    assert first.status_code == again.status_code == 200 and again.data == first.data and len(renders) == 1
    explained()
    db.session.commit()
    changed = as_seeded(Role.VIEWER).get(PAGE + "/preview.pdf")
    assert changed.status_code == 200 and changed.data != first.data and len(renders) == 2


def test_publish_page_lists_what_is_missing(as_seeded):
    """Before anything is posted, the publish page shows what is missing."""
    html = as_seeded(Role.EDITOR).get(PAGE + "/publish").get_data(as_text=True)
    check_html(html)
    assert "cannot be published yet" in html and "Write the PCC&#39;s explanation for recommendation 3.2" in html
    tracking = next(t for t in response_trackings(cumbria()) if t.recommendation.ref == "3.2")
    assert f'href="{PAGE}/explanations#explanation-{tracking.id}"' in html


def test_publish_refused_when_changed_since_approval_writes_nothing(as_seeded, published_dir):
    """An explanation blanked after approval: the approval no longer counts, the page says so, nothing is written."""
    response = make_ready()
    response_trackings(response)[0].pcc_explanation = None
    db.session.commit()
    editor = as_seeded(Role.EDITOR)
    page = editor.post(PAGE + "/publish", data={"reason": ""})
    assert page.status_code == 200 and "cannot be published" in page.get_data(as_text=True)
    assert not published_dir.exists()
    assert cumbria().versions == []
    html = editor.get(PAGE).get_data(as_text=True)
    assert task_statuses(html)["Approval by the PCC"] == "New approval needed"
    assert "Changed since it was approved: Recommendation 3" in html and "no longer counts" in html


def test_the_explanations_page_saves_every_explanation_at_once(as_seeded):
    """Every recommendation's text and deadline, read-only, with its explanation and the chief's comment; one save."""
    client = as_seeded(Role.EDITOR)
    trackings = response_trackings(cumbria())
    html = client.get(PAGE + "/explanations").get_data(as_text=True)
    check_html(html)
    for tracking in trackings:
        assert f'id="explanation-{tracking.id}"' in html and f'id="chief-{tracking.id}"' in html
        assert tracking.recommendation.text.splitlines()[0][:60].replace("'", "&#39;") in html
    assert "By March 2022" in html or "31 March 2022" in html
    form = {f"version-{t.id}": t.version for t in trackings}
    form |= {f"explanation-{t.id}": f"We did {t.recommendation.ref}" for t in trackings}
    form |= {f"chief-{t.id}": ("The chief agrees" if t.recommendation.ref == "4" else "") for t in trackings}
    saved = client.post(PAGE + "/explanations", data=form)
    assert saved.status_code == 302 and saved.location.endswith(PAGE)
    db.session.expire_all()
    after = {t.recommendation.ref: (t.pcc_explanation, t.chief_comment) for t in response_trackings(cumbria())}
    assert after["3.2"] == ("We did 3.2", None) and after["4"] == ("We did 4", "The chief agrees")
    statuses = task_statuses(client.get(PAGE).get_data(as_text=True))
    assert statuses["Explain what is done about each recommendation"] == "Completed"
    assert statuses["Send for approval"] == "Not started"
    # A stale row refuses the whole save: nothing changes, the text typed stays on the page.
    form[f"explanation-{trackings[0].id}"] = "Typed again"
    refused = client.post(PAGE + "/explanations", data=form)
    assert refused.status_code == 200 and "Someone else saved" in refused.get_data(as_text=True)
    assert "Typed again" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert response_trackings(cumbria())[0].pcc_explanation == f"We did {trackings[0].recommendation.ref}"
    too_long = {k: v for k, v in form.items()}
    too_long |= {f"version-{t.id}": t.version for t in response_trackings(cumbria())}
    too_long[f"explanation-{trackings[1].id}"] = "x" * 20_001
    long_page = client.post(PAGE + "/explanations", data=too_long).get_data(as_text=True)
    assert "20,000 characters or fewer" in long_page and f'href="#explanation-{trackings[1].id}"' in long_page
    check_html(long_page)


def test_sending_for_approval_emails_the_approvers_and_the_approver_checks_and_declares(app, as_seeded, smtp):  # noqa: F811
    """Ready for approval records the date and who; the approvers get an email with the check-answers page;
    without the declaration the approval is refused; with it, approved."""
    editor = as_seeded(Role.EDITOR)
    explained()
    db.session.commit()
    assert editor.post(PAGE + "/ready").status_code == 302
    db.session.expire_all()
    response = cumbria()
    assert response.drafted_on == date.today() and response.drafted_by.email == "editor@tracker.example"
    assert [m["To"] for m in smtp.messages] == ["approver@tracker.example"]
    body = smtp.messages[0].get_payload()
    assert "/responses/cumbria/vawg-2021/approve" in body and "Eden Editor" in body
    g.pop("_login_user", None)
    approver = as_seeded(Role.APPROVER)
    page = approver.get(PAGE + "/approve").get_data(as_text=True)
    check_html(page)
    assert "I approve these comments on behalf of the Police and Crime Commissioner" in page
    assert "Explanation 4.1" in page  # what will be published is on the page
    refused = approver.post(PAGE + "/approve", data={})
    assert "Confirm that you approve" in refused.get_data(as_text=True) and 'href="#declaration"' in refused.get_data(as_text=True)
    assert approver.post(PAGE + "/approve", data={"declaration": "y"}).status_code == 302
    db.session.expire_all()
    assert cumbria().approved_by.email == "approver@tracker.example"
    assert task_statuses(approver.get(PAGE).get_data(as_text=True))["Approval by the PCC"] == "Completed"


def test_an_approval_refused_links_to_the_fix(app, as_seeded):
    """Not sent for approval, or something missing: the error summary links to the page that fixes it."""
    approver = as_seeded(Role.APPROVER)
    html = approver.get(PAGE + "/approve").get_data(as_text=True)
    check_html(html)
    assert "There is a problem" in html and "Write the PCC&#39;s explanation for recommendation 3.2" in html
    # The approver cannot open the editors' pages: each link opens the task list, which they can.
    assert "an editor of the force does this" in html and f'href="{PAGE}/explanations' not in html
    assert f'href="{PAGE}"' in html and 'name="declaration"' not in html
    assert approver.get(PAGE).status_code == 200
    posted = approver.post(PAGE + "/approve", data={"declaration": "y"}).get_data(as_text=True)
    assert "an editor of the force does this" in posted
    db.session.expire_all()
    assert cumbria().approved_on is None
    explained()
    db.session.commit()
    html = approver.get(PAGE + "/approve").get_data(as_text=True)
    assert "not been sent for approval" in html and f'href="{PAGE}#task-ready"' in html


def test_publishing_a_response_first_published_outside_tracker(as_seeded, published_dir, client):
    """The real date is accepted, recorded as such with who entered it; days late from it on the public page."""
    make_ready()
    editor = as_seeded(Role.EDITOR)
    html = editor.get(PAGE + "/publish").get_data(as_text=True)
    check_html(html)
    assert "govuk-warning-text" in html and "Explanation 4.1" in html
    future = editor.post(PAGE + "/publish", data={"reason": "", "published_on": ["1", "1", str(date.today().year + 1)]})
    assert "today or in the past" in future.get_data(as_text=True)
    page = editor.post(PAGE + "/publish", data={"reason": "", "published_on": ["14", "11", "2021"]}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert "Version 1 published, 3 days after the statutory deadline" in html
    assert "first published outside tracker; the date was entered by Eden Editor" in html
    public = client.get("/public/cumbria").get_data(as_text=True)
    assert "14 November 2021" in public


def test_publish_twice_then_download_and_public_pages(app, as_seeded, published_dir, client):
    """Publish v1, republish v2 with a reason, download both, public page and feed show them."""
    make_ready()
    editor = as_seeded(Role.EDITOR)
    page = editor.post(PAGE + "/publish", data={"reason": ""}, follow_redirects=True)
    assert "Version 1 published" in page.get_data(as_text=True)
    assert "&lt;p class" not in page.get_data(as_text=True)  # the success banner is HTML, not escaped markup
    refused = editor.post(PAGE + "/publish", data={"reason": ""})
    assert "Enter why the response is being published again" in refused.get_data(as_text=True)
    assert editor.post(PAGE + "/publish", data={"reason": "Corrected a date"}).status_code == 302
    db.session.expire_all()
    versions = cumbria().versions
    assert [v.number for v in versions] == [1, 2]
    for version in versions:
        download = editor.get(f"{PAGE}/versions/{version.number}.pdf")
        assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert editor.get(f"{PAGE}/versions/3.pdf").status_code == 404
    html = editor.get(PAGE).get_data(as_text=True)
    check_html(html)
    assert versions[0].sha256 in html and "Corrected a date" in html and "Outstanding" in html

    public = client.get("/public/cumbria")
    html = public.get_data(as_text=True)
    check_html(html)
    assert public.status_code == 200 and "HMICFRS reports and responses" in html
    assert "Response to Police response to violence against women and girls" in html
    assert "/public/cumbria/vawg-2021/v2.pdf" in html and "/public/cumbria/vawg-2021/v1.pdf" in html
    assert "https://www.justiceinspectorates.gov.uk/" in html
    assert client.get("/public/cumbria/vawg-2021/v1.pdf").data == response_service.published_path(published_dir, versions[0]).read_bytes()
    copy = client.get("/public/cumbria/vawg-2021")
    assert copy.status_code == 200 and "Explanation 4.1" in copy.get_data(as_text=True)
    check_html(copy.get_data(as_text=True))

    feed = client.get("/public/cumbria/feed.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text.endswith("Z")
        enclosure = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "enclosure"][0]
        assert enclosure.get("type") == "application/pdf" and int(enclosure.get("length")) > 1000

    today = [str(date.today().day), str(date.today().month), str(date.today().year)]
    copies = editor.post(PAGE + "/copies", data={"version": cumbria().version, "sent_to_hmicfrs_on": today,
                                                 "sent_to_home_secretary_on": today})
    assert copies.status_code == 302, copies.get_data(as_text=True)
    assert task_statuses(editor.get(PAGE).get_data(as_text=True))["Send copies to HMICFRS and the Home Secretary"] == "Completed"


def test_public_pages_show_nothing_unpublished(client):
    """No published version: nothing reachable; the list says none."""
    html = client.get("/public/cumbria").get_data(as_text=True)
    assert "No responses have been published yet" in html and "vawg-2021" not in html
    assert client.get("/public/cumbria/vawg-2021").status_code == 404
    assert client.get("/public/cumbria/vawg-2021/v1.pdf").status_code == 404
    root = ET.fromstring(client.get("/public/cumbria/feed.atom").data)
    assert root.findall(f"{ATOM}entry") == []
    assert client.get("/public/no-such-force").status_code == 404
    assert client.get("/public/no-such-force/feed.atom").status_code == 404


def test_statutory_paragraph_form(as_seeded):
    """An editor edits the force's paragraph; blank is refused."""
    client = as_seeded(Role.EDITOR)
    page = client.get("/responses/cumbria/statutory-paragraph/edit")
    assert "section 37 of the Policing and Crime Act 2017" in page.get_data(as_text=True)
    refused = client.post("/responses/cumbria/statutory-paragraph/edit", data={"statutory_paragraph": " "})
    assert "Enter the statutory paragraph" in refused.get_data(as_text=True)
    assert client.post("/responses/cumbria/statutory-paragraph/edit",
                       data={"statutory_paragraph": "Our wording", "pcc_name": "Peter McCall"}).status_code == 302
    db.session.expire_all()
    assert cumbria().force.pcc_name == "Peter McCall"


def test_forms_carry_csrf_tokens(csrf_app, as_seeded):
    """With CSRF on, the forms carry a token and a POST without one is refused."""
    client = as_seeded(Role.EDITOR)
    html = client.get(PAGE + "/milestones").get_data(as_text=True)
    assert csrf_token(html)
    assert client.post(PAGE + "/milestones", data={"version": "1"}).status_code == 400


def test_render_response_command(runner, tmp_path):
    """The CLI writes a draft; without --draft an unpublished response is refused."""
    out = tmp_path / "r.pdf"
    result = runner.invoke(args=["render-response", "--force", "cumbria", "--inspection", "vawg-2021",
                                 "--output", str(out), "--draft"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    refused = runner.invoke(args=["render-response", "--force", "cumbria", "--inspection", "vawg-2021",
                                  "--output", str(tmp_path / "x.pdf")])
    assert refused.exit_code != 0 and "has not been published" in refused.output
    unknown = runner.invoke(args=["render-response", "--force", "nowhere", "--inspection", "vawg-2021",
                                  "--output", str(tmp_path / "y.pdf")])
    assert unknown.exit_code != 0


def test_render_response_command_writes_the_published_version(runner, published_dir, tmp_path):
    """Without --draft the command writes the latest published file, byte for byte."""
    response = make_ready()
    version = response_service.publish(response, seeded(Role.EDITOR), published_dir)
    db.session.commit()
    out = tmp_path / "published.pdf"
    result = runner.invoke(args=["render-response", "--force", "cumbria", "--inspection", "vawg-2021", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == response_service.published_path(published_dir, version).read_bytes()
    assert version.sha256 in result.output


def test_the_explanations_page_cleans_control_characters_as_every_form_does(as_seeded):
    """A NUL typed into an explanation is dropped (PostgreSQL refuses it in text: it gave a 500 there)."""
    client = as_seeded(Role.EDITOR)
    trackings = response_trackings(cumbria())
    form = {f"version-{t.id}": t.version for t in trackings}
    form |= {f"explanation-{t.id}": "We did\x00 it\r\nin two lines\x07" for t in trackings}
    form |= {f"chief-{t.id}": "" for t in trackings}
    saved = client.post(PAGE + "/explanations", data=form)
    assert saved.status_code == 302
    db.session.expire_all()
    assert response_trackings(cumbria())[0].pcc_explanation.replace("\r\n", "\n") == "We did it\nin two lines"


def test_the_explanations_page_takes_a_part_without_a_name(as_seeded):
    """A multipart part whose name cannot be read (a line break in it: the form's key is None) is left out, not a 500
    (found by the forms' fuzz test)."""
    client = as_seeded(Role.EDITOR)
    trackings = response_trackings(cumbria())
    form = {f"version-{t.id}": t.version for t in trackings}
    form |= {f"explanation-{t.id}": f"Explained {t.id}" for t in trackings} | {f"chief-{t.id}": "" for t in trackings}
    saved = client.post(PAGE + "/explanations", data=form | {"\n": ""}, content_type="multipart/form-data")
    assert saved.status_code == 302
    db.session.expire_all()
    assert response_trackings(cumbria())[0].pcc_explanation == f"Explained {trackings[0].id}"
