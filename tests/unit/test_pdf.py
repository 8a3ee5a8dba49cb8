"""tracker.pdf: PDF/UA output, fixed bytes for fixed input, and a fetcher that serves only our assets."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest
from pypdf import PdfReader

from tests.loopback import loopback_listener
from tracker.documents.pdf import AssetOnlyFetcher, PdfRenderError, RefusedURL, asset_url, cyclic_gc_paused, render_pdf


def page(body: str, lang: str = ' lang="en-GB"', head: str = "") -> str:
    """A minimal HTML document around a body."""
    return (f'<!doctype html><html{lang}><head><meta charset="utf-8"><title>t</title>{head}'
            f'<style>body {{ font-family: "Liberation Sans", sans-serif; }}</style></head><body>{body}</body></html>')


def text_of(pdf: bytes) -> str:
    """The PDF's extracted text."""
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts_ok(pdf: pikepdf.Pdf) -> list[str]:
    """Return the names of fonts on any page that are not embedded (an empty list when all are)."""
    missing = []
    for pdf_page in pdf.pages:
        fonts = pdf_page.obj.get("/Resources", {}).get("/Font", {})
        for _, font in fonts.items():
            descendants = font.get("/DescendantFonts")
            targets = list(descendants) if descendants is not None else [font]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.append(str(target.get("/BaseFont")))
    return missing


def test_same_html_gives_the_same_bytes():
    """Two renders of one document are byte-identical (fixed dates, content-derived identifier)."""
    html = page("<h1>Response</h1><p>Text</p>")
    assert render_pdf(html, title="A") == render_pdf(html, title="A")


def test_the_file_identifier_is_the_hash_of_the_file_written_without_it():
    """The trailer's /ID is two copies of the MD5 of the file written without it (so another content, another
    identifier), inserted in the cross-reference stream's dictionary: every byte before it stays where it was,
    so every offset the cross-reference gives still points at its object, and the file opens without repair."""
    import hashlib

    from weasyprint import HTML

    from tracker.documents.pdf import PDF_VARIANT, with_file_identifier

    without = HTML(string=page("<h1>Response</h1><p>Text</p>")).write_pdf(pdf_variant=PDF_VARIANT)
    with_id = with_file_identifier(without)
    digest = hashlib.md5(without).hexdigest().encode()
    inserted = b"/ID [(" + digest + b") (" + digest + b")]"
    at = with_id.index(inserted)
    assert with_id[:at] + with_id[at + len(inserted):] == without
    xref_at = int(with_id[with_id.rindex(b"startxref") + 9:].split()[0])
    assert with_id[xref_at:at].endswith(b" 0 obj\n<<") and b"endobj" not in with_id[xref_at:at]
    pdf = pikepdf.open(io.BytesIO(with_id), attempt_recovery=False)
    assert pdf.check_pdf_syntax() == [] and len(pdf.pages) == 1
    assert [bytes(part) for part in pdf.trailer.ID] == [digest, digest]
    other = pikepdf.open(io.BytesIO(render_pdf(page("<h1>Response</h1><p>Other</p>"), title="A")))
    rendered = pikepdf.open(io.BytesIO(render_pdf(page("<h1>Response</h1><p>Text</p>"), title="A")))
    assert bytes(other.trailer.ID[0]) != bytes(rendered.trailer.ID[0])


def test_a_file_identifier_is_set_only_in_a_cross_reference_stream_without_one():
    """A PDF that does not end with a cross-reference stream, or has its identifier already, is refused."""
    from tracker.documents.pdf import with_file_identifier

    with pytest.raises(PdfRenderError):
        with_file_identifier(b"%PDF-1.4\n1 0 obj<<>>endobj\nxref\n0 1\ntrailer<<>>\nstartxref\n20\n%%EOF\n")
    with pytest.raises(PdfRenderError):
        with_file_identifier(render_pdf(page("<p>x</p>"), title="t"))


XML_PAGE = (
    '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n  <meta charset="utf-8" />\n  <title>Tom &amp; Jerry&#39;s</title>\n'
    '  <meta name="description" content="A &quot;quoted&quot; &lt;title&gt;" />\n</head>\n<body class="draft">\n'
    '  <h1 id="top">Heading</h1>\n  <p>Text &amp; more <b>bold</b> <i>it</i> <span lang="cy">Gwasanaeth ŵ ŷ</span></p>\n'
    '  <ul>\n    <li>• one</li>\n    <li>• two\n      <ul><li>◦ nested</li></ul>\n    </li>\n  </ul>\n'
    '  <table><tbody><tr><th scope="row">Key</th><td><a href="https://example.org/a?b=1&amp;c=2">link</a></td></tr>'
    '</tbody></table>\n</body>\n</html>\n'
)


def test_html_that_is_well_formed_xml_is_parsed_as_xml_to_the_same_pdf(monkeypatch):
    """A document written as XML too is parsed by expat, and gives the very bytes the HTML5 parser gives."""
    from tracker.documents import pdf as pdf_module

    assert pdf_module.xml_tree(XML_PAGE) is not None
    as_xml = render_pdf(XML_PAGE, title="t", stylesheet="print/test-asset.css")
    monkeypatch.setattr(pdf_module, "xml_tree", lambda html: None)  # everything to the HTML5 parser
    assert render_pdf(XML_PAGE, title="t", stylesheet="print/test-asset.css") == as_xml


@pytest.mark.parametrize("change", [
    ("<!DOCTYPE html>", "<!doctype html>"),  # not XML
    ("<p>Text", "<p>Text&nbsp;<br>"),  # HTML's entities and void elements
    ("<!DOCTYPE html>", '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]>'),  # a declaration
    ("<title>", "<style>p { color: red }</style><title>"),  # raw text
    ("<h1", "<pre>\nx</pre><h1"),  # a leading line break HTML drops
    ("<title>", '<base href="tracker-asset:/print/" /><title>'),
    ('<span lang="cy">', '<span lang="cy"\ntitle="a\nb">'),  # XML reads the line break as a space
    ('<html lang="en-GB">', '<html xmlns="http://www.w3.org/1999/xhtml" lang="en-GB">'),
    ('lang="cy"', 'xml:lang="cy"'),
    ("Text", "Te\x0cxt"),  # a character XML does not allow
])
def test_html_that_xml_would_read_otherwise_is_parsed_as_html5(change):
    """Markup that is not XML, or that XML reads otherwise than HTML (or should not be given), goes to the
    HTML5 parser."""
    from tracker.documents import pdf as pdf_module

    html = XML_PAGE.replace(*change, 1)
    assert html != XML_PAGE
    assert pdf_module.xml_tree(html) is None


def test_the_default_stylesheet_without_the_notes_draws_lists_and_their_markers_as_weasyprint_s(monkeypatch):
    """print_ua_stylesheet gives markers their default style on list items, as WeasyPrint's own stylesheet does
    (white-space kept, no text-transform): a document of lists gives the same bytes with either."""
    from weasyprint.html import UA_STYLESHEET

    from tracker.documents import pdf as pdf_module

    html = page("<ul style=\"list-style-type: 'x  -  '; text-transform: uppercase\"><li>one</li><li>two<ul><li>nested"
                "</li></ul></li></ul><ol><li>first</li><li>second</li></ol><p>Text</p>")  # a marker's own white-space, case
    ours = render_pdf(html, title="t")
    monkeypatch.setattr(pdf_module._Document, "_ua_stylesheets", lambda self, forms=False: [UA_STYLESHEET])
    assert render_pdf(html, title="t") == ours


def test_no_print_document_uses_footnotes_notes_or_other_list_items():
    """print_ua_stylesheet leaves out the default styles of footnotes and notes and gives markers theirs on list
    items only: no template or print stylesheet in reports/ may use footnotes or notes, or make another element a
    list item (put the rules back in print_ua_stylesheet first)."""
    from pathlib import Path

    reports = Path(__file__).resolve().parents[2] / "reports"
    for path in [*reports.rglob("*.css"), *reports.rglob("*.html")]:
        assert not re.search(r"footnote|::note|float\s*:\s*note|list-item", path.read_text()), path


def test_the_title_changes_the_bytes():
    """The title is part of the file: a different title gives a different file."""
    html = page("<p>Text</p>")
    assert render_pdf(html, title="A") != render_pdf(html, title="B")


def test_output_is_tagged_pdf_ua_with_title_language_and_embedded_fonts():
    """The PDF has a structure tree, MarkInfo, /Lang en-GB, DisplayDocTitle, the title, and embedded fonts."""
    pdf = pikepdf.open(io.BytesIO(render_pdf(page("<h1>Heading</h1><p>Body <b>bold</b> <i>it</i></p>"), title="My title")))
    root = pdf.Root
    assert "/StructTreeRoot" in root
    assert bool(root.MarkInfo.Marked) is True
    assert str(root.Lang) == "en-GB"
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert str(pdf.docinfo["/Title"]) == "My title"
    assert str(pdf.docinfo["/CreationDate"]) == "D:20000101000000Z"
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    assert embedded_fonts_ok(pdf) == []


def test_missing_lang_fails_the_rendering():
    """WeasyPrint only logs a missing lang; render_pdf refuses it."""
    with pytest.raises(PdfRenderError, match="lang"):
        render_pdf(page("<p>x</p>", lang=""), title="t")


def test_image_without_alt_fails_the_rendering():
    """An image without alt text is refused (here a bundled one would be needed; any image triggers it)."""
    with pytest.raises(PdfRenderError):
        render_pdf(page('<img src="tracker-asset:/missing.png">'), title="t")


@pytest.mark.parametrize("url", [
    "file:///etc/hostname",
    "file:///etc/passwd",
    "http://example.invalid/x.png",
    "https://example.invalid/x.png",
    "ftp://example.invalid/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
    "data:text/css,p{color:red}",
    "tracker-asset:/../tracker/config.py",
    "tracker-asset:/print/../../tracker/config.py",
    "tracker-asset:/README.md",
    "tracker-asset:/print/test-asset.css?x=1",
    "tracker-asset:/print/%2e%2e/README.md",
    "tracker-asset:/response.html",
    "TRACKER-ASSET:/print/test-asset.css",
    "javascript:alert(1)",
])
def test_fetcher_refuses_everything_but_bundled_assets(url):
    """Every other scheme, path escape or non-asset file is refused by the fetcher itself."""
    with pytest.raises(RefusedURL):
        AssetOnlyFetcher().fetch(url)


def test_fetcher_serves_a_bundled_stylesheet():
    """A shipped CSS file is served with its type."""
    response = AssetOnlyFetcher().fetch(asset_url("print/test-asset.css"))
    assert b"asset-check" in response.read()
    assert response.content_type == "text/css"


def test_a_bundled_stylesheet_is_used_in_rendering():
    """A template can link a stylesheet shipped in reports/ and render strictly."""
    html = page('<p class="asset-check">styled</p>', head=f'<link rel="stylesheet" href="{asset_url("print/test-asset.css")}">')
    assert "styled" in text_of(render_pdf(html, title="t"))


def test_raw_html_pointing_at_files_and_loopback_makes_no_request_and_embeds_nothing():
    """Even raw markup (never produced from user text) cannot read a file or reach the network."""
    with loopback_listener() as listener:
        html = page(
            f'<img alt="x" src="file:///etc/hostname"><img alt="y" src="{listener.url}img.png">'
            f'<link rel="attachment" href="file:///etc/passwd">'
            f'<link rel="stylesheet" href="{listener.url}style.css">'
            f'<p style="background: url({listener.url}bg.png)">text</p>'
        )
        with pytest.raises(PdfRenderError):
            render_pdf(html, title="t")
        pdf_bytes = render_pdf(html, title="t", strict=False)
        assert listener.connections == []
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
    assert b"root:" not in pdf_bytes
    with open("/etc/hostname", "rb") as f:
        hostname = f.read().strip()
    assert hostname not in text_of(pdf_bytes).encode()


def test_escaped_user_text_renders_as_text():
    """Markup typed by a user, escaped, shows as its characters."""
    with loopback_listener() as listener:
        typed = f'&lt;img src="file:///etc/hostname"&gt; see {listener.url}'
        text = text_of(render_pdf(page(f"<p>{typed}</p>"), title="t"))
        assert listener.connections == []
    assert '<img src="file:///etc/hostname">' in text
    assert listener.url in text


def test_a_stylesheet_passed_by_name_gives_the_same_bytes_as_a_linked_one():
    """`stylesheet=` (parsed once and reused) renders exactly as the same file linked from the HTML."""
    body = '<p class="asset-check">styled</p>'
    linked = page(body, head=f'<link rel="stylesheet" href="{asset_url("print/test-asset.css")}">')
    first = render_pdf(page(body), title="t", stylesheet="print/test-asset.css")
    assert first == render_pdf(page(body), title="t", stylesheet="print/test-asset.css") == render_pdf(linked, title="t")


def test_a_stylesheet_by_name_must_be_a_bundled_asset():
    """Only a CSS file shipped in reports/ can be passed as the stylesheet."""
    with pytest.raises(RefusedURL):
        render_pdf(page("<p>x</p>"), title="t", stylesheet="../tracker/config.py")


def test_the_response_html_does_not_link_its_stylesheet_but_the_pdf_is_styled():
    """The report templates leave the print CSS to render_pdf (not applied twice)."""
    from pathlib import Path

    reports = Path(__file__).resolve().parents[2] / "reports"
    for template in ("response.html", "committee_pack.html"):
        assert 'rel="stylesheet"' not in (reports / template).read_text()


def test_another_thread_renders_the_same_bytes():
    """Each thread keeps its own fonts and stylesheets: a render in a new thread gives the same file."""
    import threading

    html = page('<p class="asset-check">styled</p>')
    results = []
    worker = threading.Thread(target=lambda: results.append(render_pdf(html, title="t", stylesheet="print/test-asset.css")))
    worker.start()
    worker.join()
    assert results == [render_pdf(html, title="t", stylesheet="print/test-asset.css")]


def test_the_garbage_collector_is_paused_while_rendering_and_restored_after():
    """The cyclic collector is off during a rendering, on again after it (and after a failed one), and left off
    when it was off before; the cycles a rendering leaves are collected, so renderings do not pile up objects."""
    import gc

    states = []
    assert gc.isenabled()
    with cyclic_gc_paused():
        states.append(gc.isenabled())
        with cyclic_gc_paused():  # a second rendering at once (another thread) keeps it paused
            pass
        states.append(gc.isenabled())
    assert states == [False, False] and gc.isenabled()
    with pytest.raises(PdfRenderError):
        render_pdf(page("<p>x</p>", lang=""), title="t")
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf(page("<p>x</p>"), title="t")
        assert not gc.isenabled()
    finally:
        gc.enable()
    html = page("<ul>" + "<li>an item of a list, long enough to wrap onto a second line of the page</li>" * 200 + "</ul>")
    render_pdf(html, title="t")
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(3):
        render_pdf(html, title="t")
    assert len(gc.get_objects()) < before + 1000


class DictStore(dict):
    """A PdfStore in a dict."""

    def set(self, key, value):
        self[key] = value


def test_a_store_gives_the_kept_pdf_for_the_same_input_without_rendering(monkeypatch):
    """With a store, the same input is rendered once; any part of the input changed renders anew; without a
    store (a benchmark, a published version) every call renders; a failed rendering keeps nothing."""
    from tracker.documents import pdf as pdf_module

    renders = []
    real = pdf_module._render_and_write
    monkeypatch.setattr(pdf_module, "_render_and_write", lambda *args: renders.append(args) or real(*args))
    store = DictStore()
    html = page("<p>kept</p>")
    first = render_pdf(html, title="t", stylesheet="print/test-asset.css", store=store)
    assert render_pdf(html, title="t", stylesheet="print/test-asset.css", store=store) == first
    assert len(renders) == 1 and list(store.values()) == [first]
    render_pdf(html, title="other", stylesheet="print/test-asset.css", store=store)
    render_pdf(html, title="t", stylesheet="print/test-asset.css", created="2021-11-10T00:00:00Z", store=store)
    render_pdf(page("<p>changed</p>"), title="t", stylesheet="print/test-asset.css", store=store)
    render_pdf(html, title="t", store=store)
    assert len(renders) == 5 and len(store) == 5
    render_pdf(html, title="t", stylesheet="print/test-asset.css")
    render_pdf(html, title="t", stylesheet="print/test-asset.css")
    assert len(renders) == 7
    with pytest.raises(PdfRenderError):
        render_pdf(page("<p>x</p>", lang=""), title="t", store=store)
    assert len(store) == 5


def test_the_key_holds_the_print_assets(monkeypatch, tmp_path):
    """A changed print stylesheet (or any asset in reports/) gives another key, so no PDF drawn with the old one."""
    from tracker.documents import pdf as pdf_module

    (tmp_path / "print").mkdir()
    (tmp_path / "print" / "sheet.css").write_text("p { color: red }")
    monkeypatch.setattr(pdf_module, "REPORTS_DIR", tmp_path)
    before = pdf_module.pdf_key("<p>x</p>", title="t", stylesheet="print/sheet.css")
    assert pdf_module.pdf_key("<p>x</p>", title="t", stylesheet="print/sheet.css") == before
    (tmp_path / "print" / "sheet.css").write_text("p { color: blue }")
    assert pdf_module.pdf_key("<p>x</p>", title="t", stylesheet="print/sheet.css") != before
