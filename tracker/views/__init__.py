"""The web pages, one blueprint per area of the product."""

from .auth import bp as auth_bp
from .main import bp as main_bp
from .oversight import bp as oversight_bp

BLUEPRINTS = [main_bp, auth_bp, oversight_bp]
