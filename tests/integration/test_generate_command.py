"""`flask --app tracker generate-demo`: fills an empty database, and refuses one that holds data."""

from datetime import date

import sqlalchemy as sa

from tracker import generate
from tracker.extensions import db
from tracker.models import Force, Theme


def test_a_database_holding_inspections_is_refused_and_left_as_it_was(runner):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(generate.Tracking))
    result = runner.invoke(args=["generate-demo", "--scale", "tiny"])
    assert result.exit_code == 1
    assert "fills an empty database only" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(generate.Tracking)) == before


def test_an_empty_database_is_filled_with_what_the_plan_draws(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    db.metadata.create_all(engine)
    with engine.begin() as connection:
        for slug in ("cumbria", "kent", "dyfed-powys"):
            connection.execute(sa.insert(Force).values(slug=slug, name=slug.title(), area=slug, opcc_name="OPCC",
                                                       commissioner_title="PCC", created_at=sa.func.now(),
                                                       updated_at=sa.func.now()))
        connection.execute(sa.insert(Theme).values(slug="vawg", name="VAWG"))
    counts, _seconds = generate.run(engine, "tiny", 5, date(2026, 11, 21))
    with engine.connect() as connection:
        for table in generate.TABLES:
            assert connection.scalar(sa.select(sa.func.count()).select_from(table)) == counts[table.name]
    assert counts["trackings"] > 0 and counts["actions"] > 0 and counts["progress_updates"] > 0
    engine.dispose()
