"""GOV.UK components drawn once per process for the same parameters.

A component's HTML depends on its parameters alone, and the heavy macros cost far more to call than
their HTML costs to look up: the dashboard's pagination (about half a millisecond of CPU) is drawn on
every computed dashboard, mostly with the parameters its view had the last time it was computed.
"""

from __future__ import annotations

from flask import current_app
from markupsafe import Markup

_KEPT = 256  # distinct parameters kept (then all are forgotten: a bound, not a policy)
_DRAWN: dict[tuple[str, str], Markup] = {}


def drawn_once(component: str, params: dict) -> Markup:
    """`{{ drawn_once("pagination", params) }}`: what the GOV.UK component's macro (govukPagination) gives
    for these parameters, drawn the first time they are asked for. The parameters must be plain data
    (text, numbers, lists and dicts of them): their repr is the key."""
    key = (component, repr(params))
    if (html := _DRAWN.get(key)) is None:
        if len(_DRAWN) >= _KEPT:
            _DRAWN.clear()
        macros = current_app.jinja_env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
        macro = getattr(macros, "govuk" + "".join(word.capitalize() for word in component.split("-")))
        html = _DRAWN[key] = Markup(macro(params))
    return html
