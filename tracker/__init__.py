"""tracker: the HMICFRS recommendation-compliance tracker for OPCCs."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import audit, data_state  # noqa: F401  (register the audit trail's and the data state's session listeners)
from .config import from_environment
from .extensions import db, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: configuration, database, templates, pages, errors and commands, in that order."""
    instance_path = os.environ.get("TRACKER_INSTANCE_PATH", str(PROJECT_ROOT / "instance"))
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_mapping(from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    init_proxy(app)
    init_database(app)
    init_cache(app)
    init_templates(app)
    init_security(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def init_proxy(app: Flask) -> None:
    """Behind TRACKER_PROXY_COUNT proxies, believe their X-Forwarded-For/-Proto/-Host/-Port/-Prefix
    headers (as many hops as there are proxies, no more), so that the app sees the client's address
    and https. Without proxies the headers are ignored: a client could forge them."""
    count = app.config.get("TRACKER_PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate (migrations live in the top-level migrations/ folder)."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))


def init_cache(app: Flask) -> None:
    """The cache of what is built from the data (tracker.caching), one per worker process."""
    from .caching import cache

    cache.init_app(app)


def init_templates(app: Flask) -> None:
    """Load pages from templates/, documents from reports/, and the GOV.UK macros.

    Jinja's StrictUndefined is not used: the GOV.UK macros read optional parameters that are
    absent, and it makes them fail. The page tests check every page's HTML instead.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    from . import formatters

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_ROOT / "templates")),
            FileSystemLoader(str(PROJECT_ROOT / "reports")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    formatters.register(app)


def init_security(app: Flask) -> None:
    """Sign-in sessions, CSRF protection on every form, and security headers."""
    from .auth import init_app as init_auth

    init_auth(app)


def register_blueprints(app: Flask) -> None:
    """Register the pages, one blueprint per area."""
    from .views import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    """Friendly pages for 400, 403, 404, 413 and 500; a 500 rolls the session back."""
    from .views.errors import init_app as init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    """The administrator's command-line tools."""
    from .commands import init_app as init_commands

    init_commands(app)
