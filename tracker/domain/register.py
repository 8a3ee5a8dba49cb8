"""The register's items as the overdue views show them: the kinds of item, the windows, the filters
and one row, with the rules that read a row (days overdue, due state, RAG, status label).

Plain Python: the queries that fill them live in tracker.services.overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.domain.clocks import Source
from tracker.domain.deadlines import days_overdue, due_state, rag_rating
from tracker.domain.forecast import percent_source
from tracker.domain.statuses import ActionStatus, TrackingStatus

ITEM_TYPES = {
    "recommendation": "Recommendation",
    "action": "Action",
    "statutory_response": "Statutory response",
}
WINDOWS = {
    "overdue": "Overdue",
    "7": "Due in the next 7 days",
    "30": "Due in the next 30 days",
    "90": "Due in the next 90 days",
    "open": "All open items",
}
RESPONSE_STATUSES = {"not_published": "Not published", "published": "Published"}
SORTS = {
    "days": "Days overdue",
    "due": "Due date",
    "type": "Item",
    "force": "Force",
    "inspection": "Inspection",
    "ref": "Reference",
    "owner": "Owner",
    "status": "Status",
    "updated": "Last update",
}


@dataclass(frozen=True)
class ItemFilter:
    """The dashboard's filters, already checked; None means 'any'."""

    as_of: date
    force_ids: tuple[int, ...]
    inspection_id: int | None = None
    # Only items of inspections whose title holds every one of these words (title_words), in any order.
    inspection_words: tuple[str, ...] = ()
    inspection_type: str | None = None
    item_type: str | None = None
    kind: str | None = None
    theme_id: int | None = None
    owner: str | None = None
    status: str | None = None
    source: str | None = None  # clocks.Source: whose document (hmicfrs, hmicfrs_fire, iopc, coroner, other)
    window: str = "overdue"
    blocked: bool = False  # only recommendations blocked by an external dependency
    # Whether rows of inspections published after the as-of date must be left out; None: ask the
    # database (resolve() asks once, for the queries of one page).
    check_published: bool | None = None


def title_words(text: str) -> tuple[str, ...]:
    """The words of a search for an inspection by its title, lower case and each once, in the order
    typed: "Custody  custody REVIEW" gives ("custody", "review"). A title matches when it holds every
    one, as a word or a part of one, in any order and any case."""
    return tuple(dict.fromkeys(text.lower().split()))


def publication_check_needed(latest_publication: date | None, as_of: date) -> bool:
    """Whether rows must be checked against their inspection's publication date: only when some
    inspection was published after the as-of date (on today's view none was, and the check is left
    out of the queries)."""
    return latest_publication is not None and latest_publication > as_of


@dataclass(frozen=True)
class Row:
    """One row of the dashboard, its exports and the committee pack."""

    type: str
    id: int
    tracking_id: int | None
    force: str
    force_name: str
    inspection: str
    inspection_title: str
    inspection_type: str
    ref: str | None
    kind: str | None
    title: str
    owner: str | None
    status: str
    due: date | None
    closed_on: date | None
    rag_forecast: str | None
    last_update: date | None
    as_of: date
    source: str = Source.HMICFRS.value  # whose document the item answers (clocks.Source)
    blocked_by: str | None = None  # what a blocked recommendation waits for (None: not blocked)

    @property
    def source_label(self) -> str:
        """The source as a column or a filter names it ("IOPC", "Coroner")."""
        return Source(self.source).short_label

    @property
    def days_overdue(self) -> int:
        """Days late on the as-of date (0 when not late or no date)."""
        return days_overdue(self.due, self.as_of) if self.due else 0

    @property
    def state(self):
        """Where the item stands on the as-of date (deadlines.DueState)."""
        return due_state(self.due, self.closed_on, self.as_of)

    @property
    def rag(self):
        """The current RAG rating by the one written rule (deadlines.rag_rating)."""
        return rag_rating(self.state)

    @property
    def status_label(self) -> str:
        """The status as a person reads it."""
        return status_label(self.type, self.status)

    @property
    def url(self) -> str:
        """The page of the item (built by the workspace and response areas)."""
        if self.type == "statutory_response":
            return f"/responses/{self.force}/{self.inspection}"
        return f"/tracking/{self.tracking_id}"


def response_title(source: str, document_title: str) -> str:
    """The register's title of a response: the source's response document and what it answers."""
    return f"{Source(source).response_name} to {document_title}"


def status_label(item_type: str, status: str) -> str:
    """The label of a status of any kind of item."""
    if item_type == "statutory_response":
        return RESPONSE_STATUSES.get(status, status)
    enum = ActionStatus if item_type == "action" else TrackingStatus
    try:
        return enum(status).label
    except ValueError:
        return status


def status_choices() -> list[tuple[str, str]]:
    """Every status of every kind of item, labelled, for the status filter (values are unique)."""
    seen: dict[str, str] = {}
    for value, label in TrackingStatus.choices() + ActionStatus.choices() + list(RESPONSE_STATUSES.items()):
        seen.setdefault(value, label)
    return list(seen.items())


@dataclass(frozen=True)
class RowDetails:
    """What a board's export shows of a row beyond the dashboard's columns: the item's full text, its
    lead officer and the PCC's explanation, its latest update, and the date it was first due."""

    text: str
    lead_officer: str | None = None
    pcc_explanation: str | None = None
    latest_update: str | None = None
    latest_update_on: date | None = None
    original_due: date | None = None
    percent_complete: int | None = None  # set by hand, else from the recommendation's actions
    percent_by_hand: bool = False  # whether percent_complete was set by hand (forecast.PERCENT_SOURCES)
    blocked_by: str | None = None  # what a blocked recommendation waits for
    revision_reason: str | None = None  # why the date in force was revised (the last approved extension)

    @property
    def percent_source(self) -> str:
        """Where the per cent complete comes from, in a board's words ("" when there is none)."""
        return percent_source(self.percent_complete, self.percent_by_hand)


def revised_due(row: Row, details: RowDetails | None) -> date | None:
    """The date in force when it differs from the date first set (a revised date), else None."""
    if details is None or row.due is None or details.original_due is None or row.due == details.original_due:
        return None
    return row.due


def full_text(text: str, bullets: list[str] | None = None) -> str:
    """A recommendation's words as one text: its sentence, then each point of its list on a line."""
    return "\n".join([text.strip(), *(f"• {b.strip()}" for b in bullets or [] if b.strip())])


# The status filter's choice of blocked recommendations: a flag beside their status, chosen as one.
BLOCKED = "blocked"
BLOCKED_LABEL = "Blocked by an external dependency"

STATUS_GROUPS = {"recommendation": "Recommendations", "action": "Actions", "statutory_response": "Statutory responses"}


def status_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The status filter's choices, grouped by the kind of item they belong to; each value names its
    kind ("action:complete"), since a recommendation and an action can both be "Complete"."""
    statuses = {"recommendation": [*TrackingStatus.choices(), (BLOCKED, BLOCKED_LABEL)], "action": ActionStatus.choices(),
                "statutory_response": list(RESPONSE_STATUSES.items())}
    return [(STATUS_GROUPS[kind], [(f"{kind}:{value}", label) for value, label in choices])
            for kind, choices in statuses.items()]


def read_status(value: str) -> tuple[str | None, str] | None:
    """A status filter's value as (kind of item, status): "action:complete" is an action's; a plain
    status ("complete", as older addresses and the API have it) is of any kind (None). None when it
    is no status of that kind."""
    kind, _, status = value.rpartition(":")
    if kind:
        known = {v for _group, choices in status_groups() for v, _label in choices}
        return (kind, status) if value in known else None
    if status == BLOCKED:
        return ("recommendation", BLOCKED)
    return (None, status) if status in dict(status_choices()) else None
