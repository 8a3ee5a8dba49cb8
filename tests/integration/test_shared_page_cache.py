"""The page cache shared by a server's workers (tracker.web.caching.SharedPageCache, the default): a page
drawn by one worker is served by the others, a write is seen by all at once, apps on other databases
never share a page, and a full cache makes room in bulk."""

from __future__ import annotations

import stat

import pytest

from tests.conftest import _OwnUserClient
from tests.factories import get_tracking, make_user, sign_in
from tests.integration.test_dashboard_queries import counting_queries
from tracker import create_app
from tracker.db import db
from tracker.domain.statuses import Role
from tracker.web.caching import SharedPageCache, cache, remember_within


def worker(cache_dir, **config):
    """An app as one worker of a server whose workers share the page cache in cache_dir."""
    app = create_app({"TESTING": True, "CACHE_DIR": str(cache_dir), **config})
    app.config.update(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    app.test_client_class = _OwnUserClient
    return app


def draws(client, url: str) -> bool:
    """Whether answering the page drew it (read the tracking's actions) rather than found it."""
    with counting_queries() as statements:
        assert client.get(url).status_code == 200
    return any("FROM actions" in s for s in statements)


def test_the_default_cache_is_shared_by_the_workers_of_a_server(app, tmp_path):
    first, second = worker(tmp_path), worker(tmp_path)
    assert first.config["CACHE_TYPE"] == "tracker.web.caching.SharedPageCache"
    user = make_user(Role.EDITOR, ("cumbria",))
    tracking = get_tracking("cumbria", "4.1")
    url = f"/tracking/{tracking.id}"
    one, two = sign_in(first.test_client(), user), sign_in(second.test_client(), user)
    assert draws(one, url)
    assert not draws(two, url)  # drawn by the other worker
    tracking.lead_officer = "Superintendent Shared"
    db.session.commit()
    assert draws(two, url)
    assert not draws(one, url)
    assert "Superintendent Shared" in one.get(url).get_data(as_text=True)


def test_the_cache_folder_and_its_pages_are_the_app_users_alone(app, tmp_path):
    folder = tmp_path / "cache"
    first = worker(folder)
    tracking = get_tracking("cumbria", "4.1")
    sign_in(first.test_client(), make_user(Role.EDITOR, ("cumbria",))).get(f"/tracking/{tracking.id}")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    pages = [p for p in folder.iterdir() if p.is_file()]
    assert pages and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in pages)


def test_apps_on_other_databases_never_share_a_page(app, tmp_path):
    """Tokens of scopes never written read as '' on every database: the database is in the key."""
    built = []
    for uri in ("sqlite:///one.sqlite", "sqlite:///two.sqlite", "sqlite:///one.sqlite"):
        other = worker(tmp_path, SQLALCHEMY_DATABASE_URI=uri)
        with other.test_request_context():
            remember_within("database-test", ("tracking:999999999",), (), lambda: built.append(1) or len(built))
    assert len(built) == 2
    with app.app_context():
        cache.clear()


@pytest.mark.parametrize("threshold", [10, 50])
def test_a_full_cache_makes_room_in_bulk(tmp_path, threshold):
    store = SharedPageCache(str(tmp_path), threshold=threshold, default_timeout=3600)
    for n in range(threshold + 1):  # one past the threshold: room is made at the next page
        store.set(f"page-{n}", {"body": "x" * 100})
    assert len(list(store._list_dir())) == threshold + 1
    store.set("the next page", {"body": "y"})
    kept = len(list(store._list_dir()))
    assert kept == threshold * 9 // 10 + 1 and store._file_count == kept  # room for a tenth more
    assert store.get("the next page") is not None  # (those that expire first went: here, any of the same second)
    for n in range(threshold - kept):  # up to the threshold again: no page dropped
        store.set(f"more-{n}", {"body": "z"})
    assert len(list(store._list_dir())) == threshold
