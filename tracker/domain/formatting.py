"""All date, number and wording formats of pages, documents and emails (FILTERS: the Jinja filters)."""

from __future__ import annotations

import re
from datetime import date, datetime

from tracker.domain.deadlines import DeadlineKind, days_until
from tracker.domain.extensions import ExtensionStatus
from tracker.domain.forecast import forecast_label
from tracker.domain.statuses import ActionStatus, HmicfrsView, InspectionType, Kind, Role, TrackingStatus
from tracker.domain.text import printable

# The months in Welsh (Cymraeg), as a date is written after its day's number: "17 Medi 2021".
WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
                "Tachwedd", "Rhagfyr")


def govuk_date(value: date | datetime | None, language: str = "en") -> str:
    """17 September 2021 (the GOV.UK style: no leading zero, month in full); 17 Medi 2021 in Welsh ("cy")."""
    if value is None:
        return ""
    if language == "cy":
        return f"{value.day} {WELSH_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {value:%B %Y}"


_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_NUMERIC = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", re.ASCII)
_WORDS = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})", re.ASCII)


def read_date(text: str | None) -> date | None:
    """A date as people type it, day before month as in the UK: "1 April 2022" (the form pages print,
    with or without the weekday, "Apr", "1st"), "1/4/2022", "01.04.2022", "1-4-2022" or "2022-04-01".
    None when it is not one of those or not a real date; a year must have four digits, so that no
    century is guessed."""
    text = " ".join((text or "").split()).lower()
    try:
        if m := _ISO.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _NUMERIC.fullmatch(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if (m := _WORDS.fullmatch(text)) and m[2] in _MONTHS:
            return date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    except ValueError:
        return None
    return None


def govuk_date_short(value: date | None) -> str:
    """17 Sep 2021, for tables."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """17 September 2021 at 2:05pm (times are shown as stored: UTC)."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{govuk_date(value)} at {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 day', '3 days'."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def countdown(due: date | None, as_of: date | None = None) -> str:
    """'due in 12 days', 'due today', '3 days late' for a deadline seen from `as_of` (today by default)."""
    if due is None:
        return "no date set"
    days = days_until(due, as_of or date.today())
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 0:
        return f"due in {plural(days, 'day')}"
    return f"{plural(-days, 'day')} late"


def deadline_label(kind: DeadlineKind | str | None, value: date | None) -> str:
    """How a recommendation's deadline reads: a date, 'Immediate', 'Not readable: set a date', or 'None'."""
    kind = DeadlineKind(kind) if kind else DeadlineKind.NONE
    if kind is DeadlineKind.IMMEDIATE:
        return "Immediate"
    if kind is DeadlineKind.UNREADABLE and value is None:
        return "Not readable: set a date"
    if value is None:
        return "No deadline"
    return govuk_date(value)


def filesize(size: int | None, language: str = "en") -> str:
    """'840 bytes', '12 KB', '1.4 MB' ('840 beit' in Welsh, "cy")."""
    if size is None:
        return ""
    if size < 1024:
        return f"{size} beit" if language == "cy" else plural(size, "byte")
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def label(value) -> str:
    """The label of an enum member (a status, a kind, a role), or the value itself."""
    return getattr(value, "label", value if value is not None else "")


def paragraphs(text: str | None) -> list[str]:
    """Split typed text into its paragraphs (one per non-empty line), for documents and pages; without
    control characters, which text stored before the forms took them out (or by an import) may hold."""
    if not text:
        return []
    return [line.strip() for line in printable(text).replace("\r\n", "\n").split("\n") if line.strip()]


FILTERS = {
    "paragraphs": paragraphs,
    "govuk_date": govuk_date,
    "govuk_date_short": govuk_date_short,
    "govuk_datetime": govuk_datetime,
    "plural": plural,
    "countdown": countdown,
    "deadline_label": deadline_label,
    "filesize": filesize,
    "label": label,
    "forecast_label": forecast_label,
}


# --- the History tab: audit events in a reader's words ------------------------------------

FIELD_LABELS = {
    "status": "Status", "no_action_reason": "Reason no further action is needed", "lead_officer": "Lead officer",
    "target_date": "Target date", "due_on": "Due date", "closed_on": "Closed on", "rag_forecast": "Forecast RAG",
    "pcc_explanation": "PCC's explanation (s.55(5B))", "chief_comment": "Chief constable's comment",
    "implemented_on": "Implemented on", "verified_on": "Verified by the OPCC on", "verified_by_id": "Verified by",
    "hmicfrs_view": "HMICFRS's view", "hmicfrs_view_on": "HMICFRS's view recorded on", "title": "Title",
    "description": "Description", "owner": "Owner", "owner_email": "Owner's email", "completed_on": "Completed on",
    "evidence": "Evidence", "not_for_publication": "Not for publication", "signed_off_by_id": "Signed off by",
    "signed_off_by": "Signed off by", "signed_off_at": "Signed off at", "occurred_on": "Date", "text": "Text",
    "author_id": "Author", "filename": "File name", "size": "Size", "content_type": "Type", "sha256": "SHA-256",
    "published_on": "Published", "type": "Type", "url": "Web address", "key_findings": "Key findings",
    "ref": "Reference", "kind": "Kind", "addressed_to": "Addressed to", "bullets": "Bullets",
    "deadline_text": "Deadline as written", "deadline_kind": "Deadline read as", "deadline_date": "Deadline",
    "deadline_overridden": "Deadline set by hand", "deadline_overridden_by_id": "Deadline set by",
    "parent_id": "Sits under", "position": "Position", "in_scope": "In scope", "exclusion_reason": "Reason left out",
    "force_id": "Force", "slug": "Short name", "recommendation_id": "Recommendation", "tracking_id": "Tracking",
    "action_id": "Action", "update_id": "Progress update", "stored_name": "Stored as", "inspection_id": "Inspection",
    "revised_due_on": "Due date revised by extension", "blocked_by": "Blocked by (what it waits for)",
    "percent_complete": "Per cent complete (set by hand)", "previous_due_on": "Due date then",
    "new_due_on": "New due date asked for", "reason": "Why", "requested_by": "Asked by", "recorded_by_id": "Recorded by",
    "decided_on": "Decided on", "decided_at": "Decision recorded at", "decided_by_id": "Decision recorded by",
    "decided_by_body": "Decided by (board or meeting)", "decision_reason": "Reason for the decision",
    "recipient": "Sent to", "purpose": "For", "expires_at": "Works until", "sent_at": "Email accepted at",
    "used_at": "Update sent at", "revoked_at": "Revoked at", "revoked_reason": "Why revoked", "secret_hash": "Secret",
    "created_by_id": "Made by", "revoked_by_id": "Revoked by", "owner_link_id": "Sent through the owner's link",
    "progress_update": "Progress update", "implemented": "Marked implemented", "address_action": "Used at the address of action",
}
ENTITY_LABELS = {"Tracking": "Tracking", "Action": "Action", "ProgressUpdate": "Progress update",
                 "EvidenceFile": "Evidence file", "Inspection": "Inspection", "Recommendation": "Recommendation",
                 "InspectionForce": "Scope", "ExtensionRequest": "Extension request", "OwnerLink": "Owner's update link"}


def field_label(name: str) -> str:
    """The words for a column named in an audit event: 'lead_officer' → 'Lead officer'."""
    return FIELD_LABELS.get(name, name.replace("_id", "").replace("_", " ").capitalize())


def entity_label(name: str) -> str:
    """The words for a kind of record named in an audit event."""
    return ENTITY_LABELS.get(name, name)


def audit_value(value, field: str | None = None) -> str:
    """An audit event's old or new value, readable: labels for statuses, GOV.UK dates, yes/no."""
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    enums_of = {"status": (TrackingStatus, ActionStatus, ExtensionStatus), "hmicfrs_view": (HmicfrsView,), "type": (InspectionType,),
                "kind": (Kind,), "role": (Role,)}
    if isinstance(value, str) and (field is None or field in enums_of):
        for enum_cls in enums_of.get(field, (TrackingStatus, ActionStatus, ExtensionStatus, HmicfrsView, InspectionType,
                                             Kind, Role)):
            try:
                return enum_cls(value).label
            except ValueError:
                continue
    if isinstance(value, str):
        if field == "rag_forecast" and value in ("red", "amber", "green"):
            return value.capitalize()
        try:
            if len(value) == 10:
                return govuk_date(date.fromisoformat(value))
            if len(value) >= 19 and value[10] == "T":
                return govuk_datetime(datetime.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


# Keys and bookkeeping a reader of the history has no use for.
HISTORY_HIDDEN = {"id", "recommendation_id", "recorded_by_id", "decided_by_id", "force_id", "tracking_id", "action_id", "update_id", "inspection_id",
                  "stored_name", "position", "author_id", "verified_by_id", "signed_off_by_id",
                  "deadline_overridden_by_id", "parent_id", "superseded_by_id", "created_by_id", "revoked_by_id"}


def history_changes(changes: dict | None) -> list[tuple[str, object]]:
    """An audit event's changes worth showing a person, in a stable order."""
    return [(field, change) for field, change in (changes or {}).items() if field not in HISTORY_HIDDEN]


FILTERS.update({"history_changes": history_changes, "field_label": field_label, "entity_label": entity_label, "audit_value": audit_value})
