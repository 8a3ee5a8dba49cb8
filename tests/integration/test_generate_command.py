"""`flask --app tracker generate-demo`: fills an empty database, and refuses one that holds data."""

import os
from datetime import date

import pytest
import sqlalchemy as sa

from tracker.cli import generate
from tracker.db import db, open_item_counts
from tracker.models import Force, Theme


def test_a_database_holding_inspections_is_refused_and_left_as_it_was(runner):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(generate.Tracking))
    result = runner.invoke(args=["generate-demo", "--scale", "tiny"])
    assert result.exit_code == 1
    assert "fills an empty database only" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(generate.Tracking)) == before


@pytest.mark.parametrize("args", [["--scale", "enormous"], ["--scale", "tiny*0"], ["--times", "0"]])
def test_a_scale_that_is_not_one_is_refused_and_nothing_written(runner, args):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(generate.Tracking))
    result = runner.invoke(args=["generate-demo", *args])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "scale" in result.output or "--times" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(generate.Tracking)) == before


def test_an_empty_database_is_filled_with_a_multiple_of_a_scale(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    db.metadata.create_all(engine)
    with engine.begin() as connection:
        _fill_forces_and_themes(connection)
    once, _seconds = generate.run(engine, "tiny", 5, date(2026, 11, 21))
    engine.dispose()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'twice.sqlite'}")
    db.metadata.create_all(engine)
    with engine.begin() as connection:
        _fill_forces_and_themes(connection)
    twice, _seconds = generate.run(engine, "tiny*2", 5, date(2026, 11, 21))
    engine.dispose()
    assert twice["inspections"] == 2 * once["inspections"]


def test_an_empty_database_is_filled_with_what_the_plan_draws(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    db.metadata.create_all(engine)
    with engine.begin() as connection:
        _fill_forces_and_themes(connection)
    counts, _seconds = generate.run(engine, "tiny", 5, date(2026, 11, 21))
    with engine.connect() as connection:
        for table in generate.TABLES:
            assert connection.scalar(sa.select(sa.func.count()).select_from(table)) == counts[table.name]
        # The items are counted once the load is done, and the triggers are back to keep them (three on each
        # item table, three on inspection_forces, two on inspections).
        assert open_item_counts.differences(connection) == []
        assert connection.exec_driver_sql("SELECT sum(change) FROM open_item_steps WHERE measure = 'open'").scalar() > 0
        assert connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'open_item_steps_%'").scalar() == 14
    assert counts["trackings"] > 0 and counts["actions"] > 0 and counts["progress_updates"] > 0
    engine.dispose()


def _fill_forces_and_themes(connection) -> None:
    """The reference rows generate needs: three forces and a theme."""
    for slug in ("cumbria", "kent", "dyfed-powys"):
        connection.execute(sa.insert(Force).values(slug=slug, name=slug.title(), area=slug, opcc_name="OPCC",
                                                   commissioner_title="PCC", created_at=sa.func.now(),
                                                   updated_at=sa.func.now()))
    connection.execute(sa.insert(Theme).values(slug="vawg", name="VAWG"))


def test_on_postgresql_the_generated_tables_are_vacuumed_and_analyzed():
    """After generating, every table written has statistics and a visibility map (manual VACUUM and ANALYZE,
    not autovacuum's, which comes a minute or more later), so the first pages are planned on real figures."""
    url = sa.engine.make_url(os.environ["TRACKER_DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only: run through scripts/with-postgres.sh (SQLite has nothing to vacuum)")
    schema = f"generate_test_{os.getpid()}"
    # A schema of its own: the test database holds the seed data, and generate fills an empty one.
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        db.metadata.create_all(engine)
        with engine.begin() as connection:
            _fill_forces_and_themes(connection)
        generate.run(engine, "tiny", 5, date(2026, 11, 21))
        with engine.connect() as connection:
            stats = {row.relname: row for row in connection.execute(sa.text(
                "SELECT s.relname, s.last_vacuum, s.last_analyze, c.relpages, c.relallvisible "
                "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = :schema"),
                {"schema": schema})}
        for table in generate.ANALYZED:
            assert stats[table.name].last_analyze is not None, f"{table.name} was not analyzed"
            assert stats[table.name].last_vacuum is not None, f"{table.name} was not vacuumed"
            # Every page marked all-visible: index-only scans read no table page (the test server commits
            # asynchronously, so this fails unless generate's commit is flushed before the VACUUM).
            assert stats[table.name].relpages > 0, table.name
            assert stats[table.name].relallvisible == stats[table.name].relpages, f"{table.name}: visibility map"
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()


def test_on_sqlite_generating_runs_no_postgresql_maintenance(tmp_path):
    """vacuum_analyze leaves SQLite alone: it sends no statement at all."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    statements = []
    sa.event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    generate.vacuum_analyze(engine)
    assert statements == []
    engine.dispose()
