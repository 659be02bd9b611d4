"""Reads of pre-release work, through a case the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from victims import clock
from victims.cases.models import Case, ContactLogEntry
from victims.cases.queries import case_for_change
from victims.domain import deadlines as deadline_rules
from victims.domain.prerelease import Contactable, Stage, ZoneStatus, to_offer_contact_again
from victims.domain.vocabulary import ContactLevel, Direction, Role
from victims.extensions import db
from victims.people.models import Person
from victims.prerelease.models import (
    ConditionRequest,
    ExclusionZone,
    PreReleaseContact,
    ReleaseAddress,
    ZonePoint,
)
from victims.staff.models import User
from victims.work import queries as work_queries


def request_for_change(request_id: int, user: User) -> tuple[ConditionRequest, Case]:
    """A licence-condition request on a case the user may see (404 otherwise)."""
    record = db.session.get(ConditionRequest, request_id)
    if record is None:
        abort(404)
    return record, case_for_change(record.case_id, user)


def zone_for_change(zone_id: int, user: User) -> tuple[ExclusionZone, Case]:
    """An exclusion zone on a case the user may see (404 otherwise)."""
    record = db.session.get(ExclusionZone, zone_id)
    if record is None:
        abort(404)
    return record, case_for_change(record.case_id, user)


def requests_of_case(case_id: int) -> list[ConditionRequest]:
    return list(
        db.session.scalars(
            select(ConditionRequest).where(ConditionRequest.case_id == case_id).order_by(ConditionRequest.id)
        )
    )


def request_for_zone(zone: ExclusionZone) -> ConditionRequest | None:
    return db.session.scalar(select(ConditionRequest).where(ConditionRequest.zone_id == zone.id))


def zone(zone_id: int | None) -> ExclusionZone | None:
    return db.session.get(ExclusionZone, zone_id) if zone_id is not None else None


def zones_of_case(case_id: int) -> list[ExclusionZone]:
    return list(
        db.session.scalars(
            select(ExclusionZone).where(ExclusionZone.case_id == case_id).order_by(ExclusionZone.id)
        )
    )


def zone_points(zone: ExclusionZone) -> dict[str, tuple[float, float]]:
    """kind → (lat, lon) of the places the zone is checked against."""
    found = {}
    for point in db.session.scalars(select(ZonePoint).where(ZonePoint.zone_id == zone.id)):
        lat, lon = (float(part) for part in point.coordinates.split(","))
        found[point.kind] = (lat, lon)
    return found


def current_release_address(case_id: int) -> ReleaseAddress | None:
    """The offender's proposed release address as last given (issue 17), or None when none has
    been recorded or the last one given was withdrawn (its postcode is None)."""
    latest = db.session.scalar(
        select(ReleaseAddress)
        .where(ReleaseAddress.case_id == case_id)
        .order_by(ReleaseAddress.id.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.postcode is not None else None


def release_address_history(case_id: int) -> list[ReleaseAddress]:
    """Every release address given for the case, the latest first."""
    return list(
        db.session.scalars(
            select(ReleaseAddress)
            .where(ReleaseAddress.case_id == case_id)
            .options(joinedload(ReleaseAddress.recorded_by))
            .order_by(ReleaseAddress.id.desc())
        )
    )


@dataclass(frozen=True)
class CasePrerelease:
    """What the case page's "Pre-release" section shows."""

    window_opens: date | None
    representations_due: date | None
    contacts: list[PreReleaseContact]
    requests: list[ConditionRequest]
    zones: dict[int, ExclusionZone]
    to_consider: list[tuple[Person, str]]
    people: dict[int, Person] = field(default_factory=dict)


def for_case_page(case: Case) -> CasePrerelease:
    """The case's pre-release work. `case` comes with its people loaded (cases.queries)."""
    due = work_queries.first_due(
        case.id, (deadline_rules.PRE_RELEASE_WINDOW, deadline_rules.LICENCE_REPRESENTATIONS)
    )
    contacts = db.session.scalars(
        select(PreReleaseContact)
        .where(PreReleaseContact.case_id == case.id)
        .order_by(PreReleaseContact.contacted_on.desc())
    ).all()
    zones = {
        zone.id: zone
        for zone in db.session.scalars(select(ExclusionZone).where(ExclusionZone.case_id == case.id))
    }
    last_heard = dict(
        db.session.execute(
            select(ContactLogEntry.person_id, func.max(ContactLogEntry.occurred_at))
            .where(ContactLogEntry.case_id == case.id, ContactLogEntry.direction == Direction.INBOUND.value)
            .group_by(ContactLogEntry.person_id)
        ).all()
    )
    people = {person.id: person for person in case.people}
    considered = to_offer_contact_again(
        (
            Contactable(
                person_id=person.id,
                opted_out=person.contact_level == ContactLevel.OPTED_OUT,
                contact_lost=person.contact_lost,
                last_heard_from=last_heard.get(person.id),
            )
            for person in case.people
        ),
        clock.utcnow(),
    )
    return CasePrerelease(
        window_opens=due.get(deadline_rules.PRE_RELEASE_WINDOW),
        representations_due=due.get(deadline_rules.LICENCE_REPRESENTATIONS),
        contacts=list(contacts),
        requests=requests_of_case(case.id),
        zones=zones,
        to_consider=[(people[person_id], why) for person_id, why in considered],
        people=people,
    )


@dataclass(frozen=True)
class WaitingForSpo:
    requests: list[ConditionRequest] = field(default_factory=list)
    zones: list[ExclusionZone] = field(default_factory=list)


def waiting_for_spo(user: User) -> WaitingForSpo:
    """For the SPO's Team work: requests whose wording waits for checking, maps to countersign."""
    if user.role != Role.SPO or user.team_id is None:
        return WaitingForSpo()
    team_cases = select(Case.id).where(Case.team_id == user.team_id)
    return WaitingForSpo(
        requests=list(
            db.session.scalars(
                select(ConditionRequest)
                .where(ConditionRequest.case_id.in_(team_cases), ConditionRequest.stage == Stage.DRAFTED)
                .order_by(ConditionRequest.drafted_at)
            )
        ),
        zones=list(
            db.session.scalars(
                select(ExclusionZone)
                .where(ExclusionZone.case_id.in_(team_cases), ExclusionZone.status == ZoneStatus.SUBMITTED)
                .order_by(ExclusionZone.submitted_at)
            )
        ),
    )
