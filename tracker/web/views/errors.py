"""Error pages: a clear page for every error, and never a stack trace."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.services import is_database_busy, read_transactions, rollback
from tracker.web.i18n import N_, PUBLIC
from tracker.web.json_errors import error_response, wants_json

# Marked for the message catalogue: a public page's error is shown in the page's language.
MESSAGES = {
    400: (N_("Sorry, there is a problem with that request"), N_("Check what you entered and try again.")),
    403: (N_("You do not have permission to do that"), N_("Your role does not allow this. Ask an administrator if you need it.")),
    404: (N_("Page not found"), N_("If you typed the web address, check it is correct. If you pasted it, check you copied it all.")),
    405: (N_("Sorry, that cannot be done here"), N_("Go back and use the page's own buttons.")),
    413: (N_("That file is too large"), N_("Choose a smaller file and try again.")),
    429: (N_("Too many attempts"), N_("Wait a few minutes, then try again.")),
    500: (N_("Sorry, there is a problem with the service"), N_("Try again later. Nothing you entered has been saved.")),
    503: (N_("Sorry, the service is busy"), N_("Nothing you entered has been saved. Go back and try again in a moment.")),
}


def init_app(app) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)


def _render(code: int):
    title, message = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if wants_json():  # the data API answers in JSON, never a page
        return error_response(code, title), code
    if request.blueprint == PUBLIC:  # a reader of the public pages keeps their header, footer and language
        return render_template("public/error.html", code=code, error_title=title, message=message), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _csrf_error(error):
    """A missing or expired form token: refuse, and say that nothing was saved."""
    return render_template(
        "errors/error.html", code=400, title="Your form was out of date",
        message="Nothing was saved. Your session may have timed out: go back, reload the page and try again.",
    ), 400


def _http_error(error: HTTPException):
    return _render(error.code or 500)


def _server_error(error):
    """Roll back whatever the request had written, log it, and show the 500 page.

    A database too busy to answer in time (a lock wait that ran out) is not a fault: it gets a
    503 page that says nothing was saved and to try again.
    """
    rollback()
    if is_database_busy(error):
        current_app.logger.warning("Database busy on %s %s: %s", request.method, request.path, error.orig)
        with read_transactions():  # the page must not queue for the write lock again
            page, code = _render(503)
        return page, code, {"Retry-After": "2"}
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    return _render(500)
