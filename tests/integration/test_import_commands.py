"""`flask import-report`, and the structured round trip `export-inspection` / `import-inspection`."""

import json
from datetime import date

import sqlalchemy as sa
import yaml

from tests.factories import get_force, get_inspection, make_inspection
from tests.unit.test_importer import SEED_001_SECTION
from tests.unit.test_importer_sources import CORONER_REPORT
from tracker.db import db
from tracker.models import Recommendation, StatutoryResponse, Tracking
from tracker.services import inspections as inspection_service


def count(model) -> int:
    """Rows in a table."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def write(tmp_path, name, content):
    """A file to import."""
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def test_dry_run_prints_json_in_the_documented_shape_and_saves_nothing(runner, tmp_path):
    make_inspection()
    before = count(Recommendation)
    path = write(tmp_path, "recs.txt", SEED_001_SECTION)
    result = runner.invoke(args=["import-report", path, "--inspection", "stalking-2024", "--dry-run",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"items", "warnings", "published", "dates"}
    assert [i["ref"] for i in data["items"]] == ["3", "3.2", "4", "4.1"]
    assert data["items"][2] == {
        "ref": "4", "kind": "recommendation", "parent_ref": None, "addressed_to": "All chief constables",
        "text": data["items"][2]["text"], "bullets": [], "deadline_text": "immediately", "deadline": "2021-09-17"}
    assert len(data["items"][3]["bullets"]) == 6
    assert data["warnings"] == []
    assert count(Recommendation) == before


def test_the_table_names_each_item_and_what_to_check(runner, tmp_path):
    result = runner.invoke(args=["import-report", write(tmp_path, "r.txt", SEED_001_SECTION), "--dry-run"])
    assert result.exit_code == 0
    assert "4.1" in result.output and "By March 2022" in result.output and "4 items read." in result.output
    assert "Check 3: The text does not say who should act" in result.output


def test_the_table_shows_the_dates_a_coroners_report_states(runner, tmp_path):
    result = runner.invoke(args=["import-report", write(tmp_path, "pfd.txt", CORONER_REPORT), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Date of the report: 2024-03-13" in result.output
    assert "Response due (namely by): 2024-05-08 (“namely by 8 May 2024”)." in result.output
    assert "2 items read." in result.output


def test_import_saves_new_recommendations_with_tracking_for_every_force_in_scope(runner, tmp_path):
    inspection = make_inspection()
    result = runner.invoke(args=["import-report", write(tmp_path, "r.txt", SEED_001_SECTION),
                                 "--inspection", "stalking-2024"])
    assert result.exit_code == 0, result.output
    assert "Saved 4 items into stalking-2024, tracked for 2 forces." in result.output
    db.session.expire_all()
    recs = {r.ref: r for r in inspection.recommendations}
    assert set(recs) == {"3", "3.2", "4", "4.1"}
    assert recs["4.1"].parent is recs["4"] and recs["3.2"].parent is recs["3"]
    assert recs["4.1"].deadline_date == date(2022, 3, 31) and not recs["4.1"].deadline_overridden
    assert recs["4"].deadline_kind.value == "immediate"
    trackings = db.session.scalars(sa.select(Tracking).where(Tracking.recommendation_id.in_([r.id for r in recs.values()])))
    assert sorted((t.recommendation.ref, t.force.slug, t.due_on) for t in trackings)[:2] == [
        ("3", "cumbria", None), ("3", "lancashire", None)]
    assert count(StatutoryResponse) >= 2


def test_refs_that_exist_are_refused_and_nothing_is_saved(runner, tmp_path):
    before = count(Recommendation), count(Tracking)
    result = runner.invoke(args=["import-report", write(tmp_path, "r.txt", SEED_001_SECTION),
                                 "--inspection", "vawg-2021"])
    assert result.exit_code == 1
    assert "The reference 3 is already used in this inspection" in result.output
    assert "Nothing saved" in result.output
    assert (count(Recommendation), count(Tracking)) == before


def test_a_missing_inspection_or_none_given_is_refused(runner, tmp_path):
    path = write(tmp_path, "r.txt", SEED_001_SECTION)
    assert "No inspection has the slug 'nope'" in runner.invoke(args=["import-report", path, "--inspection", "nope"]).output
    result = runner.invoke(args=["import-report", path])
    assert result.exit_code == 1 and "Give --inspection SLUG" in result.output


def test_hostile_files_give_a_clear_message_and_save_nothing(runner, tmp_path):
    make_inspection()
    before = count(Recommendation)
    cases = {
        "empty.txt": (b"", "The selected file is empty"),
        "binary.txt": (bytes(range(256)) * 10, "not a text file"),
        "big.txt": (b"1. Forces should act now on this.\n" * 160_000, "too much text"),
        "notzip.docx": (b"plain words, no zip", "not a Word document"),
        "nothing.txt": (b"Just some words that are not recommendations.", "no recommendations were found"),
    }
    for name, (content, message) in cases.items():
        result = runner.invoke(args=["import-report", write(tmp_path, name, content), "--inspection", "stalking-2024"])
        assert result.exit_code == 1, name
        assert message in result.output, (name, result.output)
        assert "Nothing saved" in result.output
    assert count(Recommendation) == before


def test_a_pdf_with_no_text_layer_is_refused(runner, tmp_path):
    from tests.unit.test_import_files import _blank_pdf

    result = runner.invoke(args=["import-report", write(tmp_path, "scan.pdf", _blank_pdf()), "--dry-run"])
    assert result.exit_code == 1
    assert "this PDF has no text to read: it may be a scan" in result.output


# --- the structured round trip ----------------------------------------------------------------


def _override_and_exclude():
    """Give vawg-2021 a deadline set by hand and a force left out, so the round trip carries both."""
    inspection = get_inspection("vawg-2021")
    rec = next(r for r in inspection.recommendations if r.ref == "3")
    inspection_service.override_deadline(rec, date(2022, 6, 30), None)
    row = next(r for r in inspection.scope if r.force.slug == "dyfed-powys")
    row.in_scope, row.exclusion_reason = False, "Not inspected in this round"
    db.session.commit()


def test_export_has_exactly_the_seed_file_shape(runner):
    result = runner.invoke(args=["export-inspection", "vawg-2021"])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(result.output)
    with open("seed_data/inspections/vawg-2021.yaml", encoding="utf-8") as f:
        seeded = yaml.safe_load(f)
    for data in (exported, seeded):
        data["key_findings"] = data["key_findings"].strip()
        for rec in data["recommendations"]:
            for r in [rec, *rec.get("children", [])]:
                r["text"] = r["text"].strip()
                r["themes"] = sorted(r["themes"])  # the database keeps themes in name order
    assert exported == seeded


def test_export_then_import_under_a_new_slug_loses_nothing(runner, tmp_path):
    _override_and_exclude()
    for fmt in ("yaml", "json"):
        out = tmp_path / f"vawg.{fmt}"
        assert runner.invoke(args=["export-inspection", "vawg-2021", "--format", fmt, "-o", str(out)]).exit_code == 0
        result = runner.invoke(args=["import-inspection", str(out), "--slug", f"vawg-copy-{fmt}"])
        assert result.exit_code == 0, result.output
        assert f"Imported vawg-copy-{fmt} with 4 recommendations." in result.output
        original = json.loads(runner.invoke(args=["export-inspection", "vawg-2021", "--format", "json"]).output)
        copy = json.loads(runner.invoke(args=["export-inspection", f"vawg-copy-{fmt}", "--format", "json"]).output)
        assert copy.pop("slug") == f"vawg-copy-{fmt}"
        original.pop("slug")
        assert copy == original
        assert original["scope"] == {"all_forces": True, "exclude": {"dyfed-powys": "Not inspected in this round"}}
        assert original["recommendations"][0]["deadline_date"] == "2022-06-30"
        assert original["recommendations"][1]["children"][0]["themes"] == [
            "domestic-abuse", "rape-and-serious-sexual-offences", "vawg"]
    copy = get_inspection("vawg-copy-yaml")
    rec3 = next(r for r in copy.recommendations if r.ref == "3")
    assert rec3.deadline_overridden and rec3.deadline_date == date(2022, 6, 30)
    cumbria = get_force("cumbria")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tracking).join(Recommendation).where(
        Recommendation.inspection_id == copy.id, Tracking.force_id == cumbria.id)) == 4


def test_import_inspection_refuses_a_slug_in_use_and_a_malformed_file(runner, tmp_path):
    out = tmp_path / "vawg.yaml"
    runner.invoke(args=["export-inspection", "vawg-2021", "-o", str(out)])
    result = runner.invoke(args=["import-inspection", str(out)])
    assert result.exit_code == 1 and "already exists" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(out.read_text().replace("kind: recommendation", "kind: suggestion", 1))
    result = runner.invoke(args=["import-inspection", str(bad), "--slug", "other"])
    assert result.exit_code == 1 and "recommendations[0].kind" in result.output
    assert get_inspection("other") is None


def test_a_text_export_imports_back_as_the_same_recommendations(runner, tmp_path):
    out = tmp_path / "vawg.txt"
    assert runner.invoke(args=["export-inspection", "vawg-2021", "--format", "text", "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("Recommendations\n\n3. Structures and funding")
    inspection = make_inspection()
    result = runner.invoke(args=["import-report", str(out), "--inspection", "stalking-2024"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    def shape(insp):
        """An inspection's recommendations as comparable tuples."""
        return sorted((r.ref, r.kind, r.parent.ref if r.parent else None, r.addressed_to, r.text, r.bullets,
                       r.deadline_text, r.deadline_date) for r in insp.recommendations)

    assert shape(inspection) == shape(get_inspection("vawg-2021"))


def test_a_word_document_imports(runner, tmp_path):
    from tests.unit.test_import_files import _docx

    inspection = make_inspection()
    data = _docx([("Recommendations", None), ("Recommendation 1", None),
                  ("By 31 December 2022, the Home Office should review funding.", None),
                  ("Recommendation 2", None), ("Forces should:", None),
                  ("record stalking as stalking;", "List Bullet"), ("share information.", "List Bullet")])
    result = runner.invoke(args=["import-report", write(tmp_path, "report.docx", data), "--inspection", "stalking-2024",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["items"]) == 2  # the JSON alone on stdout; the receipt on stderr
    assert "Saved 2 items" in result.stderr
    db.session.expire_all()
    recs = {r.ref: r for r in inspection.recommendations}
    assert recs["1"].addressed_to == "The Home Office"
    assert recs["1"].deadline_date == date(2022, 12, 31)
    assert recs["2"].bullets == ["record stalking as stalking;", "share information."]


def test_a_dry_run_says_the_publication_date_the_text_states_and_dates_deadlines_from_it(app, tmp_path):
    report = tmp_path / "register.txt"
    report.write_text("The inspectorate published its report Police response to stalking on 17th September 2021.\n\n"
                      "Recommendations\n1. Within six months, chief constables should appoint a stalking lead.\n")
    result = app.test_cli_runner().invoke(args=["import-report", str(report), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "The text says the report was published on 2021-09-17" in result.output
    assert "2022-03-17" in result.output
