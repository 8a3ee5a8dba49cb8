"""Radios that reveal a follow-up question (GOV.UK conditional content): the chosen forces under
"The forces I choose", and the reason under "No further action needed". Without JavaScript the
follow-up shows all the time, so the server ignores it when the other radio is chosen."""

from __future__ import annotations

import re

from tests.factories import get_force, get_inspection, get_tracking
from tests.integration.test_inspection_pages import inspection_data
from tests.integration.test_tracking_pages import tracking_form
from tests.page_check import get_page
from tracker.domain.statuses import Role, TrackingStatus


def _conditional_of(html: str, value: str) -> str:
    """The conditional content under the radio of this value (GOV.UK's markup: the input's
    data-aria-controls names the div that holds it)."""
    radio = re.search(rf'<input[^>]*value="{value}"[^>]*>', html).group(0)
    target = re.search(r'data-aria-controls="([^"]+)"', radio).group(1)
    start = html.index(f'id="{target}"')
    next_radio = html.find('class="govuk-radios__input"', start)
    return html[start:next_radio if next_radio != -1 else len(html)]


def test_the_forces_are_under_the_forces_i_choose(as_role):
    page = get_page(as_role(Role.SERVICE_ADMIN), "/inspections/new")

    chosen = _conditional_of(page, "chosen")
    assert chosen.count('type="checkbox"') == 43 and 'name="forces"' in chosen
    assert 'class="govuk-radios__conditional' in page and page.count('name="forces"') == 43


def test_forces_ticked_are_ignored_when_every_force_is_chosen(as_role):
    client = as_role(Role.SERVICE_ADMIN)
    response = client.post("/inspections/new", data=inspection_data(
        type="national_thematic", scope="all", forces=[str(get_force("cumbria").id)]))
    assert response.status_code == 302
    inspection = get_inspection(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert sum(row.in_scope for row in inspection.scope) == 43


def test_the_reason_is_under_no_further_action(as_role):
    tracking = get_tracking("cumbria", "4")
    page = get_page(as_role(Role.EDITOR), f"/tracking/{tracking.id}/edit")

    assert 'name="no_action_reason"' in _conditional_of(page, TrackingStatus.NO_FURTHER_ACTION.value)


def test_the_reason_a_force_is_left_out_is_under_no(as_role):
    page = get_page(as_role(Role.EDITOR), "/inspections/vawg-2021/scope/cumbria")

    assert 'name="exclusion_reason"' in _conditional_of(page, "no")


def test_a_reason_typed_and_left_behind_is_not_saved(as_role):
    tracking = get_tracking("cumbria", "4")
    response = as_role(Role.EDITOR).post(f"/tracking/{tracking.id}/edit", data=tracking_form(
        tracking, status=TrackingStatus.BEING_PROGRESSED.value, no_action_reason="Typed, then another status chosen"))

    assert response.status_code == 302
    assert tracking.status is TrackingStatus.BEING_PROGRESSED and tracking.no_action_reason is None
