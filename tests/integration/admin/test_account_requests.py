"""No administrator can take over an account alone.

An administrator used to set a VLO's password, reset their second factor, sign in as them and
reveal addresses recorded against the VLO. Now a temporary password or a security-code reset
is asked for by one administrator, with a reason, and approved by a different one (never the
user it is about); both are in the audit trail; a request can be cancelled and expires; the
user is told by email. The temporary password is made by the service and shown once, to the
approver, so the administrator who asked never learns it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import next_unused_code
from tests.factories import PASSWORD
from tests.helpers import csrf_token, post_with_token, send
from victims.admin.models import AccountRequest
from victims.audit.models import AuditEvent
from victims.auth.models import UserSession
from victims.auth.services import verify_password
from victims.domain.accounts import AccountChange, RequestStatus
from victims.domain.vocabulary import Role
from victims.notify.models import OutboxEmail
from victims.staff.models import User

REASON = "Lost phone; checked by calling back on the office number"
TEMPORARY = re.compile(r'data-temporary-password="([a-z]{4}(?:-[a-z]{4}){3})"')


@pytest.fixture()
def region(make):
    return make.region("east_of_england")


@pytest.fixture()
def asker(make, region):
    return make.user(Role.ADMIN, region=region, name="Ada Asker")


@pytest.fixture()
def approver(make, region):
    return make.user(Role.ADMIN, region=region, name="Bea Approver")


@pytest.fixture()
def vlo(make, region):
    return make.user(Role.VLO, make.team(region), name="Val Officer")


def reload(database, user: User) -> User:
    database.session.expire_all()
    return database.session.get(User, user.id)


def requests_for(database, user: User) -> list[AccountRequest]:
    database.session.expire_all()
    return list(database.session.scalars(select(AccountRequest).where(AccountRequest.user_id == user.id)))


def events(database, action: str) -> list[AuditEvent]:
    database.session.expire_all()
    return list(database.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def emails_to(database, address: str) -> list[OutboxEmail]:
    database.session.expire_all()
    return list(database.session.scalars(select(OutboxEmail).where(OutboxEmail.email_address == address)))


def live_sessions(database, user: User) -> int:
    database.session.expire_all()
    statement = select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    return len(database.session.scalars(statement).all())


def ask(browser, user: User, change: str, reason: str = REASON, status: int = 302):
    return browser.post(f"/admin/users/{user.id}/{change}", {"reason": reason}, status=status)


def only_request(database, user: User) -> AccountRequest:
    [request] = requests_for(database, user)
    return request


def approve(browser, request: AccountRequest, status: int | None = None):
    # The session's token from any signed-in page: the request's own page may offer no button.
    response = post_with_token(
        browser, f"/admin/account-requests/{request.id}/approve", from_page="/admin/users"
    )
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response


def sign_in_with(web, user: User, password: str):
    """Password and, where set up, the security code; returns the browser and the last answer."""
    browser = web()
    response = send(
        browser,
        "post",
        "/sign-in",
        data={"email": user.email, "password": password, "csrf_token": csrf_token(browser)},
    )
    return browser, response


# -- one administrator alone changes nothing ----------------------------------------------------


@pytest.mark.parametrize("change", ["temporary-password", "reset-second-factor"])
def test_one_administrator_alone_only_asks(web, database, asker, vlo, change):
    their_browser = web(vlo)
    browser = web(asker)
    assert "Another administrator must approve this" in browser.get(f"/admin/users/{vlo.id}/{change}")

    ask(browser, vlo, change)

    untouched = reload(database, vlo)
    assert untouched.totp_confirmed and untouched.totp_secret
    assert verify_password(untouched, PASSWORD)
    assert not untouched.password_must_change
    assert live_sessions(database, vlo) == 1
    assert send(their_browser, "get", "/cases/mine").status_code == 200
    request = only_request(database, vlo)
    assert request.status == RequestStatus.PENDING
    assert request.requested_by_id == asker.id
    assert request.reason == REASON
    [event] = events(database, "account_change_requested")
    assert event.user_id == asker.id and event.record_id == vlo.id
    assert event.details["request_id"] == request.id
    assert event.reason == REASON
    # The asker is told it waits for someone else, and cannot approve it.
    page = browser.get(f"/admin/account-requests/{request.id}")
    assert "another administrator must approve it" in page
    response = approve(browser, request, status=400)
    assert "another administrator must approve it" in response.get_data(as_text=True)
    assert reload(database, vlo).totp_confirmed


def test_a_reason_is_required(web, database, asker, vlo):
    response = ask(web(asker), vlo, "reset-second-factor", reason="  ", status=200)
    assert "Give a reason" in response.get_data(as_text=True)
    assert requests_for(database, vlo) == []


def test_one_request_of_a_kind_waits_at_a_time(web, database, asker, approver, vlo):
    ask(web(asker), vlo, "reset-second-factor")
    response = ask(web(approver), vlo, "reset-second-factor", status=200)
    assert "already waiting for approval" in response.get_data(as_text=True)
    ask(web(approver), vlo, "temporary-password")
    assert len(requests_for(database, vlo)) == 2


# -- a second administrator approves -------------------------------------------------------------


def test_a_second_administrator_approves_a_security_code_reset(web, database, asker, approver, vlo):
    their_browser = web(vlo)
    ask(web(asker), vlo, "reset-second-factor")
    request = only_request(database, vlo)
    browser = web(approver)
    page = browser.get(f"/admin/account-requests/{request.id}")
    assert "Ada Asker" in page and REASON in page

    approve(browser, request, status=302)

    reset = reload(database, vlo)
    assert reset.totp_secret is None and not reset.totp_confirmed
    assert live_sessions(database, vlo) == 0
    assert send(their_browser, "get", "/").headers["Location"] == "/signed-out?reason=revoked"
    approved = only_request(database, vlo)
    assert approved.status == RequestStatus.APPROVED
    assert approved.decided_by_id == approver.id
    [event] = events(database, "second_factor_reset")
    assert event.user_id == approver.id and event.record_id == vlo.id
    assert event.details["requested_by_id"] == asker.id
    assert event.details["approved_by_id"] == approver.id
    assert event.details["request_id"] == request.id
    # The user signs in and sets up a new security code.
    _, response = sign_in_with(web, vlo, PASSWORD)
    assert response.headers["Location"] == "/sign-in/set-up-security-code"


def test_the_user_is_told_by_email_and_it_names_no_victim(web, make, database, asker, approver, vlo):
    case = make.case(vlo=vlo, offender_last_name="Offenderson")
    person = make.person(case, first_name="Vita", last_name="Victimson")
    ask(web(asker), vlo, "reset-second-factor")
    approve(web(approver), only_request(database, vlo), status=302)

    [email] = emails_to(database, vlo.email)
    assert "security code" in email.subject.lower()
    assert "Val Officer" in email.body
    assert "Ada Asker" in email.body and "Bea Approver" in email.body
    assert "If you did not ask for this" in email.body
    for secret in (person.first_name, person.last_name, "Offenderson"):
        assert secret not in email.subject + email.body


def test_a_temporary_password_is_shown_once_to_the_approver_only(web, database, asker, approver, vlo):
    asking = web(asker)
    ask(asking, vlo, "temporary-password")
    request = only_request(database, vlo)
    approving = web(approver)

    page = approve(approving, request, status=200).get_data(as_text=True)

    temporary = TEMPORARY.search(page).group(1)
    changed = reload(database, vlo)
    assert verify_password(changed, temporary)
    assert not verify_password(changed, PASSWORD)
    assert changed.password_must_change
    assert changed.password_expires_at is not None
    assert live_sessions(database, vlo) == 0
    # Nowhere else: not on the request's page, the user's page, the trail, or the email.
    for browser in (asking, approving):
        for path in (f"/admin/account-requests/{request.id}", f"/admin/users/{vlo.id}", "/admin/users"):
            assert temporary not in browser.get(path)
    [event] = events(database, "password_reset")
    assert temporary not in str(event.details)
    assert event.details["requested_by_id"] == asker.id
    [email] = emails_to(database, vlo.email)
    assert temporary not in email.body
    assert "temporary password" in email.body
    # Approving again does nothing more.
    response = approve(approving, request, status=400)
    assert "already been approved" in response.get_data(as_text=True)
    assert verify_password(reload(database, vlo), temporary)


def test_the_user_themselves_cannot_approve_a_request_about_their_account(web, make, database, asker, region):
    other_admin = make.user(Role.ADMIN, region=region)
    ask(web(asker), other_admin, "temporary-password")
    response = approve(web(other_admin), only_request(database, other_admin), status=400)
    assert "your own account" in response.get_data(as_text=True)
    assert verify_password(reload(database, other_admin), PASSWORD)


def test_nobody_asks_for_their_own_account(web, database, asker):
    response = ask(web(asker), asker, "temporary-password", status=200)
    assert "your own account" in response.get_data(as_text=True)
    assert requests_for(database, asker) == []


def test_administrators_accounts_need_a_second_administrator_too(
    web, make, database, asker, approver, region
):
    """Otherwise one administrator could take over a second administrator's account alone and
    then approve their own requests as that administrator."""
    third = make.user(Role.ADMIN, region=region)
    ask(web(asker), third, "reset-second-factor")
    assert reload(database, third).totp_confirmed
    approve(web(approver), only_request(database, third), status=302)
    assert not reload(database, third).totp_confirmed


def test_the_database_refuses_an_approval_by_the_administrator_who_asked(web, database, asker, vlo):
    ask(web(asker), vlo, "reset-second-factor")
    request = only_request(database, vlo)
    with pytest.raises(IntegrityError, match="four_eyes"), database.session.begin_nested():
        database.session.execute(
            text(
                "UPDATE account_requests SET status = 'approved', decided_by_id = requested_by_id"
                " WHERE id = :id"
            ),
            {"id": request.id},
        )


# -- cancelled and expired requests ------------------------------------------------------------


@pytest.mark.parametrize("who", ["asker", "approver"])
def test_a_request_can_be_cancelled(web, database, asker, approver, vlo, who):
    ask(web(asker), vlo, "reset-second-factor")
    request = only_request(database, vlo)
    canceller = asker if who == "asker" else approver
    path = f"/admin/account-requests/{request.id}"
    web(canceller).post(f"{path}/cancel", status=302, form_path=path)

    cancelled = only_request(database, vlo)
    assert cancelled.status == RequestStatus.CANCELLED
    assert cancelled.decided_by_id == canceller.id
    [event] = events(database, "account_change_cancelled")
    assert event.user_id == canceller.id
    response = approve(web(approver), request, status=400)
    assert "was cancelled" in response.get_data(as_text=True)
    assert reload(database, vlo).totp_confirmed
    assert emails_to(database, vlo.email) == []


def test_a_request_expires_after_a_day(web, database, asker, approver, vlo, frozen_clock):
    ask(web(asker), vlo, "temporary-password")
    request = only_request(database, vlo)
    frozen_clock.advance(hours=24)
    browser = web(approver)
    assert "Expired" in browser.get(f"/admin/account-requests/{request.id}")
    response = approve(browser, request, status=400)
    assert "expired" in response.get_data(as_text=True)
    assert verify_password(reload(database, vlo), PASSWORD)
    # A new request can be made once the old one has expired.
    ask(web(asker), vlo, "temporary-password")
    assert len(requests_for(database, vlo)) == 2


def test_waiting_requests_are_listed_for_the_other_administrators(web, make, database, asker, approver, vlo):
    ask(web(asker), vlo, "reset-second-factor")
    page = web(approver).get("/admin/account-requests")
    assert "Val Officer" in page and "Security code reset" in page and "Ada Asker" in page
    assert "1 request waiting" in web(approver).get("/admin/users")


# -- scope -----------------------------------------------------------------------------------------


def test_another_regions_requests_are_not_found(web, make, database, asker, vlo):
    ask(web(asker), vlo, "reset-second-factor")
    request = only_request(database, vlo)
    london_admin = make.user(Role.ADMIN, region=make.region("london"))
    browser = web(london_admin)
    browser.get(f"/admin/account-requests/{request.id}", status=404)
    approve(browser, request, status=404)
    assert "Val Officer" not in browser.get("/admin/account-requests")
    assert reload(database, vlo).totp_confirmed


def test_a_regional_administrator_cannot_approve_for_a_national_account(web, make, database, region):
    national_admin = make.user(Role.ADMIN, region=region, national=True)
    regional = make.user(Role.ADMIN, region=region)
    national_manager = make.user(Role.MANAGER, region=region, national=True)
    ask(web(national_admin), national_manager, "reset-second-factor")
    request = only_request(database, national_manager)
    approve(web(regional), request, status=403)
    assert reload(database, national_manager).totp_confirmed


# -- the takeover, end to end ----------------------------------------------------------------------


def test_an_administrator_alone_cannot_sign_in_as_a_vlo(web, make, database, asker, vlo):
    case = make.case(vlo=vlo)
    browser = web(asker)
    ask(browser, vlo, "temporary-password")
    ask(browser, vlo, "reset-second-factor")
    # Neither has happened: the asker knows no password of the VLO's, and the VLO's own
    # security code is still needed.
    _, response = sign_in_with(web, vlo, "anything the asker might guess")
    assert response.status_code == 401
    assert reload(database, vlo).totp_confirmed
    # Administrators still see no casework.
    assert send(browser, "get", f"/cases/{case.id}").status_code == 403


def test_after_approval_the_vlo_signs_in_and_must_choose_a_password(web, database, asker, approver, vlo):
    ask(web(asker), vlo, "temporary-password")
    page = approve(web(approver), only_request(database, vlo), status=200).get_data(as_text=True)
    temporary = TEMPORARY.search(page).group(1)

    browser, response = sign_in_with(web, vlo, temporary)
    assert response.status_code == 302
    code_page = "/sign-in/security-code"
    response = send(
        browser,
        "post",
        code_page,
        data={"code": next_unused_code(vlo), "csrf_token": csrf_token(browser, code_page)},
    )
    assert response.status_code == 302
    assert send(browser, "get", "/cases/mine").headers["Location"] == "/account/password"


def test_no_approval_is_needed_to_ask_twice_for_different_users(web, make, database, asker, region):
    first, second = make.user(Role.VLO, region=region), make.user(Role.SPO, region=region)
    ask(web(asker), first, "reset-second-factor")
    ask(web(asker), second, "reset-second-factor")
    assert {request.change for request in requests_for(database, first) + requests_for(database, second)} == {
        AccountChange.SECOND_FACTOR_RESET
    }


def test_requests_expire_after_the_setting(app, web, database, asker, vlo, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_REQUEST_HOURS", 2)
    ask(web(asker), vlo, "reset-second-factor")
    assert only_request(database, vlo).expires_at == frozen_clock.now + timedelta(hours=2)


# -- through GOV.UK Notify ----------------------------------------------------------------------


def test_the_email_goes_through_notify_with_the_account_template(
    web, database, asker, approver, vlo, fake_notify
):
    from tests.fakes.notify import ACCOUNT_TEMPLATE_ID

    ask(web(asker), vlo, "reset-second-factor")
    approve(web(approver), only_request(database, vlo), status=302)

    [sent] = fake_notify.sent_to(vlo.email)
    assert sent["template_id"] == ACCOUNT_TEMPLATE_ID
    assert sent["personalisation"]["name"] == "Val Officer"
    assert sent["reference"] == f"account-request-{only_request(database, vlo).id}"


def test_notify_being_down_does_not_undo_the_change_and_the_approver_is_told(
    web, database, asker, approver, vlo, fake_notify
):
    fake_notify.fail_next(1, status=500)
    ask(web(asker), vlo, "temporary-password")
    page = approve(web(approver), only_request(database, vlo), status=200).get_data(as_text=True)

    assert TEMPORARY.search(page)
    assert "We could not email Val Officer" in page
    assert reload(database, vlo).password_must_change
    [event] = events(database, "account_email_failed")
    assert event.user_id == approver.id and event.record_id == vlo.id
