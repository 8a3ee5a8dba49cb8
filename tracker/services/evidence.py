"""Evidence files attached to progress updates: checked by size and content, stored by their hash.

The uploaded filename is kept only for display and as the download's suggested name; the file
on disk is named by its SHA-256, so no name a person chose ever reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tracker.db import db
from tracker.models import EvidenceFile, ProgressUpdate
from tracker.services import DomainError, get_by_id

MAX_BYTES = 10 * 1024 * 1024
_WRITTEN = "evidence_written"  # the session's list of files written in its transaction


@dataclass(frozen=True)
class FileType:
    """An accepted kind of file: its content type and how its first bytes must look."""

    content_type: str
    magic: tuple[bytes, ...] = ()
    text: bool = False


ACCEPTED = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "txt": FileType("text/plain; charset=utf-8", text=True),
    "csv": FileType("text/csv; charset=utf-8", text=True),
}
ACCEPTED_LABEL = "PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV"


def display_name(filename: str | None) -> str:
    """A safe name to show and to suggest for download: no folders, no control characters, not too long."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .") or "evidence"
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + "." + ext) if dot and len(ext) <= 5 else name[:120]
    return name


def check_file(filename: str, data: bytes) -> FileType:
    """Refuse a file that is empty, too large, of a type not accepted, or whose content is not that type."""
    name = display_name(filename)
    if not data:
        raise DomainError(f"The selected file {name} is empty", field="files")
    if len(data) > MAX_BYTES:
        raise DomainError(f"The selected file {name} must be smaller than 10 MB", field="files")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ACCEPTED.get(ext)
    if kind is None:
        raise DomainError(f"The selected file {name} must be a {ACCEPTED_LABEL}", field="files")
    if kind.text:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError(f"The selected file {name} must be plain text (UTF-8)", field="files") from None
        if "\x00" in text:
            raise DomainError(f"The selected file {name} must be plain text (UTF-8)", field="files")
    elif not any(data.startswith(magic) for magic in kind.magic):
        raise DomainError(f"The selected file {name} is not a real {ext.upper()} file", field="files")
    return kind


def store_file(update: ProgressUpdate, filename: str, data: bytes, evidence_dir: str | Path) -> EvidenceFile:
    """Check a file, write it under the evidence folder named by its SHA-256, and attach it to the update."""
    kind = check_file(filename, data)
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(evidence_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = folder / f".{digest}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        # Written before the commit, so that no saved row ever names a missing file; if the save is
        # refused, discard_unrecorded takes it away again (and sweep_orphans, after a crash).
        db.session.info.setdefault(_WRITTEN, []).append(path)
    record = EvidenceFile(update=update, filename=display_name(filename), stored_name=digest,
                          content_type=kind.content_type, size=len(data), sha256=digest)
    db.session.add(record)
    return record


def _referenced(names: list[str]) -> set[str]:
    """Which of these stored names a saved evidence row names."""
    found: set[str] = set()
    for start in range(0, len(names), 500):
        found.update(db.session.scalars(sa.select(EvidenceFile.stored_name)
                                        .where(EvidenceFile.stored_name.in_(names[start:start + 500]))))
    return found


def discard_unrecorded() -> list[Path]:
    """After a save (kept or refused): remove the files it wrote that no saved row names; return them.

    Called once the transaction is over, so a refused save leaves no file behind it.
    """
    written = db.session.info.pop(_WRITTEN, [])
    kept = _referenced([path.name for path in written]) if written else set()
    removed = [path for path in written if path.name not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def sweep_orphans(evidence_dir: str | Path, older_than: timedelta = timedelta(hours=1)) -> list[Path]:
    """Remove the files no saved row names, and half-written ones, older than `older_than`; return them.

    A worker killed between writing a file and committing its row leaves such a file. The age keeps
    the sweep off the files of saves still in progress.
    """
    folder = Path(evidence_dir)
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    old = [path for path in folder.iterdir() if path.is_file() and path.stat().st_mtime < cutoff
           and (re.fullmatch(r"[0-9a-f]{64}", path.name) or path.name.endswith(".tmp"))]
    kept = _referenced([path.name for path in old])
    removed = [path for path in old if path.name not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def get_evidence(evidence_id: int) -> EvidenceFile | None:
    """Return an evidence file record, or None."""
    return get_by_id(EvidenceFile, evidence_id)


def path_of(record: EvidenceFile, evidence_dir: str | Path) -> Path | None:
    """Return where the file is stored, or None when it is missing; never outside the evidence folder."""
    if not re.fullmatch(r"[0-9a-f]{64}", record.stored_name or ""):
        return None
    path = Path(evidence_dir) / record.stored_name
    return path if path.is_file() else None
