"""Loading seed_data/: the demonstration data is right, loading twice changes nothing, and a
malformed file is refused with the file, the place and the reason, loading nothing."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import get_force, get_inspection, get_tracking
from tracker.db import db
from tracker.domain.deadlines import DeadlineKind
from tracker.models import AuditEvent, Force, Recommendation, StatutoryResponse
from tracker.services.seed import SEED_DIR, SeedError, count_rows, read_seed_set, seed_database


def test_the_43_forces_with_their_local_policing_bodies(app):
    forces = db.session.scalars(sa.select(Force)).all()
    assert len(forces) == 43
    assert get_force("cumbria").opcc_name == "Cumbria Office of Police and Crime Commissioner"
    assert get_force("hampshire-and-isle-of-wight").name == "Hampshire and Isle of Wight Constabulary"


def test_the_vawg_inspection_as_seed_001_gives_it(app):
    inspection = get_inspection("vawg-2021")
    assert inspection.title == "Police response to violence against women and girls – Final inspection report"
    assert inspection.published_on == date(2021, 9, 17)
    assert inspection.key_findings.startswith("In March 2021, the Home Secretary commissioned")
    refs = [(r.ref, r.parent.ref if r.parent else None) for r in inspection.recommendations]
    assert refs == [("3", None), ("3.2", "3"), ("4", None), ("4.1", "4")]
    by_ref = {r.ref: r for r in inspection.recommendations}
    assert by_ref["3.2"].deadline_date == date(2022, 3, 31)
    assert by_ref["4.1"].deadline_date == date(2022, 3, 31)
    assert by_ref["4"].deadline_kind is DeadlineKind.IMMEDIATE
    assert by_ref["3"].deadline_kind is DeadlineKind.NONE
    assert len(by_ref["4.1"].bullets) == 6
    assert by_ref["4.1"].bullets[1] == "The use of the Domestic Violence Disclosure scheme."
    assert by_ref["4.1"].text.endswith("This should include:")
    assert [t.slug for t in by_ref["4.1"].themes] == ["domestic-abuse", "rape-and-serious-sexual-offences", "vawg"]


def test_the_national_inspection_concerns_every_force(app):
    inspection = get_inspection("vawg-2021")
    assert len([s for s in inspection.scope if s.in_scope]) == 43
    responses = db.session.scalars(
        sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id)
    ).all()
    assert len(responses) == 43
    assert {r.due_on for r in responses} == {date(2021, 11, 11)}


def test_cumbrias_response_and_the_forces_actions(app):
    inspection = get_inspection("vawg-2021")
    response = db.session.scalar(
        sa.select(StatutoryResponse).where(
            StatutoryResponse.inspection_id == inspection.id, StatutoryResponse.force_id == get_force("cumbria").id
        )
    )
    assert response.pcc_comments.startswith("The Police & Crime Commissioner welcomes the final inspection report")
    assert "Rape Surgery" in response.chief_comments
    titles = {a.title for a in get_tracking("leicestershire", "4").actions}
    assert "Launch StreetSafe for the public to flag places where they feel unsafe" in titles
    assert get_tracking("hampshire-and-isle-of-wight", "4.1").lead_officer == "Assistant Chief Constable Craig Dibdin"
    assert len(get_tracking("lancashire", "4.1").actions) == 5


def test_seeding_again_leaves_the_same_rows(app):
    before = count_rows()
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    seed_database(demo=True)
    assert count_rows() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events_before


def test_seeding_records_its_changes_in_the_audit_trail(app):
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "Recommendation")).all()
    assert len(events) == db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == 10
    assert all(e.event == "created" for e in events)


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable copy of seed_data/ to break."""
    root = tmp_path / "seed_data"
    shutil.copytree(SEED_DIR, root)
    return root


@pytest.mark.parametrize(
    "path, find, replace, message",
    [
        ("inspections/vawg-2021.yaml", "published_on: '2021-09-17'", "published_on: 'next Tuesday'",
         "inspections/vawg-2021.yaml: published_on: Input should be a valid date"),
        ("inspections/vawg-2021.yaml", "type: national_thematic", "type: national",
         "inspections/vawg-2021.yaml: type: Input should be"),
        ("inspections/vawg-2021.yaml", "  deadline_text: immediately", "  deadline_txt: immediately",
         "inspections/vawg-2021.yaml: recommendations[1].deadline_txt: Extra inputs are not permitted"),
        ("inspections/vawg-2021.yaml", "  - ref: '4.1'", "  - ref: '3.2'",
         "the reference '3.2' appears twice"),
        ("tracking/cumbria.yaml", "force: cumbria", "force: cumbira",
         "tracking/cumbria.yaml: force: no force has the slug 'cumbira'"),
        ("tracking/lancashire.yaml", '  "4.1":', '  "9.9":',
         "tracking/lancashire.yaml: recommendations.9.9: the inspection has no recommendation '9.9'"),
        ("tracking/leicestershire.yaml", "completed_on: 2021-12-02\n", "\n",
         "tracking/leicestershire.yaml: recommendations.4.actions[2]: Value error, a complete action needs completed_on"),
        ("forces.yaml", "forces:", "forces: [\n", "forces.yaml: line"),
    ],
)
def test_a_malformed_file_is_refused_with_file_place_and_reason(app, seed_copy, path, find, replace, message):
    target = seed_copy / path
    text = target.read_text(encoding="utf-8")
    assert find in text
    target.write_text(text.replace(find, replace, 1), encoding="utf-8")
    with pytest.raises(SeedError) as error:
        read_seed_set(seed_copy, demo=True)
    assert message in str(error.value)


def test_a_refused_seed_loads_nothing(app, seed_copy, runner):
    (seed_copy / "inspections" / "new.yaml").write_text(
        "slug: new-one\ntitle: New\npublished_on: 2024-01-01\ntype: peel\nscope: {forces: [cumbria]}\n"
        "recommendations:\n  - {ref: '1', text: A, themes: [no-such-theme]}\n",
        encoding="utf-8",
    )
    before = count_rows()
    result = runner.invoke(args=["seed", "--demo", "--path", str(seed_copy)])
    assert result.exit_code != 0
    assert "nothing loaded" in result.output
    assert "no theme has the slug 'no-such-theme'" in result.output
    assert count_rows() == before
    assert db.session.scalar(sa.select(Recommendation).where(Recommendation.text == "A")) is None


def test_a_new_seed_file_is_added_to_what_is_there(app, seed_copy, runner):
    (seed_copy / "inspections" / "peel-cumbria-2023.yaml").write_text(
        "slug: peel-cumbria-2023\ntitle: PEEL 2023-25 Cumbria\npublished_on: 2023-06-01\ntype: peel\n"
        "scope: {forces: [cumbria]}\nrecommendations:\n"
        "  - {ref: AFI 1, kind: area_for_improvement, text: 'The force should improve ...', deadline_text: within six months}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["seed", "--demo", "--path", str(seed_copy)])
    assert result.exit_code == 0, result.output
    rec = get_inspection("peel-cumbria-2023").recommendations[0]
    assert rec.deadline_date == date(2023, 12, 1)
    assert get_tracking("cumbria", "AFI 1", "peel-cumbria-2023") is not None
    assert get_tracking("lancashire", "AFI 1", "peel-cumbria-2023") is None
