"""The language of a page: the public pages in English or Welsh (Cymraeg), the staff pages in English.

A public page is in Welsh when its address says so, `?lang=cy`; without it (or with any other value)
it is in English. The address, not a cookie or the browser's Accept-Language, because then:
- it works without JavaScript and sets no cookie (the privacy notice says the pages set none);
- a Welsh page can be bookmarked, linked to and shared as Welsh;
- each language has its own address, so no cache (ours, keyed on the language too, or a proxy's,
  keyed on the address) can give one language's copy to a request for the other.

While a Welsh public page is drawn, every link to another public page keeps `lang=cy` (see
_keep_the_language), so a reader who chose Welsh stays in Welsh; the language switch links to the
same page, with the same query, in the other language.

Flask-Babel's locale follows public_language() on public pages; documents rendered for another
language (a Welsh PDF) set theirs with flask_babel.force_locale("cy"), and the dates follow it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, has_request_context, request, url_for
from flask_babel import Babel, get_locale, refresh
from markupsafe import Markup

from tracker.domain.formatting import filesize as _filesize
from tracker.domain.formatting import govuk_date as _govuk_date

ENGLISH, WELSH = "en", "cy"
LANGUAGES = (ENGLISH, WELSH)
QUERY = "lang"  # ?lang=cy
PUBLIC = "public"  # the blueprint whose pages have a Welsh copy

babel = Babel()


def N_(text: str) -> str:  # noqa: N802  (the name the message extractor knows)
    """Mark a text for the message catalogue; it is translated where it is shown (_(text) in a template)."""
    return text


def public_language() -> str:
    """"cy" when this request is for a public page in Welsh (?lang=cy), else "en"."""
    if has_request_context() and request.blueprint == PUBLIC and request.args.get(QUERY) == WELSH:
        return WELSH
    return ENGLISH


def current_language() -> str:
    """The language pages and documents are being drawn in now: "cy" or "en" (Flask-Babel's locale,
    which force_locale can change for a document)."""
    locale = get_locale() if has_request_context() else None
    return WELSH if locale is not None and locale.language == WELSH else ENGLISH


def html_lang() -> str:
    """The page's lang attribute: "cy", or "en-GB" as the staff pages have always said."""
    return WELSH if current_language() == WELSH else "en-GB"


def govuk_date(value) -> str:
    """17 September 2021, or 17 Medi 2021 while drawing in Welsh."""
    return _govuk_date(value, current_language())


def in_english(value):
    """Text that stays in English (HMICFRS's words, an office's own names and texts), marked lang="en"
    when the page around it is Welsh, so that a screen reader reads it as English."""
    if value and current_language() == WELSH:
        return Markup('<span lang="en">{}</span>').format(value)
    return value


def office_name(force, marked: bool = True):
    """The office's name in the page's language: on a Welsh page its Welsh name where it has one (marked
    lang="cy"), else its English name (marked lang="en" on a Welsh page, as `in_english`). Unmarked for
    where markup cannot go (the page's title)."""
    welsh = current_language() == WELSH and force.opcc_name_cy
    if not marked:
        return force.opcc_name_cy if welsh else force.opcc_name
    if welsh:
        return Markup('<span lang="cy">{}</span>').format(force.opcc_name_cy)
    return in_english(force.opcc_name)


def filesize(size) -> str:
    """'840 bytes', '12 KB', '1.4 MB'; '840 beit' while drawing in Welsh."""
    return _filesize(size, current_language())


@dataclass(frozen=True)
class LanguageLink:
    """One choice of the language switch: the language, its name in itself, this page in it."""

    code: str
    name: str
    href: str
    current: bool


NAMES = {ENGLISH: "English", WELSH: "Cymraeg"}  # each language's name in itself, never translated


def language_links() -> list[LanguageLink]:
    """This page in English and in Welsh (the same address, the same query but for lang)."""
    here = current_language()
    view_args = request.view_args or {}
    # The query as it came, but never a value for the address's own parts or one of url_for's options
    # (_external, _scheme, _anchor...): a reader's query must not change where the switch leads.
    query = {k: v for k, v in request.args.lists() if k != QUERY and k not in view_args and not k.startswith("_")}
    values = {**query, **view_args}
    return [LanguageLink(code, NAMES[code], url_for(request.endpoint, **values, **{QUERY: WELSH if code == WELSH else None}),
                         code == here)
            for code in LANGUAGES]


def _select_locale() -> str:
    """Public pages in the language their address asks for; every other page in English."""
    return public_language()


def _keep_the_language(endpoint: str, values: dict) -> None:
    """Links to public pages drawn on a Welsh public page stay in Welsh (unless they say otherwise)."""
    if endpoint.startswith(PUBLIC + ".") and QUERY not in values and public_language() == WELSH:
        values[QUERY] = WELSH


def _content_language(response):
    """Say which language a public page (or its error page) is in (Content-Language), for browsers and caches."""
    if request.blueprint == PUBLIC and response.mimetype == "text/html":
        response.headers["Content-Language"] = public_language()
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel with the catalogues in tracker/translations, the locale chosen as above, the
    helpers for templates, and Welsh dates where the page is Welsh."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", ENGLISH)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")  # relative to the tracker package
    babel.init_app(app, locale_selector=_select_locale)
    # Flask-Babel keeps the locale in `g`: a request must choose its own, never inherit the one of an
    # earlier request in the same application context (as the tests' requests share one).
    app.before_request(refresh)
    app.url_defaults(_keep_the_language)
    app.after_request(_content_language)
    app.jinja_env.filters.update(govuk_date=govuk_date, filesize=filesize, in_english=in_english,
                                 office_name=office_name)
    # Every {% trans %} block's whitespace is trimmed, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(html_lang=html_lang, language_links=language_links,
                                 current_language=current_language)
