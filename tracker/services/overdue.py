"""What is overdue (or due soon) on any as-of date: recommendations, actions and statutory responses.

One UNION ALL of the three kinds of item serves the dashboard, its exports, the committee pack and
the `overdue` command, each reading the (force, due date, closed date, inspection) indexes; nothing
is loaded per row. An item closed after the as-of date still counts as open on it, and one of an
inspection published after it is left out, so past dates answer truthfully. The counts of any date,
narrowed by no more than the forces and the kind of item, read the steps the database keeps
(models.OpenItemStep), so they cost the same however many items there are.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from functools import cache, lru_cache
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from tracker.db import db, open_item_counts
from tracker.domain.deadlines import DUE_SOON_DAYS
from tracker.domain.register import (  # noqa: F401  (the register's names, read from here by callers)
    ITEM_TYPES,
    RESPONSE_STATUSES,
    SORTS,
    WINDOWS,
    ItemFilter,
    Row,
    publication_check_needed,
    response_title,
    status_choices,
    status_label,
)
from tracker.domain.statuses import ActionStatus, TrackingStatus
from tracker.models import (
    Action,
    Force,
    Inspection,
    InspectionForce,
    OpenItemStep,
    ProgressUpdate,
    Recommendation,
    StatutoryResponse,
    Tracking,
    recommendation_themes,
)
from tracker.services import read_rows, written_out
from tracker.services.inspections import titled


def _short(text: str, length: int = 120) -> str:
    """Shorten a recommendation's text to a title."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# --- the dashboard's query: filtered, sorted and paginated in SQL --------------------------------
#
# One UNION ALL of the three kinds of item, with the same columns, filtered and sorted as a whole.
# Every page of the dashboard runs a fixed number of queries whatever the number of rows: the
# counts, the total, the page's rows and the page's last-update dates (one grouped query).
# Days overdue are ordered by the due date (the earlier, the later), so no date arithmetic is done
# in SQL, which keeps it portable between SQLite and PostgreSQL.

def resolve(f: ItemFilter) -> ItemFilter:
    """The filter with check_published decided (one indexed look-up, unless already decided)."""
    if f.check_published is not None:
        return f
    return replace(f, check_published=publication_check_needed(latest_publication(), f.as_of))


def latest_publication() -> date | None:
    """The latest inspection's publication date (one indexed look-up)."""
    return db.session.scalar(sa.select(sa.func.max(Inspection.published_on)))


def _day(value: date):
    """A date written into the statement rather than sent beside it. PostgreSQL then plans the statement
    once per connection (a generic plan) knowing the dates: with them as parameters it guessed that a
    date range holds a third of a table, and the plan read whole tables (tens of milliseconds), so it
    planned afresh at every request instead (a millisecond a statement). The statement's text changes
    with the date, which is mostly today's."""
    return sa.literal(value, sa.Date, literal_execute=True)


def _ids(ids):
    """Ids written into the statement rather than sent beside it, as _day's dates (the statements are
    built and kept per filter, so their text is the same for the same forces). With the forces as
    parameters PostgreSQL planned the page's rows and its due-date cut afresh at every request for
    every force (it judged their generic plans dearer): two milliseconds of the page."""
    return [sa.literal(i, sa.Integer, literal_execute=True) for i in ids]


def _text(column):
    """An enum column read as its string value, the same in every branch of the union."""
    return sa.type_coerce(column, sa.String)


@dataclass(frozen=True)
class Kind:
    """One kind of item: the table whose rows are the items, and the joins that reach the tables its
    other columns read, in order (a column of a later table needs the joins before it too)."""

    type: str
    table: type
    joins: tuple[tuple[type, sa.ColumnElement[bool]], ...] = ()


KINDS = (
    Kind("recommendation", Tracking, ((Recommendation, Tracking.recommendation_id == Recommendation.id),)),
    Kind("action", Action, ((Tracking, Action.tracking_id == Tracking.id),
                            (Recommendation, Tracking.recommendation_id == Recommendation.id))),
    Kind("statutory_response", StatutoryResponse, ((Force, StatutoryResponse.force_id == Force.id),)),
)

# Every column of the union but its type, declared once: its value in each kind of item, in the order
# of KINDS (None: the kind has none, NULL in the union). The inspection is read from the item's own copy
# of it, so that one inspection's rows are found from the (inspection, force) indexes, and counted with
# no join.
COLUMNS: dict[str, tuple] = {
    "id": (Tracking.id, Action.id, StatutoryResponse.id),
    "tracking_id": (Tracking.id, Action.tracking_id, None),
    "force_id": (Tracking.force_id, Action.force_id, StatutoryResponse.force_id),
    "recommendation_id": (Recommendation.id, Recommendation.id, None),
    "inspection_id": (Tracking.inspection_id, Action.inspection_id, StatutoryResponse.inspection_id),
    "ref": (Recommendation.ref, Recommendation.ref, None),
    "kind": (_text(Recommendation.kind), _text(Recommendation.kind), None),
    "title": (Recommendation.text, sa.cast(Action.title, sa.Text), sa.cast(sa.literal("s.55 response"), sa.Text)),
    "owner": (Tracking.lead_officer, Action.owner, Force.commissioner_title),
    "status": (_text(Tracking.status), _text(Action.status),
               sa.case((StatutoryResponse.published_on.is_(None), "not_published"), else_="published")),
    "due_on": (Tracking.due_on, Action.due_on, StatutoryResponse.due_on),
    "closed_on": (Tracking.closed_on, Action.completed_on, StatutoryResponse.published_on),
    "rag_forecast": (_text(Tracking.rag_forecast), _text(Tracking.rag_forecast), None),
    "blocked_by": (Tracking.blocked_by, None, None),
}


def _columns(kind_index: int, names) -> SimpleNamespace:
    """Some columns of one kind of item, by the union's names (its type as a constant)."""
    values = {name: COLUMNS[name][kind_index] for name in names}
    return SimpleNamespace(type=sa.literal_column(f"'{KINDS[kind_index].type}'"), **values)


def _from(kind: Kind, columns: SimpleNamespace) -> sa.Select:
    """A select from the kind's table, joined to the tables the columns read and to none other."""
    read = {table for value in vars(columns).values() if value is not None
            for table in find_tables(value.expression, check_columns=True)}
    needed = [i for i, (model, _on) in enumerate(kind.joins) if model.__table__ in read]
    q = sa.select().select_from(kind.table)
    for model, on in kind.joins[:max(needed) + 1] if needed else ():
        q = q.join(model, on)
    return q


def _union():
    """The three kinds of item as one selectable with the same columns."""
    branches = []
    for index, kind in enumerate(KINDS):
        c = _columns(index, COLUMNS)
        branches.append(_from(kind, c).add_columns(
            *(sa.null().label(name) if value is None else value.label(name) for name, value in vars(c).items())))
    return sa.union_all(*branches).subquery("items")


def in_scope(inspection_id, force_id):
    """The item's force is in the scope of its inspection. A force taken out of scope (with its
    reason) keeps its records, but owes nothing for that inspection: no response is due and nothing
    is chased or counted.

    One filter over the few out-of-scope (inspection, force) pairs, each list built once per query
    (SQLite's ephemeral index, PostgreSQL's hashed subplan), so the (force, closed date, due date,
    inspection) indexes still serve the rest. Most rows are settled by their inspection alone (one
    with no force left out), which costs a third of testing the pair (measured at national scale).
    """
    by_inspection, by_pair = _left_out()
    return sa.or_(inspection_id.not_in(by_inspection), sa.tuple_(inspection_id, force_id).not_in(by_pair))


@cache
def _left_out() -> tuple[sa.Select, sa.Select]:
    """The out-of-scope inspections, and (inspection, force) pairs: two fixed subqueries, built once
    (in_scope is in every query of the dashboard, several times)."""
    left_out = InspectionForce.in_scope.is_(False)
    return (sa.select(InspectionForce.inspection_id).where(left_out),
            sa.select(InspectionForce.inspection_id, InspectionForce.force_id).where(left_out))


# Open on the as-of date means one of two disjoint things: not closed, or closed after it. The counts
# read each part from its own range of the (force, closed date, due date, inspection) indexes.
OPEN_PARTS = ("not_closed", "closed_later")


def _open_on(u, as_of: date, part: str | None = None):
    """Open on the as-of date: not closed, or closed after it; or only one of those parts (OPEN_PARTS)."""
    if part == "not_closed":
        return u.c.closed_on.is_(None)
    if part == "closed_later":
        return u.c.closed_on > _day(as_of)
    return sa.or_(u.c.closed_on.is_(None), u.c.closed_on > _day(as_of))


def _where(u, f: ItemFilter, *, window: bool = True, published_filter: bool = True, open_part: str | None = None) -> list:
    """The conditions of a filter on the union `u`; `window=False` leaves out the due window;
    `published_filter=False` leaves out the publication date (when publication_check_needed says no);
    `open_part` keeps only one part of the open items (OPEN_PARTS)."""
    conds = [
        u.c.force_id.in_(_ids(f.force_ids)),
        _open_on(u, f.as_of, open_part),
    ]
    if published_filter:
        # Inspections published after the as-of date did not exist then.
        conds.append(u.c.inspection_id.in_(sa.select(Inspection.id).where(Inspection.published_on <= _day(f.as_of))))
    if f.inspection_id is not None:
        conds.append(u.c.inspection_id == f.inspection_id)
    if f.inspection_words:
        conds.append(u.c.inspection_id.in_(sa.select(Inspection.id).where(titled(f.inspection_words))))
    if f.inspection_type:
        conds.append(u.c.inspection_id.in_(sa.select(Inspection.id).where(Inspection.type == f.inspection_type)))
    if f.source:
        conds.append(u.c.inspection_id.in_(sa.select(Inspection.id).where(Inspection.source == f.source)))
    if f.item_type:
        conds.append(u.c.type == f.item_type)
    if f.kind:
        conds.append(u.c.kind == f.kind)
    if f.theme_id is not None:
        conds.append(u.c.recommendation_id.in_(
            sa.select(recommendation_themes.c.recommendation_id).where(recommendation_themes.c.theme_id == f.theme_id)
        ))
    if f.owner:
        conds.append(u.c.owner == f.owner)
    if f.status:
        conds.append(u.c.status == f.status)
    if f.blocked:
        conds.append(u.c.blocked_by.is_not(None))
    if window:
        conds.append(_window(u, f.window, f.as_of))
    conds.append(in_scope(u.c.inspection_id, u.c.force_id))  # last: SQLite tests the cheap terms first
    return conds


def _window(u, window: str, as_of: date):
    """The due-window condition: overdue, due within N days, or every open item."""
    if window == "overdue":
        return u.c.due_on < _day(as_of)
    if window == "open":
        return sa.true()
    if window == "reminders":  # overdue or due within 30 days (items with no date have nothing to remind of)
        return u.c.due_on <= _day(as_of + timedelta(days=DUE_SOON_DAYS))
    return sa.and_(u.c.due_on >= _day(as_of), u.c.due_on <= _day(as_of + timedelta(days=int(window))))


def _last_update_subquery(u, as_of: date):
    """A correlated subquery: the latest progress update (on or before the as-of date) of the row's actions."""
    by_action = sa.select(sa.func.max(ProgressUpdate.occurred_on)).where(
        ProgressUpdate.action_id == u.c.id, ProgressUpdate.occurred_on <= _day(as_of))
    by_tracking = (
        sa.select(sa.func.max(ProgressUpdate.occurred_on))
        .join(Action, ProgressUpdate.action_id == Action.id)
        .where(Action.tracking_id == u.c.tracking_id, ProgressUpdate.occurred_on <= _day(as_of))
    )
    return sa.case(
        (u.c.type == "action", by_action.scalar_subquery()),
        (u.c.type == "recommendation", by_tracking.scalar_subquery()),
        else_=sa.null(),
    )


def _order(u, sort: str, descending: bool, as_of: date):
    """ORDER BY clauses for a sort column; ties broken by due date, force, inspection, reference, id."""
    columns = {
        "days": [u.c.due_on],  # most days overdue = earliest due date
        "due": [u.c.due_on],
        "type": [u.c.type],
        "force": [Force.name],
        "inspection": [Inspection.title],
        "ref": [u.c.ref],
        "owner": [u.c.owner],
        "status": [u.c.status],
        "updated": [_last_update_subquery(u, as_of)],
    }[sort]
    # "days" sorts the other way round to the due date: descending days = ascending dates.
    flip = descending != (sort == "days")
    primary = [(c.desc() if flip else c.asc()).nulls_last() for c in columns]
    ties = [u.c.due_on.asc().nulls_last(), Force.name, Inspection.title, u.c.ref.asc().nulls_last(), u.c.type, u.c.id]
    return primary + ties


def _row_select(u):
    """Select the union's rows with their force and inspection, ready to become Rows."""
    return (
        sa.select(u, Force.slug.label("force_slug"), Force.name.label("force_name"),
                  Inspection.slug.label("inspection_slug"), Inspection.title.label("inspection_title"),
                  Inspection.type.label("inspection_type"), Inspection.source.label("source"))
        .join(Force, u.c.force_id == Force.id)
        .join(Inspection, u.c.inspection_id == Inspection.id)
    )


def _needs_recommendation(f: ItemFilter) -> bool:
    """Whether the filter asks about the recommendation of a row (its kind or themes: a join for tracking
    rows and actions). Their inspection is on the row itself, so the inspection filters and the
    publication date of a past as-of date need none."""
    return bool(f.kind or f.theme_id is not None)


def _counting_branches(f: ItemFilter) -> list:
    """The three kinds of item as separate selects of only the columns the filter reads, joined only
    where it needs (the default view, today or on a past date, reads each table's own columns from
    its covering (force, due date, closed date, inspection) index).

    Each is (type, columns, select-from) where columns has the union's column names.
    """
    names = ["id", "force_id", "inspection_id", "status", "due_on", "closed_on"]
    if f.owner:
        names.append("owner")
    if _needs_recommendation(f):
        names += ["recommendation_id", "kind"]
    if f.blocked:
        names.append("blocked_by")
    branches = []
    for index, kind in enumerate(KINDS):
        c = _columns(index, names)
        branches.append((kind.type, c, _from(kind, c)))
    return branches


def _branch_where(c, f: ItemFilter, published_filter: bool, *, window: bool = True,
                  open_part: str | None = None) -> list:
    """The filter's conditions on one kind of item (as _where on the union); a condition on a column the
    kind has not (a response's kind or themes) selects nothing, as NULL does in the union."""
    if getattr(c, "kind", "") is None and (f.kind or f.theme_id is not None):
        return [sa.false()]
    if getattr(c, "blocked_by", "") is None and f.blocked:  # only a recommendation is blocked
        return [sa.false()]
    return _where(SimpleColumns(c), f, window=window, published_filter=published_filter, open_part=open_part)


class SimpleColumns:
    """Gives a namespace of columns the `.c` of a selectable, so _where reads it as it reads the union."""

    def __init__(self, columns):
        self.c = columns


def count_items(f: ItemFilter) -> int:
    """How many rows the filter (with its due window) selects (a plain count over the union, for checking)."""
    u = _union()
    return db.session.scalar(sa.select(sa.func.count()).select_from(u).where(*_where(u, f)))


# Statements built for a filter are kept for the next page asking the same (the page cache empties at
# every write, and the users of a force then ask the same view again): building one costs more CPU
# than SQLAlchemy's compiling it (cached) and the database's running it. A filter is a frozen value.
STATEMENTS_KEPT = 64


def summary_counts(f: ItemFilter, soon_days: int = DUE_SOON_DAYS) -> dict[str, dict[str, int]]:
    """Overdue and due-soon counts per kind of item on the as-of date, under the filter but not its window;
    and, in the same query, how many rows the window selects ("in_window"), for the pagination.

    Where the filter narrows by no more than the forces and the kind of item, on any as-of date, they are
    read from the steps the database keeps (models.OpenItemStep: a few hundred rows per force, whatever
    the number of items). Otherwise they are counted from the items, in its two disjoint parts (not
    closed, and closed after the as-of date: OPEN_PARTS): a UNION ALL of an aggregate per table and part,
    each reading only its own range of the (force, closed date, due date, inspection) index and the rows
    that count somewhere (overdue, due soon or in the window), without joins unless the filter needs them.
    The parts are added up here.
    """
    counts = {t: {"overdue": 0, "due_soon": 0, "in_window": 0} for t in ITEM_TYPES}
    if kept_counts_serve(f, soon_days):
        statement = _kept_counts_written_out(replace(f, check_published=None), soon_days, db.engine.url)
    else:
        f = resolve(f)
        statement = _summary_statement(f, soon_days, f.check_published)
    for item_type, overdue, due_soon, in_window in read_rows(statement):
        totals = counts[item_type]
        totals["overdue"] += int(overdue or 0)
        totals["due_soon"] += int(due_soon or 0)
        totals["in_window"] += int(in_window or 0)
    return counts


# The filter's fields the kept steps can answer: any other at a value but its default narrows the view
# by what they do not record (an inspection, a theme, an owner, a status...), and the items are counted.
KEPT_COUNTS_ANSWER = frozenset({"as_of", "force_ids", "item_type", "window", "check_published"})


def kept_counts_serve(f: ItemFilter, soon_days: int = DUE_SOON_DAYS) -> bool:
    """Whether the steps the database keeps answer this filter: it narrows by nothing they do not record,
    and its window and "due soon" are measures they keep (open_item_counts.DUE_WITHIN)."""
    return (_window_measures(f.window) is not None and soon_days in open_item_counts.DUE_WITHIN
            and all(getattr(f, field.name) == field.default for field in fields(f)
                    if field.name not in KEPT_COUNTS_ANSWER))


def _window_measures(window: str) -> tuple[str, ...] | None:
    """The kept measures whose sum is a window's items (None: a window they do not keep)."""
    if window in ("overdue", "open"):
        return (window,)
    if window == "reminders":  # overdue, or due within "due soon" (disjoint: before and from the as-of date)
        return ("overdue", open_item_counts.due_within(DUE_SOON_DAYS))
    if window.isdigit() and int(window) in open_item_counts.DUE_WITHIN:
        return (open_item_counts.due_within(int(window)),)
    return None


@lru_cache(maxsize=STATEMENTS_KEPT)
def _kept_counts_written_out(f: ItemFilter, soon_days: int, _database) -> sa.TextualSelect:
    """_kept_counts_statement with its forces and constants in its text (services.written_out), for the
    database in use: with the forces as a parameter PostgreSQL planned it afresh at every request."""
    return written_out(_kept_counts_statement(f, soon_days))


def _kept_counts_statement(f: ItemFilter, soon_days: int) -> sa.CompoundSelect:
    """summary_counts' query from the kept steps: each measure's steps up to the as-of date, that is the
    years before its year, the months of its year before its month, and the days of its month up to it.
    Each is a range of the primary key per force and measure, so the rows read do not grow with the
    items."""
    c = OpenItemStep.__table__.c
    as_of = f.as_of
    year_starts, month_starts = as_of.replace(month=1, day=1), as_of.replace(day=1)
    overdue, soon = ("overdue",), (open_item_counts.due_within(soon_days),)
    in_window = _window_measures(f.window)
    measures = sorted({*overdue, *soon, *in_window})

    def total(of: tuple[str, ...]):
        return sa.func.sum(sa.case((c.measure.in_(of), c.change), else_=0))

    selects = []
    for span, first, last in (("year", None, year_starts - timedelta(days=1)),
                              ("month", year_starts, month_starts - timedelta(days=1)),
                              ("day", month_starts, as_of)):
        where = [c.force_id.in_(f.force_ids), c.measure.in_(measures), c.span == span, c.starts_on <= _day(last)]
        if first is not None:
            where.append(c.starts_on >= _day(first))
        if f.item_type:
            where.append(c.item_type == f.item_type)
        selects.append(sa.select(c.item_type, total(overdue), total(soon), total(in_window))
                       .where(*where).group_by(c.item_type))
    return sa.union_all(*selects)


@lru_cache(maxsize=STATEMENTS_KEPT)
def _summary_statement(f: ItemFilter, soon_days: int, published_filter: bool,
                       open_parts: tuple[str, ...] = OPEN_PARTS) -> sa.CompoundSelect:
    """summary_counts' query for a filter, counting the items of some parts of the open ones (OPEN_PARTS)."""
    parts = []
    for item_type, c, from_ in _counting_branches(f):
        overdue = c.due_on < _day(f.as_of)
        soon = sa.and_(c.due_on >= _day(f.as_of), c.due_on <= _day(f.as_of + timedelta(days=soon_days)))
        in_window = _window(SimpleColumns(c), f.window, f.as_of)
        for open_part in open_parts:
            parts.append(
                from_.add_columns(
                    sa.literal(item_type).label("type"),
                    sa.func.sum(sa.case((overdue, 1), else_=0)).label("overdue"),
                    sa.func.sum(sa.case((soon, 1), else_=0)).label("due_soon"),
                    sa.func.sum(sa.case((in_window, 1), else_=0)).label("in_window"),
                )
                .where(sa.or_(overdue, soon, in_window),
                       *_branch_where(c, f, published_filter, window=False, open_part=open_part))
            )
    return sa.union_all(*parts)


def overdue_items(as_of: date, force_ids: list[int] | None = None) -> list[Row]:
    """What is overdue on `as_of` (open, and due before it) for some forces or all of them, most days
    overdue first: the dashboard's query, every page of it, without the last-update dates."""
    if force_ids is None:
        force_ids = list(db.session.scalars(sa.select(Force.id)))
    return list_items(ItemFilter(as_of=as_of, force_ids=tuple(force_ids), window="overdue"),
                      sort="days", descending=True, page=None, with_last_update=False)


def list_items(f: ItemFilter, *, sort: str = "days", descending: bool = True,
               page: int | None = 1, per_page: int = 25, with_last_update: bool = True,
               in_window: int | None = None) -> list[Row]:
    """The rows the filter selects, sorted, one page of them (page=None: all of them).

    Two queries: the rows, and the last-update dates of the page's rows, grouped (none when
    with_last_update is False: the rows' last_update is then None). A caller that has counted the
    rows (summary_counts' in_window) passes their number: a page past the last row is not looked
    for, and a page holding the last rows needs no due-date cut (which, with few rows to find, reads
    the forces' whole history in due-date order looking for more).
    """
    if page is not None and in_window is not None and (page - 1) * per_page >= in_window:
        return []
    published_filter = resolve(f).check_published
    cutoff = None
    if page is not None and sort in ("days", "due") and (in_window is None or page * per_page < in_window):
        ascending = descending == (sort == "days")  # most days overdue = earliest due date first
        cutoff = _due_cutoff(f, published_filter, ascending, page * per_page)
    statement = _items_statement(f, sort, descending, page, per_page, published_filter, cutoff)
    records = read_rows(statement).mappings().all()
    updates = last_updates(
        [r["id"] for r in records if r["type"] == "action"],
        [r["tracking_id"] for r in records if r["type"] == "recommendation"],
        f.as_of,
    ) if with_last_update else {}
    return [_row(r, f.as_of, updates.get((r["type"], r["id"] if r["type"] == "action" else r["tracking_id"])))
            for r in records]


@lru_cache(maxsize=STATEMENTS_KEPT)
def _items_statement(f: ItemFilter, sort: str, descending: bool, page: int | None, per_page: int,
                     published_filter: bool, cutoff: date | None) -> sa.Select:
    """list_items' query for a filter, sort and page (and the page's due-date cut, see _due_cutoff)."""
    u = _union()
    q = (_row_select(u).where(*_where(u, f, published_filter=published_filter))
         .order_by(*_order(u, sort, descending, f.as_of)))
    if page is not None:
        q = q.limit(per_page).offset((page - 1) * per_page)
        if cutoff is not None:
            ascending = descending == (sort == "days")
            q = q.where(u.c.due_on <= _day(cutoff) if ascending else u.c.due_on >= _day(cutoff))
    return q


def _row(r, as_of: date, last_update: date | None) -> Row:
    """A Row from a row of _row_select."""
    return Row(
        type=r["type"], id=r["id"], tracking_id=r["tracking_id"], force=r["force_slug"], force_name=r["force_name"],
        inspection=r["inspection_slug"], inspection_title=r["inspection_title"],
        inspection_type=_value(r["inspection_type"]), ref=r["ref"], kind=_value(r["kind"]),
        title=(_short(r["title"]) if r["type"] != "statutory_response"
               else response_title(_value(r["source"]), r["inspection_title"])),
        owner=r["owner"], status=_value(r["status"]), due=r["due_on"], closed_on=r["closed_on"],
        rag_forecast=_value(r["rag_forecast"]), last_update=last_update, as_of=as_of, source=_value(r["source"]),
        blocked_by=r["blocked_by"],
    )


def _due_cutoff(f: ItemFilter, published_filter: bool, ascending: bool, rows: int) -> date | None:
    """The due date of the last row of the pages up to this one, when sorted by due date: the page's
    rows are among those due on or before it (after it, when descending), ties included.

    Each table gives its first `rows` due dates from its (force, due date, closed date, inspection)
    index, without joins unless the filter needs them; None when fewer rows have a due date (no cut
    is possible: rows without one sort last).
    """
    return read_rows(_cutoff_statement(f, published_filter, ascending, rows)).scalar()


@lru_cache(maxsize=STATEMENTS_KEPT)
def _cutoff_statement(f: ItemFilter, published_filter: bool, ascending: bool, rows: int) -> sa.Select:
    """_due_cutoff's query. Its numbers of rows are written into its text, as its dates and forces: with
    them as parameters PostgreSQL planned it afresh at every request for every force."""
    parts = []
    for _item_type, c, from_ in _counting_branches(f):
        order = c.due_on.asc() if ascending else c.due_on.desc()
        top = (from_.add_columns(c.due_on.label("due_on"))
               .where(*_branch_where(c, f, published_filter), c.due_on.is_not(None))
               .order_by(order).limit(_number(rows)).subquery())
        parts.append(sa.select(top.c.due_on))
    dates = sa.union_all(*parts).subquery()
    order = dates.c.due_on.asc() if ascending else dates.c.due_on.desc()
    return sa.select(dates.c.due_on).order_by(order).limit(_number(1)).offset(_number(rows - 1))


def _number(value: int):
    """A number written into the statement (a LIMIT, an OFFSET), as _day's dates."""
    return sa.literal(value, sa.Integer, literal_execute=True)


def _value(value):
    """The string value of an enum member (or the value itself)."""
    return getattr(value, "value", value)


# Ids per last-update query: a page needs one query; an export of every open item at national
# scale (tens of thousands) stays under SQLite's limit on bound parameters (32,766).
LAST_UPDATE_CHUNK = 10_000


def last_updates(action_ids: list[int], tracking_ids: list[int], as_of: date) -> dict[tuple[str, int], date]:
    """The latest progress update's date (on or before `as_of`) of some actions and of some trackings'
    actions: one grouped query per LAST_UPDATE_CHUNK ids of each."""
    latest: dict[tuple[str, int], date] = {}
    statement = _last_updates_statement(db.engine.dialect.name == "postgresql")
    for start in range(0, max(len(action_ids), len(tracking_ids)), LAST_UPDATE_CHUNK):
        params = {"action_ids": action_ids[start:start + LAST_UPDATE_CHUNK] or [-1],
                  "tracking_ids": tracking_ids[start:start + LAST_UPDATE_CHUNK] or [-1], "as_of": as_of}
        latest.update({(t, i): day for t, i, day in read_rows(statement, params)})
    return latest


@cache
def _last_updates_statement(arrays: bool) -> sa.CompoundSelect:
    """last_updates' query, built once (on every computed dashboard): the ids and the date are bound when it
    runs (the date written into the statement, as _day's). On PostgreSQL (`arrays`) each list of ids is one
    array parameter, so the statement's text is the same for any page: psycopg prepares it and PostgreSQL
    plans it once per connection. Elsewhere each id is a parameter of its own (an expanding IN), which made
    PostgreSQL's statement new for every number of rows (a hundred parameters bound, parsed and planned
    at every request, and never prepared)."""
    as_of = sa.bindparam("as_of", type_=sa.Date, literal_execute=True)

    def among(column, name: str):
        if arrays:
            return column == sa.any_(sa.bindparam(name, type_=sa.ARRAY(sa.Integer)))
        return column.in_(sa.bindparam(name, expanding=True))

    by_action = (
        sa.select(sa.literal_column("'action'").label("type"), ProgressUpdate.action_id.label("id"),
                  sa.func.max(ProgressUpdate.occurred_on).label("latest"))
        .where(among(ProgressUpdate.action_id, "action_ids"), ProgressUpdate.occurred_on <= as_of)
        .group_by(ProgressUpdate.action_id)
    )
    by_tracking = (
        sa.select(sa.literal_column("'recommendation'"), Action.tracking_id, sa.func.max(ProgressUpdate.occurred_on))
        .join(Action, ProgressUpdate.action_id == Action.id)
        .where(among(Action.tracking_id, "tracking_ids"), ProgressUpdate.occurred_on <= as_of)
        .group_by(Action.tracking_id)
    )
    return sa.union_all(by_action, by_tracking)


def owners(force_ids: list[int] | tuple[int, ...]) -> list[str]:
    """Every owner named on the forces' trackings and actions, for the owner filter (one query)."""
    return list(read_rows(_owners_statement(), {"force_ids": list(force_ids)}).scalars())


@cache
def _owners_statement() -> sa.Select:
    """The owners query, built once: only the forces change, and building and keying this recursive
    statement costs more than running it. The forces are written into its text when it runs (as _ids):
    with them as parameters PostgreSQL planned it afresh at every request (it judged the generic plan
    dearer), half a millisecond, more than running it for one force."""
    forces = Force.id.in_(sa.bindparam("force_ids", expanding=True, literal_execute=True))
    q = sa.union(
        _distinct_per_force(Tracking.__table__, "lead_officer", forces, "tracking_owners"),
        _distinct_per_force(Action.__table__, "owner", forces, "action_owners"),
    ).subquery()
    return sa.select(q.c.owner).order_by(q.c.owner)


def _distinct_per_force(table, column: str, forces, name: str):
    """The distinct values of a column among the rows of the forces (`forces`: a condition on Force.id), by
    a skip scan of the (force_id, column) index: a recursive query seeks each force's next greater value,
    so the cost follows the number of distinct values, not of rows (a plain DISTINCT reads every row of
    every force)."""
    first, later = table.alias(), table.alias()
    start = sa.select(
        Force.id.label("force_id"),
        sa.select(sa.func.min(first.c[column])).where(first.c.force_id == Force.id, first.c[column].is_not(None))
        .scalar_subquery().label("value"),
    ).where(forces)
    values = start.cte(name, recursive=True)
    values = values.union_all(
        sa.select(
            values.c.force_id,
            sa.select(sa.func.min(later.c[column])).where(later.c.force_id == values.c.force_id,
                                                          later.c[column] > values.c.value)
            .scalar_subquery(),
        ).where(values.c.value.is_not(None))
    )
    return sa.select(values.c.value.label("owner")).where(values.c.value.is_not(None))


def closed_items(force_ids, after: date, as_of: date) -> list[Row]:
    """Items of the forces closed after one date and on or before another (for 'newly complete')."""
    u = _union()
    q = (
        _row_select(u)
        .where(u.c.force_id.in_(force_ids), u.c.closed_on > after, u.c.closed_on <= as_of,
               in_scope(u.c.inspection_id, u.c.force_id),

               # An item addressed to another body is closed for the force from the start, not by its work.
               u.c.status != TrackingStatus.FOR_INFORMATION.value)
        .order_by(u.c.closed_on, u.c.type, u.c.id)
    )
    return [_row(r, as_of, None) for r in db.session.execute(q).mappings()]


def closed_in_view(f: ItemFilter, after: date) -> list[Row]:
    """The items the filter selects but for its due window that closed after one date and on or before
    its as-of date (a committee pack's "closed since the last meeting"), by closing date.

    Open on `after` and closed by the as-of date is closed between the two; an item addressed to
    another body is closed from the start, not by the force's work, and is left out.
    """
    u = _union()
    since = replace(f, as_of=after)
    q = (
        _row_select(u)
        .where(*_where(u, since, window=False, published_filter=False),
               u.c.closed_on <= f.as_of, u.c.status != TrackingStatus.FOR_INFORMATION.value,
               u.c.inspection_id.in_(sa.select(Inspection.id).where(Inspection.published_on <= f.as_of)))
        .order_by(u.c.closed_on, u.c.type, u.c.id)
    )
    return [_row(r, f.as_of, None) for r in db.session.execute(q).mappings()]


def pending_sign_off(f: ItemFilter) -> dict[str, int]:
    """How many items the filter selects but for its due window and open date wait for sign-off on its
    as-of date, by kind of item: actions complete by then and not yet signed off; recommendations
    the force marked implemented by then and the OPCC has not yet verified."""
    u = _union()
    as_of = f.as_of
    actions = sa.select(Action.id).where(
        Action.status == ActionStatus.COMPLETE, Action.completed_on <= as_of,
        sa.or_(Action.signed_off_at.is_(None), Action.signed_off_at >= as_of + timedelta(days=1)))
    trackings = sa.select(Tracking.id).where(
        Tracking.implemented_on <= as_of, sa.or_(Tracking.verified_on.is_(None), Tracking.verified_on > as_of))
    q = (
        sa.select(u.c.type, sa.func.count())
        .where(*_where(u, replace(f, as_of=date.min), window=False, published_filter=False),
               u.c.inspection_id.in_(sa.select(Inspection.id).where(Inspection.published_on <= as_of)),
               sa.or_(sa.and_(u.c.type == "action", u.c.id.in_(actions)),
                      sa.and_(u.c.type == "recommendation", u.c.id.in_(trackings))))
        .group_by(u.c.type)
    )
    return {"recommendation": 0, "action": 0, **dict(db.session.execute(q).all())}
