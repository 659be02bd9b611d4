"""Four eyes on sign-in resets: one administrator asks, another approves; temporary passwords."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from victims.domain.accounts import (
    RequestStatus,
    approval_refused,
    cancellation_refused,
    password_expired,
    request_refused,
    temporary_password,
)
from victims.domain.passwords import password_problems

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
ASKER, APPROVER, USER = 1, 2, 3


@pytest.mark.parametrize(
    ("approver", "status", "expires_at", "refused"),
    [
        (APPROVER, RequestStatus.PENDING, LATER, None),
        (ASKER, RequestStatus.PENDING, LATER, "You asked for this, so another administrator must approve it"),
        (USER, RequestStatus.PENDING, LATER, "This request is about your own account"),
        (APPROVER, RequestStatus.PENDING, NOW, "This request has expired"),
        (APPROVER, RequestStatus.PENDING, NOW - timedelta(days=3), "This request has expired"),
        (APPROVER, RequestStatus.APPROVED, LATER, "already been approved"),
        (APPROVER, RequestStatus.CANCELLED, LATER, "was cancelled"),
        # The state of the request is said first: asking again is the answer either way.
        (ASKER, RequestStatus.CANCELLED, LATER, "was cancelled"),
    ],
)
def test_who_may_approve(approver, status, expires_at, refused):
    answer = approval_refused(
        approver_id=approver, requester_id=ASKER, user_id=USER, status=status, expires_at=expires_at, now=NOW
    )
    if refused is None:
        assert answer is None
    else:
        assert answer is not None and refused in answer


def test_nobody_asks_for_a_change_to_their_own_account():
    assert request_refused(admin_id=USER, user_id=USER) is not None
    assert request_refused(admin_id=ASKER, user_id=USER) is None


@pytest.mark.parametrize(
    ("status", "expires_at", "allowed"),
    [
        (RequestStatus.PENDING, LATER, True),
        (RequestStatus.PENDING, NOW, False),
        (RequestStatus.APPROVED, LATER, False),
        (RequestStatus.CANCELLED, LATER, False),
    ],
)
def test_only_a_waiting_request_can_be_cancelled(status, expires_at, allowed):
    assert (cancellation_refused(status=status, expires_at=expires_at, now=NOW) is None) is allowed


def test_a_temporary_password_is_easy_to_read_out_and_passes_the_policy():
    seen = set()
    for _ in range(200):
        password = temporary_password()
        assert re.fullmatch(r"[a-z]{4}(-[a-z]{4}){3}", password)
        assert not set(password) & set("ilo")  # nothing to mistake for 1 or 0
        assert password_problems(password, frozenset()) == []
        seen.add(password)
    assert len(seen) == 200


@pytest.mark.parametrize(
    ("expires_at", "expired"),
    [(None, False), (LATER, False), (NOW, True), (NOW - timedelta(seconds=1), True)],
)
def test_a_password_expires_only_when_it_has_an_expiry(expires_at, expired):
    assert password_expired(expires_at, NOW) is expired
