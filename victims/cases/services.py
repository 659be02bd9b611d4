"""Changes to cases: intake, sentence dates, allocation, contacts. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence, SentenceDateChange
from victims.clock import LONDON
from victims.deadlines import services as deadlines
from victims.domain.vocabulary import SENTENCE_DATES, CaseStatus, DateSource, Direction, Role
from victims.extensions import db
from victims.people import services as people
from victims.staff.models import User


class ChangeRefused(Exception):
    """A change that the rules do not allow, with the message to show."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class OffenderDetails:
    crn: str
    prison_number: str | None
    first_name: str
    last_name: str
    date_of_birth: date | None
    current_location: str | None


@dataclass
class SentenceDetails:
    offence: str
    offence_category: str
    sentence_type: str
    length_months: int | None
    sentence_date: date
    court: str | None
    dates: dict[str, date | None]


def open_case(
    *,
    offender: OffenderDetails,
    sentence: SentenceDetails,
    scheme: str,
    referral_received_on: date,
    team_id: int,
    region_id: int,
    first_person: people.PersonDetails,
    first_preferences: people.Preferences,
    user: User,
) -> Case:
    from victims.cases.queries import find_offender_by_crn, open_case_for_offender

    record = find_offender_by_crn(offender.crn)
    if record is None:
        record = Offender(
            crn=offender.crn.upper(),
            prison_number=(offender.prison_number or "").upper() or None,
            first_name=offender.first_name,
            last_name=offender.last_name,
            date_of_birth=offender.date_of_birth,
            current_location=offender.current_location,
        )
        db.session.add(record)
        db.session.flush()
    elif open_case_for_offender(record.id, region_id) is not None:
        raise ChangeRefused(
            "This offender already has an open case in your region – find it by CRN", field="crn"
        )
    sentence_record = Sentence(
        offender_id=record.id,
        offence=sentence.offence,
        offence_category=sentence.offence_category,
        sentence_type=sentence.sentence_type,
        length_months=sentence.length_months,
        sentence_date=sentence.sentence_date,
        court=sentence.court,
        **{name: sentence.dates.get(name) for name in SENTENCE_DATES},
    )
    db.session.add(sentence_record)
    db.session.flush()
    case = Case(
        offender_id=record.id,
        sentence_id=sentence_record.id,
        region_id=region_id,
        team_id=team_id,
        scheme=scheme,
        status=CaseStatus.OPEN.value,
        referral_received_on=referral_received_on,
        allocated_vlo_id=user.id if user.role == Role.VLO else None,
    )
    db.session.add(case)
    db.session.flush()
    audit.record("case_opened", "case", case.id, case_id=case.id, region_id=region_id)
    people.add_person(case, first_person, user, first_preferences, new_case=True)
    deadlines.refresh_case_deadlines(case, sentence_record, "Case opened", user)
    return case


def change_sentence_dates(
    sentence: Sentence, new_dates: dict[str, date | None], source: str, user: User | None, case: Case
) -> list[SentenceDateChange]:
    """Set the release-related dates, keeping each change with its old value and source."""
    changes = []
    now = clock.utcnow()
    for name in SENTENCE_DATES:
        if name not in new_dates:
            continue
        old, new = getattr(sentence, name), new_dates[name]
        if old == new:
            continue
        setattr(sentence, name, new)
        change = SentenceDateChange(
            sentence_id=sentence.id,
            field=name,
            old_value=old,
            new_value=new,
            source=source,
            changed_at=now,
            changed_by_id=user.id if user else None,
        )
        db.session.add(change)
        changes.append(change)
    if changes:
        db.session.flush()  # raises StaleDataError if someone else saved first
        audit.record(
            "sentence_dates_changed",
            "sentence",
            sentence.id,
            case_id=case.id,
            region_id=case.region_id,
            details={"fields": [change.field for change in changes], "source": source},
            user=user,
        )
        names = ", ".join(change.field.upper() for change in changes)
        deadlines.refresh_case_deadlines(
            case, sentence, f"{names} changed ({DateSource(source).label.lower()})", user
        )
    return changes


def allocate(case: Case, vlo: User, reason: str, user: User) -> None:
    if vlo.role != Role.VLO or vlo.team_id != case.team_id or not vlo.active:
        raise ChangeRefused("Choose a victim liaison officer in this team", field="vlo")
    if case.allocated_vlo_id == vlo.id:
        raise ChangeRefused(f"The case is already allocated to {vlo.name}", field="vlo")
    previous = case.allocated_vlo_id
    case.allocated_vlo_id = vlo.id
    db.session.flush()
    audit.record(
        "case_reallocated" if previous else "case_allocated",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason,
        details={"from_user_id": previous, "to_user_id": vlo.id},
    )


def add_contact(
    case: Case,
    *,
    occurred_at: datetime,
    method: str,
    direction: str,
    summary: str,
    person_id: int | None,
    user: User,
) -> ContactLogEntry:
    if person_id is not None and person_id not in {person.id for person in case.people}:
        raise ChangeRefused("Choose a person on this case", field="person")
    if occurred_at > clock.utcnow():
        raise ChangeRefused("The date of the contact must be today or in the past", field="occurred_on")
    entry = ContactLogEntry(
        case_id=case.id,
        person_id=person_id,
        occurred_at=occurred_at,
        recorded_at=clock.utcnow(),
        user_id=user.id,
        method=method,
        direction=direction,
        summary=summary,
    )
    db.session.add(entry)
    db.session.flush()
    if direction == Direction.OUTBOUND and person_id is not None:
        # Until letters exist (issue 4), the first contact made with a victim meets the
        # initial-contact deadline.
        for code in deadlines.initial_contact_codes():
            deadlines.meet(case.id, code, occurred_at.astimezone(LONDON).date())
    audit.record(
        "contact_added",
        "contact_log_entry",
        entry.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"method": method, "direction": direction, "person_id": person_id},
    )
    return entry
