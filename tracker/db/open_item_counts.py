"""How many items are open, overdue and due soon on any date, kept by the database itself as rows change.

The dashboard and the data API show how many items are overdue and due soon on an as-of date, today's or
a past one. Counted at each request, that reads every item open on the date (and, for a past date, every
item closed since), so a page costs more as the register grows. Here the database keeps the counts as
*steps* instead, in `open_item_steps` (models.OpenItemStep): for each force, kind of item and measure,
how many items the measure gains (+1) or loses (-1) on each day, summed by day, by month and by year. The
count on a date is the sum of the steps up to it: the years before its year, the months of its year before
its month, and the days of its month up to it. That is a few hundred rows per force, whatever the number
of items, on any date.

An item (a tracking, an action, a statutory response) is open on a date D when its inspection was
published by D and it was not closed by D (a tracking's closed_on, an action's completed_on, a
response's published_on), and its force is not left out of its inspection's scope (an inspection_forces
row with in_scope false), as overdue.in_scope has it. With p its inspection's publication date, d its
due date and c its closing date (none: never), each measure holds it over one span of dates, and so
takes one step up on the span's first day and one down on its end (the two cancel when it is empty):

- open: from p until c;
- overdue, due before D: from max(p, d + 1) until c;
- due within N days, D <= d <= D + N (DUE_WITHIN, the dashboard's windows and its "due soon"): from
  max(p, d - N) until min(c, d + 1).

Triggers keep them, not the application: every write, whether the session's, a bulk insert's
(generate-demo), a cascade's or a hand-run statement, moves them in the same transaction, and none can be
missed: on the item tables; on inspection_forces (a force left out or brought back); on inspections (a
publication date moved, an inspection deleted: its steps go before the cascade, when the items can no
longer find their publication date). Each trigger adds its rows' changes to the rows they reach, in one
statement with the rows in key order, so concurrent writers lock them in one order; it never recounts,
which under PostgreSQL's read committed would lose a concurrent transaction's change.

SQLite and PostgreSQL write their triggers differently; the statements here are built from one
description of the three kinds of item (ITEMS) and of the measures, for both. A change to either needs a
migration that calls `rebuild` and `create_triggers`. `rebuild` counts everything afresh (the migration
that made the table, and bulk loads, which `bulk_load` runs with the triggers off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

TABLE = "open_item_steps"
DUE_WITHIN = (7, 30, 90)  # the "due within N days" measures kept: the dashboard's windows and "due soon"
MEASURES = ("open", "overdue", *(f"due_{days}" for days in DUE_WITHIN))
SPANS = ("day", "month", "year")
_KEY = "force_id, measure, span, starts_on, item_type"  # the primary key, in its order


def due_within(days: int) -> str:
    """The measure of the items due within this many days (from the as-of date to N days after it)."""
    return f"due_{days}"


@dataclass(frozen=True)
class Items:
    """A table whose rows are items: its name, the dashboard's name for its kind, its closing date."""

    table: str
    item_type: str
    closed: str

    @property
    def watched(self) -> str:
        """The columns whose change moves the counts."""
        return f"force_id, inspection_id, due_on, {self.closed}"


PAIRS_WATCHED = "inspection_id, force_id, in_scope"  # inspection_forces' columns that move the counts

ITEMS = (
    Items("trackings", "recommendation", "closed_on"),
    Items("actions", "action", "completed_on"),
    Items("statutory_responses", "statutory_response", "published_on"),
)


@dataclass(frozen=True)
class Dialect:
    """What SQLite and PostgreSQL write differently in these statements (`{}`: the dates, the row)."""

    later: str  # the later of two dates (neither NULL)
    earlier: str  # the earlier of two dates (neither NULL)
    plus_days: str  # a date plus a number of days (`{days:+d}`)
    month: str  # the first day of a date's month
    year: str  # the first day of a date's year
    left_out: str  # an inspection_forces row's in_scope is false


DIALECTS = {
    "sqlite": Dialect(later="max({}, {})", earlier="min({}, {})", plus_days="date({date}, '{days:+d} days')",
                      month="date({}, 'start of month')", year="date({}, 'start of year')",
                      left_out="{}.in_scope = 0"),
    "postgresql": Dialect(later="greatest({}, {})", earlier="least({}, {})", plus_days="({date} + {days:d})",
                          month="date_trunc('month', {})::date", year="date_trunc('year', {})::date",
                          left_out="{}.in_scope IS false"),
}


def _steps(d: Dialect, base: str, item_type: str, sign: int) -> list[str]:
    """SELECTs of the steps (force_id, measure, on_day, item_type, delta) of the items of `base`, a
    subquery of (force_id, p, d, c): see the module's docstring; `sign` -1 takes them back."""
    def plus(days: int) -> str:
        return d.plus_days.format(date="b.d", days=days)

    overdue_from = d.later.format("b.p", plus(1))
    steps = [("open", "b.p", 1, ""), ("open", d.later.format("b.p", "b.c"), -1, " AND b.c IS NOT NULL"),
             ("overdue", overdue_from, 1, " AND b.d IS NOT NULL"),
             ("overdue", d.later.format(overdue_from, "b.c"), -1, " AND b.d IS NOT NULL AND b.c IS NOT NULL")]
    for days in DUE_WITHIN:
        due_from = d.later.format("b.p", plus(-days))
        due_until = d.earlier.format(f"coalesce(b.c, {plus(1)})", plus(1))
        steps += [(due_within(days), due_from, 1, " AND b.d IS NOT NULL"),
                  (due_within(days), d.later.format(due_from, due_until), -1, " AND b.d IS NOT NULL")]
    return [f"SELECT b.force_id, '{measure}' AS measure, {on_day} AS on_day, '{item_type}' AS item_type,"
            f" {step * sign} AS delta FROM {base} AS b WHERE b.p IS NOT NULL{condition}"
            for measure, on_day, step, condition in steps]


def _spread(d: Dialect, steps: str) -> str:
    """A SELECT of the rows of _KEY and their change: the steps (a subquery of force_id, measure, on_day,
    item_type, delta) summed by day, by month and by year, in key order (the order concurrent writers lock
    the rows in)."""
    starts_on = (f"CASE spans.span WHEN 'day' THEN s.on_day WHEN 'month' THEN {d.month.format('s.on_day')}"
                 f" ELSE {d.year.format('s.on_day')} END")
    spans = " UNION ALL ".join(f"SELECT '{span}' AS span" for span in SPANS)
    return (f"SELECT s.force_id, s.measure, spans.span, {starts_on} AS starts_on, s.item_type, sum(s.delta)\n"
            f"    FROM {steps} AS s CROSS JOIN ({spans}) AS spans\n"
            f"    GROUP BY s.force_id, s.measure, spans.span, {starts_on}, s.item_type HAVING sum(s.delta) <> 0\n"
            f"    ORDER BY s.force_id, s.measure, spans.span, {starts_on}, s.item_type")


def _union(selects: list[str]) -> str:
    return "(\n      " + "\n      UNION ALL ".join(selects) + "\n    )"


def _add(d: Dialect, steps: list[str]) -> str:
    """One INSERT adding these steps to the kept rows (see _spread)."""
    return (f"INSERT INTO {TABLE} ({_KEY}, change)\n    {_spread(d, _union(steps))}\n"
            f"    ON CONFLICT ({_KEY})\n    DO UPDATE SET change = {TABLE}.change + excluded.change")


def _in_scope(d: Dialect, row: str) -> str:
    """The row's force is not left out of its inspection's scope."""
    return (f"NOT EXISTS (SELECT 1 FROM inspection_forces s WHERE s.inspection_id = {row}.inspection_id"
            f" AND s.force_id = {row}.force_id AND {d.left_out.format('s')})")


def _published(row: str) -> str:
    """The publication date of the row's inspection (NULL once the inspection is deleted)."""
    return f"(SELECT x.published_on FROM inspections x WHERE x.id = {row}.inspection_id)"


def _item_change(d: Dialect, items: Items, rows: tuple[str, ...]) -> str:
    """The INSERT a trigger on an item table runs: the OLD row's steps taken back, the NEW row's added."""
    steps = []
    for row in rows:
        base = (f"(SELECT {row}.force_id AS force_id, {_published(row)} AS p, {row}.due_on AS d,"
                f" {row}.{items.closed} AS c WHERE {_in_scope(d, row)})")
        steps += _steps(d, base, items.item_type, -1 if row == "OLD" else 1)
    return _add(d, steps)


def _pair_change(d: Dialect, row: str, sign: int, when: str = "") -> str:
    """The INSERT a trigger on inspection_forces runs when a force is left out of an inspection (sign -1)
    or brought back (sign 1): the steps of that inspection's items in that force (`when`: only if this
    also holds)."""
    steps = []
    for items in ITEMS:
        base = (f"(SELECT i.force_id AS force_id, {_published(row)} AS p, i.due_on AS d, i.{items.closed} AS c"
                f" FROM {items.table} i WHERE {when + ' AND ' if when else ''}i.force_id = {row}.force_id"
                f" AND i.inspection_id = {row}.inspection_id)")
        steps += _steps(d, base, items.item_type, sign)
    return _add(d, steps)


def _inspection_change(d: Dialect, row: str, sign: int) -> str:
    """The INSERT a trigger on inspections runs: the steps of all its items in scope, with the row's
    publication date, taken back (OLD, sign -1) or added (NEW, sign 1)."""
    steps = []
    for items in ITEMS:
        base = (f"(SELECT i.force_id AS force_id, {row}.published_on AS p, i.due_on AS d, i.{items.closed} AS c"
                f" FROM {items.table} i WHERE i.inspection_id = {row}.id AND {_in_scope(d, 'i')})")
        steps += _steps(d, base, items.item_type, sign)
    return _add(d, steps)


def _counted_now(d: Dialect) -> str:
    """A SELECT of the kept rows as they are now, counted from every item (the rows of _KEY and their
    change). The steps are summed by day first: far fewer rows to spread over three spans."""
    steps = []
    for items in ITEMS:
        base = (f"(SELECT i.force_id AS force_id, x.published_on AS p, i.due_on AS d, i.{items.closed} AS c"
                f" FROM {items.table} i JOIN inspections x ON x.id = i.inspection_id WHERE {_in_scope(d, 'i')})")
        steps += _steps(d, base, items.item_type, 1)
    by_day = (f"(SELECT force_id, measure, on_day, item_type, sum(delta) AS delta FROM {_union(steps)} AS steps"
              " GROUP BY force_id, measure, on_day, item_type)")
    return _spread(d, by_day)


# --- SQLite: a trigger per table and operation, each one statement or two ------------------------

def _sqlite_triggers() -> list[tuple[str, str]]:
    """(name, CREATE TRIGGER) of every SQLite trigger."""
    d = DIALECTS["sqlite"]
    triggers = []
    for items in ITEMS:
        for operation, rows, on in (("insert", ("NEW",), "INSERT"), ("delete", ("OLD",), "DELETE"),
                                    ("update", ("OLD", "NEW"), f"UPDATE OF {items.watched}")):
            name = f"{TABLE}_{items.table}_{operation}"
            triggers.append((name, f"CREATE TRIGGER {name} AFTER {on} ON {items.table} FOR EACH ROW BEGIN\n"
                                   f"  {_item_change(d, items, rows)};\nEND"))
    pairs = "inspection_forces"
    for operation, on, changes in (
        ("insert", "INSERT", [("NEW", -1)]),
        ("delete", "DELETE", [("OLD", 1)]),
        ("update", f"UPDATE OF {PAIRS_WATCHED}", [("OLD", 1), ("NEW", -1)]),
    ):
        name = f"{TABLE}_{pairs}_{operation}"
        body = "".join(f"  {_pair_change(d, row, sign, when=d.left_out.format(row))};\n" for row, sign in changes)
        triggers.append((name, f"CREATE TRIGGER {name} AFTER {on} ON {pairs} FOR EACH ROW BEGIN\n{body}END"))
    # An inspection's steps go before it does: after, its items (deleted by the cascade) find no date.
    triggers.append((f"{TABLE}_inspections_delete",
                     f"CREATE TRIGGER {TABLE}_inspections_delete BEFORE DELETE ON inspections FOR EACH ROW BEGIN\n"
                     f"  {_inspection_change(d, 'OLD', -1)};\nEND"))
    triggers.append((f"{TABLE}_inspections_update",
                     f"CREATE TRIGGER {TABLE}_inspections_update AFTER UPDATE OF published_on ON inspections"
                     f" FOR EACH ROW WHEN OLD.published_on IS NOT NEW.published_on BEGIN\n"
                     f"  {_inspection_change(d, 'OLD', -1)};\n  {_inspection_change(d, 'NEW', 1)};\nEND"))
    return triggers


# --- PostgreSQL: a trigger function per table, choosing by the operation ---------------------------

def _postgresql_triggers() -> list[tuple[str, str, str, str]]:
    """(table, function name, CREATE FUNCTION, the trigger's timing and events) of every PostgreSQL trigger."""
    d = DIALECTS["postgresql"]
    triggers = []
    for items in ITEMS:
        name = f"{TABLE}_{items.table}"
        body = (f"IF TG_OP = 'INSERT' THEN\n    {_item_change(d, items, ('NEW',))};\n"
                f"  ELSIF TG_OP = 'DELETE' THEN\n    {_item_change(d, items, ('OLD',))};\n"
                f"  ELSE\n    {_item_change(d, items, ('OLD', 'NEW'))};\n  END IF;")
        triggers.append((items.table, name, _plpgsql(name, body),
                         f"AFTER INSERT OR DELETE OR UPDATE OF {items.watched}"))
    name = f"{TABLE}_inspection_forces"
    body = (f"IF TG_OP IN ('UPDATE', 'DELETE') AND {d.left_out.format('OLD')} THEN\n    {_pair_change(d, 'OLD', 1)};\n"
            f"  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') AND {d.left_out.format('NEW')} THEN\n"
            f"    {_pair_change(d, 'NEW', -1)};\n  END IF;")
    triggers.append(("inspection_forces", name, _plpgsql(name, body), f"AFTER INSERT OR DELETE OR UPDATE OF {PAIRS_WATCHED}"))
    # An inspection's steps go before it does: after, its items (deleted by the cascade) find no date.
    name = f"{TABLE}_inspections"
    body = (f"IF TG_OP = 'DELETE' THEN\n    {_inspection_change(d, 'OLD', -1)};\n    RETURN OLD;\n  END IF;\n"
            f"  IF OLD.published_on IS DISTINCT FROM NEW.published_on THEN\n"
            f"    {_inspection_change(d, 'OLD', -1)};\n    {_inspection_change(d, 'NEW', 1)};\n  END IF;\n"
            "  RETURN NEW;")
    triggers.append(("inspections", name, _plpgsql(name, body), "BEFORE DELETE OR UPDATE OF published_on"))
    return triggers


def _plpgsql(name: str, body: str) -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  {body}\n"
            "  RETURN NULL;\nEND\n$$")


# --- what the migration and bulk loads call -----------------------------------------------------------

def create_triggers(connection: sa.Connection) -> None:
    """Make the triggers that keep the counts (replacing any of the same name)."""
    drop_triggers(connection)
    if connection.dialect.name == "sqlite":
        for _name, create in _sqlite_triggers():
            connection.exec_driver_sql(create)
        return
    for table, name, create, events in _postgresql_triggers():
        connection.exec_driver_sql(create)
        connection.exec_driver_sql(f"CREATE TRIGGER {name} {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")


def drop_triggers(connection: sa.Connection) -> None:
    """Remove the triggers (the counts then stand still until `rebuild`)."""
    if connection.dialect.name == "sqlite":
        for name, _create in _sqlite_triggers():
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return
    for table, name, _create, _events in _postgresql_triggers():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")


def rebuild(connection: sa.Connection) -> None:
    """Count every item afresh."""
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    connection.exec_driver_sql(f"INSERT INTO {TABLE} ({_KEY}, change) {_counted_now(DIALECTS[connection.dialect.name])}")


@contextmanager
def bulk_load(connection: sa.Connection) -> Iterator[None]:
    """Write many items at once with the triggers off, then count them all once (a million rows each
    adding to the counts one by one take a good part of the load's time)."""
    drop_triggers(connection)
    try:
        yield
    finally:
        rebuild(connection)
        create_triggers(connection)


def differences(connection: sa.Connection) -> list[tuple]:
    """Where the kept rows differ from a count made now: (force_id, measure, span, starts_on, item_type,
    kept, counted) for each; none when they agree (rows of zero match no row)."""
    counted = _counted_now(DIALECTS[connection.dialect.name])
    kept = f"SELECT {_KEY}, change FROM {TABLE} WHERE change <> 0"
    on = " AND ".join(f"k.{column} = c.{column}" for column in _KEY.split(", "))
    key = ", ".join(f"coalesce(k.{column}, c.{column})" for column in _KEY.split(", "))
    rows = connection.exec_driver_sql(
        f"WITH counted ({_KEY}, change) AS ({counted}), kept AS ({kept}) "
        f"SELECT {key}, k.change, c.change FROM kept k FULL OUTER JOIN counted c ON {on}"
        " WHERE k.change IS NULL OR c.change IS NULL OR k.change <> c.change").all()
    return [tuple(row) for row in rows]
