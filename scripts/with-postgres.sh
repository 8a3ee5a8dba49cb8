#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server started here from the machine's binaries:
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest
#
# The server runs as an unprivileged user (PostgreSQL refuses root), listens on 127.0.0.1 only on
# a free port, keeps its data in a temporary folder, and requires a random password. The command
# runs with TRACKER_TEST_DATABASE_URL (and PGHOST/PGPORT/PGUSER/PGPASSWORD) pointing at a new,
# empty database. The server is stopped and its folder removed afterwards, whatever happens.
#
# TRACKER_SKIP_POSTGRES=1 skips the command, loudly. TRACKER_PG_PORT fixes the port. TRACKER_PG_BIN names the folder holding
# initdb and pg_ctl when they are neither on PATH nor in /usr/lib/postgresql/<version>/bin.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

if [ "${TRACKER_SKIP_POSTGRES:-0}" = "1" ]; then
  {
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!! TRACKER_SKIP_POSTGRES=1: the PostgreSQL pass is SKIPPED."
    echo "!! Nothing was tested on PostgreSQL. Unset TRACKER_SKIP_POSTGRES to run it."
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  } >&2
  exit 0
fi

# --- find the server binaries ------------------------------------------------------------------
find_bindir() {
  if [ -n "${TRACKER_PG_BIN:-}" ]; then
    echo "$TRACKER_PG_BIN"
    return
  fi
  local initdb
  if initdb=$(command -v initdb 2>/dev/null); then
    dirname "$(readlink -f "$initdb")"
    return
  fi
  # Debian keeps them per major version; take the newest.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
    return
  fi
  return 1
}
if ! BINDIR=$(find_bindir); then
  echo "PostgreSQL's server binaries (initdb, pg_ctl, postgres) were not found." >&2
  echo "Install them with 'make system' (Debian package 'postgresql') or set TRACKER_PG_BIN." >&2
  exit 1
fi
for tool in initdb pg_ctl postgres; do
  if [ ! -x "$BINDIR/$tool" ]; then
    echo "$BINDIR/$tool is missing (TRACKER_PG_BIN or the PostgreSQL install is incomplete)." >&2
    exit 1
  fi
done

# --- the user the server runs as ---------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=tracker-pg
  if ! id "$PG_USER" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_USER"
  fi
  # From / so that the server never needs to read the caller's (root's) working folder.
  as_pg() { (cd / && runuser -u "$PG_USER" -- "$@"); }
  TMPDIR=/tmp  # a folder every user can pass through
else
  as_pg() { "$@"; }
fi

# --- a temporary cluster on a free loopback port ------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tracker-pg.XXXXXX")
DATA="$WORK/data"
LOG="$WORK/server.log"
STARTED=0
cleanup() {
  local status=$?
  if [ "$STARTED" = "1" ]; then
    as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
chmod 700 "$WORK"
chmod 600 "$WORK/pwfile"
if [ "$(id -u)" -eq 0 ]; then
  chown -R "$PG_USER" "$WORK"
fi

# TRACKER_PG_PORT picks the port; otherwise the kernel names a free one.
PORT=${TRACKER_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}

as_pg "$BINDIR/initdb" --pgdata="$DATA" --username=tracker --pwfile="$WORK/pwfile" \
  --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$WORK/initdb.log" 2>&1 || {
  cat "$WORK/initdb.log" >&2
  exit 1
}
rm -f "$WORK/pwfile"

# Loopback only, no Unix socket; durability off (a throwaway test server).
STARTED=1
as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || {
  echo "PostgreSQL did not start:" >&2
  cat "$LOG" >&2 || true
  exit 1
}

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=tracker PGPASSWORD=$PASSWORD
# postgresql-client comes with the server package: createdb sits beside initdb.
"$BINDIR/createdb" tracker_test
export TRACKER_TEST_DATABASE_URL="postgresql+psycopg://tracker:$PASSWORD@127.0.0.1:$PORT/tracker_test"
export TRACKER_PG_BIN="$BINDIR"

echo "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PORT (data in $DATA) for: $*"
set +e
"$@"
status=$?
set -e
exit "$status"
