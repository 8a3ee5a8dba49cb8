"""Chief officers' oversight: the dashboard of what is overdue and due soon, and its exports."""

from __future__ import annotations

import json
import math
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovSubmitInput, GovTextInput
from markupsafe import Markup
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField

from tracker.documents import exports
from tracker.documents.committee_pack import render_pack_docx, render_pack_pdf
from tracker.domain.ageing import AGE_BANDS
from tracker.domain.formatting import govuk_date, read_date
from tracker.models import Force, Recommendation, utcnow
from tracker.services import ageing as ageing_service
from tracker.services import committee_pack as service_packs
from tracker.services import force_pages_reach, overdue, queue_reach, row_details, save
from tracker.services import inspections as inspection_service
from tracker.services import oversight as service
from tracker.services import queue as review_queue
from tracker.web.auth import editor_required, user_force_ids
from tracker.web.caching import read_ahead, remember, remember_within
from tracker.web.forms import TrackerForm, form_for
from tracker.web.saving import saving
from tracker.web.views._helpers import require_shared_change, site_url
from tracker.web.views.filters import (
    FILTERS,
    FilterForm,
    address_with,
    build_form,
    chosen_filters,
    filter_in_words,
    filters_html,
    query_args,
    read_query,
    with_changes,
)

bp = Blueprint("oversight", __name__)


def today() -> date:
    """Today's date (one place, so tests can fix the clock)."""
    return date.today()


def dashboard():
    """The signed-in home page: counts, then the filtered, sorted, paginated items.

    The content below the layout is the same for every user of the same forces, for the same query
    and day: it is cached until the data changes (tracker.caching), and only the layout (name,
    sign-out form, messages) is drawn for each request, with what waits for this user (the
    reviewer's queue).
    """
    force_ids = user_force_ids()
    # The owners and the page are kept under the forces' tokens, the queue under its own: read at once.
    read_ahead(force_pages_reach(force_ids), queue_reach(force_ids) if review_queue.has_queue(current_user.role) else ())
    form = build_form(request.args)
    query = read_query(form, today())
    queue = _queue_html()
    if query is None:
        return render_template("oversight/dashboard.html", form=form, query=None, title_as_of=today(), queue=queue,
                               filters=filters_html(form, open_filters=True)), 400
    parts = (today(), tuple(sorted(request.args.items(multi=True))))
    body = remember("dashboard", force_ids, parts, lambda: _dashboard_content(form, query))
    return render_template("oversight/dashboard.html", body=Markup(body), queue=queue)


# The page of each part's items, for the queue's links: plain functions, as a Jinja macro called for each
# of the forty items listed cost more than drawing the rest of the queue.
QUEUE_LINKS = {
    "sign_offs": lambda item: url_for("tracking.show", tracking_id=item.tracking_id, _anchor=f"action-{item.action_id}"),
    "approvals": lambda item: url_for("responses.show", force_slug=item.force_slug, inspection_slug=item.inspection_slug),
    "extensions": lambda item: url_for("extensions.decide", extension_id=item.extension_id),
    "verifications": lambda item: url_for("tracking.show", tracking_id=item.tracking_id),
}


def _queue_html() -> Markup:
    """What waits for this user's decision, drawn once per user and state of the data (nothing for those
    who decide nothing the queue lists)."""
    if not review_queue.has_queue(current_user.role):
        return Markup("")
    force_ids = tuple(user_force_ids())

    def draw() -> str:
        queue = review_queue.reviewer_queue(current_user, force_ids)
        return render_template("oversight/_queue.html", queue=queue, links=QUEUE_LINKS) if queue.total else ""

    return Markup(remember_within("reviewer-queue", queue_reach(force_ids), (current_user.id, current_user.role.value),
                                  draw))


def _dashboard_content(form, query) -> str:
    """The dashboard's content for a checked query: its counts, one page of items, the links."""
    item_filter = overdue.resolve(query.filter)  # decided once for both queries
    counts = overdue.summary_counts(item_filter)  # also counts the window's rows: one scan for both
    total = sum(c["in_window"] for c in counts.values())
    pages = max(1, math.ceil(total / query.per_page))
    page = min(query.page, pages)
    rows = overdue.list_items(item_filter, sort=query.sort, descending=query.descending, page=page, per_page=query.per_page,
                              in_window=total)
    here, args = url_for("main.index"), query_args(form)
    return render_template(
        "oversight/_dashboard.html",
        form=form, query=query, rows=rows, counts=counts, total=total, page=page, pages=pages,
        filters=filters_html(form, open_filters=False),
        sort_url=lambda column: address_with(here, with_changes(
            args, sort=column, page=None, order="asc" if query.sort == column and query.descending else "desc")),
        page_url=lambda n: address_with(here, with_changes(args, page=n)),
        export_args=query_args(form, page=None, per_page=None), chosen_filters=chosen_filters(form),
        # Nothing shown for words no inspection's title holds: said so, not only "no items".
        no_inspection_titled=bool(not total and query.filter.inspection_words
                                  and not inspection_service.any_titled(query.filter.inspection_words)),
        query_args_without_inspection=query_args(form, inspection=None, page=None),
        item_types=overdue.ITEM_TYPES, windows=overdue.WINDOWS, sorts=overdue.SORTS, today=today(),
    )


def _download(extension: str, mimetype: str, write):
    """The filtered view, every page of it, as a file: `write(rows, base_url, as_of, details)` gives its
    bytes; a bad filter answers the dashboard with its errors (400). Named like overdue-items-2022-04-01.csv."""
    form = build_form(request.args)
    query = read_query(form, today())
    if query is None:
        return render_template("oversight/dashboard.html", form=form, query=None,
                               filters=filters_html(form, open_filters=True)), 400
    rows = overdue.list_items(query.filter, sort=query.sort, descending=query.descending, page=None)
    body = write(rows, site_url(), query.filter.as_of, row_details.details(rows, query.filter.as_of))
    filename = f"{query.filter.window}-items-{query.filter.as_of.isoformat()}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/export.csv")
@login_required
def export_csv():
    """The filtered view, every page of it, as CSV."""
    return _download("csv", "text/csv",
                     lambda rows, base_url, _as_of, details: exports.rows_to_csv(rows, base_url, details))


@bp.get("/export.xlsx")
@login_required
def export_xlsx():
    """The filtered view, every page of it, as an Excel workbook with real dates and numbers."""
    return _download("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.rows_to_xlsx)


# --- progress at a glance -------------------------------------------------------------------------


@bp.get("/progress")
@login_required
def progress():
    """Per inspection and per force: the share of recommendations complete, in progress, not started, overdue."""
    form = build_form(request.args, window_default="open")
    query = read_query(form, today())
    if query is None:
        return render_template("oversight/progress.html", form=form, query=None), 400
    as_of = query.filter.as_of
    return render_template(
        "oversight/progress.html", form=form, query=query, as_of=as_of,
        by_inspection=service.progress(query.force_ids, as_of, "inspection"),
        by_force=service.progress(query.force_ids, as_of, "force"),
        shares=service.PROGRESS_SHARES,
        ageing=ageing_service.open_recommendations_ageing(query.force_ids, as_of), age_bands=AGE_BANDS,
    )


# --- calendar feed --------------------------------------------------------------------------------


@bp.get("/calendar/<token>.ics")
def calendar(token: str):
    """The deadlines of the token owner's forces as an iCalendar feed; a revoked token answers 404."""
    user = service.user_by_calendar_token(token)
    if user is None:
        abort(404)
    force_ids = tuple(f.id for f in user.forces)
    rows = overdue.list_items(overdue.ItemFilter(as_of=today(), force_ids=force_ids, window="open"),
                              sort="due", descending=False, page=None) if force_ids else []
    body = exports.rows_to_ics(rows, site_url(), f"tracker deadlines – {user.name}", utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="tracker-deadlines.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


class CalendarForm(TrackerForm):
    """Create, regenerate or revoke the calendar address (buttons only)."""

    create = SubmitField("Create a calendar address", widget=GovSubmitInput())
    revoke = SubmitField("Turn off the calendar address", widget=GovSubmitInput())


@bp.route("/settings/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    """See, create, regenerate or revoke the secret address of the calendar feed."""
    form = CalendarForm()
    if form.validate_on_submit():
        if form.revoke.data:
            service.revoke_calendar_token(current_user)
            message = "Your calendar address is turned off. Calendars using it stop updating."
        else:
            had = current_user.calendar_token is not None
            service.new_calendar_token(current_user)
            message = ("You have a new calendar address. The old one no longer works." if had
                       else "Your calendar address is ready. Copy it into your calendar application.")
        save()
        flash(message, "success")
        return redirect(url_for("oversight.calendar_settings"))
    feed_url = None
    if current_user.calendar_token:
        feed_url = site_url() + url_for("oversight.calendar", token=current_user.calendar_token)
    return render_template("oversight/calendar_settings.html", form=form, feed_url=feed_url)


# --- email preferences ----------------------------------------------------------------------------


class NotificationForm(TrackerForm):
    """The emails a user gets."""

    due_reminders = BooleanField("Reminders of my items 30, 7 and 1 days before they are due, and when they become overdue",
                                 widget=GovCheckboxInput())
    weekly_digest = BooleanField("The weekly digest of overdue and due-soon items (chief officers)", widget=GovCheckboxInput())
    submit = SubmitField("Save email settings", widget=GovSubmitInput())


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def notification_settings():
    """See and change which reminder emails the user gets."""
    pref = service.preferences(current_user.id)
    form = form_for(NotificationForm, pref)
    if form.validate_on_submit():
        service.set_preferences(current_user.id, due_reminders=form.due_reminders.data, weekly_digest=form.weekly_digest.data)
        save()
        flash("Your email settings are saved", "success")
        return redirect(url_for("oversight.notification_settings"))
    return render_template("oversight/notification_settings.html", form=form)


# --- themes of a recommendation --------------------------------------------------------------------


class ThemesForm(TrackerForm):
    """The themes a recommendation carries."""

    themes = SelectMultipleField("Themes", widget=GovCheckboxesInput(), validate_choice=False)
    submit = SubmitField("Save themes", widget=GovSubmitInput())


def _recommendation_for_user(recommendation_id: int) -> Recommendation:
    """A recommendation of an inspection that concerns one of the user's forces, or 404."""
    return service.recommendation_for_forces(recommendation_id, user_force_ids()) or abort(404)


@bp.route("/recommendations/<int:recommendation_id>/themes", methods=["GET", "POST"])
@editor_required
def recommendation_themes(recommendation_id: int):
    """Set the themes of a recommendation, so work on one subject is seen across inspections.

    Themes are shared by every force the inspection concerns, like the recommendation's text."""
    rec = _recommendation_for_user(recommendation_id)
    require_shared_change(rec.inspection)
    form = form_for(ThemesForm, rec, themes=[t.slug for t in rec.themes])
    form.themes.choices = [(t.slug, t.name) for t in service.all_themes()]
    if form.validate_on_submit():
        with saving(form) as attempt:
            service.set_themes(rec, form.themes.data or [])
        if attempt.ok:
            flash("Themes saved", "success")
            return redirect(url_for("oversight.recommendation_themes", recommendation_id=rec.id))
    return render_template("oversight/themes.html", form=form, recommendation=rec)


# --- the committee pack ----------------------------------------------------------------------------


class PackForm(FilterForm):
    """The committee pack's form: the meeting's and the previous meeting's dates, and the dashboard
    view the pack is made from (its filters; the meeting's date is the view's as-of date)."""

    as_of = StringField("Date of the meeting", widget=GovTextInput())
    previous_meeting = StringField("Date of the previous meeting", widget=GovTextInput())

    def validate(self, extra_validators=None) -> bool:
        """The view's checks, and both dates given, real, and the previous meeting before the meeting."""
        ok = super().validate(extra_validators)
        meeting = read_date(self.as_of.data)
        if not (self.as_of.data or "").strip():
            self.as_of.errors.append("Enter the date of the meeting")
            ok = False
        elif meeting is None:
            self.as_of.errors[:] = ["The date of the meeting must be a real date, for example 1 April 2022"]
        previous = read_date(self.previous_meeting.data)
        if not (self.previous_meeting.data or "").strip():
            self.previous_meeting.errors.append("Enter the date of the previous meeting")
            ok = False
        elif previous is None:
            self.previous_meeting.errors.append("The date of the previous meeting must be a real date, for example 1 January 2022")
            ok = False
        elif meeting is not None and previous >= meeting:
            self.previous_meeting.errors.append("The previous meeting must be before the meeting")
            ok = False
        return ok


# Fields that only arrange the dashboard's rows: a pack ignores what was sent for them.
ARRANGING = {"sort": "days", "order": "desc", "per_page": "25", "page": "1"}


def _pack_form(args) -> PackForm:
    """The pack's form, filled from the query string or the posted form, its arranging fields reset."""
    form = build_form(args, window_default="overdue", form_class=PackForm)
    for name, value in ARRANGING.items():
        form[name].data = value
    return form


def _packs_page(form: PackForm, status: int = 200):
    """The form, with the force's kept packs listed below it."""
    return render_template("oversight/committee_packs.html", form=form, packs=service_packs.kept_packs(user_force_ids()),
                           chosen=[w for w in _view_words(form) if not w.startswith(("Force:", "Due:"))],
                           view_words=lambda pack: _kept_view_words(form, pack)), status


def _kept_view_words(form: PackForm, pack) -> list[str]:
    """A kept pack's view in words, read with the form's choices (a value no longer among them as it is)."""
    return [filter_in_words(form, name, value) for name, value in json.loads(pack.view or "{}").items()
            if name in form and name != "force"]


def _view_words(form: PackForm) -> list[str]:
    """The view's filters in words, but its date (the meeting's)."""
    return [words for words, _args in chosen_filters(form) if not words.startswith("As of ")]


def _pack_force(form, query) -> Force | None:
    """The one force a pack is for: the chosen one, or the user's only force."""
    if len(query.force_ids) == 1:
        return service.get_force(query.force_ids[0])
    form.force.errors.append("Select the force whose committee the pack is for")
    return None


@bp.get("/committee-packs")
@login_required
def committee_packs():
    """The committee pack's form, filled in from the address (the dashboard's link carries its view),
    and the packs kept for the user's forces.

    Nothing is made here: a pack is made and kept only when the form is posted, so no other site's
    page can make one by linking to this address.
    """
    form = _pack_form(request.args)
    # The view's values are checked; the dates of the meetings are asked for only when the form is posted.
    ok = FilterForm.validate(form) if request.args else True
    return _packs_page(form, 200 if ok else 400)


@bp.post("/committee-packs")
@login_required
def make_committee_pack():
    """Make a force's committee pack from a dashboard view, keep it, and show it in the list."""
    form = _pack_form(request.form)
    query = read_query(form, today())
    force = _pack_force(form, query) if query else None
    if query is None or force is None:
        return _packs_page(form, 400)
    view_args = {name: value for name, value in query_args(form).items() if name in FILTERS}
    with saving(form) as attempt:
        pack = service_packs.make_pack(
            force, query.filter, view_args, _view_words(form), site_url() + url_for("main.index", **view_args),
            read_date(form.previous_meeting.data), current_user, utcnow())
    if not attempt.ok:
        return _packs_page(form, 400)
    flash(f"Committee pack made for the meeting on {govuk_date(pack.as_of)}: download it below", "success")
    return redirect(url_for("oversight.committee_packs", _anchor=f"pack-{pack.id}"), 303)


def _kept(pack_id: int):
    """A kept pack of one of the user's forces, or 404."""
    return service_packs.kept_pack(pack_id, user_force_ids()) or abort(404)


def _pack_filename(pack, extension: str) -> str:
    return f"committee-pack-{pack.force.slug}-{pack.as_of.isoformat()}-{pack.id}.{extension}"


@bp.get("/committee-packs/<int:pack_id>.pdf")
@login_required
def committee_pack_pdf(pack_id: int):
    """A kept pack as tagged PDF, drawn from its kept content (the same bytes every time)."""
    pack = _kept(pack_id)
    body = render_pack_pdf(service_packs.pack_content(pack), created=pack.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_pack_filename(pack, "pdf")}"'})


@bp.get("/committee-packs/<int:pack_id>.docx")
@login_required
def committee_pack_docx(pack_id: int):
    """A kept pack as a Word document, drawn from its kept content."""
    pack = _kept(pack_id)
    body = render_pack_docx(service_packs.pack_content(pack))
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f'attachment; filename="{_pack_filename(pack, "docx")}"'})
