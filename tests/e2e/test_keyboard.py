"""One form used with the keyboard alone: Tab order follows the page, focus is always visible,
and the form can be filled and sent without a mouse."""

from __future__ import annotations

EXPECTED_ORDER = ["title", "owner", "due_on-day", "due_on-month", "due_on-year", "status", "completed_on-day",
                  "completed_on-month", "completed_on-year", "evidence", "not_for_publication", "submit"]

FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {id: el.id || el.name || el.tagName, outline: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
          shadow: style.boxShadow !== 'none', background: style.backgroundColor};
}"""


def test_the_add_action_form_works_with_the_keyboard_alone(live_server, new_page):
    page = new_page(role="editor")
    page.goto(live_server["url"] + "/tracking/{tracking}/actions/new".format(**live_server["ids"]))
    page.focus("#title")
    seen = []
    for _ in range(40):
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus['id']}"
        if not seen or seen[-1] != focus["id"]:
            seen.append(focus["id"])
        if focus["id"] == "submit":
            break
        page.keyboard.press("Tab")
    wanted = [item for item in seen if item in EXPECTED_ORDER]
    assert wanted == EXPECTED_ORDER, seen

    page.focus("#title")
    page.keyboard.type("Keyboard-only action")
    page.keyboard.press("Tab")
    page.keyboard.type("Inspector Key")
    for _ in range(4):  # day, month, year, then the first status radio
        page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # In progress
    page.focus("#submit")
    # The key press does not wait for the navigation it starts (a click does): wait for the
    # redirected page itself, or the old form may be read.
    with page.expect_navigation(url="**/tracking/*"):
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert "Action added: Keyboard-only action" in body and "Inspector Key" in body and "In progress" in body
