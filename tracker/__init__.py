"""tracker: the register of the recommendations an OPCC and its force must answer, for OPCCs."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from tracker import cli, db, web
from tracker._files import CHECKOUT, in_checkout
from tracker.config import from_environment

PROJECT_ROOT = CHECKOUT  # the repository, when the app runs from a checkout


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: configuration, proxies, database, the web layer and the commands, in that order."""
    # The instance folder: instance/ in a checkout; installed, Flask's default (<prefix>/var/tracker-instance).
    instance_path = os.environ.get("TRACKER_INSTANCE_PATH") or (str(CHECKOUT / "instance") if in_checkout() else None)
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_mapping(from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)

    init_proxy(app)
    db.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app


def init_proxy(app: Flask) -> None:
    """Behind TRACKER_PROXY_COUNT proxies, believe their X-Forwarded-For/-Proto/-Host/-Port/-Prefix
    headers (as many hops as there are proxies, no more), so that the app sees the client's address
    and https. Without proxies the headers are ignored: a client could forge them."""
    count = app.config.get("TRACKER_PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix  # noqa: PLC0415  (a heavy library, loaded when first used)

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count, x_prefix=count)
