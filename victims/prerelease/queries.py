"""Reads of pre-release work, through a case the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from victims import clock
from victims.cases.models import Case, ContactLogEntry
from victims.cases.queries import case_for_change
from victims.domain import deadlines as deadline_rules
from victims.domain.evidence import ContactOutcome
from victims.domain.prerelease import (
    Contactable,
    Stage,
    Telling,
    ToldKind,
    ZoneStatus,
    to_offer_contact_again,
)
from victims.domain.vocabulary import ContactLevel, ContactMethod, Direction, Role
from victims.extensions import db
from victims.formatting import govuk_date
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


def requests_of_people(case_id: int, people: Iterable[int]) -> list[ConditionRequest]:
    """The requests these people made on the case, oldest first."""
    return list(
        db.session.scalars(
            select(ConditionRequest)
            .where(ConditionRequest.case_id == case_id, ConditionRequest.person_id.in_(list(people)))
            .order_by(ConditionRequest.id)
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


def latest_release_address(case_id: int) -> ReleaseAddress | None:
    """The last release-address row of the case, a withdrawal (no postcode) included; None when
    none was ever recorded."""
    return db.session.scalar(
        select(ReleaseAddress)
        .where(ReleaseAddress.case_id == case_id)
        .order_by(ReleaseAddress.id.desc())
        .limit(1)
    )


def current_release_address(case_id: int) -> ReleaseAddress | None:
    """The offender's proposed release address as last given (issue 17), or None when none has
    been recorded or the last one given was withdrawn (its postcode is None)."""
    latest = latest_release_address(case_id)
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


# -- who did each step, and when ------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One stage a request reached: who recorded it and when (`at`; None on rows from before
    issue 17 for the later steps), and the day it happened where only a day is known or it
    differs from the recording (the day the victim was told is the letter's or contact's)."""

    stage: Stage
    by: User | None
    at: datetime | None
    on: date | None = None


def _steps(record: ConditionRequest) -> list[tuple[Stage, int | None, datetime | None, date | None]]:
    found: list[tuple[Stage, int | None, datetime | None, date | None]] = [
        (Stage.REQUESTED, record.requested_by_id, record.requested_at, None)
    ]
    if record.drafted_at:
        found.append((Stage.DRAFTED, record.drafted_by_id, record.drafted_at, None))
    if record.checked_at:
        found.append((Stage.CHECKED, record.checked_by_id, record.checked_at, None))
    if record.sent_on:
        found.append((Stage.SENT, record.sent_by_id, record.sent_at, record.sent_on))
    if record.outcome_on:
        # Only "not included" records a reason (services.step).
        outcome = Stage.NOT_INCLUDED if record.outcome_reason else Stage.INCLUDED
        found.append((outcome, record.outcome_by_id, record.outcome_at, record.outcome_on))
    if record.told_on or record.told_at:
        found.append((Stage.TOLD, record.told_by_id, record.told_at, record.told_on))
    return found


def users_by_id(ids: Iterable[int | None]) -> dict[int, User]:
    """The users with these ids, in one statement."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def history(record: ConditionRequest) -> list[Step]:
    """Every stage the request has reached, the latest first (the MOJ timeline's order), with
    who recorded it: the users read in one statement."""
    steps = _steps(record)
    users = users_by_id(by for _stage, by, _at, _on in steps)
    return [Step(stage, users.get(by or 0), at, on) for stage, by, at, on in reversed(steps)]


# The user who took a request's latest step: the latest step's *_by_id is the first one set,
# going back from "told" (a redraft clears "checked").
def _latest_by():
    return func.coalesce(
        ConditionRequest.told_by_id,
        ConditionRequest.outcome_by_id,
        ConditionRequest.sent_by_id,
        ConditionRequest.checked_by_id,
        ConditionRequest.drafted_by_id,
        ConditionRequest.requested_by_id,
    )


def latest_step(record: ConditionRequest, by: User | None) -> Step:
    """The request's current stage, who took it and when."""
    stage, _by, at, on = _steps(record)[-1]
    return Step(stage, by, at, on)


# -- what told the victim ------------------------------------------------------------------------------


def contact_telling(entry: ContactLogEntry) -> Telling:
    """A contact-log entry as what may have told a victim an outcome (named, never its summary)."""
    on = clock.london_date(entry.occurred_at)
    how = f"{ContactMethod(entry.method).label} {Direction(entry.direction).label.lower()}"
    return Telling(
        kind=ToldKind.CONTACT,
        id=entry.id,
        case_id=entry.case_id,
        person_id=entry.person_id,
        on=on,
        happened=entry.outcome == ContactOutcome.MADE,
        description=f"Contact log: {how}, {govuk_date(on)}",
        at=entry.occurred_at,
        by_letter_or_email=entry.method in (ContactMethod.LETTER, ContactMethod.EMAIL)
        and entry.direction == Direction.OUTBOUND,
    )


def contact_tellings(case_id: int, people: Iterable[int]) -> list[Telling]:
    """The case's contact-log entries with these people (the rules choose among them)."""
    entries = db.session.scalars(
        select(ContactLogEntry).where(
            ContactLogEntry.case_id == case_id, ContactLogEntry.person_id.in_(list(people))
        )
    )
    return [contact_telling(entry) for entry in entries]


def contact_telling_by_id(entry_id: int) -> Telling | None:
    """The contact-log entry with this id, on whatever case: the rules refuse another case's."""
    entry = db.session.get(ContactLogEntry, entry_id)
    return contact_telling(entry) if entry is not None else None


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
    # request id → its current stage, who took it and when
    latest: dict[int, Step] = field(default_factory=dict)


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
    # The requests with who took each one's latest step, in one statement.
    rows = db.session.execute(
        select(ConditionRequest, User)
        .outerjoin(User, User.id == _latest_by())
        .where(ConditionRequest.case_id == case.id)
        .order_by(ConditionRequest.id)
    ).all()
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
        requests=[record for record, _by in rows],
        zones=zones,
        to_consider=[(people[person_id], why) for person_id, why in considered],
        people=people,
        latest={record.id: latest_step(record, by) for record, by in rows},
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
