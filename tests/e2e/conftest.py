"""Browser tests: the app served in a background thread against its own migrated and seeded SQLite
database, driven by Debian's Chromium through Playwright. Nothing is skipped: a missing browser fails."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PORTS = range(5300, 5350)
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Messages about markup that GOV.UK Frontend's own components write, which we do not change: a
# warning about its fieldsets, and (in pages saved after its script ran) the aria-expanded its radios
# with conditional content carry (alphagov/govuk-frontend#979, kept on purpose for screen readers).
UPSTREAM_WARNINGS = {"The “group” role is unnecessary for element “fieldset”.",
                     "Element “input” is missing required attribute “role”."}
# WCAG 2.2 A and AA, and axe's best practices (landmarks, one main, headings in order, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items):
    """Mark every test in this folder `e2e`."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    """The first free port of this branch's range, on 127.0.0.1 only."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the browser tests' server")


@pytest.fixture(scope="session")
def live_server():
    """Serve the app on a free port against a temporary, migrated and seeded database."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from tests.factories import get_tracking
    from tracker import create_app
    from tracker.db import db
    from tracker.models import Action, Recommendation, User
    from tracker.services.seed import seed_database

    tmp = Path(tempfile.mkdtemp(prefix="tracker-e2e-"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'e2e.sqlite'}", "TESTING": False, "WTF_CSRF_ENABLED": True,
        "TRACKER_EVIDENCE_DIR": str(tmp / "evidence"), "TRACKER_SIGN_IN_DELAY_SCALE": 0,
        "PROPAGATE_EXCEPTIONS": False,
    })
    with app.app_context():
        upgrade()
        passwords = seed_database(demo=True)
        tracking = get_tracking("cumbria", "4")
        ids = {
            "tracking": tracking.id,
            "action": db.session.scalar(sa.select(Action.id).where(Action.tracking_id == tracking.id).order_by(Action.id)),
            "rec": db.session.scalar(sa.select(Recommendation.id).where(Recommendation.ref == "4.1")),
            "user": db.session.scalar(sa.select(User.id).where(User.email == "viewer@tracker.example")),
        }
        db.session.remove()
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    users = {role: (f"{role}@tracker.example", passwords[f"{role}@tracker.example"])
             for role in ("admin", "editor", "reviewer", "approver", "viewer")}
    yield {"url": f"http://127.0.0.1:{port}", "users": users, "ids": ids, "app": app, "tmp": tmp}
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright's own driver (never `playwright install`)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs it (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def _signed_in_states():
    """Each role's cookies after signing in through the form once (Argon2 is slow on purpose)."""
    return {}


@pytest.fixture
def new_page(browser, live_server, _signed_in_states):
    """Return a function opening a fresh page at a given width, signed in as a role if one is given."""
    contexts = []

    def make(width: int = 1280, height: int = 900, role: str | None = None):
        """Open a page in a new browser context."""
        # bypass_csp lets the test inject axe-core; the app's own pages never need it.
        options = {"viewport": {"width": width, "height": height}, "bypass_csp": True}
        if role in _signed_in_states:
            options["storage_state"] = _signed_in_states[role]
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        if role and role not in _signed_in_states:
            sign_in(page, live_server, role)
            _signed_in_states[role] = context.storage_state()
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, live_server, role: str) -> None:
    """Sign in through the form as the demonstration user of a role."""
    email, password = live_server["users"][role]
    page.goto(live_server["url"] + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    assert "/sign-in" not in page.url, f"could not sign in as {role}"


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page for WCAG 2.2 A and AA and the best practices; return the violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make install` installs it (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = []
    for v in result["violations"]:
        nodes = [n["target"] for n in v["nodes"] if not _known_upstream(v["id"], n["html"])]
        if nodes:
            violations.append({"id": v["id"], "help": v["help"], "nodes": nodes[:5]})
    return violations


def _known_upstream(rule: str, html: str) -> bool:
    """GOV.UK Frontend's radios with conditional content set aria-expanded on the radio, which ARIA
    does not list for radios; GOV.UK keeps it on purpose (screen readers announce the reveal) and
    lists axe's complaint as a known issue (alphagov/govuk-frontend#979). Nothing else is excused."""
    return rule == "aria-allowed-attr" and "govuk-radios__input" in html and "aria-expanded" in html


def assert_accessible(page, name: str) -> None:
    """Fail with the violations' details when axe finds any."""
    violations = axe_violations(page)
    assert not violations, f"{name} ({page.url}): {violations}"


def nu_html_problems(paths) -> list[str]:
    """The Nu HTML Checker's errors and warnings on saved pages, in one Java run (it is slow to start),
    but for GOV.UK Frontend's own (UPSTREAM_WARNINGS)."""
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: `make install` installs it (npm ci)")
    result = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--stdout", *map(str, paths)],
                            capture_output=True, text=True, check=False)
    messages = json.loads(result.stdout or "{}").get("messages", [])
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}" for m in messages
            if (m.get("type") == "error" or m.get("subType") == "warning") and m.get("message") not in UPSTREAM_WARNINGS]
