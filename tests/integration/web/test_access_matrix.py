"""Who may open what: role × route × whose record.

VLOs and SPOs work their own team's cases; a manager reads the whole region but edits
nothing; an administrator does no casework. A wrong role is refused (403) before any
record is looked at; another team's or region's record is not found (404), so the answer
does not even confirm that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.helpers import post_with_token, send, signed_in
from victims.cases.models import Case
from victims.domain.vocabulary import Role
from victims.people.models import Person

ROLES = ("vlo", "spo", "manager", "admin")
RECORDS = ("own_team", "other_team", "other_region")

CASE = "/cases/{case}"
PERSON = "/cases/{case}/people/{person}"
ROUTES = {
    "case page": CASE,
    "dates": CASE + "/dates",
    "allocate": CASE + "/allocate",
    "add contact": CASE + "/contacts/new",
    "add person": CASE + "/people/new",
    "reveal": PERSON + "/reveal",
    "change details": PERSON + "/details",
    "preferences": PERSON + "/preferences",
    "opt-out": PERSON + "/opt-out",
    "opt-in": PERSON + "/opt-in",
    "write a letter": CASE + "/letters/new",
}

# Expected status of a GET, for (own team's record, another team's in the region, another region's).
# "change details" redirects to the reveal page (302) until the details have been revealed.
NO = (403, 403, 403)
MINE = (200, 404, 404)
# fmt: off
EXPECTED: dict[str, dict[str, tuple[int, int, int]]] = {
    route: dict(zip(ROLES, row, strict=True))
    for route, row in {
        #                  vlo              spo              manager          admin
        "case page":      (MINE,            MINE,            (200, 200, 404), NO),
        "dates":          (MINE,            MINE,            NO,              NO),
        "allocate":       (NO,              MINE,            NO,              NO),
        "add contact":    (MINE,            MINE,            NO,              NO),
        "add person":     (MINE,            MINE,            NO,              NO),
        "reveal":         (MINE,            MINE,            NO,              NO),
        "change details": ((302, 404, 404), (302, 404, 404), NO,              NO),
        "preferences":    (MINE,            MINE,            NO,              NO),
        "opt-out":        (MINE,            MINE,            NO,              NO),
        "opt-in":         (MINE,            MINE,            NO,              NO),
        "write a letter": (MINE,            MINE,            NO,              NO),
    }.items()
}

# The caseload lists: status, and which records each lists (all three cases are open and allocated).
REFUSED: tuple[int, set[str]] = (403, set())
OWN = {"own_team"}
REGION = {"own_team", "other_team"}
LISTS: dict[str, dict[str, tuple[int, set[str]]]] = {
    path: dict(zip(ROLES, row, strict=True))
    for path, row in {
        #                 vlo           spo           manager          admin
        "/cases/mine":   ((200, OWN),  REFUSED,      REFUSED,         REFUSED),
        "/cases/team":   (REFUSED,     (200, OWN),   REFUSED,         REFUSED),
        "/cases/region": (REFUSED,     REFUSED,      (200, REGION),   REFUSED),
    }.items()
}
# fmt: on


@dataclass
class World:
    users: dict[str, object]
    cases: dict[str, Case]
    people: dict[str, Person]
    names: dict[str, str]


@pytest.fixture()
def world(make) -> World:
    region = make.region("east_of_england")
    elsewhere = make.region("london")
    own_team, other_team, far_team = make.team(region), make.team(region), make.team(elsewhere)
    users = {
        "vlo": make.user(Role.VLO, own_team),
        "spo": make.user(Role.SPO, own_team),
        "manager": make.user(Role.MANAGER, region=region),
        "admin": make.user(Role.ADMIN, region=region),
    }
    vlos = {
        "own_team": users["vlo"],
        "other_team": make.user(Role.VLO, other_team),
        "other_region": make.user(Role.VLO, far_team),
    }
    names = {record: f"Matrix{record.replace('_', '').title()}" for record in RECORDS}
    cases = {record: make.case(vlo=vlos[record], offender_last_name=names[record]) for record in RECORDS}
    people = {record: make.person(cases[record]) for record in RECORDS}
    return World(users, cases, people, names)


def _path(world: World, route: str, record: str) -> str:
    return ROUTES[route].format(case=world.cases[record].id, person=world.people[record].id)


def test_the_table_covers_every_route_and_role():
    assert set(EXPECTED) == set(ROUTES)
    for route, by_role in EXPECTED.items():
        assert set(by_role) == set(ROLES), route


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_get(app, world, role, route):
    """One row of the table: the route for each kind of record, as one signed-in user,
    so a role that leaks one record but not another shows up as one clear difference."""
    browser = signed_in(app, world.users[role])
    responses = [send(browser, "get", _path(world, route, record)) for record in RECORDS]
    assert tuple(response.status_code for response in responses) == EXPECTED[route][role]
    for response in responses:
        if response.status_code == 302:
            assert "/reveal" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(LISTS))
def test_caseload_lists(app, world, role, path):
    status, listed = LISTS[path][role]
    response = send(signed_in(app, world.users[role]), "get", path)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    shown = {record for record in RECORDS if world.names[record] in page}
    assert shown == listed


# Changes are refused the same way: a POST by a wrong role is 403, and for another team's
# or region's record 404, and nothing is changed.
POSTS = {
    "reveal": (PERSON + "/reveal", {"reason": "Checking the address before a letter"}),
    "opt-out": (PERSON + "/opt-out", {"reason": "Asked not to be contacted"}),
    "allocate": (CASE + "/allocate", {"vlo": "", "reason": "Rebalancing"}),
}
# fmt: off
POST_EXPECTED = {
    action: dict(zip(ROLES, row, strict=True))
    for action, row in {
        #            vlo              spo              manager  admin
        "reveal":   (MINE,            MINE,            NO,      NO),
        "opt-out":  ((302, 404, 404), (302, 404, 404), NO,      NO),
        "allocate": (NO,              MINE,            NO,      NO),
    }.items()
}
# fmt: on


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(POSTS))
def test_post(app, world, database, role, action):
    browser = signed_in(app, world.users[role])
    template, data = POSTS[action]
    got = []
    for record in RECORDS:
        path = template.format(case=world.cases[record].id, person=world.people[record].id)
        got.append(post_with_token(browser, path, data).status_code)
    assert tuple(got) == POST_EXPECTED[action][role]
    database.session.expire_all()
    for record in ("other_team", "other_region"):
        assert world.people[record].contact_level == "key_stages"
