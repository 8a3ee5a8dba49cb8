"""Backups of a whole install, taken while it serves, and their restore into an empty install.

A backup is a folder:

    manifest.json           what is in it: the sha256 and size of every file, the database's row
                            counts and schema revision, when it was taken
    database.sqlite         SQLite's online backup of the database (a consistent copy), or
    database.pgdump         pg_dump's custom-format dump of a PostgreSQL database
    files/published/...     the published PDFs (instance/published)
    files/evidence/...      the evidence files (instance/evidence)

The database is copied first, then the files: published PDFs and evidence files are written
before the change that refers to them is committed, and never changed afterwards, so every file
the copied database refers to is already there to copy. Files that arrive later are copied too
and do no harm. The row counts are taken from the same snapshot as the copy (the copy itself on
SQLite; an exported snapshot that pg_dump then uses, on PostgreSQL).

Restore checks every file against the manifest before it changes anything, refuses an install
that holds data unless forced, and checks the row counts and file hashes again afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import URL

from tracker.db import db
from tracker.domain.progress import Progress, quiet

MANIFEST = "manifest.json"
FORMAT = "tracker-backup"
FORMAT_VERSION = 1
FILE_AREAS = {"published": "TRACKER_PUBLISHED_DIR", "evidence": "TRACKER_EVIDENCE_DIR"}
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


# --- helpers ----------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    """Return the sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_hashed(source: Path, target: Path) -> dict:
    """Copy a file, hashing the bytes as they are written; return its sha256 and size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    shutil.copystat(source, target)
    return {"sha256": digest.hexdigest(), "size": size}


def _files_under(folder: Path) -> list[Path]:
    """Every regular file under a folder (none if it does not exist), in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _area_dirs() -> dict[str, Path]:
    """The install's file folders, by area name."""
    return {area: Path(current_app.config[key]) for area, key in FILE_AREAS.items()}


def _table_names() -> list[str]:
    """The tables a backup counts: every model table, and alembic_version."""
    return [table.name for table in db.metadata.sorted_tables] + ["alembic_version"]


def _counts_and_revision(execute) -> tuple[dict[str, int], str | None, list[tuple[str, str, str]]]:
    """Row counts, schema revision and referenced files, read through `execute(sql) -> rows`."""
    counts = {name: execute(f'SELECT COUNT(*) FROM "{name}"')[0][0] for name in _table_names()}
    revision_rows = execute("SELECT version_num FROM alembic_version")
    revision = revision_rows[0][0] if revision_rows else None
    referenced = [("published", name, sha) for name, sha in execute("SELECT filename, sha256 FROM published_versions")]
    referenced += [("evidence", name, sha) for name, sha in execute("SELECT stored_name, sha256 FROM evidence_files")]
    return counts, revision, referenced


def _dialect() -> str:
    """The name of the database the install runs on, which decides the copying tool."""
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups of {name} databases are not supported (only SQLite and PostgreSQL)")
    return name


def _sqlite_path(url: URL) -> Path:
    """The file of a SQLite database URL."""
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def pg_tool(name: str) -> str:
    """Find a PostgreSQL client program: in TRACKER_PG_BIN, on PATH, or Debian's newest version."""
    if folder := os.environ.get("TRACKER_PG_BIN"):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    if found := shutil.which(name):
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    if versions:
        return str(versions[-1])
    raise BackupError(f"{name} was not found: install PostgreSQL's client tools (Debian: postgresql-client) "
                      "or set TRACKER_PG_BIN to the folder that holds them")


def _libpq_args(url: URL) -> tuple[str, dict]:
    """A libpq connection URI for a database URL (without the password) and the environment
    carrying the password, so that it never appears in a process list."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(command: list[str], env: dict) -> None:
    """Run a PostgreSQL tool; a failure becomes a BackupError with its message."""
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


# --- backup -----------------------------------------------------------------------------------


def _backup_sqlite(target: Path) -> tuple[dict[str, int], str | None, list]:
    """Copy the SQLite database with the online backup API, in one step (one consistent snapshot)."""
    source_path = _sqlite_path(db.engine.url)
    if not source_path.is_file():
        raise BackupError(f"The database {source_path} does not exist: there is nothing to back up")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: a reader's snapshot, writers carry on (WAL)
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        snapshot = _counts_and_revision(lambda sql: copy.execute(sql).fetchall())
    finally:
        copy.close()
        source.close()
    return snapshot


def _backup_postgresql(target: Path) -> tuple[dict[str, int], str | None, list]:
    """Dump the PostgreSQL database with pg_dump from a snapshot the counts are read in too."""
    uri, env = _libpq_args(db.engine.url)
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            counts = _counts_and_revision(lambda sql: connection.exec_driver_sql(sql).fetchall())
            # The exporting transaction stays open until pg_dump has taken the snapshot over.
            _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}", f"--dbname={uri}"], env)
    return counts  # (counts, revision, referenced files), as read in pg_dump's snapshot


def _copy_files(dest: Path, progress: Progress) -> dict[str, dict]:
    """Copy the published PDFs and evidence files into the backup; return their hashes by path."""
    files = {}
    todo = [(area, folder, path) for area, folder in _area_dirs().items() for path in _files_under(folder)]
    for done, (area, folder, path) in enumerate(todo, 1):
        relative = Path("files") / area / path.relative_to(folder)
        files[relative.as_posix()] = _copy_hashed(path, dest / relative)
        progress("Copying the files", done, len(todo))
    return files


def backup(dest: Path, progress: Progress = quiet) -> dict:
    """Take a backup of the install into the new folder `dest`; return its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    dialect = _dialect()
    dest.mkdir(parents=True, exist_ok=True)
    dest.chmod(0o700)  # it holds every record, password hashes included: its owner only
    started = datetime.now(UTC)
    database_file = DATABASE_FILES[dialect]
    copy = _backup_sqlite if dialect == "sqlite" else _backup_postgresql
    progress("Copying the database")
    counts, revision, referenced = copy(dest / database_file)
    files = {database_file: {"sha256": sha256_of(dest / database_file), "size": (dest / database_file).stat().st_size}}
    files.update(_copy_files(dest, progress))
    problems = []
    for area, name, sha in referenced:
        entry = files.get((Path("files") / area / name).as_posix())
        if entry is None:
            problems.append(f"{area}/{name} is recorded in the database but was not found")
        elif entry["sha256"] != sha:
            problems.append(f"{area}/{name} does not match the hash recorded in the database")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "taken_at": started.isoformat(),
        "database": {"dialect": dialect, "file": database_file, "schema_revision": revision, "row_counts": counts},
        "files": files,
        "problems": problems,
    }
    partial = dest / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial.replace(dest / MANIFEST)  # the manifest appears last: a folder without one is incomplete
    return manifest


# --- restore ----------------------------------------------------------------------------------


def read_manifest(src: Path) -> dict:
    """Read and check a backup's manifest."""
    path = Path(src) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{src} holds no {MANIFEST}: it is not a complete tracker backup")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path} is not readable JSON: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is not a tracker backup manifest of version {FORMAT_VERSION}")
    return manifest


def verify(src: Path, manifest: dict, progress: Progress = quiet) -> None:
    """Check that every file the manifest lists is in the backup, unchanged."""
    src = Path(src)
    bad = []
    for done, (relative, entry) in enumerate(manifest["files"].items(), 1):
        progress("Checking the backup's files", done, len(manifest["files"]))
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise BackupError(f"The manifest names {relative!r}, outside the backup: nothing was restored")
        path = src / relative
        if not path.is_file():
            bad.append(f"{relative} is missing")
        elif path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            bad.append(f"{relative} has changed since the backup was taken")
    if bad:
        raise BackupError("The backup is damaged, nothing was restored: " + "; ".join(bad))


def current_contents() -> list[str]:
    """What the install already holds, in words (an empty list: an empty install).

    A database with the schema but no rows (after `flask db upgrade`) counts as empty; the migrations'
    own rows of the data state (tokens, no data) does not count.
    """
    held = []
    existing = set(sa.inspect(db.engine).get_table_names())
    rows, tables = 0, 0
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in existing and table.name != "data_states":
                count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                rows, tables = rows + count, tables + bool(count)
    if rows:
        held.append(f"{rows} rows in {tables} tables of the database")
    for folder in _area_dirs().values():
        if files := _files_under(folder):
            held.append(f"{len(files)} files in {folder}")
    return held


def _restore_sqlite(backup_file: Path) -> None:
    """Replace the SQLite database's whole content with the backup's, through the backup API."""
    target_path = _sqlite_path(db.engine.url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()


def _restore_postgresql(backup_file: Path) -> None:
    """Load the dump with pg_restore in one transaction, replacing the objects it holds."""
    uri, env = _libpq_args(db.engine.url)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          "--exit-on-error", f"--dbname={uri}", str(backup_file)], env)


def _clear(folder: Path) -> None:
    """Remove a file folder's contents (restore --force replaces them)."""
    if folder.is_dir():
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def restore(src: Path, force: bool = False, progress: Progress = quiet) -> dict:
    """Restore the backup in `src` into this install (empty, unless `force`); return its manifest."""
    src = Path(src)
    manifest = read_manifest(src)
    verify(src, manifest, progress)
    dialect = _dialect()
    if manifest["database"]["dialect"] != dialect:
        raise BackupError(f"This backup holds a {manifest['database']['dialect']} database and this install runs on "
                          f"{dialect}: restore it into an install on {manifest['database']['dialect']}")
    held = current_contents()
    if held and not force:
        raise BackupError("This install is not empty (" + "; ".join(held) + "): restore into an empty install, "
                          "or give --force to replace its database and files")
    db.session.remove()
    db.engine.dispose()
    backup_file = src / manifest["database"]["file"]
    progress("Restoring the database")
    if dialect == "sqlite":
        _restore_sqlite(backup_file)
    else:
        _restore_postgresql(backup_file)
    db.engine.dispose()

    for _area, folder in _area_dirs().items():
        if force:
            _clear(folder)
        folder.mkdir(parents=True, exist_ok=True)
    dirs = _area_dirs()
    files = [(relative, entry) for relative, entry in manifest["files"].items() if Path(relative).parts[0] == "files"]
    for done, (relative, entry) in enumerate(files, 1):
        progress("Restoring the files", done, len(files))
        parts = Path(relative).parts
        if parts[1] not in dirs or ".." in parts:
            raise BackupError(f"{relative}: not a file area this install knows")
        copied = _copy_hashed(src / relative, dirs[parts[1]].joinpath(*parts[2:]))
        if copied["sha256"] != entry["sha256"]:
            raise BackupError(f"{relative} changed while it was restored")

    progress("Checking the restored database")
    with db.engine.connect() as connection:
        counts, revision, _ = _counts_and_revision(lambda sql: connection.exec_driver_sql(sql).fetchall())
    if counts != manifest["database"]["row_counts"] or revision != manifest["database"]["schema_revision"]:
        raise BackupError("The restored database does not hold what the backup's manifest lists: "
                          f"{counts} at {revision} against {manifest['database']['row_counts']}")
    return manifest
