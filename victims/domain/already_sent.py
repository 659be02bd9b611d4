"""Is what GOV.UK Notify holds under a reference the very email or letter this row would send?

Every sendable row has a reference of its own, random and made with the row, so normally Notify
holds under it only what an earlier attempt at the same row sent: a sender that died after Notify
took the email, before it could record it. That must count as sent, or the victim gets it twice.

But a reference can also be found that is not this row's: rows made before references were
random carry `letter-<id>` and `reminder-<id>`, which a database restored from a backup, or a
second database on the same Notify service, gives to other rows too. Counting such a find as
sent records a letter as gone that never went. So a find counts as this row's only if it is the
same kind, to the same recipient, with the same content, and was not made before the row was
ready to go; otherwise nothing is sent and nothing is recorded as sent, and a person must look.

What can be compared is what Notify's API gives back about a notification: for an email, its
address, subject and body (filled in from the live template, which must match our copy); for a
precompiled letter, its postage and the address Notify read from the PDF's address block, once
it has read it (until then the first line is "Provided as PDF"). Notify does not give back a
letter's text; the time it took the letter stands in for it (a letter Notify had before this one
was approved cannot be this one). The development outbox keeps the PDF itself, compared whole.

The words of `differences` are shown to staff: they say what differs, never the values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# Notify's first address line for a precompiled letter until it has read the PDF.
NOT_READ = "Provided as PDF"
# Notify refuses requests signed more than 30 seconds away from its own clock, so a service that
# can send agrees with Notify's clock to within that.
CLOCK_SLACK = timedelta(seconds=30)


@dataclass(frozen=True)
class AtNotify:
    """A notification Notify holds under a reference, as its API describes it."""

    notification_id: str
    kind: str  # "email" or "letter"
    created_at: datetime | None = None
    email_address: str | None = None
    subject: str | None = None
    body: str | None = None
    postage: str | None = None
    address_lines: tuple[str, ...] = ()  # as Notify read them from the PDF; empty if not yet
    pdf: bytes | None = None  # the development outbox keeps the PDF itself


@dataclass(frozen=True)
class EmailToSend:
    email_address: str
    subject: str
    body: str
    ready_at: datetime  # when the row was made (or approved): nothing of it could go before


@dataclass(frozen=True)
class LetterToSend:
    address_lines: tuple[str, ...]  # the address block as printed, the name first
    postage: str
    pdf: bytes
    ready_at: datetime


class Match(StrEnum):
    SAME = "same"  # it is this row's: count it as sent
    DIFFERENT = "different"  # it is something else's: send nothing, hold the row for a person
    NOT_READ_YET = "not_read_yet"  # a letter whose address Notify has not read yet: look again later


@dataclass(frozen=True)
class Verdict:
    match: Match
    notification_id: str | None = None  # the notification that is this row's (SAME)
    differences: tuple[str, ...] = ()  # what differs (DIFFERENT), in words for staff


def _text(value: str | None) -> str:
    """Text as compared: runs of white space are one space, none at the ends (Notify trims)."""
    return " ".join((value or "").split())


def _address(lines: Sequence[str]) -> str:
    """An address as compared: its letters and digits, in any case. Notify rewrites a postcode
    (capitals, one space) and drops punctuation at the ends of lines; neither makes it another
    address."""
    return "".join(character for character in " ".join(lines).casefold() if character.isalnum())


def _too_early(found: AtNotify, ready_at: datetime) -> bool:
    return found.created_at is not None and found.created_at < ready_at - CLOCK_SLACK


def compare_email(found: AtNotify, email: EmailToSend) -> Verdict:
    if found.kind != "email":
        return Verdict(Match.DIFFERENT, differences=(f"it is a {found.kind}, not an email",))
    differences = []
    if (found.email_address or "").strip().casefold() != email.email_address.strip().casefold():
        differences.append("to another email address")
    if _text(found.subject) != _text(email.subject):
        differences.append("with another subject")
    if _text(found.body) != _text(email.body):
        differences.append("with other text")
    if _too_early(found, email.ready_at):
        differences.append("sent before this one was ready to go")
    if differences:
        return Verdict(Match.DIFFERENT, differences=tuple(differences))
    return Verdict(Match.SAME, notification_id=found.notification_id)


def compare_letter(found: AtNotify, letter: LetterToSend) -> Verdict:
    if found.kind != "letter":
        return Verdict(Match.DIFFERENT, differences=(f"it is an {found.kind}, not a letter",))
    differences = []
    if found.postage is not None and found.postage != letter.postage:
        differences.append("with other postage")
    if _too_early(found, letter.ready_at):
        differences.append("sent before this one was ready to go")
    not_read = found.pdf is None and (not found.address_lines or found.address_lines[0] == NOT_READ)
    if found.pdf is not None:
        if found.pdf != letter.pdf:
            differences.append("with another PDF")
    elif not not_read and _address(found.address_lines) != _address(letter.address_lines):
        differences.append("to another address")
    if differences:
        return Verdict(Match.DIFFERENT, differences=tuple(differences))
    if not_read:
        return Verdict(Match.NOT_READ_YET)
    return Verdict(Match.SAME, notification_id=found.notification_id)


def judge(found: Sequence[AtNotify], expected: EmailToSend | LetterToSend) -> Verdict | None:
    """What to make of everything Notify holds under the row's reference: None if nothing (send
    it); SAME if any of it is this row's; NOT_READ_YET if a letter might be once Notify has read
    its address; otherwise DIFFERENT, with every difference found."""
    if not found:
        return None
    verdicts = [
        compare_email(item, expected) if isinstance(expected, EmailToSend) else compare_letter(item, expected)
        for item in found
    ]
    for match in (Match.SAME, Match.NOT_READ_YET):
        for verdict in verdicts:
            if verdict.match is match:
                return verdict
    differences = dict.fromkeys(difference for verdict in verdicts for difference in verdict.differences)
    return Verdict(Match.DIFFERENT, differences=tuple(differences))
