"""Extension requests through the service: approval moves the date in force (and so "overdue") to the
approved date; refusal changes nothing; the original date is never lost; only chief officers and
administrators decide; one request waits at a time; a deleted tracking row takes its requests with it."""

from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import get_tracking, make_user
from tracker.db import db
from tracker.domain.register import ItemFilter
from tracker.domain.statuses import ActionStatus, Role
from tracker.models import AuditEvent, ExtensionRequest
from tracker.services import ConflictError, DomainError, overdue, save
from tracker.services import extensions as service
from tracker.services import inspections as inspection_service
from tracker.services.tracking import add_action, update_action, update_tracking

TODAY = date(2022, 4, 1)
DUE = date(2022, 3, 31)  # recommendation 3.2's deadline ("By March 2022")


def _ask(tracking, user, new=date(2022, 6, 30), action=None, **changes):
    fields = {"new_due_on": new, "reason": "Waiting for the national guidance", "requested_by": "ACC Example"}
    return service.request(tracking, user, action=action, **{**fields, **changes})


def _overdue_ids(as_of, force_id):
    rows = overdue.list_items(ItemFilter(as_of=as_of, force_ids=(force_id,), window="overdue"), page=None,
                              with_last_update=False)
    return {(r.type, r.id) for r in rows}


def test_approval_moves_overdue_to_the_approved_date_and_keeps_the_original(app):
    editor, chief = make_user(Role.EDITOR), make_user(Role.REVIEWER)
    tracking = get_tracking("cumbria", "3.2")
    assert ("recommendation", tracking.id) in _overdue_ids(TODAY, tracking.force_id)
    extension = _ask(tracking, editor)
    save()
    # Asking changes nothing: still overdue against the date in force.
    assert tracking.due_on == DUE and ("recommendation", tracking.id) in _overdue_ids(TODAY, tracking.force_id)
    service.decide(extension, chief, extension.version, approve=True, reason="Agreed: national dependency",
                   today=TODAY)
    save()
    assert tracking.due_on == date(2022, 6, 30) and tracking.revised_due_on == date(2022, 6, 30)
    assert ("recommendation", tracking.id) not in _overdue_ids(TODAY, tracking.force_id)
    assert ("recommendation", tracking.id) in _overdue_ids(date(2022, 7, 1), tracking.force_id)
    revision = service.approved_revisions([tracking.id])[("recommendation", tracking.id)]
    assert (revision.original_due, revision.revised_due) == (DUE, date(2022, 6, 30))
    assert revision.decided_by == chief.name and revision.decided_on == TODAY
    # A second revision: the original is still the first date.
    second = _ask(tracking, editor, new=date(2022, 9, 30))
    service.decide(second, chief, second.version, approve=True, reason="Agreed again", today=TODAY)
    save()
    revision = service.approved_revisions([tracking.id])[("recommendation", tracking.id)]
    assert (revision.original_due, revision.revised_due) == (DUE, date(2022, 9, 30))
    assert service.original_due_dates([tracking.id]) == {("recommendation", tracking.id): DUE}
    # A correction of the recommendation's deadline no longer moves a revised date.
    rec = tracking.recommendation
    inspection_service.override_deadline(rec, date(2022, 5, 31), editor)
    save()
    db.session.refresh(tracking)
    assert tracking.due_on == date(2022, 9, 30)


def test_refusal_changes_nothing_but_the_request(app):
    editor, chief = make_user(Role.EDITOR), make_user(Role.REVIEWER)
    tracking = get_tracking("cumbria", "3.2")
    version = tracking.version
    extension = _ask(tracking, editor)
    service.decide(extension, chief, extension.version, approve=False, reason="No reason to wait", today=TODAY)
    save()
    assert extension.status is service.ExtensionStatus.REFUSED and extension.decision_reason == "No reason to wait"
    assert tracking.due_on == DUE and tracking.revised_due_on is None and tracking.version == version
    assert ("recommendation", tracking.id) in _overdue_ids(TODAY, tracking.force_id)
    assert service.approved_revisions([tracking.id]) == {}


def test_the_board_decides_with_its_name_and_date(app):
    chief = make_user(Role.REVIEWER)
    tracking = get_tracking("cumbria", "3.2")
    extension = _ask(tracking, chief)
    # The recorder cannot decide it in their own name, but records the board's decision.
    with pytest.raises(DomainError, match="another chief officer"):
        service.decide(extension, chief, extension.version, approve=True, reason="Fine", today=TODAY)
    with pytest.raises(DomainError) as error:
        service.decide(extension, chief, extension.version, approve=True, reason="Fine", today=TODAY,
                       board="Joint Audit Committee", decided_on=date(2022, 4, 2))
    assert error.value.field == "decided_on"
    service.decide(extension, chief, extension.version, approve=True, reason="Agreed at the meeting", today=TODAY,
                   board=" Joint Audit Committee ", decided_on=date(2022, 3, 14))
    save()
    assert extension.decided_by_body == "Joint Audit Committee" and extension.decided_on == date(2022, 3, 14)
    assert service.approved_revisions([tracking.id])[("recommendation", tracking.id)].decided_by == "Joint Audit Committee"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.APPROVER])
def test_only_chief_officers_and_administrators_decide(app, role):
    editor = make_user(Role.EDITOR)
    tracking = get_tracking("cumbria", "3.2")
    extension = _ask(tracking, editor)
    save()
    with pytest.raises(DomainError):
        service.decide(extension, make_user(role), extension.version, approve=True, reason="Yes", today=TODAY)
    db.session.rollback()
    assert db.session.get(ExtensionRequest, extension.id).status is service.ExtensionStatus.PENDING
    assert get_tracking("cumbria", "3.2").due_on == DUE


def test_an_administrator_decides(app):
    tracking = get_tracking("cumbria", "3.2")
    extension = _ask(tracking, make_user(Role.EDITOR))
    service.decide(extension, make_user(Role.ADMIN), extension.version, approve=True, reason="Yes", today=TODAY)
    assert tracking.due_on == date(2022, 6, 30)


def test_a_request_is_decided_once_and_against_its_version(app):
    editor, chief = make_user(Role.EDITOR), make_user(Role.REVIEWER)
    tracking = get_tracking("cumbria", "3.2")
    extension = _ask(tracking, editor)
    save()
    with pytest.raises(ConflictError):
        service.decide(extension, chief, extension.version - 1, approve=True, reason="Yes", today=TODAY)
    service.decide(extension, chief, extension.version, approve=False, reason="No", today=TODAY)
    save()
    with pytest.raises(DomainError, match="already been decided"):
        service.decide(extension, chief, extension.version, approve=True, reason="Yes", today=TODAY)


@pytest.mark.parametrize(("changes", "field"), [
    ({"new": None}, "new_due_on"),
    ({"new": DUE}, "new_due_on"),
    ({"new": date(2022, 1, 1)}, "new_due_on"),
    ({"reason": "  "}, "reason"),
    ({"requested_by": ""}, "requested_by"),
    ({"requested_by": "x" * 201}, "requested_by"),
])
def test_a_request_needs_a_later_date_a_reason_and_who_asked(app, changes, field):
    tracking = get_tracking("cumbria", "3.2")
    with pytest.raises(DomainError) as error:
        _ask(tracking, make_user(), **changes)
    assert error.value.field == field


def test_one_request_waits_at_a_time_and_none_for_a_closed_item(app):
    editor = make_user()
    tracking = get_tracking("cumbria", "3.2")
    _ask(tracking, editor)
    with pytest.raises(DomainError, match="already waiting"):
        _ask(tracking, editor, new=date(2022, 12, 31))
    done = add_action(tracking, "Done already", due_on=date(2022, 1, 31), status=ActionStatus.COMPLETE,
                      completed_on=date(2022, 1, 30))
    with pytest.raises(DomainError, match="closed"):
        _ask(tracking, editor, action=done)


def test_an_item_closed_since_its_request_is_not_extended_only_refused(app):
    """A late action completed while its request waited must not become on time by approving it afterwards."""
    editor, chief = make_user(), make_user(Role.REVIEWER)
    tracking = get_tracking("cumbria", "3.2")
    action = add_action(tracking, "Train the call handlers", due_on=date(2022, 2, 28))
    save()
    extension = _ask(tracking, editor, action=action, new=date(2022, 5, 31))
    save()
    action.status, action.completed_on = ActionStatus.COMPLETE, date(2022, 3, 15)
    save()
    with pytest.raises(DomainError, match="closed since the request"):
        service.decide(extension, chief, extension.version, approve=True, reason="Trainers found", today=TODAY)
    assert action.due_on == date(2022, 2, 28) and extension.status.value == "pending"
    service.decide(extension, chief, extension.version, approve=False, reason="Completed late", today=TODAY)
    save()
    assert extension.status.value == "refused" and action.due_on == date(2022, 2, 28)


def test_an_actions_date_is_extended_on_its_own(app):
    editor, chief = make_user(), make_user(Role.REVIEWER)
    tracking = get_tracking("cumbria", "3.2")
    action = add_action(tracking, "Train the call handlers", due_on=date(2022, 2, 28))
    save()
    assert ("action", action.id) in _overdue_ids(TODAY, tracking.force_id)
    extension = _ask(tracking, editor, action=action, new=date(2022, 5, 31))
    # The recommendation's own request is a separate item: it may wait beside the action's.
    _ask(tracking, editor)
    service.decide(extension, chief, extension.version, approve=True, reason="Trainers found", today=TODAY)
    save()
    assert action.due_on == date(2022, 5, 31) and tracking.due_on == DUE
    assert ("action", action.id) not in _overdue_ids(TODAY, tracking.force_id)
    assert service.original_due_dates([], [action.id]) == {("action", action.id): date(2022, 2, 28)}


def test_a_set_date_is_not_edited_directly(app):
    tracking = get_tracking("cumbria", "3.2")
    with pytest.raises(DomainError) as error:
        update_tracking(tracking, tracking.version, TODAY, target_date=date(2022, 6, 30))
    assert error.value.field == "target_date"
    action = add_action(tracking, "Write the policy", due_on=date(2022, 2, 28))
    save()
    with pytest.raises(DomainError) as error:
        update_action(action, action.version, TODAY, status=ActionStatus.IN_PROGRESS, due_on=date(2022, 6, 30))
    assert error.value.field == "due_on"
    # An action with no date has its first date set directly.
    undated = add_action(tracking, "Review the policy")
    save()
    update_action(undated, undated.version, TODAY, status=ActionStatus.IN_PROGRESS, due_on=date(2022, 6, 30))
    assert undated.due_on == date(2022, 6, 30)


def test_pending_requests_of_the_forces_only_and_everything_audited(app):
    editor = make_user()
    cumbria, lancashire = get_tracking("cumbria", "3.2"), get_tracking("lancashire", "3.2")
    mine = _ask(cumbria, editor)
    theirs = _ask(lancashire, make_user(forces=("lancashire",)))
    save()
    assert [r.id for r in service.pending_extension_requests([cumbria.force_id])] == [mine.id]
    assert service.pending_count([cumbria.force_id, lancashire.force_id]) == 2
    assert {r.id for r in service.pending_extension_requests([cumbria.force_id, lancashire.force_id])} == {mine.id, theirs.id}
    chief = make_user(Role.REVIEWER)
    service.decide(mine, chief, mine.version, approve=True, reason="Yes", today=TODAY)
    save()
    assert service.pending_count([cumbria.force_id]) == 0
    events = db.session.execute(sa.select(AuditEvent.entity_type, AuditEvent.event, AuditEvent.force_id).where(
        sa.or_(sa.and_(AuditEvent.entity_type == "ExtensionRequest", AuditEvent.entity_id == mine.id),
               sa.and_(AuditEvent.entity_type == "Tracking", AuditEvent.entity_id == cumbria.id)))).all()
    assert ("ExtensionRequest", "created", cumbria.force_id) in events
    assert ("ExtensionRequest", "updated", cumbria.force_id) in events
    assert ("Tracking", "updated", cumbria.force_id) in events
