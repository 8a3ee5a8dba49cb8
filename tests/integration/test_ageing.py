"""The ageing table on the progress page: the forces' open recommendations by lead officer and how
long they have been open, agreeing with the dashboard's open recommendations."""

from __future__ import annotations

import re
from datetime import date

from tests.factories import get_force, get_tracking
from tracker.db import db
from tracker.domain.statuses import Role, TrackingStatus
from tracker.services import overdue
from tracker.services.tracking import set_tracking_status


def _cells(html: str, owner: str) -> dict[str, int]:
    row = html.split(f'data-owner="{owner}"', 1)[1].split("</tr>", 1)[0]
    return {band: int(n) for band, n in re.findall(r'data-band="([a-z0-9_]+)">(\d+)<', row)}


def _open_on_dashboard(force_slug: str, as_of: date) -> int:
    return overdue.count_items(overdue.ItemFilter(as_of=as_of, force_ids=(get_force(force_slug).id,),
                                                  item_type="recommendation", window="open"))


def test_the_totals_are_the_dashboards_open_recommendations(as_role):
    client = as_role(Role.VIEWER, ("cumbria",))
    html = client.get("/progress?as_of=1+April+2022&force=cumbria").get_data(as_text=True)
    totals = _cells(html, "All owners")
    assert totals["all"] == _open_on_dashboard("cumbria", date(2022, 4, 1)) > 0
    assert sum(v for k, v in totals.items() if k != "all") == totals["all"]


def test_a_lead_officers_items_are_in_their_row_and_band(app, as_role):
    tracking = get_tracking("cumbria", "4")
    tracking.lead_officer = "ACC Ageing Example"
    set_tracking_status(tracking, TrackingStatus.BEING_PROGRESSED, date(2021, 10, 1))
    db.session.commit()
    client = as_role(Role.VIEWER, ("cumbria",))
    # Published 17 September 2021: 6 whole months open on 1 April 2022, 2 on 1 December 2021.
    html = client.get("/progress?as_of=2022-04-01&force=cumbria").get_data(as_text=True)
    assert _cells(html, "ACC Ageing Example")["6_to_12_months"] >= 1
    html = client.get("/progress?as_of=2021-12-01&force=cumbria").get_data(as_text=True)
    assert _cells(html, "ACC Ageing Example")["under_6_months"] >= 1
    # Closed: it leaves the table from the day it closed.
    set_tracking_status(tracking, TrackingStatus.COMPLETE, date(2022, 3, 1))
    db.session.commit()
    html = client.get("/progress?as_of=2022-04-01&force=cumbria").get_data(as_text=True)
    assert 'data-owner="ACC Ageing Example"' not in html or _cells(html, "ACC Ageing Example")["all"] == 0


def test_before_any_report_nothing_is_open(as_role):
    html = as_role(Role.VIEWER, ("cumbria",)).get("/progress?as_of=2000-01-01").get_data(as_text=True)
    assert "No recommendations are open on that date." in html
