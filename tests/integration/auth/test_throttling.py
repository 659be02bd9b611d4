"""Guessing is slowed down without locking the owner out.

Per account: a few free failures, then a wait that doubles up to a ceiling; a try made while
waiting is refused unchecked and does not make the wait longer. The owner's own browser
carries a known-device cookie and is not made to wait for failures from elsewhere. Per client
address: a limit on failed sign-ins (and a smaller one on failed security codes), whatever the
accounts tried. Security codes have their own, smaller budget per account too.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import next_unused_code
from tests.factories import PASSWORD
from tests.helpers import csrf_token, send
from victims.auth.models import SignInAttempt
from victims.auth.throttling import DEVICE_COOKIE
from victims.auth.views import WRONG_CODE, WRONG_CREDENTIALS, wait_message
from victims.domain.vocabulary import Role

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"
OFFICE = "192.0.2.10"
WRONG = "not-the-password"
CODE_PAGE = "/sign-in/security-code"


def _escaped(message: str) -> str:
    from markupsafe import escape

    return str(escape(message))


def password(browser, email: str, typed: str, address: str = OWNER):
    return send(
        browser,
        "post",
        "/sign-in",
        data={"email": email, "password": typed, "csrf_token": csrf_token(browser)},
        environ_base={"REMOTE_ADDR": address},
    )


def code(browser, typed: str, address: str = OWNER):
    return send(
        browser,
        "post",
        CODE_PAGE,
        data={"code": typed, "csrf_token": csrf_token(browser, CODE_PAGE)},
        environ_base={"REMOTE_ADDR": address},
    )


def wrong_code(user) -> str:
    return "000000" if next_unused_code(user) != "000000" else "111111"


def sign_in(browser, user, address: str = OWNER) -> None:
    assert password(browser, user.email, PASSWORD, address).status_code == 302
    assert code(browser, next_unused_code(user), address).status_code == 302


def known_device(web, user, address: str = OWNER):
    """The owner's own browser: signed in fully once (so it holds a device cookie), then out."""
    browser = web()
    sign_in(browser, user, address)
    assert send(browser, "get", "/sign-out").status_code == 302
    return browser


def failures(database, stage: str = "password") -> int:
    database.session.expire_all()
    return database.session.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.succeeded.is_(False), SignInAttempt.stage == stage)
    )


def cookie_header(response, name: str) -> str | None:
    for header, value in response.headers.items():
        if header == "Set-Cookie" and value.startswith(f"{name}="):
            return value
    return None


# -- per account: a wait that doubles, never a lock ------------------------------------------------


def test_five_failures_are_free_then_the_next_try_waits(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    for _ in range(5):
        response = password(browser, user.email, WRONG)
        assert response.status_code == 401
        assert _escaped(WRONG_CREDENTIALS) in response.get_data(as_text=True)
    # Even the right password waits: otherwise the wait would not slow guessing at all.
    response = password(web(), user.email, PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert _escaped(wait_message(timedelta(seconds=30))) in response.get_data(as_text=True)
    frozen_clock.advance(seconds=30)
    assert password(web(), user.email, PASSWORD).status_code == 302


def test_the_wait_doubles_up_to_fifteen_minutes(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    for _ in range(5):
        assert password(browser, user.email, WRONG).status_code == 401
    waits = []
    for _ in range(7):
        refused = password(browser, user.email, WRONG)
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        frozen_clock.advance(seconds=waits[-1])
        assert password(browser, user.email, WRONG).status_code == 401
    assert waits == [30, 60, 120, 240, 480, 900, 900]


def test_tries_while_waiting_do_not_make_the_wait_longer(web, make, frozen_clock, database):
    """The old lock counted tries made while locked, so two a minute kept the owner out all day."""
    user = make.user(Role.VLO)
    attacker = web()
    for guess in range(10):
        if guess:
            frozen_clock.advance(minutes=15)  # waiting out each wait, so every guess is checked
        assert password(attacker, user.email, WRONG, ATTACKER).status_code == 401
    counted = failures(database)
    # The wait is now at its ceiling: hammer through it, twice a minute.
    for _ in range(29):
        frozen_clock.advance(seconds=30)
        assert password(attacker, user.email, WRONG, ATTACKER).status_code == 429
    assert failures(database) == counted  # refused unchecked, not counted
    frozen_clock.advance(seconds=30)  # 15 minutes after the last guess that was checked
    response = password(web(), user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == CODE_PAGE


def test_the_wait_is_the_same_for_known_and_unknown_emails(web, make, frozen_clock):
    user = make.user(Role.VLO)
    answers = []
    for email in (user.email, "nobody@probation.example"):
        browser = web()
        for _ in range(6):
            password(browser, email, WRONG)
            frozen_clock.advance(seconds=1)
        response = password(browser, email, PASSWORD)
        errors = re.findall(r"govuk-error-message.*?</p>", response.get_data(as_text=True), re.S)
        answers.append((response.status_code, response.headers.get("Retry-After"), errors))
        frozen_clock.advance(hours=1)
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_a_success_starts_the_count_again(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    for _ in range(4):
        password(browser, user.email, WRONG)
    assert password(browser, user.email, PASSWORD).status_code == 302
    for _ in range(4):
        assert password(web(), user.email, WRONG).status_code == 401
    assert password(web(), user.email, PASSWORD).status_code == 302


def test_failures_are_forgotten_after_a_day(web, make, frozen_clock):
    user = make.user(Role.VLO)
    for _ in range(8):
        password(web(), user.email, WRONG)
        frozen_clock.advance(minutes=15)
    frozen_clock.advance(hours=24)
    for _ in range(4):
        assert password(web(), user.email, WRONG).status_code == 401
    assert password(web(), user.email, PASSWORD).status_code == 302


# -- the owner's known device ------------------------------------------------------------------


def test_two_wrong_passwords_a_minute_all_day_do_not_keep_the_owner_out(web, make, frozen_clock, database):
    user = make.user(Role.VLO)
    owner = known_device(web, user)
    attacker = web()
    for minute in range(8 * 60):
        # From many addresses, as a botnet would, so the per-address limit is not what stops it.
        address = f"203.0.113.{minute % 250}"
        for _ in range(2):
            assert password(attacker, user.email, WRONG, address).status_code in (401, 429)
        if minute % 120 == 119:
            # At any moment, the owner's own browser signs in with the password and a code.
            sign_in(owner, user)
            assert send(owner, "get", "/cases/mine").status_code == 200
            send(owner, "get", "/sign-out")
        frozen_clock.advance(seconds=30)
        frozen_clock.advance(seconds=30)
    # And the attacker got few guesses checked: five free, then one per wait.
    assert failures(database) < 5 + 6 + 8 * 4 + 1


def test_a_known_device_gets_in_at_an_address_that_has_used_its_budget(web, make, frozen_clock):
    """Everyone in one office shares an address: an attacker there must not keep them out."""
    owner_user = make.user(Role.VLO)
    owner = known_device(web, owner_user, OFFICE)
    attacker = web()
    for number in range(25):
        password(attacker, f"guess{number}@probation.example", WRONG, OFFICE)
    assert password(web(), make.user(Role.VLO).email, PASSWORD, OFFICE).status_code == 429
    sign_in(owner, owner_user, OFFICE)


def test_the_device_cookie_is_set_only_after_the_second_factor(web, make):
    user = make.user(Role.VLO)
    browser = web()
    response = password(browser, user.email, PASSWORD)
    assert cookie_header(response, DEVICE_COOKIE) is None
    response = code(browser, next_unused_code(user))
    header = cookie_header(response, DEVICE_COOKIE)
    assert header is not None
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")}
    assert "httponly" in attributes
    assert attributes["path"] == "Path=/sign-in"
    assert attributes["samesite"].lower() == "samesite=strict"
    assert int(attributes["max-age"].split("=")[1]) == 90 * 24 * 3600
    assert user.email not in header  # it names the account only by a keyed hash


def test_a_tampered_device_cookie_is_ignored(web, make, frozen_clock):
    user = make.user(Role.VLO)
    owner = known_device(web, user)
    cookie = owner.client.get_cookie(DEVICE_COOKIE, path="/sign-in")
    owner.client.set_cookie(DEVICE_COOKIE, cookie.value[:-3] + "AAA", path="/sign-in")
    for _ in range(6):
        password(web(), user.email, WRONG, ATTACKER)
    assert password(owner, user.email, PASSWORD).status_code == 429


def test_another_accounts_device_cookie_does_not_help(web, make, frozen_clock):
    """An insider's own cookie does not let them past the wait on a colleague's account."""
    insider, colleague = make.user(Role.VLO), make.user(Role.VLO)
    browser = known_device(web, insider, ATTACKER)
    for _ in range(5):
        password(browser, colleague.email, WRONG, ATTACKER)
    assert password(browser, colleague.email, PASSWORD, ATTACKER).status_code == 429


def test_a_known_device_that_keeps_failing_waits_like_any_other(web, make, frozen_clock):
    """A stolen device cookie buys five guesses, not an unlimited run."""
    user = make.user(Role.VLO)
    owner = known_device(web, user)
    for _ in range(6):
        password(web(), user.email, WRONG, ATTACKER)  # the account is waiting
    for _ in range(5):
        assert password(owner, user.email, WRONG).status_code == 401
    assert password(owner, user.email, PASSWORD).status_code == 429


def test_a_device_cookie_lasts_ninety_days(web, make, frozen_clock):
    user = make.user(Role.VLO)
    owner = known_device(web, user)
    frozen_clock.advance(days=90, seconds=1)
    for _ in range(6):
        password(web(), user.email, WRONG, ATTACKER)
    assert password(owner, user.email, PASSWORD).status_code == 429


# -- per client address ------------------------------------------------------------------------


def test_one_address_is_limited_however_many_accounts_it_tries(web, make):
    browser = web()
    for number in range(20):
        assert password(browser, f"guess{number}@probation.example", WRONG, ATTACKER).status_code == 401
    user = make.user(Role.VLO)
    response = password(web(), user.email, PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    # Another address is not held up.
    assert password(web(), user.email, PASSWORD, OWNER).status_code == 302


def test_successful_sign_ins_do_not_use_the_address_budget(web, make, frozen_clock):
    for _ in range(25):
        browser = web()
        sign_in(browser, make.user(Role.VLO), OFFICE)
        frozen_clock.advance(seconds=30)


# -- security codes: a smaller budget ----------------------------------------------------------


def test_three_wrong_codes_are_free_then_the_next_waits(web, make, frozen_clock, database):
    user = make.user(Role.VLO)
    browser = web()
    assert password(browser, user.email, PASSWORD).status_code == 302
    for _ in range(3):
        response = code(browser, wrong_code(user))
        assert response.status_code == 401
        assert _escaped(WRONG_CODE) in response.get_data(as_text=True)
    response = code(browser, next_unused_code(user))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "30"
    assert failures(database, "code") == 3
    frozen_clock.advance(seconds=30)
    assert code(browser, next_unused_code(user)).status_code == 302


def test_wrong_codes_do_not_slow_down_passwords(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    password(browser, user.email, PASSWORD)
    for _ in range(4):
        code(browser, wrong_code(user))
    assert password(web(), user.email, PASSWORD).status_code == 302


def test_one_address_gets_five_wrong_codes_a_minute(web, make, frozen_clock):
    for _ in range(5):
        user = make.user(Role.VLO)
        browser = web()
        password(browser, user.email, PASSWORD, ATTACKER)
        assert code(browser, wrong_code(user), ATTACKER).status_code == 401
    user = make.user(Role.VLO)
    browser = web()
    password(browser, user.email, PASSWORD, ATTACKER)
    response = code(browser, next_unused_code(user), ATTACKER)
    assert response.status_code == 429


@pytest.mark.parametrize("setting", ["SIGN_IN_ADDRESS_LIMIT", "SECOND_FACTOR_ADDRESS_LIMIT"])
def test_the_address_limits_are_settings(app, setting):
    assert re.fullmatch(r"\d+ per \w+(; \d+ per \w+)*", app.config[setting])
