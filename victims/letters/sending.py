"""Sending approved letters through GOV.UK Notify exactly once, and what happens after: the
delivery Notify reports, returned mail, and a victim flagged "contact lost".

`send` commits, like the reminder sender: its claim must be committed before Notify is called
(victims.notify.sending). It checks the letter again just before it calls Notify, so a letter
that no longer passes the quality check is never sent.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case, ContactLogEntry
from victims.domain import deadlines as deadline_rules
from victims.domain import letters as rules
from victims.domain.letters import CONTACT_LOST_DELIVERY, DeliveryStatus, LetterStatus, LetterType
from victims.domain.vocabulary import Direction
from victims.domain.work import INITIAL_CONTACT_CODES
from victims.extensions import db
from victims.letters.models import Letter
from victims.letters.services import NO_HEADING, check_letter, fill_values, passes, pdf_bytes
from victims.notify import gateway as notify
from victims.notify import sending
from victims.notify.sending import Outcome, SendOutcome
from victims.people.models import Person
from victims.refusals import Refused
from victims.staff.models import User
from victims.work import services as work

log = logging.getLogger(__name__)


def email_body(letter: Letter) -> str:
    values = fill_values(letter)
    parts = []
    for section in letter.sections:
        body = rules.fill(section.body, values)
        parts.append(
            body if section.key in NO_HEADING else f"# {rules.fill(section.heading, values)}\n\n{body}"
        )
    return "\n\n".join(parts)


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
    kind = "letter" if letter.channel == "post" else "email"
    try:
        notification_id = gateway.find_by_reference(letter.reference, kind)
        if notification_id is None:
            if kind == "letter":
                notification_id = gateway.send_letter(
                    pdf=pdf_bytes(letter),
                    reference=letter.reference,
                    postage=current_app.config["NOTIFY_POSTAGE"],
                )
            else:
                notification_id = gateway.send_email(
                    template="letter",
                    email_address=person.email,
                    personalisation={"subject": letter.title, "body": email_body(letter)},
                    reference=letter.reference,
                )
    except notify.NotifyUnavailable as error:
        final = letter.send_attempts >= current_app.config["REMINDER_EMAIL_MAX_ATTEMPTS"]
        return _send_failed(letter, str(error), final=final)
    except notify.NotifyRefused as error:
        return _send_failed(letter, str(error), final=True)
    _sent(letter, person, notification_id)
    db.session.commit()
    return SendOutcome(Outcome.SENT)


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
    if letter.type_enum is LetterType.INITIAL_CONTACT:
        for code in INITIAL_CONTACT_CODES:
            work.meet(case.id, code, clock.london_date(now), None)
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
    person = db.session.get(Person, letter.person_id)
    case = db.session.get(Case, letter.case_id)
    letter.problem = why[:300]
    person.contact_lost = True
    work.open_work(case, deadline_rules.CONTACT_LOST, clock.today())
    audit.record(
        "contact_lost_flagged",
        "person",
        person.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"letter_id": letter.id, "why": why},
        user=user or db.session.get(User, letter.approved_by_id or letter.created_by_id),
    )
