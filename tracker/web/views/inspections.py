"""Inspections: the list, one report's page with its recommendations, and the forms to record them.

An inspection is shared by the forces it concerns. What they share (its facts, scope and
recommendations with their deadlines) is changed only by an editor who belongs to every one of them
(or a service administrator); each force's editors set whether it applies to their force. The
tracking shown on a report's page is that of the signed-in user's own forces only.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, get_template_attribute, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.domain.formatting import deadline_label
from tracker.domain.statuses import TrackingStatus
from tracker.services import clocks as clock_service
from tracker.services import history as history_service
from tracker.services import inspection_page_reach
from tracker.services import inspections as service
from tracker.services import users as user_service
from tracker.web.auth import can_edit, editor_required, require_force, user_force_ids
from tracker.web.caching import remember_within
from tracker.web.forms import (
    EditInspectionForm,
    EditRecommendationForm,
    ForceScopeForm,
    InspectionFilterForm,
    InspectionForm,
    RecommendationForm,
    as_choices,
    form_for,
)
from tracker.web.saving import saving
from tracker.web.views._helpers import require_shared_change

bp = Blueprint("inspections", __name__)


def _load(slug: str):
    """The inspection with this slug, or 404."""
    inspection = service.get_inspection(slug)
    if inspection is None:
        abort(404)
    return inspection


@bp.get("/inspections/")
@login_required
def index():
    """Every inspection, filtered by the address's query (year, type, force, open or closed, title)."""
    form = InspectionFilterForm(request.args)
    my_forces = current_user.forces
    form.year.choices = as_choices([("", "Any year")] + [(str(y), str(y)) for y in service.inspection_years()])
    form.force.choices = as_choices([("", "Any of my forces" if len(my_forces) > 1 else "My force")] + [(f.slug, f.name) for f in my_forces])
    form.validate()
    force = next((f for f in my_forces if f.slug == form.force.data), None)
    year = int(form.year.data) if (form.year.data or "").isdigit() and 1900 <= int(form.year.data) <= 2200 else None
    inspections = service.list_inspections(
        user_force_ids(), year=year, type=form.type.data or None if not form.type.errors else None,
        force_id=force.id if force else None, state=form.state.data if not form.state.errors else None,
        search=form.q.data,
    )
    counts = service.open_counts([i.id for i in inspections], [force.id] if force else user_force_ids())
    filtered = any(request.args.get(k) for k in ("q", "year", "type", "force", "state"))
    return render_template("inspections/index.html", filters=form, inspections=inspections, counts=counts,
                           filtered=filtered, can_edit=can_edit())


@bp.get("/inspections/<slug>")
@login_required
def show(slug: str):
    """One report: its key facts, its recommendations as a tree, and the user's forces' tracking. Drawn
    once for every user of the same forces and role, until something it shows changes (the
    inspection, its scope, those forces' trackings of it or their other records, the shared data) or
    the day ends."""
    inspection_id = service.inspection_id(slug) or abort(404)
    force_ids = sorted(user_force_ids())
    page = remember_within("inspection-page", inspection_page_reach(inspection_id, force_ids),
                           (inspection_id, current_user.role.value, tuple(force_ids), date.today()),
                           lambda: _page_parts(slug, force_ids))
    return render_template("_cached_page.html", page=page)


def _page_parts(slug: str, force_ids: list[int]) -> dict:
    """The inspection page's title, breadcrumbs and content."""
    status_tag = get_template_attribute("_macros.html", "status_tag")
    inspection, roots = service.get_inspection_tree(slug) or abort(404)
    mine = set(force_ids)
    body = render_template(
        "inspections/_page.html", inspection=inspection, roots=roots,
        trackings=service.trackings_by_recommendation(inspection, force_ids),
        tracking_href=url_for("tracking.show", tracking_id=0).removesuffix("0"),
        status_tags={status: status_tag(status) for status in TrackingStatus},
        in_scope=[row for row in inspection.scope if row.in_scope],
        left_out=[row for row in inspection.scope if not row.in_scope],
        my_responses=[row.force for row in inspection.scope if row.in_scope and row.force_id in mine],
        my_scope=sorted((row for row in inspection.scope if row.force_id in mine), key=lambda row: row.force.name),
        can_edit=can_edit() and service.may_change_shared(current_user, inspection), is_editor=can_edit(),
        statutory_due=clock_service.new_clock(inspection).due,
        response_dues=service.response_due_dates(inspection, [f for f in force_ids if f in mine]),
    )
    breadcrumbs = render_template("_breadcrumbs.html", items=[
        {"text": "Home", "href": url_for("main.index")}, {"text": "Inspections", "href": url_for("inspections.index")}])
    return {"title": inspection.title, "breadcrumbs": Markup(breadcrumbs), "body": Markup(body)}


def _scope_choices(form: InspectionForm) -> None:
    """The forces the editor belongs to (every force for a service administrator), for the checkboxes."""
    held = user_service.held_force_ids(current_user)
    form.forces.choices = as_choices([(f.id, f.name) for f in service.all_forces() if f.id in held])


@bp.route("/inspections/new", methods=["GET", "POST"])
@editor_required
def new():
    """Record a newly published inspection report and the forces it concerns."""
    form = InspectionForm()
    _scope_choices(form)
    if form.validate_on_submit():
        with saving(form) as attempt:
            inspection = service.create_inspection(
                form.title.data, form.published_on.data, form.type.data, url=form.url.data,
                key_findings=form.key_findings.data, all_in_scope=form.scope.data == "all",
                forces=service.forces_by_ids(form.forces.data or []), by=current_user, **form.source_fields(),
            )
        if attempt.ok:
            flash(f"Inspection added: {inspection.title}. Now add its recommendations.", "success")
            return redirect(url_for(".show", slug=inspection.slug))
    return render_template("inspections/form.html", form=form, inspection=None)


@bp.route("/inspections/<slug>/edit", methods=["GET", "POST"])
@editor_required
def edit(slug: str):
    """Edit an inspection's facts and scope (refused if someone else saved it meanwhile)."""
    inspection = _load(slug)
    require_shared_change(inspection)
    in_scope = [row.force_id for row in inspection.scope if row.in_scope]
    everyone = len(in_scope) == len(service.all_forces())
    form = form_for(EditInspectionForm, inspection, scope="all" if everyone else "chosen",
                    forces=[] if everyone else in_scope, respondent=inspection.respondent or "")
    _scope_choices(form)
    if form.validate_on_submit():
        with saving(form, record=inspection) as attempt:
            service.update_inspection(
                inspection, form.version.data, title=form.title.data, published_on=form.published_on.data,
                type=form.type.data, url=form.url.data, key_findings=form.key_findings.data,
                all_in_scope=form.scope.data == "all", forces=service.forces_by_ids(form.forces.data or []),
                by=current_user, **form.source_fields(),
            )
        if attempt.ok:
            flash("Inspection saved", "success")
            return redirect(url_for(".show", slug=inspection.slug))
    return render_template("inspections/form.html", form=form, inspection=inspection)



def _recommendation_choices(form: RecommendationForm, inspection, rec=None) -> None:
    """The items a recommendation may sit under: any other item of the same report."""
    form.parent_id.choices = as_choices([("", "Nothing: it is a top-level item")] + [
        (str(r.id), f"{r.ref}: {r.text[:70]}{'…' if len(r.text) > 70 else ''}")
        for r in inspection.recommendations if rec is None or r.id != rec.id
    ])


def _parent_of(form: RecommendationForm):
    """The chosen parent item, or None."""
    value = form.parent_id.data
    return service.get_recommendation(int(value)) if value and str(value).isdigit() else None


def _recommendation_fields(form: RecommendationForm) -> dict:
    """The item's fields from the form, as adding and updating an item take them."""
    return {"ref": form.ref.data, "kind": form.kind.data, "text": form.text.data,
            "addressed_to": form.addressed_to.data, "bullets": service.clean_bullets(form.bullets.data),
            "parent": _parent_of(form), "deadline_text": form.deadline_text.data}


def _save_recommendation_deadline(form: RecommendationForm, rec) -> None:
    """Apply the person's own date, or go back to the read one, as the form asks."""
    if form.deadline_override.data is not None:
        service.override_deadline(rec, form.deadline_override.data, current_user)
    elif form.clear_override.data and rec.deadline_overridden:
        service.clear_deadline_override(rec)


def _deadline_note(rec) -> str:
    """Say which date the item is now due on, so the person can check it."""
    label = deadline_label(rec.deadline_kind, rec.deadline_date)
    if rec.deadline_overridden:
        return f"Its deadline is set by hand: {label}."
    if rec.deadline_text:
        return f"Its deadline \u201c{rec.deadline_text}\u201d is read as: {label}. Check this is right."
    return "It has no deadline."


def _render_recommendation_form(form, inspection, rec):
    """The recommendation form, with the date the engine reads from the written deadline."""
    reading = service.read_deadline(form.deadline_text.data, inspection.published_on) if form.deadline_text.data else None
    return render_template("inspections/recommendation_form.html", form=form, inspection=inspection, rec=rec,
                           reading=reading)


@bp.route("/inspections/<slug>/recommendations/new", methods=["GET", "POST"])
@editor_required
def new_recommendation(slug: str):
    """Add a recommendation (or area for improvement, or cause of concern) to a report."""
    inspection = _load(slug)
    require_shared_change(inspection)
    form = RecommendationForm()
    _recommendation_choices(form, inspection)
    if request.method == "POST" and form.check.data:
        return _render_recommendation_form(form, inspection, None)
    if form.validate_on_submit():
        with saving(form) as attempt:
            rec = service.add_recommendation(inspection, **_recommendation_fields(form))
            _save_recommendation_deadline(form, rec)
        if attempt.ok:
            flash(f"{rec.kind.label} {rec.ref} added. {_deadline_note(rec)}", "success")
            return redirect(url_for(".show", slug=inspection.slug) + f"#rec-{rec.id}")
    return _render_recommendation_form(form, inspection, None)


@bp.route("/recommendations/<int:rec_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_recommendation(rec_id: int):
    """Edit an item of a report; its written deadline is read again unless a person set the date."""
    rec = service.get_recommendation(rec_id) or abort(404)
    inspection = rec.inspection
    require_shared_change(inspection)
    form = form_for(EditRecommendationForm, rec, parent_id=str(rec.parent_id or ""),
                    bullets="\n".join(rec.bullets or []))
    _recommendation_choices(form, inspection, rec)
    if request.method == "POST" and form.check.data:
        return _render_recommendation_form(form, inspection, rec)
    if form.validate_on_submit():
        with saving(form, record=rec) as attempt:
            service.update_recommendation(rec, form.version.data, **_recommendation_fields(form))
            _save_recommendation_deadline(form, rec)
        if attempt.ok:
            flash(f"{rec.kind.label} {rec.ref} saved. {_deadline_note(rec)}", "success")
            return redirect(url_for(".show", slug=inspection.slug) + f"#rec-{rec.id}")
    return _render_recommendation_form(form, inspection, rec)


@bp.route("/inspections/<slug>/scope/<force_slug>", methods=["GET", "POST"])
@editor_required
def force_scope(slug: str, force_slug: str):
    """One force's part of a shared inspection: whether it applies to the force, and if not, why."""
    inspection = _load(slug)
    force = service.get_force(force_slug) or abort(404)
    require_force(force.id)
    row = next((row for row in inspection.scope if row.force_id == force.id), None) or abort(404)
    if request.method == "GET":
        form = ForceScopeForm(applies="yes" if row.in_scope else "no", exclusion_reason=row.exclusion_reason)
    else:
        form = ForceScopeForm()
    if form.validate_on_submit():
        with saving(form) as attempt:
            service.set_force_scope(inspection, force, form.applies.data == "yes", form.exclusion_reason.data)
        if attempt.ok:
            flash(f"Saved whether the inspection applies to {force.name}", "success")
            return redirect(url_for(".show", slug=inspection.slug))
    return render_template("inspections/force_scope.html", form=form, inspection=inspection, force=force)


@bp.get("/inspections/<slug>/history")
@login_required
def history(slug: str):
    """The report's audit events: its own, its recommendations', and its scope in the user's forces."""
    inspection = _load(slug)
    return render_template(
        "history.html", title=f"History: {inspection.title}", events=history_service.inspection_history(
            inspection.id, user_force_ids()),
        back_url=url_for(".show", slug=slug), back_text=inspection.title,
    )
