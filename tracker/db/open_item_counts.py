"""The open items counted by their force, kind and due date, kept by the database itself as rows change.

The dashboard and the data API show how many items are overdue and due soon. Counted at each request,
that reads every open item of the forces in view, so a page costs more as the register grows (ten
times the open items, three to twelve times the page). Here the database keeps the counts instead, in
`open_item_counts` (models.OpenItemCount): one row per force, kind of item and due date, and one per
force, kind and month of the due date, so that "overdue on a day" reads the months before its month and
the days of its month, a few hundred rows whatever the size of the register. Items with no due date
have one row per force and kind ("undated").

An item counts while it is not closed (a tracking's closed_on, an action's completed_on, a response's
published_on) and its force is not left out of its inspection's scope (an inspection_forces row with
in_scope false), as overdue.in_scope has it. Closing, reopening, a new due date, a new item, a deleted
one, or a force left out or brought back changes the counts.

Triggers keep them, not the application: every write, whether the session's, a bulk insert's
(generate-demo), a cascade's or a hand-run statement, moves them in the same transaction, and none can be
missed. Each trigger adds its row's change (+1, -1) to the rows it reaches, in one statement with the
rows in key order, so concurrent writers lock them in one order; it never recounts, which under
PostgreSQL's read committed would lose a concurrent transaction's change. The counts of past dates are
not kept: an item closed after a past date was open on it, and is counted from the items then
(overdue.summary_counts).

SQLite and PostgreSQL write their triggers differently; the statements here are built from one
description of the three kinds of item (ITEMS), for both. `rebuild` counts everything afresh (the
migration that made the table, and bulk loads, which `bulk_load` runs with the triggers off).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa

TABLE = "open_item_counts"
UNDATED_ON = "0001-01-01"  # the starts_on of the "undated" rows, never a due date


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
    """What SQLite and PostgreSQL write differently in these statements."""

    month: str  # the first day of the month of a date, `{}` for the date
    left_out: str  # an inspection_forces row's in_scope is false, `{}` for the row
    date: str  # a date literal, `{}` for its ISO text


DIALECTS = {
    "sqlite": Dialect(month="date({}, 'start of month')", left_out="{}.in_scope = 0", date="'{}'"),
    "postgresql": Dialect(month="date_trunc('month', {})::date", left_out="{}.in_scope IS false", date="DATE '{}'"),
}


def _keys(d: Dialect, force: str, due: str, item_type: str, delta: str, where: str) -> list[str]:
    """SELECTs of the rows one item (or a set of them) counts in: its day and month, or undated."""
    return [
        f"SELECT {force} AS force_id, 'day' AS span, {due} AS starts_on, '{item_type}' AS item_type, {delta} AS delta"
        f" {where} AND {due} IS NOT NULL",
        f"SELECT {force}, 'month', {d.month.format(due)}, '{item_type}', {delta} {where} AND {due} IS NOT NULL",
        f"SELECT {force}, 'undated', {d.date.format(UNDATED_ON)}, '{item_type}', {delta} {where} AND {due} IS NULL",
    ]


def _summed(selects: list[str]) -> str:
    """The changes of these SELECTs (force_id, span, starts_on, item_type, delta) summed by key, in key
    order (the order concurrent writers lock the rows in)."""
    union = "\n      UNION ALL ".join(selects)
    return (f"SELECT force_id, span, starts_on, item_type, sum(delta) FROM (\n      {union}\n    ) AS changes\n"
            "    GROUP BY force_id, span, starts_on, item_type HAVING sum(delta) <> 0\n"
            "    ORDER BY force_id, span, starts_on, item_type")


_COLUMNS = "force_id, span, starts_on, item_type, open_items"


def _add(selects: list[str]) -> str:
    """One INSERT adding the changes of these SELECTs to the counts (see _summed)."""
    return (f"INSERT INTO {TABLE} ({_COLUMNS})\n    {_summed(selects)}\n"
            "    ON CONFLICT (force_id, span, starts_on, item_type)\n"
            f"    DO UPDATE SET open_items = {TABLE}.open_items + excluded.open_items")


def _counted(d: Dialect, items: Items, row: str) -> str:
    """Whether a row (OLD or NEW) of an item table counts: not closed, and its force not left out."""
    return (f"{row}.{items.closed} IS NULL AND NOT EXISTS (SELECT 1 FROM inspection_forces s"
            f" WHERE s.inspection_id = {row}.inspection_id AND s.force_id = {row}.force_id AND {d.left_out.format('s')})")


def _item_change(d: Dialect, items: Items, rows: tuple[str, ...]) -> str:
    """The INSERT a trigger on an item table runs: -1 where the OLD row counted, +1 where the NEW does."""
    selects = []
    for row in rows:
        selects += _keys(d, f"{row}.force_id", f"{row}.due_on", items.item_type, "-1" if row == "OLD" else "1",
                         f"WHERE {_counted(d, items, row)}")
    return _add(selects)


def _pair_change(d: Dialect, row: str, sign: str, when: str = "") -> str:
    """The INSERT a trigger on inspection_forces runs when a force is left out of an inspection (sign -1)
    or brought back (sign 1): the open items of that inspection in that force, grouped (`when`: only
    if this also holds)."""
    selects = []
    for items in ITEMS:
        where = (f"FROM {items.table} i WHERE {when + ' AND ' if when else ''}i.force_id = {row}.force_id"
                 f" AND i.{items.closed} IS NULL AND i.inspection_id = {row}.inspection_id")
        selects += _keys(d, "i.force_id", "i.due_on", items.item_type, sign, where)
    return _add(selects)


def _counted_now(d: Dialect) -> str:
    """A SELECT of the counts as they are now, counted from every item (the rows of _COLUMNS)."""
    selects = []
    for items in ITEMS:
        where = f"FROM {items.table} i WHERE {_counted(d, items, 'i')}"
        selects += _keys(d, "i.force_id", "i.due_on", items.item_type, "1", where)
    return _summed(selects)


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
        ("insert", "INSERT", [("NEW", "-1")]),
        ("delete", "DELETE", [("OLD", "1")]),
        ("update", f"UPDATE OF {PAIRS_WATCHED}", [("OLD", "1"), ("NEW", "-1")]),
    ):
        name = f"{TABLE}_{pairs}_{operation}"
        body = "".join(f"  {_pair_change(d, row, sign, when=d.left_out.format(row))};\n" for row, sign in changes)
        triggers.append((name, f"CREATE TRIGGER {name} AFTER {on} ON {pairs} FOR EACH ROW BEGIN\n{body}END"))
    return triggers


# --- PostgreSQL: a trigger function per table, choosing by the operation ---------------------------

def _postgresql_functions() -> list[tuple[str, str, str, str]]:
    """(table, the columns watched, function name, CREATE FUNCTION) of every PostgreSQL trigger function."""
    d = DIALECTS["postgresql"]
    functions = []
    for items in ITEMS:
        name = f"{TABLE}_{items.table}"
        body = (f"IF TG_OP = 'INSERT' THEN\n    {_item_change(d, items, ('NEW',))};\n"
                f"  ELSIF TG_OP = 'DELETE' THEN\n    {_item_change(d, items, ('OLD',))};\n"
                f"  ELSE\n    {_item_change(d, items, ('OLD', 'NEW'))};\n  END IF;")
        functions.append((items.table, items.watched, name, _plpgsql(name, body)))
    name = f"{TABLE}_inspection_forces"
    body = (f"IF TG_OP IN ('UPDATE', 'DELETE') AND {d.left_out.format('OLD')} THEN\n    {_pair_change(d, 'OLD', '1')};\n"
            f"  END IF;\n  IF TG_OP IN ('INSERT', 'UPDATE') AND {d.left_out.format('NEW')} THEN\n"
            f"    {_pair_change(d, 'NEW', '-1')};\n  END IF;")
    functions.append(("inspection_forces", PAIRS_WATCHED, name, _plpgsql(name, body)))
    return functions


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
    for table, watched, name, create in _postgresql_functions():
        connection.exec_driver_sql(create)
        connection.exec_driver_sql(
            f"CREATE TRIGGER {name} AFTER INSERT OR DELETE OR UPDATE OF {watched} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {name}()")


def drop_triggers(connection: sa.Connection) -> None:
    """Remove the triggers (the counts then stand still until `rebuild`)."""
    if connection.dialect.name == "sqlite":
        for name, _create in _sqlite_triggers():
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        return
    for table, _watched, name, _create in _postgresql_functions():
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")


def rebuild(connection: sa.Connection) -> None:
    """Count every open item afresh."""
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    connection.exec_driver_sql(f"INSERT INTO {TABLE} ({_COLUMNS}) {_counted_now(DIALECTS[connection.dialect.name])}")


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
    """Where the kept counts differ from a count made now: (force_id, span, starts_on, item_type, kept,
    counted) for each; none when they agree (rows of zero match no row)."""
    counted = _counted_now(DIALECTS[connection.dialect.name])
    kept = f"SELECT {_COLUMNS} FROM {TABLE} WHERE open_items <> 0"
    rows = connection.exec_driver_sql(
        f"WITH counted ({_COLUMNS}) AS ({counted}), kept AS ({kept}) "
        "SELECT coalesce(k.force_id, c.force_id), coalesce(k.span, c.span), coalesce(k.starts_on, c.starts_on),"
        " coalesce(k.item_type, c.item_type), k.open_items, c.open_items"
        " FROM kept k FULL OUTER JOIN counted c ON k.force_id = c.force_id AND k.span = c.span"
        " AND k.starts_on = c.starts_on AND k.item_type = c.item_type"
        " WHERE k.open_items IS NULL OR c.open_items IS NULL OR k.open_items <> c.open_items").all()
    return [tuple(row) for row in rows]
