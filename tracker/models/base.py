"""The one declarative base every model shares, the session class, and the unbound Flask-SQLAlchemy object.

Times are stored as naive UTC (the same on SQLite and PostgreSQL); dates are calendar dates.
Enumerated values are stored as their strings, with no database-specific enum types.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from tracker.domain.errors import stale_write_conflict

# Named constraints keep migrations the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The one declarative base every model shares."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Session(FlaskSQLAlchemySession):
    """The session: a stale write found by any flush (not only save()'s) is a ConflictError.

    A versioned UPDATE that matches no row means someone else saved the record first. That can
    surface at an autoflush (a query after a change), long before save() commits; it is turned
    into the same ConflictError, with the session rolled back so the page can still be drawn.
    """

    _committing = False

    def commit(self) -> None:
        """Commit; a stale write raises ConflictError and the caller rolls back (as save() does)."""
        self._committing = True
        try:
            super().commit()
        finally:
            self._committing = False

    def flush(self, objects=None) -> None:
        """Flush; on a stale versioned row raise ConflictError.

        Outside a commit the session is rolled back here, so that the page drawn after the
        refusal can still read; inside one, commit's caller rolls back (it cannot be done mid-commit).
        """
        try:
            super().flush(objects)
        except StaleDataError:
            if not self._committing:
                self.rollback()
            raise stale_write_conflict() from None


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})


def utcnow() -> datetime:
    """Return the current time as naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_cls, **kwargs):
    """A portable VARCHAR column holding an enum's string values, checked by the database."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        name=enum_cls.__name__.lower(),
        **kwargs,
    )


class TimestampMixin:
    """Created and updated times shared by every changeable record."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """A version number for optimistic locking: a save against an old version is refused."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")
