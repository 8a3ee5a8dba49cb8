"""The data state: tokens that are new after every write within their reach, for caching what is built
from the data.

One row per reach (models.DataState), each named by a scope:
- `shared`: what every force's pages show (the inspections' names and dates, the themes, the forces'
  names, the users) and any write whose reach is not known;
- `force:<id>`: every write to one force's records (the dashboard shows them all);
- `force-wide:<id>`: the force's writes that are not confined to one of its trackings (its responses,
  its scope of an inspection, committee packs, statements naming the force);
- `tracking:<id>`: one tracking and what hangs from it (its actions, their updates and evidence, its
  extension requests, the owners' links), the only records its page shows besides shared and
  force-wide ones;
- `insp:<inspection id>/<force id>`: the trackings of one inspection in one force, which its page shows;
- `queue:<id>`: what the reviewer's queue shows of the force's trackings (an action completed or signed
  off, an item implemented or verified, an extension request), not every write within them;
- `insp:<inspection id>`: what one inspection's page shows to every user, of any force or none (its
  facts, its scope, its items): the page is open to forces it does not concern, whose own scopes a
  change to it does not mark.
A write to a tracking marks its force, itself and its inspection-in-force; a write to an inspection,
its items or its scope marks it and every force it concerns; any other write to a force marks the
force and force-wide. So a page cached under `shared` and the scopes it shows (`tokens`) is
never stale, while a save of one tracking leaves the other trackings' pages, other inspections' pages
and every other force's pages alone, and writers of different forces do not queue on one row on
PostgreSQL.

Session listeners, like the audit trail's: every flush that adds, changes or deletes a row marks the
scopes it reaches; an INSERT, UPDATE or DELETE statement run through the session marks the forces it
names (execution option `data_reach`, see `reach`), else everything (the shared token). The marked
rows are given new random tokens once, at commit, in one statement in the order of their names: two
transactions that wrote to forces A then B and B then A would otherwise each hold one row's lock and
wait for the other's (a deadlock on PostgreSQL), and a transaction holds the rows' locks only for its
last moment. Until then the transaction sees the new tokens it will write (`tokens`), so a page it
builds after a write is never cached under the old ones. A rolled-back write leaves the old tokens; a
committed one makes every page cached under them unreachable, in every worker and server, since the
tokens live in the database. They are random rather than counters so that a database restored from
a backup brings back its own, never one a running server has already used for other data. Writes
that go around the session (generate-demo's bulk inserts) call `bump`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tracker import models

_TABLE = models.DataState.__table__
_SEEN = "data_state_tokens"  # session.info key: {scope: token} this transaction has read
_PENDING = "data_state_pending"  # session.info key: {scope: new token} this transaction writes at commit
SHARED = "shared"
REACH = "data_reach"  # the execution option naming the forces a statement writes to

# The inspection's columns every force's pages show (the filters' list of inspections, and which of
# them a past date leaves out): a change to these reaches every force, to any other only its own.
SHARED_INSPECTION_COLUMNS = ("slug", "title", "published_on")


# Scope names fit models.DataState.scope's 40 characters with ids of up to ten digits (26 at most).
def force_scope(force_id: int) -> str:
    """The data state's row for every write to one force's records."""
    return f"force:{force_id}"


def force_wide_scope(force_id: int) -> str:
    """The row for one force's writes that are not confined to one of its trackings."""
    return f"force-wide:{force_id}"


def tracking_scope(tracking_id: int) -> str:
    """The row for one tracking and what hangs from it."""
    return f"tracking:{tracking_id}"


def inspection_scope(inspection_id: int, force_id: int) -> str:
    """The row for the trackings of one inspection in one force."""
    return f"insp:{inspection_id}/{force_id}"


def inspection_wide_scope(inspection_id: int) -> str:
    """The row for what one inspection shares between the forces: its facts, scope and items."""
    return f"insp:{inspection_id}"


def queue_scope(force_id: int) -> str:
    """The row for what the reviewer's queue shows of one force's trackings (its other sources are
    force-wide)."""
    return f"queue:{force_id}"


def of_forces(force_ids: Iterable[int]) -> set[str]:
    """The scopes every write to a force outside one of its trackings marks."""
    return {scope for i in force_ids for scope in (force_scope(i), force_wide_scope(i))}


def reach(*, forces: Iterable[int] = (), inspections: Iterable[int] = ()) -> dict:
    """Execution options for a statement that writes only to these forces' records, or to those of the
    forces these inspections concern (without them, a statement reaches everything)."""
    return {REACH: (tuple(forces), tuple(inspections))}


def bump(connection: sa.Connection, scopes: Iterable[str] = (SHARED,), tokens: dict[str, str] | None = None) -> None:
    """Give these data states new tokens (inside the caller's transaction; those in `tokens`, else
    random ones), making any missing row: by default the shared one, which every cached page is keyed
    by. One statement, its rows in the order of their names, so that concurrent bumps lock them in
    the same order."""
    tokens = tokens or {}
    now = models.utcnow()
    rows = [{"scope": scope, "token": tokens.get(scope) or uuid.uuid4().hex, "changed_at": now}
            for scope in sorted(set(scopes))]
    if not rows:
        return
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[connection.dialect.name]
    statement = dialect.insert(_TABLE)
    connection.execute(statement.on_conflict_do_update(
        index_elements=[_TABLE.c.scope],
        set_={"token": statement.excluded.token, "changed_at": statement.excluded.changed_at}), rows)


def tokens(session: Session, scopes: Iterable[str]) -> tuple[str, ...]:
    """The shared token and these scopes' tokens, in the order of their names, as this transaction
    sees them: the new ones it will write at commit, else those stored (each read once per
    transaction); a scope with no row yet reads as ''."""
    scopes = [SHARED, *sorted(set(scopes) - {SHARED})]
    seen = session.info.setdefault(_SEEN, {})
    pending = session.info.get(_PENDING, {})
    if missing := [s for s in scopes if s not in seen and s not in pending]:
        seen.update(dict.fromkeys(missing, ""))
        statement = _tokens_statement(session.get_bind().dialect.name == "postgresql")
        seen.update(session.execute(statement, {"scopes": missing}).all())
    return tuple(pending.get(s) or seen[s] for s in scopes)


@cache
def _tokens_statement(array: bool) -> sa.Select:
    """tokens' query: the scopes one array parameter on PostgreSQL (`array`), so that its text is the same
    for any number of them (prepared once; a page of every force reads a hundred and more), else each a
    parameter of its own (an expanding IN)."""
    if array:
        among = _TABLE.c.scope == sa.any_(sa.bindparam("scopes", type_=postgresql.ARRAY(sa.String)))
    else:
        among = _TABLE.c.scope.in_(sa.bindparam("scopes", expanding=True))
    return sa.select(_TABLE.c.scope, _TABLE.c.token).where(among)


def _mark(session: Session, scopes: set[str]) -> None:
    """Mark each scope for a new token at commit (one new token is enough for all the transaction's
    writes). A mark outlives a rolled-back savepoint: a token made new for nothing costs a page."""
    pending = session.info.setdefault(_PENDING, {})
    for scope in scopes - pending.keys():
        pending[scope] = uuid.uuid4().hex


def _bump_at_commit(session):
    """Write the marked scopes' new tokens, once, just before the transaction commits (its last flush
    first, so that its writes are marked too). A savepoint's release is not the commit."""
    if session.in_nested_transaction():
        return
    session.flush()
    if pending := session.info.get(_PENDING):
        bump(session.connection(), pending, pending)


# Records no cached page is built from: writing them (an API token's last use, on every API request
# at most once a minute; a client address's wrong passwords; the audit trail; the reminders sent, every
# day; a user's own email settings) must not empty any page cache.
NOT_CACHED = (models.ApiToken, models.SignInAddress, models.AuditEvent, models.SentReminder,
              models.NotificationPreference)

# A user's columns that signing in and out, wrong passwords and the user's own secrets write, which no
# page shows: a change of these alone reaches nothing, so that people signing in all day do not empty
# every force's cached pages. Any other change to a user (name, role, forces) reaches everything.
USER_SIGN_IN_COLUMNS = frozenset({
    "failed_logins", "failed_logins_since", "locked_until", "session_token", "password_hash", "calendar_token",
    "oidc_issuer", "oidc_subject", "updated_at",
})


def _signs_in_only(obj, how: str) -> bool:
    """Whether this write to a user changed only what signing in keeps (USER_SIGN_IN_COLUMNS)."""
    if how != "changed" or not isinstance(obj, models.User):
        return False
    state = sa.inspect(obj)
    return all(attr.key in USER_SIGN_IN_COLUMNS for attr in state.attrs if attr.history.has_changes())


def _forces_of_inspections(session: Session, inspection_ids: set[int]) -> set[str]:
    """The scopes of every force an inspection concerns (in or out of its scope, or tracking or
    answering it), outside any one tracking."""
    if not inspection_ids:
        return set()
    ids = sorted(inspection_ids)
    rows = session.connection().execute(sa.union(
        sa.select(models.InspectionForce.force_id).where(models.InspectionForce.inspection_id.in_(ids)),
        sa.select(models.Tracking.force_id).join(models.Recommendation)
        .where(models.Recommendation.inspection_id.in_(ids)),
        sa.select(models.StatutoryResponse.force_id).where(models.StatutoryResponse.inspection_id.in_(ids)),
    ))
    return of_forces(force_id for (force_id,) in rows)


# Records confined to one tracking that reach it through a parent: (the parent's relationship, its
# key column, the query from the key to the force, the tracking and the inspection).
_IN_TRACKING = {
    models.ProgressUpdate: ("action", "action_id", lambda key: sa.select(
        models.Action.force_id, models.Action.tracking_id, models.Action.inspection_id).where(models.Action.id == key)),
    models.EvidenceFile: ("update", "update_id", lambda key: sa.select(
        models.Action.force_id, models.Action.tracking_id, models.Action.inspection_id)
        .join(models.ProgressUpdate).where(models.ProgressUpdate.id == key)),
    models.OwnerLink: ("action", "action_id", lambda key: sa.select(
        models.Action.force_id, models.Action.tracking_id, models.Action.inspection_id).where(models.Action.id == key)),
    models.ExtensionRequest: ("tracking", "tracking_id", lambda key: sa.select(
        models.Tracking.force_id, models.Tracking.id, models.Tracking.inspection_id).where(models.Tracking.id == key)),
}


def _tracking_of(session: Session, obj) -> tuple[int, int, int] | None:
    """The force, tracking and inspection of a record confined to one tracking (the tracking itself,
    an action, what hangs from them), or None: for any other record, or one whose are not known."""
    if isinstance(obj, models.Tracking | models.Action):
        found = (obj.force_id, obj.id if isinstance(obj, models.Tracking) else obj.tracking_id, obj.inspection_id)
    elif (through := _IN_TRACKING.get(type(obj))) is not None:
        parent_name, key_name, query = through
        if (parent := obj.__dict__.get(parent_name)) is not None:
            return _tracking_of(session, parent)
        found = session.connection().execute(query(getattr(obj, key_name))).first()
    else:
        return None
    return tuple(found) if found is not None and None not in found else None


# Records that reach a force through a parent: (the parent's relationship, its key column, the column
# query from the key to the force).
_THROUGH_PARENT = {
    models.PublishedVersion: ("response", "response_id",
                              lambda key: sa.select(models.StatutoryResponse.force_id)
                              .where(models.StatutoryResponse.id == key)),
    models.MeetingPackItem: ("pack", "pack_id",
                             lambda key: sa.select(models.MeetingPack.force_id).where(models.MeetingPack.id == key)),
}


# What the reviewer's queue shows of the records within one tracking (tracker.services.queue): actions to
# sign off, items to verify, extension requests to decide. A write to anything else there (a progress
# update, evidence, a lead officer, a forecast) leaves the queue alone.
_QUEUE_COLUMNS = {
    models.Action: ("status", "signed_off_at", "completed_on", "title", "force_id", "tracking_id", "inspection_id"),
    models.Tracking: ("implemented_on", "verified_on", "force_id", "recommendation_id", "inspection_id"),
}


def _shows_in_queue(obj, how: str) -> bool:
    """Whether this write to a record within one tracking can change what the reviewer's queue shows."""
    if isinstance(obj, models.ExtensionRequest):
        return True
    if (columns := _QUEUE_COLUMNS.get(type(obj))) is None:
        return False
    state = sa.inspect(obj)
    return how != "changed" or any(state.attrs[c].history.has_changes() for c in columns)


def _reach_of(session: Session, obj, how: str, inspections: set[int]) -> set[str]:
    """The scopes one flushed record reaches, `how` it was written (new, deleted, changed); adds to
    `inspections` those whose forces it reaches."""
    if isinstance(obj, models.Force):
        return {SHARED}  # its name shows on other forces' pages (an inspection's scope)
    if isinstance(obj, models.Inspection | models.Recommendation):
        if how == "deleted":  # its forces' rows may be gone with it: every force
            return {SHARED}
        inspections.add(obj.id if isinstance(obj, models.Inspection) else obj.inspection_id)
        state = sa.inspect(obj)
        shows_everywhere = isinstance(obj, models.Inspection) and (
            how == "new" or any(state.attrs[c].history.has_changes() for c in SHARED_INSPECTION_COLUMNS))
        return {SHARED} if shows_everywhere else set()
    if isinstance(obj, models.InspectionForce):
        # One force's part of an inspection shows on the inspection's page to every force it concerns
        # (the forces in scope and left out, and who may change what they share).
        inspections.add(obj.inspection_id)
    if (in_tracking := _tracking_of(session, obj)) is not None:
        force_id, tracking_id, inspection_id = in_tracking
        scopes = {force_scope(force_id), tracking_scope(tracking_id), inspection_scope(inspection_id, force_id)}
        return scopes | {queue_scope(force_id)} if _shows_in_queue(obj, how) else scopes
    if (force_id := getattr(obj, "force_id", None)) is not None:
        return of_forces([force_id])
    if (through := _THROUGH_PARENT.get(type(obj))) is not None:
        parent_name, key_name, query = through
        if (parent := obj.__dict__.get(parent_name)) is not None:
            return _reach_of(session, parent, "changed", inspections)
        if (force_id := session.connection().scalar(query(getattr(obj, key_name)))) is not None:
            return of_forces([force_id])
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
        if not isinstance(obj, NOT_CACHED) and not _signs_in_only(obj, how):
            scopes |= _reach_of(session, obj, how, inspections)
    if SHARED not in scopes:
        scopes |= _forces_of_inspections(session, inspections) | {inspection_wide_scope(i) for i in inspections}
    _mark(session, scopes)


def _bump_on_statement(state):
    """An INSERT, UPDATE or DELETE statement run through the session changes the tokens of the forces
    it names (execution option `data_reach`), else the shared token."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    named = state.execution_options.get(REACH)
    if named is None:
        _mark(state.session, {SHARED})
        return
    forces, inspections = named
    _mark(state.session, of_forces(forces) | _forces_of_inspections(state.session, set(inspections)))


def _forget_tokens(session, transaction):
    """A new transaction may see other tokens: read them again, and mark again on a write. Only the
    end of the whole transaction counts, not of a savepoint or of the subtransaction each flush opens."""
    if transaction.parent is None:
        session.info.pop(_SEEN, None)
        session.info.pop(_PENDING, None)


LISTENERS = (
    (Session, "after_flush", _bump_after_flush),
    (Session, "do_orm_execute", _bump_on_statement),
    (Session, "before_commit", _bump_at_commit),
    (Session, "after_transaction_end", _forget_tokens),
)
