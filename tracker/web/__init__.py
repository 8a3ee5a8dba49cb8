"""The web layer: pages (views), forms, sign-in, the page cache, and the templates' set-up.

Views load through services, check access, and hand a form's data to a service; they do not query
the database themselves (an import-linter contract keeps SQLAlchemy and tracker.db out of here).
"""

from __future__ import annotations

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from tracker._files import folder
from tracker.domain.addressees import addressee_phrase
from tracker.domain.formatting import FILTERS
from tracker.web import api, auth, caching, components, i18n, oidc
from tracker.web.uploads import UploadRequest
from tracker.web.views import BLUEPRINTS, errors


def init_app(app: Flask) -> None:
    """Templates, their languages, the page cache, sign-in and security headers, the pages and the error pages."""
    app.request_class = UploadRequest  # a file over the limit is refused on its form (tracker.web.uploads)
    init_templates(app)
    i18n.init_app(app)
    caching.init_app(app)
    auth.init_app(app)
    oidc.init_app(app)
    for blueprint in [*BLUEPRINTS, api.bp]:
        app.register_blueprint(blueprint)
    errors.init_app(app)


def init_templates(app: Flask) -> None:
    """Load pages from templates/, documents from reports/, and the GOV.UK macros; register the formatters.

    Jinja's StrictUndefined is not used: the GOV.UK macros read optional parameters that are
    absent, and it makes them fail. The page tests check every page's HTML instead.
    """
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(folder("templates"))),
            FileSystemLoader(str(folder("reports"))),
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
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.filters["addressee_phrase"] = addressee_phrase
    app.jinja_env.globals["drawn_once"] = components.drawn_once
