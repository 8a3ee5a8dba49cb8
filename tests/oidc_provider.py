"""A real OpenID Connect provider on loopback for the tests (the PyPI package oidc-provider-mock), served
in a thread, counting the requests made to each of its paths (to see the keys fetched and kept)."""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import oidc_provider_mock
import requests
from werkzeug.serving import make_server

ROLE_MAP = """{"claim": "groups", "rules": [
  {"value": "tracker-cumbria-editors", "role": "editor", "forces": ["cumbria"]},
  {"value": "tracker-lancashire-viewers", "role": "viewer", "forces": ["lancashire"]},
  {"claim": "roles", "value": "Tracker.Admin", "role": "admin", "forces": ["*"]}
]}"""
TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"


@dataclass
class Provider:
    """The running provider: its address (also its issuer) and the paths it was asked for."""

    url: str
    hits: Counter = field(default_factory=Counter)

    def set_user(self, sub: str, **claims) -> None:
        """Give an account its claims (email, name, groups, tid...), as the organisation's directory would."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=10)
        response.raise_for_status()

    def consent(self, authorize_url: str, sub: str) -> str:
        """Sign in at the provider as the account (its form), and return where it sends the browser back."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def config(self, **changes) -> dict:
        """tracker's settings for this provider."""
        return {"TRACKER_OIDC_ISSUER": self.url, "TRACKER_OIDC_CLIENT_ID": "tracker-tests",
                "TRACKER_OIDC_CLIENT_SECRET": "not-a-secret", "TRACKER_OIDC_TENANT": TENANT,
                "TRACKER_OIDC_ROLE_MAP": ROLE_MAP, "TRACKER_OIDC_SCOPES": "openid email profile", **changes}


@contextmanager
def running_provider():
    """Serve a provider on 127.0.0.1 (as localhost, its issuer's host) on a free port until the block ends."""
    app = oidc_provider_mock.app(require_nonce=True)
    hits: Counter = Counter()

    def counting(environ, start_response):
        hits[environ.get("PATH_INFO", "")] += 1
        return app(environ, start_response)

    server = make_server("localhost", 0, counting, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield Provider(url=f"http://localhost:{server.server_port}", hits=hits)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
