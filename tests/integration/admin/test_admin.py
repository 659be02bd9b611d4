"""The administrator's area: staff accounts, scoped to the administrator's region."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD
from victims.admin import services
from victims.admin.views import ACTIONS, CHANGES
from victims.audit.models import AuditEvent
from victims.auth.models import UserSession
from victims.auth.services import verify_password
from victims.domain.accounts import AccountChange
from victims.domain.vocabulary import Role, Skill
from victims.staff.models import User, UserSkill

NEW_PASSWORD = "correct horse battery staple"
COMMON_LONG_PASSWORD = "1234567890qwertyuiop"  # 20 characters, but on the common list


@pytest.fixture()
def region(make):
    return make.region("east_of_england")


@pytest.fixture()
def other_region(make):
    return make.region("london")


@pytest.fixture()
def admin(make, region):
    return make.user(Role.ADMIN, region=region, name="Ada Admin")


def reload(database, user: User) -> User:
    database.session.expire_all()
    return database.session.get(User, user.id)


def events(database, action: str, record_id: int | None = None) -> list[AuditEvent]:
    database.session.expire_all()
    statement = select(AuditEvent).where(AuditEvent.action == action)
    if record_id is not None:
        statement = statement.where(AuditEvent.record_id == record_id)
    return list(database.session.scalars(statement))


def skills_of(database, user: User) -> list[str]:
    database.session.expire_all()
    return list(
        database.session.scalars(
            select(UserSkill.skill).where(UserSkill.user_id == user.id).order_by(UserSkill.skill)
        )
    )


def live_sessions(database, user: User) -> int:
    database.session.expire_all()
    return len(
        database.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        ).all()
    )


def error_messages(page: str) -> list[str]:
    """The inline GOV.UK error messages on a page, without the hidden "Error:" prefix."""
    found = re.findall(r'class="govuk-error-message">(.*?)</p>', page, re.S)
    return [re.sub(r"<span.*?</span>", "", message).strip() for message in found]


def conflict_rows(page: str) -> list[tuple[str, str, str]]:
    """(field, now saved, your change) from the table shown when a save is refused as stale."""
    table = page.split('class="govuk-table app-conflict-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(
        r'<th scope="row" class="govuk-table__header">(.*?)</th>\s*'
        r'<td class="govuk-table__cell">(.*?)</td>\s*<td class="govuk-table__cell">(.*?)</td>',
        table,
    )


def rows(page: str) -> list[str]:
    """The names in the users table, in order."""
    return re.findall(r'Change<span class="govuk-visually-hidden"> (.*?)</span>', page)


# -- the list -----------------------------------------------------------------------------------


def test_list_shows_only_the_administrators_region(web, make, admin, region, other_region):
    team = make.team(region, name="Ipswich VCU")
    mine = make.user(Role.VLO, team, name="Mina Local", skills=("mapping", "welsh"))
    make.user(Role.MANAGER, region=region, name="Manny Gone", active=False)
    make.user(Role.VLO, make.team(other_region), name="Lon Don")

    page = web(admin).get("/admin/users")

    assert "Mina Local" in page
    assert mine.email in page
    assert "Ipswich VCU" in page
    assert Skill.MAPPING.label in page and Skill.WELSH.label in page
    assert "Manny Gone" in page and "Deactivated" in page
    assert "Lon Don" not in page
    assert f'href="/admin/users/{mine.id}"' in page


def test_national_administrator_sees_every_region(web, make, region, other_region):
    national = make.user(Role.ADMIN, region=region, national=True)
    make.user(Role.VLO, make.team(other_region), name="Lon Don")

    page = web(national).get("/admin/users")

    assert "Lon Don" in page
    assert "London" in page  # the region column


def test_list_searches_name_and_email(web, make, admin, region):
    make.user(Role.VLO, region=region, name="Priya Patel", email="p.patel@probation.example")
    make.user(Role.VLO, region=region, name="Sam Smith", email="sam@probation.example")
    browser = web(admin)

    by_name = browser.get("/admin/users?q=patel")
    by_email = browser.get("/admin/users?q=SAM@PROB")

    assert "Priya Patel" in by_name and "Sam Smith" not in by_name
    assert "Sam Smith" in by_email and "Priya Patel" not in by_email


def test_list_is_paginated_by_25(web, make, admin, region):
    team = make.team(region)
    for number in range(26):
        make.user(Role.VLO, team, name=f"Paged Person {number:02d}")
    browser = web(admin)

    first = rows(browser.get("/admin/users?q=Paged"))
    second = rows(browser.get("/admin/users?q=Paged&page=2"))

    assert len(first) == 25
    assert "Paged Person 25" not in first
    assert second == ["Paged Person 25"]
    assert "page=2" in browser.get("/admin/users?q=Paged")  # a link to the next page
    assert rows(browser.get("/admin/users?q=Paged&page=99")) == ["Paged Person 25"]


@pytest.fixture()
def statements(count_queries):
    """with statements() as seen: ...; len(seen) is the SQL statements run meanwhile."""
    return count_queries


def test_list_makes_the_same_number_of_queries_however_many_users(web, make, admin, region, statements):
    team = make.team(region)
    make.user(Role.VLO, team, skills=("parole",))
    browser = web(admin)
    browser.get("/admin/users")  # warm up

    with statements() as few:
        browser.get("/admin/users")
    for _ in range(10):
        make.user(Role.VLO, make.team(region), skills=("parole", "welsh"))
    with statements() as many:
        page = browser.get("/admin/users")

    assert len(rows(page)) == 12
    assert 0 < len(many) == len(few)


# -- creating a user --------------------------------------------------------------------------


def new_user_data(team=None, **overrides) -> dict:
    data = {
        "name": "Nia Newcomer",
        "email": "  Nia.Newcomer@Probation.Example ",
        "role": Role.VLO.value,
        "team": str(team.id) if team else "",
        "skills": [Skill.MAPPING.value, Skill.WELSH.value],
        "contracted_hours": "22.5",
        "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_create_user(web, make, database, admin, region):
    team = make.team(region)
    browser = web(admin)

    response = browser.post("/admin/users/new", new_user_data(team), status=302)

    user = database.session.scalar(select(User).where(User.email == "nia.newcomer@probation.example"))
    assert user is not None, "the email is stored lower-cased and trimmed"
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.name == "Nia Newcomer"
    assert user.role == Role.VLO.value
    assert user.team_id == team.id
    assert user.region_id == region.id
    assert skills_of(database, user) == ["mapping", "welsh"]
    assert user.contracted_hours == Decimal("22.5")
    assert user.active is True
    assert user.national is False
    assert user.totp_confirmed is False and user.totp_secret is None
    assert user.password_must_change is True  # one sign-in, then they choose their own
    assert NEW_PASSWORD not in user.password_hash
    assert verify_password(user, NEW_PASSWORD)

    [event] = events(database, "user_created", user.id)
    assert event.user_id == admin.id
    assert "email" in event.details["fields"]
    assert NEW_PASSWORD not in str(event.details)
    assert "nia.newcomer" not in str(event.details).lower()


def test_new_user_sets_up_second_factor_at_first_sign_in(web, make, database, admin, region):
    web(admin).post("/admin/users/new", new_user_data(make.team(region)), status=302)

    newcomer = web()
    response = newcomer.post(
        "/sign-in", {"email": "nia.newcomer@probation.example", "password": NEW_PASSWORD}, status=302
    )

    assert response.headers["Location"] == "/sign-in/set-up-security-code"


def test_regional_administrator_cannot_give_the_national_view(web, make, database, admin, region):
    web(admin).post(
        "/admin/users/new",
        new_user_data(role=Role.MANAGER.value, national="y", email="mgr@probation.example"),
        status=302,
    )

    manager = database.session.scalar(select(User).where(User.email == "mgr@probation.example"))
    assert manager.national is False
    assert manager.team_id is None


def test_national_administrator_adds_a_national_manager_in_another_region(
    web, make, database, region, other_region
):
    national = make.user(Role.ADMIN, region=region, national=True)
    london_team = make.team(other_region, name="Southwark VCU")
    browser = web(national)
    assert "Southwark VCU (London)" in browser.get("/admin/users/new")

    browser.post(
        "/admin/users/new",
        new_user_data(
            london_team,
            role=Role.MANAGER.value,
            national="y",
            region=str(other_region.id),
            email="london.manager@probation.example",
        ),
        status=302,
    )

    manager = database.session.scalar(select(User).where(User.email == "london.manager@probation.example"))
    assert manager.national is True
    assert manager.region_id == other_region.id
    assert manager.team_id == london_team.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "too-short"}, "Password must be 12 characters or more"),
        ({"password": COMMON_LONG_PASSWORD}, "Password is too common"),
        (
            {"password": "nia.newcomer@probation.example"},
            "Password must not be the email address of the account",
        ),
        ({"password": ""}, "Enter a password"),
        ({"name": ""}, "Enter the user’s full name"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"role": None}, "Choose a role"),
        ({"role": "superuser"}, "Choose a role from the list"),
        ({"team": "999999"}, "Choose a team from the list"),
        ({"skills": ["mapping", "flying"]}, "Choose skills from the list"),
        ({"contracted_hours": ""}, "Enter contracted hours per week"),
        ({"contracted_hours": "lots"}, "Contracted hours must be a number"),
        ({"contracted_hours": "NaN"}, "Contracted hours must be a number"),
        ({"contracted_hours": "61"}, "Contracted hours must be between 1 and 60"),
        ({"contracted_hours": "0.5"}, "Contracted hours must be between 1 and 60"),
        ({"contracted_hours": "22.25"}, "no more than 1 decimal place"),
    ],
)
def test_create_user_refuses_bad_input(web, make, database, admin, region, overrides, message):
    browser = web(admin)
    before = database.session.query(User).count()

    data = new_user_data(make.team(region))
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}

    response = browser.post("/admin/users/new", data, status=200)

    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert any(message in error for error in error_messages(page)), error_messages(page)
    database.session.expire_all()
    assert database.session.query(User).count() == before


def test_create_user_refuses_a_duplicate_email_whatever_its_case(web, make, database, admin, region):
    make.user(Role.VLO, region=region, email="taken@probation.example")
    browser = web(admin)

    response = browser.post(
        "/admin/users/new", new_user_data(make.team(region), email="Taken@Probation.Example"), status=200
    )

    assert "An account with this email address already exists" in error_messages(
        response.get_data(as_text=True)
    )
    assert database.session.query(User).filter(User.email == "taken@probation.example").count() == 1


def test_vlo_and_spo_need_a_team(web, make, database, admin):
    browser = web(admin)
    for role, message in (
        (Role.VLO, "Choose a team for a victim liaison officer"),
        (Role.SPO, "Choose a team for a senior probation officer"),
    ):
        response = browser.post("/admin/users/new", new_user_data(role=role.value), status=200)
        assert message in error_messages(response.get_data(as_text=True))
    assert database.session.scalar(select(User).where(User.name == "Nia Newcomer")) is None


def test_a_team_in_another_region_is_refused(web, make, database, admin, other_region):
    london_team = make.team(other_region)
    browser = web(admin)

    for role in (Role.VLO, Role.MANAGER):  # "no team or a team in the region", for every role
        response = browser.post("/admin/users/new", new_user_data(london_team, role=role.value), status=200)
        assert "Choose a team from the list" in error_messages(response.get_data(as_text=True))
    assert database.session.scalar(select(User).where(User.name == "Nia Newcomer")) is None


def test_national_administrator_cannot_mix_a_region_with_another_regions_team(
    web, make, database, region, other_region
):
    national = make.user(Role.ADMIN, region=region, national=True)
    response = web(national).post(
        "/admin/users/new",
        new_user_data(make.team(other_region), region=str(region.id)),
        status=200,
    )

    assert "Choose a team in the region you chose" in error_messages(response.get_data(as_text=True))


def test_an_empty_crafted_post_gives_errors_not_a_crash(web, admin):
    response = web(admin).post("/admin/users/new", {}, status=200)  # nothing but the CSRF token

    errors = error_messages(response.get_data(as_text=True))
    for message in ("Enter the user’s full name", "Choose a role", "Enter a password"):
        assert message in errors


# -- changing a user ---------------------------------------------------------------------------


def change_data(user: User, **overrides) -> dict:
    data = {
        "role": user.role,
        "team": str(user.team_id) if user.team_id else "",
        "skills": [],
        "contracted_hours": "37",
        "version": str(user.version),
    }
    data.update(overrides)
    return data


def test_change_user(web, make, database, admin, region):
    vlo = make.user(Role.VLO, region=region, skills=("parole",))
    new_team = make.team(region, name="Norwich VCU")
    browser = web(admin)
    page = browser.get(f"/admin/users/{vlo.id}")
    assert f'name="version" type="hidden" value="{vlo.version}"' in page
    # A VLO's page leads to their skills and training and their reductions of hours (issue 14).
    assert f'href="/staff/{vlo.id}/skills-and-training"' in page
    assert f'href="/workforce/vlos/{vlo.id}/reductions"' in page
    browser.get(f"/staff/{vlo.id}/skills-and-training")
    browser.get(f"/workforce/vlos/{vlo.id}/reductions")

    browser.post(
        f"/admin/users/{vlo.id}",
        change_data(
            vlo, role=Role.SPO.value, team=str(new_team.id), skills=["mapping"], contracted_hours="30"
        ),
        status=302,
    )

    changed = reload(database, vlo)
    assert changed.role == Role.SPO.value
    assert changed.team_id == new_team.id
    assert skills_of(database, vlo) == ["mapping"]
    assert changed.contracted_hours == Decimal("30")
    [event] = events(database, "user_changed", vlo.id)
    assert sorted(event.details["fields"]) == ["contracted_hours", "role", "skills", "team"]
    assert event.details["before"]["role"] == "vlo" and event.details["after"]["role"] == "spo"


def test_change_with_a_stale_version_is_refused_and_saves_nothing(web, make, database, admin, region):
    vlo = make.user(Role.VLO, region=region)
    opened_at_version = vlo.version
    browser = web(admin)
    # Another administrator saves first.
    browser.post(f"/admin/users/{vlo.id}", change_data(vlo, contracted_hours="30"), status=302)

    response = browser.post(
        f"/admin/users/{vlo.id}",
        change_data(vlo, contracted_hours="20", version=str(opened_at_version)),
        status=409,
    )

    page = response.get_data(as_text=True)
    assert "Someone else changed this while you were editing" in page
    assert conflict_rows(page) == [("Contracted hours per week", "30", "20")]
    assert f'name="version" type="hidden" value="{reload(database, vlo).version}"' in page
    assert reload(database, vlo).contracted_hours == Decimal("30")
    assert len(events(database, "user_changed", vlo.id)) == 1


def test_a_skills_only_change_still_moves_the_version(web, make, database, admin, region):
    vlo = make.user(Role.VLO, region=region)
    opened_at_version = vlo.version
    browser = web(admin)
    browser.post(f"/admin/users/{vlo.id}", change_data(vlo, skills=["parole"]), status=302)

    browser.post(
        f"/admin/users/{vlo.id}",
        change_data(vlo, skills=["welsh"], version=str(opened_at_version)),
        status=409,
    )

    assert skills_of(database, vlo) == ["parole"]


def test_change_refuses_a_team_from_another_region_and_a_missing_team(
    web, make, database, admin, region, other_region
):
    vlo = make.user(Role.VLO, region=region)
    team_id = vlo.team_id
    browser = web(admin)

    other = browser.post(
        f"/admin/users/{vlo.id}", change_data(vlo, team=str(make.team(other_region).id)), status=200
    )
    none = browser.post(f"/admin/users/{vlo.id}", change_data(vlo, team=""), status=200)

    assert "Choose a team from the list" in error_messages(other.get_data(as_text=True))
    assert "Choose a team for a victim liaison officer" in error_messages(none.get_data(as_text=True))
    assert reload(database, vlo).team_id == team_id


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a role"),
        ({"role": "superuser", "contracted_hours": "37"}, "Choose a role from the list"),
        ({"role": "vlo", "team": "not-a-number", "contracted_hours": "37"}, "Choose a team from the list"),
        ({"role": "vlo", "contracted_hours": "1e400"}, "Contracted hours must be between 1 and 60"),
    ],
)
def test_a_crafted_change_gives_errors_not_a_crash(web, make, database, admin, region, data, message):
    vlo = make.user(Role.VLO, region=region)

    response = web(admin).post(f"/admin/users/{vlo.id}", data, status=200)

    assert message in error_messages(response.get_data(as_text=True))
    assert reload(database, vlo).role == Role.VLO.value
    assert events(database, "user_changed", vlo.id) == []


def test_administrator_cannot_change_their_own_role(web, database, admin):
    browser = web(admin)  # signing in moves the version (the code's step is saved)

    response = browser.post(
        f"/admin/users/{admin.id}", change_data(reload(database, admin), role=Role.MANAGER.value), status=200
    )

    assert "You cannot change your own role" in response.get_data(as_text=True)
    assert reload(database, admin).role == Role.ADMIN.value


def test_national_flag_is_only_offered_to_national_administrators(web, make, region):
    manager = make.user(Role.MANAGER, region=region)
    regional = make.user(Role.ADMIN, region=region)
    national = make.user(Role.ADMIN, region=region, national=True)

    assert 'name="national"' not in web(regional).get(f"/admin/users/{manager.id}")
    assert 'name="national"' in web(national).get(f"/admin/users/{manager.id}")


def test_regional_administrator_cannot_change_a_national_account(web, make, database, admin, region):
    national_manager = make.user(Role.MANAGER, region=region, national=True)
    browser = web(admin)

    page = browser.get(f"/admin/users/{national_manager.id}")
    assert "Only a national administrator can change it" in page
    browser.post(
        f"/admin/users/{national_manager.id}",
        change_data(national_manager, role=Role.VLO.value),
        status=403,
        form_path="/admin/users/new",
    )
    browser.post(
        f"/admin/users/{national_manager.id}/temporary-password",
        {"reason": "They asked"},
        status=403,
        form_path="/admin/users/new",
    )

    assert reload(database, national_manager).role == Role.MANAGER.value


# -- deactivation, second factor, password ----------------------------------------------------


def test_deactivation_signs_the_user_out_everywhere(web, make, database, admin, region):
    vlo = make.user(Role.VLO, region=region)
    their_browser = web(vlo)
    their_browser.get("/", status=302)  # signed in and working
    assert live_sessions(database, vlo) == 1
    browser = web(admin)
    assert "Deactivate account" in browser.get(f"/admin/users/{vlo.id}/deactivate")

    browser.post(f"/admin/users/{vlo.id}/deactivate", status=302)

    assert live_sessions(database, vlo) == 0  # ended at once, not at their next request
    response = their_browser._send("get", "/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signed-out?reason=revoked"
    deactivated = reload(database, vlo)
    assert deactivated.active is False
    assert deactivated.deactivated_at is not None
    assert live_sessions(database, vlo) == 0
    [event] = events(database, "user_deactivated", vlo.id)
    assert event.details["sessions_ended"] == 1
    # and they cannot sign in again
    web().post("/sign-in", {"email": vlo.email, "password": PASSWORD}, status=401)


def test_administrator_cannot_deactivate_themselves(web, database, admin):
    browser = web(admin)
    page = browser.get(f"/admin/users/{admin.id}")
    assert f"/admin/users/{admin.id}/deactivate" not in page

    response = browser.post(f"/admin/users/{admin.id}/deactivate", status=400, form_path="/admin/users/new")

    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert reload(database, admin).active is True
    assert live_sessions(database, admin) == 1
    assert events(database, "user_deactivated", admin.id) == []


def test_reactivate(web, make, database, admin, region):
    vlo = make.user(Role.VLO, region=region, active=False)
    browser = web(admin)

    browser.post(f"/admin/users/{vlo.id}/reactivate", status=302)

    assert reload(database, vlo).active is True
    assert reload(database, vlo).deactivated_at is None
    assert len(events(database, "user_reactivated", vlo.id)) == 1
    web(vlo).get("/", status=302)  # can sign in again


# Resetting a security code and setting a password need a second administrator:
# test_account_requests.py.


# -- who may do what --------------------------------------------------------------------------

USER_ROUTES = (
    "/admin/users/{id}",
    "/admin/users/{id}/temporary-password",
    "/admin/users/{id}/deactivate",
    "/admin/users/{id}/reactivate",
    "/admin/users/{id}/reset-second-factor",
)


def test_another_regions_user_is_not_found(web, make, database, admin, other_region):
    stranger = make.user(Role.VLO, make.team(other_region))
    browser = web(admin)

    for route in USER_ROUTES:
        path = route.format(id=stranger.id)
        browser.get(path, status=404)
        browser.post(
            path, {"password": NEW_PASSWORD, "reason": "x"}, status=404, form_path="/admin/users/new"
        )

    untouched = reload(database, stranger)
    assert untouched.active is True
    assert untouched.totp_confirmed is True
    assert verify_password(untouched, PASSWORD)


def admin_paths(app, user_id: int, request_id: int) -> list[tuple[str, set[str]]]:
    """Every admin route, with its arguments filled in (fails if a new one is not covered)."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        if "action" in rule.arguments:
            values = [{"user_id": user_id, "action": action} for action in ACTIONS]
        elif "change" in rule.arguments:
            values = [{"user_id": user_id, "change": change} for change in CHANGES]
        elif rule.arguments == {"request_id"}:
            values = [{"request_id": request_id}]
        elif rule.arguments <= {"user_id"}:
            values = [{"user_id": user_id}]
        elif rule.arguments == {"code"}:
            values = [{"code": "initial_contact"}]
        elif rule.arguments == {"day"}:
            values = [{"day": "2027-01-04"}]
        elif rule.arguments == {"letter_type", "language"}:
            values = [{"letter_type": "initial_contact", "language": "cy"}]
        elif rule.arguments == {"team_id"}:
            values = [{"team_id": 1}]
        else:
            raise AssertionError(f"a new admin route needs covering here: {rule}")
        paths.extend((rule.build(value)[1], rule.methods) for value in values)
    return paths


@pytest.mark.parametrize("role", [Role.VLO, Role.SPO, Role.MANAGER])
def test_other_roles_are_refused_every_admin_route(app, web, make, database, region, role):
    someone = make.user(Role.VLO, region=region)
    asker = make.user(Role.ADMIN, region=region)
    request = services.request_change(someone, AccountChange.SECOND_FACTOR_RESET, "They asked", asker)
    other = make.user(role, region=region, national=role == Role.MANAGER)
    browser = web(other)
    paths = admin_paths(app, someone.id, request.id)
    assert len(paths) == 19  # with the teams list and a team's letterhead

    page = browser.get("/accessibility")  # a signed-in page carries a token for the POSTs below
    for path, methods in paths:
        if "GET" in methods:
            page = browser.get(path, status=403)
        if "POST" in methods:
            # A real token (from the signed-in page's session-timeout element), so the refusal
            # comes from the role guard and not from the CSRF check.
            token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
            response = browser._send(
                "post", path, data={"csrf_token": token, "password": NEW_PASSWORD, "reason": "x"}
            )
            assert response.status_code == 403, path

    assert reload(database, someone).active is True
    assert verify_password(reload(database, someone), PASSWORD)
    assert reload(database, someone).totp_confirmed


def test_signed_out_people_are_sent_to_sign_in(web):
    response = web()._send("get", "/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
