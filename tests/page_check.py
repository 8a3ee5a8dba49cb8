"""The tests' one way to read a page: BeautifulSoup (over lxml) to find things in it, and the checks
every fetched page passes (it parses without a mismatched tag, has a title, and no id twice)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from lxml import etree


def soup(html: str) -> BeautifulSoup:
    """The page as a tree to search (`.select("css")`, `.find(...)`, `.get_text()`)."""
    return BeautifulSoup(html, "lxml")


def parse_errors(html: str) -> list[str]:
    """What the HTML parser had to repair: end tags that close nothing open, or close the wrong element."""
    parser = etree.HTMLParser(recover=True)
    etree.fromstring(html.encode(), parser)
    return [f"line {error.line}: {error.message}" for error in parser.error_log]


def ids(html: str) -> list[str]:
    """Every id on the page, in order (twice if used twice)."""
    return [element["id"] for element in soup(html).find_all(id=True)]


def check_html(html: str) -> str:
    """Assert the page is well formed, titled and free of duplicate ids; return its title."""
    assert html.lstrip().lower().startswith("<!doctype html>"), "the page has no doctype"
    errors = parse_errors(html)
    assert not errors, errors
    page = soup(html)
    title = page.title.get_text().strip() if page.title else ""
    assert title, "the page has no <title>"
    dupes = [i for i, n in Counter(element["id"] for element in page.find_all(id=True)).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    return title


@dataclass
class Form:
    """One form of a page: where it goes, how, and what a browser would submit from it as it stands."""

    action: str | None
    method: str
    fields: list[list[str]] = field(default_factory=list)  # [name, value] pairs in page order

    def values(self, name: str) -> list[str]:
        """The values submitted under a name (a date is three boxes of one name; checkboxes many)."""
        return [value for key, value in self.fields if key == name]

    def value(self, name: str) -> str:
        """The one value submitted under a name."""
        found = self.values(name)
        assert len(found) == 1, f"the form has {len(found)} fields named {name!r}"
        return found[0]

    def set(self, name: str, value: str) -> None:
        """Change a single-valued field, as a user typing into it."""
        matching = [pair for pair in self.fields if pair[0] == name]
        assert len(matching) == 1, f"the form has {len(matching)} fields named {name!r}"
        matching[0][1] = value


_NOT_SUBMITTED = {"submit", "button", "file", "image", "reset"}


def forms(html: str) -> list[Form]:
    """Every form of the page with what a browser would submit from it: each named input (checked
    boxes and radios only), select (its selected option, else its first) and textarea."""
    found = []
    for element in soup(html).find_all("form"):
        form = Form(element.get("action"), (element.get("method") or "get").lower())
        for control in element.find_all(["input", "select", "textarea"]):
            name = control.get("name")
            if not name or control.has_attr("disabled"):
                continue
            if control.name == "input":
                kind = (control.get("type") or "text").lower()
                if kind in _NOT_SUBMITTED or (kind in ("checkbox", "radio") and not control.has_attr("checked")):
                    continue
                form.fields.append([name, control.get("value", "on" if kind in ("checkbox", "radio") else "")])
            elif control.name == "select":
                options = control.find_all("option")
                chosen = [o for o in options if o.has_attr("selected")] or options[:1]
                form.fields += [[name, o.get("value", o.get_text())] for o in chosen]
            else:
                form.fields.append([name, control.get_text()])
        found.append(form)
    return found


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


def csrf_token(html: str) -> str:
    """The CSRF token of the page's (first) form."""
    field = soup(html).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no CSRF token"
    return field["value"]


def item_keys(html: str) -> list[str]:
    """The keys (`action-12`) of the dashboard's rows of items, in order."""
    return [row["data-item"] for row in soup(html).select("tr[data-item]")]
