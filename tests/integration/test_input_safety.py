"""No input raises past the forms, and stored text of any kind is written safely by every export.

Each test names the finding of the security review it holds (a save without its version, dates
with any number of boxes or huge numbers, control characters, the spreadsheet formula guard).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from icalendar import Calendar
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from tests.factories import get_inspection, get_tracking
from tests.page_check import forms, soup
from tracker.db import db
from tracker.documents.exports import formula_safe, rows_to_csv
from tracker.domain.statuses import Role
from tracker.models import PublishedVersion
from tracker.services import responses as response_service

MILESTONES = "/responses/cumbria/vawg-2021/milestones"
EXPORT_QUERY = "as_of=2022-04-01&window=open&per_page=10"


def tracking_form(tracking, **overrides) -> dict:
    """The tracking edit form as its page posts it."""
    data = {"status": tracking.status.value, "lead_officer": "Superintendent Lee", "target_date": ["", "", ""],
            "rag_forecast": "", "pcc_explanation": "", "chief_comment": "", "implemented_on": ["", "", ""],
            "verified_on": ["", "", ""], "hmicfrs_view": "not_known", "hmicfrs_view_on": ["", "", ""],
            "version": str(tracking.version)}
    data.update(overrides)
    return data


def milestones_form(**overrides) -> dict:
    """The milestones form as its page posts it."""
    data = {"version": str(response_service.get_response("cumbria", "vawg-2021").version),
            "chief_invited_on": ["", "", ""], "chief_comments_due_on": ["", "", ""],
            "chief_comments_received_on": ["", "", ""], "drafted_on": ["", "", ""]}
    data.update(overrides)
    return data


def refused(response) -> str:
    """The page of a refused post: shown again (200) with a GOV.UK error summary."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    assert "govuk-error-summary" in html and "<title>Error:" in html
    return html


# --- finding 6: optimistic locking cannot be skipped ---------------------------------------------


@pytest.mark.parametrize("version", [None, "", "abc", "1.5", "-1", "9" * 40])
def test_a_save_without_a_whole_number_version_is_refused_and_keeps_the_text(as_role, version):
    tracking = get_tracking("cumbria", "4")
    before = tracking.lead_officer
    data = tracking_form(tracking, lead_officer="Typed by hand")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    html = refused(as_role(Role.EDITOR).post(f"/tracking/{tracking.id}/edit", data=data))
    assert "did not say which version of the record it changes" in html
    assert 'value="Typed by hand"' in html  # what was typed is still in the form
    db.session.expire_all()
    assert get_tracking("cumbria", "4").lead_officer == before


def test_a_milestones_save_without_a_version_is_refused(as_role):
    data = milestones_form(chief_invited_on=["20", "9", "2021"])
    del data["version"]
    refused(as_role(Role.EDITOR).post(MILESTONES, data=data))
    db.session.expire_all()
    assert response_service.get_response("cumbria", "vawg-2021").chief_invited_on is None


def test_a_new_record_needs_no_version(as_role):
    tracking = get_tracking("cumbria", "4")
    data = {"title": "A new action", "status": "not_started", "due_on": ["", "", ""], "completed_on": ["", "", ""]}
    assert as_role(Role.EDITOR).post(f"/tracking/{tracking.id}/actions/new", data=data).status_code == 302


# --- finding 9: dates with any number of boxes, and numbers too large for a date ------------------


@pytest.mark.parametrize("boxes", [["1"], ["1", "2"], ["1", "2", "2021", "4"], ["1", "1", "9" * 30],
                                   ["9" * 30, "1", "2021"], ["1", "9" * 30, "2021"], ["-1", "1", "2021"],
                                   ["1", "1", "-2021"], ["1", "1", "99999"], ["0", "0", "0000"]])
def test_response_dates_with_any_boxes_or_numbers_are_errors_on_the_field(as_role, boxes):
    html = refused(as_role(Role.EDITOR).post(MILESTONES, data=milestones_form(chief_invited_on=boxes)))
    assert "Date the chief constable was invited to comment must" in html
    assert 'id="chief_invited_on-day"' in html  # the three boxes are drawn again


@pytest.mark.parametrize("boxes", [["9" * 30, "1", "2022"], ["1", "1", "9" * 30], ["1"], ["1", "2", "3", "4"]])
def test_tracking_dates_with_huge_numbers_or_odd_boxes_are_errors(as_role, boxes):
    tracking = get_tracking("cumbria", "4")  # its due date is set: the target date is not on its form
    html = refused(as_role(Role.EDITOR).post(f"/tracking/{tracking.id}/edit",
                                             data=tracking_form(tracking, implemented_on=boxes)))
    assert "The date it was implemented must" in html


# --- finding 10: a date with only its year does not clear a saved milestone ----------------------


def test_a_date_with_only_its_year_is_an_error_and_the_saved_date_stays(as_role):
    client = as_role(Role.EDITOR)
    assert client.post(MILESTONES, data=milestones_form(chief_invited_on=["20", "9", "2021"])).status_code == 302
    html = refused(client.post(MILESTONES, data=milestones_form(chief_invited_on=["", "", "2021"])))
    assert "must include a day, month and year" in html
    db.session.expire_all()
    assert response_service.get_response("cumbria", "vawg-2021").chief_invited_on == date(2021, 9, 20)


# --- finding 8: control characters -------------------------------------------------------------


def test_control_characters_are_taken_out_of_everything_typed(as_role):
    tracking = get_tracking("cumbria", "4")
    data = {"title": "Train\x00 every\x1b officer\x7f", "owner": "Chief\tInspector\nRay", "status": "not_started",
            "due_on": ["", "", ""], "completed_on": ["", "", ""], "evidence": "Line one\x00\nLine\ttwo\x0b"}
    assert as_role(Role.EDITOR).post(f"/tracking/{tracking.id}/actions/new", data=data).status_code == 302
    db.session.expire_all()
    action = max(get_tracking("cumbria", "4").actions, key=lambda a: a.id)
    assert action.title == "Train every officer"
    assert action.owner == "Chief Inspector Ray"  # one line: tab and line break become spaces
    assert action.evidence == "Line one\nLine\ttwo"  # a text area keeps its lines and tabs


def test_a_text_that_is_only_control_characters_is_blank(as_role):
    tracking = get_tracking("cumbria", "4")
    data = {"title": "\x00\x01", "status": "not_started", "due_on": ["", "", ""], "completed_on": ["", "", ""]}
    assert "Enter what the action is" in refused(
        as_role(Role.EDITOR).post(f"/tracking/{tracking.id}/actions/new", data=data))


def _store_title_with_control_characters() -> str:
    """Put control characters into the demonstration inspection's stored title (as older data may hold).

    Not a NUL: PostgreSQL cannot store one (SQLite can); the others break the same files.
    """
    inspection = get_inspection("vawg-2021")
    inspection.title = "VAWG\x01 report\x0b\x1f \ufffe=1+1"
    db.session.commit()
    return inspection.title


def test_stored_control_characters_do_not_break_the_exports(as_role):
    _store_title_with_control_characters()
    client = as_role(Role.VIEWER, ("cumbria",))

    workbook = client.get(f"/export.xlsx?{EXPORT_QUERY}")
    assert workbook.status_code == 200
    rows = list(load_workbook(io.BytesIO(workbook.data)).active.iter_rows(values_only=True))
    column = rows[0].index("Inspection")
    assert "VAWG report =1+1" in {row[column] for row in rows[1:]}

    text = client.get(f"/export.csv?{EXPORT_QUERY}").get_data(as_text=True)
    assert "\x01" not in text and "\x0b" not in text
    assert "VAWG report =1+1" in {row["Inspection"] for row in csv.DictReader(io.StringIO(text))}


def test_stored_control_characters_do_not_break_the_calendar(app, as_role):
    _store_title_with_control_characters()
    get_tracking("cumbria", "4").recommendation.text = "Do\x01 it\x1b now"
    db.session.commit()
    client = as_role(Role.REVIEWER, ("cumbria",))
    client.post("/settings/calendar", data={"create": "Create a calendar address"})
    page = client.get("/settings/calendar").get_data(as_text=True)
    path = page.split('id="feed-url">', 1)[1].split("<", 1)[0].replace(app.config["TRACKER_BASE_URL"], "")
    body = app.test_client().get(path).data
    assert b"\x01" not in body and b"\x1b" not in body and b"\x0b" not in body
    assert list(Calendar.from_ical(body).walk("VEVENT"))


def test_stored_control_characters_do_not_break_the_public_feed(client):
    _store_title_with_control_characters()
    response = response_service.get_response("cumbria", "vawg-2021")
    response.versions.append(PublishedVersion(number=1, filename="cumbria/vawg-2021-v1.pdf", sha256="0" * 64,
                                              size=2000, published_at=datetime(2021, 11, 3, 9),
                                              reason="Line\x01 one\x0c"))
    db.session.commit()
    feed = client.get("/public/cumbria/feed.atom")
    assert feed.status_code == 200
    root = ET.fromstring(feed.data)  # well-formed XML
    title = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title").text
    assert title == "Response to VAWG report =1+1"


# --- finding 10: the spreadsheet formula guard -------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1+1", "\uff1d1+1",
                                  "\uff0b1", "\uff0d1", "\uff201", "x;=1+1", "x,=1+1", "x; +cmd|' /C calc'!A0",
                                  "a|=1", "\u3000=1"])
def test_text_a_spreadsheet_would_run_is_quoted(text):
    assert formula_safe(text).startswith("'")


@pytest.mark.parametrize("text", ["Plain text", "Train 40 officers, by March", "2022-04-01", "x = 1", "a;b"])
def test_plain_text_is_left_alone(text):
    assert formula_safe(text) == text


def test_every_csv_cell_is_quoted_so_no_separator_splits_it():
    values = {"Title": "x;=1+1", "Days overdue": -3, "Due date": None}

    class Row:
        """A register row whose every field is plain text but those above."""

        kind, type = None, "action"

        def __getattr__(self, name):
            return {"days_overdue": -3, "due": None, "last_update": None, "title": "x;=1+1", "rag_forecast": None}.get(name, "/plain")

    body = rows_to_csv([Row()], "http://tracker.example")
    header, line = body.splitlines()[:2]
    cells = dict(zip(next(csv.reader([header])), next(csv.reader([line]))))
    assert all(cell.startswith('"') and cell.endswith('"') for cell in line.split(","))
    assert cells["Title"] == "'" + values["Title"] and cells["Days overdue"] == "-3" and cells["Due date"] == ""


def test_a_formula_stored_in_a_title_is_text_in_the_workbook(as_role):
    inspection = get_inspection("vawg-2021")
    inspection.title = "\uff1dHYPERLINK(\"http://evil.example\")"
    db.session.commit()
    workbook = as_role(Role.VIEWER, ("cumbria",)).get(f"/export.xlsx?{EXPORT_QUERY}")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Inspection") + 1)
    assert cell.value == inspection.title and cell.data_type == "s" and cell.quotePrefix


def test_every_form_of_the_app_cleans_what_is_posted(app):
    """One mechanism for every form: each form class of the app derives from TrackerForm."""
    from wtforms import Form

    from tracker.web.forms import TrackerForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(Form) if cls.__module__.startswith("tracker.")]
    assert len(ours) > 15
    assert [cls.__qualname__ for cls in ours if not issubclass(cls, TrackerForm)] == []


def test_a_posted_field_without_a_name_reaches_no_form(as_role):
    """A multipart part with no name (the fuzz test found it on the import's confirmation): no 500."""
    body = (b'--X\r\nContent-Disposition: form-data; name="count"\r\n\r\n1\r\n'
            b'--X\r\nContent-Disposition: form-data; name="items-0-text"\r\n\r\nDo it\r\n'
            b"--X\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--X--\r\n")
    client = as_role(Role.SERVICE_ADMIN, ("cumbria",))
    for path in ("/inspections/vawg-2021/import/confirm", "/inspections/new", "/settings/notifications"):
        response = client.post(path, data=body, content_type="multipart/form-data; boundary=X")
        assert response.status_code < 500, path


@pytest.mark.parametrize(("page", "name"), [
    ("/inspections/vawg-2021/edit", "source"),
    ("/inspections/vawg-2021/edit", "respondent"),
    ("/inspections/new", "source"),
    ("/inspections/vawg-2021/recommendations/new", "parent_id"),
    ("/tracking/{tracking_id}/edit", "hmicfrs_view"),
    ("/tracking/{tracking_id}/edit", "rag_forecast"),
    ("/tracking/{tracking_id}", "rag_forecast"),  # the owner's forecast, posted to its own address
])
def test_a_choice_of_spaces_is_a_wrong_choice_not_none(as_role, page, name):
    """Optional() took ' ' for no choice, stopped, and ' ' reached the save (a 500)."""
    client = as_role(Role.SERVICE_ADMIN)
    url = page.format(tracking_id=get_tracking("cumbria", "3.2").id)
    [form] = [f for f in forms(client.get(url).get_data(as_text=True)) if f.method == "post" and f.values(name)]
    data = MultiDict([(key, value) for key, value in form.fields if key != name] + [(name, " ")])
    response = client.post(form.action or url, data=data)
    assert response.status_code == 200, response.status_code
    summary = [li.get_text(strip=True) for li in soup(response.get_data(as_text=True)).select(".govuk-error-summary li")]
    assert summary, "the page again, with its error summary"
