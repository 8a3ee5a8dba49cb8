"""The cache of what is built from the data: entries hold the data state's tokens of what
they show (tracker.db.data_state: the forces' records for the dashboard; for a tracking's page, that
tracking and its force's records outside any one tracking), and are used only while those are still
the tokens, so a write within their reach makes them stale at once (in every worker and server: the
tokens are in the database) and nothing stale is ever shown, while a write elsewhere leaves them alone.

The workers of a server share one store (SharedPageCache: Flask-Caching's file cache under
instance/cache/, so a page drawn after a write by one worker is served by every other; each worker
drawing it again for itself made every write cost as many pages as there are workers). Set
TRACKER_CACHE_TYPE to another Flask-Caching backend ("SimpleCache": each worker's memory; Redis,
to share between servers). The key holds the database's identity too: apps on other databases (the
tests, a benchmark's two sides) never share pages, whatever their tokens. Only what every user with the
same forces and role would see is cached: never a flashed message or a name, and a form's CSRF token
only as a placeholder (`csrf_slot`) that `with_csrf` fills with the user's own when the page is served.

Every key also holds a fingerprint of the code, the templates and the migrations (`code_version`):
with a backend shared between servers, pages drawn by an older deploy (other templates, or data a
migration changed without a write through the session) are never served by a newer one.

With TRACKER_CACHE_REPORT set (the load test sets it), each response says in an X-Tracker-Cache
header which cached parts it found (hit) or built (miss), so a client can count the hit rate of
every worker and server together.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from flask import Flask, current_app, g
from flask_caching import Cache
from flask_caching.backends.filesystemcache import FileSystemCache
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from tracker._files import INSTALLED, folder
from tracker.models import utcnow
from tracker.services import force_pages_reach, reach_token
from tracker.web.i18n import current_language

cache = Cache()
T = TypeVar("T")


def remember(name: str, force_ids: Iterable[int], parts: tuple, build: Callable[[], T]) -> T:
    """The value of build() for these parts of these forces' current data in the page's language, built
    once and then reused (build must read nothing of any other force but the shared data)."""
    return remember_within(name, force_pages_reach(force_ids), parts, build)


def read_ahead(*reaches: Iterable[str]) -> None:
    """Read the data state's tokens of every scope a page's cached parts will ask for in one statement
    (each is then read once per transaction): one round trip, rather than one a part."""
    reach_token(tuple(sorted({scope for reach in reaches for scope in reach})))


def remember_within(name: str, reach: tuple[str, ...], parts: tuple, build: Callable[[], T],
                    until: Callable[[T], datetime | None] | None = None) -> T:
    """The value of build() for these parts of the data within this reach (the data state's scopes, from
    tracker.services: build must read nothing outside them but the shared data) in the page's
    language, built once and then reused while the data within the reach is unchanged, and no later
    than until(value) when that is given (for what changes with the clock: a link that expires)."""
    reach = tuple(sorted(set(reach)))
    # One entry a page (the language is part of its key: a Welsh page's parts are never given to an
    # English one), holding the tokens it was built under: a write within its reach makes it stale and
    # the page built next takes its place, so the cache holds no dead copies that would push live ones out.
    release = current_app.extensions["tracker_cache_release"]
    key = f"{name}:{hashlib.sha256(repr((release, reach, current_language(), parts)).encode()).hexdigest()}"
    tokens = reach_token(reach)
    stored = cache.get(key)
    if stored is not None and stored[0] == tokens:
        value, outcome = stored[1], "hit"
    else:
        value, outcome = build(), "miss"
        ends = until(value) if until else None
        # Flask-Caching reads a timeout of 0 as "never": at least a second.
        cache.set(key, (tokens, value), timeout=max(1, math.ceil((ends - utcnow()).total_seconds())) if ends else None)
    g.setdefault("cache_outcomes", []).append(f"{name}={outcome}")
    return value


# How long a draft's PDF is kept after it was drawn (its key holds its whole content, so it is never stale).
DRAFT_PDF_SECONDS = 24 * 3600


class DraftPdfs:
    """The shared cache as a store of drafts' PDFs (tracker.documents.pdf.PdfStore): a draft downloaded
    again unchanged (by anyone, from any worker) is not rendered again. Its keys hold the release too."""

    def get(self, key: str) -> bytes | None:
        """The PDF kept under the key, or None; its outcome reported as the pages' are."""
        value = cache.get(self._key(key))
        g.setdefault("cache_outcomes", []).append(f"draft-pdf={'miss' if value is None else 'hit'}")
        return value

    def set(self, key: str, value: bytes) -> None:
        """Keep the PDF under the key."""
        cache.set(self._key(key), value, timeout=DRAFT_PDF_SECONDS)

    @staticmethod
    def _key(key: str) -> str:
        release = current_app.extensions["tracker_cache_release"]
        return f"draft-{key}:{hashlib.sha256(repr(release).encode()).hexdigest()[:16]}"


def csrf_slot() -> str:
    """What a cached page holds where a form's CSRF token goes: the same in every worker and server
    (from the secret key), and unguessable, so that no text a user writes can contain it."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return "csrf-slot-" + hmac.new(secret, b"tracker cached page CSRF slot", hashlib.sha256).hexdigest()


def with_csrf(html: str) -> Markup:
    """A cached page's HTML with the user's own CSRF token in each form."""
    return Markup(html.replace(csrf_slot(), generate_csrf()))


def code_version() -> str:
    """A fingerprint of what draws the cached pages and shapes the data: tracker's code, the templates and
    the migrations (the same in every worker and server running the same release)."""
    digest = hashlib.sha256()
    for root in (PACKAGE, folder("templates"), folder("migrations")):
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".html") and p.is_file()):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


PACKAGE = INSTALLED.parent  # tracker/
_code_version = ""


class SharedPageCache(FileSystemCache):
    """Flask-Caching's file cache (each page a file, written whole and renamed into place, so a worker
    never reads another's half-written page), which makes room in bulk: past its threshold it drops
    the pages that expire first down to nine tenths of it. cachelib makes room one page at a time, and
    reads every page's header to choose it, so a full cache read them all at every new page."""

    def _prune(self) -> None:
        if not self._over_threshold():
            return
        threshold = self._threshold
        self._threshold = max(1, threshold * 9 // 10)
        try:
            super()._prune()
        finally:
            self._threshold = threshold


def init_app(app: Flask) -> None:
    """The cache (its folder only the app's user may read), the release and database its keys are
    drawn for, and its report on each response when TRACKER_CACHE_REPORT is set."""
    global _code_version  # one release per process: read once at start
    _code_version = _code_version or code_version()
    database = hashlib.sha256(str(app.config["SQLALCHEMY_DATABASE_URI"]).encode()).hexdigest()[:16]
    app.extensions["tracker_cache_release"] = (_code_version, database)
    if app.config.get("CACHE_DIR"):
        os.makedirs(app.config["CACHE_DIR"], mode=0o700, exist_ok=True)
    cache.init_app(app)
    if app.config.get("TRACKER_CACHE_REPORT"):
        app.after_request(_report_outcomes)


def _report_outcomes(response):
    """Say which cached parts this response found or built."""
    if outcomes := g.get("cache_outcomes"):
        response.headers["X-Tracker-Cache"] = ", ".join(outcomes)
    return response
