"""Operations: what is overdue, statutory response PDFs, reminders, backups and restores."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.cli import backup
from tracker.cli.options import parse_date
from tracker.cli.progress import TerminalProgress
from tracker.cli.schema import needs_schema
from tracker.db import db, open_item_counts
from tracker.documents.pdf import PdfRenderError
from tracker.documents.response import render_response_pdf
from tracker.services import evidence as evidence_service
from tracker.services import inspections as inspection_service
from tracker.services import owner_links, reminders
from tracker.services import responses as response_service
from tracker.services.overdue import overdue_items

OVERDUE_FIELDS = ["type", "source", "force", "inspection", "ref", "title", "owner", "status", "due", "days_overdue"]


@click.command("overdue")
@click.option("--as-of", "as_of", callback=parse_date, help="The date to judge by (YYYY-MM-DD); today by default.")
@click.option("--force", "force_slug", help="Only this force (its slug, e.g. cumbria).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@needs_schema()
def overdue_command(as_of: date | None, force_slug: str | None, fmt: str) -> None:
    """List the recommendations, actions and statutory responses (of every source) overdue on a date."""
    as_of = as_of or date.today()
    force_ids = None
    if force_slug:
        force = inspection_service.get_force(force_slug)
        if force is None:
            raise click.ClickException(f"No force has the slug {force_slug!r}")
        force_ids = [force.id]
    items = overdue_items(as_of, force_ids)
    if fmt == "json":
        # One item per line: readable, and written by json's C encoder (indent= would make it use the
        # much slower pure-Python one).
        click.echo("[\n" + ",\n".join(json.dumps(_fields(item)) for item in items) + ("\n]" if items else "]"))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=OVERDUE_FIELDS, lineterminator="\n")
        writer.writeheader()
        for item in items:
            writer.writerow(_fields(item))
    else:
        _print_table(items, as_of)


def _fields(item) -> dict:
    """The fields scripts rely on, read straight from the item (dataclasses.asdict would deep-copy
    every field)."""
    data = {k: getattr(item, k) for k in OVERDUE_FIELDS}
    data["due"] = item.due.isoformat()
    return data


def _print_table(items, as_of: date) -> None:
    """Print overdue items as an aligned table for a person at a terminal."""
    if not items:
        click.echo(f"Nothing is overdue on {as_of.isoformat()}.")
        return
    rows = [["Days", "Type", "Source", "Force", "Inspection", "Ref", "Due", "Owner", "Title"]]
    for item in items:
        rows.append([str(item.days_overdue), item.type, item.source, item.force, item.inspection, item.ref or "-",
                     item.due.isoformat(), item.owner or "-", item.title[:60]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    click.echo(f"\n{len(items)} items overdue on {as_of.isoformat()}.")



@click.command("render-response")
@click.option("--force", "force_slug", required=True, help="The force's slug, e.g. cumbria.")
@click.option("--inspection", "inspection_slug", required=True, help="The inspection's slug, e.g. vawg-2021.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF file to write.")
@click.option("--draft", is_flag=True, help="Render the current data as a draft, instead of the latest published version.")
@click.option("--internal", is_flag=True, help="With --draft: include the items marked not for publication.")
@needs_schema()
def render_response_command(force_slug: str, inspection_slug: str, output: Path, draft: bool, internal: bool) -> None:
    """Write a statutory response as PDF: the latest published version, or with --draft the current data."""
    response = response_service.get_response(force_slug, inspection_slug)
    if response is None:
        raise click.ClickException(f"No statutory response of {force_slug!r} to {inspection_slug!r}")
    if internal and not draft:
        raise click.ClickException("--internal needs --draft: published versions are always the public copy")
    if draft:
        try:
            pdf = render_response_pdf(response, public=not internal, draft=True)
        except PdfRenderError as exc:
            raise click.ClickException(f"The document could not be rendered: {exc}") from None
        output.write_bytes(pdf)
        click.echo(f"Wrote a draft of {len(pdf)} bytes to {output}")
        return
    if not response.versions:
        raise click.ClickException("This response has not been published: use --draft to render the current data")
    latest = response.versions[-1]
    source = response_service.published_path(Path(current_app.config["TRACKER_PUBLISHED_DIR"]), latest)
    if not source.is_file():
        raise click.ClickException(f"The published file of version {latest.number} is missing: {source}")
    output.write_bytes(source.read_bytes())
    click.echo(f"Wrote version {latest.number} (sha256 {latest.sha256}) to {output}")



@click.command("send-reminders")
@click.option("--today", "today", callback=parse_date, help="Run as if on this date (YYYY-MM-DD); today by default.")
@needs_schema()
def send_reminders_command(today: date | None) -> None:
    """Email owners 30, 7 and 1 days before a due date and when it passes, and the weekly digest.

    Run it daily (cron or a systemd timer). Each reminder is sent once only; one the SMTP server
    did not accept is sent by the next run.
    """
    with TerminalProgress() as progress:
        report = reminders.run(today or date.today(), current_app.config, progress)
    click.echo(f"Sent {report.sent}, already sent {report.already_sent}, failed {report.failed}, "
               f"no recipient {report.no_recipient}, opted out {report.opted_out}.")
    for error in report.errors[:20]:
        click.echo(f"Error: {error}", err=True)
    if report.failed:
        raise SystemExit(1)

@click.command("send-owner-links")
@click.option("--today", "today", callback=parse_date, help="Run as if on this date (YYYY-MM-DD); today by default.")
@needs_schema()
def send_owner_links_command(today: date | None) -> None:
    """Email each open action's owner a link to give an update, before the action is due.

    Sent TRACKER_OWNER_LINK_LEAD_DAYS (7) before the due date, to the action's owner's email; the link
    works TRACKER_OWNER_LINK_DAYS (7), is built on TRACKER_BASE_URL, and is sent once per action and
    due date. Run it daily beside send-reminders; a link whose email the server did not take is
    revoked, and the next run sends another.
    """
    report = owner_links.run(today or date.today(), current_app.config, current_app.secret_key)
    click.echo(f"Sent {report.sent}, already sent {report.already_sent}, failed {report.failed}, "
               f"no valid address {report.no_recipient}.")
    for error in report.errors[:20]:
        click.echo(f"Error: {error}", err=True)
    if report.failed:
        raise SystemExit(1)


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@needs_schema()
def backup_command(dest: Path) -> None:
    """Back up the database, published PDFs and evidence files into the new folder DEST.

    Safe while the app is serving: the database is copied from one consistent snapshot (SQLite's
    online backup, or pg_dump on PostgreSQL), then the files; manifest.json lists the sha256 of
    every file, the row counts and the schema revision.
    """
    try:
        with TerminalProgress() as progress:
            manifest = backup.backup(dest, progress)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(manifest["database"]["row_counts"].values())
    click.echo(f"Backed up {rows} rows ({manifest['database']['dialect']}, schema {manifest['database']['schema_revision']}) "
               f"and {len(manifest['files']) - 1} files into {dest}")
    for problem in manifest["problems"]:
        click.echo(f"Warning: {problem}", err=True)



@click.command("check-counts")
@click.option("--rebuild", is_flag=True, help="Count every item afresh, then check again.")
@needs_schema()
def check_counts_command(rebuild: bool) -> None:
    """Check the counts of items the database keeps (the steps of open, overdue and due soon, by force,
    kind and date, for the dashboard) against a count made now from the items. Exits 1 when they differ, listing where; with --rebuild,
    counts them afresh first (after a restore of the data alone, or a table loaded with the triggers off)."""
    connection = db.session.connection()
    if rebuild:
        open_item_counts.rebuild(connection)
        db.session.commit()
        connection = db.session.connection()
    differences = open_item_counts.differences(connection)
    for force_id, measure, span, starts_on, item_type, kept, counted in differences[:20]:
        click.echo(f"force {force_id}, {item_type}, {measure}, {span} {starts_on}: kept {kept or 0}, "
                   f"counted {counted or 0}", err=True)
    if differences:
        click.echo(f"The kept counts differ from the items in {len(differences)} places: "
                   "run flask --app tracker check-counts --rebuild", err=True)
        raise SystemExit(1)
    click.echo("The kept counts agree with the items" + (" (counted afresh)" if rebuild else ""))


@click.command("sweep-evidence")
@click.option("--older-than-hours", "hours", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Leave files younger than this: their saves may still be running.")
@needs_schema()
def sweep_evidence_command(hours: float) -> None:
    """Remove evidence files no saved progress update names (a worker killed between writing a file
    and saving its row leaves one). Run it daily beside send-reminders."""
    removed = evidence_service.sweep_orphans(current_app.config["TRACKER_EVIDENCE_DIR"], timedelta(hours=hours))
    click.echo(f"Removed {len(removed)} evidence files that no progress update names")


@click.command("restore")
@click.argument("src", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the database and files of an install that is not empty.")
@with_appcontext
def restore_command(src: Path, force: bool) -> None:
    """Restore the backup in folder SRC into this install, which must be empty (or give --force).

    Every file is checked against the manifest before anything changes, and the row counts and
    file hashes again afterwards. Stop the app while restoring.
    """
    try:
        with TerminalProgress() as progress:
            manifest = backup.restore(src, force=force, progress=progress)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(manifest["database"]["row_counts"].values())
    click.echo(f"Restored {rows} rows and {len(manifest['files']) - 1} files from {src} "
               f"(taken {manifest['taken_at']}, schema {manifest['database']['schema_revision']}).")
    click.echo("If this version of tracker is newer than the backup, run: flask --app tracker db upgrade")


