"""The dashboard: counts, filters, sort, pagination and the as-of date, on the seed data."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import request, url_for
from govuk_frontend_wtf.wtforms_widgets import GovTextInput

from tests.factories import get_tracking
from tests.page_check import item_keys as rows_of
from tracker.db import db
from tracker.domain.statuses import Role, TrackingStatus
from tracker.services.tracking import set_tracking_status
from tracker.web.components import drawn_once
from tracker.web.views.filters import address_with, build_form


def count(html: str, key: str) -> int:
    """A figure of the at-a-glance table."""
    m = re.search(rf'data-count="{key}">\s*(?:<span[^>]*>)?(\d+)', html)
    assert m, key
    return int(m.group(1))


@pytest.fixture
def cumbria(as_role):
    return as_role(Role.REVIEWER, ("cumbria",))


def test_signed_out_visitors_get_the_welcome_page(client):
    html = client.get("/").get_data(as_text=True)
    assert "Sign in" in html and "At a glance" not in html


def test_on_1_april_2022_the_march_deadlines_are_overdue(cumbria):
    html = cumbria.get("/?as_of=2022-04-01").get_data(as_text=True)
    assert "As of 1 April 2022" in html
    refs = re.findall(r'<td class="govuk-table__cell">([\d.]+)</td>', html)
    assert {"3.2", "4.1"} <= set(refs)
    assert count(html, "recommendation-overdue") == 3 and count(html, "statutory_response-overdue") == 1


def test_on_1_march_2022_they_are_not(cumbria):
    html = cumbria.get("/?as_of=2022-03-01").get_data(as_text=True)
    refs = re.findall(r'<td class="govuk-table__cell">([\d.]+)</td>', html)
    assert "3.2" not in refs and "4.1" not in refs
    # They are due within 30 days of 1 March: counted as due soon.
    assert count(html, "recommendation-due-soon") == 2


def test_completing_later_does_not_rewrite_the_past(app, cumbria):
    set_tracking_status(get_tracking("cumbria", "4.1"), TrackingStatus.COMPLETE, date(2022, 6, 1))
    db.session.commit()
    t = get_tracking("cumbria", "4.1")
    assert f"recommendation-{t.id}" in rows_of(cumbria.get("/?as_of=2022-04-01").get_data(as_text=True))
    assert f"recommendation-{t.id}" not in rows_of(cumbria.get("/?as_of=2022-06-02").get_data(as_text=True))


def test_most_days_overdue_first_and_sort_by_column(cumbria):
    html = cumbria.get("/?as_of=2022-04-01").get_data(as_text=True)
    days = [int(d) for d in re.findall(r'govuk-table__cell--numeric">(\d+)</td>', html)]
    # Recommendation 4 ("immediately", from 17 September 2021), then the statutory response.
    assert days == sorted(days, reverse=True) and days[:2] == [196, 141]
    html = cumbria.get("/?as_of=2022-04-01&sort=days&order=asc").get_data(as_text=True)
    days = [int(d) for d in re.findall(r'govuk-table__cell--numeric">(\d+)</td>', html)]
    assert days == sorted(days)
    for column in ("due", "type", "force", "inspection", "ref", "owner", "status", "updated"):
        for order in ("asc", "desc"):
            assert cumbria.get(f"/?as_of=2022-04-01&sort={column}&order={order}").status_code == 200


def test_filters_select_the_right_rows(as_role):
    client = as_role(Role.VIEWER, ("cumbria", "lancashire"))
    both = rows_of(client.get("/?as_of=2022-04-01&per_page=100").get_data(as_text=True))
    only = rows_of(client.get("/?as_of=2022-04-01&force=cumbria&per_page=100").get_data(as_text=True))
    assert only and set(only) < set(both)
    responses = rows_of(client.get("/?as_of=2022-04-01&type=statutory_response").get_data(as_text=True))
    assert len(responses) == 2 and all(r.startswith("statutory_response-") for r in responses)
    themed = client.get("/?as_of=2022-04-01&theme=vawg&per_page=100").get_data(as_text=True)
    assert rows_of(themed) and not [r for r in rows_of(themed) if r.startswith("statutory_response")]
    none = client.get("/?as_of=2022-04-01&theme=custody").get_data(as_text=True)
    assert rows_of(none) == [] and "No items match" in none
    owner = client.get("/?as_of=2022-04-01&owner=Chief+Constable&per_page=100").get_data(as_text=True)
    assert rows_of(owner) and all("Chief Constable</td>" in tr for tr in re.findall(r'<tr class="govuk-table__row" data-item.*?</tr>', owner, re.S))
    assert rows_of(client.get("/?as_of=2022-04-01&status=awaiting_review&inspection=vawg-2021&inspection_type=national_thematic&kind=recommendation").get_data(as_text=True)) is not None


def test_pagination_splits_the_rows_without_losing_any(as_role):
    client = as_role(Role.VIEWER, ("cumbria", "lancashire", "leicestershire", "hampshire-and-isle-of-wight"))
    everything = rows_of(client.get("/?as_of=2022-04-01&per_page=100").get_data(as_text=True))
    assert len(everything) > 10
    paged = []
    for page in range(1, -(-len(everything) // 10) + 1):
        html = client.get(f"/?as_of=2022-04-01&per_page=10&page={page}").get_data(as_text=True)
        paged += rows_of(html)
    assert paged == everything
    assert 'class="govuk-pagination' in client.get("/?as_of=2022-04-01&per_page=10").get_data(as_text=True)


def test_the_pagination_drawn_once_is_the_govuk_macros_for_its_own_parameters(app):
    """components.drawn_once keeps a component's HTML for its parameters: each page's is its own."""
    macro = app.jinja_env.from_string('{% from "govuk_frontend_jinja/components/pagination/macro.html" '
                                      'import govukPagination %}{{ govukPagination(params) }}')
    with app.test_request_context():
        drawn = {}
        for page in (1, 2, 1, 3):
            params = {"items": [{"number": n, "href": f"/?page={n}", "current": n == page} for n in (1, 2, 3)],
                      "landmarkLabel": "Pages of items"}
            drawn[page] = drawn_once("pagination", params)
            assert drawn[page] == macro.render(params=params)
        assert len(set(drawn.values())) == 3 and 'aria-current="page"' in drawn[2]


@pytest.mark.parametrize("query", ["", "as_of=1+April+2022", "as_of=banana", "as_of=%3Cb%3E"])
def test_the_as_of_input_drawn_once_is_govuk_frontend_wtfs(app, query):
    """The dashboard's date input (filters.FastGovTextInput) is the GOV.UK widget's, value and error too."""
    with app.test_request_context(f"/?{query}"):
        form = build_form(request.args)
        form.validate()
        params = {"hint": {"text": "For example, 1 April 2022."}, "classes": "govuk-input--width-10"}
        for _ in range(2):  # drawn, then found
            assert str(form.as_of(params=params)) == str(GovTextInput()(form.as_of, params=params))


@pytest.mark.parametrize("args", [
    {}, {"page": 2}, {"window": "open", "sort": "owner", "order": "asc", "page": 3},
    {"owner": "Assistant Chief Constable, Crime & Justice", "as_of": "1/4/2022"},
    {"owner": "Prif Gwnstabl – Heddlu’r Gogledd (O'Neill) ~!$*@:;?=#+%/"}, {"theme": "a b", "status": "action:complete"},
])
def test_the_dashboards_links_to_itself_are_url_fors(app, args):
    """filters.address_with writes the sort and page links as url_for would, for a fraction of its cost."""
    with app.test_request_context():
        assert address_with(url_for("main.index"), args) == url_for("main.index", **args)


@pytest.mark.parametrize("query, message", [
    ("as_of=1+April", "Enter the as-of date as a real date"),
    ("as_of=2022-02-30", "Enter the as-of date as a real date"),
    ("force=avon-and-somerset", "Select one of your forces"),
    ("window=soon", "Select when items are due from the list"),
    ("sort=secret", "Select a column to sort by"),
    ("page=-1", "Enter a page number"),
    ("page=abc", "Enter a page number"),
    ("theme=nope", "Select a theme from the list"),
    ("per_page=100000", "Select how many items"),
])
def test_wrong_values_get_a_clear_error(cumbria, query, message):
    response = cumbria.get(f"/?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and "There is a problem" in html
    assert "<title>Error: " in html


def test_last_update_is_the_latest_progress_update_on_or_before_the_as_of_date(as_role):
    client = as_role(Role.VIEWER, ("lancashire",))
    t = get_tracking("lancashire", "4.1")
    later = client.get("/?as_of=2030-01-01&window=open&per_page=100").get_data(as_text=True)
    earlier = client.get("/?as_of=2022-04-01&per_page=100").get_data(as_text=True)

    def last_update(html):
        row = re.search(rf'data-item="recommendation-{t.id}".*?</tr>', html, re.S).group(0)
        return re.findall(r'tracker-nowrap">([^<]*)</td>', row)[-1].strip()

    assert last_update(later) == "1 Jul 2024"
    assert last_update(earlier) != "1 Jul 2024"


def test_a_user_of_no_force_sees_an_empty_dashboard(as_role):
    client = as_role(Role.ADMIN, ())
    for url in ("/", "/progress", "/export.csv", "/export.xlsx"):
        assert client.get(url).status_code == 200, url
    assert "No items match" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("window", ["overdue", "7", "30", "90", "open"])
def test_the_windows_total_counted_with_the_summary_matches_a_plain_count(app, window):
    from tests.factories import get_force
    from tracker.services import overdue

    f = overdue.ItemFilter(as_of=date(2022, 3, 15), force_ids=(get_force("cumbria").id, get_force("lancashire").id), window=window)
    counts = overdue.summary_counts(f)
    assert sum(c["in_window"] for c in counts.values()) == overdue.count_items(f) == len(overdue.list_items(f, page=None))


@pytest.mark.parametrize("sort", ["days", "due"])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("as_of, window", [(date(2022, 3, 15), "overdue"), (date(2022, 3, 15), "open"),
                                           (date(2030, 1, 1), "open")])  # every open item overdue, or undated
def test_pages_sorted_by_due_date_are_slices_of_the_whole_list(app, sort, descending, as_of, window):
    """The page query reads only rows due up to the page's last due date: every page (ties on a due date
    across a page break included) is the same as the slice of the whole sorted list."""
    from tests.factories import get_force
    from tracker.services import overdue

    forces = tuple(get_force(s).id for s in ("cumbria", "lancashire", "leicestershire", "hampshire-and-isle-of-wight"))
    f = overdue.ItemFilter(as_of=as_of, force_ids=forces, window=window)
    whole = [(r.type, r.id) for r in overdue.list_items(f, sort=sort, descending=descending, page=None)]
    assert len(whole) > 6
    for per_page in (3, 5):
        pages = (len(whole) + per_page - 1) // per_page
        for page in range(1, pages + 2):
            rows = overdue.list_items(f, sort=sort, descending=descending, page=page, per_page=per_page)
            assert [(r.type, r.id) for r in rows] == whole[(page - 1) * per_page: page * per_page], (per_page, page)


def test_an_inspection_published_after_the_as_of_date_is_left_out(app, cumbria):
    """Its items did not exist yet: not even among the open ones. Adding it also changes the cached
    latest publication date the dashboard decides this by."""
    from tests.factories import get_force
    from tracker.models import Inspection, Recommendation, Tracking

    cumbria.get("/?as_of=2022-04-01&window=open")  # fills the cache before the inspection exists
    inspection = Inspection(slug="later-report", title="A later report", published_on=date(2022, 6, 1),
                            type="force_specific")
    db.session.add(inspection)
    db.session.flush()
    rec = Recommendation(inspection_id=inspection.id, position=1, ref="9", text="Later recommendation", bullets=[])
    db.session.add(rec)
    db.session.flush()
    tracking = Tracking(recommendation_id=rec.id, force_id=get_force("cumbria").id, due_on=date(2022, 12, 1))
    db.session.add(tracking)
    db.session.commit()
    item = f"recommendation-{tracking.id}"
    assert item not in rows_of(cumbria.get("/?as_of=2022-04-01&window=open&per_page=100").get_data(as_text=True))
    assert item in rows_of(cumbria.get("/?as_of=2022-07-01&window=open&per_page=100").get_data(as_text=True))


@pytest.mark.parametrize("as_of", [date(2021, 11, 1), date(2022, 3, 15), date(2030, 1, 1)])
@pytest.mark.parametrize("window", ["overdue", "open"])
def test_the_summary_counts_match_the_open_rows_not_closed_and_closed_later_alike(app, as_of, window):
    """The counts add up two parts (not closed; closed after the as-of date): together they are the
    overdue and due-soon rows of the whole open list, counted by hand."""
    from datetime import timedelta

    from tests.factories import get_force
    from tracker.domain.deadlines import DUE_SOON_DAYS
    from tracker.services import overdue

    forces = tuple(get_force(s).id for s in ("cumbria", "lancashire", "leicestershire", "hampshire-and-isle-of-wight"))
    f = overdue.ItemFilter(as_of=as_of, force_ids=forces, window=window)
    rows = overdue.list_items(overdue.ItemFilter(as_of=as_of, force_ids=forces, window="open"), page=None)
    expected = {t: {"overdue": 0, "due_soon": 0} for t in overdue.ITEM_TYPES}
    for r in rows:
        if r.due is not None and r.due < as_of:
            expected[r.type]["overdue"] += 1
        elif r.due is not None and r.due <= as_of + timedelta(days=DUE_SOON_DAYS):
            expected[r.type]["due_soon"] += 1
    counts = overdue.summary_counts(f)
    assert {t: {k: c[k] for k in ("overdue", "due_soon")} for t, c in counts.items()} == expected
    assert sum(c["in_window"] for c in counts.values()) == overdue.count_items(f)
    if as_of == date(2021, 11, 1):  # both parts are there to add up (actions completed late in 2021)
        assert any(r.closed_on is not None for r in rows) and any(r.closed_on is None for r in rows)
