"""The filters' selects write their own options: the same markup as the GOV.UK macro's."""

from __future__ import annotations

import re

import pytest
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from werkzeug.datastructures import MultiDict

from tracker.web.views.filters import FilterForm


def _normal(html: str) -> str:
    """The markup with the whitespace between tags taken out."""
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


@pytest.mark.parametrize("chosen", ["", "s7", "b&<x"])
def test_the_long_select_renders_as_the_govuk_select_does(app, chosen):
    with app.test_request_context("/"):
        form = FilterForm(MultiDict({"theme": chosen} if chosen else {}))
        form.theme.choices = ([("", "All themes")] + [(f"s{i}", f"Theme {i} & <b>\"'") for i in range(20)]
                              + [("b&<x", "Odd")])
        form.theme.errors = ["Select a theme from the list"] if chosen == "b&<x" else []
        fast = str(form.theme(params={"classes": "tracker-select-full"}))
        form.theme.widget = GovSelect()
        macro = str(form.theme(params={"classes": "tracker-select-full"}))
    assert _normal(fast) == _normal(macro)
    assert fast.count("<option") == 22 and "&lt;b&gt;" in fast and "<b>" not in fast
    if chosen:
        assert fast.count(" selected") == 1
