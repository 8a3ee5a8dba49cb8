"""The Word copy of a response: the same headings as the PDF, every recommendation and explanation in it,
and it opens in LibreOffice (converted headless, as the PCC's office's word processor would open it);
and "start from a previous response"."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from tests.factories import get_force
from tracker.db import db
from tracker.documents.response import response_trackings
from tracker.documents.word import render_response_docx
from tracker.domain.statuses import InspectionType, Kind, Role
from tracker.models import Inspection
from tracker.services import DomainError
from tracker.services import inspections as inspection_service
from tracker.services import responses as response_service

SOFFICE = shutil.which("soffice")


def cumbria():
    return response_service.get_response("cumbria", "vawg-2021")


def explained(response):
    for tracking in response_trackings(response):
        tracking.pcc_explanation = f"Explanation of {tracking.recommendation.ref}: the force has acted.\x0b"
    db.session.flush()
    return response


def test_the_word_copy_has_the_headings_and_every_recommendation_and_explanation(app):
    response = explained(cumbria())
    document = Document(io.BytesIO(render_response_docx(response)))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", f"Cumbria Police and Crime Commissioner's response to {response.inspection.title}")
    names = [text for _, text in headings]
    for heading in ("The inspection", "Key findings", "Recommendations and the PCC's explanations", "The PCC's comments",
                    "The chief constable's comments"):
        assert heading in names
    text = "\n".join(p.text for p in document.paragraphs)
    for tracking in response_trackings(response):
        assert f"Recommendation {tracking.recommendation.ref}" in names
        assert f"Explanation of {tracking.recommendation.ref}: the force has acted." in text
    assert document.core_properties.title.startswith("Cumbria Police and Crime Commissioner's response")
    assert render_response_docx(response) == render_response_docx(response)  # no time of rendering in it


@pytest.mark.skipif(SOFFICE is None, reason="never: scripts/system-packages.sh installs libreoffice-writer-nogui")
def test_the_word_copy_opens_in_libreoffice(app, tmp_path):
    response = explained(cumbria())
    source = tmp_path / "response.docx"
    source.write_bytes(render_response_docx(response))
    profile = tmp_path / "profile"
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(source)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "response.pdf").pages)
    text = " ".join(text.split())
    for tracking in response_trackings(response):
        assert f"Recommendation {tracking.recommendation.ref}" in text
        assert f"Explanation of {tracking.recommendation.ref}: the force has acted." in text


def test_the_word_copy_downloads_for_the_forces_users(app, as_role):
    page = as_role(Role.VIEWER).get("/responses/cumbria/vawg-2021/draft.docx")
    assert page.status_code == 200 and page.data.startswith(b"PK")
    assert "attachment" in page.headers["Content-Disposition"]


def test_start_from_a_previous_response_copies_comments_and_same_text_explanations(app, as_role):
    """A later report with one recommendation worded as VAWG's 3.2: its explanation and the PCC's comments are copied."""
    previous = explained(cumbria())
    db.session.commit()
    same = next(t for t in response_trackings(previous) if t.recommendation.ref == "3.2").recommendation
    later = Inspection(slug="vawg-2024", title="A later inspection", published_on=date(2024, 3, 1),
                       type=InspectionType.FORCE_SPECIFIC)
    db.session.add(later)
    inspection_service.set_scope(later, [get_force("cumbria")])
    inspection_service.add_recommendation(later, ref="1", kind=Kind.RECOMMENDATION, text="  " + same.text.upper())
    inspection_service.add_recommendation(later, ref="2", kind=Kind.RECOMMENDATION, text="Something new.")
    db.session.commit()
    client = as_role(Role.EDITOR)
    page = client.get("/responses/cumbria/vawg-2024/start-from").get_data(as_text=True)
    assert previous.inspection.title in page
    assert "Select the response to start from" in client.post("/responses/cumbria/vawg-2024/start-from",
                                                              data={"source": ""}).get_data(as_text=True)
    assert client.post("/responses/cumbria/vawg-2024/start-from", data={"source": str(previous.id)}).status_code == 302
    db.session.expire_all()
    response = response_service.get_response("cumbria", "vawg-2024")
    assert response.pcc_comments == previous.pcc_comments
    explanations = {t.recommendation.ref: t.pcc_explanation for t in response_trackings(response)}
    assert explanations == {"1": "Explanation of 3.2: the force has acted.\x0b", "2": None}
    other_force = response_service.get_response("lancashire", "vawg-2021")
    with pytest.raises(DomainError):
        response_service.copy_from_previous(response, other_force)
