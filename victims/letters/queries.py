"""Reads of letters, always through a case the user may see."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from victims.cases.models import Case
from victims.cases.queries import scope
from victims.domain.letters import LetterStatus
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters.models import Letter, LetterTemplate
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


def template_version(letter: Letter) -> int:
    """The version of the template the letter was drafted from."""
    return db.session.scalar(select(LetterTemplate.version).where(LetterTemplate.id == letter.template_id))
