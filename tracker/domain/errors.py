"""The errors of the domain: a change refused, and a change that came too late. Imports nothing of the app."""

from __future__ import annotations


class DomainError(Exception):
    """A change the domain refuses; `field` names the form field to show it against."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else saved the record after it was loaded: the save is refused, nothing lost."""


def stale_write_conflict() -> ConflictError:
    """The conflict raised when a save finds the record changed since it was read."""
    return ConflictError(
        "Someone else saved this record while you were saving it. Your changes have not been saved: "
        "they are still in the form below. Check the current record, then save again."
    )
