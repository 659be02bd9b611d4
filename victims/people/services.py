"""Changes to victims and contact persons. Every view and change of their details is audited."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Protocol

from victims import clock
from victims.audit import services as audit
from victims.domain.vocabulary import ContactLevel, Relationship
from victims.extensions import db
from victims.people.models import CONTACT_DETAIL_FIELDS, ContactLevelChange, Person
from victims.refusals import Refused
from victims.staff.models import User


class Case(Protocol):
    """What people need of their case (victims.cases.models.Case, which builds on this area)."""

    id: int
    region_id: int
    allocated_vlo_id: int | None
    people: list[Person]


@dataclass
class PersonDetails:
    relationship: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_town: str | None = None
    address_postcode: str | None = None
    telephone: str | None = None
    email: str | None = None
    acting_for_id: int | None = None


@dataclass
class Preferences:
    contact_level: str
    channel: str
    language: str
    large_print: bool
    safe_contact_times: str | None


def add_person(
    case: Case, details: PersonDetails, user: User | None, preferences: Preferences, *, new_case: bool = False
) -> Person:
    """Add a victim or contact person; `user` is None when a referral came through the API."""
    if details.relationship == Relationship.PARENT_GUARDIAN:
        siblings = [] if new_case else case.people
        child = next((p for p in siblings if p.id == details.acting_for_id), None)
        if child is None:
            raise Refused("Choose the child victim this person acts for", field="acting_for")
    else:
        details.acting_for_id = None
    person = Person(case_id=case.id, relationship_=details.relationship)
    _apply_details(person, details)
    _apply_preferences(person, preferences)
    db.session.add(person)
    db.session.flush()
    db.session.add(
        ContactLevelChange(
            person_id=person.id,
            at=clock.utcnow(),
            user_id=user.id if user else None,
            old_level=None,
            new_level=person.contact_level,
            reason="Recorded at intake",
        )
    )
    audit.record("person_added", "person", person.id, case_id=case.id, region_id=case.region_id, user=user)
    return person


def _apply_details(person: Person, details: PersonDetails) -> list[str]:
    changed = []
    for item in fields(PersonDetails):
        if item.name == "relationship":
            continue
        value = getattr(details, item.name)
        if isinstance(value, str):
            value = value.strip() or None
        if getattr(person, item.name) != value:
            setattr(person, item.name, value)
            changed.append(item.name)
    return changed


def _apply_preferences(person: Person, prefs: Preferences) -> list[str]:
    changed = []
    for item in fields(Preferences):
        value = getattr(prefs, item.name)
        if isinstance(value, str):
            value = value.strip() or None
        if getattr(person, item.name) != value:
            setattr(person, item.name, value)
            changed.append(item.name)
    return changed


def is_allocated_to(case: Case, user: User) -> bool:
    return case.allocated_vlo_id == user.id


def reveal_contact_details(
    case: Case, person: Person, reason: str, user: User, *, shown_for: str | None = None
) -> None:
    """Record that a user chose to see what locates or reaches a person, and why; `shown_for`
    says where they asked (for example "letter 12"), None from the person's own "Show address".

    A reveal by anyone but the allocated VLO is flagged for the SPO to see.
    """
    audit.record(
        "contact_details_revealed",
        "person",
        person.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason,
        details={"for": shown_for} if shown_for else None,
        flagged=not is_allocated_to(case, user),
        user=user,
    )


def details_opened_for_change(
    case: Case, person: Person, user: User, fields: list[str] | None = None
) -> None:
    """Record that a user opened a person's contact details (`fields`, when not all of them) to
    see or change them after a reveal (flagged when the user is not the allocated VLO)."""
    audit.record(
        "contact_details_viewed",
        "person",
        person.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"fields": fields} if fields else None,
        flagged=not is_allocated_to(case, user),
        user=user,
    )


def change_details(
    case: Case, person: Person, details: PersonDetails, reason: str | None, user: User
) -> list[str]:
    details.relationship = person.relationship_
    details.acting_for_id = person.acting_for_id
    changed = _apply_details(person, details)
    if changed:
        db.session.flush()  # StaleDataError if someone else saved first
        audit.record(
            "person_details_changed",
            "person",
            person.id,
            case_id=case.id,
            region_id=case.region_id,
            reason=reason,
            details={"fields": changed},
            flagged=not is_allocated_to(case, user)
            and any(name in CONTACT_DETAIL_FIELDS for name in changed),
            user=user,
        )
    return changed


def regain_contact(case: Case, person: Person, how: str, on: date, user: User) -> bool:
    """The person can be reached again (`how`: "new_details" or "contact"): "contact lost" clears
    and the day is kept beside the day it was lost. False if contact was not lost. The case's task
    to find them is met by its caller (victims.cases.services.contact_regained)."""
    if not person.contact_lost:
        return False
    person.contact_lost, person.contact_regained_on = False, on
    db.session.flush()
    audit.record(
        "contact_regained",
        "person",
        person.id,
        case_id=case.id,
        region_id=case.region_id,
        details={
            "how": how,
            "lost_on": person.contact_lost_on.isoformat() if person.contact_lost_on else None,
        },
        user=user,
    )
    return True


def change_preferences(
    case: Case, person: Person, prefs: Preferences, user: User, reason: str | None = None
) -> list[str]:
    old_level = person.contact_level
    changed = _apply_preferences(person, prefs)
    if not changed:
        return changed
    if "contact_level" in changed:
        db.session.add(
            ContactLevelChange(
                person_id=person.id,
                at=clock.utcnow(),
                user_id=user.id,
                old_level=old_level,
                new_level=person.contact_level,
                reason=reason,
            )
        )
    db.session.flush()
    audit.record(
        "preferences_changed",
        "person",
        person.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"fields": changed},
        user=user,
    )
    return changed


def opt_out(case: Case, person: Person, reason: str | None, user: User) -> None:
    if person.contact_level == ContactLevel.OPTED_OUT:
        raise Refused(f"{person.full_name} has already opted out")
    _set_level(case, person, ContactLevel.OPTED_OUT.value, reason, user, "opted_out")


def opt_in(case: Case, person: Person, level: str, reason: str | None, user: User) -> None:
    if person.contact_level != ContactLevel.OPTED_OUT:
        raise Refused(f"{person.full_name} has not opted out")
    if level == ContactLevel.OPTED_OUT:
        raise Refused("Choose how often they want to hear from us", field="contact_level")
    _set_level(case, person, level, reason, user, "opted_in")


def _set_level(case: Case, person: Person, level: str, reason: str | None, user: User, action: str) -> None:
    db.session.add(
        ContactLevelChange(
            person_id=person.id,
            at=clock.utcnow(),
            user_id=user.id,
            old_level=person.contact_level,
            new_level=level,
            reason=reason,
        )
    )
    person.contact_level = level
    db.session.flush()
    audit.record(action, "person", person.id, case_id=case.id, region_id=case.region_id, user=user)
