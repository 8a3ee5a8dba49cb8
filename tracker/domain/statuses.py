"""The domain's fixed vocabularies (kinds, types, statuses, roles) and the lifecycle rules.

Plain Python with no Flask in it. Values are stored in the database as these strings.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry the words a person reads."""

    @property
    def label(self) -> str:
        """Return the member's label for pages and documents."""
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (value, label) pairs in definition order, for forms."""
        return [(member.value, member.label) for member in cls]


class InspectionType(LabelledEnum):
    PEEL = "peel"
    NATIONAL_THEMATIC = "national_thematic"
    JOINT = "joint"
    FORCE_SPECIFIC = "force_specific"
    PCC_COMMISSIONED = "pcc_commissioned"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.PEEL: "PEEL assessment",
            cls.NATIONAL_THEMATIC: "National thematic inspection",
            cls.JOINT: "Joint inspection",
            cls.FORCE_SPECIFIC: "Force-specific inspection",
            cls.PCC_COMMISSIONED: "PCC-commissioned inspection",
            cls.OTHER: "Other",
        }

    @property
    def concerns_every_force(self) -> bool:
        """National and joint thematic reports concern every force unless one is left out."""
        return self in (InspectionType.NATIONAL_THEMATIC, InspectionType.JOINT)


class Kind(LabelledEnum):
    RECOMMENDATION = "recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement"
    CAUSE_OF_CONCERN = "cause_of_concern"

    @classmethod
    def _labels(cls):
        return {
            cls.RECOMMENDATION: "Recommendation",
            cls.AREA_FOR_IMPROVEMENT: "Area for improvement",
            cls.CAUSE_OF_CONCERN: "Cause of concern",
        }


class TrackingStatus(LabelledEnum):
    """The lifecycle HMICFRS's own recommendation register used."""

    AWAITING_REVIEW = "awaiting_review"
    BEING_PROGRESSED = "being_progressed"
    COMPLETE = "complete"
    NO_FURTHER_ACTION = "no_further_action"
    # Addressed to another body (the College of Policing, the Home Office...): the force is told, not asked.
    FOR_INFORMATION = "for_information"

    @classmethod
    def _labels(cls):
        return {
            cls.AWAITING_REVIEW: "Awaiting review",
            cls.BEING_PROGRESSED: "Being progressed",
            cls.COMPLETE: "Complete",
            cls.NO_FURTHER_ACTION: "No further action needed",
            cls.FOR_INFORMATION: "For information",
        }

    @classmethod
    def force_choices(cls) -> list[tuple[str, str]]:
        """The statuses a person sets: 'for information' follows from the addressee, never chosen."""
        return [(value, label) for value, label in cls.choices() if value != cls.FOR_INFORMATION]

    @property
    def is_closed(self) -> bool:
        """Complete, no-further-action and for-information items are closed: they cannot be overdue.

        An item for information is closed from the day the report is published: it is another body's to act on.
        """
        return self in (TrackingStatus.COMPLETE, TrackingStatus.NO_FURTHER_ACTION, TrackingStatus.FOR_INFORMATION)


class ActionStatus(LabelledEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    CANCELLED = "cancelled"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_STARTED: "Not started",
            cls.IN_PROGRESS: "In progress",
            cls.COMPLETE: "Complete",
            cls.CANCELLED: "Cancelled",
        }

    @property
    def is_closed(self) -> bool:
        """Complete and cancelled actions cannot be overdue."""
        return self in (ActionStatus.COMPLETE, ActionStatus.CANCELLED)


class HmicfrsView(LabelledEnum):
    """HMICFRS's own view of a recommendation, recorded when it is known."""

    NOT_KNOWN = "not_known"
    OPEN = "open"
    CLOSED = "closed"
    SUPERSEDED = "superseded"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_KNOWN: "Not yet known",
            cls.OPEN: "Open",
            cls.CLOSED: "Closed by HMICFRS",
            cls.SUPERSEDED: "Superseded",
        }


class Role(LabelledEnum):
    """What a person may do. The reach of every role is the forces the person belongs to, except the
    service administrator's, which is every force (an account made only from the command line)."""

    SERVICE_ADMIN = "service_admin"
    ADMIN = "admin"
    EDITOR = "editor"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    VIEWER = "viewer"

    @classmethod
    def _labels(cls):
        return {
            cls.SERVICE_ADMIN: "Service administrator (every force)",
            cls.ADMIN: "Force administrator",
            cls.EDITOR: "Editor (OPCC staff)",
            cls.REVIEWER: "Reviewer (chief officer)",
            cls.APPROVER: "Approver (the PCC or the OPCC's chief executive)",
            cls.VIEWER: "Viewer",
        }

    @classmethod
    def grantable(cls) -> list[Role]:
        """The roles given on the users page; a service administrator is made from the command line."""
        return [role for role in cls if role is not cls.SERVICE_ADMIN]

    @property
    def is_admin(self) -> bool:
        """Force and service administrators manage users and do everything an editor does."""
        return self in (Role.SERVICE_ADMIN, Role.ADMIN)

    @property
    def can_edit(self) -> bool:
        """Admins and editors change records; reviewers comment and sign off; approvers approve; viewers read."""
        return self in (Role.SERVICE_ADMIN, Role.ADMIN, Role.EDITOR)

    @property
    def can_sign_off(self) -> bool:
        """Chief officers (and administrators) sign actions off."""
        return self in (Role.SERVICE_ADMIN, Role.ADMIN, Role.REVIEWER)

    @property
    def can_approve_responses(self) -> bool:
        """Only the PCC's approvers approve the PCC's comments: never the force's own chief officers."""
        return self is Role.APPROVER


def tracking_change_errors(status: TrackingStatus, no_action_reason: str | None) -> dict[str, str]:
    """Return field errors for a tracking status change that the lifecycle does not allow."""
    errors = {}
    if status is TrackingStatus.NO_FURTHER_ACTION and not (no_action_reason or "").strip():
        errors["no_action_reason"] = "Enter why no further action is needed"
    return errors


def sign_off_refusal(status: ActionStatus, evidence: str | None, has_updates: bool) -> str | None:
    """Why a chief officer cannot sign an action off yet, or None when they can.

    Signing off confirms work the force says is done: the action must be marked complete, with its
    evidence recorded or at least one progress update (a note) to show for it.
    """
    if ActionStatus(status) is not ActionStatus.COMPLETE:
        return "An action can be signed off only once it is marked complete"
    if not (evidence or "").strip() and not has_updates:
        return "Record the evidence, or add a progress update, before the action is signed off"
    return None


def needs_explanation(kind: Kind, explain_areas_for_improvement: bool = False) -> bool:
    """Whether s.55(5B) requires the PCC's explanation for an item of this kind.

    s.55(5B) names recommendations, including those set under a cause of concern; areas for
    improvement need one only where the force chooses.
    """
    if kind is Kind.AREA_FOR_IMPROVEMENT:
        return explain_areas_for_improvement
    return kind is Kind.RECOMMENDATION
