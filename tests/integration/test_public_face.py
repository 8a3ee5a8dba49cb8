"""The OPCC's public face: its details set by its administrators, the public header and footer, the
index of forces, the accessibility statement, privacy notice and contact page, and the calendar of
responses due."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from tests.factories import get_force
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import AuditEvent, PublishedVersion
from tracker.services import responses as response_service

DETAILS = {"opcc_website": "https://www.cumbria-opcc.example.gov.uk/", "opcc_email": "enquiries@cumbria-opcc.example",
           "opcc_phone": "01768 217734", "opcc_address": "Carleton Hall\nPenrith\nCA10 2AU"}


def publish(app, force_slug: str) -> None:
    """A published version of the force's response to the national report (a stand-in file)."""
    folder = Path(app.config["TRACKER_PUBLISHED_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    response = response_service.get_response(force_slug, "vawg-2021")
    filename = f"{force_slug}-public-face-v1.pdf"
    (folder / filename).write_bytes(b"%PDF-1.7\n%%EOF\n")
    response_service.html_path(folder / filename).write_text("<p>The published response.</p>", "utf-8")
    response.published_on = date(2021, 11, 3)
    db.session.add(PublishedVersion(response_id=response.id, number=1, filename=filename, sha256="0" * 64, size=15))
    db.session.commit()


@pytest.fixture
def published_dir(app, tmp_path):
    old = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(tmp_path / "published")
    yield
    app.config["TRACKER_PUBLISHED_DIR"] = old


def test_a_force_administrator_sets_the_public_details_shown_on_the_public_pages(app, as_role, client):
    admin = as_role(Role.ADMIN, ("cumbria",))
    page = admin.get("/admin/forces")
    assert page.status_code == 200 and "/admin/forces/cumbria/public-details" in page.text
    assert "/admin/forces/lancashire/public-details" not in page.text
    answer = admin.post("/admin/forces/cumbria/public-details", data=DETAILS)
    assert answer.status_code == 302
    force = get_force("cumbria")
    assert (force.opcc_website, force.opcc_email, force.opcc_phone) == (
        DETAILS["opcc_website"], DETAILS["opcc_email"], DETAILS["opcc_phone"])

    public = client.get("/public/cumbria").text
    header = public.split("</header>")[0]
    assert f'href="{DETAILS["opcc_website"]}"' in header and force.opcc_name in header
    assert "/sign-in" not in public and "Sign out" not in public
    contact = client.get("/public/cumbria/contact").text
    assert "mailto:enquiries@cumbria-opcc.example" in contact and "01768 217734" in contact
    assert "Carleton Hall, Penrith, CA10 2AU" in contact
    assert "mailto:enquiries@cumbria-opcc.example" in client.get("/public/cumbria/accessibility").text


def test_blank_details_clear_and_the_header_links_to_the_public_page(app, as_role, client):
    admin = as_role(Role.ADMIN, ("cumbria",))
    admin.post("/admin/forces/cumbria/public-details", data=DETAILS)
    assert admin.post("/admin/forces/cumbria/public-details", data={}).status_code == 302
    force = get_force("cumbria")
    assert (force.opcc_website, force.opcc_email, force.opcc_phone, force.opcc_address) == (None, None, None, None)
    header = client.get("/public/cumbria/privacy").text.split("</header>")[0]
    assert 'href="/public/cumbria"' in header
    assert "has not given its contact details here yet" in client.get("/public/cumbria/contact").text


@pytest.mark.parametrize("field, value, message", [
    ("opcc_website", "javascript:alert(1)", "Enter a website address in the correct format"),
    ("opcc_website", "https://nodot", "Enter a website address in the correct format"),
    ("opcc_website", "https://a b.example", "Enter a website address in the correct format"),
    ("opcc_email", "not an email", "Enter an email address in the correct format"),
    ("opcc_phone", "call us", "Enter a telephone number"),
    ("opcc_phone", "0123+456", "Enter a telephone number"),
    ("opcc_website", "https://x.example/" + "a" * 500, "Website address must be 500 characters or fewer"),
    ("opcc_name_cy", "S" * 201, "Name of the office in Welsh must be 200 characters or fewer"),
    ("name_cy", "H" * 201, "Name of the force in Welsh must be 200 characters or fewer"),
    ("commissioner_title_cy", "C" * 201, "The commissioner&#39;s title in Welsh must be 200 characters or fewer"),
])
def test_wrong_details_show_an_error_summary_and_change_nothing(as_role, field, value, message):
    admin = as_role(Role.ADMIN, ("cumbria",))
    answer = admin.post("/admin/forces/cumbria/public-details", data={**DETAILS, field: value})
    assert answer.status_code == 200
    assert "There is a problem" in answer.text and message in answer.text and f'href="#{field}"' in answer.text
    assert "<title>Error: " in answer.text
    assert get_force("cumbria").opcc_website is None


WELSH_NAMES = {"opcc_name_cy": "Swyddfa Comisiynydd Heddlu a Throseddu Cumbria", "name_cy": "Heddlu Cumbria",
               "commissioner_title_cy": "Comisiynydd Heddlu a Throseddu"}


def test_a_force_administrator_sets_the_welsh_names_and_the_change_is_audited(as_role):
    admin = as_role(Role.ADMIN, ("cumbria",))
    form = admin.get("/admin/forces/cumbria/public-details").text
    for name in WELSH_NAMES:
        assert f'name="{name}"' in form and re.search(rf'<input[^>]*id="{name}"[^>]*lang="cy"', form)
    padded = {name: f"  {value} " for name, value in WELSH_NAMES.items()}
    assert admin.post("/admin/forces/cumbria/public-details",
                      data={**DETAILS, **padded, "works_in_welsh": "y"}).status_code == 302
    force = get_force("cumbria")
    assert (force.opcc_name_cy, force.name_cy, force.commissioner_title_cy) == tuple(WELSH_NAMES.values())
    assert force.works_in_welsh
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.entity_type == "Force",
                                                           AuditEvent.entity_id == force.id)
                               .order_by(AuditEvent.id.desc())).first()
    assert event.changes["opcc_name_cy"] == [None, WELSH_NAMES["opcc_name_cy"]]
    assert event.changes["name_cy"] == [None, "Heddlu Cumbria"] and event.user_id is not None
    page = admin.get("/admin/forces/cumbria/public-details").text
    assert 'value="Heddlu Cumbria"' in page
    assert admin.post("/admin/forces/cumbria/public-details", data=DETAILS).status_code == 302
    assert get_force("cumbria").opcc_name_cy is None  # blank: the English name is used again


def test_only_administrators_of_the_force_set_its_details(as_role):
    assert as_role(Role.ADMIN, ("cumbria",)).get("/admin/forces/lancashire/public-details").status_code == 404
    assert as_role(Role.ADMIN, ("cumbria",)).post("/admin/forces/lancashire/public-details",
                                                  data=DETAILS).status_code == 404
    assert get_force("lancashire").opcc_website is None
    assert as_role(Role.EDITOR, ("cumbria",)).get("/admin/forces/cumbria/public-details").status_code == 403
    assert as_role(Role.SERVICE_ADMIN, ()).get("/admin/forces/lancashire/public-details").status_code == 200
    assert as_role(Role.ADMIN, ("cumbria",)).get("/admin/forces/nowhere/public-details").status_code == 404


def test_the_index_lists_only_forces_with_published_responses(app, client, published_dir):
    assert "No responses have been published here yet" in client.get("/public/").text
    publish(app, "cumbria")
    index = client.get("/public/").text
    assert 'href="/public/cumbria"' in index and "1 response published" in index
    assert 'href="/public/lancashire"' not in index
    assert "Cumbria" in client.get("/public/contact").text


def test_every_public_page_has_the_footer_links_and_no_staff_navigation(app, client, published_dir):
    publish(app, "cumbria")
    for path in ("/public/", "/public/cumbria", "/public/cumbria/vawg-2021", "/public/accessibility",
                 "/public/cumbria/accessibility", "/public/privacy", "/public/cumbria/privacy", "/public/contact",
                 "/public/cumbria/contact"):
        page = client.get(path)
        assert page.status_code == 200, path
        footer = page.text.split('<footer')[1]
        for link in ("accessibility", "privacy", "contact"):
            assert re.search(rf'href="/public/(cumbria/)?{link}"', footer), (path, link)
        assert "govuk-service-navigation" not in page.text and "/sign-in" not in page.text, path


def test_pages_of_a_force_that_does_not_exist_answer_404(client):
    for path in ("/public/nowhere/accessibility", "/public/nowhere/privacy", "/public/nowhere/contact",
                 "/public/nowhere/deadlines.ics"):
        assert client.get(path).status_code == 404, path


def test_the_accessibility_statement_has_the_model_statements_sections(client):
    page = client.get("/public/cumbria/accessibility").text
    for heading in ("Accessibility statement for", "How accessible these pages are", "Feedback and contact information",
                    "Reporting accessibility problems with these pages", "Enforcement procedure",
                    "Technical information about these pages’ accessibility", "Compliance status",
                    "Non-accessible content", "Non-compliance with the accessibility regulations",
                    "Disproportionate burden", "Content that’s not within the scope of the accessibility regulations",
                    "What we’re doing to improve accessibility", "Preparation of this accessibility statement"):
        assert re.search(rf"<h[123][^>]*>{re.escape(heading)}", page), heading
    assert "equalityadvisoryservice.com" in page and "partially compliant" in page
    assert "another format" in page


def test_the_calendar_holds_the_responses_still_due(app, client, published_dir, monkeypatch):
    response = response_service.get_response("cumbria", "vawg-2021")
    due = response.due_on
    monkeypatch.setattr("tracker.web.views.public.today", lambda: due)
    body = client.get("/public/cumbria/deadlines.ics")
    assert body.status_code == 200 and body.mimetype == "text/calendar"
    text = body.data.decode().replace("\r\n ", "")
    assert f"DTSTART;VALUE=DATE:{due:%Y%m%d}" in text
    assert "Response due: Police response to violence against women and girls" in text
    page = client.get("/public/cumbria").text
    assert "/public/cumbria/deadlines.ics" in page and "Due next:" in page
    # Not once the day has passed, nor once published.
    vawg = f"DTSTART;VALUE=DATE:{due:%Y%m%d}"
    monkeypatch.setattr("tracker.web.views.public.today", lambda: date.fromordinal(due.toordinal() + 1))
    assert vawg not in client.get("/public/cumbria/deadlines.ics").data.decode()
    monkeypatch.setattr("tracker.web.views.public.today", lambda: due)
    publish(app, "cumbria")
    assert vawg not in client.get("/public/cumbria/deadlines.ics").data.decode()
    due_next = client.get("/public/cumbria").text.split("Get updates")[1]
    assert "violence against women and girls" not in due_next


def test_no_calendar_events_when_nothing_is_due(client, monkeypatch):
    monkeypatch.setattr("tracker.web.views.public.today", lambda: date(2100, 1, 1))
    assert "VEVENT" not in client.get("/public/cumbria/deadlines.ics").data.decode()
    assert "No responses are due at the moment" in client.get("/public/cumbria").text


def test_the_feed_and_calendar_are_explained_in_plain_english(client):
    page = client.get("/public/cumbria").text
    assert "feed reader" in page and "Outlook, Google Calendar or Apple Calendar" in page
    assert "http://localhost/public/cumbria/feed.atom" in page or "/public/cumbria/feed.atom" in page
