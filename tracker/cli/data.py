"""Data in and out: `import-report` (a report's text), the structured round trip `export-inspection` /
`import-inspection` (the shape of seed_data/inspections/*.yaml), and `generate-demo` for benchmarks."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import click
import yaml

from tracker.cli import generate
from tracker.cli.options import parse_date
from tracker.cli.progress import TerminalProgress
from tracker.cli.schema import needs_schema
from tracker.db import db
from tracker.domain import importer
from tracker.services import DomainError, save, seed
from tracker.services import imports as import_service
from tracker.services import inspections as inspection_service
from tracker.services.seed import SeedError


@click.command("import-report")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--inspection", "slug", help="The inspection to add the recommendations to (its slug).")
@click.option("--dry-run", is_flag=True, help="Only show what was read; save nothing.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@needs_schema()
def import_report_command(file: Path, slug: str | None, dry_run: bool, fmt: str) -> None:
    """Read the recommendations of a report (.txt, .docx or .pdf), print them, and save them.

    Without --dry-run they are added to the inspection in one transaction (new references only),
    with tracking rows for every force it concerns. JSON output: {"items": [...], "warnings": [...]}.
    """
    inspection = None
    if slug:
        inspection = inspection_service.get_inspection(slug)
        if inspection is None:
            raise click.ClickException(f"No inspection has the slug {slug!r}: nothing saved")
    elif not dry_run:
        raise click.ClickException("Give --inspection SLUG to save what is read, or --dry-run to only read it")
    try:
        if file.stat().st_size > importer.MAX_FILE_BYTES:
            raise importer.ImportFileError(
                f"The file must be smaller than {importer.MAX_FILE_BYTES // (1024 * 1024)} MB")
        with TerminalProgress() as progress:
            text, file_warnings = importer.read_file_bytes(file.name, file.read_bytes(), progress)
        result = importer.parse_text(text, inspection.published_on if inspection else None)
    except importer.ImportFileError as exc:
        raise click.ClickException(f"{file}: {exc.message}. Nothing saved.") from None
    result.warnings[:0] = file_warnings
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    else:
        _print_items(result)
    if dry_run:
        return
    to_stderr = fmt == "json"  # keep the JSON on stdout clean for scripts
    if not result.items:
        raise click.ClickException(f"{file}: no recommendations were found. Nothing saved.")
    try:
        added = import_service.add_parsed_items(inspection, result.items)
        save()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc.message}. Nothing saved.") from None
    forces = sum(1 for row in inspection.scope if row.in_scope)
    click.echo(f"Saved {len(added)} items into {inspection.slug}, tracked for {forces} forces.", err=to_stderr)


def _print_items(result: importer.ParseResult) -> None:
    """Print what was read as an aligned table, then the warnings and what to check."""
    if result.published:
        click.echo(f"The text says the report was published on {result.published.isoformat()} "
                   f"(“{result.published_text}”).")
    for label, when, words in result.dates:
        click.echo(f"{label}: {when.isoformat()} (“{words}”).")
    if result.items:
        rows = [["Ref", "Kind", "Under", "Addressed to", "Deadline", "Date", "Text"]]
        for item in result.items:
            text = " ".join(item.text.split())
            bullets = f" (+{len(item.bullets)} points)" if item.bullets else ""
            rows.append([item.ref or "-", item.kind.label, item.parent_ref or "-", (item.addressed_to or "-")[:30],
                         item.deadline_text or "-", item.deadline.isoformat() if item.deadline else "-",
                         text[:50] + ("…" if len(text) > 50 else "") + bullets])
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        click.echo(f"\n{len(result.items)} items read.")
    for item in result.items:
        for flag in item.flags:
            click.echo(f"Check {item.ref or 'item on line ' + str(item.line)}: {flag}")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}")
    if result.removed:
        click.echo(f"{len(result.removed)} lines of page furniture (page numbers, running headers, status badges) "
                   "were left out.")


@click.command("export-inspection")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["yaml", "json", "text"]), default="yaml", show_default=True,
              help="yaml or json: the seed_data shape, for import-inspection; text: the recommendations as "
                   "plain text, which import-report reads back.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of the screen.")
@needs_schema()
def export_inspection_command(slug: str, fmt: str, output: Path | None) -> None:
    """Write an inspection and its recommendations in the shape of seed_data/inspections/*.yaml (or as text)."""
    inspection = inspection_service.get_inspection(slug)
    if inspection is None:
        raise click.ClickException(f"No inspection has the slug {slug!r}")
    if fmt == "text":
        text = importer.render_text(import_service.items_from_inspection(inspection))
    elif fmt == "json":
        data = import_service.export_inspection(inspection)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        data = import_service.export_inspection(inspection)
        text = yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {slug} to {output}", err=True)
    else:
        click.echo(text, nl=False)


class _BlockDumper(yaml.SafeDumper):
    """Writes text with line breaks as YAML literal blocks (|), as the seed files are written."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    """A string with line breaks as a literal block; others as PyYAML chooses."""
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_str)


@click.command("import-inspection")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Import under this slug instead of the file's own.")
@needs_schema()
def import_inspection_command(file: Path, slug: str | None) -> None:
    """Create an inspection from a file in the shape of seed_data/inspections/*.yaml (YAML or JSON)."""
    try:
        item = import_service.read_inspection_file(file)
        inspection = import_service.import_inspection(item, slug)
        save()
    except (SeedError, DomainError) as exc:
        db.session.rollback()
        raise click.ClickException(f"{getattr(exc, 'message', exc)}. Nothing saved.") from None
    click.echo(f"Imported {inspection.slug} with {len(inspection.recommendations)} recommendations.")


@click.command("generate-demo")
@click.option("--scale", "scale_name", default="national", show_default=True,
              help="national: 43 forces, 600 inspections; force: one OPCC (cumbria), 60; tiny: tests. "
                   "Times a whole number for benchmarks of growth: national*3 (three times the inspections).")
@click.option("--times", type=click.IntRange(min=1), default=1, show_default=True,
              help="Multiply the scale: --scale national --times 3 is national*3.")
@click.option("--seed", "seed_number", type=int, default=1, show_default=True, help="The random seed: same seed, same rows.")
@click.option("--end", callback=parse_date, help="The last day of the ten years (YYYY-MM-DD); today by default.")
@needs_schema()
def generate_demo_command(scale_name: str, times: int, seed_number: int, end: date | None) -> None:
    """Fill an empty database with synthetic data at national (or one force's) scale, for benchmarks.

    Refuses a database that holds any inspection, tracking or response already; forces, themes and
    users may be there. Loads the forces and themes from seed_data/ first when they are missing.
    """
    try:
        scale_name = generate.scale_named(scale_name, times).name
        with db.engine.connect() as connection:
            generate.check_empty(connection)
        seed.seed_database(seed.SEED_DIR, demo=False)
        db.session.remove()
        cpu = time.process_time()
        with TerminalProgress() as progress:
            counts, seconds = generate.run(db.engine, scale_name, seed_number, end, progress)
        cpu = time.process_time() - cpu
    except generate.GenerateError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Generated the {scale_name} data set (seed {seed_number}) in {seconds:.1f} s ({cpu:.1f} s of CPU):")
    for table, n in counts.items():
        click.echo(f"  {table:22} {n:>9,}")
