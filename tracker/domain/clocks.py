"""Each source's response clock: HMICFRS (police and fire), the IOPC, coroners, and other sources.

Plain Python with no Flask in it. One function per rule, each quoting the provision it applies
(checked against the published text; where the text could not be checked that is said). A clock
takes the day it runs from and what has happened since (extensions granted, judicial-review
proceedings) and gives back the original statutory date, the date now in force, and what a person
should look at. Nothing is guessed: a clock that cannot give a date says why.

The counting words matter:

- "56 days beginning with the day on which X" counts the day of X as day 1: the last day is X + 55
  (Police Act 1996 s.55(5A); Police Reform Act 2002 Sch 3 para 28B(2)).
- "within 56 days of" a date does not count that date: the last day is the date + 56 (the coroner's
  report: "within 56 days of the date of this report, namely by ...").

Checked: s.55 (Police Act 1996), Sch 3 paras 28A-28B (Police Reform Act 2002), Sch 5 para 7
(Coroners and Justice Act 2009), reg 28 (Coroners (Investigations) Regulations 2013) and the
printed words of the coroners' reports. Not found in the texts available: reg 29's own words and
chapter 7 of the Fire and Rescue National Framework (each clock says what it follows instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.deadlines import statutory_response_deadline
from tracker.domain.errors import DomainError
from tracker.domain.statuses import LabelledEnum

# Police Reform Act 2002 Sch 3 para 28B(2), as for s.55(5A): "56 days beginning with the day".
IOPC_PERIOD_DAYS = 56
# The coroner's report: "within 56 days of the date of this report": that date is not counted.
CORONER_PERIOD_DAYS = 56
# Police Reform Act 2002 Sch 3 para 28B(5): the IOPC publishes "within the period of 21 days
# beginning with the day on which the Director General received it".
IOPC_PUBLICATION_DAYS = 21


class Source(LabelledEnum):
    """The body whose document the recommendations come from (the `source` of the register's rows)."""

    HMICFRS = "hmicfrs"
    HMICFRS_FIRE = "hmicfrs_fire"
    IOPC = "iopc"
    CORONER = "coroner"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.HMICFRS: "HMICFRS police inspection",
            cls.HMICFRS_FIRE: "HMICFRS fire and rescue inspection",
            cls.IOPC: "IOPC recommendation",
            cls.CORONER: "Coroner's report to prevent future deaths",
            cls.OTHER: "Other (internal audit, peer review)",
        }

    @property
    def short_label(self) -> str:
        """The name of the source in a table column or a filter."""
        return {
            Source.HMICFRS: "HMICFRS (police)",
            Source.HMICFRS_FIRE: "HMICFRS (fire)",
            Source.IOPC: "IOPC",
            Source.CORONER: "Coroner",
            Source.OTHER: "Other",
        }[self]

    @property
    def date_label(self) -> str:
        """What the document's date is, for this source: the day its clock runs from."""
        return {
            Source.HMICFRS: "Date of publication",
            Source.HMICFRS_FIRE: "Date of publication",
            Source.IOPC: "Date the recommendation was made",
            Source.CORONER: "Date of the report",
            Source.OTHER: "Date of the document",
        }[self]

    @property
    def response_name(self) -> str:
        """The name of the response document this source calls for."""
        return {
            Source.HMICFRS: "s.55 response",
            Source.HMICFRS_FIRE: "Action plan",
            Source.IOPC: "Response to the IOPC",
            Source.CORONER: "Regulation 29 response",
            Source.OTHER: "Response",
        }[self]

    @property
    def provision(self) -> str:
        """The legal reference of the response duty."""
        return {
            Source.HMICFRS: "Police Act 1996, s.55(4) to (6)",
            Source.HMICFRS_FIRE: "Fire and Rescue National Framework for England (2018), chapter 7",
            Source.IOPC: "Police Reform Act 2002, Schedule 3, paragraphs 28A and 28B",
            Source.CORONER: "Coroners and Justice Act 2009, Schedule 5, paragraph 7; "
                            "Coroners (Investigations) Regulations 2013, regulations 28 and 29",
            Source.OTHER: "No statutory duty: a date set by the OPCC",
        }[self]


class Respondent(LabelledEnum):
    """Who must answer the document."""

    CHIEF_CONSTABLE = "chief_constable"
    PCC = "pcc"
    FIRE_AUTHORITY = "fire_authority"

    @classmethod
    def _labels(cls):
        return {
            cls.CHIEF_CONSTABLE: "The chief constable",
            cls.PCC: "The police and crime commissioner",
            cls.FIRE_AUTHORITY: "The fire and rescue authority",
        }


# Who answers each source unless the document says otherwise.
DEFAULT_RESPONDENT = {
    Source.HMICFRS: Respondent.PCC,
    Source.HMICFRS_FIRE: Respondent.FIRE_AUTHORITY,
    Source.IOPC: Respondent.CHIEF_CONSTABLE,
    Source.CORONER: Respondent.CHIEF_CONSTABLE,
    Source.OTHER: Respondent.PCC,
}


class ClockError(DomainError):
    """An extension or a pause the provision does not allow."""


@dataclass(frozen=True)
class Extension:
    """An extension of the period granted: the new last day, who granted it, and the application's date."""

    new_due_on: date
    granted_by: str
    applied_on: date | None = None
    granted_on: date | None = None


@dataclass(frozen=True)
class Pause:
    """Judicial-review proceedings of the decision to make a recommendation: from, and to (None: still running)."""

    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class Clock:
    """A response clock read on its facts.

    `original_due` is the statutory last day before any extension or pause; `due` the last day now
    in force (None while judicial-review proceedings are still running, or when the duty has no
    fixed period); `paused` says proceedings are running; `notes` are what a person should know.
    """

    source: Source
    starts_on: date
    original_due: date | None
    due: date | None
    paused: bool = False
    notes: tuple[str, ...] = ()

    @property
    def extended(self) -> bool:
        """Whether the date in force differs from the original statutory date."""
        return self.due != self.original_due and not self.paused


# --- HMICFRS: police inspections ----------------------------------------------------------------


def hmicfrs_police_clock(published: date) -> Clock:
    """Police Act 1996 s.55(5A): the PCC's comments "must be published before the end of the period
    of 56 days beginning with the day on which the report is published".

    The publication day is day 1, so the last day is publication + 55 (deadlines.statutory_response_deadline).
    The Act provides for no extension and no pause.
    """
    due = statutory_response_deadline(published)
    return Clock(Source.HMICFRS, published, due, due)


# --- IOPC recommendations -----------------------------------------------------------------------


def iopc_response_deadline(made_on: date) -> date:
    """Police Reform Act 2002 Sch 3 para 28B(2): "The person must provide the response to the
    Director General before the end of the period of 56 days beginning with the day on which the
    recommendation was made, unless sub-paragraph (3) applies."

    The day the recommendation was made is day 1: the last day is that day + 55.
    """
    return made_on + timedelta(days=IOPC_PERIOD_DAYS - 1)


def iopc_publication_deadline(received_on: date) -> date:
    """Para 28B(5): "On receiving a response, the Director General must, within the period of 21 days
    beginning with the day on which the Director General received it— (a) publish the response, ..."
    (unless the person giving it made representations under para 28B(6)). The IOPC's duty, not the
    force's: shown so that the OPCC knows when to expect its response to appear."""
    return received_on + timedelta(days=IOPC_PUBLICATION_DAYS - 1)


def iopc_clock(made_on: date, extensions: Iterable[Extension] = (), pauses: Iterable[Pause] = ()) -> Clock:
    """The IOPC response clock with its extensions and judicial-review pauses.

    Para 28B(3): "The Director General may extend the period of 56 days following an application
    received before the end of the period; and if the Director General grants an extension, the
    person must provide the response before the end of the extended period." An application made
    after the last day of the period then in force cannot be granted (ClockError); the last
    extension granted gives the extended period.

    Para 28B(4): "But if proceedings for judicial review of the Director General's decision to make a
    recommendation are started during the period allowed by sub-paragraph (2) or (3), that period is
    extended by however many days the proceedings are in progress." Every day on which the
    proceedings were in progress counts, the first and the last included; proceedings started after
    the period ended do not extend it (ClockError); proceedings still running leave no date yet.
    """
    original = iopc_response_deadline(made_on)
    due = original
    for extension in sorted(extensions, key=lambda e: (e.applied_on or date.min, e.new_due_on)):
        if extension.applied_on is None:
            raise ClockError("Enter the date the application for an extension was received", field="applied_on")
        if extension.applied_on > due:
            raise ClockError(
                "The Director General may extend the period only following an application received before "
                "the end of the period (Police Reform Act 2002, Sch 3 para 28B(3))", field="applied_on")
        if extension.new_due_on <= due:
            raise ClockError("An extension must end after the period it extends", field="new_due_on")
        due = extension.new_due_on
    return _paused(Clock(Source.IOPC, made_on, original, due), pauses)


def _paused(clock: Clock, pauses: Iterable[Pause]) -> Clock:
    """Add the days judicial-review proceedings were in progress (para 28B(4)) to a clock's date."""
    due = clock.due
    for pause in sorted(pauses, key=lambda p: p.started_on):
        if pause.started_on < clock.starts_on:
            raise ClockError("Proceedings cannot start before the recommendation was made", field="started_on")
        if pause.started_on > due:
            raise ClockError(
                "Only proceedings started during the period extend it (Police Reform Act 2002, Sch 3 para 28B(4))",
                field="started_on")
        if pause.ended_on is None:
            return Clock(clock.source, clock.starts_on, clock.original_due, None, paused=True,
                         notes=clock.notes + ("Judicial review proceedings are in progress: the period is extended "
                                              "by every day they last, so there is no date yet",))
        if pause.ended_on < pause.started_on:
            raise ClockError("The proceedings cannot end before they started", field="ended_on")
        due = due + timedelta(days=(pause.ended_on - pause.started_on).days + 1)
    return Clock(clock.source, clock.starts_on, clock.original_due, due, notes=clock.notes)


# --- coroners' reports to prevent future deaths --------------------------------------------------


def coroner_response_deadline(report_dated: date) -> date:
    """The coroner's report to prevent future deaths says, in its standard words (as printed on the
    reports the Chief Coroner publishes, e.g. judiciary.uk's report on Najib Naagi, ref 2026-0271):
    "You are under a duty to respond to this report within 56 days of the date of this report, namely by
    <date>. I, the coroner, may extend the period if an appropriate application is made."

    "Within 56 days of" a date does not count that date: the last day is the date of the report + 56.

    Coroners and Justice Act 2009 Sch 5 para 7(2): "A person to whom a senior coroner makes a report
    under this paragraph must give the senior coroner a written response to it." Para 7(3): "A copy of
    a report under this paragraph, and of the response to it, must be sent to the Chief Coroner."
    Coroners (Investigations) Regulations 2013 reg 28(4)(a): the coroner "must send a copy of the
    report to the Chief Coroner and every interested person who in the coroner's opinion should
    receive it"; reg 28(5): "On receipt of a report the Chief Coroner may— (a) publish a copy of the
    report, or a summary of it, in such manner as the Chief Coroner thinks fit".

    Not found: the words of regulation 29 itself. Searched (legislation.gov.uk, judiciary.uk, gov.uk
    pages and public repositories) for "Response to a report", its 56 days and the coroner's power to
    extend: only regulation 28 (legislation.gov.uk, /uksi/2013/1629/regulation/28/made) and the Chief
    Coroner's Guidance No. 5 (which names regulations 28 and 29 but whose reg 29 passage was not in
    the texts available) were found. Secondary sources say the 56 days run from the date the report
    is sent; the reports' own printed words count from the date of the report, and name the day:
    that printed "namely by" date wins wherever it is given (coroner_clock), so the rule here matters
    only for a report that prints no date.
    """
    return report_dated + timedelta(days=CORONER_PERIOD_DAYS)


def coroner_clock(report_dated: date, printed_due: date | None = None,
                  extensions: Iterable[Extension] = ()) -> Clock:
    """The coroner's clock: the printed "namely by" date where the report gives one, else 56 days of the
    report's date; a later date where the coroner extends the period (the last extension wins).

    The report: "I, the coroner, may extend the period if an appropriate application is made." An
    extension is the coroner's: its new date, who granted it and the day it was granted are recorded
    (services.clocks.grant_extension refuses one without them). A printed date that differs from the
    count is kept (the coroner's words bind) and noted.
    """
    counted = coroner_response_deadline(report_dated)
    notes: tuple[str, ...] = ()
    original = counted
    if printed_due is not None:
        original = printed_due
        if printed_due != counted:
            notes = (f"The report's printed date ({printed_due.isoformat()}) is not 56 days after the date of "
                     f"the report ({counted.isoformat()}): the printed date is used",)
    due = original
    for extension in sorted(extensions, key=lambda e: (e.granted_on or e.applied_on or date.min, e.new_due_on)):
        if extension.new_due_on <= due:
            raise ClockError("An extension must end after the period it extends", field="new_due_on")
        due = extension.new_due_on
    return Clock(Source.CORONER, report_dated, original, due, notes=notes)


# --- HMICFRS: fire and rescue inspections, and other sources ------------------------------------


def fire_action_plan_clock(published: date, target: date | None = None) -> Clock:
    """Fire and Rescue National Framework for England (2018), chapter 7 ("Inspection, intervention and
    accountability"): where HMICFRS's report on a fire and rescue service makes recommendations, the
    fire and rescue authority prepares an action plan on them, publishes it and keeps it up to date.

    No number of days is set: the duty has no statutory date, so the clock gives none unless the OPCC
    sets a target date for the plan's publication (`target`), which is then the date in force.

    Not found: the Framework's own words. Searched (gov.uk, the Home Office's consultation of
    December 2017, HMICFRS's pages, public repositories) for chapter 7's paragraphs on the action
    plan: only the Framework's table of contents (May 2018; chapter 7 "Inspection, intervention and
    accountability", with "Inspection" and "Intervention" on page 19) and HMICFRS's page on its powers
    ("Recommendations are not orders." ... it is for chief constables, PCCs and the Home Secretary "to
    take action as a result of HMICFRS's recommendations. The same applies to the fire & rescue
    service itself, and the fire & rescue authorities.") were found. The duty as stated above is the
    issue's summary of chapter 7, unchecked against its words.
    """
    notes = ("No fixed period: the action plan is published and kept up to date",)
    return Clock(Source.HMICFRS_FIRE, published, None, target, notes=notes)


def other_clock(dated: date, target: date | None = None) -> Clock:
    """A source with no statutory duty (internal audit, peer review): the date the OPCC sets, if any."""
    return Clock(Source.OTHER, dated, None, target)


def response_clock(source: Source | str, starts_on: date, *, printed_due: date | None = None,
                   target: date | None = None, extensions: Iterable[Extension] = (),
                   pauses: Iterable[Pause] = ()) -> Clock:
    """The clock of a document of any source (the one the register and the services call).

    Extensions and pauses are read only where the source's provision allows them: a pause of any
    clock but the IOPC's, or an extension of an s.55 response, is refused (ClockError).
    """
    source = Source(source)
    extensions, pauses = list(extensions), list(pauses)
    if pauses and source is not Source.IOPC:
        raise ClockError("Only an IOPC recommendation's period is extended by judicial review proceedings")
    if source is Source.HMICFRS:
        if extensions:
            raise ClockError("Section 55 of the Police Act 1996 provides for no extension of the 56 days")
        return hmicfrs_police_clock(starts_on)
    if source is Source.IOPC:
        return iopc_clock(starts_on, extensions, pauses)
    if source is Source.CORONER:
        return coroner_clock(starts_on, printed_due, extensions)
    latest = max((e.new_due_on for e in extensions), default=target)
    if source is Source.HMICFRS_FIRE:
        return fire_action_plan_clock(starts_on, latest)
    return other_clock(starts_on, latest)
