"""The cache of what is built from the data: entries are keyed by the data state's token
(tracker.db.data_state), so a write makes every older entry unreachable and nothing is ever stale.

Each worker process keeps its own (Flask-Caching's SimpleCache, a bounded in-memory store; set
TRACKER_CACHE_TYPE to another Flask-Caching backend to share one). Only what every user with the
same forces would see is cached: never a CSRF token, a flashed message or a name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from flask_caching import Cache

from tracker.services import data_token

cache = Cache()
T = TypeVar("T")


def remember(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """The value of build() for these parts of the current data, built once and then reused."""
    token = data_token()
    key = f"{name}:{hashlib.sha256(repr((token, parts)).encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value
