"""A force taken out of the scope of an inspection (with its reason) owes nothing for it: its
statutory response and its recommendations' tracking and actions leave the overdue view, the
counts, the exports, the committee pack and the progress shares; its records are kept, and bringing
it back into scope restores them all."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_force, get_inspection
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.models import Action, MeetingPack, StatutoryResponse, Tracking
from tracker.services import inspections as inspection_service
from tracker.services import oversight
from tracker.services.committee_pack import pack_content
from tracker.services.overdue import ItemFilter, list_items, summary_counts

REASON = "Cumbria Constabulary was inspected separately for this report."

AS_OF_APRIL = date(2022, 4, 1)


@pytest.fixture(autouse=True)
def _only_the_vawg_inspection(app):
    """Cumbria owes only the VAWG inspection here: the demonstration's other sources' documents
    (an IOPC recommendation, a coroner's report) are removed for these tests (rolled back after)."""
    for slug in ("example-iopc-pursuit-2022", "example-coroner-pfd-2022"):
        db.session.delete(get_inspection(slug))
    db.session.flush()


def _set_cumbria_scope(in_scope: bool) -> None:
    inspection = get_inspection("vawg-2021")
    cumbria = get_force("cumbria")
    inspection_service.set_scope(inspection, [cumbria], {} if in_scope else {cumbria: REASON})
    db.session.commit()


def _what_cumbria_owes(runner, client) -> dict:
    """Everything that counts or lists cumbria's items on 1 April 2022."""
    cumbria = get_force("cumbria")
    result = runner.invoke(args=["overdue", "--as-of", "2022-04-01", "--force", "cumbria", "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = summary_counts(ItemFilter(as_of=AS_OF_APRIL, force_ids=(cumbria.id,), window="overdue"))
    export = client.get("/export.csv?as_of=2022-04-01&window=open&force=cumbria")
    assert export.status_code == 200
    made = client.post("/committee-packs", data={"as_of": "2022-04-01", "previous_meeting": "2022-01-01",
                                                  "force": "cumbria", "window": "open"})
    assert made.status_code == 303
    pack = pack_content(db.session.scalar(sa.select(MeetingPack).order_by(MeetingPack.id.desc()).limit(1)))
    return {
        "overdue": sorted((i["type"], i["ref"] or "") for i in json.loads(result.output)),
        "counts": {t: c["overdue"] for t, c in counts.items()},
        "export": sorted((r["Item"], r["Reference"]) for r in csv.DictReader(io.StringIO(export.get_data(as_text=True)))),
        "pack": sum(c["in_window"] for c in pack.counts.values()),
        "pack_lists_the_response": any(i.key.startswith("statutory_response-") for i in pack.section("in_full").items),
        "progress": [(p.key, p.total) for p in oversight.progress([cumbria.id], AS_OF_APRIL, "inspection")],
    }


def test_out_of_scope_and_back(app, runner, as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    cumbria = get_force("cumbria")
    records = sa.select(sa.func.count()).select_from(Tracking).where(Tracking.force_id == cumbria.id)

    before = _what_cumbria_owes(runner, client)
    assert ("statutory_response", "") in before["overdue"] and ("recommendation", "3.2") in before["overdue"]
    assert before["counts"]["statutory_response"] == 1 and before["counts"]["recommendation"] >= 3
    assert before["export"] and before["pack"] and before["pack_lists_the_response"] and before["progress"]
    kept = (db.session.scalar(records), db.session.scalar(sa.select(sa.func.count()).select_from(Action)
                                                          .where(Action.force_id == cumbria.id)))

    _set_cumbria_scope(False)

    out = _what_cumbria_owes(runner, client)
    assert out == {"overdue": [], "counts": {"recommendation": 0, "action": 0, "statutory_response": 0},
                   "export": [], "pack": 0, "pack_lists_the_response": False, "progress": []}
    assert (db.session.scalar(records), db.session.scalar(sa.select(sa.func.count()).select_from(Action)
                                                          .where(Action.force_id == cumbria.id))) == kept
    assert db.session.scalar(sa.select(StatutoryResponse).where(StatutoryResponse.force_id == cumbria.id)) is not None
    # Another force's duties are untouched.
    lancashire = get_force("lancashire")
    assert summary_counts(ItemFilter(as_of=AS_OF_APRIL, force_ids=(lancashire.id,), window="overdue"))[
        "statutory_response"]["overdue"] == 1

    _set_cumbria_scope(True)

    assert _what_cumbria_owes(runner, client) == before


def test_nothing_is_chased_for_a_force_out_of_scope(app):
    cumbria = get_force("cumbria")
    chased = ItemFilter(as_of=date(2022, 3, 25), force_ids=(cumbria.id,), window="reminders")
    assert list_items(chased, page=None)  # the reminders' and digests' list, before

    _set_cumbria_scope(False)

    assert list_items(chased, page=None) == []


def test_the_records_are_kept_and_marked_out_of_scope_with_the_reason(app, as_role):
    client = as_role(Role.EDITOR, ("cumbria",))
    tracking = db.session.scalar(sa.select(Tracking).where(Tracking.force_id == get_force("cumbria").id))
    pages = (f"/tracking/{tracking.id}", "/responses/cumbria/vawg-2021")
    assert not any("out of the scope" in client.get(page).get_data(as_text=True) for page in pages)

    _set_cumbria_scope(False)

    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert "Cumbria Constabulary is out of the scope of this inspection: " + REASON.rstrip(".") in html
