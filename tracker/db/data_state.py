"""The data state: tokens that are new after every write within their reach, for caching what is built
from the data.

One row per reach (models.DataState): `force:<id>` for one force's records, `shared` for what every
force's pages show (the inspections' names and dates, the themes) and for any write whose reach is not
known. A page is cached under the shared token and the tokens of the forces it shows (`current`), so
a save in one force leaves every other force's cached pages alone, and writers of different forces do
not queue on one row on PostgreSQL.

Session listeners, like the audit trail's: every flush that adds, changes or deletes a row gives the
tokens of the forces it reaches new random values, in the same transaction; an INSERT, UPDATE or
DELETE statement run through the session does the same for the forces it names (execution option
`data_reach`, see `reach`), else for everything (the shared token). A rolled-back write leaves the old
tokens; a committed one makes every page cached under them unreachable, in every worker and server,
since the tokens live in the database. They are random rather than counters so that a database
restored from a backup brings back its own, never one a running server has already used for other
data. Writes that go around the session (generate-demo's bulk inserts) call `bump`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker import models

_TABLE = models.DataState.__table__
_SEEN = "data_state_tokens"  # session.info key: {scope: token} this transaction has read
_BUMPED = "data_state_bumped"  # session.info key: the scopes this transaction has given new tokens
SHARED = "shared"
REACH = "data_reach"  # the execution option naming the forces a statement writes to

# The inspection's columns every force's pages show (the filters' list of inspections, and which of
# them a past date leaves out): a change to these reaches every force, to any other only its own.
SHARED_INSPECTION_COLUMNS = ("slug", "title", "published_on")


def force_scope(force_id: int) -> str:
    """The data state's row for one force's records."""
    return f"force:{force_id}"


def reach(*, forces: Iterable[int] = (), inspections: Iterable[int] = ()) -> dict:
    """Execution options for a statement that writes only to these forces' records, or to those of the
    forces these inspections concern (without them, a statement reaches everything)."""
    return {REACH: (tuple(forces), tuple(inspections))}


def bump(connection: sa.Connection, scopes: Iterable[str] = (SHARED,)) -> None:
    """Give these data states new tokens (inside the caller's transaction), making any missing row:
    by default the shared one, which every cached page is keyed by."""
    rows = [{"scope": scope, "token": uuid.uuid4().hex, "changed_at": models.utcnow()} for scope in sorted(set(scopes))]
    if not rows:
        return
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[connection.dialect.name]
    statement = dialect.insert(_TABLE)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[_TABLE.c.scope],
        set_={"token": statement.excluded.token, "changed_at": statement.excluded.changed_at}), rows)


def current(session: Session, force_ids: Iterable[int]) -> tuple[str, ...]:
    """The shared token and these forces' tokens as this transaction sees them (each read once per
    transaction, and again after a write); a force with no row yet reads as ''."""
    scopes = [SHARED, *(force_scope(i) for i in sorted(set(force_ids)))]
    seen = session.info.setdefault(_SEEN, {})
    if missing := [s for s in scopes if s not in seen]:
        seen.update(dict.fromkeys(missing, ""))
        seen.update(session.execute(sa.select(_TABLE.c.scope, _TABLE.c.token).where(_TABLE.c.scope.in_(missing))).all())
    return tuple(seen[s] for s in scopes)


def _bump_in(session: Session, scopes: set[str]) -> None:
    """Bump each scope once in the session's transaction (a new token is enough for all its writes)
    and forget the tokens it had read. The marks are dropped when any transaction or savepoint ends,
    so a write after a rolled-back savepoint bumps again."""
    bumped = session.info.setdefault(_BUMPED, set())
    if new := scopes - bumped:
        session.info.pop(_SEEN, None)
        bump(session.connection(), new)
        bumped |= new


# Records no cached page is built from: writing them (an API token's last use, on every API request
# at most once a minute; a client address's wrong passwords; the audit trail) must not empty any page cache.
NOT_CACHED = (models.ApiToken, models.SignInAddress, models.AuditEvent)


def _forces_of_inspections(session: Session, inspection_ids: set[int]) -> set[str]:
    """The scopes of every force an inspection concerns: in or out of its scope, or tracking or
    answering it."""
    if not inspection_ids:
        return set()
    ids = sorted(inspection_ids)
    rows = session.connection().execute(sa.union(
        sa.select(models.InspectionForce.force_id).where(models.InspectionForce.inspection_id.in_(ids)),
        sa.select(models.Tracking.force_id).join(models.Recommendation)
        .where(models.Recommendation.inspection_id.in_(ids)),
        sa.select(models.StatutoryResponse.force_id).where(models.StatutoryResponse.inspection_id.in_(ids)),
    ))
    return {force_scope(force_id) for (force_id,) in rows}


# Records that reach a force through a parent: (the parent's relationship, its key column, the column
# query from the key to the force).
_THROUGH_PARENT = {
    models.ProgressUpdate: ("action", "action_id",
                            lambda key: sa.select(models.Action.force_id).where(models.Action.id == key)),
    models.EvidenceFile: ("update", "update_id",
                          lambda key: sa.select(models.Action.force_id).join(models.ProgressUpdate)
                          .where(models.ProgressUpdate.id == key)),
    models.PublishedVersion: ("response", "response_id",
                              lambda key: sa.select(models.StatutoryResponse.force_id)
                              .where(models.StatutoryResponse.id == key)),
    models.MeetingPackItem: ("pack", "pack_id",
                             lambda key: sa.select(models.MeetingPack.force_id).where(models.MeetingPack.id == key)),
}


def _reach_of(session: Session, obj, how: str, inspections: set[int]) -> set[str]:
    """The scopes one flushed record reaches, `how` it was written (new, deleted, changed); adds to
    `inspections` those whose forces it reaches."""
    if isinstance(obj, models.Force):
        return {force_scope(obj.id)}
    if isinstance(obj, models.Inspection | models.Recommendation):
        if how == "deleted":  # its forces' rows may be gone with it: every force
            return {SHARED}
        inspections.add(obj.id if isinstance(obj, models.Inspection) else obj.inspection_id)
        state = sa.inspect(obj)
        shows_everywhere = isinstance(obj, models.Inspection) and (
            how == "new" or any(state.attrs[c].history.has_changes() for c in SHARED_INSPECTION_COLUMNS))
        return {SHARED} if shows_everywhere else set()
    if (force_id := getattr(obj, "force_id", None)) is not None:
        return {force_scope(force_id)}
    if (through := _THROUGH_PARENT.get(type(obj))) is not None:
        parent_name, key_name, query = through
        if (parent := obj.__dict__.get(parent_name)) is not None:
            return _reach_of(session, parent, "changed", inspections)
        if (force_id := session.connection().scalar(query(getattr(obj, key_name)))) is not None:
            return {force_scope(force_id)}
    return {SHARED}  # a record of no force (a theme, a user), or one whose force is not known: every force


def _bump_after_flush(session, flush_context):
    """A flush that wrote something changes the tokens of the forces it reaches (the audit rows of
    the same flush, and records no page is built from, do not count)."""
    scopes: set[str] = set()
    inspections: set[int] = set()
    # A changed collection counts (a recommendation's themes: the dashboard filters by them).
    written = [*((obj, "new") for obj in session.new), *((obj, "deleted") for obj in session.deleted),
               *((obj, "changed") for obj in session.dirty if session.is_modified(obj))]
    for obj, how in written:
        if not isinstance(obj, NOT_CACHED):
            scopes |= _reach_of(session, obj, how, inspections)
    if SHARED not in scopes:
        scopes |= _forces_of_inspections(session, inspections)
    _bump_in(session, scopes)


def _bump_on_statement(state):
    """An INSERT, UPDATE or DELETE statement run through the session changes the tokens of the forces
    it names (execution option `data_reach`), else the shared token."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    named = state.execution_options.get(REACH)
    if named is None:
        _bump_in(state.session, {SHARED})
        return
    forces, inspections = named
    _bump_in(state.session, {force_scope(i) for i in forces} | _forces_of_inspections(state.session, set(inspections)))


def _forget_tokens(session, transaction):
    """A new transaction may see other tokens: read them again (and bump again on a write). Only the
    end of a transaction or savepoint counts, not of the subtransaction each flush opens."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(_SEEN, None)
        session.info.pop(_BUMPED, None)


LISTENERS = (
    (Session, "after_flush", _bump_after_flush),
    (Session, "do_orm_execute", _bump_on_statement),
    (Session, "after_transaction_end", _forget_tokens),
)
