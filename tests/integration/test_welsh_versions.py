"""Welsh and English: for an office that works in Welsh, every text the response publishes has its
Welsh version, written on the same pages as the English, before the response can be sent for approval,
approved or published."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.factories import get_force, make_user, sign_in
from tests.page_check import check_html, soup
from tracker.db import db
from tracker.documents.response import DEFAULT_STATUTORY_PARAGRAPH, DEFAULT_STATUTORY_PARAGRAPH_CY, response_trackings
from tracker.domain import completeness, response_tasks
from tracker.domain.statuses import Role
from tracker.services import DomainError
from tracker.services import responses as response_service

PAGE = "/responses/dyfed-powys/vawg-2021"


def error_summary(html: str) -> list[str]:
    """The messages of the page's GOV.UK error summary."""
    return [a.get_text(" ", strip=True) for a in soup(html).select(".govuk-error-summary__list a")]


def checked(html: str) -> str:
    """The page, once it is checked to be well formed, titled and without duplicate ids."""
    check_html(html)
    return html


@pytest.fixture
def published_dir(app, tmp_path):
    """A fresh folder for published files."""
    old = app.config["TRACKER_PUBLISHED_DIR"]
    app.config["TRACKER_PUBLISHED_DIR"] = str(tmp_path / "published")
    yield tmp_path / "published"
    app.config["TRACKER_PUBLISHED_DIR"] = old


@pytest.fixture
def people(app):
    """An editor, an approver and a client for each, of Dyfed-Powys (an office that works in Welsh)."""
    editor, approver = make_user(Role.EDITOR, ("dyfed-powys",)), make_user(Role.APPROVER, ("dyfed-powys",))
    return {"editor": editor, "approver": approver,
            "editor_client": sign_in(app.test_client(), editor), "approver_client": sign_in(app.test_client(), approver)}


def dyfed_powys():
    """Dyfed-Powys's response to the VAWG inspection."""
    return response_service.get_response("dyfed-powys", "vawg-2021")


def write_english(response) -> None:
    """Every text the response needs, in English only."""
    response.pcc_comments = "The Commissioner welcomes the report."
    response.chief_comments = "The Chief Constable accepts the recommendations."
    response.chief_comments_received_on = date(2021, 10, 20)
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Explanation of {tracking.recommendation.ref}."
    db.session.flush()


def write_welsh(response) -> None:
    """The Welsh version of every text written."""
    response.pcc_comments_cy = "Mae'r Comisiynydd yn croesawu'r adroddiad."
    response.chief_comments_cy = "Mae'r Prif Gwnstabl yn derbyn yr argymhellion."
    for tracking in response_trackings(response):
        tracking.pcc_explanation_cy = f"Esboniad o {tracking.recommendation.ref}."
    db.session.flush()


def welsh_missing(response) -> list[str]:
    return [m.message for m in completeness.missing_items(response, response_trackings(response)) if m.field]


def test_a_welsh_office_needs_the_welsh_of_every_text_written(app):
    response = dyfed_powys()
    assert get_force("dyfed-powys").works_in_welsh
    write_english(response)
    refs = [t.recommendation.ref for t in response_trackings(response)]
    assert welsh_missing(response) == [f"Write the PCC's explanation for recommendation {ref} in Welsh" for ref in refs] + [
        "Enter the chief constable's comments in Welsh", "Write the PCC's comments in Welsh"]
    # Each names the field it is written in, and the explanations their row.
    missing = completeness.missing_welsh(response, response_trackings(response))
    assert {m.field for m in missing} == {"pcc_explanation_cy", "chief_comments_cy", "pcc_comments_cy"}
    assert all(m.tracking_id for m in missing if m.field == "pcc_explanation_cy")
    write_welsh(response)
    assert completeness.missing_items(response, response_trackings(response)) == []


def test_a_published_chief_comment_and_the_forces_own_paragraph_need_welsh_too(app):
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    first, second = response_trackings(response)[:2]
    first.chief_comment = "The force has started."
    second.chief_comment, second.chief_comment_not_for_publication = "Sensitive.", True  # not published: no Welsh
    response_service.set_statutory_paragraph(response.force, "Our own wording under section 55.")
    db.session.flush()
    assert welsh_missing(response) == ["Write the statutory paragraph in Welsh",
                                       f"Write the chief constable's comment on recommendation {first.recommendation.ref} in Welsh"]


def test_an_office_that_works_in_english_needs_no_welsh(app):
    response = response_service.get_response("cumbria", "vawg-2021")
    for tracking in response_trackings(response):
        tracking.pcc_explanation = "Done."
    assert completeness.missing_items(response, response_trackings(response)) == []
    assert "welsh" not in [t.key for t in response_tasks.tasks(response, response_trackings(response))]


def test_sending_for_approval_approving_and_publishing_refuse_until_the_welsh_is_written(app, people, published_dir):
    response = dyfed_powys()
    write_english(response)
    with pytest.raises(response_service.IncompleteResponse) as refused:
        response_service.mark_ready(response, people["editor"], date(2021, 11, 1))
    assert "Write the PCC's comments in Welsh" in [m.message for m in refused.value.missing]
    # Sent and approved with the Welsh written, then a Welsh text blanked: neither approval nor publishing goes on.
    write_welsh(response)
    response_service.mark_ready(response, people["editor"], date(2021, 11, 1))
    response.pcc_comments_cy = None
    with pytest.raises(response_service.IncompleteResponse):
        response_service.approve(response, people["approver"], date(2021, 11, 2))
    response.pcc_comments_cy = "Mae'r Comisiynydd yn croesawu'r adroddiad."
    response_service.approve(response, people["approver"], date(2021, 11, 2))
    tracking = response_trackings(response)[0]
    tracking.pcc_explanation_cy = "  "
    with pytest.raises(DomainError):
        response_service.publish(response, people["editor"], published_dir)
    assert not published_dir.exists() or not any(published_dir.rglob("*.pdf")), "a refused publish writes nothing"
    assert response.versions == [] and response.published_on is None


def test_a_welsh_text_changed_after_approval_needs_a_new_approval(app, people):
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    response_service.mark_ready(response, people["editor"], date(2021, 11, 1))
    response_service.approve(response, people["approver"], date(2021, 11, 2))
    trackings = response_trackings(response)
    assert response_tasks.approval_stands(response, trackings)
    trackings[0].pcc_explanation_cy = "Esboniad newydd."
    assert response_tasks.changed_parts(response.approved_sections, response, trackings) == [
        f"Recommendation {trackings[0].recommendation.ref}"]
    trackings[0].pcc_explanation_cy = f"Esboniad o {trackings[0].recommendation.ref}."
    response.pcc_comments_cy = "Newid."
    assert response_tasks.changed_parts(response.approved_sections, response, trackings) == ["The PCC's comments"]


def test_a_part_without_welsh_keeps_the_fingerprint_it_had():
    """Approvals and publications recorded before Welsh versions were kept still count."""
    assert response_tasks._with_welsh("text") == "text"
    assert response_tasks._with_welsh("text", None, "  ") == "text"
    assert response_tasks._with_welsh("text", "testun") != "text"


def test_the_task_list_says_how_many_welsh_versions_are_written_and_links_the_first_missing(app, people):
    response = dyfed_powys()
    write_english(response)
    db.session.commit()
    html = checked(people["editor_client"].get(PAGE).text)
    count = len(response_trackings(response)) + 2
    assert "Write the Welsh versions" in html and f"Welsh Language Standards: 0 of {count} written" in html
    first = response_trackings(response)[0]
    assert f'href="{PAGE}/explanations#explanation-cy-{first.id}"' in html
    assert f'href="{PAGE}/comments#pcc_comments_cy"' in html and "Write the PCC&#39;s comments in Welsh" in html
    write_welsh(response)
    db.session.commit()
    html = people["editor_client"].get(PAGE).text
    assert f"{count} of {count} written" in html


def test_the_comments_page_has_the_welsh_fields_only_for_a_welsh_office(app, people, as_role):
    html = checked(people["editor_client"].get(f"{PAGE}/comments").text)
    for name in ("chief_comments_cy", "chief_comments_absence_cy", "pcc_comments_cy", "pcc_response_to_chief_cy"):
        assert f'name="{name}"' in html
        assert f'id="{name}" name="{name}" rows' in html and f'id="{name}" name="{name}"' in html
    assert "The PCC&#39;s comments on the report in Welsh (Cymraeg)" in html
    assert html.count('lang="cy"') >= 4
    cumbria = as_role(Role.EDITOR, ("cumbria",)).get("/responses/cumbria/vawg-2021/comments").text
    # (fields by name: "_cy" alone may stand in the page's random nonce or CSRF token)
    assert not re.search(r'name="\w+_cy"', cumbria) and "Cymraeg" not in cumbria


def test_the_welsh_comments_are_saved_with_the_english(app, people):
    response = dyfed_powys()
    data = {"version": response.version, "pcc_comments": "The Commissioner welcomes the report.",
            "pcc_comments_cy": "Mae'r Comisiynydd yn croesawu'r adroddiad.",
            "chief_comments_absence": "None were given.", "chief_comments_absence_cy": "Ni roddwyd dim."}
    assert people["editor_client"].post(f"{PAGE}/comments", data=data).status_code == 302
    response = dyfed_powys()
    db.session.refresh(response)
    assert response.pcc_comments_cy == "Mae'r Comisiynydd yn croesawu'r adroddiad."
    assert response.chief_comments_absence_cy == "Ni roddwyd dim."


def test_the_explanations_page_has_and_saves_the_welsh_of_each(app, people):
    response = dyfed_powys()
    trackings = response_trackings(response)
    html = checked(people["editor_client"].get(f"{PAGE}/explanations").text)
    for tracking in trackings:
        assert f'id="explanation-cy-{tracking.id}" name="explanation-cy-{tracking.id}"' in html
        assert f'id="chief-cy-{tracking.id}" name="chief-cy-{tracking.id}"' in html
    assert "The PCC&#39;s explanation in Welsh (Cymraeg)" in html and 'lang="cy"' in html
    form = {f"version-{t.id}": t.version for t in trackings}
    form |= {f"explanation-{t.id}": f"We did {t.recommendation.ref}" for t in trackings}
    form |= {f"explanation-cy-{t.id}": f"Gwnaethom {t.recommendation.ref}" for t in trackings}
    assert people["editor_client"].post(f"{PAGE}/explanations", data=form).status_code == 302
    for tracking in response_trackings(dyfed_powys()):
        db.session.refresh(tracking)
        assert tracking.pcc_explanation_cy == f"Gwnaethom {tracking.recommendation.ref}"
    too_long = form | {f"explanation-cy-{trackings[0].id}": "x" * 20_001}
    page = people["editor_client"].post(f"{PAGE}/explanations", data=too_long).text
    assert error_summary(page) == ["The explanation in Welsh must be 20,000 characters or fewer"]
    assert f'href="#explanation-cy-{trackings[0].id}"' in page


def test_an_english_office_saving_explanations_leaves_any_welsh_alone(app):
    response = response_service.get_response("cumbria", "vawg-2021")
    tracking = response_trackings(response)[0]
    tracking.pcc_explanation_cy = "Testun"
    db.session.flush()
    response_service.save_explanations(response, None, {tracking.id: (tracking.version, "Done", None)})
    assert tracking.pcc_explanation == "Done" and tracking.pcc_explanation_cy == "Testun"


def test_the_statutory_paragraph_has_its_welsh_wording(app, people):
    url = "/responses/dyfed-powys/statutory-paragraph/edit"
    html = checked(people["editor_client"].get(url).text)
    assert 'name="statutory_paragraph_cy"' in html and "Statutory paragraph in Welsh (Cymraeg)" in html
    assert "Mae adran 55 o Ddeddf yr Heddlu 1996" in html
    blank = people["editor_client"].post(url, data={"statutory_paragraph": DEFAULT_STATUTORY_PARAGRAPH,
                                                    "statutory_paragraph_cy": " "})
    assert error_summary(blank.text) == ["Enter the statutory paragraph in Welsh"]
    saved = people["editor_client"].post(url, data={"statutory_paragraph": "Our own wording.",
                                                    "statutory_paragraph_cy": "Ein geiriad ein hunain."})
    assert saved.status_code == 302
    force = get_force("dyfed-powys")
    db.session.refresh(force)
    assert (force.statutory_paragraph, force.statutory_paragraph_cy) == ("Our own wording.", "Ein geiriad ein hunain.")
    # The standard wordings are kept as the standard (None), as a blank English one always was.
    people["editor_client"].post(url, data={"statutory_paragraph": DEFAULT_STATUTORY_PARAGRAPH,
                                            "statutory_paragraph_cy": DEFAULT_STATUTORY_PARAGRAPH_CY})
    db.session.refresh(force)
    assert (force.statutory_paragraph, force.statutory_paragraph_cy) == (None, None)


def test_publishing_refused_names_each_missing_welsh_text_in_an_error_summary(app, people):
    response = dyfed_powys()
    write_english(response)
    write_welsh(response)
    response_service.mark_ready(response, people["editor"], date(2021, 11, 1))
    response_service.approve(response, people["approver"], date(2021, 11, 2))
    response.chief_comments_cy = None
    db.session.commit()
    page = people["editor_client"].post(f"{PAGE}/publish", data={}).text
    assert "govuk-error-summary" in page and "Enter the chief constable&#39;s comments in Welsh" in page
    assert f'href="{PAGE}/comments#chief_comments_cy"' in page
    assert dyfed_powys().versions == []
    approve_page = checked(people["approver_client"].get(f"{PAGE}/approve").text)
    assert "Enter the chief constable&#39;s comments in Welsh (an editor of the force does this)" in approve_page


def test_another_sources_welsh_comments_are_linked_to_and_written_on_its_general_comments_page(app, as_role):
    """An IOPC response of an office that works in Welsh: its comments need their Welsh version, and the task
    list links the page where they are written (not the s.55 comments page, which is 404 for it)."""
    page = "/responses/cumbria/example-iopc-pursuit-2022"
    response = response_service.get_response("cumbria", "example-iopc-pursuit-2022")
    response.force.works_in_welsh = True
    response.pcc_comments = "The Commissioner welcomes the recommendations."
    db.session.commit()
    client = as_role(Role.EDITOR, ("cumbria",))
    html = checked(client.get(page).text)
    assert f'href="{page}/general-comments#pcc_comments_cy"' in html
    assert f'href="{page}/comments#' not in html
    assert client.get(f"{page}/comments").status_code == 404
    assert f'href="{page}/general-comments"' in client.get(f"{page}/explanations").text
    form = checked(client.get(f"{page}/general-comments").text)
    assert 'id="pcc_comments_cy"' in form and 'lang="cy"' in form
    data = {"version": response.version, "pcc_comments": "The Commissioner welcomes the recommendations.",
            "pcc_comments_cy": "Mae'r Comisiynydd yn croesawu'r argymhellion."}
    assert client.post(f"{page}/general-comments", data=data).status_code == 302
    db.session.refresh(response)
    assert response.pcc_comments_cy == "Mae'r Comisiynydd yn croesawu'r argymhellion."
    assert "Write the PCC's comments in Welsh" not in [m.message for m in completeness.missing_welsh(
        response, response_trackings(response))]
    assert client.get(f"{PAGE.replace('dyfed-powys', 'cumbria')}/general-comments").status_code == 404
    other_force = as_role(Role.EDITOR, ("dyfed-powys",))
    assert other_force.get(f"{page}/general-comments").status_code == 404
