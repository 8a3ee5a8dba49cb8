"""The database connections' behaviour: SQLite's pragmas and transactions, and "busy, try again"."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context, request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.split(".")[0] == "sqlite3"


def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on foreign keys, WAL and a busy timeout on every new SQLite connection.

    Python's sqlite3 module also starts and ends transactions by its own rules, which breaks
    SAVEPOINT; it is told to stand aside, and SQLAlchemy's begin event below says BEGIN itself.
    """
    if not _is_sqlite(dbapi_connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Writers queue for SQLite's one write lock (see _sqlite_begin); a publish that renders a PDF
    # holds it for seconds, so wait long enough before answering "busy, try again".
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# PostgreSQL: no parallel query for the app's statements. A parallel plan starts worker processes for
# one statement; on the pages' statements (a few to a few tens of milliseconds) starting them cost more
# than they saved (the all-forces dashboard took 200 ms with them, 120 ms without, at national scale on
# two cores), and under load they take the cores the other requests wait for. And a random read of a
# page costs little more than a sequential one (random_page_cost 1.1, not the default 4, which prices a
# spinning disk): the tables a page reads are in memory or on SSD. At 4 the API's overdue view for one
# force joined its hundred rows to every recommendation and inspection by reading both tables whole
# (a hash join) rather than looking each row up by its key, twice the time. Set when the connection
# is opened (in its startup packet: no round trip).
POSTGRES_SETTINGS = {"max_parallel_workers_per_gather": "0", "random_page_cost": "1.1"}


def _postgres_settings(dialect, connection_record, cargs, cparams):
    """Add POSTGRES_SETTINGS to a new PostgreSQL connection's options (after any the URL gives)."""
    if dialect.name != "postgresql":
        return
    settings = " ".join(f"-c {name}={value}" for name, value in POSTGRES_SETTINGS.items())
    cparams["options"] = f"{cparams.get('options', '')} {settings}".strip()


def _still_connected(dbapi_connection, connection_record, connection_proxy):
    """At every checkout from the pool, make sure a PostgreSQL connection still has its server, so that a
    restarted server or an ended backend costs a new connection rather than a failed request; SQLite's
    file cannot go away.

    SQLAlchemy's pool_pre_ping asks the server (a round trip at every request, about a twentieth of a
    millisecond of CPU on each side). A server that ends a connection says so first (or its kernel
    closes the socket), so an idle connection that has something to read is the only one in doubt:
    that one is pinged, as pool_pre_ping would, and dropped if the ping fails (the pool then opens
    another). A healthy idle connection has nothing to read and costs no round trip. (A server that
    vanishes without a word, its host unplugged, fails the ping as it fails the request: after the
    network's timeout.)"""
    if _is_sqlite(dbapi_connection):
        return
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection was closed")
    waiting = select.poll()  # (not select.select, which refuses a descriptor numbered 1024 or more)
    waiting.register(dbapi_connection.fileno(), select.POLLIN)
    if not waiting.poll(0):
        return
    autocommit = dbapi_connection.autocommit
    try:
        dbapi_connection.autocommit = True  # no transaction begun for the ping
        dbapi_connection.execute("SELECT 1")
    except Exception as error:
        raise DisconnectionError("the server ended the connection") from error
    finally:
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = autocommit


# Set by write_transactions() for code outside a request (commands, threads) that will write, and
# by read_transactions() for reads inside a writing request (its error page); None: by the request.
_write_intent: ContextVar[bool | None] = ContextVar("tracker_write_intent", default=None)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextmanager
def write_transactions() -> Iterator[None]:
    """Within this block, database transactions are begun as ones that will write.

    Requests that may write (POST and the like) get this without asking. On SQLite, a transaction
    that reads and then writes must hold the write lock from its start: a plain (deferred) BEGIN
    would read a snapshot that another writer may make stale, and SQLite then refuses the write
    at once with "database is locked", whatever the busy timeout. PostgreSQL needs nothing.
    """
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def read_transactions() -> Iterator[None]:
    """Within this block, transactions are begun as reads, even inside a request that writes."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


def wants_write_lock() -> bool:
    """True when the transaction about to begin belongs to a request or block that writes."""
    intent = _write_intent.get()
    if intent is not None:
        return intent
    return has_request_context() and request.method not in SAFE_METHODS


def _sqlite_begin(connection):
    """Start SQLite transactions explicitly (see _sqlite_pragmas): IMMEDIATE for ones that write.

    BEGIN IMMEDIATE waits (up to the busy timeout) for the one write lock, so concurrent saves
    queue up instead of failing; readers are never blocked under WAL.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


# A database too busy to answer now: SQLite's lock wait ran out (SQLITE_BUSY / SQLITE_LOCKED and
# their extended codes), or PostgreSQL gave up on a lock, a deadlock or a serialisation.
_BUSY_SQLITE_CODES = {5, 6, 261, 262, 517, 773}
_BUSY_SQLSTATES = {"40001", "40P01", "55P03", "57014"}


def is_database_busy(error: BaseException) -> bool:
    """True when a database error means "busy, try again" rather than a fault in the code."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code in _BUSY_SQLITE_CODES
    if getattr(original, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(original)


# PostgreSQL (psycopg): a transaction that only read is ended with COMMIT rather than ROLLBACK.
# The two are the same to the server, but psycopg forgets its prepared statements on every ROLLBACK
# (and deallocates them), and every request that reads ends with one when its session closes: the
# queries were parsed and planned afresh on every request and never reached psycopg's threshold for
# preparing them (prepare_threshold, 5 uses). A transaction that wrote, or is in error, is rolled back.
_WROTE = "tracker_wrote"  # connection.info key: the current transaction sent a statement that may write


def _note_writes(conn, cursor, statement, parameters, context, executemany):
    """Mark the connection's transaction as one that wrote, at anything but a read: a SELECT, or a WITH
    that SQLAlchemy compiled as a select."""
    if conn.info.get(_WROTE) or conn.dialect.name != "postgresql":
        return
    verb = statement.lstrip()[:6].upper()
    reads = verb == "SELECT" or (verb[:4] == "WITH" and context is not None and context.compiled is not None
                                 and context.compiled.statement.is_select)
    if not reads:
        conn.info[_WROTE] = True


def _commit_what_only_read(conn):
    """Before a rollback of a PostgreSQL transaction that only read: commit it instead (the rollback
    then has nothing to do), keeping psycopg's prepared statements."""
    wrote = conn.info.pop(_WROTE, False)
    if wrote or conn.dialect.name != "postgresql" or conn.in_nested_transaction():
        return
    dbapi_connection = conn.connection.dbapi_connection
    info = getattr(dbapi_connection, "info", None)
    if info is not None and info.transaction_status.name == "INTRANS":
        dbapi_connection.commit()


def _forget_writes(conn):
    conn.info.pop(_WROTE, None)


LISTENERS = (
    (Engine, "do_connect", _postgres_settings),
    (Engine, "checkout", _still_connected),
    (Engine, "connect", _sqlite_pragmas),
    (Engine, "begin", _sqlite_begin),
    (Engine, "before_cursor_execute", _note_writes),
    (Engine, "rollback", _commit_what_only_read),
    (Engine, "commit", _forget_writes),
)
