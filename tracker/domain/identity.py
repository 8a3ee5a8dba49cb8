"""Who an organisation's account is in tracker: the identity provider's claims (groups, app roles)
mapped to a role and forces by rules the installation writes (TRACKER_OIDC_ROLE_MAP).

The map is JSON:

    {"claim": "groups",
     "rules": [{"value": "6f1c...-group-id", "role": "editor", "forces": ["cumbria"]},
               {"claim": "roles", "value": "Tracker.Admin", "role": "admin", "forces": ["*"]}]}

A rule matches when the claim it names (the map's `claim`, "groups" unless said otherwise) holds
its value, or is it. The first rule that matches gives the role; every rule that matches adds its
forces ("*" is every force). An account that no rule matches, or whose rules give no force, gets
no account in tracker.

Plain Python: no Flask, no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tracker.domain.statuses import Role

EVERY_FORCE = "*"


class RoleMapError(ValueError):
    """The role map is not valid: the message says what to change."""


@dataclass(frozen=True)
class Rule:
    claim: str
    value: str
    role: Role
    forces: tuple[str, ...]

    def matches(self, claims: dict) -> bool:
        """Whether the account's claim holds (or is) this rule's value."""
        held = claims.get(self.claim)
        if isinstance(held, list):
            return self.value in [str(item) for item in held]
        return held is not None and str(held) == self.value


@dataclass(frozen=True)
class Grant:
    """What the rules give an account: a role and the slugs of its forces (or every force)."""

    role: Role
    forces: tuple[str, ...]

    @property
    def every_force(self) -> bool:
        return EVERY_FORCE in self.forces


def parse_role_map(text: str | None) -> tuple[Rule, ...]:
    """Read the role map's JSON into rules; RoleMapError names the first thing wrong with it."""
    if not (text or "").strip():
        return ()
    try:
        data = json.loads(text)
    except ValueError as error:
        raise RoleMapError(f"TRACKER_OIDC_ROLE_MAP is not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RoleMapError('TRACKER_OIDC_ROLE_MAP must be an object with a list of "rules"')
    default_claim = data.get("claim", "groups")
    rules = []
    for n, rule in enumerate(data["rules"], start=1):
        if not isinstance(rule, dict):
            raise RoleMapError(f"rule {n} of TRACKER_OIDC_ROLE_MAP must be an object")
        try:
            role = Role(rule.get("role"))
        except ValueError:
            raise RoleMapError(f"rule {n} of TRACKER_OIDC_ROLE_MAP: role must be one of "
                               f"{', '.join(r.value for r in Role)}") from None
        forces = rule.get("forces")
        if not isinstance(forces, list) or not forces or not all(isinstance(f, str) and f for f in forces):
            raise RoleMapError(f'rule {n} of TRACKER_OIDC_ROLE_MAP: "forces" must list force slugs (or "*")')
        value, claim = rule.get("value"), rule.get("claim", default_claim)
        if not isinstance(value, str) or not value or not isinstance(claim, str) or not claim:
            raise RoleMapError(f'rule {n} of TRACKER_OIDC_ROLE_MAP needs a "value" (and a "claim", if not {default_claim})')
        rules.append(Rule(claim=claim, value=value, role=role, forces=tuple(forces)))
    return tuple(rules)


def grant_for(rules: tuple[Rule, ...], claims: dict) -> Grant | None:
    """The role and forces the rules give an account with these claims, or None (no role, or no force)."""
    matched = [rule for rule in rules if rule.matches(claims)]
    if not matched:
        return None
    forces: list[str] = []
    for rule in matched:
        forces += [force for force in rule.forces if force not in forces]
    return Grant(role=matched[0].role, forces=tuple(forces)) if forces else None
