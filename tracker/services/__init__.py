"""Data access for each area of the domain: plain typed functions that flush and never commit.

The one place that commits is the request (or the CLI command) that called them.
"""


class DomainError(Exception):
    """A change the domain refuses; `field` names the form field to show it against."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else saved the record after it was loaded: the save is refused, nothing lost."""
