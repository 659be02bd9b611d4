"""A password an administrator set works for one sign-in, within a few days, and must be
replaced before any other page (a new account's first password, or a temporary password
another administrator approved)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import next_unused_code
from tests.helpers import csrf_token, send
from victims.audit.models import AuditEvent
from victims.auth import services as auth
from victims.auth.services import verify_password
from victims.domain.vocabulary import Role
from victims.staff.models import User

TEMPORARY = "abcd-efgh-jkmn-pqrs"
CHOSEN = "a brand new passphrase of mine"
CHANGE = "/account/password"
CODE_PAGE = "/sign-in/security-code"


@pytest.fixture()
def vlo(make, database, frozen_clock):
    user = make.user(Role.VLO)
    auth.set_temporary_password(user, TEMPORARY)
    database.session.flush()
    return user


def sign_in(web, user, password: str = TEMPORARY):
    browser = web()
    response = send(
        browser,
        "post",
        "/sign-in",
        data={"email": user.email, "password": password, "csrf_token": csrf_token(browser)},
    )
    if response.status_code != 302:
        return browser, response
    response = send(
        browser,
        "post",
        CODE_PAGE,
        data={"code": next_unused_code(user), "csrf_token": csrf_token(browser, CODE_PAGE)},
    )
    return browser, response


def reload(database, user) -> User:
    database.session.expire_all()
    return database.session.get(User, user.id)


@pytest.mark.parametrize(
    "path",
    ["/", "/cases/mine", "/tasks/mine", "/account/details", "/notifications", "/accessibility-not-a-page"],
)
def test_no_other_page_before_the_password_is_changed(web, vlo, path):
    browser, response = sign_in(web, vlo)
    assert response.status_code == 302
    answer = send(browser, "get", path)
    if path == "/accessibility-not-a-page":
        assert answer.status_code == 404  # no page there at all: nothing to guard
    else:
        assert answer.status_code == 302, path
        assert answer.headers["Location"] == CHANGE


def test_posts_are_refused_before_the_password_is_changed_too(web, make, vlo):
    case = make.case(vlo=vlo)
    browser, _ = sign_in(web, vlo)
    token = csrf_token(browser, CHANGE)
    response = send(
        browser, "post", f"/cases/{case.id}/contacts/new", data={"summary": "x", "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == CHANGE


def test_signing_out_and_the_public_pages_still_work(web, vlo):
    browser, _ = sign_in(web, vlo)
    assert send(browser, "get", "/health").status_code == 200
    assert send(browser, "get", "/accessibility").status_code == 200
    assert send(browser, "get", "/sign-out").headers["Location"] == "/signed-out"


def test_choosing_a_password_opens_the_service(web, database, vlo):
    browser, response = sign_in(web, vlo)
    page = send(browser, "get", CHANGE).get_data(as_text=True)
    assert "Choose a new password" in page
    assert 'name="current_password"' not in page  # they gave it moments ago, with a code

    response = send(
        browser,
        "post",
        CHANGE,
        data={"password": CHOSEN, "confirm": CHOSEN, "csrf_token": csrf_token(browser, CHANGE)},
    )
    assert response.status_code == 302
    assert send(browser, "get", "/cases/mine").status_code == 200
    changed = reload(database, vlo)
    assert verify_password(changed, CHOSEN)
    assert not changed.password_must_change
    assert changed.password_expires_at is None
    actions = database.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_type == "user", AuditEvent.record_id == vlo.id)
    ).all()
    assert "temporary_password_replaced" in actions


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Password must be 12 characters or more"),
        ("1234567890qwertyuiop", "1234567890qwertyuiop", "too common"),
        (TEMPORARY, TEMPORARY, "Choose a password different from the temporary one"),
        (CHOSEN, CHOSEN + "!", "The passwords do not match"),
        ("", "", "Enter a new password"),
    ],
)
def test_a_new_password_follows_the_policy(web, database, vlo, password, confirm, message):
    browser, _ = sign_in(web, vlo)
    response = send(
        browser,
        "post",
        CHANGE,
        data={"password": password, "confirm": confirm, "csrf_token": csrf_token(browser, CHANGE)},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert reload(database, vlo).password_must_change


def test_the_temporary_password_works_once(web, database, vlo, frozen_clock):
    browser, response = sign_in(web, vlo)
    assert response.status_code == 302
    send(browser, "get", "/sign-out")  # without choosing a password
    frozen_clock.advance(minutes=1)
    _, response = sign_in(web, vlo)
    assert response.status_code == 401


def test_a_wrong_code_does_not_use_up_the_temporary_password(web, database, vlo, frozen_clock):
    browser = web()
    send(
        browser,
        "post",
        "/sign-in",
        data={"email": vlo.email, "password": TEMPORARY, "csrf_token": csrf_token(browser)},
    )
    wrong = "000000" if next_unused_code(vlo) != "000000" else "111111"
    send(browser, "post", CODE_PAGE, data={"code": wrong, "csrf_token": csrf_token(browser, CODE_PAGE)})
    frozen_clock.advance(minutes=10)  # the half-signed-in state has expired
    _, response = sign_in(web, vlo)
    assert response.status_code == 302


def test_an_unused_temporary_password_expires_after_three_days(web, vlo, frozen_clock):
    frozen_clock.advance(hours=72)
    _, response = sign_in(web, vlo)
    assert response.status_code == 401


def test_a_new_users_first_password_must_be_changed_too(web, make, database, frozen_clock):
    admin = make.user(Role.ADMIN)
    team = make.team()
    web(admin).post(
        "/admin/users/new",
        {
            "name": "Nia Newcomer",
            "email": "nia.newcomer@probation.example",
            "role": Role.VLO.value,
            "team": str(team.id),
            "contracted_hours": "37",
            "password": "correct horse battery staple",
        },
        status=302,
    )
    newcomer = database.session.scalar(select(User).where(User.email == "nia.newcomer@probation.example"))
    assert newcomer.password_must_change
    browser = web()
    send(
        browser,
        "post",
        "/sign-in",
        data={
            "email": newcomer.email,
            "password": "correct horse battery staple",
            "csrf_token": csrf_token(browser),
        },
    )
    enrol = "/sign-in/set-up-security-code"
    send(browser, "get", enrol)
    database.session.refresh(newcomer)
    response = send(
        browser,
        "post",
        enrol,
        data={"code": next_unused_code(newcomer), "csrf_token": csrf_token(browser, enrol)},
    )
    assert response.status_code == 302
    assert send(browser, "get", "/").headers["Location"] == CHANGE


def test_the_temporary_password_lasts_as_the_setting_says(app, make, database, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "TEMPORARY_PASSWORD_HOURS", 5)
    user = make.user(Role.VLO)
    with app.test_request_context():
        auth.set_temporary_password(user, TEMPORARY)
    assert user.password_expires_at == frozen_clock.now + timedelta(hours=5)
