"""Signing in: the same answer whether or not an account exists, one-time codes that really
are one-time, enrolment, session limits, and CSRF. How guessing is slowed is
test_throttling.py; where `next` may lead is test_next_page.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from tests.conftest import next_unused_code
from tests.factories import PASSWORD
from tests.helpers import LAYOUT_CSRF, csrf_token, send
from victims.audit.models import AuditEvent
from victims.auth.models import UserSession
from victims.auth.views import WRONG_CODE, WRONG_CREDENTIALS
from victims.domain.vocabulary import Role


def _escaped(message: str) -> str:
    from markupsafe import escape

    return str(escape(message))


def _sign_in_form(browser, email: str, password: str, next_page: str | None = None):
    path = "/sign-in" + (f"?next={next_page}" if next_page else "")
    return send(
        browser, "post", path, data={"email": email, "password": password, "csrf_token": csrf_token(browser)}
    )


def _code_form(browser, code: str, path: str = "/sign-in/security-code"):
    return send(browser, "post", path, data={"code": code, "csrf_token": csrf_token(browser, path)})


def _errors(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+", " ", item).strip()
        for item in re.findall(r"govuk-error-message.*?</p>", html, re.S)
    ]


# -- passwords ---------------------------------------------------------------------------


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(web, make):
    user = make.user(Role.VLO)
    known = _sign_in_form(web(), user.email, "not-the-password")
    unknown = _sign_in_form(web(), "nobody@probation.example", "not-the-password")
    assert known.status_code == unknown.status_code == 401
    known_html, unknown_html = known.get_data(as_text=True), unknown.get_data(as_text=True)
    assert _escaped(WRONG_CREDENTIALS) in known_html
    assert _errors(known_html) == _errors(unknown_html)
    # Apart from the email typed back into the form and the CSRF token, the pages are identical.
    strip = re.compile(r'(value|nonce)="[^"]*"')
    assert strip.sub("", known_html).replace(user.email, "") == strip.sub("", unknown_html).replace(
        "nobody@probation.example", ""
    )


def test_the_right_password_leads_to_the_security_code_not_into_the_service(web, make):
    user = make.user(Role.VLO)
    browser = web()
    response = _sign_in_form(browser, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/security-code"
    # Half signed in is not signed in.
    assert send(browser, "get", "/cases/mine").status_code == 302


def test_a_deactivated_user_cannot_sign_in_and_is_told_nothing_more(web, make):
    user = make.user(Role.VLO, active=False)
    response = _sign_in_form(web(), user.email, PASSWORD)
    assert response.status_code == 401
    assert _escaped(WRONG_CREDENTIALS) in response.get_data(as_text=True)


# -- the second factor -------------------------------------------------------------------


def test_a_security_code_cannot_be_used_twice(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    assert _sign_in_form(browser, user.email, PASSWORD).status_code == 302
    code = next_unused_code(user)
    response = _code_form(browser, code)
    assert response.status_code == 302
    assert send(browser, "get", "/cases/mine").status_code == 200
    assert send(browser, "get", "/sign-out").status_code == 302
    assert send(browser, "get", "/cases/mine").status_code == 302

    # Same password, same code, same 30 seconds: refused.
    assert _sign_in_form(browser, user.email, PASSWORD).status_code == 302
    response = _code_form(browser, code)
    assert response.status_code == 401
    assert _escaped(WRONG_CODE) in response.get_data(as_text=True)
    assert send(browser, "get", "/cases/mine").status_code == 302
    # The next step's code is still accepted, so the refusal was about reuse.
    frozen_clock.advance(seconds=30)
    assert _code_form(browser, next_unused_code(user)).status_code == 302


def test_a_code_from_two_minutes_ago_is_refused(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    _sign_in_form(browser, user.email, PASSWORD)
    old = pyotp.TOTP(user.totp_secret).at(frozen_clock.now.timestamp() - 120)
    assert _code_form(browser, old).status_code == 401


def test_the_half_signed_in_state_expires(web, make, frozen_clock):
    user = make.user(Role.VLO)
    browser = web()
    _sign_in_form(browser, user.email, PASSWORD)
    frozen_clock.advance(minutes=6)
    response = send(browser, "get", "/sign-in/security-code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"


def test_first_sign_in_enrols_the_second_factor(web, make, database, frozen_clock):
    user = make.user(Role.VLO, enrolled=False)
    browser = web()
    response = _sign_in_form(browser, user.email, PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/set-up-security-code"
    # The code page sends an unenrolled user back to set up.
    assert (
        send(browser, "get", "/sign-in/security-code").headers["Location"] == "/sign-in/set-up-security-code"
    )

    page = send(browser, "get", "/sign-in/set-up-security-code")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<path" in html
    database.session.refresh(user)
    assert user.totp_secret and not user.totp_confirmed
    assert user.totp_secret in html  # the key, for typing in by hand

    wrong = _code_form(browser, "12345", "/sign-in/set-up-security-code")
    assert wrong.status_code == 401
    database.session.refresh(user)
    assert not user.totp_confirmed

    response = _code_form(browser, next_unused_code(user), "/sign-in/set-up-security-code")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert send(browser, "get", "/cases/mine").status_code == 200
    database.session.refresh(user)
    assert user.totp_confirmed
    actions = database.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == user.id)).all()
    assert {"second_factor_enrolled", "signed_in"} <= set(actions)


# -- sessions ----------------------------------------------------------------------------


def test_idle_for_30_minutes_signs_you_out(web, make, frozen_clock):
    browser = web(make.user(Role.VLO))
    frozen_clock.advance(minutes=29)
    assert send(browser, "get", "/cases/mine").status_code == 200
    frozen_clock.advance(minutes=30)
    response = send(browser, "get", "/cases/mine")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signed-out?reason=idle"
    page = send(browser, "get", "/signed-out?reason=idle").get_data(as_text=True)
    assert "30 minutes" in page
    # The session is over for good, not just for one request.
    assert send(browser, "get", "/cases/mine").status_code == 302


def test_activity_keeps_the_session_alive_up_to_twelve_hours(web, make, frozen_clock, database):
    user = make.user(Role.VLO)
    browser = web(user)
    signed_in_at = frozen_clock.now
    # A page every 29 minutes keeps the session alive, hour after hour...
    while frozen_clock.now + timedelta(minutes=29) < signed_in_at + timedelta(hours=12):
        frozen_clock.advance(minutes=29)
        assert send(browser, "get", "/cases/mine").status_code == 200
    # ...up to one second before 12 hours, and not a second longer.
    frozen_clock.set(signed_in_at + timedelta(hours=12) - timedelta(seconds=1))
    assert send(browser, "get", "/cases/mine").status_code == 200
    frozen_clock.advance(seconds=1)
    response = send(browser, "get", "/cases/mine")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signed-out?reason=absolute"
    assert "12 hours" in send(browser, "get", "/signed-out?reason=absolute").get_data(as_text=True)
    record = database.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    database.session.refresh(record)
    assert record.ended_at is not None and record.end_reason == "absolute"


def test_extending_the_session_by_json(web, make, frozen_clock):
    browser = web(make.user(Role.VLO))
    page = send(browser, "get", "/cases/mine").get_data(as_text=True)
    token = LAYOUT_CSRF.search(page).group(1)
    frozen_clock.advance(minutes=25)
    response = send(
        browser,
        "post",
        "/session/extend",
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json()["last_seen_at"].startswith(frozen_clock.now.isoformat()[:19])
    # 25 + 25 minutes since the page, but only 25 since the extension: still signed in.
    frozen_clock.advance(minutes=25)
    assert send(browser, "get", "/cases/mine").status_code == 200


def test_extending_the_session_needs_a_session_and_a_token(web, make):
    assert send(web(), "post", "/session/extend", headers={"Accept": "application/json"}).status_code == 400
    browser = web(make.user(Role.VLO))
    assert send(browser, "post", "/session/extend", headers={"Accept": "application/json"}).status_code == 400


def test_a_deactivated_users_session_is_ended(web, make, database):
    user = make.user(Role.VLO)
    browser = web(user)
    assert send(browser, "get", "/cases/mine").status_code == 200
    database.session.refresh(user)  # signing in moved its version on
    user.active = False
    database.session.flush()
    response = send(browser, "get", "/cases/mine")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signed-out?reason=revoked"
    database.session.expire_all()
    record = database.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert record.ended_at is not None
    assert record.end_reason == "deactivated"
    # Reactivating does not bring the old session back.
    user.active = True
    database.session.flush()
    assert send(browser, "get", "/cases/mine").status_code == 302


def test_signing_out_ends_the_server_side_session(web, make, database):
    user = make.user(Role.VLO)
    browser = web(user)
    with browser.client.session_transaction() as session:
        stolen = dict(session)
    assert send(browser, "get", "/sign-out").headers["Location"] == "/signed-out"
    # A copy of the old cookie is no use after sign-out.
    thief = web()
    with thief.client.session_transaction() as session:
        session.update(stolen)
    response = send(thief, "get", "/cases/mine")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signed-out?reason=revoked"


def test_the_session_cookie_holds_no_identity_only_a_token(web, make, database):
    user = make.user(Role.VLO)
    browser = web(user)
    with browser.client.session_transaction() as session:
        assert set(session) <= {"sid", "_permanent", "csrf_token", "_fresh", "_flashes"}
        token = session["sid"]
    record = database.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert token not in record.token_hash and len(record.token_hash) == 64


# -- forgery (where `next` may lead: test_next_page.py) -----------------------------------------


def test_a_post_without_a_csrf_token_is_refused(web, make, database):
    user = make.user(Role.VLO)
    case = make.case(vlo=user)
    browser = web(user)
    response = send(browser, "post", f"/cases/{case.id}/contacts/new", data={"summary": "Forged"})
    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)
    response = send(
        browser, "post", f"/cases/{case.id}/contacts/new", data={"summary": "Forged", "csrf_token": "x"}
    )
    assert response.status_code == 400


def test_the_sign_in_form_needs_a_csrf_token_too(web, make):
    user = make.user(Role.VLO)
    response = send(web(), "post", "/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


def test_the_csrf_token_of_one_session_does_not_work_in_another(web, make):
    alice, bob = web(make.user(Role.VLO)), web(make.user(Role.VLO))
    token = LAYOUT_CSRF.search(send(alice, "get", "/cases/mine").get_data(as_text=True)).group(1)
    response = send(
        bob, "post", "/session/extend", headers={"Accept": "application/json", "X-CSRFToken": token}
    )
    assert response.status_code == 400
