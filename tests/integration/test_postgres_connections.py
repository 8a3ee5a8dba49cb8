"""PostgreSQL connections (tracker.db.engine): a transaction that only read ends with a COMMIT, so that
psycopg keeps the statements it prepared (it forgets them at every ROLLBACK, and every request that
reads ends with one); a transaction that wrote, in any way, is still rolled back. Every connection
plans without parallel workers, and is checked when the pool gives it out without a round trip.

PostgreSQL only (run through scripts/with-postgres.sh).
"""

from __future__ import annotations

import os
import time

import psycopg
import pytest
import sqlalchemy as sa

from tracker.models import Force

pytestmark = pytest.mark.usefixtures("app")  # the app's listeners are registered


@pytest.fixture
def engine():
    url = sa.engine.make_url(os.environ["TRACKER_DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: run through scripts/with-postgres.sh (psycopg's prepared statements)")
    engine = sa.create_engine(url, poolclass=sa.pool.StaticPool)  # one connection, as a worker's
    try:
        yield engine
    finally:
        engine.dispose()


def _name(engine) -> str:
    with engine.connect() as connection:
        return connection.scalar(sa.select(Force.name).where(Force.slug == "cumbria"))


def test_a_query_read_in_many_transactions_is_prepared_once(engine):
    statement = sa.select(Force.name).where(Force.slug == sa.bindparam("slug"))
    for _ in range(7):  # psycopg prepares a query on its fifth use
        with engine.connect() as connection:  # each a transaction of its own, rolled back at the end
            assert connection.scalar(statement, {"slug": "cumbria"})
    with engine.connect() as connection:
        prepared = connection.scalar(sa.text(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT forces.name%'"))
    assert prepared == 1


@pytest.mark.parametrize("write", [
    lambda c: c.execute(sa.update(Force).where(Force.slug == "cumbria").values(name="Rolled back")),
    lambda c: c.execute(sa.text("UPDATE forces SET name = 'Rolled back' WHERE slug = 'cumbria'")),
    lambda c: c.exec_driver_sql("UPDATE forces SET name = 'Rolled back' WHERE slug = 'cumbria'"),
    lambda c: c.execute(sa.text("WITH changed AS (UPDATE forces SET name = 'Rolled back' WHERE slug = 'cumbria' "
                                "RETURNING id) SELECT count(*) FROM changed")),
], ids=["orm-update", "text-update", "driver-sql", "with-update"])
def test_a_transaction_that_wrote_is_still_rolled_back(engine, write):
    before = _name(engine)
    with engine.connect() as connection:
        connection.scalar(sa.select(Force.id).limit(1))  # a read first
        write(connection)
        connection.rollback()
    assert _name(engine) == before != "Rolled back"


def test_a_failed_transaction_is_rolled_back(engine):
    with engine.connect() as connection:
        connection.execute(sa.select(Force.id).limit(1))
        with pytest.raises(sa.exc.DBAPIError):
            connection.exec_driver_sql("SELECT 1/0")
        connection.rollback()
        assert connection.scalar(sa.select(sa.func.count()).select_from(Force)) > 0


def test_connections_plan_without_parallel_workers(engine):
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SHOW max_parallel_workers_per_gather")) == "0"


def test_connections_price_a_random_read_near_a_sequential_one(engine):
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SHOW random_page_cost")) == "1.1"



def _backend(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT pg_backend_pid()"))


def test_a_connection_whose_backend_ended_is_replaced_at_checkout(engine):
    """The pool checks each connection it gives out (db.engine._still_connected): one whose server ended it
    (a restart, pg_terminate_backend) is dropped for a new one rather than failing the request."""
    first = _backend(engine)
    with engine.connect() as other:
        pooled = sa.create_engine(engine.url)  # a pool as the app's, without pool_pre_ping
        try:
            ended = _backend(pooled)
            assert other.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": ended})
            for _ in range(50):  # until the backend has gone and said so
                if not other.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": ended}):
                    break
                time.sleep(0.02)
            assert _backend(pooled) not in (ended, first)
            assert _name(pooled) == _name(engine)
        finally:
            pooled.dispose()


def test_a_healthy_connection_is_given_out_without_a_round_trip(engine, monkeypatch):
    _backend(engine)
    sent = []
    original = psycopg.Connection.execute
    monkeypatch.setattr(psycopg.Connection, "execute", lambda self, *args, **kwargs: sent.append(args) or original(
        self, *args, **kwargs))
    with engine.connect() as connection:
        assert not connection.connection.dbapi_connection.closed  # checked out, and checked
    assert sent == []
