"""Check every page a test fetches: the HTML parses with balanced tags, has a title, and no id twice."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets a page leave out.
OPTIONAL_END = {"p", "li", "dt", "dd", "option", "tr", "td", "th", "thead", "tbody"}


class _PageParser(HTMLParser):
    """Collect ids, the title and nesting errors while parsing."""

    def __init__(self):
        """Start with nothing seen."""
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        """Note ids, the title, and open elements."""
        for name, value in attrs:
            if name == "id":
                self.ids.append(value or "")
        if tag == "title":
            self._in_title = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        """A self-closed element opens and closes at once."""
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        """Close the element, allowing the end tags HTML lets a page leave out."""
        if tag == "title":
            self._in_title = False
        if tag in VOID:
            return
        while self.stack and self.stack[-1] != tag and self.stack[-1] in OPTIONAL_END:
            self.stack.pop()
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> at line {self.getpos()[0]} (open: {self.stack[-3:]})")
            return
        self.stack.pop()

    def handle_data(self, data):
        """Collect the title's text."""
        if self._in_title:
            self.title += data


def check_html(html: str) -> str:
    """Assert the page is well formed, titled and free of duplicate ids; return its title."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    assert html.lstrip().lower().startswith("<!doctype html>"), "the page has no doctype"
    assert not parser.errors, parser.errors
    leftover = [tag for tag in parser.stack if tag not in OPTIONAL_END]
    assert not leftover, f"unclosed elements: {leftover}"
    assert parser.title.strip(), "the page has no <title>"
    dupes = [i for i, n in Counter(parser.ids).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    return parser.title.strip()


def get_page(client, url: str, status: int = 200) -> str:
    """Fetch a page, check its status and its HTML, and return the HTML."""
    response = client.get(url)
    assert response.status_code == status, f"{url}: {response.status_code}"
    html = response.get_data(as_text=True)
    check_html(html)
    return html


def post_page(client, url: str, data: dict, status: int = 200, **kwargs) -> str:
    """Post a form that is expected to re-display (not redirect); check the HTML; return it."""
    response = client.post(url, data=data, **kwargs)
    assert response.status_code == status, f"{url}: {response.status_code}"
    html = response.get_data(as_text=True)
    check_html(html)
    return html
