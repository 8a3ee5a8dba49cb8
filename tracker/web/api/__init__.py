"""The read-only data API under /api/v1/, for the reporting tools staff already use (Power BI, Excel).

Token-authenticated only (Authorization: Bearer, a personal access token); the session cookie is
never accepted here, so cross-site requests carry no authority and CSRF does not arise.
"""

from tracker.web.api.views import bp

__all__ = ["bp"]
