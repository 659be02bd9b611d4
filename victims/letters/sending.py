"""Sending approved letters through GOV.UK Notify exactly once, and what happens after: the
delivery Notify reports, returned mail, and a victim flagged "contact lost".

`send` commits, like the reminder sender: its claim must be committed before Notify is called
(victims.notify.sending). It checks the letter again just before it calls Notify, so a letter
that no longer passes the quality check is never sent. A letter whose reference Notify already
has something else under is held for the team's SPO (`send_again` once they have checked).
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from victims import clock, jobs
from victims.audit import services as audit
from victims.cases.models import Case, ContactLogEntry
from victims.domain import already_sent
from victims.domain import deadlines as deadline_rules
from victims.domain import letters as rules
from victims.domain.already_sent import EmailToSend, LetterToSend, Match
from victims.domain.evidence import ContactOutcome, Evidence, EvidenceKind
from victims.domain.letters import CONTACT_LOST_DELIVERY, DeliveryStatus, LetterStatus, LetterType
from victims.domain.vocabulary import CaseStatus, Direction
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.letters.models import Letter
from victims.letters.services import (
    NO_HEADING,
    check_letter,
    fill_values,
    passes,
    pdf_bytes,
    printable,
    told_by,
    with_feedback,
)
from victims.notify import gateway as notify
from victims.notify import sending
from victims.notify.references import new_reference
from victims.notify.sending import Outcome, SendOutcome
from victims.people.models import Person
from victims.prerelease import services as prerelease
from victims.refusals import Refused
from victims.staff.models import User
from victims.work import services as work

log = logging.getLogger(__name__)


def email_body(letter: Letter) -> str:
    """The letter's text as the email's body, dated as its PDF is: the day it was approved (for a
    draft, today), so that every attempt at sending it sends the same text."""
    made_on = clock.london_date(letter.approved_at) if letter.approved_at else clock.today()
    values = fill_values(letter, made_on)
    sections = [
        (
            None if section.key in NO_HEADING else rules.fill(section.heading, values),
            rules.fill(section.body, values),
            section.key,
        )
        for section in letter.sections
    ]
    return "\n\n".join(
        body if heading is None else f"# {heading}\n\n{body}"
        for heading, body in with_feedback(letter, made_on, sections)
    )


def _claim(letter_id: int) -> bool:
    # The version moves on too, so a form opened before the claim cannot overwrite the letter.
    return sending.claim(
        letter_id,
        status=Letter.status,
        waiting=LetterStatus.APPROVED,
        claimed_until=Letter.send_claimed_until,
        attempts=Letter.send_attempts,
        also={Letter.version: Letter.version + 1},
    )


def send(letter_id: int) -> SendOutcome:
    """Send an approved letter through Notify, once."""
    if not _claim(letter_id):
        status = db.session.scalar(select(Letter.status).where(Letter.id == letter_id))
        if status == LetterStatus.APPROVED:
            return sending.busy()
        return SendOutcome(Outcome.ALREADY_DONE)
    letter = db.session.get(Letter, letter_id)
    results = check_letter(letter)
    if not passes(results):
        failed = [result.title for result in results if not result.passed]
        letter.status = LetterStatus.FAILED
        letter.problem = (
            "Not sent: it failed the quality check when it was about to go (" + "; ".join(failed)
        )[:298] + ")"
        letter.send_claimed_until = None
        db.session.commit()
        return SendOutcome(Outcome.REFUSED)
    person = db.session.get(Person, letter.person_id)
    gateway = notify.gateway()
    last_attempt = letter.send_attempts >= current_app.config["REMINDER_EMAIL_MAX_ATTEMPTS"]
    try:
        found = gateway.find_by_reference(letter.reference)
        verdict = already_sent.judge(found, _what_goes(letter, person)) if found else None
        if verdict is None:
            notification_id = _send_now(gateway, letter, person)
        elif verdict.match is Match.SAME:  # an earlier attempt sent it, and died before recording it
            notification_id = verdict.notification_id
        elif verdict.match is Match.NOT_READ_YET and not last_attempt:
            letter.send_claimed_until = None
            db.session.commit()
            return sending.retry_after(letter.send_attempts)
        else:
            return _held(letter, verdict)
    except notify.NotifyUnavailable as error:
        return _send_failed(letter, str(error), final=last_attempt)
    except notify.NotifyRefused as error:
        return _send_failed(letter, str(error), final=True)
    _sent(letter, person, notification_id)
    db.session.commit()
    return SendOutcome(Outcome.SENT)


def _what_goes(letter: Letter, person: Person) -> EmailToSend | LetterToSend:
    """What this letter sends, as what Notify holds is compared with it."""
    if letter.channel == "post":
        approved_on = clock.london_date(letter.approved_at)
        return LetterToSend(
            address_lines=tuple(printable(letter, approved_on).address_lines),
            postage=current_app.config["NOTIFY_POSTAGE"],
            pdf=pdf_bytes(letter),
            ready_at=letter.approved_at,
        )
    return EmailToSend(
        email_address=person.email or "",
        subject=letter.title,
        body=email_body(letter),
        ready_at=letter.approved_at,
    )


def _send_now(gateway: notify.NotifyGateway, letter: Letter, person: Person) -> str:
    if letter.channel == "post":
        return gateway.send_letter(
            pdf=pdf_bytes(letter), reference=letter.reference, postage=current_app.config["NOTIFY_POSTAGE"]
        )
    return gateway.send_email(
        template="letter",
        email_address=person.email,
        personalisation={"subject": letter.title, "body": email_body(letter)},
        reference=letter.reference,
    )


def _held(letter: Letter, verdict: already_sent.Verdict) -> SendOutcome:
    """Notify has something else under the letter's reference: send nothing, record nothing as
    sent (no contact-log entry, no deadline met), and show it to the team's SPO."""
    case = db.session.get(Case, letter.case_id)
    letter.status = LetterStatus.HELD
    letter.problem = sending.held_because(verdict, "letter")
    letter.send_claimed_until = None
    audit.record(
        "letter_held",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={
            "reference": letter.reference,
            "found": verdict.match.value,
            "why": list(verdict.differences),
        },
        user=None,
    )
    log.warning("Letter %s held: GOV.UK Notify already has something else under its reference", letter.id)
    db.session.commit()
    return SendOutcome(Outcome.HELD)


def send_again(letter: Letter, user: User) -> None:
    """An SPO, having checked with Notify that a held letter did not go, sends it again under a new
    reference (the old one is another's at Notify): queued once this is committed. It is checked
    again when it goes, as every letter is."""
    if letter.status != LetterStatus.HELD:
        raise Refused("Only a held letter can be sent again")
    old = letter.reference
    letter.reference = new_reference("letter")
    letter.status = LetterStatus.APPROVED
    letter.send_attempts = 0
    letter.send_claimed_until = None
    held = letter.problem
    letter.problem = None
    db.session.flush()
    case = db.session.get(Case, letter.case_id)
    audit.record(
        "letter_sent_again",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"old_reference": old, "reference": letter.reference, "held": held},
        user=user,
    )
    jobs.enqueue("letters.send", letter.id)


def _send_failed(letter: Letter, error: str, *, final: bool) -> SendOutcome:
    letter.problem = error[:300]
    letter.send_claimed_until = None
    if final:
        letter.status = LetterStatus.FAILED
        db.session.commit()
        return SendOutcome(Outcome.FAILED)
    db.session.commit()
    return sending.retry_after(letter.send_attempts)


def _sent(letter: Letter, person: Person, notification_id: str) -> None:
    now = clock.utcnow()
    case = db.session.get(Case, letter.case_id)
    sender = db.session.get(User, letter.approved_by_id or letter.created_by_id)
    letter.status = LetterStatus.SENT
    letter.sent_at = now
    letter.notify_id = notification_id
    letter.delivery_status = DeliveryStatus.SENDING
    letter.send_claimed_until = None
    how = "by post" if letter.channel == "post" else "by email"
    language = " in Welsh" if letter.language == "cy" else ""
    size = ", large print" if letter.large_print else ""
    db.session.add(
        ContactLogEntry(
            case_id=case.id,
            person_id=person.id,
            occurred_at=now,
            recorded_at=now,
            user_id=sender.id,
            method="letter" if letter.channel == "post" else "email",
            direction=Direction.OUTBOUND.value,
            summary=f"{letter.type_enum.label} letter sent {how}{language}{size} (letter {letter.id}).",
        )
    )
    # The letter is the evidence for what it meets: an initial-contact letter the initial contact,
    # any letter the tasks of events it came after (victims.domain.evidence).
    kind = (
        EvidenceKind.INITIAL_LETTER if letter.type_enum is LetterType.INITIAL_CONTACT else EvidenceKind.LETTER
    )
    work.meet_with(case.id, Evidence(kind, letter.id), clock.london_date(now), None, person_id=person.id)
    db.session.flush()
    audit.record(
        "letter_sent",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"channel": letter.channel, "notify_id": notification_id},
        user=sender,
    )
    # The outcome letter told the victim every outcome it reports (the check just before sending
    # made sure it reports them all): those requests are told, by this letter, in this commit.
    if letter.type_enum is LetterType.LICENCE_CONDITIONS_OUTCOME:
        prerelease.told_by_letter(told_by(letter), letter_queries.telling(letter), sender)


# -- after sending -----------------------------------------------------------------------------------


def follow_delivery(letter_id: int) -> str | None:
    """Ask Notify how the letter is doing; a bounced email flags the victim "contact lost"."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.status != LetterStatus.SENT or not letter.notify_id:
        return None
    try:
        answer = notify.gateway().status(letter.notify_id)
    except (notify.NotifyUnavailable, notify.NotifyRefused):
        return None
    try:
        status = DeliveryStatus(answer)
    except ValueError:  # a status Notify has added since: keep asking, and say so
        log.warning("Letter %s: GOV.UK Notify gave a status this service does not know", letter.id)
        return None
    if status != letter.delivery_status:
        letter.delivery_status = status
        if status in CONTACT_LOST_DELIVERY:
            what = (
                "The email could not be delivered"
                if letter.channel == "email"
                else "The letter was not delivered"
            )
            _contact_lost(letter, f"{what} (GOV.UK Notify: {status}).", None)
            db.session.flush()
    letter.delivery_checked_at = clock.utcnow()
    db.session.commit()
    return status


def record_returned(letter: Letter, user: User) -> None:
    """The letter came back in the post: the victim cannot be reached at that address."""
    if letter.status != LetterStatus.SENT or letter.channel != "post":
        raise Refused("Only a letter sent by post can come back")
    if letter.delivery_status == DeliveryStatus.RETURNED_LETTER:
        raise Refused("This letter has already been recorded as returned")
    letter.delivery_status = DeliveryStatus.RETURNED_LETTER
    _contact_lost(letter, "The letter came back: returned mail.", user)


def _contact_lost(letter: Letter, why: str, user: User | None) -> None:
    """The letter or email came back: the person is flagged "contact lost" with a task to find
    them again, it goes in the contact log as returned mail or a bounced email, and whatever the
    letter met (the initial contact, an event's task) is open again, its meeting kept in history."""
    person = db.session.get(Person, letter.person_id)
    case = db.session.get(Case, letter.case_id)
    actor = user or db.session.get(User, letter.approved_by_id or letter.created_by_id)
    today = clock.today()
    letter.problem = why[:300]
    person.contact_lost, person.contact_lost_on, person.contact_regained_on = True, today, None
    email = letter.channel == "email"
    what = "email" if email else "letter"
    db.session.add(
        ContactLogEntry(
            case_id=case.id,
            person_id=person.id,
            occurred_at=clock.utcnow(),
            recorded_at=clock.utcnow(),
            user_id=actor.id,
            method="email" if email else "letter",
            direction=Direction.INBOUND.value,
            outcome=ContactOutcome.BOUNCED_EMAIL if email else ContactOutcome.RETURNED_MAIL,
            summary=f"{letter.type_enum.label} {what} came back (letter {letter.id}). {why}",
        )
    )
    kinds = (EvidenceKind.INITIAL_LETTER, EvidenceKind.LETTER)
    reopen_why = f"Reopened: letter {letter.id} came back ({'bounced email' if email else 'returned mail'})"
    # A closed case has no work to reopen or open: the flag and the log entry are what a
    # reopening of the case would need.
    if case.status == CaseStatus.OPEN:
        work.reopen_met_by(case, kinds, letter.id, reopen_why, user)
        work.open_work(case, deadline_rules.CONTACT_LOST, today, person_id=person.id)
    audit.record(
        "contact_lost_flagged",
        "person",
        person.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"letter_id": letter.id, "why": why},
        user=actor,
    )
