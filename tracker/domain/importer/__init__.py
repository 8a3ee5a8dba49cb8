"""Reading an inspection report's recommendations from its text, as a person pastes it from the
PDF or the web page, and writing them back out as plain text in our own format.

Plain Python with no Flask in it. `parse_text(text, published)` returns the items it read (with
reference, kind, nesting, who they are addressed to, text, bullet points and deadline) and
warnings for everything it could not place: nothing is dropped silently. `read_file_bytes`
turns an uploaded .txt, .docx or .pdf into text, or raises ImportFileError with a message a
person can act on. `render_text(items)` writes items in a format `parse_text` reads back.

The family: `text` (cleaning, lines, page furniture), `noise` (register markup, badges, what PDFs do
to text), `layout` (table rows and points run into one line, split), `shapes` (what a heading, a
reference, a bullet looks like), `addressees` (who must act; whether a sentence recommends),
`deadlines` (in an item's text), `published` (the publication date the text states), `parser` (one
pass over the lines), `files` (.txt, .docx, .pdf to text), `render` (our own text format),
`duplicates` (items an inspection already holds), `results`.
"""

from tracker.domain.importer.addressees import find_addressee
from tracker.domain.importer.files import (
    ACCEPTED_EXTENSIONS,
    MAX_DOCX_UNZIPPED_BYTES,
    MAX_FILE_BYTES,
    MAX_PDF_PAGES,
    read_file_bytes,
)
from tracker.domain.importer.parser import parse_text
from tracker.domain.importer.render import render_text
from tracker.domain.importer.results import MAX_TEXT_CHARS, ImportFileError, ParsedItem, ParseResult, ParseWarning
from tracker.domain.importer.text import clean_text, looks_like_heading

__all__ = [
    "ACCEPTED_EXTENSIONS", "MAX_DOCX_UNZIPPED_BYTES", "MAX_FILE_BYTES", "MAX_PDF_PAGES", "MAX_TEXT_CHARS",
    "ImportFileError", "ParseResult", "ParseWarning", "ParsedItem", "clean_text", "find_addressee",
    "looks_like_heading", "parse_text", "read_file_bytes", "render_text",
]
