"""The role map of organisation accounts: rules read from JSON, claims to a role and forces."""

import pytest

from tracker.domain.identity import RoleMapError, grant_for, parse_role_map
from tracker.domain.statuses import Role

MAP = """{"claim": "groups", "rules": [
  {"value": "g-cumbria-editors", "role": "editor", "forces": ["cumbria"]},
  {"value": "g-lancs-viewers", "role": "viewer", "forces": ["lancashire", "cumbria"]},
  {"claim": "roles", "value": "Tracker.Admin", "role": "admin", "forces": ["*"]}
]}"""


def test_the_first_matching_rule_gives_the_role_and_every_match_adds_forces():
    rules = parse_role_map(MAP)
    grant = grant_for(rules, {"groups": ["other", "g-lancs-viewers", "g-cumbria-editors"]})
    assert grant.role is Role.EDITOR and grant.forces == ("cumbria", "lancashire")
    assert grant_for(rules, {"groups": ["g-lancs-viewers"]}).role is Role.VIEWER


def test_a_claim_that_is_a_single_value_matches_too():
    grant = grant_for(parse_role_map(MAP), {"roles": "Tracker.Admin"})
    assert grant.role is Role.ADMIN and grant.every_force


@pytest.mark.parametrize("claims", [{}, {"groups": []}, {"groups": ["g-cumbria-editors-not"]}, {"roles": ["g-cumbria-editors"]}])
def test_no_matching_rule_gives_nothing(claims):
    assert grant_for(parse_role_map(MAP), claims) is None


def test_no_map_gives_nobody_anything():
    assert parse_role_map("") == () and grant_for((), {"groups": ["x"]}) is None


@pytest.mark.parametrize(("text", "message"), [
    ("{", "not JSON"),
    ("[]", "list of \"rules\""),
    ('{"rules": [{"value": "g", "role": "boss", "forces": ["cumbria"]}]}', "role must be one of"),
    ('{"rules": [{"value": "g", "role": "viewer", "forces": []}]}', "must list force slugs"),
    ('{"rules": [{"value": "g", "role": "viewer", "forces": "cumbria"}]}', "must list force slugs"),
    ('{"rules": [{"role": "viewer", "forces": ["cumbria"]}]}', 'needs a "value"'),
    ('{"rules": ["viewer"]}', "must be an object"),
])
def test_a_wrong_map_says_what_is_wrong(text, message):
    with pytest.raises(RoleMapError, match=message):
        parse_role_map(text)
