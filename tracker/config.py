"""Configuration read from the environment, with safe defaults for one OPCC on SQLite."""

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """Return TRACKER_SECRET_KEY, or a key generated once into instance/ and kept there.

    Several processes starting at once agree on one key: each writes a whole key to a file of
    its own, and only the first one to link it into place wins; the others read that one.
    """
    if key := os.environ.get("TRACKER_SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # Created with owner-only permissions before the key is written into it.
        draft = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


def _upload_bytes() -> int:
    """How many bytes of files one request may bring (TRACKER_MAX_UPLOAD_BYTES, default 10 MB)."""
    return int(os.environ.get("TRACKER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def from_environment(instance_path: Path) -> dict:
    """Build the Flask configuration mapping from TRACKER_* environment variables."""
    database_url = os.environ.get(
        "TRACKER_DATABASE_URL", f"sqlite:///{instance_path / 'tracker.sqlite'}"
    )
    secure = os.environ.get("TRACKER_SECURE_COOKIES", "0") == "1"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # No pool_pre_ping: each checkout checks its connection without a round trip (db.engine._still_connected).
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "TRACKER_PUBLISHED_DIR": str(instance_path / "published"),
        "TRACKER_EVIDENCE_DIR": str(instance_path / "evidence"),
        "MAX_CONTENT_LENGTH": _upload_bytes(),
        # A form that takes files reads a body up to this, refusing a file over the limit on the form;
        # a larger body is refused unread (tracker.web.uploads).
        "TRACKER_MAX_REQUEST_BYTES": int(os.environ.get("TRACKER_MAX_REQUEST_BYTES", 3 * _upload_bytes())),
        # An uploaded report is read in a child process with these limits (tracker.services.sandbox).
        "TRACKER_IMPORT_LIMITS": {"memory_bytes": int(os.environ.get("TRACKER_IMPORT_MEMORY_MB", 512)) * 1024 * 1024,
                                  "seconds": int(os.environ.get("TRACKER_IMPORT_SECONDS", 30))},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production behind https: cookies only over https, and https in generated addresses.
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "PREFERRED_URL_SCHEME": "https" if secure else "http",
        # How many proxies (nginx, a load balancer) stand in front and set X-Forwarded-* headers.
        "TRACKER_PROXY_COUNT": int(os.environ.get("TRACKER_PROXY_COUNT", 0)),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # A signed-in session ends after this long without a request, and this long after it began.
        "TRACKER_SESSION_IDLE_MINUTES": int(os.environ.get("TRACKER_SESSION_IDLE_MINUTES", 120)),
        "TRACKER_SESSION_HOURS": int(os.environ.get("TRACKER_SESSION_HOURS", 12)),
        "MAIL_SERVER": os.environ.get("TRACKER_SMTP_HOST", "localhost"),
        "MAIL_PORT": int(os.environ.get("TRACKER_SMTP_PORT", 25)),
        "MAIL_SENDER": os.environ.get("TRACKER_MAIL_SENDER", "tracker@localhost"),
        # The address links in exports, feeds and emails point to. Unset, pages and files point to the
        # address the user is on, and emails (sent from the command line) to http://127.0.0.1:5000.
        "TRACKER_BASE_URL": os.environ.get("TRACKER_BASE_URL", ""),
        # Owners' update links (tracker.services.owner_links): how many days a link works, and how many
        # days before an action's due date send-owner-links emails its owner one.
        "TRACKER_OWNER_LINK_DAYS": int(os.environ.get("TRACKER_OWNER_LINK_DAYS", 7)),
        "TRACKER_OWNER_LINK_LEAD_DAYS": int(os.environ.get("TRACKER_OWNER_LINK_LEAD_DAYS", 7)),
        # The weekday of the chief officers' weekly digest: 0 is Monday, 6 Sunday.
        "TRACKER_DIGEST_WEEKDAY": int(os.environ.get("TRACKER_DIGEST_WEEKDAY", 0)),
        # Pages built from the data are cached until the data they show changes (tracker.web.caching):
        # by default in files under instance/cache/, shared by the workers of a server (a page drawn
        # by one is served by all); "SimpleCache" keeps them in each worker's memory instead, and
        # "NullCache" turns the cache off. One entry a page, of some 20 KB (a dashboard 100 KB).
        "CACHE_TYPE": os.environ.get("TRACKER_CACHE_TYPE", "tracker.web.caching.SharedPageCache"),
        "CACHE_THRESHOLD": int(os.environ.get("TRACKER_CACHE_ENTRIES", 5000)),
        "CACHE_DIR": os.environ.get("TRACKER_CACHE_DIR") or str(instance_path / "cache"),
        "CACHE_DEFAULT_TIMEOUT": 3600,
        # Each response names the cached parts it found or built (X-Tracker-Cache), for the load test.
        "TRACKER_CACHE_REPORT": bool(os.environ.get("TRACKER_CACHE_REPORT")),
        # Signing in with the organisation's account (OpenID Connect, e.g. Microsoft Entra ID): on when
        # an issuer and client id are set. See tracker.web.oidc and tracker.domain.identity.
        "TRACKER_OIDC_ISSUER": os.environ.get("TRACKER_OIDC_ISSUER", "").rstrip("/"),
        "TRACKER_OIDC_CLIENT_ID": os.environ.get("TRACKER_OIDC_CLIENT_ID", ""),
        "TRACKER_OIDC_CLIENT_SECRET": os.environ.get("TRACKER_OIDC_CLIENT_SECRET", ""),
        "TRACKER_OIDC_TENANT": os.environ.get("TRACKER_OIDC_TENANT", ""),
        "TRACKER_OIDC_ROLE_MAP": os.environ.get("TRACKER_OIDC_ROLE_MAP", ""),
        "TRACKER_OIDC_SCOPES": os.environ.get("TRACKER_OIDC_SCOPES", "openid email profile"),
        # "1": the provider's email addresses are verified even without an `email_verified` claim
        # (Microsoft Entra ID sends none), so one may link to an existing tracker account.
        "TRACKER_OIDC_TRUST_EMAIL": os.environ.get("TRACKER_OIDC_TRUST_EMAIL", "0") == "1",
        # Email and password sign-in; "0" leaves only the organisation's account.
        "TRACKER_LOCAL_SIGN_IN": os.environ.get("TRACKER_LOCAL_SIGN_IN", "1") != "0",
    }
