"""Saving recommendations read from a report's text, and an inspection's structured round trip
(export to, and import from, the shape of seed_data/inspections/*.yaml).

Plain functions that flush and never commit: the command or request that calls them commits.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError

from tracker.db import db
from tracker.domain import importer
from tracker.domain.importer import ImportFileError, ParsedItem, ParseResult
from tracker.domain.importer.duplicates import duplicate_of
from tracker.models import Force, Inspection, Recommendation, Theme, User
from tracker.services import DomainError
from tracker.services import inspections as inspection_service
from tracker.services.sandbox import LimitExceeded, run_limited
from tracker.services.seed import InspectionIn, SeedSet, _check_references, load_inspection, read_file


def _read_and_parse(filename: str, data: bytes, published_on: date | None) -> ParseResult:
    """An uploaded file's text read and its recommendations parsed, the file's warnings first."""
    text, warnings = importer.read_file_bytes(filename, data)
    result = importer.parse_text(text, published_on)
    result.warnings[:0] = warnings
    return result


def read_upload(filename: str, data: bytes, published_on: date | None, **limits) -> ParseResult:
    """Read and parse an uploaded report in a child process with memory and time limits (sandbox).

    A file that cannot be read, or that meets a limit, raises ImportFileError saying why, and which
    limit it met; `limits` may set the sandbox's memory_bytes and seconds.
    """
    try:
        return run_limited(_read_and_parse, filename, data, published_on, expected=(ImportFileError,),
                           what="Reading the selected file", **limits)
    except LimitExceeded as exceeded:
        raise ImportFileError(f"{exceeded.message}: upload or paste the recommendations section only") from None


def check_items(inspection: Inspection, items: list[ParsedItem], numbers: list[int] | None = None) -> list[DomainError]:
    """Every problem that stops these items being added to the inspection, each naming its field.

    `numbers` are the items' positions in the form (items-N-...); by default 0, 1, 2...
    """
    problems: list[DomainError] = []
    existing = {rec.ref for rec in inspection.recommendations if rec.ref is not None}
    seen: set[str] = set()
    for index, item in enumerate(items):
        index = numbers[index] if numbers else index
        where = f"items-{index}"
        name = f"item {index + 1}" + (f" (reference {item.ref})" if item.ref else "")
        if item.ref is not None and len(item.ref) > 60:
            problems.append(DomainError(f"The reference of {name} must be 60 characters or fewer", f"{where}-ref"))
        if item.ref is not None and item.ref in existing:
            problems.append(DomainError(
                f"The reference {item.ref} is already used in this inspection: change it or leave the item out",
                f"{where}-ref"))
        elif item.ref is not None and item.ref in seen:
            problems.append(DomainError(f"The reference {item.ref} is given to more than one item", f"{where}-ref"))
        if item.parent_ref is not None and item.parent_ref not in seen and item.parent_ref not in existing:
            problems.append(DomainError(
                f"{name.capitalize()} is placed under {item.parent_ref}, which is not above it or in the inspection",
                f"{where}-parent_ref"))
        if not item.text.strip():
            problems.append(DomainError(f"Enter the text of {name}", f"{where}-text"))
        if item.addressed_to and len(item.addressed_to) > 300:
            problems.append(DomainError(f"‘Addressed to’ of {name} must be 300 characters or fewer",
                                        f"{where}-addressed_to"))
        if item.deadline_text and len(item.deadline_text) > 300:
            problems.append(DomainError(f"The deadline of {name} must be 300 characters or fewer",
                                        f"{where}-deadline_text"))
        if item.ref is not None:
            seen.add(item.ref)
    return problems


def likely_duplicates(inspection: Inspection, items: list[ParsedItem]) -> list[str | None]:
    """For each item, a note when the inspection already holds it (same reference or same words), else None."""
    existing = [(rec.ref, rec.text) for rec in inspection.recommendations]
    notes: list[str | None] = []
    for item in items:
        found = duplicate_of(item.ref, item.text, existing)
        if found is None:
            notes.append(None)
            continue
        ref, text = found
        what = f"reference {ref}" if ref else "an item with no reference"
        reason = "the same reference" if item.ref is not None and item.ref == ref else "the same words"
        words = " ".join(text.split()[:12])
        notes.append(f"This looks like {what} already on the inspection ({reason}: “{words}…”), so it is not "
                     "ticked: tick it only if it is a different item")
    return notes


def add_parsed_items(inspection: Inspection, items: list[ParsedItem], user: User | None = None) -> list[Recommendation]:
    """Add new recommendations to an inspection, then every in-scope force's tracking of them.

    Refuses (DomainError) a reference the inspection already has; a date a person set that
    differs from what the deadline engine reads is kept as an override, with who set it.
    """
    problems = check_items(inspection, items)
    if problems:
        raise problems[0]
    by_ref = {rec.ref: rec for rec in inspection.recommendations if rec.ref is not None}
    position = max((rec.position for rec in inspection.recommendations), default=0)
    added = []
    for item in items:
        position += 1
        rec = Recommendation(
            ref=item.ref, kind=item.kind, addressed_to=(item.addressed_to or "").strip() or None,
            text=item.text.strip(), bullets=[b.strip() for b in item.bullets if b.strip()],
            deadline_text=(item.deadline_text or "").strip() or None,
            parent=by_ref.get(item.parent_ref) if item.parent_ref else None, position=position,
        )
        inspection.recommendations.append(rec)
        inspection_service.apply_deadline(rec, inspection.published_on)
        if item.deadline != rec.deadline_date:
            inspection_service.override_deadline(rec, item.deadline, user)
        if rec.ref is not None:
            by_ref[rec.ref] = rec
        added.append(rec)
    inspection_service.ensure_force_records(inspection)
    return added


# --- the structured round trip ----------------------------------------------------------------


def export_inspection(inspection: Inspection) -> dict:
    """The inspection and its recommendations as plain data in the shape of seed_data/inspections/*.yaml."""
    all_force_ids = set(db.session.scalars(sa.select(Force.id)))
    rows = sorted(inspection.scope, key=lambda row: row.force.slug)
    exclude = {row.force.slug: row.exclusion_reason or "" for row in rows if not row.in_scope}
    if {row.force_id for row in rows} == all_force_ids and all_force_ids:
        scope: dict = {"all_forces": True}
    else:
        scope = {"forces": [row.force.slug for row in rows if row.in_scope]}
    if exclude:
        scope["exclude"] = exclude
    data = {
        "slug": inspection.slug,
        "title": inspection.title,
        "published_on": inspection.published_on.isoformat(),
        "type": inspection.type.value,
        "url": inspection.url,
        "key_findings": inspection.key_findings,
        **_export_source(inspection),
        "scope": scope,
        "recommendations": [_export_rec(rec) for rec in _ordered(inspection, None)],
    }
    # Checked against the schema the import reads, so an export always imports.
    InspectionIn.model_validate(data)
    return data


def _export_source(inspection: Inspection) -> dict:
    """The source and those of its fields that are set (an HMICFRS police inspection exports as before)."""
    fields = {}
    for name in inspection_service.SOURCE_FIELDS:
        value = getattr(inspection, name)
        if name == "source" and value == "hmicfrs":
            continue
        if isinstance(value, date):
            value = value.isoformat()
        if value is not None:
            fields[name] = str(value)
    return fields


def _ordered(inspection: Inspection, parent: Recommendation | None) -> list[Recommendation]:
    """The recommendations directly under a parent (or at the top), in report order."""
    return sorted((r for r in inspection.recommendations if r.parent is parent), key=lambda r: (r.position, r.id or 0))


def _export_rec(rec: Recommendation) -> dict:
    """One recommendation and its children, leaving out empty optional keys as the seed files do."""
    out: dict = {"ref": rec.ref, "kind": rec.kind.value, "addressed_to": rec.addressed_to, "text": rec.text}
    if rec.bullets:
        out["bullets"] = list(rec.bullets)
    if rec.deadline_text:
        out["deadline_text"] = rec.deadline_text
    if rec.deadline_overridden:
        out["deadline_date"] = rec.deadline_date.isoformat() if rec.deadline_date else None
    out["themes"] = [theme.slug for theme in rec.themes]
    children = _ordered(rec.inspection, rec)
    if children:
        out["children"] = [_export_rec(child) for child in children]
    return out


def items_from_inspection(inspection: Inspection) -> list[ParsedItem]:
    """The inspection's recommendations as importer items, parents before children (for a text export)."""
    items: list[ParsedItem] = []

    def add(parent: Recommendation | None) -> None:
        """Add the recommendations under a parent (or at the top), then theirs."""
        for rec in _ordered(inspection, parent):
            items.append(ParsedItem(
                ref=rec.ref, kind=rec.kind, text=rec.text, parent_ref=parent.ref if parent else None,
                addressed_to=rec.addressed_to, bullets=list(rec.bullets), deadline_text=rec.deadline_text,
                deadline=rec.deadline_date, deadline_kind=rec.deadline_kind,
            ))
            add(rec)

    add(None)
    return items


def read_inspection_file(path: Path) -> InspectionIn:
    """Read and check an inspection file (YAML or JSON); raise SeedError naming the place and reason."""
    item = read_file(path, InspectionIn)
    existing_forces = set(db.session.scalars(sa.select(Force.slug)))
    existing_themes = set(db.session.scalars(sa.select(Theme.slug)))
    _check_references(SeedSet(forces=[], themes=[], inspections=[item]), existing_forces, existing_themes)
    return item


def import_inspection(item: InspectionIn, slug: str | None = None) -> Inspection:
    """Create an inspection with its recommendations and its forces' records from checked data.

    Refuses (DomainError) a slug already in use, so nothing is merged into an existing inspection.
    """
    if slug:
        try:
            item = InspectionIn.model_validate({**item.model_dump(), "slug": slug})
        except ValidationError:
            raise DomainError("The slug must be lower-case letters, numbers and hyphens", "slug") from None
    if inspection_service.get_inspection(item.slug) is not None:
        raise DomainError(f"An inspection with the slug {item.slug!r} already exists: give another with --slug", "slug")
    forces = {f.slug: f for f in db.session.scalars(sa.select(Force))}
    themes = {t.slug: t for t in db.session.scalars(sa.select(Theme))}
    inspection = load_inspection(item, forces, themes)
    db.session.flush()
    return inspection

