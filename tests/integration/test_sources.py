"""Sources in the register: the demonstration's IOPC, coroner and fire documents with their clocks,
extensions and judicial-review pauses recorded and audited, a refused change leaving nothing, and
the migration that made every existing inspection an HMICFRS police inspection."""

import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.scratch_db import dispose, scratch_database
from tracker import create_app
from tracker.db import db
from tracker.domain.clocks import Respondent, Source
from tracker.domain.statuses import InspectionType, Role
from tracker.models import AuditEvent, ClockExtension, ClockPause, StatutoryResponse
from tracker.services import DomainError, overdue
from tracker.services import clocks as clock_service
from tracker.services.inspections import create_inspection, get_force, get_inspection, update_inspection
from tracker.services.responses import get_response


def test_demonstration_holds_one_document_of_each_source_with_its_clock(app):
    """The demonstration: four sources, each response due on its own rule."""
    assert {get_inspection(slug).source for slug in (
        "vawg-2021", "example-iopc-pursuit-2022", "example-coroner-pfd-2022", "example-fire-inspection-2022")} == {
        Source.HMICFRS, Source.IOPC, Source.CORONER, Source.HMICFRS_FIRE}
    vawg = get_response("cumbria", "vawg-2021")
    assert vawg.due_on == vawg.original_due_on == date(2021, 11, 11)  # s.55(5A): 17 Sep + 55
    iopc = get_response("cumbria", "example-iopc-pursuit-2022")
    assert iopc.original_due_on == date(2022, 3, 6)  # para 28B(2): 10 Jan + 55
    assert iopc.due_on == date(2022, 4, 8)  # para 28B(3): extended on an application of 1 March
    coroner = get_response("cumbria", "example-coroner-pfd-2022")
    assert coroner.due_on == date(2022, 4, 11)  # 56 days of 14 Feb, as printed
    fire = get_response("essex", "example-fire-inspection-2022")
    assert fire.original_due_on is None and fire.due_on == date(2022, 3, 31)  # no fixed period; the OPCC's date
    assert get_inspection("example-coroner-pfd-2022").answered_by is Respondent.CHIEF_CONSTABLE


def test_demonstration_extension_is_in_the_audit_trail(app):
    """Extensions are audited records: their creation is in the history of the force."""
    response = get_response("cumbria", "example-iopc-pursuit-2022")
    [extension] = response.extensions
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "ClockExtension",
                                                            AuditEvent.entity_id == extension.id)).all()
    assert [e.event for e in events] == ["created"]
    assert events[0].force_id == response.force_id
    assert events[0].changes["new_due_on"] == [None, "2022-04-08"]


@pytest.fixture
def iopc_response(app):
    """A new IOPC recommendation to Cumbria made on 1 March 2023 (due 25 April 2023)."""
    inspection = create_inspection("IOPC recommendation on custody", date(2023, 3, 1), InspectionType.OTHER,
                                   all_in_scope=False, forces=[get_force("cumbria")], source=Source.IOPC,
                                   reference="2023/0001")
    db.session.flush()
    return db.session.scalar(sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id))


def test_extension_recomputes_the_date_and_keeps_the_original(iopc_response):
    """Para 28B(3): the extended period is in force; the original date is kept."""
    assert iopc_response.due_on == date(2023, 4, 25)
    clock_service.grant_extension(iopc_response, None, new_due_on=date(2023, 6, 30), granted_by="Director General",
                                  applied_on=date(2023, 4, 20))
    assert (iopc_response.original_due_on, iopc_response.due_on) == (date(2023, 4, 25), date(2023, 6, 30))
    names = db.session.scalars(sa.select(AuditEvent.event).where(AuditEvent.entity_type == "StatutoryResponse",
                                                                 AuditEvent.entity_id == iopc_response.id)).all()
    assert "extension granted" in names


def test_late_application_is_refused_and_nothing_is_written(iopc_response):
    """Para 28B(3): an application received after the period is refused, on its field, with no row."""
    with pytest.raises(DomainError) as refused:
        clock_service.grant_extension(iopc_response, None, new_due_on=date(2023, 6, 30),
                                      granted_by="Director General", applied_on=date(2023, 4, 26))
    assert refused.value.field == "applied_on"
    assert iopc_response.due_on == date(2023, 4, 25)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ClockExtension)
                             .where(ClockExtension.response_id == iopc_response.id)) == 0


def test_pause_running_leaves_no_date_and_its_end_extends_the_period(iopc_response):
    """Para 28B(4): no date while proceedings run; then extended by every day they ran."""
    pause = clock_service.start_pause(iopc_response, None, started_on=date(2023, 4, 1))
    assert iopc_response.due_on is None and iopc_response.original_due_on == date(2023, 4, 25)
    with pytest.raises(DomainError):
        clock_service.start_pause(iopc_response, None, started_on=date(2023, 4, 2))
    clock_service.end_pause(pause, pause.version, ended_on=date(2023, 4, 10))
    assert iopc_response.due_on == date(2023, 5, 5)
    events = db.session.scalars(sa.select(AuditEvent.event).where(AuditEvent.entity_type == "ClockPause",
                                                                  AuditEvent.entity_id == pause.id)
                                .order_by(AuditEvent.id)).all()
    assert events == ["created", "updated"]
    assert db.session.get(ClockPause, pause.id).ended_on == date(2023, 4, 10)


def test_a_pause_of_a_coroners_clock_is_refused(app):
    """Only para 28B(4) pauses a clock."""
    with pytest.raises(DomainError):
        clock_service.start_pause(get_response("cumbria", "example-coroner-pfd-2022"), None, started_on=date(2022, 3, 1))


def test_changing_a_documents_source_moves_its_clock(iopc_response):
    """The date follows the source: the same day as a coroner's report is due a day later."""
    inspection = iopc_response.inspection
    update_inspection(inspection, inspection.version, title=inspection.title, published_on=inspection.published_on,
                      type=inspection.type, url=None, key_findings=None, all_in_scope=False,
                      forces=[get_force("cumbria")], source=Source.CORONER, coroner_area="Cumbria")
    db.session.flush()
    db.session.refresh(iopc_response)
    assert iopc_response.due_on == date(2023, 4, 26)
    assert inspection.reference is None and inspection.coroner_area == "Cumbria"


def test_migration_keeps_existing_rows_as_hmicfrs_police_with_their_dates(tmp_path):
    """Existing data migrates unchanged in meaning: HMICFRS police inspections, the same due dates."""
    with scratch_database(tmp_path) as url:
        install = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
        try:
            with install.app_context():
                upgrade(revision="bare_recommendation_refs")
                with db.engine.begin() as conn:
                    conn.execute(sa.text(
                        "INSERT INTO forces (id, slug, name, area, opcc_name, commissioner_title, "
                        "explain_areas_for_improvement, created_at, updated_at) VALUES "
                        "(1, 'f', 'F', 'A', 'O', 'C', false, '2021-01-01', '2021-01-01')"))
                    conn.execute(sa.text(
                        "INSERT INTO inspections (id, slug, title, published_on, type, created_at, updated_at, version) "
                        "VALUES (1, 'i', 'I', '2021-09-17', 'national_thematic', '2021-09-17', '2021-09-17', 1)"))
                    conn.execute(sa.text(
                        "INSERT INTO statutory_responses (id, inspection_id, force_id, due_on, created_at, updated_at, "
                        "version) VALUES (1, 1, 1, '2021-11-11', '2021-09-17', '2021-09-17', 1)"))
                upgrade()
                with db.engine.connect() as conn:
                    assert conn.execute(sa.text("SELECT source, respondent FROM inspections")).one() == ("hmicfrs", None)
                    assert [str(d) for d in conn.execute(sa.text(
                        "SELECT due_on, original_due_on FROM statutory_responses")).one()] == ["2021-11-11"] * 2
                downgrade(revision="bare_recommendation_refs")
                with db.engine.connect() as conn:
                    assert str(conn.execute(sa.text("SELECT due_on FROM statutory_responses")).scalar()) == "2021-11-11"
        finally:
            dispose(install)


# --- one register: every source on the dashboard, its exports and the overdue command ---------------


def test_overdue_command_gives_each_item_its_source(runner):
    """`overdue --format json`: each item has a source; the four demonstration sources are there."""
    result = runner.invoke(args=["overdue", "--format", "json", "--as-of", "2022-04-12"])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert all(item["source"] in ("hmicfrs", "hmicfrs_fire", "iopc", "coroner", "other") for item in items)
    responses = {(i["source"], i["inspection"]): i for i in items if i["type"] == "statutory_response"
                 and i["force"] in ("cumbria", "essex")}
    assert responses[("iopc", "example-iopc-pursuit-2022")]["due"] == "2022-04-08"
    assert responses[("coroner", "example-coroner-pfd-2022")]["due"] == "2022-04-11"
    assert responses[("hmicfrs_fire", "example-fire-inspection-2022")]["due"] == "2022-03-31"
    assert responses[("hmicfrs", "vawg-2021")]["due"] == "2021-11-11"
    assert responses[("iopc", "example-iopc-pursuit-2022")]["title"].startswith("Response to the IOPC to ")


def test_register_filters_by_source(app):
    """The dashboard's query: the source filter keeps one source's rows, in the rows and the counts."""
    cumbria = get_force("cumbria").id
    everything = overdue.ItemFilter(as_of=date(2022, 4, 1), force_ids=(cumbria,), window="open")
    sources = {row.source for row in overdue.list_items(everything, page=None)}
    assert {"hmicfrs", "iopc", "coroner"} <= sources
    coroner = overdue.ItemFilter(as_of=date(2022, 4, 1), force_ids=(cumbria,), window="open", source="coroner")
    rows = overdue.list_items(coroner, page=None)
    assert rows and {row.inspection for row in rows} == {"example-coroner-pfd-2022"}
    counts = overdue.summary_counts(coroner)
    assert counts["statutory_response"]["due_soon"] == 1  # due 11 April 2022
    assert sum(c["in_window"] for c in counts.values()) == len(rows)


def test_dashboard_filters_by_source_and_names_it(as_role):
    """The dashboard page: a Source filter, the source named on each row, a bad value an error."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    html = client.get("/?as_of=2022-04-01&window=open&source=iopc").get_data(as_text=True)
    assert '<span class="govuk-caption-s tracker-source">IOPC</span> Example: IOPC learning' in html
    assert "tracker-source\">HMICFRS (police)</span>" not in html
    assert "Response to the IOPC to Example" in html
    assert '<option value="iopc" selected>' in html
    bad = client.get("/?source=nonsense")
    assert bad.status_code == 400 and "Select a source from the list" in bad.get_data(as_text=True)


def test_exports_carry_the_source(as_role):
    """CSV: a Source column naming each row's source."""

    client = as_role(Role.REVIEWER, ("cumbria",))
    rows = list(csv.reader(io.StringIO(client.get("/export.csv?as_of=2022-04-12&window=open")
                                       .get_data(as_text=True))))
    column = rows[0].index("Source")
    assert {row[column] for row in rows[1:]} >= {"HMICFRS (police)", "IOPC", "Coroner"}


# --- the response page: the clock, extensions and judicial-review proceedings recorded in the browser ---

IOPC_PAGE = "/responses/cumbria/example-iopc-pursuit-2022"


def _boxes(day: date | None) -> list[str]:
    """A date as the GOV.UK date input's three boxes."""
    return [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]


def test_response_page_shows_the_clock(as_role):
    """The clock: its source, duty, original date, date in force and the extension granted."""
    html = as_role(Role.EDITOR, ("cumbria",)).get(IOPC_PAGE).get_data(as_text=True)
    assert "Police Reform Act 2002, Schedule 3, paragraphs 28A and 28B" in html
    assert "6 March 2022" in html and "8 April 2022" in html and "the Director General of the IOPC" in html
    assert "Record judicial review proceedings" in html
    coroner = as_role(Role.EDITOR, ("cumbria",)).get("/responses/cumbria/example-coroner-pfd-2022").get_data(as_text=True)
    assert "Date of the report" in coroner and "Record judicial review proceedings" not in coroner


def test_extension_recorded_in_the_browser_and_a_refusal_shown_on_its_field(as_role):
    """A late application is refused on its field with nothing saved; one in time moves the date."""
    client = as_role(Role.EDITOR, ("cumbria",))
    late = {"new_due_on": _boxes(date(2022, 6, 30)), "granted_by": "Director General",
            "applied_on": _boxes(date(2022, 4, 9)), "granted_on": _boxes(None), "note": ""}
    page = client.post(IOPC_PAGE + "/extension", data=late)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<title>Error:" in html and "before the end of the period" in html
    assert get_response("cumbria", "example-iopc-pursuit-2022").due_on == date(2022, 4, 8)
    in_time = {**late, "applied_on": _boxes(date(2022, 4, 8))}
    assert client.post(IOPC_PAGE + "/extension", data=in_time).status_code == 302
    assert get_response("cumbria", "example-iopc-pursuit-2022").due_on == date(2022, 6, 30)
    missing = client.post(IOPC_PAGE + "/extension", data={**in_time, "granted_by": "", "new_due_on": _boxes(None)})
    assert missing.status_code == 200 and "Enter the new date" in missing.get_data(as_text=True)


def test_proceedings_started_and_ended_in_the_browser(as_role):
    """Judicial review: no date while in progress; the end extends the period by the days they ran."""
    client = as_role(Role.EDITOR, ("cumbria",))
    assert client.post(IOPC_PAGE + "/pause", data={"started_on": _boxes(date(2022, 4, 1)), "note": ""}).status_code == 302
    response = get_response("cumbria", "example-iopc-pursuit-2022")
    assert response.due_on is None
    assert "No date yet: judicial review proceedings are in progress" in client.get(IOPC_PAGE).get_data(as_text=True)
    [pause] = response.pauses
    end = f"/responses/pauses/{pause.id}/end"
    assert client.post(end, data={"version": pause.version, "ended_on": _boxes(date(2022, 4, 10))}).status_code == 302
    assert get_response("cumbria", "example-iopc-pursuit-2022").due_on == date(2022, 4, 18)


def test_clock_pages_keep_to_their_force_and_role(as_role):
    """Another force's response answers 404; a viewer cannot record; another response's pause is 404."""
    other = as_role(Role.EDITOR, ("lancashire",))
    assert other.get(IOPC_PAGE + "/extension").status_code == 404
    assert other.post(IOPC_PAGE + "/pause", data={}).status_code == 404
    assert as_role(Role.VIEWER, ("cumbria",)).get(IOPC_PAGE + "/extension").status_code == 403
    response = get_response("cumbria", "example-iopc-pursuit-2022")
    pause = clock_service.start_pause(response, None, started_on=date(2022, 4, 1))
    db.session.commit()
    assert other.get(f"/responses/pauses/{pause.id}/end").status_code == 404
    assert as_role(Role.EDITOR, ("cumbria",)).get(f"/responses/pauses/{pause.id}/end").status_code == 200
    assert as_role(Role.EDITOR, ("cumbria",)).get("/responses/pauses/99999999999/end").status_code == 404


def _coroner_form(**changes) -> dict:
    """The add-inspection form filled in for a coroner's report to Cumbria."""
    cumbria = get_force("cumbria")
    return {"source": "coroner", "title": "Report to prevent future deaths: custody checks", "published_on": ["1", "3", "2023"],
            "type": "other", "url": "", "key_findings": "", "scope": "chosen", "forces": [str(cumbria.id)],
            "respondent": "chief_constable", "reference": "2023-0042", "coroner_area": "Cumbria",
            "deceased_name": "A Person", "printed_due_on": ["26", "4", "2023"], "target_due_on": ["", "", ""], **changes}


def test_an_editor_adds_a_coroners_report_in_the_browser(as_role):
    """The add form takes the source and its fields; the response follows the coroner's clock."""
    client = as_role(Role.EDITOR, ("cumbria",))
    page = client.post("/inspections/new", data=_coroner_form())
    assert page.status_code == 302, page.get_data(as_text=True)
    inspection = get_inspection(page.headers["Location"].rsplit("/", 1)[1])
    assert (inspection.source, inspection.coroner_area, inspection.deceased_name) == (Source.CORONER, "Cumbria", "A Person")
    assert get_response("cumbria", inspection.slug).due_on == date(2023, 4, 26)
    edit = client.get(f"/inspections/{inspection.slug}/edit").get_data(as_text=True)
    assert 'value="coroner" checked' in edit and 'value="A Person"' in edit


def test_the_add_form_refuses_a_bad_source_and_a_printed_date_before_the_report(as_role):
    """A value not offered, and a printed date on or before the report's, re-display with their errors."""
    client = as_role(Role.EDITOR, ("cumbria",))
    bad = client.post("/inspections/new", data=_coroner_form(source="nonsense")).get_data(as_text=True)
    assert "<title>Error:" in bad
    early = client.post("/inspections/new", data=_coroner_form(printed_due_on=["1", "3", "2023"])).get_data(as_text=True)
    assert "<title>Error:" in early and "must be after the date of the report" in early
    assert get_inspection("report-to-prevent-future-deaths-custody-checks-2023") is None
