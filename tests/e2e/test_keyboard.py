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


HEADER_TAB_ORDER = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  return {text: el.innerText.trim(), inHeader: !!el.closest('header'), background: style.backgroundColor,
          colour: style.color, shadow: style.boxShadow, outline: style.outlineStyle + ' ' + style.outlineWidth,
          left: el.getBoundingClientRect().left};
}"""
FOCUS_YELLOW = "rgb(255, 221, 0)"
TEXT_BLACK = "rgb(11, 12, 12)"


def test_the_header_is_tabbed_through_as_it_is_drawn_with_the_govuk_focus_style(live_server, new_page):
    page = new_page(role="editor")
    page.goto(live_server["url"] + "/inspections/")
    page.keyboard.press("Tab")  # the skip link
    assert page.evaluate(HEADER_TAB_ORDER)["text"] == "Skip to main content"

    focused = []
    for _ in range(3):
        page.keyboard.press("Tab")
        focused.append(page.evaluate(HEADER_TAB_ORDER))
    product, sign_out, menu = focused

    assert [product["text"], sign_out["text"]] == ["tracker", "Sign out"]
    assert product["inHeader"] and sign_out["inHeader"] and not menu["inHeader"]
    assert product["left"] < sign_out["left"]  # drawn left to right in the order they are reached
    for item in (product, sign_out):  # GOV.UK's focus: yellow behind black text, a black underline
        assert item["background"] == FOCUS_YELLOW and item["colour"] == TEXT_BLACK, item
        assert TEXT_BLACK in item["shadow"], item
