"""The web pages, one blueprint per area of the product."""

from tracker.web.views.admin import bp as admin_bp
from tracker.web.views.auth import bp as auth_bp
from tracker.web.views.extensions import bp as extensions_bp
from tracker.web.views.imports import bp as imports_bp
from tracker.web.views.inspections import bp as inspections_bp
from tracker.web.views.main import bp as main_bp
from tracker.web.views.oversight import bp as oversight_bp
from tracker.web.views.owner_links import bp as owner_links_bp
from tracker.web.views.public import bp as public_bp
from tracker.web.views.responses import bp as responses_bp
from tracker.web.views.tokens import bp as tokens_bp
from tracker.web.views.tracking import bp as tracking_bp

BLUEPRINTS = [main_bp, auth_bp, oversight_bp, inspections_bp, imports_bp, tracking_bp, admin_bp, responses_bp, public_bp,
              tokens_bp, extensions_bp, owner_links_bp]
