"""Reads of victims and contact persons, always through a case the user may already see."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from victims.extensions import db
from victims.people.models import Person


def person_for_change(case_id: int, person_id: int) -> Person:
    """A person on the case (the caller has scoped the case to the user); 404 otherwise."""
    person = db.session.scalars(
        select(Person).where(Person.id == person_id, Person.case_id == case_id)
    ).one_or_none()
    if person is None:
        abort(404)
    return person


def people_of_case(case_id: int) -> list[Person]:
    return list(db.session.scalars(select(Person).where(Person.case_id == case_id).order_by(Person.id)))
