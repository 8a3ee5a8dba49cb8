"""The data state: a token that is new after every write, for caching what is built from the data.

Session listeners, like the audit trail's: every flush that adds, changes or deletes a row, and every
INSERT, UPDATE or DELETE statement run through a session, also gives the one data_state row a new
random token, in the same transaction. A rolled-back write leaves the old token; a committed one makes
every page cached under the old token unreachable. The token is random rather than a counter so that
a database restored from a backup brings back its own token, never one a running server has already
used for other data. Writes that go around the session (generate-demo's bulk inserts) call `bump`.

On PostgreSQL two writing transactions now also queue on this row until the first commits; writes
are rare and short here, and SQLite serialises writers anyway.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker import models

_TABLE = models.DataState.__table__
_SEEN = "data_state_token"  # session.info key: the token this transaction last read
_BUMPED = "data_state_bumped"  # session.info key: this transaction has given the token a new value


def bump(connection: sa.Connection) -> None:
    """Give the data state a new token (inside the caller's transaction)."""
    connection.execute(
        sa.update(_TABLE).where(_TABLE.c.id == 1).values(token=uuid.uuid4().hex, changed_at=models.utcnow())
    )


def current(session: Session) -> str:
    """The data state's token as this transaction sees it (read once per transaction, again after a write)."""
    if _SEEN not in session.info:
        session.info[_SEEN] = session.scalar(sa.select(_TABLE.c.token).where(_TABLE.c.id == 1)) or ""
    return session.info[_SEEN]


def _bump_in(session: Session) -> None:
    """Bump once in the session's transaction (a new token is enough for all its writes) and forget
    the token it had read. The mark is dropped when any transaction or savepoint ends, so a write
    after a rolled-back savepoint bumps again."""
    session.info.pop(_SEEN, None)
    if not session.info.get(_BUMPED):
        bump(session.connection())
        session.info[_BUMPED] = True


# Records no cached page is built from: writing them (an API token's last use, on every API request
# at most once a minute; a client address's wrong passwords) must not empty every worker's page cache.
NOT_CACHED = (models.ApiToken, models.SignInAddress)


def _bump_after_flush(session, flush_context):
    """A flush that wrote something changes the token (the audit rows of the same flush, and records
    no page is built from, do not count)."""
    if (any(not isinstance(obj, NOT_CACHED) for obj in (*session.new, *session.deleted))
            or any(not isinstance(obj, NOT_CACHED) and session.is_modified(obj, include_collections=False)
                   for obj in session.dirty)):
        _bump_in(session)


def _bump_on_statement(state):
    """An INSERT, UPDATE or DELETE statement run through the session changes the token."""
    if state.is_insert or state.is_update or state.is_delete:
        _bump_in(state.session)


def _forget_token(session, transaction):
    """A new transaction may see another token: read it again (and bump again on a write). Only the end
    of a transaction or savepoint counts, not of the subtransaction each flush opens."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(_SEEN, None)
        session.info.pop(_BUMPED, None)


LISTENERS = (
    (Session, "after_flush", _bump_after_flush),
    (Session, "do_orm_execute", _bump_on_statement),
    (Session, "after_transaction_end", _forget_token),
)
