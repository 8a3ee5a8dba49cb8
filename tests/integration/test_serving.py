"""Serving in production: gunicorn with gunicorn.conf.py, the health check, secure cookies and
proxy headers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from http.client import HTTPConnection

import pytest
import sqlalchemy as sa

from tests.scratch_db import free_port, scratch_database
from tracker import PROJECT_ROOT, create_app
from tracker.config import from_environment


def test_health_reports_the_database_and_storage(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


def test_health_fails_when_the_database_cannot_be_reached(app, client, monkeypatch):
    def unreachable(*args, **kwargs):
        """A database that does not answer."""
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    from tracker.db import db

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "unavailable"


def test_health_fails_when_files_cannot_be_stored(app, client, tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setitem(app.config, "TRACKER_EVIDENCE_DIR", str(tmp_path / "a-file" / "evidence"))
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "storage": "not writable"}


def test_secure_cookies_are_sent_only_over_https(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_SECURE_COOKIES", "1")
    config = from_environment(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["PREFERRED_URL_SCHEME"] == "https"
    app = create_app({"SESSION_COOKIE_SECURE": True, "TESTING": True})
    cookie = app.test_client().get("/sign-in").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def _seen_by_the_app(proxies: int, headers: dict) -> dict:
    """What a request looks like to the app behind `proxies` proxies, given these headers."""
    app = create_app({"TRACKER_PROXY_COUNT": proxies, "TESTING": True})
    from flask import request

    seen = {}

    @app.before_request
    def look():
        """Record the request's address, scheme and host as the app sees them."""
        seen.update(addr=request.remote_addr, scheme=request.scheme, host=request.host)

    app.test_client().get("/health", headers=headers, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    return seen


def test_proxy_headers_are_believed_only_from_the_configured_proxies():
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "tracker.example"}
    assert _seen_by_the_app(1, headers) == {"addr": "203.0.113.9", "scheme": "https", "host": "tracker.example"}
    assert _seen_by_the_app(0, headers) == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_the_secret_key_file_is_made_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    assert len(first) == 64
    assert from_environment(tmp_path)["SECRET_KEY"] == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_gunicorn_serves_the_app_with_the_production_settings(tmp_path):
    """`make serve`'s server: gunicorn.conf.py loads, workers answer, logs go to stdout."""
    port = free_port()
    with scratch_database(tmp_path) as url:
        env = {
            **os.environ,
            "TRACKER_DATABASE_URL": url,
            "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
            "TRACKER_BIND": f"127.0.0.1:{port}",
            "TRACKER_WORKERS": "1",
            "TRACKER_PROXY_COUNT": "1",
            "TRACKER_SECURE_COOKIES": "1",
        }
        log = (tmp_path / "stdout.log").open("w+")
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", str(PROJECT_ROOT / "gunicorn.conf.py")],
                                  cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            status, body = _get_when_up(port, "/health", server)
            assert status == 200, body
            assert json.loads(body)["checks"] == {"database": "ok", "storage": "ok"}
        finally:
            server.terminate()
            server.wait()
        log.seek(0)
        output = log.read()
    assert "Booting worker" in output
    assert '"GET /health HTTP/1.1" 200' in output  # the access log, on stdout


def _get_when_up(port: int, path: str, server: subprocess.Popen, attempts: int = 600) -> tuple[int, str]:
    """GET a path once the server listens (it needs a moment to start); fail if it exits."""
    for _ in range(attempts):
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.returncode}")
        connection = HTTPConnection("127.0.0.1", port)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode()
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    pytest.fail("gunicorn did not answer")
