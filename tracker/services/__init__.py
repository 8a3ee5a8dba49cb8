"""Data access for each area of the domain: plain typed functions that flush and never commit.

The one place that commits is the request (or the CLI command) that called them, through save().
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from tracker.db import audit, data_state, db, is_database_busy, read_transactions, write_transactions
from tracker.domain.errors import ConflictError, DomainError, stale_write_conflict

__all__ = [
    "MAX_ID", "ConflictError", "DomainError", "database_reachable", "force_pages_reach", "get_by_id",
    "inspection_page_reach", "is_database_busy", "queue_reach", "reach_token", "read_rows", "read_transactions", "refresh", "rollback",
    "save", "set_actor", "tracking_page_reach", "write_transactions",
]


def save() -> None:
    """Commit the request's changes: the one commit point of a request or command.

    A row changed by someone else since it was read (SQLAlchemy's version check) becomes a
    ConflictError; either way a failed save rolls back and leaves the database as it was.
    """
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise stale_write_conflict() from None
    except Exception:
        db.session.rollback()
        raise


def read_rows(statement: sa.Executable, params: dict | None = None) -> sa.CursorResult:
    """Run a read that returns plain rows (columns, no model objects) on the session's connection, once the
    session's changes are flushed as its own execute would. The ORM's way of running a statement that
    loads no model costs about 0.1 ms of CPU more than the Core's, and a computed dashboard runs eight
    (measured: a millisecond of its CPU at national scale)."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement, params)


def written_out(statement: sa.Select | sa.CompoundSelect) -> sa.TextualSelect:
    """A statement with its values written into its text, for the database in use (its columns keep their
    types): for values that are the app's own (ids, dates, constants), never a user's words. PostgreSQL
    plans a statement with no parameter once per connection, where it judged the generic plan of some
    statements dearer than planning them afresh for their values at every request. Built once and kept
    by the caller (compiling costs about a millisecond)."""
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
    # Plain columns of the same names and types, matched by position: the statement's own would bring
    # their bound values along (a constant's, a subquery's) as parameters the text no longer names.
    return sa.text(str(compiled)).columns(*(sa.column(c.key or f"column_{i}", c.type)
                                            for i, c in enumerate(statement.selected_columns)))


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; a larger number names no record


def get_by_id(model, record_id: int):
    """Return the record of `model` with this id, or None (also for an id no database column can hold)."""
    if not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        return None
    return db.session.get(model, record_id)


def rollback() -> None:
    """Forget the request's unsaved changes (after a refusal or an error)."""
    db.session.rollback()


def refresh(record) -> None:
    """Read the record again from the database (after a refused save, to show what is stored now)."""
    db.session.refresh(record)


def set_actor(user_id: int | None) -> None:
    """Name the person the audit trail records for this request's changes."""
    audit.set_actor(db.session, user_id)


def reach_token(reach: Iterable[str]) -> tuple[str, ...]:
    """The data state's tokens of these scopes (and the shared one), as this transaction sees them: one
    of them is new after every write within the reach (for caching)."""
    return data_state.tokens(db.session, reach)


def force_pages_reach(force_ids: Iterable[int]) -> tuple[str, ...]:
    """The data state's scopes of every write to these forces' records (what their dashboard shows)."""
    return tuple(data_state.force_scope(i) for i in force_ids)


def tracking_page_reach(force_id: int, tracking_id: int) -> tuple[str, ...]:
    """The scopes of what a tracking's page shows: the tracking and what hangs from it, and its force's
    records outside any one tracking."""
    return data_state.force_wide_scope(force_id), data_state.tracking_scope(tracking_id)


def queue_reach(force_ids: Iterable[int]) -> tuple[str, ...]:
    """The scopes of what the reviewer's queue shows of these forces: what it shows of their trackings,
    and their records outside any one tracking (responses to approve, scope)."""
    return tuple(scope for i in force_ids for scope in (data_state.force_wide_scope(i), data_state.queue_scope(i)))


def inspection_page_reach(inspection_id: int, force_ids: Iterable[int]) -> tuple[str, ...]:
    """The scopes of what an inspection's page shows to users of these forces: what it shares (to
    forces it does not concern too), their trackings of it, and their records outside any one tracking."""
    return (data_state.inspection_wide_scope(inspection_id), *(
        scope for i in force_ids for scope in (data_state.force_wide_scope(i), data_state.inspection_scope(inspection_id, i))))


def database_reachable() -> bool:
    """Whether the database answers a trivial query now (for the health check)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        db.session.rollback()
