"""Uploads: a file over the limit is refused on its form, with everything else as typed.

Werkzeug refuses a body over MAX_CONTENT_LENGTH before the form is read, so the form and what was
typed in it would be lost. A view marked `@takes_files` accepts a body up to the hard cap
(TRACKER_MAX_REQUEST_BYTES, a few times the upload limit) instead, and its files are streamed into
`CappedFile`s: the files' bytes are kept, in memory then on disk, up to the upload limit
(TRACKER_MAX_UPLOAD_BYTES, for all the request's files together); past it the rest is read and thrown
away and the file is marked too large, and the form's `SmallEnough` validator turns the mark into an
error on the file field. Text fields stay within MAX_FORM_MEMORY_SIZE (a view marked `@takes_text`
has its own: the importer takes a report's text pasted whole), and a body over the hard cap is
still refused before it is read (the 413 page): what a request can cost in memory, disk and time stays
bounded. The CSRF check reads the form like any other, before the view runs.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from flask import Request, current_app, has_app_context
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

_IN_MEMORY = 500 * 1024  # a file part is kept in memory up to this, then in a temporary file


def takes_files(view: Callable) -> Callable:
    """Mark a view whose form takes files: a file over the limit comes to it marked, not as a 413."""
    view.takes_files = True
    return view


def takes_text(limit_bytes: int) -> Callable[[Callable], Callable]:
    """Mark a view whose form takes a text field longer than MAX_FORM_MEMORY_SIZE (a report pasted
    whole): its text fields may hold up to `limit_bytes` each, within the request's hard cap."""
    def mark(view: Callable) -> Callable:
        view.text_bytes = limit_bytes
        return view
    return mark


def upload_limit() -> int:
    """How many bytes of files one request may bring (all its files together)."""
    return current_app.config["MAX_CONTENT_LENGTH"]


def megabytes(size: int) -> str:
    """A limit in whole megabytes, as the messages give it."""
    return f"{size // (1024 * 1024)} MB"


class CappedFile:
    """Where one uploaded file is written: kept while the request's files are within the upload limit;
    past it, emptied and marked `too_large`, and the rest of it read into nothing. Readable like any file."""

    def __init__(self, budget: list[int]):
        self._budget = budget  # [bytes the request's files may still bring], shared by its files
        self._file = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115  (FileStorage closes it)
        self.too_large = False
        self.kept = 0  # how many bytes it took in: never more than the budget allowed

    def write(self, data: bytes) -> int:
        """Keep the bytes while the request is within its budget; past it, keep nothing of this file."""
        if not self.too_large:
            if len(data) <= self._budget[0]:
                self._budget[0] -= len(data)
                self._file.write(data)
                self.kept += len(data)
            else:
                self._budget[0] = 0  # the files after this one are over the limit too
                self.too_large = True
                self._file.seek(0)
                self._file.truncate()  # what it held goes at once, not at the end of the request
        return len(data)

    def __getattr__(self, name):
        """Reading, seeking and closing go to the temporary file."""
        return getattr(self._file, name)


class UploadRequest(Request):
    """The app's request: at a view marked `takes_files`, the hard cap on the body and capped files."""

    def _mark(self, name: str):
        """The mark `name` of the view this request goes to (takes_files, text_bytes), or None."""
        if not has_app_context() or self.url_rule is None:
            return None
        return getattr(current_app.view_functions.get(self.url_rule.endpoint), name, None)

    def _takes_files(self) -> bool:
        return bool(self._mark("takes_files"))

    @property
    def max_form_memory_size(self) -> int | None:
        """A text field's limit: the view's own (takes_text), else the app's."""
        if self._max_form_memory_size is None and (limit := self._mark("text_bytes")):
            return limit
        return super().max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property
    def max_content_length(self) -> int | None:
        """The hard cap at a view that takes files (a file over the upload limit is refused on its
        form), else the app's limit."""
        if self._max_content_length is None and self._takes_files():
            return current_app.config["TRACKER_MAX_REQUEST_BYTES"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        """Each file part goes into a CappedFile, sharing the request's budget."""
        if not self._takes_files():
            return super()._get_file_stream(total_content_length, content_type, filename, content_length)
        if not hasattr(self, "_upload_budget"):
            self._upload_budget = [upload_limit()]
        return CappedFile(self._upload_budget)


def too_large(upload) -> bool:
    """Whether this uploaded file was over the limit (and so was not kept)."""
    return isinstance(upload, FileStorage) and getattr(upload.stream, "too_large", False)


class SmallEnough:
    """A file field's validator: a file over the upload limit is refused with GOV.UK's words."""

    def __call__(self, form, field):
        """Refuse the field when any of its files was over the limit."""
        uploads = field.data if isinstance(field.data, list) else [field.data]
        if any(too_large(upload) for upload in uploads):
            several = sum(1 for upload in uploads if upload and upload.filename) > 1
            raise StopValidation(f"The selected files must be smaller than {megabytes(upload_limit())} all together"
                                 if several else f"The selected file must be smaller than {megabytes(upload_limit())}")


def status_of(form) -> int:
    """413 when the form was refused for a file over the limit, else 200 (its other errors)."""
    return 413 if any(too_large(upload) for field in form for upload in _uploads(field)) else 200


def _uploads(field) -> list:
    """A field's data as a list (a multiple file field's is one already)."""
    data = getattr(field, "data", None)
    return data if isinstance(data, list) else [data]
