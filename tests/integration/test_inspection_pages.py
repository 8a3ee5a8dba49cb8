"""The inspections pages: the list and its filters, a report's page, and the forms, for every role."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_inspection, get_tracking, make_inspection
from tests.page_check import csrf_token, get_page, post_page
from tracker.db import db
from tracker.domain.clocks import Source
from tracker.domain.formatting import govuk_date
from tracker.domain.statuses import Role
from tracker.models import AuditEvent, Recommendation, StatutoryResponse, Tracking
from tracker.services import inspections as inspection_service
from tracker.services.clocks import refresh_clock

ALL_ROLES = list(Role)
VAWG = "Police response to violence against women and girls"


def inspection_data(**overrides) -> dict:
    """A complete, valid add-inspection form."""
    data = {"title": "Custody services in Cumbria", "published_on": ["3", "2", "2022"], "type": "force_specific",
            "url": "https://www.justiceinspectorates.gov.uk/hmicfrs/custody-cumbria/", "key_findings": "Findings.",
            "scope": "chosen", "forces": []}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_sees_the_list_and_the_report(as_role, role):
    client = as_role(role)
    assert VAWG in get_page(client, "/inspections/")
    page = get_page(client, "/inspections/vawg-2021")
    assert "Recommendation 4.1" in page and "31 March 2022" in page
    # The report is shared by every force: only a service administrator changes it.
    assert ("Add a recommendation" in page) == (role is Role.SERVICE_ADMIN)
    assert ("belongs to every one of those forces" in page) == (role in (Role.ADMIN, Role.EDITOR))
    assert ("Add an inspection" in get_page(client, "/inspections/")) == role.can_edit


@pytest.mark.parametrize(
    "query, found",
    [("", True), ("?year=2021", True), ("?year=2020", False), ("?q=violence+WOMEN", True), ("?q=custody", False),
     ("?type=national_thematic", True), ("?type=peel", False), ("?state=open", True), ("?state=closed", False),
     ("?force=cumbria", True), ("?year=notayear&type=nonsense", True), ("?q=%25", False)],
)
def test_the_list_filters_come_from_the_address(as_role, query, found):
    page = get_page(as_role(Role.VIEWER), "/inspections/" + query)
    assert (VAWG in page) == found


def test_the_report_page_shows_the_tree_and_only_my_forces_tracking(as_role):
    page = get_page(as_role(Role.VIEWER, ("cumbria",)), "/inspections/vawg-2021")
    rec_3, rec_32 = page.index("Recommendation 3<"), page.index("Recommendation 3.2<")
    assert rec_3 < rec_32 and "tracker-rec-tree--nested" in page[rec_3:rec_32]
    assert f'href="/tracking/{get_tracking("cumbria", "4").id}"' in page
    assert f'href="/tracking/{get_tracking("lancashire", "4").id}"' not in page
    assert "Lancashire" not in page


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.VIEWER])
@pytest.mark.parametrize("url", ["/inspections/new", "/inspections/vawg-2021/edit",
                                 "/inspections/vawg-2021/recommendations/new", "REC/edit"])
def test_readers_cannot_change_inspections(as_role, role, url):
    client = as_role(role)
    if url.startswith("REC"):
        url = f"/recommendations/{get_tracking('cumbria', '4').recommendation_id}/edit"
    assert client.get(url).status_code == 403
    assert client.post(url, data=inspection_data()).status_code == 403
    assert get_inspection("vawg-2021").title.startswith(VAWG)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/inspections/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_editor_adds_a_force_specific_inspection(as_role):
    client = as_role(Role.EDITOR)
    cumbria = db.session.scalar(sa.text("SELECT id FROM forces WHERE slug = 'cumbria'"))
    response = client.post("/inspections/new", data=inspection_data(forces=[str(cumbria)]))
    assert response.status_code == 302
    inspection = get_inspection("custody-services-in-cumbria-2022")
    assert inspection is not None and response.headers["Location"] == "/inspections/custody-services-in-cumbria-2022"
    responses = db.session.scalars(sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id)).all()
    assert [r.force_id for r in responses] == [cumbria]
    assert str(responses[0].due_on) == "2022-03-30"
    page = get_page(client, response.headers["Location"])
    assert '<p class="govuk-notification-banner__heading">Inspection added: Custody services in Cumbria.' in page


def test_a_national_inspection_concerns_every_force(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    client.post("/inspections/new", data=inspection_data(title="State of policing", type="national_thematic", scope="all"))
    inspection = get_inspection("state-of-policing-2022")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(StatutoryResponse).where(
        StatutoryResponse.inspection_id == inspection.id))
    assert count == 43


def test_a_bad_inspection_form_is_redisplayed_with_errors_and_what_was_typed(as_role):
    client = as_role(Role.EDITOR)
    page = post_page(client, "/inspections/new", {"title": "", "published_on": ["31", "2", "2022"],
                                                  "url": "ftp://example.org <b>", "scope": "chosen",
                                                  "key_findings": "Kept <text>"})
    assert "<title>Error: Add an inspection" in page and "govuk-error-summary" in page
    assert "Enter the title of the report" in page
    assert "The date the report was published must be a real date" in page
    assert 'href="#published_on-day"' in page
    assert "Select the type of inspection" in page and "Select the forces this inspection concerns" in page
    assert "Enter a web address starting with https://" in page
    assert "Kept &lt;text&gt;" in page and 'value="31"' in page
    page = post_page(client, "/inspections/new", inspection_data(published_on=["", "", ""]))
    assert "Enter the date the report was published" in page


def test_editing_an_inspection_moves_its_deadlines(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    inspection = get_inspection("vawg-2021")
    page = get_page(client, "/inspections/vawg-2021/edit")
    assert 'value="17"' in page and 'name="version"' in page
    data = inspection_data(title=inspection.title, published_on=["1", "10", "2021"], type="national_thematic",
                           scope="all", version=str(inspection.version))
    assert client.post("/inspections/vawg-2021/edit", data=data).status_code == 302
    db.session.expire_all()
    response = db.session.scalar(sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id))
    assert str(response.due_on) == "2021-11-25"
    assert "Published" in get_page(client, "/inspections/vawg-2021/history")


def test_a_stale_inspection_edit_is_refused_and_the_text_kept(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    inspection = get_inspection("vawg-2021")
    data = inspection_data(title="My new title", type="national_thematic", scope="all",
                           version=str(inspection.version - 1 if inspection.version > 1 else 999))
    page = post_page(client, "/inspections/vawg-2021/edit", data)
    assert "Someone else saved this record" in page and 'value="My new title"' in page
    assert f'name="version" type="hidden" value="{inspection.version}"' in page or f'value="{inspection.version}"' in page
    db.session.expire_all()
    assert get_inspection("vawg-2021").title.startswith(VAWG)


def rec_data(**overrides) -> dict:
    """A complete, valid recommendation form."""
    data = {"ref": "9", "kind": "recommendation", "parent_id": "", "addressed_to": "All chief constables",
            "text": "Forces should do better.", "bullets": "- First point\n\n* Second point\n",
            "deadline_text": "By March 2023", "submit": "Save"}
    data.update(overrides)
    return data


def test_an_editor_adds_a_recommendation_and_every_force_tracks_it(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    response = client.post("/inspections/vawg-2021/recommendations/new", data=rec_data())
    assert response.status_code == 302
    rec = db.session.scalar(sa.select(Recommendation).where(Recommendation.ref == "9"))
    assert str(rec.deadline_date) == "2023-03-31" and rec.bullets == ["First point", "Second point"]
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).where(Tracking.recommendation_id == rec.id))
    assert count == 43
    assert "Forces should do better." in get_page(client, "/inspections/vawg-2021")


def test_checking_the_deadline_shows_the_date_read_and_saves_nothing(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    page = post_page(client, "/inspections/vawg-2021/recommendations/new",
                     rec_data(deadline_text="within six months", submit=None, check="Check the deadline"))
    assert "is read as: <strong>17 March 2022</strong>" in page
    assert db.session.scalar(sa.select(Recommendation).where(Recommendation.ref == "9")) is None
    page = post_page(client, "/inspections/vawg-2021/recommendations/new",
                     rec_data(deadline_text="in the spring", submit=None, check="Check the deadline"))
    assert "cannot be read" in page


def test_a_person_overrides_the_deadline_and_who_did_it_is_kept(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    rec = get_tracking("cumbria", "4.1").recommendation
    get_page(client, f"/recommendations/{rec.id}/edit")
    data = rec_data(ref="4.1", parent_id=str(rec.parent_id), deadline_text=rec.deadline_text, text=rec.text,
                    deadline_override=["30", "6", "2022"], version=str(rec.version))
    assert client.post(f"/recommendations/{rec.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert str(rec.deadline_date) == "2022-06-30" and rec.deadline_overridden
    assert rec.deadline_overridden_by.role is Role.SERVICE_ADMIN
    assert str(get_tracking("cumbria", "4.1").due_on) == "2022-06-30"
    page = get_page(client, f"/recommendations/{rec.id}/edit")
    assert "set by hand to <strong>30 June 2022</strong>" in page
    data.update(deadline_override=["", "", ""], clear_override="y", version=str(rec.version))
    assert client.post(f"/recommendations/{rec.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert str(rec.deadline_date) == "2022-03-31" and not rec.deadline_overridden


def test_recommendation_refusals(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    page = post_page(client, "/inspections/vawg-2021/recommendations/new", rec_data(ref="4.1", text=" "))
    assert "Enter the text of the recommendation" in page
    page = post_page(client, "/inspections/vawg-2021/recommendations/new", rec_data(ref="4.1"))
    assert "already has an item with the reference 4.1" in page and "Forces should do better." in page
    rec = get_tracking("cumbria", "4").recommendation
    child = get_tracking("cumbria", "4.1").recommendation
    page = post_page(client, f"/recommendations/{rec.id}/edit",
                     rec_data(ref="4", text="x", parent_id=str(child.id), version=str(rec.version)))
    assert "cannot sit under itself" in page
    page = post_page(client, f"/recommendations/{rec.id}/edit", rec_data(ref="4", text="Typed", version="0"))
    assert "Someone else saved this record" in page and "Typed" in page


def test_history_of_a_report_names_who_changed_what(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    client.post("/inspections/vawg-2021/recommendations/new", data=rec_data())
    page = get_page(client, "/inspections/vawg-2021/history")
    assert "Recommendation created" in page and "Deadline as written" in page and "By March 2023" in page
    assert "Test Service administrator" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) > 0


def test_a_form_without_its_csrf_token_is_refused(csrf_app, as_role):
    client = as_role(Role.SERVICE_ADMIN)
    response = client.post("/inspections/new", data=inspection_data(title="No token"))
    assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    assert get_inspection("no-token-2022") is None
    token = csrf_token(get_page(client, "/inspections/new"))
    response = client.post("/inspections/new", data=inspection_data(title="With token", scope="all", csrf_token=token))
    assert response.status_code == 302


def test_the_edit_form_shows_the_chosen_forces_ticked(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    cumbria = db.session.scalar(sa.text("SELECT id FROM forces WHERE slug = 'cumbria'"))
    client.post("/inspections/new", data=inspection_data(forces=[str(cumbria)]))
    page = get_page(client, "/inspections/custody-services-in-cumbria-2022/edit")
    assert f'value="{cumbria}" checked' in page and 'value="chosen" checked' in page
    assert 'value="force_specific" checked' in page and 'value="3"' in page


def test_closed_means_every_item_of_my_forces_is_closed(as_role):
    client = as_role(Role.EDITOR)
    client.post("/inspections/new", data=inspection_data(title="Not tracked here", scope="chosen",
                                                         forces=[str(db.session.scalar(sa.text("SELECT id FROM forces WHERE slug = 'kent'")))]))
    page = get_page(client, "/inspections/?state=closed")
    assert "/inspections/not-tracked-here-2022\"" not in page and VAWG not in page
    for ref in ("3", "3.2", "4", "4.1"):
        tracking = get_tracking("cumbria", ref)
        tracking.closed_on = tracking.closed_on or tracking.recommendation.inspection.published_on
    db.session.commit()
    assert VAWG in get_page(client, "/inspections/?state=closed")


def test_the_report_links_to_my_forces_responses_and_the_importer(as_role):
    editor_page = get_page(as_role(Role.EDITOR), "/inspections/vawg-2021")
    assert 'href="/responses/cumbria/vawg-2021"' in editor_page
    assert 'href="/responses/lancashire/vawg-2021"' not in editor_page
    assert 'href="/inspections/vawg-2021/import"' not in editor_page  # shared by every force
    assert 'href="/inspections/vawg-2021/import"' in get_page(as_role(Role.SERVICE_ADMIN), "/inspections/vawg-2021")
    assert 'href="/inspections/vawg-2021/import"' not in get_page(as_role(Role.VIEWER), "/inspections/vawg-2021")


def test_editors_reach_a_recommendations_themes_from_the_report(as_role):
    rec_id = db.session.scalar(sa.select(Recommendation.id).where(Recommendation.ref == "4.1"))
    assert f'href="/recommendations/{rec_id}/themes"' in get_page(as_role(Role.SERVICE_ADMIN), "/inspections/vawg-2021")


@pytest.mark.parametrize(("source", "due_label", "link", "date_label"), [
    (Source.IOPC, "Response to the IOPC due", "Cumbria Constabulary: the response to the IOPC",
     "Date the recommendation was made"),
    (Source.CORONER, "Regulation 29 response due", "Cumbria Constabulary: the regulation 29 response",
     "Date of the report"),
    (Source.OTHER, "Response due", "Cumbria Constabulary: the response", "Date of the document"),
])
def test_another_sources_page_speaks_of_its_own_response_and_clock(as_role, source, due_label, link, date_label):
    """Not "the s.55 response", nor the 56 days of s.55, on an IOPC, coroner's or other document's page."""
    inspection = make_inspection(f"a-{source.value}-document", forces=("cumbria",), published=date(2022, 1, 10))
    inspection_service.set_source_fields(inspection, source=source, reference="REF-1",
                                         target_due_on=date(2022, 5, 1) if source is Source.OTHER else None)
    for response in db.session.scalars(sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id)):
        refresh_clock(response)
    db.session.commit()
    response = db.session.scalar(sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id))
    html = as_role(Role.REVIEWER, ("cumbria",)).get(f"/inspections/{inspection.slug}").get_data(as_text=True)
    assert due_label in html and link in html and date_label in html
    assert f'<h2 class="govuk-heading-m">{source.response_name}</h2>' in html  # "IOPC" as written
    assert "s.55" not in html and "Statutory response" not in html and "HMICFRS website" not in html
    assert f"due {govuk_date(response.due_on)}" in html  # the response's own date, by its source's clock


def test_an_hmicfrs_report_keeps_the_words_of_s55(as_role):
    html = as_role(Role.REVIEWER, ("cumbria",)).get("/inspections/vawg-2021").get_data(as_text=True)
    assert "Statutory response due" in html and "the s.55 response" in html and "On the HMICFRS website" in html
