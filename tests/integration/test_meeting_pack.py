"""The meeting pack: items by owner, what changed since the previous pack, RAG now and forecast, dates."""

from __future__ import annotations

import io
import re
from datetime import date

import sqlalchemy as sa
from pdfminer.high_level import extract_text

from tests.factories import get_tracking
from tracker.db import db
from tracker.domain.deadlines import Rag
from tracker.domain.statuses import Role, TrackingStatus
from tracker.models import MeetingPack, MeetingPackItem
from tracker.services.tracking import set_tracking_status


def make_pack(client, query: str):
    """Post the meeting pack's form with these fields (as_of=...&force=...&format=html)."""
    return client.post("/meeting-pack", data=dict(pair.split("=", 1) for pair in query.split("&")))


def section(html: str, heading: str) -> str:
    """The HTML from a heading to the next heading of the same or higher level."""
    start = html.index(heading)
    end = re.search(r"<h[23]>", html[start + len(heading):])
    return html[start: start + len(heading) + (end.start() if end else len(html))]


def test_the_pack_compares_with_the_previous_one(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    get_tracking("cumbria", "3.2").rag_forecast = Rag.AMBER
    db.session.commit()
    first = make_pack(client, "as_of=2022-03-01&format=html").get_data(as_text=True)
    assert "This is the first pack" in first
    # 3.2 and 4.1 are due within 30 days on 1 March: in the pack, not overdue.
    assert "3.2" in first and "4.1" in first
    set_tracking_status(get_tracking("cumbria", "4.1"), TrackingStatus.COMPLETE, date(2022, 3, 20))
    db.session.commit()
    second = make_pack(client, "as_of=2022-04-01&format=html").get_data(as_text=True)
    assert "Compared with the pack as of 1 March 2022" in second
    newly_overdue = section(second, "Newly overdue")
    assert "Recommendation 3.2" in newly_overdue and "Recommendation 4.1" not in newly_overdue
    assert "Recommendation 4.1" in section(second, "Newly complete")
    # Current RAG (red: overdue) beside the forecast (amber).
    row = re.search(r"<tr>\s*<td class=\"col-item\">Recommendation 3.2.*?</tr>", second, re.S).group(0)
    assert "rag--red" in row and "rag--amber" in row
    packs = db.session.scalars(sa.select(MeetingPack).order_by(MeetingPack.as_of)).all()
    assert [p.as_of for p in packs] == [date(2022, 3, 1), date(2022, 4, 1)]
    states = dict(db.session.execute(sa.select(MeetingPackItem.item_type + "-" + sa.cast(MeetingPackItem.item_id, sa.String),
                                                 MeetingPackItem.state).where(MeetingPackItem.pack_id == packs[1].id)).all())
    assert states[f"recommendation-{get_tracking('cumbria', '3.2').id}"] == "overdue"
    # Making the same pack again replaces it rather than adding another.
    again = make_pack(client, "as_of=2022-04-01&format=html").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPack)) == 2
    # ... and still compares with the earlier pack, not with the one it replaces.
    assert "Compared with the pack as of 1 March 2022" in again
    assert "Recommendation 4.1" in section(again, "Newly complete")


def test_a_pack_compared_with_an_earlier_one_runs_a_fixed_few_queries(app, as_role):
    from tests.integration.test_dashboard_queries import counting_queries
    from tracker.web.caching import cache

    client = as_role(Role.REVIEWER, ("cumbria",))
    make_pack(client, "as_of=2022-03-01&format=html")
    make_pack(client, "as_of=2022-04-01&format=html")
    db.session.expunge_all()  # as a fresh request: nothing loaded, nothing cached (as after a write)
    cache.clear()
    with counting_queries() as statements:
        assert make_pack(client, "as_of=2022-04-01&format=html").status_code == 200
    queries = [s for s in statements if not re.match(r"(SAVEPOINT|RELEASE|ROLLBACK TO)", s)]
    # The goal is 12, with the BEGIN that SQLite's requests add (the tests' savepoints replace it).
    assert len(queries) <= 11, queries


def test_an_open_item_with_no_date_is_flagged(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    t = get_tracking("cumbria", "3.2")
    t.due_on = None
    db.session.commit()
    html = make_pack(client, "as_of=2022-04-01&format=html").get_data(as_text=True)
    assert '<strong class="flag">No date</strong>' in html and "with no date" in html


def test_the_pack_is_a_pdf(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    response = make_pack(client, "as_of=2022-04-01")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = extract_text(io.BytesIO(response.data))
    assert "Overdue and due-soon items: Cumbria Constabulary" in text
    assert "Items by owner" in text


def test_a_pack_needs_one_force(as_role):
    client = as_role(Role.VIEWER, ("cumbria", "lancashire"))
    response = make_pack(client, "as_of=2022-04-01")
    assert response.status_code == 400 and "Select the force whose governance board" in response.get_data(as_text=True)
    assert make_pack(client, "as_of=2022-04-01&force=lancashire&format=html").status_code == 200
    assert make_pack(client, "as_of=2022-04-01&force=avon-and-somerset").status_code == 400


def test_long_unbroken_text_stays_inside_the_page(app, as_role):
    """The pack's tables have set column widths: a very long word wraps in its cell, never off the page."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    from tracker.services.tracking import add_action

    client = as_role(Role.REVIEWER, ("cumbria",))
    tracking = get_tracking("cumbria", "3.2")
    # As long as the columns allow (title 300, owner 200 characters), with no place to break a line.
    add_action(tracking, "Unbroken" + "x" * 292, owner="Owner" + "y" * 195)
    db.session.commit()
    response = make_pack(client, "as_of=2022-04-01")
    assert response.status_code == 200
    pages = list(extract_pages(io.BytesIO(response.data)))
    text = "".join(e.get_text() for page in pages for e in page if isinstance(e, LTTextContainer))
    assert "xxxxxxxxxx" in text and "yyyyyyyyyy" in text
    for page in pages:
        for element in page:
            if isinstance(element, LTTextContainer):
                assert element.x0 >= 28 and element.x1 <= page.width - 28, (element.get_text()[:60], element.bbox)


def test_opening_the_pack_address_records_nothing(csrf_app, as_role):
    """A GET (a link, or another site's page) shows the form and records no pack; the pack is made by a POST
    with the form's CSRF token."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    packs = db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPack))
    page = client.get("/meeting-pack?as_of=2022-04-01&force=cumbria")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'method="post"' in html and 'name="csrf_token"' in html
    assert 'value="2022-04-01"' in html
    assert client.post("/meeting-pack", data={"as_of": "2022-04-01"}).status_code == 400  # no CSRF token
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPack)) == packs
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    made = client.post("/meeting-pack", data={"as_of": "2022-04-01", "csrf_token": token, "format": "html"})
    assert made.status_code == 200 and "Items by owner" in made.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPack)) == packs + 1
