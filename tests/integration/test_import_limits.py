"""Uploaded reports are read within limits: a Word document's unpacked bytes, elements and paragraphs
counted as it is read (whatever its zip claims), and the whole reading in a child process with
memory and time limits. Every refusal says which limit it met."""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest

from tests.page_check import csrf_token
from tracker.domain.importer import ImportFileError, read_file_bytes
from tracker.domain.importer.files import MAX_DOCX_ELEMENTS, MAX_DOCX_PARAGRAPHS
from tracker.domain.statuses import Role
from tracker.services import imports as import_service
from tracker.services.sandbox import LimitExceeded, run_limited

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MB = 1024 * 1024


def docx_of(body: bytes) -> bytes:
    """A zip holding word/document.xml with this body, as small as deflate makes it."""
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>').encode() + body + b"</w:body></w:document>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def understated(data: bytes, size: int = 1000) -> bytes:
    """The same zip with every member's unpacked size written as `size`, in its local header and directory."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + offset:start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(data)


@pytest.fixture(scope="module")
def paragraph_flood() -> bytes:
    """The review's file: about 85 KB that unpacks to 58 MB of empty paragraphs."""
    return docx_of(b"<w:p/>" * (58 * MB // 6))


def _read_in_a_small_box(name: str, data: bytes):
    """read_file_bytes in a child allowed 300 MB more memory and 60 seconds."""
    return run_limited(read_file_bytes, name, data, memory_bytes=300 * MB, seconds=60, expected=(ImportFileError,))


def test_a_small_file_of_empty_paragraphs_is_refused_quickly_in_little_memory(paragraph_flood):
    assert len(paragraph_flood) < 120_000
    started = time.monotonic()
    with pytest.raises(ImportFileError, match=f"more than {MAX_DOCX_PARAGRAPHS:,} paragraphs"):
        _read_in_a_small_box("flood.docx", paragraph_flood)
    assert time.monotonic() - started < 30


def test_a_zip_that_understates_its_sizes_is_refused(paragraph_flood):
    with pytest.raises(ImportFileError):
        _read_in_a_small_box("understated.docx", understated(paragraph_flood))


def test_the_unpacked_bytes_are_counted_as_they_are_read():
    with pytest.raises(ImportFileError, match="it unpacks to more than 40 MB"):
        _read_in_a_small_box("attributes.docx", docx_of(b"".join(b'<w:p w:rsidR="' + b"A" * MB + b'"/>' for _ in range(45))))


def test_the_elements_are_counted_as_they_are_read(monkeypatch):
    monkeypatch.setattr("tracker.domain.importer.files.MAX_DOCX_ELEMENTS", 10_000)  # the count, not the figure
    data = docx_of(b"<w:p>" + b"<w:r/>" * 20_000 + b"</w:p>")
    with pytest.raises(ImportFileError, match="more than 10,000 XML elements"):
        _read_in_a_small_box("runs.docx", data)
    assert MAX_DOCX_ELEMENTS >= 1_000_000


def test_a_word_document_read_as_a_stream_keeps_its_text_lists_and_tables():
    import docx

    document = docx.Document()
    document.add_paragraph("Recommendations")
    document.add_paragraph("Do this\tnow", style="List Number")
    paragraph = document.add_paragraph("Plain ")
    paragraph.add_run("and bold").bold = True
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "a cell", "two\nlines"
    out = io.BytesIO()
    document.save(out)
    text, warnings = read_file_bytes("r.docx", out.getvalue())
    assert text.split("\n\n")[:4] == ["Recommendations", "• Do this\tnow", "Plain and bold", "a cell"]
    assert text.endswith("a cell\n\ntwo\nlines\n")
    assert "numbering is not kept" in warnings[0].message


# --- the child process --------------------------------------------------------------------------


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MB))


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def _refuse() -> None:
    raise ImportFileError("refused as it should be")


def test_the_child_returns_the_result():
    assert run_limited(_allocate, 10, memory_bytes=200 * MB) == 10 * MB


def test_the_child_is_refused_memory_beyond_its_limit():
    with pytest.raises(LimitExceeded, match="memory limit of 100 MB") as refusal:
        run_limited(_allocate, 400, memory_bytes=100 * MB)
    assert refusal.value.limit == "memory"


def test_the_child_is_stopped_at_its_time_limit():
    started = time.monotonic()
    with pytest.raises(LimitExceeded, match="time limit of 1 seconds") as refusal:
        run_limited(_sleep, 30, seconds=1)
    assert refusal.value.limit == "time" and time.monotonic() - started < 10


def test_an_expected_error_comes_back_as_it_was():
    with pytest.raises(ImportFileError, match="refused as it should be"):
        run_limited(_refuse, expected=(ImportFileError,))


def test_a_limit_met_while_reading_an_upload_says_which(monkeypatch):
    monkeypatch.setattr(import_service, "_read_and_parse", lambda *args: _sleep(30))
    with pytest.raises(ImportFileError, match="Reading the selected file took longer than the time limit of 1 seconds"):
        import_service.read_upload("slow.txt", b"1. Forces should act.\n", None, seconds=1)
    monkeypatch.setattr(import_service, "_read_and_parse", lambda *args: _allocate(400))
    with pytest.raises(ImportFileError, match="Reading the selected file needed more than the memory limit of 100 MB"):
        import_service.read_upload("big.txt", b"1. Forces should act.\n", None, memory_bytes=100 * MB)


# --- the page -----------------------------------------------------------------------------------


def _upload(client, name: str, data: bytes):
    page = client.get("/inspections/vawg-2021/import")
    return client.post("/inspections/vawg-2021/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "text": "",
        "file": (io.BytesIO(data), name)})


def test_the_import_page_refuses_the_flood_with_the_limit_it_met(csrf_app, as_role, paragraph_flood):
    client = as_role(Role.SERVICE_ADMIN, ("cumbria",))
    response = _upload(client, "flood.docx", paragraph_flood)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert f"more than {MAX_DOCX_PARAGRAPHS:,} paragraphs" in html


def test_the_import_page_names_the_time_limit(csrf_app, as_role, monkeypatch):
    monkeypatch.setitem(csrf_app.config, "TRACKER_IMPORT_LIMITS", {"seconds": 1})
    monkeypatch.setattr(import_service, "_read_and_parse", lambda *args: _sleep(30))
    client = as_role(Role.SERVICE_ADMIN, ("cumbria",))
    html = _upload(client, "report.txt", b"Recommendations\n\n1. Forces should act.\n").get_data(as_text=True)
    assert "took longer than the time limit of 1 seconds" in html
