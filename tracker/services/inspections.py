"""Inspections, their recommendations, the forces they concern, and the per-force records
(tracking and statutory responses) that follow from them."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401
from sqlalchemy.orm.attributes import set_committed_value

from tracker.db import data_state, db
from tracker.domain import access
from tracker.domain.addressees import for_information
from tracker.domain.clocks import Respondent, Source
from tracker.domain.deadlines import DeadlineKind, parse_deadline
from tracker.domain.register import title_words
from tracker.domain.statuses import InspectionType, Kind, TrackingStatus
from tracker.models import Force, Inspection, InspectionForce, Recommendation, StatutoryResponse, Tracking, User
from tracker.services import MAX_ID, DomainError, get_by_id
from tracker.services.clocks import new_clock, refresh_clock
from tracker.services.tracking import check_version
from tracker.services.users import held_force_ids


def get_inspection(slug: str) -> Inspection | None:
    """Return the inspection with this slug, or None."""
    return db.session.scalar(sa.select(Inspection).where(Inspection.slug == slug))


def inspection_id(slug: str) -> int | None:
    """The id of the inspection with this slug, or None."""
    return db.session.scalar(sa.select(Inspection.id).where(Inspection.slug == slug))


def get_inspection_tree(slug: str) -> tuple[Inspection, list[Recommendation]] | None:
    """Return the inspection with its scope and recommendations loaded, and its top-level items, or None.

    Every item's children are filled in from the one list of the report's items, so walking the
    tree runs no further queries whatever its size (three queries in all). Read afresh even if loaded
    before (the forces, with the user's): the page is cached under the data state's tokens read since.
    """
    inspection = db.session.scalar(
        sa.select(Inspection).where(Inspection.slug == slug).execution_options(populate_existing=True)
        .options(sa.orm.selectinload(Inspection.scope).joinedload(InspectionForce.force),
                 sa.orm.selectinload(Inspection.recommendations))
    )
    if inspection is None:
        return None
    items = inspection.recommendations  # ordered by position, as Recommendation.children is
    by_id = {rec.id: rec for rec in items}
    children: dict[int, list[Recommendation]] = {rec.id: [] for rec in items}
    roots = []
    for rec in items:
        parent = by_id.get(rec.parent_id) if rec.parent_id is not None else None
        if parent is None:
            if rec.parent_id is None:
                roots.append(rec)
        else:
            children[parent.id].append(rec)
            set_committed_value(rec, "parent", parent)
    for rec in items:
        set_committed_value(rec, "children", children[rec.id])
    return inspection, roots


def get_force(slug: str) -> Force | None:
    """Return the force with this slug, or None."""
    return db.session.scalar(sa.select(Force).where(Force.slug == slug))


def apply_deadline(recommendation: Recommendation, published_on: date) -> None:
    """Read the recommendation's written deadline into its date, unless a person overrode it."""
    if recommendation.deadline_overridden:
        return
    deadline = parse_deadline(recommendation.deadline_text, published_on)
    recommendation.deadline_kind = deadline.kind
    recommendation.deadline_date = deadline.date


def override_deadline(recommendation: Recommendation, new_date: date | None, user: User | None) -> None:
    """Set the recommendation's due date by hand; the override and who made it are kept."""
    recommendation.deadline_date = new_date
    recommendation.deadline_kind = DeadlineKind.DATE if new_date else DeadlineKind.NONE
    recommendation.deadline_overridden = True
    recommendation.deadline_overridden_by = user
    refresh_due_dates(recommendation)


def refresh_due_dates(recommendation: Recommendation) -> None:
    """Copy the recommendation's deadline to every tracking row that has no target date of its own, nor an
    approved extension."""
    db.session.flush()
    db.session.execute(
        sa.update(Tracking)
        .where(Tracking.recommendation_id == recommendation.id, Tracking.target_date.is_(None),
               Tracking.revised_due_on.is_(None))
        .values(due_on=recommendation.deadline_date, version=Tracking.version + 1)
        .execution_options(synchronize_session=False, **data_state.reach(inspections=[recommendation.inspection_id]))
    )
    apply_addressee(recommendation)


def apply_addressee(recommendation: Recommendation) -> None:
    """An item addressed only to other bodies is tracked for information; readdressed to the force, it awaits review.

    Only untouched rows move: a force that has already acted on an item keeps its own status.
    """
    if for_information(recommendation.addressed_to):
        before, after = TrackingStatus.AWAITING_REVIEW, TrackingStatus.FOR_INFORMATION
        closed_on = recommendation.inspection.published_on  # closed for the force from publication: never overdue
    else:
        before, after, closed_on = TrackingStatus.FOR_INFORMATION, TrackingStatus.AWAITING_REVIEW, None
    db.session.execute(
        sa.update(Tracking)
        .where(Tracking.recommendation_id == recommendation.id, Tracking.status == before)
        .values(status=after, closed_on=closed_on, version=Tracking.version + 1)
        .execution_options(synchronize_session="fetch", **data_state.reach(inspections=[recommendation.inspection_id]))
    )


def set_scope(inspection: Inspection, forces: list[Force], exclusions: dict[Force, str] | None = None) -> None:
    """Record which forces the inspection concerns (and which were left out, and why)."""
    exclusions = exclusions or {}
    existing = {row.force_id: row for row in inspection.scope}
    for force in forces:
        row = existing.get(force.id)
        reason = exclusions.get(force)
        if row is None:
            inspection.scope.append(InspectionForce(force=force, in_scope=reason is None, exclusion_reason=reason))
        else:
            row.in_scope, row.exclusion_reason = reason is None, reason


def ensure_force_records(inspection: Inspection) -> None:
    """Create the tracking rows and statutory response of every in-scope force that lacks them."""
    db.session.flush()
    force_ids = [row.force_id for row in inspection.scope if row.in_scope]
    if not force_ids:
        return
    rec_ids = [rec.id for rec in inspection.recommendations]
    have_tracking = {
        (rec_id, force_id)
        for rec_id, force_id in db.session.execute(
            sa.select(Tracking.recommendation_id, Tracking.force_id).where(Tracking.recommendation_id.in_(rec_ids))
        )
    } if rec_ids else set()
    for rec in inspection.recommendations:
        for force_id in force_ids:
            if (rec.id, force_id) not in have_tracking:
                elsewhere = for_information(rec.addressed_to)
                db.session.add(Tracking(
                    recommendation_id=rec.id, force_id=force_id, inspection_id=inspection.id, due_on=rec.deadline_date,
                    status=TrackingStatus.FOR_INFORMATION if elsewhere else TrackingStatus.AWAITING_REVIEW,
                    closed_on=inspection.published_on if elsewhere else None))
    have_response = set(
        db.session.scalars(
            sa.select(StatutoryResponse.force_id).where(StatutoryResponse.inspection_id == inspection.id)
        )
    )
    clock = new_clock(inspection)
    for force_id in force_ids:
        if force_id not in have_response:
            db.session.add(StatutoryResponse(inspection_id=inspection.id, force_id=force_id, due_on=clock.due,
                                             original_due_on=clock.original_due))
    db.session.flush()


# --- the pages' data access -------------------------------------------------------------


def titled(words: tuple[str, ...]) -> sa.ColumnElement[bool]:
    """Inspections whose title holds every one of these words (register.title_words: lower case), in
    any order and any case. What was typed is matched as it is: % and _ are not LIKE's wildcards."""
    return sa.and_(sa.true(), *(sa.func.lower(Inspection.title).like(f"%{_like_escaped(word)}%", escape="\\")
                               for word in words))


def _like_escaped(text: str) -> str:
    """Text to be found as it is in a LIKE pattern: its wildcards (%, _) and the escape character escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def any_titled(words: tuple[str, ...]) -> bool:
    """Whether any inspection's title holds every one of these words (titled)."""
    return db.session.scalar(sa.select(sa.literal(1)).where(titled(words)).limit(1)) is not None


def list_inspections(force_ids: list[int], *, year: int | None = None, type: str | None = None,
                     force_id: int | None = None, state: str | None = None, search: str | None = None) -> list[Inspection]:
    """Return inspections, newest first, filtered by year, type, force in scope, open/closed and title.

    Open and closed are judged on the tracking of `force_ids` (the user's forces, or the one chosen):
    an inspection is open while any of those forces has an item not yet closed.
    """
    query = sa.select(Inspection).order_by(Inspection.published_on.desc(), Inspection.title)
    if year:
        query = query.where(Inspection.published_on >= date(year, 1, 1), Inspection.published_on <= date(year, 12, 31))
    if type:
        query = query.where(Inspection.type == type)
    if force_id is not None:
        query = query.where(
            sa.exists().where(InspectionForce.inspection_id == Inspection.id, InspectionForce.force_id == force_id,
                              InspectionForce.in_scope.is_(True))
        )
        force_ids = [force_id]
    if search and search.strip():
        query = query.where(titled(title_words(search)))
    if state in ("open", "closed"):
        open_items = sa.exists().where(
            Recommendation.inspection_id == Inspection.id,
            Tracking.recommendation_id == Recommendation.id,
            Tracking.force_id.in_(force_ids),
            Tracking.closed_on.is_(None),
        )
        tracked = sa.exists().where(
            Recommendation.inspection_id == Inspection.id,
            Tracking.recommendation_id == Recommendation.id,
            Tracking.force_id.in_(force_ids),
        )
        query = query.where(open_items if state == "open" else sa.and_(tracked, ~open_items))
    return list(db.session.scalars(query))


def open_counts(inspection_ids: list[int], force_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Return {inspection id: (open items, all items)} of the given forces' tracking, in one query."""
    if not inspection_ids or not force_ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Recommendation.inspection_id,
            sa.func.count(Tracking.id),
            sa.func.count(Tracking.id).filter(Tracking.closed_on.is_(None)),
        )
        .join(Tracking, Tracking.recommendation_id == Recommendation.id)
        .where(Recommendation.inspection_id.in_(inspection_ids), Tracking.force_id.in_(force_ids))
        .group_by(Recommendation.inspection_id)
    )
    return {inspection_id: (open_, total) for inspection_id, total, open_ in rows}


def inspection_years() -> list[int]:
    """Return the years in which inspections were published, newest first."""
    dates = db.session.scalars(sa.select(Inspection.published_on).distinct())
    return sorted({d.year for d in dates}, reverse=True)


def all_forces() -> list[Force]:
    """Return every force, by name."""
    return list(db.session.scalars(sa.select(Force).order_by(Force.name)))


def forces_by_ids(ids: list[int]) -> list[Force]:
    """Return the forces with these ids, by name."""
    ids = [i for i in ids if isinstance(i, int) and 0 < i <= MAX_ID]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Force).where(Force.id.in_(ids)).order_by(Force.name)))


def slug_for(title: str, published_on: date) -> str:
    """Make a readable, unused slug from a title and its year: 'police-response-to-vawg-2021'."""
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    base = (words[:80].rstrip("-") or "inspection") + f"-{published_on.year}"
    slug, n = base, 2
    while get_inspection(slug) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_url(url: str | None) -> str | None:
    """Accept only an http(s) web address (or nothing)."""
    url = (url or "").strip() or None
    if url and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", url, re.IGNORECASE):
        raise DomainError("Enter a web address starting with https://", field="url")
    return url


def _scope_forces(all_in_scope: bool, forces: list[Force]) -> list[Force]:
    """The forces in scope: every force, or those chosen (at least one)."""
    if all_in_scope:
        return all_forces()
    if not forces:
        raise DomainError("Select the forces this inspection concerns", field="forces")
    return forces


def concerned_force_ids(inspection: Inspection) -> set[int]:
    """The forces an inspection concerns: those in its scope and those left out of it with a reason."""
    return {row.force_id for row in inspection.scope}


def may_change_shared(user: User, inspection: Inspection) -> bool:
    """Whether the user may change what the inspection shares between forces (text, dates, scope,
    recommendations and their deadlines): an editor who belongs to every force it concerns."""
    return access.may_change_shared(user.role, held_force_ids(user), concerned_force_ids(inspection))


def _check_scope_reach(user: User | None, chosen: list[Force]) -> None:
    """Refuse a scope beyond the user's forces (None: the command line, which may)."""
    if user is not None and not access.holds_all(user.role, held_force_ids(user), [f.id for f in chosen]):
        raise DomainError("Select only forces you belong to: an inspection of other forces is recorded by a "
                          "service administrator", field="forces")


def set_force_scope(inspection: Inspection, force: Force, in_scope: bool, reason: str | None) -> None:
    """One force's part of a shared inspection: whether it applies to that force, and if not, why.

    Records of a force taken out of scope are kept; bringing it back creates any that are missing.
    """
    reason = (reason or "").strip()
    if not in_scope and not reason:
        raise DomainError("Enter why the inspection does not apply to this force", field="exclusion_reason")
    set_scope(inspection, [force], None if in_scope else {force: reason})
    ensure_force_records(inspection)


def create_inspection(title: str, published_on: date, type: InspectionType, *, url: str | None = None,
                      key_findings: str | None = None, all_in_scope: bool = True,
                      forces: list[Force] | None = None, by: User | None = None, **source_fields) -> Inspection:
    """Record a newly published inspection (or another source's document), its scope, and the per-force
    records that follow; `source_fields` are those of set_source_fields (an HMICFRS police inspection
    when none is given).

    `by` is the editor recording it, who may name only forces they belong to.
    """
    if not title.strip():
        raise DomainError("Enter the title of the report", field="title")
    chosen = _scope_forces(all_in_scope, forces or [])
    _check_scope_reach(by, chosen)
    inspection = Inspection(slug=slug_for(title, published_on), title=title.strip(), published_on=published_on,
                            type=InspectionType(type), url=_check_url(url),
                            key_findings=(key_findings or "").strip() or None)
    set_source_fields(inspection, **source_fields)
    db.session.add(inspection)
    set_scope(inspection, chosen)
    ensure_force_records(inspection)
    return inspection


SOURCE_FIELDS = ("source", "respondent", "reference", "coroner_area", "deceased_name", "printed_due_on",
                 "target_due_on")


def set_source_fields(inspection: Inspection, *, source: Source | str = Source.HMICFRS,
                      respondent: Respondent | str | None = None, reference: str | None = None,
                      coroner_area: str | None = None, deceased_name: str | None = None,
                      printed_due_on: date | None = None, target_due_on: date | None = None) -> None:
    """Set which body's document this is and the fields of that source (the others are cleared)."""
    source = Source(source)
    inspection.source = source
    inspection.respondent = Respondent(respondent) if respondent else None
    inspection.reference = (reference or "").strip() or None if source in (Source.IOPC, Source.CORONER) else None
    is_coroner = source is Source.CORONER
    inspection.coroner_area = (coroner_area or "").strip() or None if is_coroner else None
    inspection.deceased_name = (deceased_name or "").strip() or None if is_coroner else None
    inspection.printed_due_on = printed_due_on if is_coroner else None
    if printed_due_on and is_coroner and printed_due_on <= inspection.published_on:
        raise DomainError("The date printed on the report must be after the date of the report",
                          field="printed_due_on")
    inspection.target_due_on = target_due_on if source in (Source.HMICFRS_FIRE, Source.OTHER) else None


def update_inspection(inspection: Inspection, submitted_version: int | None, *, title: str, published_on: date,
                      type: InspectionType, url: str | None, key_findings: str | None, all_in_scope: bool,
                      forces: list[Force], by: User | None = None, **source_fields) -> None:
    """Edit an inspection made against `submitted_version`; a new date moves its deadlines and a new
    source its clock (every response's date is read again, with its extensions and pauses).

    Forces taken out of scope keep their records (nothing is lost) and are marked as left out.
    """
    check_version(inspection, submitted_version)
    if not title.strip():
        raise DomainError("Enter the title of the report", field="title")
    chosen = _scope_forces(all_in_scope, forces)
    _check_scope_reach(by, chosen)
    moved = published_on != inspection.published_on
    inspection.title, inspection.published_on, inspection.type = title.strip(), published_on, InspectionType(type)
    inspection.url, inspection.key_findings = _check_url(url), (key_findings or "").strip() or None
    if source_fields:
        set_source_fields(inspection, **source_fields)
    chosen_ids = {f.id for f in chosen}
    left_out = {row.force: "Taken out of scope when the inspection was edited"
                for row in inspection.scope if row.force_id not in chosen_ids and row.in_scope}
    set_scope(inspection, chosen + list(left_out), left_out)
    if moved:
        for rec in inspection.recommendations:
            apply_deadline(rec, published_on)
            refresh_due_dates(rec)
    for response in db.session.scalars(sa.select(StatutoryResponse).where(StatutoryResponse.inspection_id == inspection.id)):
        refresh_clock(response)
    ensure_force_records(inspection)


def clean_bullets(text: str | None) -> list[str]:
    """Turn 'one per line' text into a list of bullets, without blanks or list markers."""
    lines = [re.sub(r"^\s*(?:[-*•]|\(?[a-z0-9]{1,3}[.)])\s+", "", line).strip() for line in (text or "").splitlines()]
    return [line for line in lines if line]


def _check_ref(inspection: Inspection, ref: str, recommendation: Recommendation | None = None) -> str:
    """A reference is needed and must be unique within its report."""
    ref = (ref or "").strip()
    if not ref:
        raise DomainError("Enter the recommendation's reference, for example 3.2", field="ref")
    for other in inspection.recommendations:
        if other.ref == ref and other is not recommendation:
            raise DomainError(f"This report already has an item with the reference {ref}", field="ref")
    return ref


def _check_parent(inspection: Inspection, parent: Recommendation | None, recommendation: Recommendation | None):
    """A parent must be in the same report, and an item cannot sit under itself or its own children."""
    if parent is None:
        return None
    if parent.inspection_id != inspection.id:
        raise DomainError("Select an item of this report", field="parent_id")
    node = parent
    while node is not None:
        if node is recommendation:
            raise DomainError("An item cannot sit under itself or one of its own items", field="parent_id")
        node = node.parent
    return parent


def add_recommendation(inspection: Inspection, *, ref: str, kind: Kind, text: str, addressed_to: str | None = None,
                       bullets: list[str] | None = None, parent: Recommendation | None = None,
                       deadline_text: str | None = None) -> Recommendation:
    """Add an item to a report, read its deadline, and create its tracking in every force in scope."""
    if not (text or "").strip():
        raise DomainError("Enter the text of the recommendation", field="text")
    rec = Recommendation(
        ref=_check_ref(inspection, ref), kind=Kind(kind), text=text.strip(),
        addressed_to=(addressed_to or "").strip() or None, bullets=list(bullets or []),
        parent=_check_parent(inspection, parent, None), deadline_text=(deadline_text or "").strip() or None,
        position=max((r.position for r in inspection.recommendations), default=0) + 1,
    )
    inspection.recommendations.append(rec)
    apply_deadline(rec, inspection.published_on)
    ensure_force_records(inspection)
    return rec


def update_recommendation(rec: Recommendation, submitted_version: int | None, *, ref: str, kind: Kind, text: str,
                          addressed_to: str | None, bullets: list[str], parent: Recommendation | None,
                          deadline_text: str | None) -> None:
    """Edit an item made against `submitted_version`; a changed deadline is read again (unless overridden)."""
    check_version(rec, submitted_version)
    if not (text or "").strip():
        raise DomainError("Enter the text of the recommendation", field="text")
    inspection = rec.inspection
    rec.ref = _check_ref(inspection, ref, rec)
    rec.parent = _check_parent(inspection, parent, rec)
    rec.kind, rec.text = Kind(kind), text.strip()
    rec.addressed_to, rec.bullets = (addressed_to or "").strip() or None, list(bullets)
    rec.deadline_text = (deadline_text or "").strip() or None
    apply_deadline(rec, inspection.published_on)
    refresh_due_dates(rec)


def clear_deadline_override(rec: Recommendation) -> None:
    """Go back to the date the engine reads from the written deadline."""
    rec.deadline_overridden = False
    rec.deadline_overridden_by = None
    apply_deadline(rec, rec.inspection.published_on)
    refresh_due_dates(rec)


def read_deadline(text: str | None, published_on: date):
    """Return what the engine reads from a written deadline, for a person to confirm."""
    return parse_deadline(text, published_on)


def response_due_dates(inspection: Inspection, force_ids: list[int]) -> dict[int, date | None]:
    """The date in force of each of these forces' responses to the document (with their extensions)."""
    if not force_ids:
        return {}
    return dict(db.session.execute(
        sa.select(StatutoryResponse.force_id, StatutoryResponse.due_on)
        .where(StatutoryResponse.inspection_id == inspection.id, StatutoryResponse.force_id.in_(force_ids))).all())


def trackings_by_recommendation(inspection: Inspection, force_ids: list[int]) -> dict[int, list[sa.Row]]:
    """Return {recommendation id: [each of these forces' tracking: its id, force_name, status, due_on
    and closed_on]} for a report, by force name, in one query (rows, not records: a national report
    has a thousand)."""
    if not force_ids:
        return {}
    rows = db.session.execute(
        sa.select(Tracking.id, Tracking.recommendation_id, Tracking.status, Tracking.due_on, Tracking.closed_on,
                  Force.name.label("force_name"))
        .join(Force, Tracking.force_id == Force.id)
        .where(Tracking.inspection_id == inspection.id, Tracking.force_id.in_(force_ids))
        .order_by(Force.name)
    )
    result: dict[int, list[sa.Row]] = {}
    for row in rows:
        result.setdefault(row.recommendation_id, []).append(row)
    return result


def get_recommendation(rec_id: int) -> Recommendation | None:
    """Return the recommendation with this id, or None."""
    return get_by_id(Recommendation, rec_id)
