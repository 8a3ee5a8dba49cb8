"""Turning an uploaded .txt, .docx or .pdf into text, or refusing it with a message a person can act on."""

from __future__ import annotations

import io
import zipfile
import zlib

from tracker.domain.importer.results import MAX_TEXT_CHARS, ImportFileError, ParseWarning
from tracker.domain.importer.shapes import BULLET
from tracker.domain.progress import Progress, quiet

MAX_FILE_BYTES = 10 * 1024 * 1024  # an uploaded file: the app's upload limit (TRACKER_MAX_UPLOAD_BYTES) by default
MAX_PDF_PAGES = 600
# A Word document is read within these, counted as it is unpacked (not as its zip claims): a zip
# bomb dressed as .docx is refused early.
MAX_DOCX_UNZIPPED_BYTES = 40 * 1024 * 1024  # the document's XML, unpacked
MAX_DOCX_ELEMENTS = 1_000_000
MAX_DOCX_PARAGRAPHS = 100_000
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


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_NOT_WORD = ("The selected file is not a Word document (.docx) that can be opened: it may be damaged, "
             "or saved in another format. Save it as .docx, .pdf or .txt and try again")


def _too_large(limit: str) -> ImportFileError:
    """The refusal of a Word document past one of the reading limits, naming it."""
    return ImportFileError(f"The selected Word document is too large to read: {limit}. "
                           "Upload or paste the recommendations section only")


def _read_docx(data: bytes) -> tuple[str, list[ParseWarning]]:
    """Read the paragraphs (then the table cells) of a Word document, marking list paragraphs as bullet points.

    The document's XML is unpacked and parsed as a stream, within limits on the bytes unpacked,
    the elements and the paragraphs: counted as it is read, whatever the zip's directory claims, and
    with each element dropped once read, so a small file that unpacks to a flood of empty
    paragraphs is refused within a moment and a few megabytes.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ImportFileError(_NOT_WORD)
            with archive.open("word/document.xml") as member:
                body, cells, numbered = _docx_paragraphs(member)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, RuntimeError,
            NotImplementedError, zlib.error):
        raise ImportFileError(_NOT_WORD) from None
    except Exception:  # lxml's XMLSyntaxError and its kin: a damaged file
        raise ImportFileError(_NOT_WORD) from None
    lines: list[str] = []
    for text in [*body, *cells]:
        lines += [text, ""]
    warnings = []
    if numbered:
        warnings.append(ParseWarning(
            "Word's automatic list numbering is not kept in the text: numbered paragraphs were read as "
            "bullet points; check the references"))
    return "\n".join(lines), warnings


def _docx_paragraphs(member) -> tuple[list[str], list[str], bool]:
    """The body's paragraphs, the table cells' texts, and whether any list was numbered, from document.xml."""
    from lxml import etree  # noqa: PLC0415  (a heavy library, loaded when first used)

    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True,
                                 huge_tree=False, load_dtd=False)
    body: list[str] = []
    cells: list[str] = []
    cell: list[str] | None = None
    stack: list[dict] = []  # the paragraphs open (a text box's paragraphs sit inside another's run)
    tables = 0
    numbered = False
    unpacked = elements = paragraphs = 0
    while chunk := member.read(64 * 1024):
        unpacked += len(chunk)
        if unpacked > MAX_DOCX_UNZIPPED_BYTES:
            raise _too_large(f"it unpacks to more than {MAX_DOCX_UNZIPPED_BYTES // (1024 * 1024)} MB")
        parser.feed(chunk)
        for event, element in parser.read_events():
            tag = element.tag
            if event == "start":
                elements += 1
                if elements > MAX_DOCX_ELEMENTS:
                    raise _too_large(f"it has more than {MAX_DOCX_ELEMENTS:,} XML elements")
                if tag == f"{_W}p":
                    stack.append({"parts": [], "list": False, "numbered": False})
                elif tag == f"{_W}tbl":
                    tables += 1
                elif tag == f"{_W}tc" and tables == 1:
                    cell = []
                elif tag == f"{_W}pStyle" and stack:
                    style = element.get(f"{_W}val") or ""
                    stack[-1]["list"] |= "List" in style
                    stack[-1]["numbered"] |= "Number" in style
                elif tag == f"{_W}numPr" and stack:
                    stack[-1]["list"] = stack[-1]["numbered"] = True
                continue
            if tag == f"{_W}t" and stack:
                stack[-1]["parts"].append(element.text or "")
            elif tag in _RUN_TEXT and stack:
                stack[-1]["parts"].append(_RUN_TEXT[tag])
            elif tag == f"{_W}p" and stack:
                paragraphs += 1
                if paragraphs > MAX_DOCX_PARAGRAPHS:
                    raise _too_large(f"it has more than {MAX_DOCX_PARAGRAPHS:,} paragraphs")
                paragraph = stack.pop()
                text = "".join(paragraph["parts"])
                if text.strip() and paragraph["list"] and not BULLET.match(text.strip()):
                    numbered = numbered or paragraph["numbered"]
                    text = "• " + text
                if tables:
                    if cell is not None:
                        cell.append("".join(paragraph["parts"]))
                elif stack:
                    stack[-1]["parts"].append(text)
                else:
                    body.append(text)
            elif tag == f"{_W}tc" and tables == 1 and cell is not None:
                cells.append("\n".join(cell))
                cell = None
            elif tag == f"{_W}tbl":
                tables -= 1
            # Read: let it go, and the siblings before it, so memory stays flat however long the file.
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    parser.close()
    return body, cells, numbered


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
