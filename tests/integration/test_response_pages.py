"""The statutory response pages and the public pages: access, forms, publishing, feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from flask import g

from tests.factories import make_user, sign_in
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


def make_ready(drafter=None):
    """Explanations written, drafted by one editor and approved by a reviewer."""
    response = cumbria()
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Explanation {tracking.recommendation.ref}"
    drafter = drafter or seeded(Role.EDITOR)
    response_service.update_milestones(response, response.version, drafter, drafted_on=date(2021, 11, 1))
    response_service.approve(response, seeded(Role.REVIEWER), date(2021, 11, 2))
    db.session.commit()
    return response


def test_signed_out_is_sent_to_sign_in(client):
    """The response page needs a sign-in."""
    assert client.get(PAGE).status_code == 302


def test_response_page_shows_milestones_countdown_comments_and_missing(as_seeded):
    """The page lists what is missing with links to the tracking pages."""
    page = as_seeded(Role.EDITOR).get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    check_html(html)
    assert "Statutory deadline 11 November 2021" in html and "days late" in html
    assert "The Police &amp; Crime Commissioner welcomes" in html
    tracking_ids = [t.id for t in response_trackings(cumbria())]
    for tracking_id in tracking_ids:
        assert f'href="/tracking/{tracking_id}"' in html
    assert "Change the milestones" in html and "Preview the public copy as a PDF" in html


def test_another_forces_response_is_404(as_role):
    """A user of another force gets 404 on every page of the response, never the data."""
    client = as_role(Role.ADMIN, ("hampshire-and-isle-of-wight",))
    for path in [PAGE, PAGE + "/preview", PAGE + "/preview.pdf", PAGE + "/milestones", PAGE + "/comments",
                 PAGE + "/publish", PAGE + "/copies", PAGE + "/versions/1.pdf", "/responses/cumbria/statutory-paragraph/edit"]:
        assert client.get(path).status_code == 404, path
    for path in [PAGE + "/milestones", PAGE + "/comments", PAGE + "/publish", PAGE + "/copies", PAGE + "/approve"]:
        assert client.post(path).status_code == 404, path


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


def test_milestones_saved(as_seeded):
    """Valid dates are saved and the editor becomes the drafter."""
    client = as_seeded(Role.EDITOR)
    version = cumbria().version
    form = {"version": version, "chief_invited_on": ["20", "9", "2021"], "chief_comments_due_on": ["8", "10", "2021"],
            "chief_comments_received_on": ["", "", ""], "drafted_on": ["1", "11", "2021"]}
    assert client.post(PAGE + "/milestones", data=form).status_code == 302
    response = cumbria()
    assert response.chief_invited_on == date(2021, 9, 20) and response.drafted_on == date(2021, 11, 1)
    assert response.drafted_by is not None


def test_milestones_invalid_date_redisplays(as_seeded):
    """An impossible date is refused with a GOV.UK message and the form again."""
    client = as_seeded(Role.EDITOR)
    form = {"version": cumbria().version, "chief_invited_on": ["31", "2", "2021"], "chief_comments_due_on": ["", "", ""],
            "chief_comments_received_on": ["", "", ""], "drafted_on": ["", "", ""]}
    page = client.post(PAGE + "/milestones", data=form)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "must be a real date" in html and "<title>Error:" in html
    check_html(html)


def test_milestones_stale_version_is_refused(as_seeded):
    """Optimistic locking: a form from an older version saves nothing."""
    client = as_seeded(Role.EDITOR)
    form = {"version": cumbria().version - 1 if cumbria().version > 1 else 999, "chief_invited_on": ["20", "9", "2021"],
            "chief_comments_due_on": ["", "", ""], "chief_comments_received_on": ["", "", ""], "drafted_on": ["", "", ""]}
    page = client.post(PAGE + "/milestones", data=form)
    assert page.status_code == 200 and "Someone else saved" in page.get_data(as_text=True)
    check_html(page.get_data(as_text=True))
    db.session.expire_all()
    assert cumbria().chief_invited_on is None


def test_comments_saved(as_seeded):
    """The comments form saves the texts."""
    client = as_seeded(Role.EDITOR)
    page = client.post(PAGE + "/comments", data={"version": cumbria().version, "pcc_comments": "New PCC words",
                                                 "chief_comments": "", "chief_comments_absence": "Chose not to comment",
                                                 "pcc_response_to_chief": ""})
    assert page.status_code == 302
    response = cumbria()
    assert response.pcc_comments == "New PCC words" and response.chief_comments is None


def test_previews(as_seeded):
    """HTML previews (public and internal) and a draft PDF."""
    client = as_seeded(Role.VIEWER)
    html = client.get(PAGE + "/preview").get_data(as_text=True)
    check_html(html)
    assert "Draft: not published" in html and "Recommendation 4.1" in html
    assert client.get(PAGE + "/preview?copy=internal").status_code == 200
    pdf = client.get(PAGE + "/preview.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")


def test_publish_page_lists_what_is_missing(as_seeded):
    """Before anything is posted, the publish page shows what is missing."""
    html = as_seeded(Role.EDITOR).get(PAGE + "/publish").get_data(as_text=True)
    check_html(html)
    assert "cannot be published yet" in html and "Write the PCC&#39;s explanation for recommendation 3.2" in html


def test_publish_refused_when_incomplete_writes_nothing(as_seeded, published_dir):
    """Publishing an incomplete response shows the list and writes nothing."""
    response = cumbria()
    response_service.update_milestones(response, response.version, seeded(Role.EDITOR), drafted_on=date(2021, 11, 1))
    response_service.approve(response, seeded(Role.REVIEWER), date(2021, 11, 2))
    db.session.commit()
    page = as_seeded(Role.EDITOR).post(PAGE + "/publish", data={"reason": ""})
    assert page.status_code == 200 and "cannot be published" in page.get_data(as_text=True)
    assert not published_dir.exists()
    assert cumbria().versions == []


def test_approve_by_reviewer_through_the_page(app):
    """A reviewer's POST approves; the drafter's is refused."""
    drafter = make_user(Role.REVIEWER)
    response = cumbria()
    response_service.update_milestones(response, response.version, drafter, drafted_on=date(2021, 11, 1))
    db.session.commit()
    own = sign_in(app.test_client(), drafter).post(PAGE + "/approve", follow_redirects=True)
    assert "someone other than the person who drafted" in own.get_data(as_text=True)
    assert cumbria().approved_on is None
    # The tests' app context outlives a request, and Flask-Login keeps the user in g: forget it.
    g.pop("_login_user", None)
    other = sign_in(app.test_client(), make_user(Role.REVIEWER))
    assert other.post(PAGE + "/approve").status_code == 302
    db.session.expire_all()
    assert cumbria().approved_on is not None


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
    assert "Complete" in editor.get(PAGE).get_data(as_text=True)


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
                       data={"statutory_paragraph": "Our wording"}).status_code == 302


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
