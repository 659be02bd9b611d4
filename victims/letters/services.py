"""Letters: drafting from a template, the quality check, approval (with countersigning), sending
through GOV.UK Notify exactly once, and what happens after.

Every way to approve or send a letter goes through `check_letter`, and the sending task checks
again just before it calls Notify, so no path — form, API, template edit or crafted request —
sends a letter that fails the check (above all, an initial-contact or pre-release letter without
its "If the offender contacts you" section).

`send` commits, like the reminder sender: its claim must be committed before Notify is called.
An approved letter is handed to a worker once the approval is committed (victims.jobs).
"""

from __future__ import annotations

import base64
import logging
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from victims import clock, jobs
from victims.audit import services as audit
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence
from victims.domain import deadlines as deadline_rules
from victims.domain import letters as rules
from victims.domain.letters import (
    CONTACT_LOST_DELIVERY,
    FINAL_DELIVERY,
    DeliveryStatus,
    LetterStatus,
    LetterType,
    Section,
)
from victims.domain.vocabulary import ContactLevel, Direction, Relationship, Role
from victims.domain.work import INITIAL_CONTACT_CODES
from victims.extensions import db
from victims.letters import defaults
from victims.letters.models import Letter, LetterTemplate, sections_to_json
from victims.letters.pdf import PrintableLetter, render_pdf
from victims.notify import gateway as notify
from victims.notify import sending
from victims.notify.sending import Outcome, SendOutcome
from victims.people.models import Person
from victims.refusals import Refused
from victims.staff.models import Team, User
from victims.work import services as work

log = logging.getLogger(__name__)

FREE_SECTION_MAX = 3000  # characters in a section the VLO writes
RELEASE_DATE_FIELDS = ("crd", "ard", "ped", "hdced", "prrd")


# -- templates -------------------------------------------------------------------------------------


def current_template(letter_type: LetterType, language: str) -> LetterTemplate:
    """The newest version of a template; version 1 (the built-in one) is stored on first use."""
    row = db.session.scalar(
        select(LetterTemplate)
        .where(LetterTemplate.letter_type == letter_type.value, LetterTemplate.language == language)
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    )
    if row is None:
        row = LetterTemplate(
            letter_type=letter_type.value,
            language=language,
            version=1,
            title=defaults.default_title(letter_type, language),
            sections_data=sections_to_json(defaults.default_sections(letter_type, language)),
            note="Built-in template",
        )
        db.session.add(row)
        db.session.flush()
    return row


def required_sections(letter_type: LetterType, language: str) -> list[Section]:
    """The sections no version of the template may lose: the built-in template's locked ones."""
    return [section for section in defaults.default_sections(letter_type, language) if section.locked]


def save_template_version(
    letter_type: LetterType, language: str, title: str, sections: list[Section], note: str, user: User
) -> LetterTemplate:
    """An administrator's new version of a template. Refused (with every reason) if it would
    remove, unlock or empty a mandatory section, or lose a point of "If the offender contacts you"."""
    problems = rules.template_problems(
        letter_type, language, sections, required_sections(letter_type, language)
    )
    if not title.strip():
        problems.insert(0, "Enter the letter’s title")
    if problems:
        raise Refused("; ".join(problems))
    latest = current_template(letter_type, language)
    row = LetterTemplate(
        letter_type=letter_type.value,
        language=language,
        version=latest.version + 1,
        title=title.strip(),
        sections_data=sections_to_json(sections),
        note=note,
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "letter_template_changed",
        "letter_template",
        row.id,
        details={"letter_type": letter_type.value, "language": language, "version": row.version},
        user=user,
    )
    return row


# -- the facts a letter is filled from -----------------------------------------------------------------


def letter_vlo(case: Case, fallback: User) -> User:
    """The VLO whose name and direct line go in the letter: the case's, else whoever writes it."""
    if case.allocated_vlo_id:
        vlo = db.session.get(User, case.allocated_vlo_id)
        if vlo is not None and vlo.active:
            return vlo
    return fallback


def _address(person: Person) -> str:
    lines = [person.address_line_1, person.address_line_2, person.address_town, person.address_postcode]
    return "\n".join(line.strip() for line in lines if line and line.strip())


def current_facts(letter: Letter, vlo: User) -> dict[str, str]:
    """The case as it is now, as the letter uses it."""
    case = db.session.get(Case, letter.case_id)
    person = db.session.get(Person, letter.person_id)
    victim = db.session.get(Person, person.acting_for_id) if person.acting_for_id else person
    offender = db.session.get(Offender, db.session.get(Sentence, case.sentence_id).offender_id)
    sentence = db.session.get(Sentence, case.sentence_id)
    release = deadline_rules.earliest_release_date(
        {key: getattr(sentence, key) for key in ("crd", "ped", "hdced")}
    )
    team = db.session.get(Team, case.team_id)
    return {
        "recipient_name": person.full_name,
        "address": _address(person),
        "email": person.email or "",
        "victim_name": victim.full_name,
        "offender_name": offender.full_name,
        "release_month": rules.month_name(release, letter.language) if release else "",
        "vlo_name": vlo.name,
        "vlo_phone": vlo.phone or "",
        "vlo_email": vlo.email,
        "unit_name": team.name,
    }


def fill_values(letter: Letter, on: date | None = None) -> dict[str, str]:
    values = {key: value for key, value in letter.facts.items() if key not in ("address", "email")}
    values["today"] = rules.long_date(on or clock.today(), letter.language)
    return values


def filled_sections(letter: Letter, on: date | None = None) -> list[tuple[str, str, Section]]:
    """(heading, filled body, section) for every section, as it will be printed."""
    values = fill_values(letter, on)
    return [(rules.fill(s.heading, values), rules.fill(s.body, values), s) for s in letter.sections]


# -- drafting ------------------------------------------------------------------------------------------


def _is_child(person: Person, on: date) -> bool:
    born = person.date_of_birth
    if born is None:
        return False
    return (on.year - born.year - ((on.month, on.day) < (born.month, born.day))) < 18


def start_draft(case: Case, person: Person, letter_type: LetterType, user: User) -> Letter:
    if person.case_id != case.id:
        raise Refused("Choose a person on this case", field="person")
    template = current_template(letter_type, person.language)
    now = clock.utcnow()
    letter = Letter(
        case_id=case.id,
        person_id=person.id,
        letter_type=letter_type.value,
        language=person.language,
        large_print=person.large_print,
        channel=person.channel,
        template_id=template.id,
        title=template.title,
        status=LetterStatus.DRAFT,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    letter.sections = template.sections
    letter.facts = current_facts(letter, letter_vlo(case, user))
    db.session.add(letter)
    db.session.flush()
    audit.record(
        "letter_drafted",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={
            "letter_type": letter_type.value,
            "person_id": person.id,
            "template_version": template.version,
        },
        user=user,
    )
    return letter


def save_draft(letter: Letter, texts: dict[str, str], *, large_print: bool, channel: str, user: User) -> None:
    """Keep the VLO's words for the free sections. Locked sections are never taken from the
    form: a crafted request that sends one changes nothing."""
    if not letter.editable:
        raise Refused("This letter can no longer be changed")
    if channel not in ("post", "email"):
        raise Refused("Choose how the letter is sent", field="channel")
    sections = []
    for section in letter.sections:
        if not section.locked and section.key in texts:
            body = texts[section.key].replace("\r\n", "\n").strip()
            if len(body) > FREE_SECTION_MAX:
                raise Refused(
                    f"“{section.heading}” must be {FREE_SECTION_MAX} characters or fewer", field=section.key
                )
            section = Section(section.key, section.heading, body, section.locked)
        sections.append(section)
    letter.sections = sections
    letter.large_print = large_print
    letter.channel = channel
    letter.status = LetterStatus.DRAFT
    letter.problem = None
    letter.updated_at = clock.utcnow()
    db.session.flush()


def refresh(letter: Letter, user: User) -> None:
    """Take the case's facts as they are now (the VLO has read the letter again)."""
    if not letter.editable:
        raise Refused("This letter can no longer be changed")
    case = db.session.get(Case, letter.case_id)
    letter.facts = current_facts(letter, letter_vlo(case, user))
    letter.updated_at = clock.utcnow()
    db.session.flush()


# -- the quality check ---------------------------------------------------------------------------------


def check_letter(letter: Letter, on: date | None = None) -> list[rules.CheckResult]:
    today = on or clock.today()
    case = db.session.get(Case, letter.case_id)
    person = db.session.get(Person, letter.person_id)
    sentence = db.session.get(Sentence, case.sentence_id)
    offender = db.session.get(Offender, sentence.offender_id)
    drafter = db.session.get(User, letter.created_by_id)
    template = db.session.get(LetterTemplate, letter.template_id)
    everyone = db.session.scalars(select(Person).where(Person.case_id == case.id)).all()
    related = {person.id, person.acting_for_id} | {p.id for p in everyone if p.acting_for_id == person.id}
    others = []
    for other in everyone:
        if other.id not in related:
            others += [other.full_name, other.address_line_1 or "", other.address_postcode or ""]
    filled = "\n\n".join(f"{heading}\n{body}" for heading, body, _ in filled_sections(letter, today))
    facts = rules.LetterFacts(
        letter_type=letter.type_enum,
        language=letter.language,
        large_print=letter.large_print,
        channel=letter.channel,
        recipient=rules.Recipient(
            person_id=person.id,
            name=person.full_name,
            relationship=Relationship(person.relationship_),
            contact_level=ContactLevel(person.contact_level),
            channel=person.channel,
            language=person.language,
            large_print=person.large_print,
            contact_lost=person.contact_lost,
            has_postal_address=bool(person.address_line_1 and person.address_postcode),
            has_email=bool(person.email),
            is_child=_is_child(person, today),
        ),
        sections=letter.sections,
        template_sections=template.sections,
        drafted_facts=letter.facts,
        current_facts=current_facts(letter, letter_vlo(case, drafter)),
        filled_text=letter.title + "\n" + filled,
        release_dates=[day for field in RELEASE_DATE_FIELDS if (day := getattr(sentence, field))],
        secret_places=[place for place in (offender.current_location,) if place],
        other_people=[value for value in others if value.strip()],
    )
    return rules.check(facts)


def passes(results: list[rules.CheckResult]) -> bool:
    return all(result.passed for result in results)


# -- approval --------------------------------------------------------------------------------------------


def _require_passing(letter: Letter) -> list[rules.CheckResult]:
    results = check_letter(letter)
    if not passes(results):
        failed = [result.title for result in results if not result.passed]
        raise Refused("The letter has not passed the quality check: " + "; ".join(failed))
    return results


def approve(letter: Letter, user: User) -> bool:
    """The writer approves the letter. True when it is approved for sending; False when it now
    waits for countersigning (the writer must have a second person approve their letters)."""
    if not letter.editable:
        raise Refused("This letter has already been approved")
    _require_passing(letter)
    case = db.session.get(Case, letter.case_id)
    if user.requires_countersign:
        letter.status = LetterStatus.AWAITING_COUNTERSIGN
        letter.submitted_at = clock.utcnow()
        db.session.flush()
        audit.record(
            "letter_submitted", "letter", letter.id, case_id=case.id, region_id=case.region_id, user=user
        )
        return False
    _approve(letter, case, user)
    return True


def countersign(letter: Letter, user: User) -> None:
    """A second person — an SPO of the team, never the writer — approves the letter."""
    if letter.status != LetterStatus.AWAITING_COUNTERSIGN:
        raise Refused("This letter is not waiting for countersigning")
    case = db.session.get(Case, letter.case_id)
    if user.role != Role.SPO or user.team_id != case.team_id:
        raise Refused("Only a senior probation officer of the team can countersign")
    if user.id == letter.created_by_id:
        raise Refused("Someone other than the letter’s writer must countersign it")
    _require_passing(letter)
    letter.countersigned_by_id = user.id
    letter.countersigned_at = clock.utcnow()
    _approve(letter, case, user)


def send_back(letter: Letter, user: User) -> None:
    """The SPO returns a letter waiting for countersigning to its writer as a draft."""
    if letter.status != LetterStatus.AWAITING_COUNTERSIGN:
        raise Refused("This letter is not waiting for countersigning")
    letter.status = LetterStatus.DRAFT
    db.session.flush()
    audit.record("letter_sent_back", "letter", letter.id, case_id=letter.case_id, user=user)


def _approve(letter: Letter, case: Case, user: User) -> None:
    results = check_letter(letter)
    today = clock.today()
    letter.status = LetterStatus.APPROVED
    letter.approved_by_id = user.id
    letter.approved_at = clock.utcnow()
    letter.checks = {result.code: result.passed for result in results}
    letter.letter_date = rules.long_date(today, letter.language)
    letter.pdf_base64 = base64.b64encode(render_pdf(printable(letter, today))).decode()
    letter.problem = None
    db.session.flush()
    audit.record(
        "letter_approved",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"countersigned_by": letter.countersigned_by_id},
        user=user,
    )
    jobs.enqueue("letters.send", letter.id)


def cancel(letter: Letter, user: User) -> None:
    if letter.status not in (LetterStatus.DRAFT, LetterStatus.FAILED, LetterStatus.AWAITING_COUNTERSIGN):
        raise Refused("This letter cannot be cancelled now")
    letter.status = LetterStatus.CANCELLED
    db.session.flush()
    audit.record("letter_cancelled", "letter", letter.id, case_id=letter.case_id, user=user)


# -- the PDF -----------------------------------------------------------------------------------------------


NO_HEADING = {"opening", "sign_off"}


def printable(letter: Letter, on: date | None = None) -> PrintableLetter:
    today = on or clock.today()
    facts = letter.facts
    case = db.session.get(Case, letter.case_id)
    team = db.session.get(Team, case.team_id)
    address = [facts["recipient_name"], *[line for line in facts.get("address", "").split("\n") if line]]
    if letter.channel == "email":
        # Not posted: the PDF kept with the email says where it went instead.
        address = [facts["recipient_name"], "Sent by email to", facts.get("email") or "no email address"]
    elif len(address) < 3:
        # Only ever a preview: the check refuses to send a letter with no postal address.
        address = [facts["recipient_name"], "No postal address on the case", "Add it before sending"]
    word = "letter" if letter.language == "en" else "llythyr"
    return PrintableLetter(
        language=letter.language,
        large_print=letter.large_print,
        address_lines=address[:7],
        sender_lines=[team.name, "National Probation Service"],
        date_text=letter.letter_date or rules.long_date(today, letter.language),
        reference=f"{'Case' if letter.language == 'en' else 'Achos'} {case.id} – {word} {letter.id}",
        title=letter.title,
        sections=[
            (None if section.key in NO_HEADING else heading, body)
            for heading, body, section in filled_sections(letter, today)
        ],
    )


def pdf_bytes(letter: Letter) -> bytes:
    """The exact PDF approved (and sent), or for a draft a preview as it would print today."""
    if letter.pdf_base64:
        return base64.b64decode(letter.pdf_base64)
    return render_pdf(printable(letter))


def pdf_for(letter: Letter, case: Case, user: User) -> bytes:
    """The letter's PDF for a person to read: it carries the address, so it is recorded."""
    content = pdf_bytes(letter)
    audit.record(
        "letter_pdf_viewed", "letter", letter.id, case_id=case.id, region_id=case.region_id, user=user
    )
    return content


def email_body(letter: Letter) -> str:
    values = fill_values(letter)
    parts = []
    for section in letter.sections:
        body = rules.fill(section.body, values)
        parts.append(
            body if section.key in NO_HEADING else f"# {rules.fill(section.heading, values)}\n\n{body}"
        )
    return "\n\n".join(parts)


# -- sending ------------------------------------------------------------------------------------------------


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
            work.meet(case.id, code, now.astimezone(clock.LONDON).date(), None)
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


def letters_to_resend(limit: int = 500) -> list[int]:
    """Approved letters still not sent a while after approval, held by no sender: their task was
    lost (the broker lost its data) or their sender died. The sweep hands them out again."""
    now = clock.utcnow()
    stale_before = now - timedelta(seconds=current_app.config["REMINDER_EMAIL_STALE_SECONDS"])
    return list(
        db.session.scalars(
            select(Letter.id)
            .where(Letter.status == LetterStatus.APPROVED, Letter.approved_at < stale_before)
            .where((Letter.send_claimed_until.is_(None)) | (Letter.send_claimed_until < now))
            .order_by(Letter.id)
            .limit(limit)
        )
    )


# -- after sending -----------------------------------------------------------------------------------


def letters_to_follow(limit: int = 500) -> list[int]:
    """Sent letters whose delivery is not yet final, sent in the last 30 days."""
    since = clock.utcnow() - timedelta(days=30)
    return list(
        db.session.scalars(
            select(Letter.id)
            .where(Letter.status == LetterStatus.SENT, Letter.sent_at >= since)
            .where((Letter.delivery_status.is_(None)) | (Letter.delivery_status.not_in(FINAL_DELIVERY)))
            .order_by(Letter.sent_at)
            .limit(limit)
        )
    )


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
