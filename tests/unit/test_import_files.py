"""Reading uploaded files for the importer: .txt, .docx and .pdf, and hostile input of each kind."""

import io
import zipfile

import docx
import pytest
from pypdf import PdfWriter

from tracker.domain.importer import MAX_TEXT_CHARS, ImportFileError, parse_text, read_file_bytes

SECTION = "Recommendations\n\n1. By March 2022, chief constables should publish a plan.\n\u2022 one point\n"


def _docx(paragraphs: list[tuple[str, str | None]]) -> bytes:
    """A Word document with these (text, style) paragraphs."""
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    """A PDF with a page and no text layer, as a scan has."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_utf8_text_file_is_read_as_it_is():
    text, warnings = read_file_bytes("recs.txt", SECTION.encode("utf-8"))
    assert text == SECTION and warnings == []


def test_a_utf8_file_with_a_byte_order_mark_and_a_utf16_file_are_read():
    assert read_file_bytes("r.txt", b"\xef\xbb\xbf" + SECTION.encode())[0] == SECTION
    assert read_file_bytes("r.txt", SECTION.encode("utf-16"))[0] == SECTION


def test_a_text_file_that_is_not_utf8_is_read_as_windows_1252_and_says_so():
    text, warnings = read_file_bytes("r.txt", "1. Forces\u2019 plans should be published.".encode("cp1252"))
    assert "Forces\u2019 plans" in text
    assert "not UTF-8" in warnings[0].message and "Windows-1252" in warnings[0].message


def test_a_word_document_is_read_with_its_list_paragraphs_as_bullet_points():
    data = _docx([("Recommendations", None), ("1. By March 2022, chief constables should publish a plan:", None),
                  ("the use of police powers;", "List Bullet"), ("the use of the disclosure scheme.", "List Bullet")])
    text, _ = read_file_bytes("Report.DOCX", data)
    result = parse_text(text)
    assert [i.ref for i in result.items] == ["1"]
    assert result.items[0].bullets == ["the use of police powers;", "the use of the disclosure scheme."]


def test_a_pdf_with_text_is_read():
    from weasyprint import HTML

    data = HTML(string="<html lang='en'><body><p>Recommendations</p><p>1. By March 2022, chief constables "
                       "should publish a plan.</p></body></html>").write_pdf()
    text, _ = read_file_bytes("report.pdf", data)
    result = parse_text(text)
    assert [(i.ref, i.addressed_to, i.deadline_text) for i in result.items] == [("1", "Chief constables", "By March 2022")]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "The selected file is empty"),
    ("empty.pdf", b"", "The selected file is empty"),
    ("binary.txt", bytes(range(256)) * 40, "not a text file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ("fake.docx", b"this is not a zip file at all", "is not a Word document"),
    ("other.docx", b"PK\x05\x06" + b"\x00" * 18, "is not a Word document"),
    ("fake.pdf", b"hello, I am not a PDF", "not a PDF that can be opened"),
    ("broken.pdf", b"%PDF-1.7\n garbage garbage", "not a PDF that can be opened"),
    ("report.odt", b"anything", "must be a .txt, .docx or .pdf file"),
    ("blank.txt", b"   \n\n  ", "has no text in it"),
])
def test_hostile_files_give_a_clear_message(name, data, message):
    with pytest.raises(ImportFileError, match=message):
        read_file_bytes(name, data)


def test_a_pdf_with_no_text_layer_says_it_may_be_a_scan():
    with pytest.raises(ImportFileError, match="this PDF has no text to read: it may be a scan"):
        read_file_bytes("scan.pdf", _blank_pdf())


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ImportFileError, match="is not a Word document"):
        read_file_bytes("x.docx", out.getvalue())


def test_five_megabytes_of_text_is_refused_clearly():
    data = ("1. Forces should act on this recommendation now.\n" * 110_000).encode()
    assert len(data) > 5_000_000
    with pytest.raises(ImportFileError, match=f"the most is {MAX_TEXT_CHARS:,}"):
        read_file_bytes("big.txt", data)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ImportFileError, match="must be smaller than 10 MB"):
        read_file_bytes("huge.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))
