"""Turning an uploaded .txt, .docx or .pdf into text, or refusing it with a message a person can act on."""

from __future__ import annotations

import io
import zipfile

from tracker.domain.importer.results import MAX_TEXT_CHARS, ImportFileError, ParseWarning
from tracker.domain.importer.shapes import BULLET
from tracker.domain.progress import Progress, quiet

MAX_FILE_BYTES = 10 * 1024 * 1024  # an uploaded file: the app's upload limit (TRACKER_MAX_UPLOAD_BYTES) by default
MAX_PDF_PAGES = 600
MAX_DOCX_UNZIPPED_BYTES = 60 * 1024 * 1024  # guards against a zip bomb dressed as .docx
ACCEPTED_EXTENSIONS = (".txt", ".docx", ".pdf")


def read_file_bytes(filename: str, data: bytes, progress: Progress = quiet) -> tuple[str, list[ParseWarning]]:
    """Turn an uploaded .txt, .docx or .pdf into text; raise ImportFileError with a clear message."""
    name = (filename or "").lower()
    extension = next((ext for ext in ACCEPTED_EXTENSIONS if name.endswith(ext)), None)
    if extension is None:
        raise ImportFileError("The selected file must be a .txt, .docx or .pdf file")
    if not data:
        raise ImportFileError("The selected file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"The selected file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB "
            f"(it is {len(data) / (1024 * 1024):.1f} MB)")
    if extension == ".txt":
        text, warnings = _read_txt(data)
    elif extension == ".docx":
        text, warnings = _read_docx(data)
    else:
        text, warnings = _read_pdf(data, progress)
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFileError(
            f"The file holds too much text to read ({len(text):,} characters; the most is {MAX_TEXT_CHARS:,}). "
            "Upload or paste the recommendations section only.")
    if not text.strip():
        raise ImportFileError("The selected file has no text in it")
    return text, warnings


def _looks_binary(data: bytes) -> bool:
    """True when bytes are not text: NUL bytes, or many control characters."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _read_txt(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Read a text file as UTF-8 (or UTF-16 with a byte order mark), else as Windows-1252 with a warning."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise ImportFileError("The selected file is not readable text") from None
    if _looks_binary(data):
        raise ImportFileError("The selected file is not a text file: it holds binary data. "
                              "Upload a .txt, .docx or .pdf file")
    if data.startswith(b"%PDF-"):
        raise ImportFileError("The selected file is a PDF named .txt: rename it to .pdf and upload it again")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        return text, [ParseWarning(
            f"The file is not UTF-8 (byte {exc.start + 1} is not): it was read as Windows-1252; "
            "check quotes and accented letters", None, None)]


def _read_docx(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Read the paragraphs (and table cells) of a Word document, marking list paragraphs as bullet points."""
    not_word = ("The selected file is not a Word document (.docx) that can be opened: it may be damaged, "
                "or saved in another format. Save it as .docx, .pdf or .txt and try again")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNZIPPED_BYTES:
                raise ImportFileError("The selected Word document is too large to read once unpacked")
            if "word/document.xml" not in archive.namelist():
                raise ImportFileError(not_word)
    except zipfile.BadZipFile:
        raise ImportFileError(not_word) from None
    import docx  # noqa: PLC0415  (a heavy library, loaded when first used)
    from docx.opc.exceptions import PackageNotFoundError  # noqa: PLC0415  (a heavy library, loaded when first used)

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise ImportFileError(not_word) from None
    except Exception:  # lxml's XMLSyntaxError and its kin: a damaged file
        raise ImportFileError(not_word) from None
    lines: list[str] = []
    warnings: list[ParseWarning] = []
    numbered = False
    for paragraph in document.paragraphs:
        text = paragraph.text
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        has_numbering = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        if text.strip() and ("List" in style or has_numbering) and not BULLET.match(text.strip()):
            numbered = numbered or "Number" in style or has_numbering
            text = "• " + text
        lines.append(text)
        lines.append("")
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.append(cell.text)
                lines.append("")
    if numbered:
        warnings.append(ParseWarning(
            "Word's automatic list numbering is not kept in the text: numbered paragraphs were read as "
            "bullet points; check the references"))
    return "\n".join(lines), warnings


def _read_pdf(data: bytes, progress: Progress = quiet) -> tuple[str, list[ParseWarning]]:
    """Read the text layer of a PDF, page by page; refuse a scan or a locked file clearly."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise ImportFileError("The selected file is not a PDF that can be opened: it may be damaged")
    from pypdf import PdfReader  # noqa: PLC0415  (a heavy library, loaded when first used)
    from pypdf.errors import PyPdfError  # noqa: PLC0415  (a heavy library, loaded when first used)

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportFileError("The selected PDF is protected by a password: remove the password and try again")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ImportFileError(f"The selected PDF has more than {MAX_PDF_PAGES} pages: upload the "
                                  "recommendations section only")
        pages = _pdfium_pages(data, progress)
        if pages is None:
            pages = []
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                progress("Reading the PDF's pages", len(pages), len(reader.pages))
    except ImportFileError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        raise ImportFileError("The selected file is not a PDF that can be opened: it may be damaged") from None
    text = "\f".join(pages)
    if not text.strip():
        raise ImportFileError("this PDF has no text to read: it may be a scan. "
                              "Copy the recommendations from the report's web page instead")
    return text, []


def _pdfium_pages(data: bytes, progress: Progress = quiet) -> list[str] | None:
    """Each page's text by PDFium (fifty times quicker than pypdf: a 200-page report in well under a
    second), or None when PDFium cannot read a file that pypdf could open."""
    import pypdfium2  # noqa: PLC0415  (a heavy library, loaded when first used)

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
            progress("Reading the PDF's pages", len(pages), len(document))
        return pages
    except pypdfium2.PdfiumError:
        return None
    finally:
        document.close()
