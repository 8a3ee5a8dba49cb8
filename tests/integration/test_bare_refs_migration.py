"""Migration 0012: "Recommendation 1" becomes "1" where that is unambiguous within the inspection."""

import importlib.util
from datetime import date
from pathlib import Path

from tracker.db import db
from tracker.domain.statuses import InspectionType, Kind
from tracker.models import Inspection, Recommendation

PATH = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0012_bare_recommendation_refs.py"
spec = importlib.util.spec_from_file_location("bare_refs_migration", PATH)
migration = importlib.util.module_from_spec(spec)
spec.loader.exec_module(migration)


def test_which_references_become_bare():
    rows = [
        (1, 10, "Recommendation 1", "recommendation"),  # becomes 1
        (2, 10, "Recommendation 2", "recommendation"),  # 2 is taken by another item: kept
        (3, 10, "2", "recommendation"),
        (4, 10, "Area for improvement 3", "area_for_improvement"),  # becomes 3
        (5, 10, "Cause of concern 4", "recommendation"),  # the label is not its kind: kept
        (6, 11, "Recommendation 5", "recommendation"),  # two would become 5 in inspection 11: both kept
        (7, 11, "Cause of concern 5", "cause_of_concern"),
        (8, 12, "Recommendation 1", "recommendation"),  # another inspection: its own 1
        (9, 12, "Recommendation 2.1", "recommendation"),  # becomes 2.1
        (10, 12, "Recommendation A", "recommendation"),  # not a number: kept
        (11, 12, None, "recommendation"),
    ]
    assert migration.bare_refs(rows) == {1: "1", 4: "3", 8: "1", 9: "2.1"}


def test_the_migration_renames_stored_references_and_bumps_their_version(app):
    inspection = Inspection(slug="renamed", title="A report", published_on=date(2021, 9, 17),
                            type=InspectionType.NATIONAL_THEMATIC)
    db.session.add(inspection)
    labelled = Recommendation(inspection=inspection, ref="Recommendation 1", kind=Kind.RECOMMENDATION, text="Act.")
    clash = Recommendation(inspection=inspection, ref="Recommendation 2", kind=Kind.RECOMMENDATION, text="Act.")
    bare = Recommendation(inspection=inspection, ref="2", kind=Kind.RECOMMENDATION, text="Act.")
    db.session.add_all([labelled, clash, bare])
    db.session.flush()
    version = labelled.version
    migration._rename(db.session.connection())
    db.session.expire_all()
    assert (labelled.ref, clash.ref, bare.ref) == ("1", "Recommendation 2", "2")
    assert labelled.version == version + 1
