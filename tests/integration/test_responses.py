"""The statutory response: the document (text, structure, safety), approval and publishing."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime

import pikepdf
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.factories import get_force
from tests.loopback import loopback_listener
from tracker.db import db
from tracker.db.audit import set_actor
from tracker.documents.response import (
    WITHHELD_SENTENCE,
    render_response_body,
    render_response_html,
    render_response_pdf,
    response_trackings,
)
from tracker.domain import response_tasks
from tracker.domain.statuses import Role
from tracker.models import AuditEvent, PublishedVersion
from tracker.services import DomainError, save
from tracker.services import responses as response_service
from tracker.services.tracking import add_action, add_progress_update


def seeded(role):
    """The demonstration user of a role (Cumbria; the administrator has every force): no password hashing."""
    from tracker.services.users import get_user_by_email
    return get_user_by_email(f"{role.value}@tracker.example")



def squash(text: str) -> str:
    """Collapse whitespace, so text wrapped across lines compares equal."""
    return re.sub(r"\s+", " ", text).strip()


def creation_date(pdf: bytes) -> str:
    """The PDF's creation date as written (D:YYYYMMDD...)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return str(document.docinfo["/CreationDate"])


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, whitespace collapsed."""
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def published_dir(app, tmp_path):
    """A fresh folder for published files, for this test only."""
    old = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(tmp_path / "published")
    yield tmp_path / "published"
    app.config["TRACKER_PUBLISHED_DIR"] = old


@pytest.fixture
def cumbria(app):
    """Cumbria's response to the VAWG inspection, as seeded."""
    return response_service.get_response("cumbria", "vawg-2021")


def complete(response) -> None:
    """Write an explanation for every recommendation of the response."""
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Explanation for {tracking.recommendation.ref}: the force has acted."
    db.session.flush()


def drafted_and_approved(response):
    """Complete the response, send it for approval as an editor and approve it as the PCC's approver; return the editor."""
    complete(response)
    editor = seeded(Role.EDITOR)
    response_service.mark_ready(response, editor, date(2021, 11, 1))
    response_service.approve(response, seeded(Role.APPROVER), date(2021, 11, 2))
    db.session.flush()
    return editor


ON_TIME = datetime(2021, 11, 10, 12, 0)


def test_seed_response_renders_with_every_recommendation_and_both_comments(cumbria):
    """The seed VAWG response for Cumbria renders; its text holds every ref, text, bullet and both comments."""
    text = pdf_text(render_response_pdf(cumbria, draft=True))
    assert re.search(r"Page 1 of \d", text)
    # Text that runs over a page break has the running header and footer in between: take them out.
    text = re.sub("[•◦]", " ", text)  # the bullets that start the list items
    text = text.replace("Cumbria Office of Police and Crime Commissioner · Draft, not published", " ")
    text = squash(re.sub(re.escape(cumbria.inspection.title) + r" Page \d+ of \d+", " ", text))
    for tracking in response_trackings(cumbria):
        rec = tracking.recommendation
        assert f"Recommendation {rec.ref}" in text
        for para in rec.text.splitlines():
            assert squash(para) in text
        for bullet in rec.bullets:
            assert squash(bullet) in text
    for para in (cumbria.pcc_comments + "\n" + cumbria.chief_comments).splitlines():
        assert squash(para) in text
    assert f"Cumbria Police and Crime Commissioner's response to {squash(cumbria.inspection.title)}" in text
    assert "section 55 of the Police Act 1996".lower() in text.lower()
    assert "section 37 of the Policing and Crime Act 2017" in text
    assert "56 days" in text
    assert "17 September 2021" in text and "National thematic inspection" in text


def test_seed_response_pdf_structure(cumbria):
    """Tagged PDF/UA: StructTreeRoot, MarkInfo, /Lang en-GB, DisplayDocTitle, title, bookmarks, fonts embedded."""
    check_tagged_pdf(render_response_pdf(cumbria, draft=True), "en-GB",
                     f"Cumbria Police and Crime Commissioner's response to {cumbria.inspection.title}",
                     ("Key findings", "The PCC's comments", "The chief constable's comments"))


def structure_elements(node, parent=None):
    """Every structure element under a node of a PDF's structure tree, as (element, its parent element)."""
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid, node
            yield from structure_elements(kid, kid)


def test_the_pdf_lists_are_tagged_lists_with_their_bullets_in_the_text(cumbria):
    """Every list in the PDF is tagged L > LI > LBody, the progress updates nested in their action's item;
    each item's text starts with its bullet ("• ", "◦ " in a nested list), which the web page leaves to its CSS."""
    action = add_action(response_trackings(cumbria)[0], "Publish the VAWG action plan")
    db.session.flush()
    add_progress_update(action, date(2021, 11, 2), "Draft plan shared with partners")
    db.session.flush()
    data = render_response_pdf(cumbria, draft=True)
    document = pikepdf.open(io.BytesIO(data))
    elements = list(structure_elements(document.Root.StructTreeRoot))
    items = [(element, parent) for element, parent in elements if element.S == "/LI"]
    assert len(items) >= 2
    for item, parent in items:
        assert parent.S == "/L"
        assert [str(kid.S) for kid in item.K] == ["/LBody"]
    assert any(element.S == "/L" and parent.S == "/LBody" for element, parent in elements), \
        "an action's updates are a list inside its item"
    text = pdf_text(data)
    assert f"• {squash(action.title)} (" in text
    assert "◦ 2 November 2021: Draft plan shared with partners" in text
    assert not re.search("[•◦]", render_response_body(cumbria))
    # An action's bullet is inside its bold title: one text run where the bullet alone was another.
    assert f'<li><span class="action__title">•\u00a0{action.title}</span>' in render_response_html(cumbria, draft=True)


def parsed_as_xml_to_the_same_bytes(render) -> bool:
    """Whether `render` (drawing a response's PDF) has its HTML parsed as XML, and the bytes it gives are those
    of the same HTML parsed as HTML5 (reports/response.html is written as XML too: tracker.documents.pdf.parsed_html)."""
    from tracker.documents import pdf as pdf_module

    trees, real = [], pdf_module.xml_tree
    try:
        pdf_module.xml_tree = lambda html: trees.append(real(html)) or trees[-1]
        as_xml = render()
        pdf_module.xml_tree = lambda html: None  # everything to the HTML5 parser
        as_html5 = render()
    finally:
        pdf_module.xml_tree = real
    return len(trees) == 1 and trees[0] is not None and as_xml == as_html5


def test_the_pdf_template_is_parsed_as_xml_to_the_bytes_of_html5(cumbria):
    """The response's PDF template is well-formed XML for every copy (public, staff, draft, published, a long
    response): render_pdf parses it with expat, to the very bytes the HTML5 parser gives."""
    from tests.long_response import make_long_response

    complete(cumbria)
    assert parsed_as_xml_to_the_same_bytes(lambda: render_response_pdf(cumbria))
    assert parsed_as_xml_to_the_same_bytes(lambda: render_response_pdf(cumbria, public=False))
    assert parsed_as_xml_to_the_same_bytes(lambda: render_response_pdf(cumbria, draft=True))
    assert parsed_as_xml_to_the_same_bytes(lambda: render_response_pdf(cumbria, published=(date(2021, 11, 10), 2)))
    long = make_long_response()
    assert parsed_as_xml_to_the_same_bytes(lambda: render_response_pdf(long))


def check_tagged_pdf(data: bytes, lang: str, title: str, headings: tuple[str, ...]) -> None:
    """The tag checks every response PDF passes, in either language: a structure tree, MarkInfo, its
    /Lang, DisplayDocTitle, its title (opening the bookmarks, with the headings under it), PDF/UA-1
    metadata, the running header and footer as artefacts, and every font embedded."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    assert "/StructTreeRoot" in root
    assert bool(root.MarkInfo.Marked)
    assert str(root.Lang) == lang
    assert bool(root.ViewerPreferences.DisplayDocTitle)
    assert str(pdf.docinfo["/Title"]) == title
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
    with pdf.open_outline() as outline:
        titles = [item.title for item in outline.root]
        assert titles[0] == " ".join(title.split())
        children = [child.title for child in outline.root[0].children]
    assert all(heading in children for heading in headings), children
    first_page_ops = pikepdf.parse_content_stream(pdf.pages[0])
    assert any(str(op.operator) == "BMC" and str(op.operands[0]) == "/Artifact" for op in first_page_ops if op.operands), \
        "the running header and footer are marked as artefacts"
    for page in pdf.pages:
        for _, font in page.obj.Resources.Font.items():
            for target in (font.DescendantFonts if "/DescendantFonts" in font else [font]):
                descriptor = target.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), target.BaseFont


def test_the_hash_is_stable_across_renders(cumbria):
    """The same data renders byte-identical PDFs."""
    first = render_response_pdf(cumbria)
    assert hashlib.sha256(render_response_pdf(cumbria)).hexdigest() == hashlib.sha256(first).hexdigest()


def test_markup_and_addresses_in_text_render_as_text_and_make_no_request(cumbria):
    """Typed markup and loopback addresses are printed as text and fetched by nobody."""
    with loopback_listener() as listener:
        cumbria.pcc_comments = f'<img src="file:///etc/hostname"> and <a href="{listener.url}">link</a>'
        tracking = response_trackings(cumbria)[0]
        tracking.pcc_explanation = f'See {listener.url}secret <link rel="attachment" href="file:///etc/passwd">'
        db.session.flush()
        pdf = render_response_pdf(cumbria)
        assert listener.connections == []
    text = pdf_text(pdf)
    assert '<img src="file:///etc/hostname">' in text
    assert f'<a href="{listener.url}">link</a>' in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    doc = pikepdf.open(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in doc.Root.get("/Names", {})
    for page in doc.pages:  # nothing typed became a link
        assert all(str(a.get("/A", {}).get("/URI", "")) != listener.url for a in page.obj.get("/Annots", []))


def test_not_for_publication_items_are_left_out_of_the_public_pdf(cumbria, app):
    """Marked actions and updates are absent from the public copy, which says detail was withheld."""
    tracking = response_trackings(cumbria)[0]
    add_action(tracking, "Covert operation Nightjar against named suspects", not_for_publication=True)
    open_action = add_action(tracking, "Publish the VAWG action plan")
    db.session.flush()
    add_progress_update(open_action, date(2021, 11, 1), "Informant handling reviewed at Kendal", not_for_publication=True)
    add_progress_update(open_action, date(2021, 11, 2), "Draft plan shared with partners")
    db.session.flush()
    public = pdf_text(render_response_pdf(cumbria, public=True))
    internal = pdf_text(render_response_pdf(cumbria, public=False))
    assert "Nightjar" not in public and "Informant handling" not in public
    assert "Publish the VAWG action plan" in public and "Draft plan shared with partners" in public
    assert squash(WITHHELD_SENTENCE) in public
    assert "Nightjar" in internal and "Informant handling" in internal and "Not for publication" in internal


def test_a_chief_comment_not_for_publication_is_left_out_of_the_public_pdf(cumbria):
    """A recommendation's chief constable's comment marked not for publication stays internal."""
    tracking = response_trackings(cumbria)[0]
    tracking.chief_comment = "Surveillance capacity in Barrow is stretched"
    tracking.chief_comment_not_for_publication = True
    db.session.flush()
    public = pdf_text(render_response_pdf(cumbria))
    assert "Surveillance capacity" not in public and squash(WITHHELD_SENTENCE) in public
    tracking.chief_comment_not_for_publication = False
    db.session.flush()
    assert "Surveillance capacity in Barrow is stretched" in pdf_text(render_response_pdf(cumbria))


def test_marking_not_for_publication_is_audited(cumbria):
    """Changing the flag is in the audit trail with who did it."""
    user = seeded(Role.EDITOR)
    action = add_action(response_trackings(cumbria)[0], "Review custody records")
    db.session.flush()
    set_actor(db.session, user.id)
    action.not_for_publication = True
    db.session.flush()
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity_type == "Action", AuditEvent.entity_id == action.id,
                                    AuditEvent.event == "updated")
    ).all()[-1]
    assert event.changes["not_for_publication"] == [False, True]
    assert event.user_id == user.id


def test_approval_with_a_missing_explanation_is_refused(cumbria):
    """Nothing missing may be approved: the refusal lists what is missing, each with its tracking row."""
    editor = seeded(Role.EDITOR)
    with pytest.raises(response_service.IncompleteResponse) as refused:
        response_service.mark_ready(cumbria, editor, date(2021, 11, 1))
    assert {m.ref for m in refused.value.missing} == {"3", "3.2", "4", "4.1"}
    assert all(m.tracking_id for m in refused.value.missing)
    assert cumbria.drafted_on is None


def test_an_explanation_blanked_after_approval_stops_publishing_and_writes_nothing(cumbria, published_dir):
    """The approval is of a text: a change after it (here an explanation removed) refuses publishing; no file, no row."""
    editor = drafted_and_approved(cumbria)
    response_trackings(cumbria)[0].pcc_explanation = None
    with pytest.raises(DomainError, match="approve it again"):
        response_service.publish(cumbria, editor, published_dir, now=ON_TIME)
    assert not published_dir.exists() or list(published_dir.rglob("*")) == []
    assert db.session.scalar(sa.select(sa.func.count(PublishedVersion.id))) == 0
    assert cumbria.published_on is None


def test_publishing_without_approval_is_refused(cumbria, published_dir):
    """An editor cannot publish what the PCC did not approve."""
    complete(cumbria)
    with pytest.raises(DomainError, match="approve"):
        response_service.publish(cumbria, seeded(Role.EDITOR), published_dir, now=ON_TIME)
    assert not published_dir.exists()


def test_a_reviewer_cannot_publish(cumbria, published_dir):
    """Publishing is an editor's."""
    drafted_and_approved(cumbria)
    with pytest.raises(DomainError, match="editor"):
        response_service.publish(cumbria, seeded(Role.REVIEWER), published_dir, now=ON_TIME)


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EDITOR, Role.ADMIN, Role.VIEWER])
def test_only_the_pccs_approver_approves(cumbria, role):
    """The force's chief officers (reviewers) never approve the PCC's comments, nor editors or administrators."""
    complete(cumbria)
    response_service.mark_ready(cumbria, seeded(Role.EDITOR), date(2021, 11, 1))
    with pytest.raises(DomainError, match="Only the PCC"):
        response_service.approve(cumbria, seeded(role), date(2021, 11, 2))
    assert cumbria.approved_on is None


def test_the_drafter_cannot_approve(cumbria):
    """An approver who sent it for approval cannot approve it too."""
    complete(cumbria)
    approver = seeded(Role.APPROVER)
    cumbria.drafted_on, cumbria.drafted_by = date(2021, 11, 1), approver
    with pytest.raises(DomainError, match="someone other"):
        response_service.approve(cumbria, approver, date(2021, 11, 2))


def test_approval_needs_sending_for_approval_and_the_declaration(cumbria):
    """Not sent for approval: nothing to approve; without the declaration: refused."""
    complete(cumbria)
    with pytest.raises(DomainError, match="not been sent for approval"):
        response_service.approve(cumbria, seeded(Role.APPROVER), date(2021, 11, 2))
    response_service.mark_ready(cumbria, seeded(Role.EDITOR), date(2021, 11, 1))
    assert cumbria.drafted_by.email == "editor@tracker.example"
    with pytest.raises(DomainError, match="Confirm that you approve") as refused:
        response_service.approve(cumbria, seeded(Role.APPROVER), date(2021, 11, 2), declaration=False)
    assert refused.value.field == "declaration" and cumbria.approved_on is None


def test_changing_the_comments_makes_the_approval_stop_counting(cumbria):
    """An approved text changed is no longer approved, and the change is named; changed back, it counts again."""
    drafted_and_approved(cumbria)
    trackings = response_trackings(cumbria)
    assert response_tasks.approval_stands(cumbria, trackings)
    old = cumbria.pcc_comments
    response_service.update_comments(cumbria, cumbria.version, None, pcc_comments="New words")
    assert not response_tasks.approval_stands(cumbria, trackings)
    assert response_tasks.changed_parts(cumbria.approved_sections, cumbria, trackings) == ["The PCC's comments"]
    trackings[1].pcc_explanation = "Another explanation"
    assert response_tasks.changed_parts(cumbria.approved_sections, cumbria, trackings) == [
        "The PCC's comments", f"Recommendation {trackings[1].recommendation.ref}"]
    response_service.update_comments(cumbria, cumbria.version, None, pcc_comments=old)
    trackings[1].pcc_explanation = "Explanation for 3.2: the force has acted."
    assert response_tasks.approval_stands(cumbria, trackings)


def test_saving_the_same_comments_keeps_the_approval(cumbria):
    """No change, no withdrawal."""
    drafted_and_approved(cumbria)
    response_service.update_comments(cumbria, cumbria.version, None, pcc_comments=cumbria.pcc_comments)
    assert response_tasks.approval_stands(cumbria, response_trackings(cumbria))


def test_publish_writes_once_and_a_second_publish_makes_version_2(cumbria, published_dir):
    """Version 1 written with its hash; version 2 needs a reason, a new approval, and keeps version 1."""
    editor = drafted_and_approved(cumbria)
    v1 = response_service.publish(cumbria, editor, published_dir, now=ON_TIME)
    save()
    path1 = response_service.published_path(published_dir, v1)
    data1 = path1.read_bytes()
    assert hashlib.sha256(data1).hexdigest() == v1.sha256 and v1.size == len(data1)
    assert (v1.number, v1.days_late, v1.published_by_id, v1.reason) == (1, 0, editor.id, None)
    assert cumbria.published_on == ON_TIME.date()
    # anyone can re-derive the hash from the data: the creation date is the publication date, not the time of rendering
    assert data1 == render_response_pdf(cumbria, published=(ON_TIME.date(), 1))
    assert "(version 1)" in pdf_text(data1) and "Published on 10 November 2021" in pdf_text(data1)
    assert creation_date(data1).startswith("D:20211110")
    assert list(published_dir.rglob("*.tmp")) == []

    with pytest.raises(DomainError, match="Enter why"):
        response_service.publish(cumbria, editor, published_dir, now=ON_TIME)
    cumbria.pcc_comments += "\nA correction."
    assert response_tasks.changed_since_publication(cumbria, response_trackings(cumbria)) == ["The PCC's comments"]
    with pytest.raises(DomainError, match="approve it again"):
        response_service.publish(cumbria, editor, published_dir, reason="Corrected a date", now=ON_TIME)
    response_service.approve(cumbria, seeded(Role.APPROVER), date(2021, 11, 19))
    v2 = response_service.publish(cumbria, editor, published_dir, reason="Corrected a date", now=datetime(2021, 11, 20, 9))
    save()
    assert [v.number for v in cumbria.versions] == [1, 2]
    assert v2.reason == "Corrected a date" and v2.days_late == 9
    assert path1.read_bytes() == data1
    assert response_service.published_path(published_dir, v2).read_bytes() != data1
    assert cumbria.published_on == ON_TIME.date()  # the first publication stays the statutory date
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "StatutoryResponse",
                                                            AuditEvent.entity_id == cumbria.id,
                                                            AuditEvent.event == "published")).all()
    assert len(events) == 2


def test_publishing_late_records_the_days_late(cumbria, published_dir):
    """After the statutory deadline publishing is allowed and the days late recorded."""
    editor = drafted_and_approved(cumbria)
    version = response_service.publish(cumbria, editor, published_dir, now=datetime(2021, 11, 14, 9))
    assert version.days_late == 3


def test_a_response_first_published_outside_tracker_keeps_its_real_date(cumbria, published_dir):
    """Back-filled: the real date is the publication date, days late count from it, and who entered it is kept."""
    editor = drafted_and_approved(cumbria)
    now = datetime(2026, 11, 28, 10)
    for wrong, message in [(date(2026, 12, 1), "today or in the past"), (date(2021, 9, 1), "on or after")]:
        with pytest.raises(DomainError, match=message):
            response_service.publish(cumbria, editor, published_dir, now=now, first_published_on=wrong)
    assert not published_dir.exists() or list(published_dir.rglob("*.pdf")) == []
    version = response_service.publish(cumbria, editor, published_dir, now=now, first_published_on=date(2021, 11, 14))
    save()
    assert cumbria.published_on == date(2021, 11, 14) and version.days_late == 3
    assert cumbria.published_outside and cumbria.publication_entered_by.id == editor.id
    pdf = response_service.published_path(published_dir, version).read_bytes()
    assert "Published on 14 November 2021 (version 1)" in pdf_text(pdf)
    assert creation_date(pdf).startswith("D:20211114")
    cumbria.pcc_comments += " More."
    response_service.approve(cumbria, seeded(Role.APPROVER), date(2026, 11, 28))
    with pytest.raises(DomainError, match="only be given the first time"):
        response_service.publish(cumbria, editor, published_dir, reason="More", now=now, first_published_on=date(2021, 11, 14))


def test_the_published_document_names_the_pcc_and_links_the_report(cumbria, published_dir):
    """The PCC's name and the approver are printed; the HMICFRS address is a link in the PDF."""
    response_service.set_statutory_paragraph(cumbria.force, None, "Peter McCall")
    editor = drafted_and_approved(cumbria)
    version = response_service.publish(cumbria, editor, published_dir, now=ON_TIME)
    pdf = response_service.published_path(published_dir, version).read_bytes()
    text = pdf_text(pdf)
    assert "Cumbria Police and Crime Commissioner, Peter McCall" in text
    assert "Approved on behalf of the Police and Crime Commissioner by Pat Approver" in text
    with pikepdf.open(io.BytesIO(pdf)) as document:
        links = [annot for page in document.pages for annot in page.get("/Annots", [])
                 if "/A" in annot and "/URI" in annot.A]
        assert cumbria.inspection.url in [str(link.A.URI) for link in links]
        assert all("/StructParent" in link for link in links), "each link is tagged (PDF/UA)"


def test_a_draft_has_a_neutral_placeholder_and_a_watermark(cumbria):
    """No red 'not written' text: a grey placeholder, and a watermark image on every page (not text)."""
    pdf = render_response_pdf(cumbria, draft=True)
    text = pdf_text(pdf)
    assert "No explanation has been written yet" not in text and "DRAFT" not in text
    assert "[The PCC's explanation will appear here.]" in text
    assert creation_date(pdf).startswith("D:2000")
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert all(page.get_images() for page in document.pages), "every page of a draft carries the watermark"


def test_write_once_never_overwrites(tmp_path):
    """An existing published file is never replaced."""
    target = tmp_path / "a" / "v1.pdf"
    response_service.write_once(target, b"first")
    with pytest.raises(DomainError, match="never overwritten"):
        response_service.write_once(target, b"second")
    assert target.read_bytes() == b"first"
    assert sorted(p.name for p in target.parent.iterdir()) == ["v1.pdf"]
    assert response_service.write_once(target, b"first") is False  # the same bytes: the same publication, left alone


def test_copies_complete_the_response(cumbria, published_dir):
    """Until both s.55(6) copies are recorded the response is outstanding; then complete."""
    from tracker.domain.completeness import stage

    complete(cumbria)
    editor = drafted_and_approved(cumbria)
    with pytest.raises(DomainError, match="Publish"):
        response_service.record_copies_sent(cumbria, cumbria.version, editor, date(2021, 11, 11), None)
    response_service.publish(cumbria, editor, published_dir, now=ON_TIME)
    assert stage(cumbria) == "Published: copies outstanding"
    with pytest.raises(DomainError, match="before"):
        response_service.record_copies_sent(cumbria, cumbria.version, editor, date(2021, 11, 1), None)
    response_service.record_copies_sent(cumbria, cumbria.version, editor, date(2021, 11, 11), date(2021, 11, 12))
    assert stage(cumbria) == "Complete" and cumbria.sent_recorded_by == editor


def test_statutory_paragraph_is_editable_per_force(cumbria):
    """A force's own wording replaces the standard paragraph in its documents."""
    response_service.set_statutory_paragraph(get_force("cumbria"), "Our own wording under section 55, within 56 days.")
    db.session.flush()
    assert "Our own wording under section 55" in pdf_text(render_response_pdf(cumbria))


def test_no_text_runs_off_the_page(cumbria):
    """Every line of text of the seed response lies inside the page, clear of the edges."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    pdf = render_response_pdf(cumbria, draft=True)
    pages = list(extract_pages(io.BytesIO(pdf)))
    assert len(pages) >= 3
    for page in pages:
        for element in page:
            if isinstance(element, LTTextContainer):
                assert element.x0 >= 28 and element.x1 <= page.width - 28, (element.get_text()[:60], element.bbox)
                assert element.y0 >= 20 and element.y1 <= page.height - 20, (element.get_text()[:60], element.bbox)
