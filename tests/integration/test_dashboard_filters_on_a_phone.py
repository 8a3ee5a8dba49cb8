"""The dashboard's filters: folded away unless one is wrong, so the results come first; the chosen
ones shown as tags, each a link to the same view without it (the MOJ filter pattern)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.page_check import get_page
from tracker.domain.statuses import Role


def _tags(html: str) -> dict[str, dict]:
    """The filter tags: their words, and the query each links to."""
    return {
        unescape(re.sub(r"<[^>]+>", "", words)).replace("Remove this filter: ", ""): parse_qs(urlsplit(unescape(href)).query)
        for href, words in re.findall(r'<a class="tracker-filter-tag" href="([^"]+)">(.*?)</a>', html)
    }


def test_chosen_filters_are_tags_that_remove_themselves_and_the_panel_stays_folded(as_role):
    client = as_role(Role.EDITOR, ("cumbria", "lancashire"))
    html = get_page(client, "/?as_of=2022-04-01&force=cumbria&window=open&type=recommendation&sort=owner&page=2")

    tags = _tags(html)
    assert set(tags) == {"As of 1 April 2022", "Force: Cumbria Constabulary", "Due: All open items", "Item: Recommendation"}
    assert "as_of" not in tags["As of 1 April 2022"] and tags["As of 1 April 2022"]["force"] == ["cumbria"]
    assert "force" not in tags["Force: Cumbria Constabulary"] and tags["Force: Cumbria Constabulary"]["as_of"] == ["2022-04-01"]
    assert all(query.get("sort") == ["owner"] and "page" not in query for query in tags.values())
    assert re.search(r'<details class="govuk-details"\s*>', html)  # folded
    assert html.index("At a glance") < html.index("Filter, sort and date")


def test_no_tags_without_filters_and_the_panel_opens_to_show_an_error(as_role):
    client = as_role(Role.EDITOR)
    assert not _tags(get_page(client, "/"))
    wrong = client.get("/?as_of=banana").get_data(as_text=True)
    assert re.search(r'<details class="govuk-details"\s*open', wrong)
