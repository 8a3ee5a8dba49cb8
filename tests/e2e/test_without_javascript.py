"""Conditional reveals: with JavaScript the follow-up question shows once its radio is chosen;
without it the follow-up shows all the time (and the server ignores it for the other radio)."""

from __future__ import annotations

FORCES = "input[name=forces] >> nth=0"
REASON = "textarea[name=no_action_reason]"


def test_the_forces_and_the_reason_are_revealed_by_their_radio(live_server, new_page):
    page = new_page(role="editor")
    page.goto(live_server["url"] + "/inspections/new")
    assert not page.is_visible(FORCES)
    page.check("input[name=scope][value=chosen]")
    assert page.is_visible(FORCES)

    page.goto(live_server["url"] + "/tracking/{tracking}/edit".format(**live_server["ids"]))
    assert not page.is_visible(REASON)
    page.check("input[name=status][value=no_further_action]")
    assert page.is_visible(REASON)


def test_without_javascript_they_show_all_the_time(browser, live_server, new_page, _signed_in_states):
    new_page(role="editor")  # signs the editor in once, keeping the cookies
    context = browser.new_context(java_script_enabled=False, storage_state=_signed_in_states["editor"])
    try:
        page = context.new_page()
        page.goto(live_server["url"] + "/inspections/new")
        assert page.is_visible(FORCES)
        page.goto(live_server["url"] + "/tracking/{tracking}/edit".format(**live_server["ids"]))
        assert page.is_visible(REASON)
    finally:
        context.close()
