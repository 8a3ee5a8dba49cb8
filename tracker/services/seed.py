"""Reading `seed_data/`: the reference data (forces, themes), the demonstration inspection and
tracking, and the demonstration users.

Every file is checked against its schema, and every cross-reference (force, theme, inspection,
recommendation) resolved, before anything is written: a malformed file is refused with the file,
the place and the reason, and loads nothing. Loading twice leaves the same rows: records are
found by their natural keys and only created when missing, so edits made in the app survive.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tracker._files import folder
from tracker.db import db
from tracker.domain import response_tasks
from tracker.domain.clocks import Respondent, Source
from tracker.domain.statuses import ActionStatus, InspectionType, Kind, Role, TrackingStatus
from tracker.models import (
    Action,
    Force,
    Inspection,
    ProgressUpdate,
    PublishedVersion,
    Recommendation,
    StatutoryResponse,
    Theme,
    Tracking,
    User,
)
from tracker.services import DomainError
from tracker.services import clocks as clock_service
from tracker.services import inspections as inspection_service
from tracker.services import responses as response_service
from tracker.services import tracking as tracking_service
from tracker.services import users as user_service

SEED_DIR = folder("seed_data")


class SeedError(Exception):
    """A seed file that cannot be loaded: the message names the file, the place and the reason."""


# --- the shapes of the files ----------------------------------------------------------------


class Strict(BaseModel):
    """Unknown keys are errors, so a misspelt field is caught rather than ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ForceIn(Strict):
    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str = Field(min_length=1)
    area: str = Field(min_length=1)
    opcc_name: str = Field(min_length=1)
    commissioner: str = Field(min_length=1)
    statutory_paragraph: str | None = None
    works_in_welsh: bool = False
    # The Welsh names, for the Welsh copies of an office that works in Welsh.
    name_cy: str | None = None
    opcc_name_cy: str | None = None
    commissioner_cy: str | None = None


class ForcesFile(Strict):
    forces: list[ForceIn]


class ThemeIn(Strict):
    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str = Field(min_length=1)


class ThemesFile(Strict):
    themes: list[ThemeIn]


class RecommendationIn(Strict):
    ref: str | None = None
    kind: Kind = Kind.RECOMMENDATION
    addressed_to: str | None = None
    text: str = Field(min_length=1)
    bullets: list[str] = []
    deadline_text: str | None = None
    # A date set by a person, overriding what the engine reads from deadline_text.
    deadline_date: date | None = None
    themes: list[str] = []
    children: list[RecommendationIn] = []


class ScopeIn(Strict):
    all_forces: bool = False
    forces: list[str] = []
    exclude: dict[str, str] = {}

    @model_validator(mode="after")
    def _some_forces(self):
        if not self.all_forces and not self.forces:
            raise ValueError("give all_forces: true or a list of forces")
        return self


class InspectionIn(Strict):
    """An inspection and its recommendations: the shape of seed_data/inspections/*.yaml."""

    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str = Field(min_length=1)
    published_on: date
    type: InspectionType
    url: str | None = None
    key_findings: str | None = None
    # Which body's document it is, and that source's own fields (clocks.Source; an HMICFRS police
    # inspection when left out). `published_on` is the day the source's clock runs from.
    source: Source = Source.HMICFRS
    respondent: Respondent | None = None
    reference: str | None = None
    coroner_area: str | None = None
    deceased_name: str | None = None
    printed_due_on: date | None = None
    target_due_on: date | None = None
    scope: ScopeIn
    recommendations: list[RecommendationIn] = []

    @model_validator(mode="after")
    def _unique_refs(self):
        seen = set()
        for rec in walk(self.recommendations):
            if rec.ref is not None and rec.ref in seen:
                raise ValueError(f"the reference {rec.ref!r} appears twice")
            seen.add(rec.ref)
        return self


class UpdateIn(Strict):
    occurred_on: date
    text: str = Field(min_length=1)
    not_for_publication: bool = False
    public: bool = False  # shown on the public page, as progress since publication
    text_cy: str | None = None


class ActionIn(Strict):
    title: str = Field(min_length=1)
    description: str | None = None
    owner: str | None = None
    owner_email: str | None = None
    due_on: date | None = None
    status: ActionStatus = ActionStatus.NOT_STARTED
    completed_on: date | None = None
    not_for_publication: bool = False
    updates: list[UpdateIn] = []

    @model_validator(mode="after")
    def _closed_has_date(self):
        if self.status.is_closed and self.completed_on is None:
            raise ValueError(f"a {self.status.value} action needs completed_on")
        return self


class TrackingIn(Strict):
    status: TrackingStatus = TrackingStatus.AWAITING_REVIEW
    closed_on: date | None = None
    no_action_reason: str | None = None
    lead_officer: str | None = None
    target_date: date | None = None
    pcc_explanation: str | None = None
    chief_comment: str | None = None
    pcc_explanation_cy: str | None = None
    chief_comment_cy: str | None = None
    actions: list[ActionIn] = []

    @model_validator(mode="after")
    def _closed_has_date(self):
        if self.status.is_closed and self.closed_on is None:
            raise ValueError(f"a {self.status.value} recommendation needs closed_on")
        if self.status is TrackingStatus.NO_FURTHER_ACTION and not self.no_action_reason:
            raise ValueError("no_further_action needs no_action_reason")
        return self


class ExtensionIn(Strict):
    new_due_on: date
    granted_by: str = Field(min_length=1)
    applied_on: date | None = None
    granted_on: date | None = None
    note: str | None = None


class PauseIn(Strict):
    started_on: date
    ended_on: date | None = None
    note: str | None = None


class PublishIn(Strict):
    """A demonstration response published: the days it was sent for approval, approved and published."""

    drafted_on: date
    approved_on: date
    published_on: date

    @model_validator(mode="after")
    def _in_order(self):
        if not self.drafted_on <= self.approved_on <= self.published_on:
            raise ValueError("drafted_on, approved_on and published_on must be in that order")
        return self


class ResponseIn(Strict):
    chief_invited_on: date | None = None
    chief_comments_due_on: date | None = None
    chief_comments_received_on: date | None = None
    chief_comments: str | None = None
    pcc_comments: str | None = None
    pcc_response_to_chief: str | None = None
    # Their Welsh versions (an office that works in Welsh).
    chief_comments_cy: str | None = None
    pcc_comments_cy: str | None = None
    pcc_response_to_chief_cy: str | None = None
    extensions: list[ExtensionIn] = []
    pauses: list[PauseIn] = []
    publish: PublishIn | None = None


class TrackingFile(Strict):
    force: str
    inspection: str
    response: ResponseIn | None = None
    recommendations: dict[str, TrackingIn] = {}


class UserIn(Strict):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    name: str = Field(min_length=1)
    role: Role
    forces: Literal["all"] | list[str]

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class UsersFile(Strict):
    users: list[UserIn]


def walk(recommendations: list[RecommendationIn]):
    """Yield recommendations depth first, parents before their children (document order)."""
    for rec in recommendations:
        yield rec
        yield from walk(rec.children)


# --- reading and checking -------------------------------------------------------------------


def _place(loc: tuple) -> str:
    """Turn a pydantic error location into 'recommendations[1].children[0].text'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def read_file(path: Path, schema: type[BaseModel], root: Path | None = None):
    """Parse and check one YAML file against its schema, or raise SeedError naming file and place."""
    name = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SeedError(f"{name}: the file is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(unknown place)"
        raise SeedError(f"{name}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{name}: (top level): expected a mapping of keys to values")
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise SeedError(f"{name}: {_place(first['loc'])}: {first['msg']}{more}") from None


@dataclass
class SeedSet:
    """Everything read from a seed folder, checked and ready to load."""

    forces: list[ForceIn]
    themes: list[ThemeIn]
    inspections: list[InspectionIn] = field(default_factory=list)
    tracking: list[tuple[str, TrackingFile]] = field(default_factory=list)
    users: list[UserIn] = field(default_factory=list)


def read_seed_set(root: Path = SEED_DIR, demo: bool = False) -> SeedSet:
    """Read and check every seed file (the demonstration ones too with demo=True)."""
    forces = read_file(root / "forces.yaml", ForcesFile, root).forces
    themes = read_file(root / "themes.yaml", ThemesFile, root).themes
    seed = SeedSet(forces, themes)
    if demo:
        seed.inspections = [read_file(p, InspectionIn, root) for p in sorted((root / "inspections").glob("*.yaml"))]
        seed.tracking = [
            (str(p.relative_to(root)), read_file(p, TrackingFile, root))
            for p in sorted((root / "tracking").glob("*.yaml"))
        ]
        seed.users = read_file(root / "users.yaml", UsersFile, root).users
    _check_references(seed, existing_forces=_existing(Force.slug), existing_themes=_existing(Theme.slug))
    return seed


def _existing(column) -> set[str]:
    """Return the slugs already in the database, which seed files may refer to as well."""
    return set(db.session.scalars(sa.select(column)))


def _check_references(seed: SeedSet, existing_forces: set[str], existing_themes: set[str]) -> None:
    """Refuse references to forces, themes, inspections or recommendations that do not exist."""
    force_slugs = {f.slug for f in seed.forces} | existing_forces
    theme_slugs = {t.slug for t in seed.themes} | existing_themes
    for name, items in (("forces.yaml", seed.forces), ("themes.yaml", seed.themes)):
        slugs = [item.slug for item in items]
        if dupes := {s for s in slugs if slugs.count(s) > 1}:
            raise SeedError(f"{name}: the slug {sorted(dupes)[0]!r} appears twice")
    refs_by_inspection = {}
    for insp in seed.inspections:
        where = f"inspections/{insp.slug}.yaml"
        for slug in [*insp.scope.forces, *insp.scope.exclude]:
            if slug not in force_slugs:
                raise SeedError(f"{where}: scope: no force has the slug {slug!r}")
        for rec in walk(insp.recommendations):
            for theme in rec.themes:
                if theme not in theme_slugs:
                    raise SeedError(f"{where}: recommendation {rec.ref}: no theme has the slug {theme!r}")
        refs_by_inspection[insp.slug] = {rec.ref for rec in walk(insp.recommendations)}
    for name, tf in seed.tracking:
        if tf.force not in force_slugs:
            raise SeedError(f"{name}: force: no force has the slug {tf.force!r}")
        if tf.inspection not in refs_by_inspection:
            raise SeedError(f"{name}: inspection: no inspection has the slug {tf.inspection!r}")
        for ref in tf.recommendations:
            if ref not in refs_by_inspection[tf.inspection]:
                raise SeedError(f"{name}: recommendations.{ref}: the inspection has no recommendation {ref!r}")
    for i, user in enumerate(seed.users):
        if user.forces != "all":
            for slug in user.forces:
                if slug not in force_slugs:
                    raise SeedError(f"users.yaml: users[{i}].forces: no force has the slug {slug!r}")


# --- writing ----------------------------------------------------------------------------------


def load(seed: SeedSet, published_dir: Path | None = None) -> dict[str, str]:
    """Write a checked seed set; return the demonstration users' new passwords by email. With
    `published_dir`, the demonstration responses marked to be published are published there."""
    forces = _load_forces(seed.forces)
    themes = _load_themes(seed.themes)
    for insp in seed.inspections:
        load_inspection(insp, forces, themes)
    for _name, tf in seed.tracking:
        _load_tracking(tf, forces)
    passwords = _load_users(seed.users, forces)
    db.session.flush()
    if published_dir is not None:
        publish_demo(seed, published_dir)
    return passwords


def publish_demo(seed: SeedSet, published_dir: Path) -> list[PublishedVersion]:
    """Publish the demonstration responses whose file says `publish` and that have no version yet, as
    if sent for approval, approved and published on its days, by the first demonstration administrator
    (what is recorded is what the response pages show: the approval stands, the version is published).
    A file already in the published folder that no version names is refused, never overwritten."""
    admin = next((user_service.get_user_by_email(u.email) for u in seed.users if u.role is Role.ADMIN), None)
    published = []
    for name, tf in seed.tracking:
        if tf.response is None or tf.response.publish is None:
            continue
        response = response_service.get_response(tf.force, tf.inspection)
        if response.versions:
            continue
        if admin is None:
            raise SeedError(f"{name}: response.publish: no demonstration administrator to publish it")
        dates = tf.response.publish
        trackings = response_service.response_trackings(response)
        response.drafted_on, response.approved_on = dates.drafted_on, dates.approved_on
        response.approved_sections = response_tasks.dump(response_tasks.sections(response, trackings))
        missing = response_service.check_publishable(response, admin)
        if missing:
            raise SeedError(f"{name}: response.publish: the response cannot be published: "
                            + "; ".join(item.message for item in missing))
        try:
            published.append(response_service.publish(response, admin, published_dir,
                                                       now=datetime.combine(dates.published_on, time(10))))
        except DomainError as exc:  # a file left by an earlier database: never overwritten
            raise SeedError(f"{name}: response.publish: {exc.message}") from None
    return published


def _load_forces(items: list[ForceIn]) -> dict[str, Force]:
    """Create the forces that are missing; return every force by slug."""
    forces = {f.slug: f for f in db.session.scalars(sa.select(Force))}
    for item in items:
        if item.slug not in forces:
            force = Force(slug=item.slug, name=item.name, area=item.area, opcc_name=item.opcc_name,
                          commissioner_title=item.commissioner, statutory_paragraph=item.statutory_paragraph,
                          works_in_welsh=item.works_in_welsh)
            db.session.add(force)
            forces[item.slug] = force
        force = forces[item.slug]
        for name, value in (("name_cy", item.name_cy), ("opcc_name_cy", item.opcc_name_cy),
                            ("commissioner_title_cy", item.commissioner_cy)):
            if getattr(force, name) is None and value is not None:  # filled where missing, never overwritten
                setattr(force, name, value)
    db.session.flush()
    # A service administrator belongs to every force, including one added now.
    for admin in db.session.scalars(sa.select(User).where(User.role == Role.SERVICE_ADMIN)):
        admin.forces = sorted(forces.values(), key=lambda f: f.name)
    return forces


def _load_themes(items: list[ThemeIn]) -> dict[str, Theme]:
    """Create the themes that are missing; return every theme by slug."""
    themes = {t.slug: t for t in db.session.scalars(sa.select(Theme))}
    for item in items:
        if item.slug not in themes:
            themes[item.slug] = Theme(slug=item.slug, name=item.name)
            db.session.add(themes[item.slug])
    db.session.flush()
    return themes


def load_inspection(item: InspectionIn, forces: dict[str, Force], themes: dict[str, Theme]) -> Inspection:
    """Create an inspection, its recommendations and its per-force records, if missing."""
    inspection = inspection_service.get_inspection(item.slug)
    if inspection is None:
        inspection = Inspection(slug=item.slug, title=item.title, published_on=item.published_on, type=item.type,
                                url=item.url, key_findings=(item.key_findings or "").strip() or None)
        inspection_service.set_source_fields(
            inspection, **item.model_dump(include=set(inspection_service.SOURCE_FIELDS)))
        db.session.add(inspection)
    existing = {rec.ref: rec for rec in inspection.recommendations}
    position = iter(range(1, 10_000))

    def add(recs: list[RecommendationIn], parent: Recommendation | None) -> None:
        for rec_in in recs:
            rec = existing.get(rec_in.ref)
            if rec is None:
                rec = Recommendation(
                    ref=rec_in.ref, kind=rec_in.kind, addressed_to=rec_in.addressed_to, text=rec_in.text.strip(),
                    bullets=list(rec_in.bullets), deadline_text=rec_in.deadline_text, parent=parent,
                    position=next(position), themes=[themes[t] for t in rec_in.themes],
                )
                inspection.recommendations.append(rec)
                if rec_in.deadline_date is not None:
                    rec.deadline_date, rec.deadline_overridden = rec_in.deadline_date, True
                inspection_service.apply_deadline(rec, item.published_on)
            else:
                next(position)
            add(rec_in.children, rec)

    add(item.recommendations, None)
    if item.scope.all_forces:
        in_scope = list(forces.values())
    else:
        in_scope = [forces[s] for s in item.scope.forces] + [forces[s] for s in item.scope.exclude]
    inspection_service.set_scope(inspection, in_scope, {forces[s]: r for s, r in item.scope.exclude.items()})
    inspection_service.ensure_force_records(inspection)
    return inspection


def _load_tracking(tf: TrackingFile, forces: dict[str, Force]) -> None:
    """Fill a force's tracking, actions, updates and response from a tracking file, adding what is missing."""
    force = forces[tf.force]
    inspection = inspection_service.get_inspection(tf.inspection)
    by_ref = {rec.ref: rec for rec in inspection.recommendations}
    trackings = {
        t.recommendation_id: t
        for t in db.session.scalars(
            sa.select(Tracking).join(Recommendation).where(
                Recommendation.inspection_id == inspection.id, Tracking.force_id == force.id
            )
        )
    }
    for ref, item in tf.recommendations.items():
        tracking = trackings[by_ref[ref].id]
        if tracking.status is TrackingStatus.AWAITING_REVIEW and item.status is not TrackingStatus.AWAITING_REVIEW:
            tracking_service.set_tracking_status(tracking, item.status, item.closed_on, item.no_action_reason)
        for name in ("lead_officer", "pcc_explanation", "chief_comment", "pcc_explanation_cy", "chief_comment_cy"):
            if getattr(tracking, name) is None and getattr(item, name) is not None:
                setattr(tracking, name, getattr(item, name).strip())
        if tracking.target_date is None and item.target_date is not None:
            tracking_service.set_target_date(tracking, item.target_date)
        actions = {a.title: a for a in tracking.actions}
        for action_in in item.actions:
            action = actions.get(action_in.title)
            if action is None:
                action = tracking_service.add_action(
                    tracking, action_in.title,
                    **action_in.model_dump(exclude={"title", "updates"}),
                )
            logged = {(u.occurred_on, u.text) for u in action.updates}
            for update in action_in.updates:
                text = " ".join(update.text.split())
                if (update.occurred_on, text) not in logged:
                    tracking_service.add_progress_update(action, update.occurred_on, text,
                                                         not_for_publication=update.not_for_publication,
                                                         public=update.public, text_cy=update.text_cy)
    if tf.response is not None:
        response = db.session.scalar(
            sa.select(StatutoryResponse).where(
                StatutoryResponse.inspection_id == inspection.id, StatutoryResponse.force_id == force.id
            )
        )
        for name, value in tf.response.model_dump(exclude={"extensions", "pauses", "publish"}).items():
            if getattr(response, name) is None and value is not None:
                setattr(response, name, value.strip() if isinstance(value, str) else value)
        _load_clock(response, tf.response)
    db.session.flush()


def _load_clock(response: StatutoryResponse, item: ResponseIn) -> None:
    """Record the extensions and judicial-review pauses of a response that has none yet."""
    if response.extensions or response.pauses:
        return
    for extension in item.extensions:
        clock_service.grant_extension(response, None, **extension.model_dump())
    for pause in item.pauses:
        row = clock_service.start_pause(response, None, started_on=pause.started_on, note=pause.note)
        if pause.ended_on is not None:
            clock_service.end_pause(row, None, ended_on=pause.ended_on)


def _load_users(items: list[UserIn], forces: dict[str, Force]) -> dict[str, str]:
    """Create missing demonstration users with new random passwords; return those passwords."""
    passwords = {}
    for item in items:
        if user_service.get_user_by_email(item.email) is not None:
            continue
        members = list(forces.values()) if item.forces == "all" else [forces[s] for s in item.forces]
        password = secrets.token_urlsafe(12)
        user_service.create_user(item.email, item.name, item.role, members, password)
        passwords[item.email] = password
    return passwords


PASSWORDS_DIR = "demo-passwords"


def passwords_file(instance_path: Path) -> Path:
    """The demonstration passwords of the database the session is bound to: one file per database,
    named after it, so that seeding a scratch or benchmark database never touches `make run`'s."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        database = Path(url.database or "memory").resolve()
        name = database.relative_to(instance_path.resolve()) if database.is_relative_to(instance_path.resolve()) else database
        name = f"sqlite-{name}"
    else:
        name = f"{url.get_backend_name()}-{url.host}-{url.port or ''}-{url.database}"
    return instance_path / PASSWORDS_DIR / (re.sub(r"[^A-Za-z0-9._]+", "-", name).strip("-") + ".txt")


def demo_passwords(instance_path: Path) -> list[tuple[str, str, str]]:
    """The demonstration users of this database whose password in its file still signs them in:
    (email, password, role), in the file's order. Users deleted, re-created or whose password was
    changed since are left out."""
    path = passwords_file(instance_path)
    if not path.exists():
        return []
    working = []
    for line in path.read_text().splitlines():
        email, password, _role = line.split("\t")
        user = user_service.get_user_by_email(email)
        if user is not None and user_service.password_matches(user, password):
            working.append((email, password, user.role.value))
    return working


def _write_passwords(instance_path: Path, passwords: dict[str, str]) -> None:
    """Write this database's passwords file afresh: the users made now with their new passwords,
    and those of the file that still work; readable by the owner only."""
    path = passwords_file(instance_path)
    lines = [(e, p, r) for e, p, r in demo_passwords(instance_path) if e not in passwords]
    lines += [(email, password, user_service.get_user_by_email(email).role.value) for email, password in passwords.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.writelines(f"{email}\t{password}\t{role}\n" for email, password, role in lines)
    draft.replace(path)
    # The one file of earlier versions, appended to by every database seeded: stale by design.
    (instance_path / "demo-passwords.txt").unlink(missing_ok=True)


def seed_database(root: Path = SEED_DIR, demo: bool = False, instance_path: Path | None = None,
                  published_dir: Path | None = None) -> dict[str, str]:
    """Read, check and load the seed folder in one transaction; nothing is written on any error. With
    `demo` and `published_dir`, the demonstration responses marked `publish` are published there."""
    seed = read_seed_set(root, demo=demo)
    try:
        passwords = load(seed, published_dir if demo else None)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    # Written only once the users exist, so the file never names a user that is not there.
    if demo and instance_path is not None:
        _write_passwords(instance_path, passwords)
    return passwords


def count_rows() -> dict[str, int]:
    """Count the rows of the seeded tables (for the command's report and the tests)."""
    tables = (Force, Theme, Inspection, Recommendation, Tracking, Action, ProgressUpdate, StatutoryResponse, User)
    return {m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in tables}
