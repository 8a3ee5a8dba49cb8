"""The data model: typed SQLAlchemy 2.0 models on one declarative base, one module per area.

Areas name each other's models in relationships by string, so no module imports another in a
cycle; everything is importable from here.
"""

from tracker.models.base import Base, Session, TimestampMixin, VersionedMixin, db, enum_column, utcnow
from tracker.models.forces import Force, SignInAddress, User, user_forces
from tracker.models.inspections import Inspection, InspectionForce, Recommendation, Theme, recommendation_themes
from tracker.models.oversight import MeetingPack, MeetingPackItem, NotificationPreference, SentReminder
from tracker.models.owner_links import OwnerLink
from tracker.models.records import AuditEvent, DataState, OpenItemStep
from tracker.models.responses import ClockExtension, ClockPause, PublishedVersion, StatutoryResponse
from tracker.models.tokens import ApiToken
from tracker.models.tracking import Action, EvidenceFile, ExtensionRequest, ProgressUpdate, Tracking

__all__ = [
    "Action", "ApiToken", "AuditEvent", "Base", "ClockExtension", "ClockPause", "DataState", "EvidenceFile", "ExtensionRequest", "Force",
    "Inspection", "InspectionForce",
    "MeetingPack", "MeetingPackItem", "NotificationPreference", "OpenItemStep", "OwnerLink", "ProgressUpdate", "PublishedVersion",
    "Recommendation", "SentReminder", "Session", "SignInAddress", "StatutoryResponse", "Theme", "TimestampMixin", "Tracking",
    "User", "VersionedMixin", "db", "enum_column", "recommendation_themes", "user_forces", "utcnow",
]
