"""Render HTML to an accessible, reproducible PDF with WeasyPrint, fetching nothing but our own assets.

One function, `render_pdf`. The documents it renders hold text that users typed, so WeasyPrint's
URL fetcher is replaced by one that serves only files shipped in `reports/` (print CSS, fonts,
images), addressed as `tracker-asset:/<path>`, and refuses every other URL: `file:`, `http(s):`,
`data:`, `ftp:` and the rest, with no redirects. No text in a document can read a local file or
reach a network address.

The output is PDF/UA-1 (tagged, with its title and language), and the same HTML always gives the
same bytes: the creation and modification dates are fixed and the file identifier is derived from
the content (`with_file_identifier`), so anyone can re-derive a published file's SHA-256.

Speed: each thread keeps one WeasyPrint FontConfiguration (fonts found and loaded once) and the
print stylesheets parsed once (`stylesheet=`, a file in reports/ fetched through the same safe
fetcher), instead of building both again for every document. The output bytes are the same.
Python's cyclic garbage collector is paused while a document is rendered (`cyclic_gc_paused`): the
tens of thousands of boxes WeasyPrint makes would otherwise set off full collections that walk
every object of the process (about a tenth of a long response's CPU); what the rendering leaves in
cycles is collected once at its end, from the young generation alone.

A caller may pass a `store` (a cache with get and set, such as the app's shared page cache): the PDF is
then kept under a hash of everything it is rendered from (the HTML, the title, the dates, the print
CSS's bytes and the versions of WeasyPrint and pydyf) and given again for the same input without
rendering. The web page's draft download does so; a benchmark or a published version never does.

WeasyPrint only *logs* an ERROR for a missing `lang`, an image without `alt`, or a resource it
could not load, and still writes the PDF. Here such a record stops the rendering (PdfRenderError):
a statutory document that is not accessible, or is missing a part, is never produced silently.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import mimetypes
import re
import threading
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import cssselect2
import pydyf
import tinyhtml5
import weasyprint
from weasyprint import CSS, HTML
from weasyprint.html import UA, UA_COUNTER_STYLE, UA_FORM_STYLESHEET
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tracker._files import folder

REPORTS_DIR = folder("reports")
ASSET_SCHEME = "tracker-asset"
# Only these kinds of file are served from reports/: never templates or anything else there.
ASSET_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}
# Fixed dates written as the PDF's CreationDate and ModDate (and in its XMP), for byte-identical output.
FIXED_DATE = "2000-01-01T00:00:00Z"
PDF_VARIANT = "pdf/ua-1"


class PdfStore(Protocol):
    """Where rendered PDFs may be kept, by a key render_pdf draws from their content (a Flask-Caching cache)."""

    def get(self, key: str) -> bytes | None:
        """The PDF kept under the key, or None."""

    def set(self, key: str, value: bytes) -> object:
        """Keep the PDF under the key."""


class PdfRenderError(Exception):
    """WeasyPrint reported an error (missing lang or alt text, a resource refused or not found)."""


class RefusedURL(ValueError):
    """A document asked for a URL that is not one of the app's own bundled assets."""


def asset_url(relative_path: str) -> str:
    """The URL a report template uses for a file shipped in reports/ ('print/response.css')."""
    return f"{ASSET_SCHEME}:/{relative_path.lstrip('/')}"


def asset_path(url: str) -> Path:
    """Map a `tracker-asset:/...` URL to a file in reports/, or raise RefusedURL.

    Only exact, existing files of an allowed type inside reports/ are served: no other scheme,
    no '..', no query, no symlink out of the folder.
    """
    prefix = f"{ASSET_SCHEME}:/"
    if not url.startswith(prefix):
        raise RefusedURL(f"refused a URL that is not a bundled asset: {url[:200]}")
    relative = url[len(prefix):]
    if not relative or "?" in relative or "#" in relative or "\\" in relative or "%" in relative:
        raise RefusedURL(f"refused a malformed asset URL: {url[:200]}")
    root = REPORTS_DIR.resolve()
    path = (root / relative).resolve()
    if root not in path.parents or path.suffix.lower() not in ASSET_TYPES or not path.is_file():
        raise RefusedURL(f"refused an asset that is not shipped in reports/: {url[:200]}")
    return path


class AssetOnlyFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves the app's own assets from reports/ and refuses the rest.

    It allows no protocol to WeasyPrint's own opener and follows no redirect; `fetch` never calls
    the parent's network or file handlers.
    """

    def __init__(self):
        """Build the fetcher with no allowed protocols and redirects off."""
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        """Return a bundled asset's bytes, or raise RefusedURL for any other URL."""
        path = asset_path(url)
        content_type = ASSET_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


class _ErrorCollector(logging.Handler):
    """Collect WeasyPrint's ERROR (and worse) log records during one rendering."""

    def __init__(self):
        """Start with no records."""
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        """Keep the record's message."""
        self.messages.append(record.getMessage())


# Per thread (Pango's font maps are not shared between threads): the FontConfiguration and the
# parsed stylesheets, by (path in reports/, modification time).
_cache = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's FontConfiguration, made on first use and reused by every rendering."""
    font_config = getattr(_cache, "font_config", None)
    if font_config is None:
        font_config = _cache.font_config = FontConfiguration()
    return font_config


def _stylesheet(relative_path: str, collector: _ErrorCollector) -> CSS:
    """A print stylesheet shipped in reports/, parsed once per thread (again if the file changes).

    It is fetched through AssetOnlyFetcher like a linked one; a sheet whose parsing logged an
    error is not kept, so every rendering that uses it fails the same way.
    """
    url = asset_url(relative_path)
    key = (relative_path, asset_path(url).stat().st_mtime_ns)
    sheets = _cache.__dict__.setdefault("stylesheets", {})
    sheet = sheets.get(key)
    if sheet is None:
        errors_before = len(collector.messages)
        sheet = CSS(url=url, url_fetcher=AssetOnlyFetcher(), font_config=_font_config())
        if len(collector.messages) == errors_before:
            sheets[key] = sheet
    return sheet


_gc_lock = threading.Lock()
_gc_pause = {"renderings": 0, "was_enabled": False}


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the block runs (in any number of threads at once), then
    collect the young generation: the cycles the block left, without walking the older objects.

    Reference counting still frees everything else at once, so memory does not pile up meanwhile.
    """
    with _gc_lock:
        if _gc_pause["renderings"] == 0:
            _gc_pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pause["renderings"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["renderings"] -= 1
            if _gc_pause["renderings"] == 0 and _gc_pause["was_enabled"]:
                gc.enable()
        gc.collect(0)


def pdf_key(html: str, *, title: str, stylesheet: str | None = None, created: str | None = None) -> str:
    """A key for the PDF of this input: a hash of all that render_pdf makes it from (the same key, the same
    bytes): the HTML, the title, the date, the stylesheet's name, every asset shipped in reports/ (the print
    CSS, the watermark: a few kilobytes) and the versions of WeasyPrint and pydyf."""
    assets = sorted(path for path in REPORTS_DIR.rglob("*") if path.suffix.lower() in ASSET_TYPES and path.is_file())
    parts = [PDF_VARIANT, weasyprint.__version__, pydyf.__version__, title, created or FIXED_DATE, stylesheet or "",
             html, *(part for path in assets for part in (str(path.relative_to(REPORTS_DIR)), path.read_bytes()))]
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode()
        digest.update(str(len(data)).encode() + b":" + data)
    return "pdf:" + digest.hexdigest()


def render_pdf(html: str, *, title: str, strict: bool = True, stylesheet: str | None = None,
               created: str | None = None, store: PdfStore | None = None) -> bytes:
    """Render an HTML document (lang="en-GB") to PDF/UA-1 bytes, the same bytes for the same input.

    `title` goes in the PDF's metadata and is shown as the window title. `stylesheet` is the
    print CSS in reports/ ('print/response.css'), applied without the HTML linking it (parsed once
    per thread). With `strict` (the default), any ERROR WeasyPrint logs while rendering raises
    PdfRenderError instead of giving a PDF that silently lacks something. `created` (ISO 8601,
    UTC) is written as the creation and modification date; by default a fixed date. With a `store`, a
    PDF kept there for the same input (pdf_key) is given without rendering, and a new one is kept.
    """
    key = pdf_key(html, title=title, stylesheet=stylesheet, created=created) if store is not None else None
    if key is not None and (kept := store.get(key)) is not None:
        return kept
    collector = _ErrorCollector()
    weasy_logger = logging.getLogger("weasyprint")
    # logging.config.fileConfig (Alembic's env.py) disables loggers that exist already: its records
    # would then reach no handler, and an inaccessible PDF would pass unnoticed.
    weasy_logger.disabled = False
    if weasy_logger.getEffectiveLevel() > logging.ERROR:
        weasy_logger.setLevel(logging.WARNING)
    weasy_logger.addHandler(collector)
    try:
        with cyclic_gc_paused():
            pdf = _render_and_write(html, title, stylesheet, created, collector)
    finally:
        weasy_logger.removeHandler(collector)
    if strict and collector.messages:
        raise PdfRenderError("; ".join(collector.messages))
    if key is not None and not collector.messages:
        store.set(key, pdf)
    return pdf


# What an XML parser would read otherwise than an HTML5 parser, or should not be given: any declaration but
# the doctype (an entity, an attribute list, a CDATA section), the elements whose content HTML does not parse
# as markup (script, style) or trims (pre, textarea), a base URL, namespaces, and a tag broken over lines (XML
# reads a line break or tab in an attribute's value as a space).
_NOT_READ_ALIKE = re.compile(r"<!(?!DOCTYPE html>)|<(?:script|style|pre|textarea|base)\b|xmlns|xml:|<[^>]*[\t\n\r]")


@functools.cache
def print_ua_stylesheet() -> CSS:
    """WeasyPrint's default (user agent) stylesheet, its pseudo-elements narrowed to those the documents draw.

    Its rules for ::marker, ::footnote-call, ::footnote-marker, ::note-call, ::note-marker and
    ::note-callback match every element, so WeasyPrint computes six pseudo-elements' styles for each of
    a long response's 580 elements (about 4% of its rendering), where only list items have markers and
    no document has footnotes or notes. Here the markers' rule is for list items, and the notes' rules
    are left out (tests/unit/test_pdf.py checks that no print template or stylesheet uses them).
    """
    rules = [line for line in UA.splitlines() if not line.startswith(("::footnote-", "::note-"))]
    markers = [i for i, line in enumerate(rules) if line.startswith("::marker {")]
    if len(rules) != len(UA.splitlines()) - 5 or len(markers) != 1:
        raise RuntimeError("WeasyPrint's default stylesheet has changed: check print_ua_stylesheet against it")
    rules[markers[0]] = "li" + rules[markers[0]]
    return CSS(string="\n".join(rules), counter_style=UA_COUNTER_STYLE)


class _Document(HTML):
    """A WeasyPrint document made from a parsed tree, as HTML() makes it from the tree its HTML5 parser gives (no
    base URL: the fetcher refuses any URL that is not a bundled asset's, which needs none), rendered with
    print_ua_stylesheet."""

    def __init__(self, root: ElementTree.Element, url_fetcher: URLFetcher):
        """Wrap the tree as HTML() does."""
        self.base_url = None
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms=False):
        """The default stylesheets WeasyPrint applies before the document's own."""
        return [print_ua_stylesheet(), UA_FORM_STYLESHEET] if forms else [print_ua_stylesheet()]


def parsed_html(html: str, url_fetcher: URLFetcher) -> HTML:
    """The document for WeasyPrint to render.

    HTML that is also well-formed XML (reports/response.html is written so: an upper-case doctype, void
    elements closed) is parsed by the standard library's XML parser, expat, in C: under a millisecond for
    a long response, where WeasyPrint's HTML5 parser (tinyhtml5, in Python) takes about 30 ms, a twentieth
    of the rendering. For such markup both give the same tree, so the same PDF (tests/unit/test_pdf.py and
    the responses' tests compare the bytes). Any other HTML, or markup that the two read differently
    (_NOT_READ_ALIKE), is parsed as HTML5, as WeasyPrint parses it.
    """
    root = xml_tree(html)
    if root is None:
        root = tinyhtml5.parse(html, namespace_html_elements=False)
    return _Document(root, url_fetcher)


def xml_tree(html: str) -> ElementTree.Element | None:
    """The tree of HTML parsed as XML, or None where it is not well-formed XML or XML would read it otherwise."""
    if _NOT_READ_ALIKE.search(html):
        return None
    try:
        return ElementTree.fromstring(html)
    except ElementTree.ParseError:
        return None


def _render_and_write(html: str, title: str, stylesheet: str | None, created: str | None,
                      collector: _ErrorCollector) -> bytes:
    """Lay out and write the PDF (in a function of its own, so that the laid-out document is freed
    before the young generation is collected)."""
    stylesheets = [_stylesheet(stylesheet, collector)] if stylesheet else None
    document = parsed_html(html, AssetOnlyFetcher()).render(
        pdf_variant=PDF_VARIANT, font_config=_font_config(), stylesheets=stylesheets
    )
    metadata = document.metadata
    metadata.title = title
    metadata.created = created or FIXED_DATE
    metadata.modified = created or FIXED_DATE
    metadata.generator = "tracker"
    return with_file_identifier(document.write_pdf(pdf_variant=PDF_VARIANT))


def with_file_identifier(pdf: bytes) -> bytes:
    """The PDF with its file identifier (the trailer's /ID) set to the MD5 of the file written without it.

    pydyf, asked for an identifier (`pdf_identifier=True`), serialises and compresses every object of the
    file a second time only to hash them: about a sixth of writing a long response. The file it writes is
    already the same for the same input, so its hash is as good an identifier, for a thousandth of the
    cost. The identifier goes into the cross-reference stream's dictionary, the last object of the file:
    inserted there, it moves no object that the cross-reference offsets point to, nor the stream's length.
    """
    xref_at = int(pdf[pdf.rindex(b"startxref") + len(b"startxref"):].split()[0])
    dictionary_at = pdf.find(b"<</Type /XRef", xref_at, xref_at + 64)
    if dictionary_at < 0 or pdf.find(b"/ID ", dictionary_at, pdf.find(b">>", dictionary_at)) >= 0:
        raise PdfRenderError("the PDF does not end with a cross-reference stream without an identifier")
    digest = hashlib.md5(pdf, usedforsecurity=False).hexdigest().encode()
    inserted_at = dictionary_at + len(b"<<")
    return pdf[:inserted_at] + b"/ID [(" + digest + b") (" + digest + b")]" + pdf[inserted_at:]
