"""The API's sign-in by personal access token, its paging, and its JSON errors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app, g, request, url_for

from tracker.services import rollback, save, set_actor, write_transactions
from tracker.services import tokens as token_service
from tracker.services import users as user_service
from tracker.web.auth import act_as
from tracker.web.json_errors import error_response

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000


class ApiError(Exception):
    """An error the API answers in JSON (see json_errors.error_response); the blueprint turns it into one."""

    def __init__(self, status: int, message: str, fields: dict[str, list[str]] | None = None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}

    def response(self):
        """The JSON answer."""
        return error_response(self.status, self.message, self.fields, self.headers)


def authenticate() -> None:
    """Act as the user whose token the request carries, or refuse it with 401.

    The token is looked up in a read; its last use is written (in a transaction of its own, taking
    SQLite's write lock from its start) at most once a minute, so most API requests write nothing.
    """
    g.api_token_id = None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        act_as(None)
        raise ApiError(401, "Send a personal access token: Authorization: Bearer <token>",
                       headers={"WWW-Authenticate": 'Bearer realm="tracker"'})
    token = token_service.find_token(secret.strip())
    if token is None:
        act_as(None)
        raise ApiError(401, "The token is not valid: it may have expired or been revoked",
                       headers={"WWW-Authenticate": 'Bearer realm="tracker", error="invalid_token"'})
    token_id, user_id, touch = token.id, token.user_id, token_service.needs_touch(token)
    if touch:
        rollback()  # end the read: the write gets a transaction of its own
        with write_transactions():
            token_service.touch(token_id)
            save()
    g.api_token_id = token_id
    user = user_service.get_signed_in_user(user_id)
    act_as(user)
    set_actor(user.id)


def log_request(response):
    """One log line per API request, naming the token (never its secret)."""
    current_app.logger.info("api request token=%s status=%s %s %s", g.get("api_token_id"), response.status_code,
                            request.method, request.full_path.rstrip("?"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Authorization"
    return response


@dataclass(frozen=True)
class Paging:
    """The page asked for and its size."""

    page: int
    per_page: int


def paging(args=None) -> Paging:
    """Read page and per_page from the query string; 400 when either is not a whole number in range."""
    args = request.args if args is None else args
    fields = {}
    page_text, per_page_text = args.get("page", "1").strip(), args.get("per_page", str(DEFAULT_PER_PAGE)).strip()
    if not re.fullmatch(r"[1-9]\d{0,6}", page_text):
        fields["page"] = ["Enter a page number, like 2"]
    if not re.fullmatch(r"[1-9]\d{0,3}", per_page_text) or int(per_page_text) > MAX_PER_PAGE:
        fields["per_page"] = [f"Enter how many items a page holds, from 1 to {MAX_PER_PAGE}"]
    if fields:
        raise ApiError(400, "The query has errors", fields)
    return Paging(int(page_text), int(per_page_text))


def page_body(items: list, total: int, paged: Paging, **meta) -> dict:
    """The body of a paginated answer: the items, the totals and the links to the other pages."""
    pages = max(1, -(-total // paged.per_page))

    def link(number: int) -> str:
        args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
        args.update(page=number, per_page=paged.per_page)
        return url_for(request.endpoint, **(request.view_args or {}), **args, _external=True)

    return {
        "data": items,
        "meta": {"page": paged.page, "per_page": paged.per_page, "total": total, "pages": pages, **meta},
        "links": {
            "self": link(paged.page),
            "first": link(1),
            "last": link(pages),
            "prev": link(paged.page - 1) if 1 < paged.page <= pages + 1 else None,
            "next": link(paged.page + 1) if paged.page < pages else None,
        },
    }


def choice(name: str, allowed, message: str) -> str | None:
    """A query-string value that must be one of `allowed` (None when absent); 400 otherwise."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        raise ApiError(400, "The query has errors", {name: [message]})
    return value
