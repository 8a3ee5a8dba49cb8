"""Progress of long work (generating, backing up, restoring, reading a long PDF, sending reminders),
reported as a stage and a count to whoever watches: a terminal's progress line, or nobody."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Told the stage being done, how many of its steps are done, and how many there are (when known)."""

    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None: ...


def quiet(stage: str, done: int = 0, total: int | None = None) -> None:
    """Report nothing (the default, and what the pages use)."""
