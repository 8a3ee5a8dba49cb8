"""The committee pack: made by a POST from a dashboard view and kept; counts equal to the dashboard's;
what closed and what became overdue since the last meeting; a tagged PDF and a Word copy from one
content; compared with the previous pack of the same view; each force's packs its own."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pikepdf
import pytest
import sqlalchemy as sa
from docx import Document
from pdfminer.high_level import extract_text

from tests.factories import get_tracking, make_user
from tests.unit.test_pdf import embedded_fonts_ok
from tracker.db import db
from tracker.documents.committee_pack import render_pack_html
from tracker.domain.statuses import ActionStatus, Role, TrackingStatus
from tracker.models import AuditEvent, MeetingPack, MeetingPackItem
from tracker.services.committee_pack import pack_content
from tracker.services.tracking import add_action, add_progress_update, set_action_status, set_tracking_status

SOFFICE = shutil.which("soffice")
# The end of recommendation 4's words: past the 120 characters at which the dashboard cuts a title with "…".
REC_4 = "against women and girls and should be supported in doing so by national standards and data."


def make(client, **fields):
    """Post the pack's form: the meeting's and the previous meeting's dates and the view's filters."""
    data = {"as_of": "1 April 2022", "previous_meeting": "1 January 2022", "force": "cumbria"} | fields
    return client.post("/committee-packs", data={k: v for k, v in data.items() if v is not None})


def latest_pack() -> MeetingPack:
    return db.session.scalar(sa.select(MeetingPack).order_by(MeetingPack.id.desc()).limit(1))


def packs() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPack))


def words(text: str) -> str:
    return " ".join(text.split())


def docx_text(data: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, words(" ".join([p.text for p in document.paragraphs] + cells))


def dashboard_counts(client, query: str) -> dict:
    """What the dashboard shows for a view: its counts by kind of item, and how many items the view holds."""
    html = client.get(f"/?{query}").get_data(as_text=True)
    counts = {m[0]: int(m[1]) for m in re.findall(r'data-count="([a-z_]+-(?:overdue|due-soon))">\s*(?:<span[^>]*>)?(\d+)', html)}
    total = re.search(r'id="items">[^<:]+: (\d+|No) items?', html)
    return {"counts": counts, "total": 0 if total[1] == "No" else int(total[1])}


@pytest.mark.parametrize("as_of", ["2022-04-01", "2022-01-01"])
@pytest.mark.parametrize("view", ["window=overdue", "window=open&source=hmicfrs", "window=30&type=statutory_response"])
def test_the_pack_counts_what_the_dashboard_shows_for_the_same_view_and_date(app, as_role, as_of, view):
    client = as_role(Role.REVIEWER, ("cumbria", "lancashire"))
    query = f"as_of={as_of}&force=cumbria&{view}"
    shown = dashboard_counts(client, query)
    fields = dict(pair.split("=") for pair in view.split("&"))
    assert make(client, as_of=as_of, previous_meeting="2021-10-01", **fields).status_code == 303
    pack = latest_pack()
    content = pack_content(pack)
    document, text = docx_text(client.get(f"/committee-packs/{pack.id}.docx").data)
    counts = {row.cells[0].text: [int(c.text) for c in row.cells[1:]] for row in document.tables[0].rows[1:]}
    for kind, heading in (("recommendation", "Recommendations"), ("action", "Actions"),
                          ("statutory_response", "Statutory responses")):
        assert counts[heading][:2] == [shown["counts"][f"{kind}-overdue"], shown["counts"][f"{kind}-due-soon"]]
        assert content.counts[kind]["overdue"] == shown["counts"][f"{kind}-overdue"]
    assert counts["All items"][2] == shown["total"] == sum(c["in_window"] for c in content.counts.values())
    # The view's items by status add up to the same total; the items overdue listed are those counted.
    by_status = {row.cells[0].text: [int(c.text) for c in row.cells[1:]] for row in document.tables[1].rows[1:]}
    assert sum(by_status.pop("All items in this view")) == shown["total"] == sum(map(sum, by_status.values()))
    overdue = content.section("overdue")
    assert f"Items overdue on {app.jinja_env.filters['govuk_date'](date.fromisoformat(as_of))}: {counts['All items'][0]}." \
        in overdue.paragraphs[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MeetingPackItem)
                             .where(MeetingPackItem.pack_id == pack.id)) == shown["total"]
    # It says which items it holds and why: the view's filters and its date in words, and the view's address.
    assert "with these filters: Force: Cumbria Constabulary" in text
    assert f"as of {app.jinja_env.filters['govuk_date'](date.fromisoformat(as_of))}" in text
    assert "The same view on the dashboard: http://localhost/?" in text


def test_the_pdf_is_tagged_and_holds_each_item_in_full(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client, window="open").status_code == 303
    response = client.get(f"/committee-packs/{latest_pack().id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = pikepdf.open(io.BytesIO(response.data))
    root = pdf.Root
    assert "/StructTreeRoot" in root and bool(root.MarkInfo.Marked) and str(root.Lang) == "en-GB"
    assert bool(root.ViewerPreferences.DisplayDocTitle)
    assert str(pdf.docinfo["/Title"]) == "Committee pack: Cumbria Constabulary, meeting on 1 April 2022"
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    assert embedded_fonts_ok(pdf) == []
    tags = structure_tags(root.StructTreeRoot)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/Caption"} <= tags
    with pdf.open_outline() as outline:
        sections = [child.title for child in outline.root[0].children]
    assert sections == ["What this pack includes", "Counts on 1 April 2022", "Since the last pack",
                        "Closed since the last meeting", "Newly overdue", "Overdue: reasons and revised dates",
                        "Extension requests awaiting a decision", "Forecast off track", "Ageing of open recommendations", "The items in full"]
    text = words(extract_text(io.BytesIO(response.data)))
    assert REC_4 in text and "…" not in text
    assert "Latest update: 8 December 2021: A dedicated operational" in text


def structure_tags(node, seen=None) -> set[str]:
    """Every structure type (/H1, /Table...) in a PDF's structure tree."""
    seen = set() if seen is None else seen
    if isinstance(node, pikepdf.Array):
        for child in node:
            structure_tags(child, seen)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            seen.add(str(node.S))
        if "/K" in node:
            structure_tags(node.K, seen)
    return seen


def test_the_word_copy_has_the_same_sections_tables_and_full_texts(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client, window="open").status_code == 303
    pack = latest_pack()
    content = pack_content(pack)
    response = client.get(f"/committee-packs/{pack.id}.docx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    document, text = docx_text(response.data)
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", content.title)
    assert [t for style, t in headings if style == "Heading 1"] == [s.heading for s in content.sections]
    assert [t for style, t in headings if style == "Heading 2"] == [i.heading for i in content.section("in_full").items]
    assert len(document.tables) == sum(len(s.tables) for s in content.sections)
    # The content's column widths, in the table's grid (which LibreOffice reads) of the landscape page.
    overdue = content.section("overdue").tables[0]
    grid = next(t for t in document.tables if t.rows[0].cells[-1].text == overdue.columns[-1])
    assert [round(column.width.mm) for column in grid.columns] == [round(269 * w / 100) for w in overdue.widths]
    assert REC_4 in text and "…" not in text
    assert document.core_properties.title == content.title
    # Drawn again from the kept content: the same bytes, for the PDF too.
    assert client.get(f"/committee-packs/{pack.id}.docx").data == response.data
    pdf = client.get(f"/committee-packs/{pack.id}.pdf").data
    assert client.get(f"/committee-packs/{pack.id}.pdf").data == pdf


@pytest.mark.skipif(SOFFICE is None, reason="never: scripts/system-packages.sh installs libreoffice-writer-nogui")
def test_the_word_copy_opens_in_libreoffice(app, as_role, tmp_path):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client, window="open").status_code == 303
    source = tmp_path / "pack.docx"
    source.write_bytes(client.get(f"/committee-packs/{latest_pack().id}.docx").data)
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = words(extract_text(str(tmp_path / "pack.pdf")))
    assert "Committee pack: Cumbria Constabulary, meeting on 1 April 2022" in text
    assert "The items in full" in text and REC_4 in text


def test_typed_text_is_printed_as_text_in_both_copies(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    typed = '<b>Chief</b> & "Co" <img src="file:///etc/hostname">'
    tracking = get_tracking("cumbria", "3.2")
    tracking.lead_officer = typed
    action = add_action(tracking, f"Action {typed}", owner=typed, due_on=date(2022, 2, 1))
    add_progress_update(action, date(2022, 3, 1), f"Update {typed}")
    db.session.commit()
    assert make(client, window="open").status_code == 303
    pack = latest_pack()
    html = render_pack_html(pack_content(pack))
    assert typed not in html and "&lt;b&gt;Chief&lt;/b&gt; &amp; &#34;Co&#34;" in html
    _document, text = docx_text(client.get(f"/committee-packs/{pack.id}.docx").data)
    assert f"Action {typed}" in text and f"Update {typed}" in text
    pdf_text = words(extract_text(io.BytesIO(client.get(f"/committee-packs/{pack.id}.pdf").data)))
    assert '<b>Chief</b> & "Co"' in pdf_text


def test_since_the_last_meeting_and_the_last_pack(app, as_role):
    """Closed since the last meeting, newly overdue, and the previous pack of the same view compared."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client, as_of="1 March 2022", previous_meeting="1 December 2021", window="open").status_code == 303
    first = pack_content(latest_pack())
    assert first.section("comparison").paragraphs == [
        "This is the first pack kept for this view of the force: there is nothing to compare with."]
    set_tracking_status(get_tracking("cumbria", "4.1"), TrackingStatus.COMPLETE, date(2022, 3, 20))
    db.session.commit()
    # Another view's pack between the two is not the one compared with.
    assert make(client, as_of="15 March 2022", previous_meeting="1 March 2022", window="overdue").status_code == 303
    assert make(client, as_of="1/4/2022", previous_meeting="2022-03-01", window="open").status_code == 303
    second = pack_content(latest_pack())
    comparison = second.section("comparison")
    assert comparison.paragraphs[0].startswith("Compared with the pack for the meeting on 1 March 2022")
    then_now = {row[0]: row[1:] for row in comparison.tables[0].rows}
    assert then_now["Recommendations"][2:] == [str(first.counts["recommendation"]["in_window"]),
                                               str(second.counts["recommendation"]["in_window"])]
    assert [row[0] for row in comparison.tables[1].rows] == ["Recommendation 4.1"]
    closed = second.section("closed")
    assert closed.paragraphs == ["Items closed after 1 March 2022 and on or before 1 April 2022: 1."]
    assert closed.tables[0].rows[0][0] == "Recommendation 4.1" and closed.tables[0].rows[0][3] == "20 Mar 2022"
    # 3.2 is due on 31 March 2022: overdue on 1 April, not on 1 March. Recommendation 4 was overdue at both.
    newly = [row[0] for row in second.section("newly_overdue").tables[0].rows]
    assert "Recommendation 3.2" in newly and "Recommendation 4" not in newly
    assert "Recommendation 4" in [row[0] for row in second.section("overdue").tables[0].rows]


def test_pending_sign_off_and_off_track_forecasts(app, as_role):
    from tracker.domain.deadlines import Rag

    client = as_role(Role.REVIEWER, ("cumbria",))

    def pending(as_of="1 April 2022") -> list[str]:
        assert make(client, as_of=as_of, previous_meeting="1 December 2021", window="open").status_code == 303
        return pack_content(latest_pack()).section("counts").tables[2].rows[0]

    before, before_march = pending(), pending("1 March 2022")
    tracking = get_tracking("cumbria", "3.2")
    tracking.rag_forecast = Rag.RED
    action = add_action(tracking, "Audit the recording of protected characteristics", owner="Head of Data")
    add_progress_update(action, date(2022, 3, 1), "Audit done.")
    set_action_status(action, ActionStatus.COMPLETE, date(2022, 3, 10))
    db.session.commit()
    assert pending() == ["Pending sign-off", before[1], str(int(before[2]) + 1), "–"]
    tracking.blocked_by = "the Home Office's national data standard"
    db.session.commit()
    assert make(client, window="open").status_code == 303
    assert pack_content(latest_pack()).section("counts").tables[2].rows[1] == [
        "Blocked by an external dependency (in this view)", "1", "–", "–"]
    assert pending("1 March 2022") == before_march  # not yet complete then
    make(client, window="open")
    off_track = pack_content(latest_pack()).section("off_track").tables[0].rows
    assert [row[0] for row in off_track] == ["Recommendation 3.2"] and off_track[0][-1] == "Off track"


def test_a_kept_pack_is_drawn_from_what_it_held(app, as_role):
    """A change of the data after the pack was made changes neither of its copies."""
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client).status_code == 303
    pack_id = latest_pack().id
    pdf, word = (client.get(f"/committee-packs/{pack_id}.{ext}").data for ext in ("pdf", "docx"))
    get_tracking("cumbria", "4").lead_officer = "Somebody else"
    db.session.commit()
    assert client.get(f"/committee-packs/{pack_id}.pdf").data == pdf
    assert client.get(f"/committee-packs/{pack_id}.docx").data == word


def test_a_large_view_is_counted_in_full_and_detailed_in_part(app, as_role, monkeypatch):
    monkeypatch.setattr("tracker.domain.committee_pack.ROWS_PER_TABLE", 1)
    monkeypatch.setattr("tracker.services.committee_pack.ITEMS_IN_FULL", 2)
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client, window="open").status_code == 303
    content = pack_content(latest_pack())
    overdue = content.section("overdue")
    assert len(overdue.tables[0].rows) == 1
    assert overdue.notes[0].startswith("The table lists the first 1 of 4 overdue items")
    in_full = content.section("in_full")
    assert len(in_full.items) == 2 and in_full.paragraphs[0].startswith("The first 2 of the pack's")


def test_each_force_sees_and_downloads_only_its_own_packs(app, as_role):
    cumbria = as_role(Role.REVIEWER, ("cumbria",))
    assert make(cumbria).status_code == 303
    pack = latest_pack()
    lancashire = as_role(Role.REVIEWER, ("lancashire",))
    assert lancashire.get(f"/committee-packs/{pack.id}.pdf").status_code == 404
    assert lancashire.get(f"/committee-packs/{pack.id}.docx").status_code == 404
    assert f"/committee-packs/{pack.id}.pdf" not in lancashire.get("/committee-packs").get_data(as_text=True)
    listed = cumbria.get("/committee-packs").get_data(as_text=True)
    assert f'href="/committee-packs/{pack.id}.pdf"' in listed and f'href="/committee-packs/{pack.id}.docx"' in listed
    # Another force's pack cannot be made either.
    before = packs()
    refused = make(lancashire, force="cumbria")
    assert refused.status_code == 400 and "Select one of your forces" in refused.get_data(as_text=True)
    assert packs() == before


@pytest.mark.parametrize(("fields", "message"), [
    ({"as_of": "", "previous_meeting": ""}, "Enter the date of the meeting"),
    ({"as_of": "", "previous_meeting": ""}, "Enter the date of the previous meeting"),
    ({"as_of": "31 February 2022"}, "The date of the meeting must be a real date"),
    ({"previous_meeting": "not a date"}, "The date of the previous meeting must be a real date"),
    ({"previous_meeting": "2 April 2022"}, "The previous meeting must be before the meeting"),
    ({"previous_meeting": "1 April 2022"}, "The previous meeting must be before the meeting"),
    ({"force": None}, "Select the force whose committee the pack is for"),
    ({"window": "<script>"}, "Select when items are due from the list"),
    ({"status": "x" * 5000}, "Select a status from the list"),
    ({"sort": "nonsense", "page": "-1", "as_of": "\x00"}, "Enter the date of the meeting"),
])
def test_a_wrong_form_is_shown_again_with_its_errors_and_nothing_is_kept(app, as_role, fields, message):
    client = as_role(Role.REVIEWER, ("cumbria", "lancashire"))
    before = packs()
    response = make(client, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in html and message in html
    assert "<title>Error: Committee packs" in html and "<script>" not in html.split("</head>")[1].split('<script type="module"')[0]
    assert packs() == before


def test_opening_the_page_makes_nothing_and_a_post_needs_its_token(csrf_app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    before = packs()
    page = client.get("/committee-packs?as_of=2022-04-01&force=cumbria&window=open&sort=due")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'method="post"' in html and 'name="csrf_token"' in html
    assert 'value="2022-04-01"' in html and "No pack has been made" in html
    assert client.get("/committee-packs?as_of=not-a-date").status_code == 400
    assert make(client).status_code == 400  # no CSRF token
    assert packs() == before
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    made = make(client, csrf_token=token)
    assert made.status_code == 303 and made.location.endswith(f"/committee-packs#pack-{latest_pack().id}")
    assert packs() == before + 1
    assert "Committee pack made for the meeting on 1 April 2022" in client.get(made.location).get_data(as_text=True)


def test_the_dashboard_links_its_view_to_the_pack_form(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    html = client.get("/?as_of=2022-04-01&window=open&source=hmicfrs").get_data(as_text=True)
    link = re.search(r'href="(/committee-packs\?[^"]+)"', html).group(1).replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True)
    assert 'value="2022-04-01"' in form and '<option value="hmicfrs" selected>' in form
    assert '<option value="open" selected>' in form


def test_long_unbroken_text_stays_inside_the_page(app, as_role):
    """The pack's tables have set column widths: a very long word wraps in its cell, never off the page."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    client = as_role(Role.REVIEWER, ("cumbria",))
    # As long as the columns allow (title 300, owner 200 characters), with no place to break a line.
    add_action(get_tracking("cumbria", "3.2"), "Unbroken" + "x" * 292, owner="Owner" + "y" * 195, due_on=date(2022, 3, 1))
    db.session.commit()
    assert make(client, window="open").status_code == 303
    pages = list(extract_pages(io.BytesIO(client.get(f"/committee-packs/{latest_pack().id}.pdf").data)))
    text = "".join(e.get_text() for page in pages for e in page if isinstance(e, LTTextContainer))
    assert "xxxxxxxxxx" in text and "yyyyyyyyyy" in text
    for page in pages:
        for element in page:
            if isinstance(element, LTTextContainer):
                assert element.x0 >= 28 and element.x1 <= page.width - 28, (element.get_text()[:60], element.bbox)


def test_extension_requests_awaiting_a_decision_and_the_reasons_of_revised_dates(app, as_role):
    from datetime import datetime

    from tracker.services import extensions

    client = as_role(Role.REVIEWER, ("cumbria",))
    tracking = get_tracking("cumbria", "3.2")
    asked = extensions.request(tracking, None, new_due_on=date(2022, 6, 30), reason="Waiting for the national data standard",
                               requested_by="DCI <Smith>")
    asked.created_at = datetime(2022, 3, 15, 10, 0)
    db.session.commit()

    def pack(as_of: str, previous: str = "1 January 2022"):
        assert make(client, as_of=as_of, previous_meeting=previous, window="open").status_code == 303
        return pack_content(latest_pack())

    assert pack("1 March 2022").section("extensions").paragraphs[0].endswith("whatever the view's other filters: 0.")
    waiting = pack("1 April 2022").section("extensions")
    assert waiting.tables[0].rows == [["Recommendation 3.2", "Police response to violence against women and girls – "
                                       "Final inspection report", "DCI <Smith>", "31 Mar 2022", "30 Jun 2022",
                                       "Waiting for the national data standard", "15 Mar 2022"]]

    # The committee approves it on 5 April: the date in force moves, the date first set stays, with the reason.
    reviewer = make_user(Role.REVIEWER, ("cumbria",))
    extensions.decide(asked, reviewer, asked.version, approve=True, reason="Agreed by the committee",
                      today=date.today(), board="Joint audit committee", decided_on=date(2022, 4, 5))
    db.session.commit()
    assert pack("1 April 2022").section("extensions").tables[0].rows[0][0] == "Recommendation 3.2"  # decided later
    july = pack("1 July 2022", "1 April 2022")
    assert july.section("extensions").tables == []
    row = next(r for r in july.section("overdue").tables[0].rows if r[0] == "Recommendation 3.2")
    assert row[3:6] == ["31 Mar 2022", "30 Jun 2022", "1"]
    assert row[6].startswith("Date revised: Waiting for the national data standard.")
    item = next(i for i in july.section("in_full").items if i.heading.startswith("Recommendation 3.2"))
    assert ["Why the date was revised", "Waiting for the national data standard"] in item.facts
    assert ["Date first set", "31 March 2022"] in item.facts and ["Revised date", "30 June 2022"] in item.facts


def test_making_a_pack_is_in_the_audit_trail_with_who_made_it(app, as_role):
    client = as_role(Role.REVIEWER, ("cumbria",))
    assert make(client, window="open").status_code == 303
    pack = latest_pack()
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "MeetingPack",
                                                             AuditEvent.entity_id == pack.id)).all()
    assert event.event == "made" and event.user_id == pack.created_by_id and event.force_id == pack.force_id
    assert event.changes["as_of"] == "2022-04-01" and event.changes["previous_meeting_on"] == "2022-01-01"
    # A refused form makes no pack and so records nothing.
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert make(client, previous_meeting="2 April 2022").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
