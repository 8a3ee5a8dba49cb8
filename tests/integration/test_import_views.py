"""The import page: paste or upload, an editable preview that saves nothing, confirm to save all."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import make_inspection
from tests.integration.test_import_commands import count
from tests.page_check import csrf_token, forms, ids, soup
from tests.unit.test_import_files import _blank_pdf
from tests.unit.test_importer import PEEL_CAUSES, SEED_001_SECTION
from tests.unit.test_importer_sources import CORONER_REPORT
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import Recommendation, Tracking

URL = "/inspections/stalking-2024/import"
BOTH = ("cumbria", "lancashire")  # the forces make_inspection's inspection concerns
CONFIRM = "/inspections/stalking-2024/import/confirm"


def fields_of(html: str) -> dict:
    """The page's forms' fields as a browser would submit them (a dict of lists)."""
    out: dict[str, list[str]] = {}
    for form in forms(html):
        for name, value in form.fields:
            out.setdefault(name, []).append(value)
    return out


def assert_well_formed(html: str) -> None:
    """The page has a title, no duplicate ids, and every label, description and link inside it has its target."""
    found = ids(html)
    duplicates = {i for i in found if found.count(i) > 1}
    assert not duplicates, duplicates
    page = soup(html)
    assert page.title is not None
    targets = {label["for"] for label in page.find_all(attrs={"for": True})}
    targets |= {link["href"][1:] for link in page.find_all(href=True) if link["href"].startswith("#")}
    targets |= {x for element in page.find_all(attrs={"aria-describedby": True}) for x in element["aria-describedby"].split()}
    assert targets <= set(found) | {"main-content"}, targets - set(found)


def preview(client, text=SEED_001_SECTION):
    """Paste text and return the preview page."""
    response = client.post(URL, data={"text": text})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "forces", "status"), [
    (None, (), 302),  # signed out: to the sign-in page
    (Role.VIEWER, ("cumbria",), 403),
    (Role.REVIEWER, ("cumbria",), 403),
    (Role.EDITOR, ("cumbria",), 403),  # the inspection also concerns Lancashire: its items are shared
    (Role.EDITOR, BOTH, 200),
    (Role.ADMIN, BOTH, 200),
    (Role.SERVICE_ADMIN, (), 200),
])
def test_the_page_is_for_editors_and_admins_only(app, as_role, client, role, forces, status):
    make_inspection()
    response = (as_role(role, forces) if role else client).get(URL)
    assert response.status_code == status
    if status == 200:
        assert_well_formed(response.get_data(as_text=True))


def test_an_inspection_of_other_forces_answers_404(app, as_role):
    make_inspection(forces=("lancashire",))
    assert as_role(Role.EDITOR, ("cumbria",)).get(URL).status_code == 404


def test_an_inspection_that_does_not_exist_answers_404(app, as_role):
    assert as_role(Role.EDITOR, ("cumbria",)).get("/inspections/no-such/import").status_code == 404


def test_the_preview_shows_what_was_read_and_saves_nothing(app, as_role):
    make_inspection()
    before = count(Recommendation)
    html = preview(as_role(Role.EDITOR, BOTH))
    assert_well_formed(html)
    assert "Check the recommendations before importing them" in html
    assert count(Recommendation) == before
    fields = fields_of(html)
    assert fields["items-3-ref"] == ["4.1"] and fields["items-3-parent_ref"] == ["4"]
    assert fields["items-1-addressed_to"] == ["All police forces"]
    assert fields["items-3-deadline_text"] == ["By March 2022"]
    assert (fields["items-3-deadline-day"], fields["items-3-deadline-month"], fields["items-3-deadline-year"]) == (
        ["31"], ["3"], ["2022"])
    assert fields["items-3-bullets"][0].count("\n") == 5
    # The uncertain item is flagged with a tag and warning text.
    assert "govuk-tag--yellow" in html and "The text does not say who should act" in html


def test_confirming_saves_every_item_in_one_go_with_tracking(app, as_role):
    inspection = make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client))
    response = client.post(CONFIRM, data=fields)
    assert response.status_code == 302
    db.session.expire_all()
    recs = {r.ref: r for r in inspection.recommendations}
    assert set(recs) == {"3", "3.2", "4", "4.1"}
    assert recs["4.1"].parent is recs["4"]
    assert recs["4.1"].bullets[0].startswith("The use of Police powers")
    assert recs["4.1"].text.endswith("This should include:")
    assert recs["4.1"].deadline_date == date(2022, 3, 31) and not recs["4.1"].deadline_overridden
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).where(
        Tracking.recommendation_id.in_([r.id for r in recs.values()]))) == 8
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "4 items imported" in page


def test_edits_in_the_preview_are_what_is_saved(app, as_role):
    inspection = make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client))
    fields["items-0-addressed_to"] = ["The Home Office"]
    fields["items-0-ref"] = ["3a"]
    fields["items-1-parent_ref"] = ["3a"]
    fields["items-3-parent_ref"] = [""]
    fields["items-0-include"] = ["yes"]
    fields["items-3-deadline-day"], fields["items-3-deadline-month"] = ["30"], ["6"]  # set by hand
    fields["items-1-deadline_text"] = ["By the end of 2022"]  # date left as read: read again
    fields["items-2-include"] = ["yes"]
    fields["items-2-ref"] = ["4a"]
    for part in ("day", "month", "year"):
        fields[f"items-2-deadline-{part}"] = [""]  # "immediately", but no date: set by hand to none
    response = client.post(CONFIRM, data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    recs = {r.ref: r for r in inspection.recommendations}
    assert set(recs) == {"3a", "3.2", "4a", "4.1"}
    assert recs["4a"].deadline_date is None and recs["4a"].deadline_overridden
    assert recs["4a"].deadline_kind.value == "none"
    assert recs["3a"].addressed_to == "The Home Office"
    assert recs["3.2"].parent is recs["3a"]
    assert recs["3.2"].deadline_date == date(2022, 12, 31) and not recs["3.2"].deadline_overridden
    assert recs["4.1"].parent is None
    assert recs["4.1"].deadline_date == date(2022, 6, 30) and recs["4.1"].deadline_overridden
    assert recs["4.1"].deadline_overridden_by is not None


def test_errors_redisplay_the_preview_with_the_error_summary_and_save_nothing(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client))
    fields["items-0-text"] = [""]
    fields["items-1-deadline-day"] = ["31"]
    fields["items-1-deadline-month"] = ["2"]
    fields["items-2-ref"] = ["3.2"]
    before = count(Recommendation)
    response = client.post(CONFIRM, data=fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert_well_formed(html)  # every error summary link reaches its field
    assert "<title>Error:" in html and "There is a problem" in html
    assert 'href="#items-0-text"' in html and "Enter the text of item 1 (reference 3)" in html
    assert 'href="#items-1-deadline-day"' in html and "must be a real date" in html
    assert count(Recommendation) == before
    # What was typed is still there.
    again = fields_of(html)
    assert again["items-2-ref"] == ["3.2"] and again["items-1-deadline-day"] == ["31"]


def test_leaving_every_item_out_is_an_error_and_an_empty_confirm_starts_again(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client))
    for n in range(4):
        fields[f"items-{n}-include"] = []
    response = client.post(CONFIRM, data=fields)
    assert response.status_code == 400 and "Select at least one item to import" in response.get_data(as_text=True)
    assert 'href="#items-0-include"' in response.get_data(as_text=True)
    response = client.post(CONFIRM, data={"count": "nonsense"})
    assert response.status_code == 302 and response.headers["Location"].endswith(URL)


def test_a_reference_the_inspection_already_has_is_refused(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client))
    assert client.post(CONFIRM, data=fields).status_code == 302
    before = count(Recommendation)
    response = client.post(CONFIRM, data=fields)
    assert response.status_code == 400
    assert "The reference 3 is already used in this inspection" in response.get_data(as_text=True)
    assert count(Recommendation) == before


def test_a_cause_of_concern_and_its_recommendations_import_with_their_nesting(app, as_role):
    inspection = make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client, PEEL_CAUSES))
    fields["items-6-include"] = []  # the area for improvement is left out
    assert client.post(CONFIRM, data=fields).status_code == 302
    db.session.expire_all()
    cause = next(r for r in inspection.recommendations if r.ref == "1")
    assert len(cause.children) == 3 and all(c.ref is None for c in cause.children)
    assert len(inspection.recommendations) == 6
    assert "Area for improvement 1" not in {r.ref for r in inspection.recommendations}


def test_an_empty_paste_is_an_error(app, as_role):
    make_inspection()
    response = as_role(Role.EDITOR, BOTH).post(URL, data={"text": "  "})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and "Paste the text of the report" in html


def test_uploads_are_read_and_hostile_ones_refused_clearly(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    ok = client.post(URL, data={"file": (io.BytesIO(SEED_001_SECTION.encode()), "recs.txt")},
                     content_type="multipart/form-data")
    assert "Check the recommendations before importing them" in ok.get_data(as_text=True)
    for name, content, message in [
        ("scan.pdf", _blank_pdf(), "this PDF has no text to read: it may be a scan"),
        ("fake.docx", b"not a zip", "not a Word document"),
        ("empty.txt", b"", "The selected file is empty"),
        ("bin.txt", bytes(range(256)) * 4, "not a text file"),
        ("big.txt", b"1. Forces should act now.\n" * 210_000, "too much text"),
    ]:
        before = count(Recommendation)
        response = client.post(URL, data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "There is a problem" in html and message in html, name
        assert count(Recommendation) == before


def test_a_paste_too_long_for_a_form_is_refused_with_the_form_and_its_message(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    # A browser sends this form as multipart, where a text field is limited (to four bytes a character of
    # the longest text the importer reads, imports.PASTED_TEXT_BYTES).
    response = client.post(URL, data={"text": "1. Forces should act now.\n" * 160_000},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "There is a problem" in html and "The pasted text is too long" in html
    big = client.post(URL, data={"file": (io.BytesIO(b"x" * (11 * 1024 * 1024)), "big.pdf")},
                      content_type="multipart/form-data")
    assert big.status_code == 413 and "The selected file must be smaller than 10 MB" in big.get_data(as_text=True)


def test_text_with_nothing_to_read_says_so_and_offers_no_import(app, as_role):
    make_inspection()
    html = preview(as_role(Role.EDITOR, BOTH), "Just a paragraph about the inspection.")
    assert "No recommendations, areas for improvement or causes of concern were found" in html
    assert CONFIRM not in html


def test_confirm_needs_the_csrf_token(csrf_app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    page = client.get(URL).get_data(as_text=True)
    token = csrf_token(page)
    html = client.post(URL, data={"text": SEED_001_SECTION, "csrf_token": token}).get_data(as_text=True)
    fields = fields_of(html)
    assert fields["csrf_token"]
    without = {k: v for k, v in fields.items() if k != "csrf_token"}
    before = count(Recommendation)
    assert client.post(CONFIRM, data=without).status_code == 400
    assert count(Recommendation) == before
    assert client.post(CONFIRM, data=fields).status_code == 302


# --- likely duplicates and the publication date read ------------------------------------------------


def test_items_the_inspection_already_holds_are_unticked_with_a_note(app, as_role):
    inspection = make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client, "Recommendations\n1. Forces should record stalking as stalking.\n"))
    assert client.post(CONFIRM, data=fields).status_code == 302
    text = ("Recommendations\n"
            "1. Forces should train their call handlers.\n"  # the same reference as the item saved
            "2. Forces should record stalking as stalking.\n"  # the same words
            "3. The College of Policing should publish guidance.\n")  # new
    html = preview(client, text)
    assert_well_formed(html)
    fields = fields_of(html)
    assert "items-0-include" not in fields and "items-1-include" not in fields
    assert fields["items-2-include"] == ["yes"]
    assert html.count("govuk-tag--orange") == 2
    assert "This looks like reference 1 already on the inspection (the same reference" in html
    assert "(the same words: “Forces should record stalking as stalking.…”)" in html
    fields["items-1-ref"] = ["2"]
    response = client.post(CONFIRM, data=fields, follow_redirects=True)
    assert "1 item imported" in response.get_data(as_text=True)
    db.session.expire_all()
    assert sorted(r.ref for r in inspection.recommendations) == ["1", "3"]


def test_a_note_about_a_duplicate_survives_a_preview_shown_again_with_errors(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    fields = fields_of(preview(client, "Recommendations\n1. Forces should act.\n"))
    client.post(CONFIRM, data=fields)
    fields = fields_of(preview(client, "Recommendations\n1. Forces should act.\n2. Forces should report.\n"))
    fields["items-1-text"] = [""]
    response = client.post(CONFIRM, data=fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This looks like reference 1 already on the inspection" in html
    assert "items-0-include" not in fields_of(html)


STATED = """The inspectorate published its report Police response to stalking on 17th September 2021.

Recommendations
1. Within six months, chief constables should appoint a stalking lead.
"""


def test_the_publication_date_read_is_shown_for_the_person_to_check(app, as_role):
    make_inspection(published=date(2021, 9, 17))
    html = preview(as_role(Role.EDITOR, BOTH), STATED)
    assert_well_formed(html)
    assert "The text says the report was published on <strong>17 September 2021</strong>" in html
    assert "run from the inspection’s publication date, 17 September 2021" in html
    fields = fields_of(html)
    assert fields["published_read"] == ["2021-09-17"]
    assert (fields["items-0-deadline-day"], fields["items-0-deadline-month"]) == (["17"], ["3"])


def test_a_stated_date_that_differs_from_the_inspection_s_is_pointed_out(app, as_role):
    make_inspection(published=date(2021, 9, 20))
    html = preview(as_role(Role.EDITOR, BOTH), STATED)
    assert "The inspection records 20 September 2021: deadlines are counted from that date" in html
    assert fields_of(html)["items-0-deadline-day"] == ["20"]


def test_the_dates_a_coroners_report_states_are_shown_and_kept_when_the_preview_is_shown_again(app, as_role):
    make_inspection()
    client = as_role(Role.EDITOR, BOTH)
    html = preview(client, CORONER_REPORT)
    assert_well_formed(html)
    assert "Other dates the text states" in html
    assert "Response due (namely by)</dt>" in html and "<strong>8 May 2024</strong>" in html
    assert "<strong>13 March 2024</strong>" in html
    fields = fields_of(html)
    assert fields["date_read"] == ["2024-03-13", "2024-05-08"]
    assert (fields["items-0-deadline-day"], fields["items-0-deadline-month"]) == (["8"], ["5"])
    for key in [k for k in fields if k.endswith("-include")]:
        del fields[key]  # nothing chosen: the preview is shown again with its error
    fields["date_read"] = ["2024-03-13", "not a date"]
    response = client.post(CONFIRM, data=fields)
    assert response.status_code == 400
    again = response.get_data(as_text=True)
    assert "<strong>13 March 2024</strong>" in again and "8 May 2024</strong>" not in again
