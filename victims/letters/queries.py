"""Reads of letters, always through a case the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import abort, current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from victims import clock
from victims.cases.models import Case, Offender
from victims.cases.queries import scope
from victims.domain.letters import FINAL_DELIVERY, NOT_RECEIVED, LetterStatus, LetterType
from victims.domain.prerelease import Telling, ToldKind
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.formatting import govuk_date
from victims.letters.models import Letter, LetterTemplate
from victims.lists import Page, paginate
from victims.people.models import Person
from victims.staff.models import User


def letter_for(letter_id: int, user: User) -> tuple[Letter, Case]:
    """A letter on a case the user may see (404 otherwise)."""
    statement = (
        select(Letter, Case)
        .join(Case, Case.id == Letter.case_id)
        .where(Letter.id == letter_id)
        .options(joinedload(Case.offender))
    )
    row = db.session.execute(scope(statement, user)).first()
    if row is None:
        abort(404)
    return row[0], row[1]


def for_case(case_id: int) -> list[tuple[Letter, str]]:
    """A case's letters (not cancelled ones), newest first, each with its recipient's name."""
    rows = db.session.execute(
        select(Letter, Person.first_name, Person.last_name)
        .join(Person, Person.id == Letter.person_id)
        .where(Letter.case_id == case_id, Letter.status != LetterStatus.CANCELLED)
        .order_by(Letter.created_at.desc(), Letter.id.desc())
    ).all()
    return [(letter, f"{first} {last}") for letter, first, last in rows]


def awaiting_countersign(user: User) -> list[tuple[Letter, str]]:
    """Letters of the SPO's team waiting for a second person, oldest first, with the writer."""
    if user.role != Role.SPO or user.team_id is None:
        return []
    rows = db.session.execute(
        select(Letter, User.name)
        .join(Case, Case.id == Letter.case_id)
        .join(User, User.id == Letter.created_by_id)
        .where(Case.team_id == user.team_id, Letter.status == LetterStatus.AWAITING_COUNTERSIGN)
        .order_by(Letter.submitted_at, Letter.id)
    ).all()
    return [(letter, name) for letter, name in rows]


def held_for_team(user: User, per_page: int = 50) -> Page[tuple[Letter, Offender]]:
    """Letters of the SPO's team held because Notify had something else under their reference,
    each with its offender, the oldest first (rare, so the first page only)."""
    if user.role != Role.SPO or user.team_id is None:
        return Page([], 0, 1, per_page)
    statement = (
        select(Letter, Offender)
        .join(Case, Case.id == Letter.case_id)
        .join(Offender, Offender.id == Case.offender_id)
        .where(Case.team_id == user.team_id, Letter.status == LetterStatus.HELD)
    )
    order = (Letter.approved_at, Letter.id)
    return paginate(
        statement, page=1, per_page=per_page, order_by=order, row=lambda found: (found[0], found[1])
    )


def template_version(letter: Letter) -> int:
    """The version of the template the letter was drafted from."""
    return db.session.scalar(select(LetterTemplate.version).where(LetterTemplate.id == letter.template_id))


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


# -- letters that may have told a victim an outcome (victims.domain.prerelease) -----------------------


def telling(letter: Letter) -> Telling:
    """A letter as what may have told a victim the outcome of a licence-condition request:
    named by its number, type and the day it was sent, never its content."""
    on = clock.london_date(letter.sent_at) if letter.sent_at else None
    sent = f", sent {govuk_date(on)}" if on else ""
    return Telling(
        kind=ToldKind.LETTER,
        id=letter.id,
        case_id=letter.case_id,
        person_id=letter.person_id,
        on=on,
        # Sent, and not known to have gone astray (returned, or Notify could not deliver it).
        happened=letter.status == LetterStatus.SENT and letter.delivery_status not in NOT_RECEIVED,
        outcome_letter=letter.letter_type == LetterType.LICENCE_CONDITIONS_OUTCOME.value,
        description=f"Letter {letter.id}: {letter.type_enum.label}{sent}",
        at=letter.sent_at,
    )


def tellings(case_id: int, people: Iterable[int]) -> list[Telling]:
    """The case's sent letters to these people (the rules choose among them)."""
    letters = db.session.scalars(
        select(Letter).where(
            Letter.case_id == case_id,
            Letter.person_id.in_(list(people)),
            Letter.status == LetterStatus.SENT,
        )
    )
    return [telling(letter) for letter in letters]


def telling_by_id(letter_id: int) -> Telling | None:
    """The letter with this id, on whatever case: the rules refuse another case's."""
    letter = db.session.get(Letter, letter_id)
    return telling(letter) if letter is not None else None
