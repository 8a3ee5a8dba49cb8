"""The response clocks of the register: each response's date read from its source's rule, with the
extensions granted and the judicial-review pauses recorded against it.

Plain functions that flush and never commit. Every change goes through the clock rule first
(tracker.domain.clocks), so an extension or a pause the provision does not allow is refused with a
field error and nothing is written; the date in force and the original date are then stored on
the response for the overdue views. The extensions and pauses are audited records.
"""

from __future__ import annotations

from datetime import date

from tracker.db import audit, db
from tracker.domain.clocks import Clock, Extension, Pause, Source, response_clock
from tracker.models import ClockExtension, ClockPause, Inspection, StatutoryResponse, User
from tracker.services import DomainError
from tracker.services.tracking import check_version


def _clock(inspection: Inspection, extensions: list[Extension], pauses: list[Pause]) -> Clock:
    """The clock of a document with these extensions and pauses (ClockError when they are not allowed)."""
    return response_clock(inspection.source, inspection.published_on, printed_due=inspection.printed_due_on,
                          target=inspection.target_due_on, extensions=extensions, pauses=pauses)


def _facts(response: StatutoryResponse) -> tuple[list[Extension], list[Pause]]:
    """The response's recorded extensions and pauses, as the clock rules read them."""
    extensions = [Extension(e.new_due_on, e.granted_by, e.applied_on, e.granted_on) for e in response.extensions]
    pauses = [Pause(p.started_on, p.ended_on) for p in response.pauses]
    return extensions, pauses


def clock_of(response: StatutoryResponse) -> Clock:
    """The response's clock as recorded."""
    return _clock(response.inspection, *_facts(response))


def new_clock(inspection: Inspection) -> Clock:
    """The clock of a new response to the document: no extension, no pause."""
    return _clock(inspection, [], [])


def refresh_clock(response: StatutoryResponse, clock: Clock | None = None) -> None:
    """Store the clock's date in force and original date on the response (read for the overdue views)."""
    clock = clock or clock_of(response)
    if response.due_on != clock.due:
        response.due_on = clock.due
    if response.original_due_on != clock.original_due:
        response.original_due_on = clock.original_due


def grant_extension(response: StatutoryResponse, user: User | None, *, new_due_on: date | None, granted_by: str | None,
                    applied_on: date | None, granted_on: date | None = None, note: str | None = None) -> ClockExtension:
    """Record an extension granted (the new last day, by whom, on an application received when)."""
    granted_by = (granted_by or "").strip()
    if new_due_on is None:
        raise DomainError("Enter the new date by which the response is due", field="new_due_on")
    if not granted_by:
        raise DomainError("Enter who granted the extension", field="granted_by")
    if response.inspection.source == Source.CORONER and granted_on is None:
        # The report: "I, the coroner, may extend the period": the coroner's decision, and its date.
        raise DomainError("Enter the date the coroner granted the extension", field="granted_on")
    if applied_on and granted_on and granted_on < applied_on:
        raise DomainError("The extension cannot be granted before it was applied for", field="granted_on")
    extensions, pauses = _facts(response)
    extension = Extension(new_due_on, granted_by, applied_on, granted_on)
    clock = _clock(response.inspection, [*extensions, extension], pauses)
    row = ClockExtension(response=response, force_id=response.force_id, new_due_on=new_due_on, granted_by=granted_by,
                         applied_on=applied_on, granted_on=granted_on, note=(note or "").strip() or None,
                         recorded_by=user)
    db.session.add(row)
    refresh_clock(response, clock)
    audit.record(db.session, response, "extension granted",
                 {"due_on": [None, clock.due.isoformat() if clock.due else None], "granted_by": [None, granted_by],
                  "applied_on": [None, applied_on.isoformat() if applied_on else None],
                  "granted_on": [None, granted_on.isoformat() if granted_on else None]})
    db.session.flush()
    return row


def start_pause(response: StatutoryResponse, user: User | None, *, started_on: date | None,
                note: str | None = None) -> ClockPause:
    """Record judicial review proceedings started (Police Reform Act 2002 Sch 3 para 28B(4))."""
    if started_on is None:
        raise DomainError("Enter the date the proceedings started", field="started_on")
    if any(p.ended_on is None for p in response.pauses):
        raise DomainError("Record the end of the proceedings in progress first", field="started_on")
    extensions, pauses = _facts(response)
    clock = _clock(response.inspection, extensions, [*pauses, Pause(started_on)])
    row = ClockPause(response=response, force_id=response.force_id, started_on=started_on,
                     note=(note or "").strip() or None, recorded_by=user)
    db.session.add(row)
    refresh_clock(response, clock)
    audit.record(db.session, response, "judicial review started", {"started_on": [None, started_on.isoformat()]})
    db.session.flush()
    return row


def end_pause(pause: ClockPause, submitted_version: int | None, *, ended_on: date | None) -> None:
    """Record the day judicial review proceedings ended: the period is extended by the days they ran."""
    check_version(pause, submitted_version)
    if ended_on is None:
        raise DomainError("Enter the date the proceedings ended", field="ended_on")
    response = pause.response
    extensions, _ = _facts(response)
    pauses = [Pause(p.started_on, ended_on if p is pause else p.ended_on) for p in response.pauses]
    clock = _clock(response.inspection, extensions, pauses)
    pause.ended_on = ended_on
    refresh_clock(response, clock)
    audit.record(db.session, response, "judicial review ended",
                 {"started_on": [None, pause.started_on.isoformat()], "ended_on": [None, ended_on.isoformat()],
                  "due_on": [None, clock.due.isoformat() if clock.due else None]})
    db.session.flush()


def source_of(response: StatutoryResponse) -> Source:
    """The source of the document the response answers."""
    return Source(response.inspection.source)
