"""The web pages, one blueprint per area of the product."""

from .admin import bp as admin_bp
from .auth import bp as auth_bp
from .imports import bp as imports_bp
from .inspections import bp as inspections_bp
from .main import bp as main_bp
from .oversight import bp as oversight_bp
from .public import bp as public_bp
from .responses import bp as responses_bp
from .tracking import bp as tracking_bp

BLUEPRINTS = [main_bp, auth_bp, oversight_bp, inspections_bp, imports_bp, tracking_bp, admin_bp, responses_bp, public_bp]
