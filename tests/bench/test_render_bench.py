"""Render time of the statutory response documents: the seed response and a long one (25 recommendations)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.long_response import make_long_response
from tracker.documents.response import render_response_pdf
from tracker.services import responses as response_service

pytestmark = pytest.mark.bench


def test_render_seed_response(app, benchmark):
    """The seed VAWG response of Cumbria (4 recommendations, both comments)."""
    response = response_service.get_response("cumbria", "vawg-2021")
    pdf = benchmark.pedantic(render_response_pdf, args=(response,), rounds=3, iterations=1)
    assert pdf.startswith(b"%PDF-")


def test_render_long_response(app, benchmark):
    """A response to 25 recommendations with long explanations, actions and updates."""
    response = make_long_response()
    pdf = benchmark.pedantic(render_response_pdf, args=(response,), rounds=2, iterations=1)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) > 10
    for n in range(1, 26):
        assert f"Recommendation {n}" in text or f"Area for improvement {n}" in text or f".{n % 5 or 5} text" in text
