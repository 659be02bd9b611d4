"""Each user changes their own password from Your details, with their current password and a
security code; their other sessions end, and they are told by email."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import next_unused_code
from tests.factories import PASSWORD
from tests.helpers import csrf_token, send
from victims.audit.models import AuditEvent
from victims.auth.models import SignInAttempt, UserSession
from victims.auth.services import verify_password
from victims.domain.vocabulary import Role
from victims.notify.models import OutboxEmail
from victims.staff.models import User

CHANGE = "/account/password"
NEW = "a brand new passphrase of mine"


def reload(database, user) -> User:
    database.session.expire_all()
    return database.session.get(User, user.id)


def change(browser, user, **overrides):
    data = {
        "current_password": PASSWORD,
        "code": next_unused_code(user),
        "password": NEW,
        "confirm": NEW,
        "csrf_token": csrf_token(browser, CHANGE),
    }
    data.update(overrides)
    return send(browser, "post", CHANGE, data=data)


@pytest.mark.parametrize("role", [Role.VLO, Role.SPO, Role.MANAGER, Role.ADMIN])
def test_everyone_changes_their_own_password_from_your_details(web, database, make, frozen_clock, role):
    user = make.user(role)
    browser = web(user)
    other_browser = web(user)
    frozen_clock.advance(seconds=30)  # the sign-ins used this step's code
    assert CHANGE in browser.get("/account/details")

    response = change(browser, user)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/details"
    changed = reload(database, user)
    assert verify_password(changed, NEW)
    assert not verify_password(changed, PASSWORD)
    assert send(browser, "get", "/account/details").status_code == 200  # this session goes on
    assert send(other_browser, "get", "/account/details").headers["Location"] == "/signed-out?reason=revoked"
    live = database.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    )
    assert live == 1
    [event] = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "password_changed")
    ).all()
    assert event.user_id == user.id and event.details["sessions_ended"] == 1
    assert NEW not in str(event.details)
    [email] = database.session.scalars(
        select(OutboxEmail).where(OutboxEmail.email_address == user.email)
    ).all()
    assert "password" in email.subject.lower()
    assert NEW not in email.body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"current_password": "not my password"},
            "current_password",
            "Enter your current password correctly",
        ),
        ({"current_password": ""}, "current_password", "Enter your current password"),
        ({"code": "000000"}, "code", "Enter a correct security code"),
        ({"code": ""}, "code", "Enter the security code"),
        ({"password": "short", "confirm": "short"}, "password", "Password must be 12 characters or more"),
        (
            {"password": PASSWORD, "confirm": PASSWORD},
            "password",
            "Choose a password different from your current one",
        ),
        ({"confirm": NEW + "!"}, "confirm", "The passwords do not match"),
    ],
)
def test_mistakes_are_shown_and_nothing_changes(web, database, make, frozen_clock, overrides, field, message):
    user = make.user(Role.VLO)
    browser = web(user)
    frozen_clock.advance(seconds=30)
    if overrides.get("code") == "000000" and next_unused_code(user) == "000000":
        overrides["code"] = "111111"
    response = change(browser, user, **overrides)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert verify_password(reload(database, user), PASSWORD)


def test_wrong_current_passwords_are_slowed_down_like_sign_in(web, database, make, frozen_clock):
    """A session left open must not become a way to guess the password without limit."""
    user = make.user(Role.VLO)
    browser = web(user)
    for _ in range(5):
        frozen_clock.advance(seconds=30)
        assert "Enter your current password correctly" in change(
            browser, user, current_password="guess"
        ).get_data(as_text=True)
    frozen_clock.advance(seconds=1)
    response = change(browser, user)
    assert response.status_code == 429
    assert "too many attempts" in response.get_data(as_text=True)
    assert verify_password(reload(database, user), PASSWORD)
    failures = database.session.scalar(
        select(func.count()).select_from(SignInAttempt).where(SignInAttempt.succeeded.is_(False))
    )
    assert failures == 5


def test_a_code_used_to_change_the_password_cannot_be_used_again(web, database, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web(user)
    frozen_clock.advance(seconds=30)
    code = next_unused_code(user)
    assert change(browser, user, code=code).status_code == 302
    response = change(browser, user, code=code, current_password=NEW, password=NEW + "2", confirm=NEW + "2")
    assert "Enter a correct security code" in response.get_data(as_text=True)


def test_signed_out_people_cannot_change_a_password(web):
    response = send(web(), "get", CHANGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
