"""The web pages, one blueprint per area of the product."""

from .auth import bp as auth_bp
from .imports import bp as imports_bp
from .main import bp as main_bp

BLUEPRINTS = [main_bp, auth_bp, imports_bp]
