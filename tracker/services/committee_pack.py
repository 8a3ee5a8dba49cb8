"""The committee pack: what a force's board or panel is given for a meeting, made from a dashboard view.

`make_pack` gathers the pack's content (domain.committee_pack.PackContent) from the same queries the
dashboard runs, so its counts are the dashboard's for the same filters and date, and keeps it with
the pack (a MeetingPack row) with the items of the view and their state, for the next pack of the
same view to compare with. The PDF and Word copies are drawn from the kept content.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tracker.db import audit, data_state, db
from tracker.domain.ageing import AGE_BANDS
from tracker.domain.committee_pack import (
    ITEMS_IN_FULL,
    TYPE_HEADINGS,
    Item,
    PackContent,
    Section,
    Table,
    comparison_table,
    counts_table,
    item_key,
    item_label,
    shown,
    status_on,
)
from tracker.domain.deadlines import DueState
from tracker.domain.extensions import ExtensionStatus
from tracker.domain.forecast import forecast_label
from tracker.domain.formatting import govuk_date, govuk_date_short, govuk_datetime, plural
from tracker.domain.register import WINDOWS, ItemFilter, Row, RowDetails, revised_due
from tracker.models import ExtensionRequest, Force, MeetingPack, MeetingPackItem, Recommendation, Tracking, User
from tracker.services import DomainError, ageing, overdue, row_details
from tracker.services.overdue import in_scope

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green"}


def view_key(view_args: dict[str, str]) -> str:
    """The view's filters but its date as canonical JSON: packs of the same view have the same key."""
    return json.dumps({k: v for k, v in sorted(view_args.items()) if k != "as_of" and v}, sort_keys=True)


def previous_pack(force_id: int, key: str, meeting_on: date) -> MeetingPack | None:
    """The latest kept pack of the same force and view for an earlier meeting, if any."""
    return db.session.scalar(
        sa.select(MeetingPack)
        .where(MeetingPack.force_id == force_id, MeetingPack.view == key, MeetingPack.as_of < meeting_on,
               MeetingPack.content.is_not(None))
        .order_by(MeetingPack.as_of.desc(), MeetingPack.id.desc()).limit(1))


def make_pack(force: Force, view: ItemFilter, view_args: dict[str, str], view_words: list[str], dashboard_address: str,
              previous_meeting: date, user: User, made_at: datetime) -> MeetingPack:
    """Make a force's committee pack from a dashboard view (its filters; its as-of date is the meeting's)
    and keep it, with the items of the view and their state, for the next pack to compare with."""
    if previous_meeting >= view.as_of:
        raise DomainError("The previous meeting must be before the meeting", "previous_meeting")
    view = overdue.resolve(replace(view, force_ids=(force.id,)))
    key = view_key(view_args)
    before = previous_pack(force.id, key, view.as_of)
    content, rows = build_content(force, view, view_words, dashboard_address, previous_meeting,
                                  f"{govuk_datetime(made_at)} UTC by {user.name}", before)
    pack = MeetingPack(force_id=force.id, as_of=view.as_of, previous_meeting_on=previous_meeting, view=key,
                       content=content.to_json(), created_by_id=user.id, created_at=made_at)
    db.session.add(pack)
    db.session.flush()
    # A pack is not an audited record (its content is large), so its making is an event of its own.
    audit.record(db.session, pack, "made", {"as_of": pack.as_of.isoformat(),
                                            "previous_meeting_on": previous_meeting.isoformat(), "view": key,
                                            "items": len(rows)})
    if rows:
        db.session.execute(sa.insert(MeetingPackItem).execution_options(**data_state.reach(forces=[force.id])), [
            {"pack_id": pack.id, "item_type": r.type, "item_id": r.id, "state": r.state.value} for r in rows])
    db.session.flush()
    return pack


def kept_packs(force_ids) -> list[MeetingPack]:
    """The kept packs of the forces, the latest meeting first (with who made them)."""
    return list(db.session.scalars(
        sa.select(MeetingPack).join(Force, MeetingPack.force_id == Force.id)
        .where(MeetingPack.force_id.in_(list(force_ids)), MeetingPack.content.is_not(None))
        .options(joinedload(MeetingPack.created_by), joinedload(MeetingPack.force))
        .order_by(MeetingPack.as_of.desc(), MeetingPack.id.desc())))


def kept_pack(pack_id: int, force_ids) -> MeetingPack | None:
    """A kept pack of one of the forces, or None (another force's pack is not found)."""
    pack = db.session.get(MeetingPack, pack_id)
    return pack if pack is not None and pack.content is not None and pack.force_id in set(force_ids) else None


def pack_content(pack: MeetingPack) -> PackContent:
    """A kept pack's content."""
    return PackContent.from_json(pack.content)


# --- the content -----------------------------------------------------------------------------------


def build_content(force: Force, view: ItemFilter, view_words: list[str], dashboard_address: str, previous_meeting: date,
                  made: str, before: MeetingPack | None) -> tuple[PackContent, list[Row]]:
    """The pack's content, and the rows of the view (which the pack records)."""
    meeting = view.as_of
    counts = overdue.summary_counts(view)
    rows = overdue.list_items(view, sort="days", descending=True, page=None, with_last_update=False)
    late = rows if view.window == "overdue" else overdue.list_items(
        replace(view, window="overdue"), sort="days", descending=True, page=None, with_last_update=False)
    newly_late = [r for r in late if r.due is not None and r.due >= previous_meeting]
    open_rows = rows if view.window == "open" else overdue.list_items(
        replace(view, window="open"), sort="days", descending=True, page=None, with_last_update=False)
    off_track = [r for r in open_rows if r.type == "recommendation" and r.rag_forecast == "red"]
    closed = overdue.closed_in_view(view, previous_meeting)
    pending = overdue.pending_sign_off(view)
    closed_since_pack = _closed_since(before, force, meeting) if before is not None else []

    listed = [*shown(newly_late, "")[0], *shown(late, "")[0], *shown(closed, "")[0], *shown(off_track, "")[0],
              *shown(closed_since_pack, "")[0]]
    every_item = _unique([*rows, *listed])
    in_full = every_item[:ITEMS_IN_FULL]
    details = row_details.details(_unique([*listed, *in_full]), meeting)
    label = _labeller(details)

    sections = [
        _about(force, view, view_words, dashboard_address, previous_meeting, len(rows), len(in_full)),
        _counts(view, counts, rows, pending),
        _comparison(before, counts, closed_since_pack, meeting, label),
        _closed(closed, previous_meeting, meeting, label),
        _newly_overdue(newly_late, previous_meeting, meeting, label),
        _overdue(late, details, meeting, label),
        _extensions(force, meeting),
        _off_track(off_track, label),
        _ageing(force, meeting),
        _in_full(in_full, details, len(every_item), view),
    ]
    title = f"Committee pack: {force.name}, meeting on {govuk_date(meeting)}"
    content = PackContent(title=title, organisation=force.opcc_name, force=force.name, meeting_on=meeting.isoformat(),
                          previous_meeting_on=previous_meeting.isoformat(), made=made, counts=counts, sections=sections)
    return content, rows


def _unique(rows: list[Row]) -> list[Row]:
    """The rows without repeats, in their order."""
    seen: dict[tuple[str, int], Row] = {}
    for row in rows:
        seen.setdefault((row.type, row.id), row)
    return list(seen.values())


def _labeller(details: dict[tuple[str, int], RowDetails]):
    """A function naming a row in a table: its kind and reference, and an action's whole title."""
    def label(row: Row) -> str:
        name = item_label(row)
        if row.type == "action":
            found = details.get((row.type, row.id))
            return f"{name}: {found.text if found else row.title}"
        return name
    return label


def _closed_since(before: MeetingPack, force: Force, meeting: date) -> list[Row]:
    """The items of the previous pack closed since its meeting, on or before this one."""
    held = set(db.session.execute(sa.select(MeetingPackItem.item_type, MeetingPackItem.item_id)
                                  .where(MeetingPackItem.pack_id == before.id)).all())
    return [r for r in overdue.closed_items((force.id,), before.as_of, meeting) if (r.type, r.id) in held]


def _about(force: Force, view: ItemFilter, view_words: list[str], address: str, previous_meeting: date,
           in_view: int, in_full: int) -> Section:
    """What the pack includes and why, in words."""
    meeting = govuk_date(view.as_of)
    filters = "; ".join(view_words)
    return Section("about", "What this pack includes", paragraphs=[
        f"This pack is for the meeting on {meeting}. The previous meeting was on {govuk_date(previous_meeting)}.",
        f"It is made from the dashboard's view of {force.name} as of {meeting} "
        + (f"with these filters: {filters}. " if filters else "with no other filter. ")
        + f"The view holds the items open on {meeting} ({WINDOWS[view.window].lower()}): recommendations, actions "
        f"and statutory responses of source documents published by then, in the force's scope. "
        f"It holds {plural(in_view, 'item')}.",
        f"The same view on the dashboard: {address}",
        "Counts are the dashboard's for that view and date. The lists of what closed, what became overdue, "
        "what is overdue and what is forecast off track use the view's filters, all but its due window: "
        "they list every such item, whenever it falls due. "
        "Recommendations addressed to other bodies (for information) are not the force's to act on and are not counted.",
        f"{plural(in_full, 'item')} {'is' if in_full == 1 else 'are'} given in full at the end: the view's items "
        "and every item listed in the tables.",
    ])


def _counts(view: ItemFilter, counts: dict, rows: list[Row], pending: dict[str, int]) -> Section:
    """The dashboard's counts, then the view's items by status, and what waits for sign-off."""
    by_status: dict[str, dict[str, int]] = {}
    for row in rows:
        by_status.setdefault(status_on(row), {t: 0 for t in TYPE_HEADINGS})[row.type] += 1
    later = "Closed after the meeting date"
    status_rows = [[status, *(str(by_status[status][t]) for t in TYPE_HEADINGS)]
                   for status in sorted(by_status, key=lambda s: (s == later, s))]
    status_rows.append(["All items in this view", *(str(counts[t]["in_window"]) for t in TYPE_HEADINGS)])
    blocked = sum(1 for row in rows if row.blocked_by)
    pending_rows = [["Pending sign-off", str(pending["recommendation"]), str(pending["action"]), "–"],
                    ["Blocked by an external dependency (in this view)", str(blocked), "–", "–"]]
    meeting = govuk_date(view.as_of)
    return Section("counts", f"Counts on {meeting}", tables=[
        counts_table(counts, f"The dashboard's counts as of {meeting}"),
        Table("The items in this view by status", ["Status", *TYPE_HEADINGS.values()], status_rows,
              numeric=[1, 2, 3], row_headings=True, widths=[40, 20, 20, 20]),
        Table("Waiting on others: sign-off, or an external dependency",
              ["Waiting", *TYPE_HEADINGS.values()], pending_rows, numeric=[1, 2, 3], row_headings=True,
              widths=[40, 20, 20, 20]),
    ], notes=[
        "Overdue and due within 30 days count every open item under the view's filters, whatever its due window; "
        "“In this view” counts those of the window. Pending sign-off counts the actions complete by the meeting "
        "and not signed off by a chief officer then, and the recommendations marked implemented and not verified "
        "by the OPCC then, under the view's filters; they are closed, and not in the view. A blocked recommendation "
        "is also counted under its status.",
    ])


def _item_rows(rows: list[Row], label, cells) -> list[list[str]]:
    """Table rows: each item's label, its source document and the section's own cells."""
    return [[label(r), r.inspection_title, *cells(r)] for r in rows]


def _comparison(before: MeetingPack | None, counts: dict, closed_since_pack: list[Row], meeting: date, label) -> Section:
    """Counts then and now, and the previous pack's items closed since."""
    section = Section("comparison", "Since the last pack")
    if before is None:
        section.paragraphs.append("This is the first pack kept for this view of the force: there is nothing to compare with.")
        return section
    section.paragraphs.append(
        f"Compared with the pack for the meeting on {govuk_date(before.as_of)}, made from the same view "
        f"on {govuk_datetime(before.created_at)} UTC.")
    section.tables.append(comparison_table(PackContent.from_json(before.content).counts, counts, before.as_of, meeting))
    listed, notes = shown(closed_since_pack, "items closed since the last pack")
    section.paragraphs.append(f"Items of the last pack closed since: {len(closed_since_pack)}.")
    if listed:
        section.tables.append(Table("Items of the last pack closed since", ["Item", "Source document", "Closed on", "Status"],
                                    _item_rows(listed, label, lambda r: [govuk_date_short(r.closed_on), r.status_label]),
                                    widths=[35, 35, 12, 18]))
    section.notes += notes
    return section


def _closed(closed: list[Row], previous_meeting: date, meeting: date, label) -> Section:
    """What closed between the meetings."""
    listed, notes = shown(closed, "items closed since the last meeting")
    section = Section("closed", "Closed since the last meeting", paragraphs=[
        f"Items closed after {govuk_date(previous_meeting)} and on or before {govuk_date(meeting)}: {len(closed)}."],
        notes=notes)
    if listed:
        section.tables.append(Table("Closed since the last meeting", ["Item", "Source document", "Owner", "Closed on", "Status"],
                                    _item_rows(listed, label, lambda r: [r.owner or "Not set", govuk_date_short(r.closed_on),
                                                                         r.status_label]),
                                    widths=[30, 28, 16, 10, 16]))
    return section


def _newly_overdue(rows: list[Row], previous_meeting: date, meeting: date, label) -> Section:
    """Overdue at this meeting, not at the last."""
    listed, notes = shown(rows, "newly overdue items")
    section = Section("newly_overdue", "Newly overdue", paragraphs=[
        f"Items overdue on {govuk_date(meeting)} that were not overdue on {govuk_date(previous_meeting)}: {len(rows)}."],
        notes=notes)
    if listed:
        section.tables.append(Table("Newly overdue", ["Item", "Source document", "Owner", "Due", "Days overdue"],
                                    _item_rows(listed, label, lambda r: [r.owner or "Not set", govuk_date_short(r.due),
                                                                         str(r.days_overdue)]), numeric=[4],
                                    widths=[34, 30, 18, 9, 9]))
    return section


def _overdue(rows: list[Row], details: dict, meeting: date, label) -> Section:
    """Every overdue item with its dates and what its latest update says."""
    listed, notes = shown(rows, "overdue items")

    def cells(r: Row) -> list[str]:
        found = details.get((r.type, r.id))
        revised = revised_due(r, found)
        return [r.owner or "Not set", govuk_date_short(found.original_due if found and found.original_due else r.due),
                govuk_date_short(revised) if revised else "Not revised", str(r.days_overdue), _reason(found)]

    section = Section("overdue", "Overdue: reasons and revised dates", paragraphs=[
        f"Items overdue on {govuk_date(meeting)}: {len(rows)}. The date first set; the revised date, where an "
        "extension was approved, with its reason; what a blocked item waits for; and the latest progress update "
        "(its date and words)."],
        notes=notes)
    if listed:
        section.tables.append(Table("Overdue", ["Item", "Source document", "Owner", "Date first set", "Revised date",
                                                "Days overdue", "Reason and latest update"],
                                    _item_rows(listed, label, cells), numeric=[5], widths=[22, 16, 12, 8, 8, 6, 28]))
    return section


def _reason(found: RowDetails | None) -> str:
    """Why an item is late, as far as the register says: the reason its date was revised, what it is
    blocked by, and its latest update."""
    if found is None:
        return "No update recorded"
    parts = []
    if found.revision_reason:
        parts.append(f"Date revised: {found.revision_reason}")
    if found.blocked_by:
        parts.append(f"Blocked: waits for {found.blocked_by}")
    parts.append(f"Latest update, {govuk_date_short(found.latest_update_on)}: {found.latest_update}"
                 if found.latest_update else "No update recorded")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def _extensions(force: Force, meeting: date) -> Section:
    """The extension requests waiting for a decision on the meeting date: the committee may decide them."""
    waiting = _awaiting_decision(force, meeting)
    listed, notes = shown(waiting, "extension requests awaiting a decision")
    section = Section("extensions", "Extension requests awaiting a decision", paragraphs=[
        f"Every request of {force.name} to move a due date later that was recorded by {govuk_date(meeting)} and "
        f"not decided by then, whatever the view's other filters: {len(waiting)}."], notes=notes)
    if listed:
        section.tables.append(Table(
            "Extension requests awaiting a decision",
            ["Item", "Source document", "Asked for by", "Date in force", "Date asked for", "Reason", "Recorded on"],
            [[_extension_item(e), e.tracking.recommendation.inspection.title, e.requested_by,
              govuk_date_short(e.previous_due_on), govuk_date_short(e.new_due_on), e.reason,
              govuk_date_short(e.created_at)] for e in listed],
            widths=[20, 16, 12, 8, 8, 26, 10]))
    return section


def _extension_item(extension: ExtensionRequest) -> str:
    """The item an extension request is for, as the tables name items."""
    recommendation = extension.tracking.recommendation
    named = f"{recommendation.kind.label} {recommendation.ref}".strip()
    if extension.action is not None:
        return f"Action under {named[0].lower()}{named[1:]}: {extension.action.title}"
    return named


def _awaiting_decision(force: Force, meeting: date) -> list[ExtensionRequest]:
    """The force's extension requests recorded by the meeting date and not decided by it (pending now, or
    decided later), oldest first, each with its item (items out of scope wait for nobody)."""
    return list(db.session.scalars(
        sa.select(ExtensionRequest).join(Tracking, ExtensionRequest.tracking_id == Tracking.id)
        .where(ExtensionRequest.force_id == force.id,
               ExtensionRequest.created_at < datetime.combine(meeting + timedelta(days=1), time()),
               sa.or_(ExtensionRequest.status == ExtensionStatus.PENDING, ExtensionRequest.decided_on > meeting),
               in_scope(Tracking.inspection_id, Tracking.force_id))
        .options(joinedload(ExtensionRequest.tracking).joinedload(Tracking.recommendation)
                 .joinedload(Recommendation.inspection), joinedload(ExtensionRequest.action))
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id)).unique())


def _off_track(rows: list[Row], label) -> Section:
    """Open recommendations whose owner forecasts they will not complete on time."""
    listed, notes = shown(rows, "recommendations forecast off track")
    section = Section("off_track", "Forecast off track", paragraphs=[
        f"Open recommendations whose owner forecasts they will not complete on time: {len(rows)}. "
        "The forecast is set on the recommendation by its owner; the RAG now follows from its dates."], notes=notes)
    if listed:
        section.tables.append(Table("Forecast off track", ["Item", "Source document", "Owner", "Due", "RAG now", "Forecast"],
                                    _item_rows(listed, label, lambda r: [
                                        r.owner or "Not set", govuk_date_short(r.due) or "No date",
                                        RAG_WORDS[r.rag.value], forecast_label(r.rag_forecast)]),
                                    widths=[30, 26, 16, 10, 8, 10]))
    return section


def _ageing(force: Force, meeting: date) -> Section:
    """The ageing table of the force's open recommendations (the Progress page's)."""
    owners, totals = ageing.open_recommendations_ageing((force.id,), meeting)
    rows = [[row.owner, *(str(row.counts[key]) for key, _label, _fewest in AGE_BANDS), str(row.total)]
            for row in [*owners, totals]]
    return Section("ageing", "Ageing of open recommendations", paragraphs=[
        f"Every recommendation of {force.name} open on {govuk_date(meeting)}, whatever the view's other filters, "
        "by lead officer and how long it has been open since its report was published."],
        tables=[Table("Open recommendations by how long they have been open", ["Lead officer", *(label for _key, label, _f in AGE_BANDS),
                                                                               "Total"], rows,
                      numeric=list(range(1, len(AGE_BANDS) + 2)), row_headings=True,
                      widths=[35, *(13 for _band in AGE_BANDS), 13])])


def _in_full(rows: list[Row], details: dict, every_item: int, view: ItemFilter) -> Section:
    """Each item in full: its whole text, owner, lead officer, latest update and dates."""
    items = []
    for row in rows:
        found = details.get((row.type, row.id))
        revised = revised_due(row, found)
        facts = [
            ["Source document", f"{row.source_label}: {row.inspection_title}"],
            ["Owner", row.owner or "Not set"],
            ["Lead officer", (found.lead_officer if found else None) or "Not set"],
            ["Status", status_on(row)],
            ["Date first set", govuk_date((found.original_due if found else None) or row.due) or "No date"],
            ["Revised date", govuk_date(revised) if revised else "Not revised"],
            ["Closed on" if row.closed_on and row.closed_on <= view.as_of else "Days overdue",
             govuk_date(row.closed_on) if row.closed_on and row.closed_on <= view.as_of else str(row.days_overdue)],
            ["RAG now and forecast", f"{RAG_WORDS[row.rag.value] if row.state is not DueState.CLOSED else 'Closed'}; "
                                     f"forecast {forecast_label(row.rag_forecast).lower() or 'not set'}"],
            ["Latest update", f"{govuk_date(found.latest_update_on)}: {found.latest_update}"
             if found and found.latest_update else "No update recorded"],
        ]
        if found and found.percent_complete is not None:
            facts.insert(4, ["Per cent complete", f"{found.percent_complete}% ({found.percent_source})"])
        if found and found.revision_reason:
            facts.insert(-3, ["Why the date was revised", found.revision_reason])
        if found and found.blocked_by:
            facts.insert(4, ["Blocked: waits for", found.blocked_by])
        items.append(Item(item_key(row), f"{item_label(row)}, {row.force_name}",
                          found.text if found else row.title, facts))
    section = Section("in_full", "The items in full", items=items)
    if every_item > len(rows):
        section.paragraphs.append(f"The first {len(rows)} of the pack's {every_item} items are given in full (the view's, most "
                                  "days overdue first, then those the tables list); the dashboard view named at the start "
                                  "lists every one.")
    return section
