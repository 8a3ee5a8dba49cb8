"""The one way a view saves: run a service's change, commit, and turn a refusal into a message on the form."""

from __future__ import annotations

from flask import flash

from tracker.services import ConflictError, DomainError, refresh, rollback, save


def show_error(form, error: DomainError) -> None:
    """Show a refused change against its field, or at the top of the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors = [*getattr(form, "form_errors", []), error.message]


class saving:  # noqa: N801  (read as a phrase: `with saving(form) as attempt:`)
    """Run the block's service calls, then save(); a DomainError from either is caught here.

    On a refusal the session is rolled back, so the database is as it was; the message goes on the
    form's field (or at the top of the form; without a form, into a flashed error) and what was typed
    stays in the form. When someone else saved the record first (ConflictError) the record is read
    again and the form takes its current version, so a second save after checking goes through.
    Afterwards `attempt.ok` says whether it saved and `attempt.conflict` whether it was a conflict.
    """

    def __init__(self, form=None, record=None, show=None):
        self.form = form
        self.record = record
        self.show = show  # a page with its own way of showing a refusal: show(error)
        self.ok = False
        self.conflict = False
        self.error: DomainError | None = None

    def __enter__(self) -> saving:
        return self

    def __exit__(self, exc_type, error, traceback) -> bool:
        if error is None:
            try:
                save()
            except DomainError as refusal:
                error = refusal
            else:
                self.ok = True
                return False
        elif not isinstance(error, DomainError):
            return False
        rollback()
        self.error = error
        if isinstance(error, ConflictError) and self.record is not None:
            self.conflict = True
            refresh(self.record)
            if self.form is not None and hasattr(self.form, "version"):
                self.form.version.data = str(self.record.version)
        if self.show is not None:
            self.show(error)
        elif self.form is not None:
            show_error(self.form, error)
        else:
            flash(error.message, "error")
        return True
