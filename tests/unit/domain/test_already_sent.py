"""What Notify holds under a row's reference counts as sent only if it is that row's email or
letter: the same kind, recipient and content, and not made before the row was ready to go."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from victims.domain.already_sent import (
    NOT_READ,
    AtNotify,
    EmailToSend,
    LetterToSend,
    Match,
    Verdict,
    judge,
)

READY = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LATER = READY + timedelta(minutes=5)

EMAIL = EmailToSend(
    email_address="vera.liaison@probation.example",
    subject="Due today: Make initial contact – case 12",
    body="Dear Vera Liaison,\n\nThis is a reminder about one of your tasks.\n",
    ready_at=READY,
)
SENT_EMAIL = AtNotify(
    notification_id="n-1",
    kind="email",
    created_at=LATER,
    email_address="vera.liaison@probation.example",
    subject=EMAIL.subject,
    body=EMAIL.body,
)

LETTER = LetterToSend(
    address_lines=("Jane Sample", "12 High Street", "Bedford", "MK40 1AA"),
    postage="second",
    pdf=b"%PDF-1.7 the letter",
    ready_at=READY,
)
POSTED = AtNotify(
    notification_id="n-2",
    kind="letter",
    created_at=LATER,
    postage="second",
    address_lines=("JANE SAMPLE", "12 High Street,", "Bedford", "MK401AA"),
)


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (SENT_EMAIL, Verdict(Match.SAME, "n-1")),
        # Notify trims the body and may fold white space; an address is the same in any case.
        (
            replace(SENT_EMAIL, body=EMAIL.body.strip(), email_address="Vera.Liaison@probation.example"),
            Verdict(Match.SAME, "n-1"),
        ),
        (replace(SENT_EMAIL, created_at=None), Verdict(Match.SAME, "n-1")),
        # Within Notify's 30 seconds of clock difference.
        (replace(SENT_EMAIL, created_at=READY - timedelta(seconds=20)), Verdict(Match.SAME, "n-1")),
        (
            replace(SENT_EMAIL, email_address="someone.else@probation.example"),
            Verdict(Match.DIFFERENT, differences=("to another email address",)),
        ),
        (
            replace(SENT_EMAIL, subject="Due soon: Make initial contact – case 12"),
            Verdict(Match.DIFFERENT, differences=("with another subject",)),
        ),
        (
            replace(SENT_EMAIL, body="Dear Vera Liaison,\n\nAnother task.\n"),
            Verdict(Match.DIFFERENT, differences=("with other text",)),
        ),
        (replace(SENT_EMAIL, body=None), Verdict(Match.DIFFERENT, differences=("with other text",))),
        (
            replace(SENT_EMAIL, created_at=READY - timedelta(days=3)),
            Verdict(Match.DIFFERENT, differences=("sent before this one was ready to go",)),
        ),
        (POSTED, Verdict(Match.DIFFERENT, differences=("it is a letter, not an email",))),
    ],
)
def test_an_email(found, expected):
    assert judge([found], EMAIL) == expected


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (POSTED, Verdict(Match.SAME, "n-2")),
        (replace(POSTED, postage=None), Verdict(Match.SAME, "n-2")),
        (
            replace(POSTED, address_lines=("Jane Sample", "14 High Street", "Bedford", "MK40 1AA")),
            Verdict(Match.DIFFERENT, differences=("to another address",)),
        ),
        (
            replace(POSTED, address_lines=("John Other", "12 High Street", "Bedford", "MK40 1AA")),
            Verdict(Match.DIFFERENT, differences=("to another address",)),
        ),
        (replace(POSTED, postage="first"), Verdict(Match.DIFFERENT, differences=("with other postage",))),
        (
            replace(POSTED, created_at=READY - timedelta(hours=1)),
            Verdict(Match.DIFFERENT, differences=("sent before this one was ready to go",)),
        ),
        # Notify has not read the address yet: neither sent nor another's, until it has.
        (replace(POSTED, address_lines=(NOT_READ,)), Verdict(Match.NOT_READ_YET)),
        (replace(POSTED, address_lines=()), Verdict(Match.NOT_READ_YET)),
        # ...but what it can already tell is enough to know it is not this one.
        (
            replace(POSTED, address_lines=(NOT_READ,), postage="first"),
            Verdict(Match.DIFFERENT, differences=("with other postage",)),
        ),
        # The development outbox keeps the PDF: compared whole.
        (replace(POSTED, address_lines=(), pdf=LETTER.pdf), Verdict(Match.SAME, "n-2")),
        (
            replace(POSTED, address_lines=(), pdf=b"%PDF-1.7 another letter"),
            Verdict(Match.DIFFERENT, differences=("with another PDF",)),
        ),
        (SENT_EMAIL, Verdict(Match.DIFFERENT, differences=("it is an email, not a letter",))),
    ],
)
def test_a_letter(found, expected):
    assert judge([found], LETTER) == expected


def test_nothing_found_is_nothing_to_judge():
    assert judge([], EMAIL) is None


def test_among_several_finds_the_rows_own_counts():
    """A restored database's reference can be Notify's for several sends: one of them is this row's."""
    other = replace(SENT_EMAIL, notification_id="n-0", email_address="someone.else@probation.example")
    assert judge([other, SENT_EMAIL], EMAIL) == Verdict(Match.SAME, "n-1")


def test_a_letter_not_read_yet_is_waited_for_before_the_others_are_judged():
    other = replace(POSTED, notification_id="n-0", address_lines=("John Other", "1 Road", "Town", "AB1 2CD"))
    unread = replace(POSTED, address_lines=(NOT_READ,))
    assert judge([other, unread], LETTER) == Verdict(Match.NOT_READ_YET)


def test_when_none_is_the_rows_every_difference_is_named_once():
    found = [
        replace(SENT_EMAIL, email_address="a@example.com"),
        replace(SENT_EMAIL, email_address="b@example.com", body="Other"),
    ]
    assert judge(found, EMAIL) == Verdict(
        Match.DIFFERENT, differences=("to another email address", "with other text")
    )
