"""Errors as JSON, for the data API (its errors are read by programs, not people)."""

from __future__ import annotations

from flask import jsonify, request

API_PREFIX = "/api/"


def wants_json() -> bool:
    """True for a request to the data API, whose errors are JSON, never a page."""
    return request.path.startswith(API_PREFIX)


def error_response(status: int, message: str, fields: dict | None = None, headers: dict | None = None):
    """A JSON error answer: {"error": {"status", "message", "fields"}}."""
    body = {"status": status, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify(error=body)
    response.status_code = status
    response.headers.update(headers or {})
    return response
