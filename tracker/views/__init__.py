"""The web pages, one blueprint per area of the product."""

from .auth import bp as auth_bp
from .main import bp as main_bp
from .public import bp as public_bp
from .responses import bp as responses_bp

BLUEPRINTS = [main_bp, auth_bp, responses_bp, public_bp]
