"""Calls of the data API in tests, each answer checked against the OpenAPI document's schema for its
path and status (JSON Schema 2020-12, as OpenAPI 3.1 uses), with its formats (dates, URIs) checked."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

from tracker.web.api.views import openapi_document

SPEC = openapi_document()


def path_template(path: str) -> str:
    """The OpenAPI path (/api/v1/trackings/{id}) that an address's path matches."""
    for template in SPEC["paths"]:
        pattern = "^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    raise AssertionError(f"{path} is not in the OpenAPI document")


def response_schema(template: str, status: int) -> dict:
    """The schema the document gives for a path's answer with this status."""
    response = SPEC["paths"][template]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def check_answer(url: str, status: int, body) -> None:
    """Fail unless the body is valid against the documented schema of the path and status."""
    template = path_template(urlsplit(url).path)
    schema = {**response_schema(template, status), "components": SPEC["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{url} ({status}) does not match the OpenAPI document: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5])


def api_get(client, url: str, token: str | None, status: int = 200, headers: dict | None = None):
    """GET an API address with a token, insist on the status, check the answer against the document."""
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = client.get(url, headers=headers)
    assert response.status_code == status, f"{url}: {response.status_code} {response.get_data(as_text=True)[:500]}"
    assert response.mimetype == "application/json", f"{url}: {response.mimetype}"
    body = response.get_json()
    check_answer(url, status, body)
    return body
