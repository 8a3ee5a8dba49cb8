"""The cache of what is built from the data: entries are keyed by the data state's tokens of the
forces they show (tracker.db.data_state), so a write to those forces makes every older entry
unreachable and nothing is ever stale, while a write to another force leaves them alone.

Each worker process keeps its own (Flask-Caching's SimpleCache, a bounded in-memory store; set
TRACKER_CACHE_TYPE to another Flask-Caching backend to share one). Only what every user with the
same forces would see is cached: never a CSRF token, a flashed message or a name.

With TRACKER_CACHE_REPORT set (the load test sets it), each response says in an X-Tracker-Cache
header which cached parts it found (hit) or built (miss), so a client can count the hit rate of
every worker and server together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from flask import Flask, g
from flask_caching import Cache

from tracker.services import data_token
from tracker.web.i18n import current_language

cache = Cache()
T = TypeVar("T")


def remember(name: str, force_ids: Iterable[int], parts: tuple, build: Callable[[], T]) -> T:
    """The value of build() for these parts of these forces' current data in the page's language, built
    once and then reused (build must read nothing of any other force but the shared data)."""
    force_ids = tuple(sorted(set(force_ids)))
    token = (data_token(force_ids), force_ids)
    # The language is part of every key: a Welsh page's parts are never given to an English one.
    key = f"{name}:{hashlib.sha256(repr((token, current_language(), parts)).encode()).hexdigest()}"
    value = cache.get(key)
    outcome = "hit"
    if value is None:
        value, outcome = build(), "miss"
        cache.set(key, value)
    g.setdefault("cache_outcomes", []).append(f"{name}={outcome}")
    return value


def init_app(app: Flask) -> None:
    """The cache, and its report on each response when TRACKER_CACHE_REPORT is set."""
    cache.init_app(app)
    if app.config.get("TRACKER_CACHE_REPORT"):
        app.after_request(_report_outcomes)


def _report_outcomes(response):
    """Say which cached parts this response found or built."""
    if outcomes := g.get("cache_outcomes"):
        response.headers["X-Tracker-Cache"] = ", ".join(outcomes)
    return response
