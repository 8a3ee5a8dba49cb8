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


def save() -> None:
    """Commit the request's changes: the one commit point of a request or command.

    A row changed by someone else since it was read (SQLAlchemy's version check) becomes a
    ConflictError; either way a failed save rolls back and leaves the database as it was.
    """
    from sqlalchemy.orm.exc import StaleDataError

    from ..extensions import db

    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(
            "Someone else saved this record while you were saving it. Your changes have not been saved: "
            "they are still in the form below. Check the current record, then save again."
        ) from None
    except Exception:
        db.session.rollback()
        raise


MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL; a larger number names no record


def get_by_id(model, record_id: int):
    """Return the record of `model` with this id, or None (also for an id no database column can hold)."""
    from ..extensions import db

    if not isinstance(record_id, int) or not 0 < record_id <= MAX_ID:
        return None
    return db.session.get(model, record_id)
