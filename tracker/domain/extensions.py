"""Revised due dates: an item's due date, once set, moves only through an extension request that a
reviewer (a chief officer) or the board approves or refuses. The original date and every revision
with its decision are kept, and "overdue" is judged against the date in force (the last approved).

Plain Python: the records live in tracker.models, the queries in tracker.services.extensions.
"""

from __future__ import annotations

from datetime import date

from tracker.domain.statuses import LabelledEnum, Role


class ExtensionStatus(LabelledEnum):
    """Where an extension request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"

    @classmethod
    def _labels(cls):
        return {cls.PENDING: "Awaiting a decision", cls.APPROVED: "Approved", cls.REFUSED: "Refused"}


# The longest name of who asked, or of the board that decided, a form takes.
NAME_LENGTH = 200


def may_decide_extensions(role: Role) -> bool:
    """Whoever signs actions off (chief officers, and administrators) decides extensions, in their own
    name or recording the board's decision; editors ask for them, and never decide."""
    return role.can_sign_off


def may_request_extensions(role: Role) -> bool:
    """Editors (who keep the dates) and chief officers (whose officers ask) record extension requests."""
    return role.can_edit or role.can_sign_off


def request_errors(in_force: date | None, closed: bool, new_date: date | None, reason: str | None,
                   requested_by: str | None, pending: bool) -> dict[str, str]:
    """What is wrong with an extension request, by field (empty when it may be recorded).

    An extension moves a due date later: an item with no date yet has its date set on its edit page,
    a closed item has nothing left to extend, and one request at a time waits for a decision.
    """
    errors: dict[str, str] = {}
    if closed:
        errors["new_due_on"] = "This item is closed: it has no due date left to extend"
    elif in_force is None:
        errors["new_due_on"] = "This item has no due date yet: set one on its edit page"
    elif pending:
        errors["new_due_on"] = "An extension request for this item is already waiting for a decision"
    elif new_date is None:
        errors["new_due_on"] = "Enter the new due date"
    elif new_date <= in_force:
        errors["new_due_on"] = f"The new due date must be after the date in force, {in_force.day} {in_force:%B %Y}"
    if not (reason or "").strip():
        errors["reason"] = "Enter why the extension is asked for"
    if not (requested_by or "").strip():
        errors["requested_by"] = "Enter who asked for the extension"
    elif len(requested_by.strip()) > NAME_LENGTH:
        errors["requested_by"] = f"Who asked must be {NAME_LENGTH} characters or fewer"
    return errors


def decision_errors(status: ExtensionStatus, approve: bool | None, reason: str | None, by_board: bool,
                    board: str | None, decided_on: date | None, today: date,
                    recorded_it_yourself: bool, closed: bool = False) -> dict[str, str]:
    """What is wrong with a decision on an extension request, by field (empty when it may be recorded).

    Only a request awaiting a decision is decided, once, with its reason. A board's decision names the
    board or meeting and its date (not in the future); a decision in
    one's own name is never on a request one recorded oneself (as nobody approves what they drafted).
    An item closed since the request has no due date left to move: its request may only be refused.
    """
    errors: dict[str, str] = {}
    if status is not ExtensionStatus.PENDING:
        return {"decision": f"This request has already been decided: {status.label.lower()}"}
    if approve is None:
        errors["decision"] = "Select whether the extension is approved or refused"
    elif approve and closed:
        errors["decision"] = "This item has closed since the request: it has no due date left to extend, so refuse it"
    if not (reason or "").strip():
        errors["decision_reason"] = "Enter the reason for the decision"
    if by_board:
        if not (board or "").strip():
            errors["board"] = "Enter the board or meeting that decided"
        elif len(board.strip()) > NAME_LENGTH:
            errors["board"] = f"The board or meeting must be {NAME_LENGTH} characters or fewer"
        if decided_on is None:
            errors["decided_on"] = "Enter the date the board decided"
        elif decided_on > today:
            errors["decided_on"] = "The date the board decided must be today or in the past"
    elif recorded_it_yourself:
        errors["decision"] = ("You recorded this request, so another chief officer decides it "
                              "(or record the board's decision)")
    return errors
