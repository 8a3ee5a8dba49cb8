"""Synthetic demonstration data at national scale, for benchmarks and load tests.

`flask --app tracker generate-demo --scale national` fills an empty database with ten years of
believable HMICFRS work: 43 forces, 600 inspections (a third national thematics concerning every
force, the rest PEEL and force-specific reports for one force), about 130,000 tracking rows,
400,000 actions and 650,000 progress updates, with statutory responses and their milestones.

Deadlines are written as people write them ("By March 2022", "within six months",
"immediately") and read by tracker.deadlines exactly as the app reads them; due_on, closed_on
and completed_on are filled as the services would fill them. Everything is drawn from
random.Random(seed) and counted from the end date, so one seed and one end date give the same rows.

Rows are written with SQLAlchemy Core bulk inserts (executemany over lists of dicts, in chunks),
not one ORM object at a time. That bypasses the ORM session and so the audit trail's listener,
deliberately: synthetic data has no history to record. On PostgreSQL the tables are vacuumed and
analyzed afterwards, so the first queries on them are planned with statistics (vacuum_analyze).
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from tracker.db import data_state, open_item_counts
from tracker.domain.deadlines import Rag, parse_deadline, statutory_response_deadline
from tracker.domain.progress import Progress, quiet
from tracker.domain.statuses import ActionStatus, HmicfrsView, InspectionType, Kind, TrackingStatus, needs_explanation
from tracker.models import (
    Action,
    Force,
    Inspection,
    InspectionForce,
    OpenItemStep,
    ProgressUpdate,
    Recommendation,
    StatutoryResponse,
    Theme,
    Tracking,
    recommendation_themes,
)

CHUNK = 20_000

# Tables in the order their rows may be written (parents before children).
TABLES = [
    Inspection.__table__,
    InspectionForce.__table__,
    Recommendation.__table__,
    recommendation_themes,
    Tracking.__table__,
    Action.__table__,
    ProgressUpdate.__table__,
    StatutoryResponse.__table__,
]
# Tables that must be empty before generating: the data set is made whole, never mixed in.
MUST_BE_EMPTY = [Inspection, Recommendation, Tracking, Action, ProgressUpdate, StatutoryResponse]


class GenerateError(Exception):
    """The database cannot take a generated data set (it already holds inspection data)."""


@dataclass(frozen=True)
class Scale:
    """How much to make: inspections over ten years, and how many items each report holds."""

    name: str
    inspections: int
    national_share: float  # the share of inspections that are national thematics
    national_recommendations: tuple[int, int]  # inclusive range per national report
    local_recommendations: tuple[int, int]  # inclusive range per PEEL or force report
    force_slugs: tuple[str, ...] | None  # None: every force
    years: int = 10


SCALES = {
    "national": Scale("national", 600, 1 / 3, (5, 25), (4, 16), None),
    "force": Scale("force", 60, 1 / 3, (5, 24), (4, 16), ("cumbria",)),
    "tiny": Scale("tiny", 12, 1 / 3, (2, 5), (2, 4), ("cumbria", "kent", "dyfed-powys")),
}



def scale_named(text: str, times: int = 1) -> Scale:
    """The scale a name gives ("national"), or that many times it ("national*3", or times=3): as many
    inspections over the same ten years, with their items, for benchmarks of growth."""
    name, star, multiplier = text.partition("*")
    if name not in SCALES or (star and not multiplier.isdigit()):
        raise GenerateError(f"No scale {text!r}: give one of {', '.join(SCALES)}, or one of them times a "
                            "whole number (e.g. national*3)")
    factor = int(multiplier or 1) * times
    if factor < 1:
        raise GenerateError(f"The multiplier of a scale must be 1 or more, not {factor}")
    base = SCALES[name]
    if factor == 1:
        return base
    return dataclasses.replace(base, name=f"{name}*{factor}", inspections=base.inspections * factor)


TOPICS = [
    ("the police response to violence against women and girls", "vawg"),
    ("domestic abuse", "domestic-abuse"),
    ("the investigation of rape and serious sexual offences", "rape-and-serious-sexual-offences"),
    ("stalking and harassment", "stalking"),
    ("vetting, misconduct and misogyny", "vetting"),
    ("the service given to victims", "victims"),
    ("child protection", "child-protection"),
    ("crime data integrity", "crime-data-integrity"),
    ("neighbourhood policing", "neighbourhood-policing"),
    ("the policing of protests", None),
    ("digital forensics", None),
    ("criminal exploitation of children", "child-protection"),
    ("custody", None),
    ("the handling of 999 calls", "victims"),
    ("counter-corruption", "vetting"),
    ("serious and organised crime", None),
    ("hate crime", "victims"),
    ("fraud", "victims"),
]
VERBS = [
    "should review its approach to", "should make sure that officers understand", "should improve how it records",
    "should develop a plan for", "should make sure that supervisors oversee", "should evaluate the effectiveness of",
    "should work with partners to improve", "should train its staff in",
]
ADDRESSEES = ["Chief constables", "Chief constables and PCCs", "The NPCC", "The College of Policing", "Chief constables"]
LEADS = [
    "Detective Chief Superintendent, Public Protection", "Chief Superintendent, Local Policing",
    "Superintendent, Professional Standards", "Head of Criminal Justice", "Assistant Chief Constable, Crime",
    "Deputy Chief Constable", "Head of Contact Management", "Superintendent, Vulnerability",
    "Head of Learning and Development", "Detective Superintendent, Major Crime",
]
ACTION_TITLES = [
    "Review the policy on {t}", "Train frontline officers in {t}", "Audit a sample of cases about {t}",
    "Update the performance framework for {t}", "Agree a protocol with partners on {t}",
    "Report progress on {t} to the accountability board", "Commission a peer review of {t}",
    "Publish new guidance on {t}", "Set up a working group on {t}",
]
UPDATE_TEXTS = [
    "Working group met; terms of reference agreed.", "Draft policy circulated for consultation.",
    "Training delivered to the first cohort of officers.", "Audit completed; findings reported to the board.",
    "Delay: the lead officer changed; new owner briefed.", "Partners signed the protocol.",
    "Performance data now reported monthly.", "Evidence of completion sent to the OPCC.",
    "Peer review booked with a neighbouring force.", "Guidance published on the intranet.",
]
NO_ACTION_REASONS = [
    "The force already meets this recommendation: existing practice was reviewed and evidenced.",
    "Superseded by a later inspection's recommendation on the same subject.",
    "Addressed to the College of Policing; nothing for the force to do.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
RELATIVE = ["within three months", "within six months", "within six months of publication", "within 12 months",
            "within 18 months of the publication of this report", "within one year"]


def _deadline_text(rng: random.Random, published: date, kind: Kind) -> str | None:
    """Write a deadline the way HMICFRS writes them, or none (most areas for improvement have none)."""
    roll = rng.random()
    if kind is Kind.AREA_FOR_IMPROVEMENT and roll < 0.8:
        return None
    if roll < 0.08:
        return "immediately"
    if roll < 0.33:
        return rng.choice(RELATIVE)
    if roll < 0.65:
        month = published.month - 1 + rng.randint(4, 18)
        return f"By {MONTHS[month % 12]} {published.year + month // 12}"
    if roll < 0.75:
        return f"By the end of {published.year + 1}"
    if roll < 0.86:
        month = published.month - 1 + rng.randint(6, 15)
        day = 31 if month % 12 in (0, 2, 4, 6, 7, 9, 11) else 30 if month % 12 != 1 else 28
        return f"by {day} {MONTHS[month % 12]} {published.year + month // 12}"
    if roll < 0.88:
        return f"by spring {published.year + 1}"  # unreadable: a person must set the date
    return None


SIGN_OFF_AFTER = timedelta(days=14)
VERIFY_LATE_AFTER = timedelta(days=60)


def _stamp(day: date) -> datetime:
    """A created/updated time on a day (09:00, naive UTC as the app stores them)."""
    return datetime(day.year, day.month, day.day, 9)


class Plan:
    """Draws the rows of a data set, inspection by inspection, from one seeded random source."""

    def __init__(self, scale: Scale, seed: int, end: date, forces: list[tuple[int, str, str]],
                 themes: dict[str, int], first_ids: dict[str, int] | None = None):
        """`forces` are (id, slug, name) of the forces in scope; `themes` maps slugs to ids."""
        self.scale, self.end, self.forces, self.themes = scale, end, forces, themes
        self.rng = random.Random(seed)
        first_ids = first_ids or {}
        self.next_id = {t.name: first_ids.get(t.name, 1) for t in TABLES}
        self.buffers: dict[str, list[dict]] = {t.name: [] for t in TABLES}
        self.inspections_done = 0

    def _id(self, table: str) -> int:
        """Take the next id of a table."""
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def rows(self) -> Iterator[dict[str, list[dict]]]:
        """Yield buffers of rows, by table name, whenever they grow past a chunk, and at the end."""
        rng, scale = self.rng, self.scale
        start = self.end - timedelta(days=365 * scale.years + scale.years // 4)
        span = (self.end - start).days - 7
        days = sorted(start + timedelta(days=rng.randrange(span)) for _ in range(scale.inspections))
        national = set(rng.sample(range(scale.inspections), round(scale.inspections * scale.national_share)))
        for number, published in enumerate(days, 1):
            self._inspection(number, published, number - 1 in national)
            self.inspections_done = number
            if max(len(b) for b in self.buffers.values()) >= CHUNK:
                yield self._take()
        yield self._take()

    def _take(self) -> dict[str, list[dict]]:
        """Hand over the buffered rows and start new buffers."""
        taken = self.buffers
        self.buffers = {t.name: [] for t in TABLES}
        return taken

    def _inspection(self, number: int, published: date, is_national: bool) -> None:
        """Draw one inspection with its scope, recommendations, tracking, actions and responses."""
        rng, b = self.rng, self.buffers
        topic, theme_slug = rng.choice(TOPICS)
        if is_national:
            itype = InspectionType.NATIONAL_THEMATIC
            title = f"An inspection of {topic}"
            scope = list(self.forces)
            low, high = self.scale.national_recommendations
        else:
            itype = rng.choices([InspectionType.PEEL, InspectionType.FORCE_SPECIFIC, InspectionType.JOINT,
                                 InspectionType.PCC_COMMISSIONED], weights=[50, 35, 10, 5])[0]
            scope = [rng.choice(self.forces)]
            force_name = scope[0][2]
            title = (f"PEEL {published.year}: an inspection of {force_name}" if itype is InspectionType.PEEL
                     else f"An inspection of {topic} in {force_name}")
            low, high = self.scale.local_recommendations
        inspection_id = self._id("inspections")
        stamp = _stamp(published)
        b["inspections"].append({
            "id": inspection_id, "slug": f"{itype.value.replace('_', '-')}-{published.year}-{number:03d}",
            "title": title, "published_on": published, "type": itype,
            "url": f"https://hmicfrs.justiceinspectorates.gov.uk/publications/synthetic-{number:03d}/",
            "key_findings": f"Synthetic report {number}: findings about {topic}.",
            "created_at": stamp, "updated_at": stamp, "version": 1,
        })
        # A national report now and then leaves out a force that is clearly not its subject.
        excluded = None
        if is_national and len(scope) > 5 and rng.random() < 0.1:
            excluded = scope[rng.randrange(len(scope))]
        for force in scope:
            out = force is excluded
            b["inspection_forces"].append({
                "inspection_id": inspection_id, "force_id": force[0], "in_scope": not out,
                "exclusion_reason": "The report's subject is not a function of this force." if out else None,
            })
        in_scope = [f for f in scope if f is not excluded]
        theme_id = self.themes.get(theme_slug) if theme_slug else None
        for position in range(1, rng.randint(low, high) + 1):
            self._recommendation(inspection_id, published, itype, position, topic, theme_id, in_scope)
        for force in in_scope:
            self._response(inspection_id, force[0], published)

    def _recommendation(self, inspection_id: int, published: date, itype: InspectionType, position: int,
                        topic: str, theme_id: int | None, forces: list[tuple[int, str, str]]) -> None:
        """Draw one recommendation and every in-scope force's tracking of it."""
        rng, b = self.rng, self.buffers
        if itype is InspectionType.PEEL:
            kind = rng.choices([Kind.AREA_FOR_IMPROVEMENT, Kind.CAUSE_OF_CONCERN, Kind.RECOMMENDATION],
                               weights=[80, 8, 12])[0]
        else:
            kind = Kind.RECOMMENDATION if rng.random() < 0.9 else Kind.AREA_FOR_IMPROVEMENT
        prefix = {Kind.AREA_FOR_IMPROVEMENT: "AFI ", Kind.CAUSE_OF_CONCERN: "Cause of concern "}.get(kind, "")
        deadline_text = _deadline_text(rng, published, kind)
        deadline = parse_deadline(deadline_text, published)
        rec_id = self._id("recommendations")
        stamp = _stamp(published)
        b["recommendations"].append({
            "id": rec_id, "inspection_id": inspection_id, "parent_id": None, "position": position,
            "ref": f"{prefix}{position}", "kind": kind, "addressed_to": rng.choice(ADDRESSEES),
            "text": f"{rng.choice(['Forces', 'The force'])} {rng.choice(VERBS)} {topic}"
                    + (f" {deadline_text}." if deadline_text else "."),
            "bullets": [], "deadline_text": deadline_text, "deadline_kind": deadline.kind,
            "deadline_date": deadline.date, "deadline_overridden": False, "deadline_overridden_by_id": None,
            "superseded_by_id": None, "created_at": stamp, "updated_at": stamp, "version": 1,
        })
        if theme_id is not None:
            b["recommendation_themes"].append({"recommendation_id": rec_id, "theme_id": theme_id})
        explain = needs_explanation(kind)
        for force in forces:
            self._tracking(rec_id, inspection_id, force[0], published, deadline.date, explain, topic)

    def _tracking(self, rec_id: int, inspection_id: int, force_id: int, published: date, deadline: date | None,
                  explain: bool, topic: str) -> None:
        """Draw one force's tracking of a recommendation, its actions and their progress updates."""
        rng, end = self.rng, self.end
        age = (end - published).days
        # The force sets its own target date on some items (always where the report set none).
        target = None
        if (deadline is None and rng.random() < 0.6) or rng.random() < 0.12:
            target = published + timedelta(days=rng.randint(120, 540))
        due = target or deadline
        closed_on = None
        if age > 30 and rng.random() < min(0.95, age / 900):
            closed_on = published + timedelta(days=rng.randint(min(30, age), min(age, 1100)))
        if closed_on is not None:
            status = TrackingStatus.COMPLETE if rng.random() < 0.86 else TrackingStatus.NO_FURTHER_ACTION
        elif age < 90 or rng.random() < 0.03:
            status = TrackingStatus.AWAITING_REVIEW
        else:
            status = TrackingStatus.BEING_PROGRESSED
        if closed_on is None:
            rag = None if due is None else Rag.RED if due < end else Rag.AMBER if (due - end).days < 90 else Rag.GREEN
        else:
            rag = Rag.GREEN
        verified_on = None
        if status is TrackingStatus.COMPLETE:
            # The OPCC works its queue: most completions are verified within a month, the rest two months
            # after (drawing nothing more, so every other row stays as it was). Only recent ones wait: a
            # queue of every unverified completion in ten years would grow with the history, not the work.
            if rng.random() < 0.7:
                verified_on = min(end, closed_on + timedelta(days=rng.randint(0, 30)))
            elif closed_on + VERIFY_LATE_AFTER <= end:
                verified_on = closed_on + VERIFY_LATE_AFTER
        hmicfrs = HmicfrsView.NOT_KNOWN
        if closed_on is not None and age > 730 and rng.random() < 0.5:
            hmicfrs = HmicfrsView.CLOSED
        elif closed_on is None and age > 730 and rng.random() < 0.3:
            hmicfrs = HmicfrsView.OPEN
        tracking_id = self._id("trackings")
        last = closed_on or min(end, published + timedelta(days=rng.randint(0, max(1, age))))
        self.buffers["trackings"].append({
            "id": tracking_id, "recommendation_id": rec_id, "force_id": force_id, "inspection_id": inspection_id,
            "status": status,
            "no_action_reason": rng.choice(NO_ACTION_REASONS) if status is TrackingStatus.NO_FURTHER_ACTION else None,
            "lead_officer": rng.choice(LEADS) if status is not TrackingStatus.AWAITING_REVIEW else None,
            "target_date": target, "due_on": due, "closed_on": closed_on, "rag_forecast": rag,
            "pcc_explanation": (f"The force has accepted this recommendation; the PCC holds the chief constable to "
                                f"account for progress on {topic} at the public accountability board.")
            if explain and status is not TrackingStatus.AWAITING_REVIEW else None,
            "chief_comment": None,
            "implemented_on": closed_on if status is TrackingStatus.COMPLETE else None,
            "verified_on": verified_on, "verified_by_id": None, "hmicfrs_view": hmicfrs,
            "hmicfrs_view_on": (closed_on or published) + timedelta(days=365) if hmicfrs is not HmicfrsView.NOT_KNOWN
            and (closed_on or published) + timedelta(days=365) <= end else None,
            "created_at": _stamp(published), "updated_at": _stamp(last), "version": 1,
        })
        if status is TrackingStatus.AWAITING_REVIEW:
            return
        for _ in range(rng.randint(1, 5)):
            self._action(tracking_id, inspection_id, force_id, published, closed_on, topic)

    def _action(self, tracking_id: int, inspection_id: int, force_id: int, published: date, closed_on: date | None,
                topic: str) -> None:
        """Draw one action (closed with its tracking row, or at any stage if that is open) and its updates."""
        rng, end = self.rng, self.end
        latest = closed_on or end
        created = published + timedelta(days=rng.randint(0, max(0, min(90, (latest - published).days))))
        due_on = created + timedelta(days=rng.randint(30, 365))
        roll = rng.random()
        if closed_on is not None:
            status = ActionStatus.COMPLETE if roll < 0.93 else ActionStatus.CANCELLED
        else:
            status = (ActionStatus.NOT_STARTED if roll < 0.15 else ActionStatus.IN_PROGRESS if roll < 0.6
                      else ActionStatus.COMPLETE if roll < 0.97 else ActionStatus.CANCELLED)
        completed_on = None
        if status.is_closed:
            completed_on = created + timedelta(days=rng.randint(0, (latest - created).days))
        # Chief officers work their queue: a completed action is signed off a fortnight later, so only
        # the last fortnight's wait (drawing nothing, so every other row stays as it was).
        signed_off = completed_on + SIGN_OFF_AFTER if status is ActionStatus.COMPLETE else None
        action_id = self._id("actions")
        self.buffers["actions"].append({
            "id": action_id, "tracking_id": tracking_id, "force_id": force_id, "inspection_id": inspection_id,
            "title": rng.choice(ACTION_TITLES).format(t=topic), "description": None,
            "owner": rng.choice(LEADS), "owner_email": None, "due_on": due_on, "status": status,
            "completed_on": completed_on, "evidence": "Report to the accountability board." if completed_on else None,
            "not_for_publication": rng.random() < 0.05, "signed_off_by_id": None,
            "signed_off_at": _stamp(signed_off) if signed_off is not None and signed_off <= end else None,
            "created_at": _stamp(created), "updated_at": _stamp(completed_on or created), "version": 1,
        })
        if status is ActionStatus.NOT_STARTED:
            return
        last = completed_on or end
        window = max(0, (last - created).days)
        count = rng.choice((1, 1, 1, 2, 2, 3))
        for occurred in sorted(rng.randint(0, window) for _ in range(count)):
            day = created + timedelta(days=occurred)
            self.buffers["progress_updates"].append({
                "id": self._id("progress_updates"), "action_id": action_id, "occurred_on": day,
                "text": rng.choice(UPDATE_TEXTS), "author_id": None, "not_for_publication": rng.random() < 0.05,
                "created_at": _stamp(day), "updated_at": _stamp(day),
            })

    def _response(self, inspection_id: int, force_id: int, published: date) -> None:
        """Draw a force's s.55 response: milestones up to the end date, most published on time, some late or not."""
        rng, end = self.rng, self.end
        due = statutory_response_deadline(published)

        def upto(day: date) -> date | None:
            return day if day <= end else None

        invited = upto(published + timedelta(days=rng.randint(1, 7)))
        received = upto(published + timedelta(days=rng.randint(20, 35)))
        drafted = upto(published + timedelta(days=rng.randint(30, 45)))
        approved = upto(drafted + timedelta(days=rng.randint(1, 7))) if drafted else None
        roll = rng.random()
        if roll < 0.01:
            publish_day = None  # never published: overdue for ever
        elif roll < 0.09:
            publish_day = due + timedelta(days=rng.randint(1, 40))  # late
        else:
            publish_day = min(due, (approved or due) + timedelta(days=rng.randint(0, 5)))
        published_on = upto(publish_day) if publish_day and approved else None
        self.buffers["statutory_responses"].append({
            "id": self._id("statutory_responses"), "inspection_id": inspection_id, "force_id": force_id,
            "due_on": due, "chief_invited_on": invited, "chief_comments_due_on": published + timedelta(days=28),
            "chief_comments_received_on": received,
            "chief_comments": "The force welcomes the report and accepts its recommendations." if received else None,
            "pcc_comments": "I welcome this report and will hold the chief constable to account for the force's "
                            "response to it." if drafted else None,
            "pcc_response_to_chief": "I am content with the chief constable's response." if drafted else None,
            "drafted_on": drafted, "drafted_by_id": None, "approved_on": approved, "approved_by_id": None,
            "published_on": published_on, "sent_to_hmicfrs_on": published_on,
            "sent_to_home_secretary_on": published_on, "sent_recorded_by_id": None,
            "created_at": _stamp(published), "updated_at": _stamp(published_on or drafted or published), "version": 1,
        })


def check_empty(connection: sa.Connection) -> None:
    """Refuse a database that holds inspection data already (forces, themes and users may be there)."""
    for model in MUST_BE_EMPTY:
        if connection.scalar(sa.select(sa.func.count()).select_from(model)):
            raise GenerateError(
                f"The database already holds {model.__tablename__}: generate-demo fills an empty database only "
                "(forces, themes and users may be there). Use a new database, e.g. "
                "TRACKER_DATABASE_URL=sqlite:////tmp/national.sqlite, then 'flask db upgrade'."
            )


def generate(connection: sa.Connection, scale: Scale, seed: int, end: date, progress: Progress = quiet) -> dict[str, int]:
    """Write a whole data set through `connection` (forces must exist); return the rows written by table."""
    check_empty(connection)
    query = sa.select(Force.id, Force.slug, Force.name).order_by(Force.slug)
    if scale.force_slugs is not None:
        query = query.where(Force.slug.in_(scale.force_slugs))
    forces = [tuple(row) for row in connection.execute(query)]
    wanted = len(scale.force_slugs) if scale.force_slugs is not None else 1
    if len(forces) < wanted:
        raise GenerateError("The forces are missing: run 'flask --app tracker seed' first")
    themes = dict(connection.execute(sa.select(Theme.slug, Theme.id)).all())
    first_ids = {}
    for table in TABLES:
        if "id" in table.c:
            first_ids[table.name] = (connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
    plan = Plan(scale, seed, end, forces, themes, first_ids)
    counts = {t.name: 0 for t in TABLES}
    with open_item_counts.bulk_load(connection):  # counted once at the end, not row by row
        for buffers in plan.rows():
            for table in TABLES:
                rows = buffers[table.name]
                for i in range(0, len(rows), CHUNK):
                    connection.execute(table.insert(), rows[i:i + CHUNK])
                counts[table.name] += len(rows)
            progress("Generating inspections", plan.inspections_done, scale.inspections)
    _advance_sequences(connection)
    return counts


def _advance_sequences(connection: sa.Connection) -> None:
    """On PostgreSQL, move each id sequence past the ids written here (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in TABLES:
        if "id" in table.c:
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            ))


# The tables generating fills: those written, and the counts of open items counted from them at the end
# (without statistics PostgreSQL guessed 7 rows of 8,000 and sorted them to group them).
ANALYZED = (*TABLES, OpenItemStep.__table__)


def vacuum_analyze(engine: sa.Engine) -> None:
    """On PostgreSQL, VACUUM (ANALYZE) the tables just filled (SQLite needs nothing).

    A million rows written in one transaction leave the planner with no statistics and the
    visibility map empty until autovacuum gets round to the tables, a minute or more later: the
    planner then guesses row counts (a sequential scan of every progress update for one page's
    last-update dates) and every index-only scan of the overdue indexes still reads the table.
    ANALYZE gathers the statistics, VACUUM marks the pages all-visible. VACUUM cannot run inside
    a transaction, so this runs after the data is committed, on a connection in autocommit mode.

    Where the server commits asynchronously (synchronous_commit=off, as scripts/with-postgres.sh's
    test server does), VACUUM marks no page all-visible while the commit of a nearby transaction is
    not yet flushed (hint bits wait for the flush): run() commits the data synchronously, and so do
    the ANALYZE steps here (each commits statistics between one table's VACUUM and the next's).
    """
    if engine.dialect.name != "postgresql":
        return
    quote = engine.dialect.identifier_preparer.format_table
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("SET synchronous_commit TO on")
        try:
            connection.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(quote(table) for table in ANALYZED))
        finally:
            connection.exec_driver_sql("RESET synchronous_commit")  # the connection goes back to the pool


def run(engine: sa.Engine, scale_name: str, seed: int, end: date | None = None,
        progress: Progress = quiet) -> tuple[dict[str, int], float]:
    """Generate a data set in one transaction, then (on PostgreSQL) vacuum and analyze what it wrote;
    return the row counts and the seconds it took."""
    started = time.perf_counter()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The commit is flushed before it returns, even where the server commits asynchronously:
            # until it is, vacuum_analyze's VACUUM marks no page all-visible.
            connection.exec_driver_sql("SET LOCAL synchronous_commit TO on")
        counts = generate(connection, scale_named(scale_name), seed, end or date.today(), progress)
        data_state.bump(connection)  # bulk inserts go around the session's listeners: every force
        progress("Committing")
    if engine.dialect.name == "postgresql":
        progress("Vacuuming and analyzing the tables")
    vacuum_analyze(engine)
    return counts, time.perf_counter() - started
