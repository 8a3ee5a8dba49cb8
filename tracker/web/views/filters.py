"""The dashboard's filters read from the URL query: one GET form shared by the dashboard and its exports.

Every value is checked: a wrong one becomes a GOV.UK error message on the form, never a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from flask import render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from markupsafe import Markup, escape
from wtforms import SelectField, StringField
from wtforms.validators import Length

from tracker.domain.clocks import Source
from tracker.domain.formatting import govuk_date, read_date
from tracker.domain.register import BLOCKED, read_status, status_groups, title_words
from tracker.domain.statuses import InspectionType, Kind
from tracker.models import Force, Theme
from tracker.services import overdue
from tracker.services import oversight as oversight_service
from tracker.web.auth import user_force_ids
from tracker.web.caching import remember
from tracker.web.components import drawn_once
from tracker.web.forms import TrackerForm

PER_PAGE_CHOICES = ("10", "25", "50", "100")
# The longest search for an inspection: as the inspections list's (titles run to a hundred and more).
INSPECTION_MAX = 200

# The empty selects drawn by the GOV.UK macro, by their parameters (FastGovSelect): a few dozen at most
# (each field with and without its error), bounded all the same.
_SHELLS: dict[str, tuple[str, str, str]] = {}
_SHELLS_KEPT = 256
# The options of each list of choices, escaped (FastGovSelect.options), and where each value is.
_OPTIONS: dict[tuple, tuple[list[str], dict[str, int]]] = {}
_OPTIONS_KEPT = 64


class FastGovSelect(GovSelect):
    """A GOV.UK select whose options are written here: the macro draws the label, hint, error and the
    select itself, with no items (its loop over options is slow with hundreds of inspections, and the
    selects are drawn on every computed page). That empty select depends only on its parameters (id,
    name, label, hint, classes, error), so each is drawn once per process and kept (_SHELLS)."""

    def __call__(self, field, **kwargs):
        """Render the select with no items through the macro (or reuse it), then put the options in."""
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and "required" in getattr(field, "flags", []):
            kwargs["required"] = True
        kwargs["items"] = []
        params = self.map_gov_params(field, **kwargs)
        key = repr(params)
        if (shell := _SHELLS.get(key)) is None:
            if len(_SHELLS) >= _SHELLS_KEPT:
                _SHELLS.clear()
            shell = _SHELLS[key] = str(self.render(params)).rpartition("</select>")
        head, _, tail = shell
        return Markup(head + self.options(field) + "</select>" + tail)

    @staticmethod
    def _option(value, label, selected: bool) -> str:
        return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>\n'

    def options(self, field) -> str:
        """The select's options, the chosen one selected (as SelectField: its value as text is the data).
        Each list of choices is escaped once per process and kept (_OPTIONS): the owners' and themes'
        lists are dozens long and change seldom."""
        choices = tuple((str(value), label) for value, label in field.choices)
        if (drawn := _OPTIONS.get(choices)) is None:
            if len(_OPTIONS) >= _OPTIONS_KEPT:
                _OPTIONS.clear()
            drawn = _OPTIONS[choices] = ([self._option(value, label, False) for value, label in choices],
                                         {value: i for i, (value, _label) in reversed(list(enumerate(choices)))})
        options, index = drawn
        chosen = index.get(field.data) if isinstance(field.data, str) else None
        if chosen is None:
            return "".join(options)
        value, label = choices[chosen]
        return "".join((*options[:chosen], self._option(value, label, True), *options[chosen + 1:]))


class FastGovTextInput(GovTextInput):
    """A GOV.UK text input drawn once per process for the same parameters (components.drawn_once): the
    macro costs half a millisecond, on every dashboard whose filters are drawn."""

    def render(self, params):
        """What govuk_frontend_wtf's input template draws: the GOV.UK input macro, for these parameters."""
        return drawn_once("input", params)


class GroupedGovSelect(FastGovSelect):
    """A fast GOV.UK select whose options after the first are in groups (field.groups: label, choices)."""

    def options(self, field) -> str:
        """The first option ("All statuses"), then each group's options in an <optgroup>."""
        first_value, first_label = field.choices[0]
        html = [self._option(first_value, first_label, field.data == first_value)]
        for group, choices in field.groups:
            html.append(f'<optgroup label="{escape(group)}">\n')
            html += [self._option(value, label, field.data == value) for value, label in choices]
            html.append("</optgroup>\n")
        return "".join(html)


class FilterForm(TrackerForm):
    """The filters, sort and page of the overdue view; read from request.args (no CSRF: a GET form)."""

    class Meta:
        csrf = False

    as_of = StringField("As of date", widget=FastGovTextInput())
    force = SelectField("Force", widget=FastGovSelect(), validate_choice=False)
    # Words of the inspection's title, or (from links and exports) an inspection's slug: that one alone.
    inspection = StringField("Inspection", widget=FastGovTextInput(), validators=[Length(
        max=INSPECTION_MAX, message=f"Inspection must be {INSPECTION_MAX} characters or fewer")])
    inspection_type = SelectField("Inspection type", widget=FastGovSelect(), validate_choice=False)
    source = SelectField("Source", widget=FastGovSelect(), validate_choice=False)
    type = SelectField("Item", widget=FastGovSelect(), validate_choice=False)
    kind = SelectField("Kind", widget=FastGovSelect(), validate_choice=False)
    theme = SelectField("Theme", widget=FastGovSelect(), validate_choice=False)
    owner = SelectField("Owner", widget=FastGovSelect(), validate_choice=False)
    status = SelectField("Status", widget=GroupedGovSelect(), validate_choice=False)
    window = SelectField("Due", widget=FastGovSelect(), validate_choice=False, default="overdue")
    sort = SelectField("Sort by", widget=FastGovSelect(), validate_choice=False, default="days")
    order = SelectField("Order", widget=FastGovSelect(), validate_choice=False, default="desc")
    per_page = SelectField("Items per page", widget=FastGovSelect(), validate_choice=False, default="25")
    page = StringField("Page", default="1")

    latest_publication: date | None = None  # the latest inspection's publication date, set by build_form
    # The inspection whose slug the inspection field holds, (id, title), once looked up (chosen_inspection).
    _chosen_inspection: tuple[str, tuple[int, str] | None] | None = None

    # The message for a value that is not one of a field's choices.
    CHOICE_ERRORS = {
        "force": "Select one of your forces",
        "inspection_type": "Select an inspection type from the list",
        "source": "Select a source from the list",
        "type": "Select an item from the list",
        "kind": "Select a kind from the list",
        "theme": "Select a theme from the list",
        "owner": "Select an owner from the list",
        "status": "Select a status from the list",
        "window": "Select when items are due from the list",
        "sort": "Select a column to sort by from the list",
        "order": "Select ascending or descending order",
        "per_page": "Select how many items to show on a page",
    }

    def validate(self, extra_validators=None) -> bool:
        """Check every value is one of its choices, the date is real and the page a whole number."""
        ok = super().validate(extra_validators)
        for name, message in self.CHOICE_ERRORS.items():
            field = self[name]
            if name == "status" and field.data:
                known = read_status(field.data) is not None
            else:
                known = field.data in {value for value, _ in field.choices}
            if not known:
                field.errors.append(message)
                ok = False
        status = read_status(self.status.data) if self.status.data else None
        if status and status[0] and self.type.data and status[0] != self.type.data:
            self.status.errors.append("Select a status of the item chosen, or all items")
            ok = False
        if (self.as_of.data or "").strip() and read_date(self.as_of.data) is None:
            self.as_of.errors.append("Enter the as-of date as a real date, for example 1 April 2022")
            ok = False
        if not re.fullmatch(r"[1-9]\d{0,6}", (self.page.data or "1").strip()):
            self.page.errors.append("Enter a page number, like 2")
            ok = False
        return ok


@dataclass
class Query:
    """A checked filter with its sort and page."""

    filter: overdue.ItemFilter
    sort: str
    descending: bool
    page: int
    per_page: int
    force_ids: list[int]


def build_form(args, *, window_default: str = "overdue", form_class: type[FilterForm] = FilterForm,
               drawn: bool = True) -> FilterForm:
    """The filter form (or a form made from it) with its choices for the signed-in user, filled from
    the query string. A form that is only read, never drawn (`drawn=False`: the API's), reads the owners
    and the themes only to check an owner or a theme asked for: the choices of a filter left empty
    are not looked at."""
    force_ids = user_force_ids()
    form = form_class(args)
    # The owners are kept under the data state of the user's forces; the themes and the latest
    # publication, the same for every force, under the shared one alone: a write to a force's records
    # leaves them be. The forces come loaded with the user.
    owners = (remember("owners", force_ids, (), lambda: overdue.owners(force_ids))
              if drawn or form.owner.data else [])
    if drawn or form.theme.data:
        choices = remember("filter-choices", (), (), oversight_service.shared_filter_choices)
    else:
        choices = {"themes": [], "latest_publication": overdue.latest_publication()}
    form.latest_publication = choices["latest_publication"]
    form.force.choices = [("", "All your forces")] + sorted(((force.slug, force.name) for force in _user_forces()),
                                                            key=lambda choice: choice[1])
    form.inspection_type.choices = [("", "All types")] + InspectionType.choices()
    form.source.choices = [("", "All sources")] + [(source.value, source.short_label) for source in Source]
    form.type.choices = [("", "All items")] + list(overdue.ITEM_TYPES.items())
    form.kind.choices = [("", "All kinds")] + Kind.choices()
    form.theme.choices = [("", "All themes")] + choices["themes"]
    form.owner.choices = [("", "All owners")] + [(owner, owner) for owner in owners]
    form.status.groups = status_groups()
    # Flat, for the words of a chosen filter: "Status: Complete (Actions)".
    form.status.choices = [("", "All statuses")] + [(value, f"{label} ({group})")
                                                    for group, choices in form.status.groups for value, label in choices]
    form.window.choices = list(overdue.WINDOWS.items())
    form.sort.choices = list(overdue.SORTS.items())
    form.order.choices = [("desc", "Descending"), ("asc", "Ascending")]
    form.per_page.choices = [(n, n) for n in PER_PAGE_CHOICES]
    for name, default in (("window", window_default), ("sort", "days"), ("order", "desc"), ("per_page", "25")):
        if not form[name].data:
            form[name].data = default
    for name in ("force", "inspection_type", "source", "type", "kind", "theme", "owner", "status"):
        form[name].data = form[name].data or ""
    form.inspection.data = (form.inspection.data or "").strip()
    return form


def chosen_inspection(form: FilterForm) -> tuple[int, str] | None:
    """The inspection whose slug the inspection field holds, (id, title); None when it holds words to
    search titles by (or nothing). Looked up once per form."""
    value = form.inspection.data
    if form._chosen_inspection is None or form._chosen_inspection[0] != value:
        form._chosen_inspection = (value, oversight_service.inspection_of_slug(value) if value else None)
    return form._chosen_inspection[1]


def filters_html(form: FilterForm, *, open_filters: bool) -> Markup:
    """The dashboard's block of filters (oversight/_filters.html) for a built and checked form, folded
    unless `open_filters` (to show an error).

    The block shows nothing but each field's value, its error and its choices, so it is kept under the
    shared data state (the themes) with the rest of what it shows in its key: a write to a force's
    records empties the force's dashboards but leaves their filters as they were, unless it changed the
    force's owners. Drawing its fifteen GOV.UK fields is a good part of a computed dashboard.
    """
    shown = (open_filters, tuple((field.name, field.data, tuple(field.errors)) for field in form),
             tuple(form.force.choices), tuple(form.owner.choices))
    return Markup(remember("filters", (), shown, lambda: render_template(
        "oversight/_filters.html", form=form, action=url_for("main.index"), open_filters=open_filters,
        show_paging=True)))


def _user_forces() -> list[Force]:
    """The signed-in user's forces (user_force_ids' forces), loaded with the user."""
    return list(current_user.forces) if current_user and current_user.is_authenticated else []


def read_query(form: FilterForm, today: date) -> Query | None:
    """Turn a valid form into a Query (ids looked up); None if the form has errors."""
    if not form.validate():
        return None
    force_ids = user_force_ids()
    if form.force.data:
        force_ids = [oversight_service.id_of_slug(Force, form.force.data)]
    # An inspection's slug (the links of other pages and the kept packs) means that inspection alone;
    # anything else, words of the titles.
    chosen = chosen_inspection(form)
    theme_id = oversight_service.id_of_slug(Theme, form.theme.data) if form.theme.data else None
    as_of = read_date(form.as_of.data) or today
    status_type, status = read_status(form.status.data) if form.status.data else (None, None)
    blocked = status == BLOCKED  # a flag beside the status, chosen in the status filter
    item_filter = overdue.ItemFilter(
        as_of=as_of,
        force_ids=tuple(force_ids),
        inspection_id=chosen[0] if chosen else None,
        inspection_words=title_words(form.inspection.data) if form.inspection.data and not chosen else (),
        inspection_type=form.inspection_type.data or None,
        item_type=form.type.data or status_type,
        kind=form.kind.data or None,
        theme_id=theme_id,
        owner=form.owner.data or None,
        status=None if blocked else status,
        blocked=blocked,
        source=form.source.data or None,
        window=form.window.data,
        check_published=overdue.publication_check_needed(form.latest_publication, as_of),
    )
    return Query(item_filter, form.sort.data, form.order.data == "desc", int(form.page.data or 1),
                 int(form.per_page.data), force_ids)


def query_args(form: FilterForm, **changes) -> dict:
    """The form's values as URL query arguments (empty ones left out), with some changed."""
    args = {name: field.data for name, field in form._fields.items() if field.data not in (None, "")}
    return with_changes(args, **changes)


def with_changes(args: dict, **changes) -> dict:
    """Query arguments with some changed (None or empty: left out)."""
    return {k: v for k, v in {**args, **changes}.items() if v not in (None, "")}


# The characters Werkzeug leaves as they are in a query string that url_for writes.
_QUERY_SAFE = "!$'()*,/:;?@"


def address_with(path: str, args: dict) -> str:
    """The address `path` (from url_for) with these query arguments, written as url_for would write them:
    for the dashboard's own sort and page links, a score of them, at a fifth of url_for's cost each."""
    return f"{path}?{urlencode(args, safe=_QUERY_SAFE)}" if args else path


# The fields that narrow the view (sort, order and paging only arrange it).
FILTERS = ("as_of", "force", "inspection", "inspection_type", "type", "kind", "theme", "owner", "status", "window")


def chosen_filters(form: FilterForm, *, window_default: str = "overdue") -> list[tuple[str, dict]]:
    """The filters chosen, each in words ("Force: Cumbria Constabulary") with the query arguments of
    the same view without it: the removable tags of the MOJ filter pattern."""
    tags = []
    for name in FILTERS:
        value = form[name].data
        if not value or (name == "window" and value == window_default):
            continue
        words = f"As of {govuk_date(read_date(value))}" if name == "as_of" else filter_in_words(form, name, value)
        tags.append((words, query_args(form, **{name: None, "page": None})))
    return tags


def filter_in_words(form: FilterForm, name: str, value: str) -> str:
    """One filter's value in words, after its label: "Theme: Custody" (a value not among the choices as
    it is); an inspection by its title when the value is its slug, else the words searched, quoted."""
    if name == "inspection":
        chosen = chosen_inspection(form) if value == form.inspection.data else oversight_service.inspection_of_slug(value)
        return f"Inspection: {chosen[1]}" if chosen else f"Inspection: “{value}”"
    return f"{form[name].label.text}: {dict((str(v), label) for v, label in form[name].choices).get(str(value), value)}"
