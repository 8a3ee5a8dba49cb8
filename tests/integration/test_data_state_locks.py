"""Two transactions writing to two forces in opposite orders both commit: the data state's rows are
locked only at commit, in the order of their names (tracker.db.data_state), never one at each flush.

PostgreSQL only (run through scripts/with-postgres.sh): SQLite lets one writer in at a time, so two
writing transactions never interleave there.
"""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.scratch_db import dispose, make_install, scratch_database
from tracker.db import data_state, db
from tracker.models import DataState, Force, Tracking

TIMEOUT = 60  # seconds: a deadlock is found by PostgreSQL within its deadlock_timeout (1 s)


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """A scratch install with the demonstration data, committing for real."""
    if sa.engine.make_url(os.environ["TRACKER_DATABASE_URL"]).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: run through scripts/with-postgres.sh (SQLite has one writer at a time)")
    tmp_path = tmp_path_factory.mktemp("data-state-locks")
    with scratch_database(tmp_path) as url:
        app = make_install(url, tmp_path / "instance")
        try:
            yield app
        finally:
            dispose(app)


def _two_trackings_of(session: Session, slug: str) -> list[int]:
    """The ids of two tracking rows of one force."""
    force_id = session.scalar(sa.select(Force.id).where(Force.slug == slug))
    ids = session.scalars(sa.select(Tracking.id).where(Tracking.force_id == force_id).order_by(Tracking.id).limit(2)).all()
    assert len(ids) == 2, f"{slug} has fewer than two tracking rows in the demonstration data"
    return list(ids)


def test_two_transactions_writing_two_forces_in_opposite_orders_both_commit(install):
    """A writes Cumbria then Lancashire, B writes Lancashire then Cumbria, each flushing between, B's
    second write while A waits to commit: when each flush locked its force's row, A waited for B's
    row and B for A's, and PostgreSQL killed one (deadlock detected)."""
    with install.app_context():
        engine = db.engine
        with Session(engine) as session:
            cumbria, lancashire = _two_trackings_of(session, "cumbria"), _two_trackings_of(session, "lancashire")
            scopes = [data_state.force_scope(session.get(Tracking, ids[0]).force_id) for ids in (cumbria, lancashire)]
            before = dict(session.execute(sa.select(DataState.scope, DataState.token)
                                          .where(DataState.scope.in_(scopes))).all())
    steps = [threading.Event() for _ in range(3)]
    errors: list[BaseException] = []

    def write(name: str, first: int, second: int, wait_before_first, done_first, wait_before_second) -> None:
        try:
            with Session(engine) as session:
                if wait_before_first is not None:
                    assert wait_before_first.wait(TIMEOUT)
                session.get(Tracking, first).lead_officer = f"Superintendent {name} first"
                session.flush()
                done_first.set()
                assert wait_before_second.wait(TIMEOUT)
                session.get(Tracking, second).lead_officer = f"Superintendent {name} second"
                session.flush()
                session.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
            for step in steps:
                step.set()

    a = threading.Thread(target=write, args=("A", cumbria[0], lancashire[0], None, steps[0], steps[1]))
    b = threading.Thread(target=write, args=("B", lancashire[1], cumbria[1], steps[0], steps[1], steps[1]))
    a.start()
    b.start()
    a.join(TIMEOUT)
    b.join(TIMEOUT)
    assert not a.is_alive() and not b.is_alive(), "a transaction is still waiting"
    assert errors == []
    with install.app_context(), Session(engine) as session:
        officers = dict(session.execute(sa.select(Tracking.id, Tracking.lead_officer)
                                        .where(Tracking.id.in_(cumbria + lancashire))).all())
        after = dict(session.execute(sa.select(DataState.scope, DataState.token)
                                     .where(DataState.scope.in_(scopes))).all())
    assert officers == {cumbria[0]: "Superintendent A first", lancashire[0]: "Superintendent A second",
                        lancashire[1]: "Superintendent B first", cumbria[1]: "Superintendent B second"}
    assert all(after[scope] != before.get(scope) for scope in scopes)
