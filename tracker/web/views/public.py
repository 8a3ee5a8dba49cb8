"""The public pages (no sign-in): an index of forces, each force's published responses, their PDFs,
an Atom feed and a calendar of the responses still due; the accessibility statement, privacy notice
and contact page. The header names the office and links to its own website, never to the staff side.

Only published versions are reachable here: a response with no published version answers 404,
and the HTML shown is the copy stored when the version was published, not the current draft.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from tracker.documents import exports
from tracker.documents.exports import CalendarEvent
from tracker.documents.phrases import ENGLISH, WELSH
from tracker.documents.response import response_title
from tracker.domain.clocks import Source
from tracker.domain.text import printable
from tracker.models import utcnow
from tracker.services import inspections as inspection_service
from tracker.services import public as public_service
from tracker.services import responses as response_service
from tracker.web.i18n import N_, current_language, govuk_date, public_language
from tracker.web.views._helpers import site_url
from tracker.web.views.responses import send_version

bp = Blueprint("public", __name__, url_prefix="/public")

ATOM = "http://www.w3.org/2005/Atom"
FEED_EPOCH = "2000-01-01T00:00:00Z"
# When the accessibility statement was prepared and these pages last tested: change it on review.
STATEMENT_PREPARED = date(2026, 11, 29)


# The labels of the domain the public pages show, translated where they are shown: the kinds and
# statuses of progress since publication, the sources of the force page's filter.
# (tests/integration/test_public_translations.py checks they are every Kind, TrackingStatus and Source label.)
PUBLIC_LABELS = (
    N_("Recommendation"), N_("Area for improvement"), N_("Cause of concern"),
    N_("Awaiting review"), N_("Being progressed"), N_("Complete"), N_("No further action needed"), N_("For information"),
    N_("HMICFRS (police)"), N_("HMICFRS (fire)"), N_("IOPC"), N_("Coroner"), N_("Other"),
)


def today() -> date:
    """Today's date (one place, so tests can fix the clock)."""
    return date.today()


def _public_url(endpoint: str, **values) -> str:
    """The full address of a public page, for people to copy into an app."""
    return current_app.config["TRACKER_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


@bp.context_processor
def _helpers() -> dict:
    return {"public_url": _public_url}


def _force_or_404(force_slug: str):
    """The force, or 404."""
    force = inspection_service.get_force(force_slug)
    if force is None:
        abort(404)
    return force


def _published_or_404(force_slug: str, inspection_slug: str):
    """A response with at least one published version, or 404 (nothing unpublished is reachable)."""
    response = response_service.get_response(force_slug, inspection_slug)
    if response is None or not response.versions:
        abort(404)
    return response


def _published_dir() -> Path:
    """The folder published files are kept in."""
    return Path(current_app.config["TRACKER_PUBLISHED_DIR"])


@bp.get("/")
def index():
    """Every force with published responses, with its office and how many it has published."""
    return render_template("public/index.html", forces=public_service.forces_with_published_responses())


def _optional_force(force_slug: str | None):
    """The force named (404 when there is none of that name), or None for the pages of every force."""
    return None if force_slug is None else _force_or_404(force_slug)


@bp.get("/accessibility", defaults={"force_slug": None})
@bp.get("/<force_slug>/accessibility")
def accessibility(force_slug: str | None):
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018 require."""
    return render_template("public/accessibility.html", force=_optional_force(force_slug),
                           statement_prepared=STATEMENT_PREPARED)


@bp.get("/privacy", defaults={"force_slug": None})
@bp.get("/<force_slug>/privacy")
def privacy(force_slug: str | None):
    """What these pages record about the people who read them (nothing about who they are)."""
    return render_template("public/privacy.html", force=_optional_force(force_slug))


@bp.get("/contact", defaults={"force_slug": None})
@bp.get("/<force_slug>/contact")
def contact(force_slug: str | None):
    """How to reach the office (or, without a force, every office with published responses)."""
    force = _optional_force(force_slug)
    offices = [force] if force else [f for f, _ in public_service.forces_with_published_responses()]
    return render_template("public/contact.html", force=force, offices=offices)


@bp.get("/<force_slug>/deadlines.ics")
def deadlines(force_slug: str):
    """The dates the force's responses not yet published are due, as an iCalendar feed."""
    force = _force_or_404(force_slug)
    events = [
        CalendarEvent(uid=f"response-{r.id}@tracker", day=r.due_on,
                      summary=_("Response due: %(report)s", report=r.inspection.title),
                      description=_("The date by which %(commissioner)s must publish the response to '%(report)s'.",
                                    commissioner=force.commissioner_title, report=r.inspection.title),
                      url=_public_url("public.force_page", force_slug=force.slug))
        for r in public_service.upcoming_deadlines(force, today())
    ]
    body = exports.events_to_ics(events, _("%(office)s: responses due", office=force.opcc_name), utcnow())
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{force.slug}-responses-due.ics"'
    return response


@bp.get("/<force_slug>")
def force_page(force_slug: str):
    """'HMICFRS reports and responses': the force's published responses by year, with PDFs and report links."""
    force = _force_or_404(force_slug)
    responses = response_service.published_responses(force)
    sources = sorted({Source(r.inspection.source) for r in responses}, key=list(Source).index)
    chosen = request.args.get("source") or None
    if chosen is not None:  # ?source=iopc: one source's responses; a source not published here names nothing
        if chosen not in {s.value for s in sources}:
            abort(404)
        responses = [r for r in responses if r.inspection.source == chosen]
    ordered = sorted(responses, key=lambda r: (r.versions[-1].published_at, r.id), reverse=True)
    by_year = [(year, list(items)) for year, items in
               itertools.groupby(ordered, key=lambda r: r.versions[-1].published_at.year)]
    return render_template("public/force.html", force=force, by_year=by_year, sources=sources, chosen=chosen,
                           upcoming=public_service.upcoming_deadlines(force, today()))


@bp.get("/<force_slug>/<inspection_slug>")
def response_page(force_slug: str, inspection_slug: str):
    """The public HTML copy of the latest published version of a response: the Welsh copy when the page is
    in Welsh and the version was published in Welsh too, the English one otherwise."""
    response = _published_or_404(force_slug, inspection_slug)
    latest = response.versions[-1]
    language = public_language() if public_language() in response_service.published_languages(latest) else ENGLISH
    body = response_service.published_html(_published_dir(), latest, language)
    if body is None:
        abort(404)
    return render_template("public/response.html", response=response, latest=latest,
                           document_title=response_title(response, language), document_language=language,
                           body=Markup(body),  # our own rendering, escaped when it was published
                           progress=public_service.progress_since_publication(response), as_of=today())


@bp.get("/<force_slug>/<inspection_slug>/progress.csv")
def progress_csv(force_slug: str, inspection_slug: str):
    """Progress since publication, as on the response's public page, as a CSV file."""
    response = _published_or_404(force_slug, inspection_slug)
    as_of = today()
    body = exports.progress_to_csv(public_service.progress_since_publication(response), as_of, translate=_)
    answer = current_app.response_class(body, mimetype="text/csv")
    answer.headers["Content-Disposition"] = (
        f'attachment; filename="{force_slug}-{inspection_slug}-progress-{as_of.isoformat()}.csv"')
    return answer


@bp.get("/<force_slug>/<inspection_slug>/v<int:number>.pdf")
def version_pdf(force_slug: str, inspection_slug: str, number: int):
    """Download a published version's PDF."""
    return send_version(_published_or_404(force_slug, inspection_slug), number)


@bp.get("/<force_slug>/<inspection_slug>/v<int:number>.cy.pdf")
def welsh_pdf(force_slug: str, inspection_slug: str, number: int):
    """Download a published version's Welsh PDF (published with the English by an office that works in Welsh)."""
    return send_version(_published_or_404(force_slug, inspection_slug), number, "cy.pdf")


@bp.get("/<force_slug>/feed.atom")
def feed(force_slug: str):
    """An Atom feed of the force's published responses, one entry per published version."""
    force = _force_or_404(force_slug)
    base = site_url()
    # Kept in a name: the versions find their responses (and inspections) in the session while they live.
    responses = response_service.published_responses(force)
    versions = sorted(
        (v for r in responses for v in r.versions),
        key=lambda v: (v.published_at, v.id), reverse=True,
    )
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "cy" if current_language() == "cy" else "en-GB")

    def sub(parent, tag, text=None, **attrs):
        """Add an Atom element with optional text and attributes (without what XML does not allow)."""
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: printable(v) for k, v in attrs.items()})
        if text is not None:
            element.text = printable(text)
        return element

    page_url = base + url_for("public.force_page", force_slug=force.slug)
    sub(root, "id", page_url)
    sub(root, "title", f"{force.opcc_name}: {_('HMICFRS reports and responses')}")
    sub(root, "updated", _atom_time(versions[0].published_at) if versions else FEED_EPOCH)
    sub(root, "link", rel="self", type="application/atom+xml",
        href=base + url_for("public.feed", force_slug=force.slug))
    sub(root, "link", rel="alternate", type="text/html", href=page_url)
    author = sub(root, "author")
    sub(author, "name", force.opcc_name)
    for version in versions:
        response = version.response
        inspection = response.inspection
        entry = sub(root, "entry")
        pdf_url = base + url_for("public.version_pdf", force_slug=force.slug, inspection_slug=inspection.slug,
                                 number=version.number)
        sub(entry, "id", pdf_url)
        title = _("Response to %(report)s", report=inspection.title)
        sub(entry, "title", title if version.number == 1 else _("%(title)s (version %(number)s)", title=title,
                                                                  number=version.number))
        sub(entry, "updated", _atom_time(version.published_at))
        sub(entry, "published", _atom_time(version.published_at))
        sub(entry, "link", rel="alternate", type="text/html",
            href=base + url_for("public.response_page", force_slug=force.slug, inspection_slug=inspection.slug))
        sub(entry, "link", rel="enclosure", type="application/pdf", href=pdf_url, length=str(version.size),
            hreflang="en")
        if WELSH in response_service.published_languages(version):  # the Welsh copy published with it
            sub(entry, "link", rel="enclosure", type="application/pdf", hreflang="cy", length=str(version.size_cy),
                href=base + url_for("public.welsh_pdf", force_slug=force.slug, inspection_slug=inspection.slug,
                                    number=version.number))
        if inspection.url:
            sub(entry, "link", rel="related", type="text/html", href=inspection.url, title=_("The HMICFRS report"))
        summary = _("%(response)s: %(report)s, published by HMICFRS on %(date)s.",
                    response=response_title(response, current_language()),
                    report=inspection.title, date=govuk_date(inspection.published_on))
        if version.reason:
            summary += " " + _("Published again: %(reason)s", reason=version.reason)
        sub(entry, "summary", summary)
    xml = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return current_app.response_class(xml, mimetype="application/atom+xml")


def _atom_time(value) -> str:
    """A stored naive-UTC time as an RFC 3339 timestamp."""
    return value.replace(microsecond=0).isoformat() + "Z"
