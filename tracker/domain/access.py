"""Who may change what: the reach of each role, as plain rules on roles and sets of force ids.

A person's reach is the forces they belong to; a service administrator's is every force. Two
rules follow from it:

- An administrator manages a user only when every force of that user is within their own reach,
  and gives only roles and forces they hold themselves (so no one can widen their own reach, or
  anyone else's, beyond it).
- What an inspection shares between forces (its title, dates, type, scope and its
  recommendations with their deadlines) changes only by an editor whose reach covers every force
  it concerns. A force's own part (in or out of scope, with the reason; its tracking and target
  dates) changes by that force's editors.
"""

from __future__ import annotations

from collections.abc import Collection

from tracker.domain.statuses import Role


def holds_all(role: Role, held: Collection[int], concerned: Collection[int]) -> bool:
    """Whether a person's reach covers every one of the concerned forces."""
    return role is Role.SERVICE_ADMIN or set(concerned) <= set(held)


def may_manage_user(role: Role, held: Collection[int], target_role: Role, target_forces: Collection[int]) -> bool:
    """Whether an administrator may see, change, reset or unlock this user."""
    if role is Role.SERVICE_ADMIN:
        return True
    return role is Role.ADMIN and target_role is not Role.SERVICE_ADMIN and set(target_forces) <= set(held)


def grant_refusal(role: Role, held: Collection[int], new_role: Role, new_forces: Collection[int],
                  current_role: Role | None = None) -> str | None:
    """Why an administrator may not give this role and these forces, or None when they may.

    A service administrator's role is given only from the command line; one who already has it
    may keep it when a service administrator edits them.
    """
    if not role.is_admin:
        return "Only administrators manage users"
    if new_role is Role.SERVICE_ADMIN and not (role is Role.SERVICE_ADMIN and current_role is Role.SERVICE_ADMIN):
        return "A service administrator is made from the command line, not on this page"
    if not holds_all(role, held, new_forces):
        return "Select only forces you belong to"
    return None


def may_change_shared(role: Role, held: Collection[int], concerned: Collection[int]) -> bool:
    """Whether a person may change what an inspection shares between the forces it concerns."""
    return role.can_edit and holds_all(role, held, concerned)
