"""Changes to cases: opening one, its scheme, sentence dates, allocation, contacts. Flush, never
commit. A case's work (deadlines and tasks) follows every change through victims.work.services.

Referrals arrive through victims.intake, which opens cases here and records their people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from victims import clock
from victims.audit import services as audit
from victims.cases import queries
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence, SentenceDateChange
from victims.clock import london_date
from victims.domain import eligibility
from victims.domain.deadlines import DeadlineInputs, OffenderEvent
from victims.domain.eligibility import Eligibility, EligibilityDecision
from victims.domain.identity import same_offender
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    CaseStatus,
    DateSource,
    Direction,
    OffenceCategory,
    Role,
    Scheme,
    SentenceType,
)
from victims.domain.work import INITIAL_CONTACT_CODES
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User
from victims.types import update_versioned
from victims.work import services as work
from victims.work.models import OffenderEventRecord


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


class NotLookedUp:
    """The caller has not looked the offender up (open_case does)."""


NOT_LOOKED_UP = NotLookedUp()


def assess(offence_category: str, sentence_type: str, length_months: int | None) -> Eligibility:
    """The scheme worked out from the offence and sentence (victims.domain.eligibility)."""
    try:
        return eligibility.decide_eligibility(
            OffenceCategory(offence_category), SentenceType(sentence_type), length_months
        )
    except ValueError as error:
        raise Refused(f"Check the sentence: {error}", field="sentence_type") from None


def decide_at_intake(
    sentence: SentenceDetails, user: User | None, offer_scheme: str | None, offer_reason: str | None
) -> EligibilityDecision:
    """The computed scheme, or an SPO's choice of another with its reason. A victim who is not
    eligible gets no case unless an SPO offers the scheme anyway."""
    computed = assess(sentence.offence_category, sentence.sentence_type, sentence.length_months)
    if not offer_scheme:
        if not computed.eligible:
            raise Refused(computed.reason, field="offence_category")
        return EligibilityDecision(computed)
    if user is None:
        raise Refused("Only an SPO can offer a different scheme", field="offence_category")
    try:
        return eligibility.override(computed, Scheme(offer_scheme), offer_reason or "", Role(user.role))
    except eligibility.OverrideNotAllowedError:
        raise Refused("Only an SPO can offer a different scheme", field="offence_category") from None
    except ValueError as error:
        raise Refused(str(error).capitalize(), field="offer_reason") from None


def _keep_computed(case: Case, computed: Eligibility) -> None:
    case.computed_scheme = computed.scheme.value if computed.scheme else None
    case.eligibility_reason = computed.reason
    case.eligibility_basis = computed.basis
    case.discretionary_offer = computed.discretionary_offer


def _keep_override(case: Case, decision: EligibilityDecision, user: User) -> None:
    if decision.override is None:
        case.scheme_override_reason = case.scheme_overridden_by_id = case.scheme_overridden_at = None
    else:
        case.scheme_override_reason = decision.override.reason
        case.scheme_overridden_by_id = user.id
        case.scheme_overridden_at = clock.utcnow()


def open_case(
    *,
    offender: OffenderDetails,
    sentence: SentenceDetails,
    referral_received_on: date,
    team_id: int,
    region_id: int,
    user: User | None,
    offer_scheme: str | None = None,
    offer_reason: str | None = None,
    known_offender: Offender | NotLookedUp | None = NOT_LOOKED_UP,
) -> Case:
    """Open a case in the scheme worked out from the offence and sentence, or (an SPO only)
    in the scheme they chose with a reason, with its deadlines. Refused before anything is
    written. Its people are recorded by the caller (victims.intake.services).

    `user` is None for a referral through the API: the case then waits in the team's queue.
    `known_offender` is the offender already found under the CRN (or None: nobody is), checked
    by the caller to be the same person and to have no open case in the region (an import
    looks up the whole file's offenders at once)."""
    decision = decide_at_intake(sentence, user, offer_scheme, offer_reason)
    scheme = decision.scheme
    assert scheme is not None  # decide_at_intake refuses "not eligible"
    check_countable(scheme, sentence.sentence_date, referral_received_on, sentence.dates)
    looked_up = not isinstance(known_offender, NotLookedUp)
    record = (
        known_offender
        if not isinstance(known_offender, NotLookedUp)
        else queries.find_offender_by_crn(offender.crn)
    )
    if record is not None and not looked_up:
        check_identity(record, offender.last_name, offender.date_of_birth)
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
    elif not looked_up and queries.open_case_for_offender(record.id, region_id) is not None:
        raise Refused("This offender already has an open case in your region – find it by CRN", field="crn")
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
        scheme=scheme.value,
        status=CaseStatus.OPEN.value,
        referral_received_on=referral_received_on,
        allocated_vlo_id=user.id if user is not None and user.role == Role.VLO else None,
    )
    _keep_computed(case, decision.computed)
    _keep_override(case, decision, user)
    db.session.add(case)
    db.session.flush()
    audit.record("case_opened", "case", case.id, case_id=case.id, region_id=region_id, user=user)
    if decision.override is not None:
        audit.record(
            "scheme_overridden",
            "case",
            case.id,
            case_id=case.id,
            region_id=region_id,
            reason=decision.override.reason,
            details=_scheme_details(None, scheme.value, decision.computed),
            user=user,
        )
    refresh_deadlines(case, sentence_record, "Case opened", user)
    return case


def check_countable(
    scheme: Scheme, sentence_date: date | None, referral_date: date | None, dates: dict[str, date | None]
) -> None:
    """Refuse, at its field, a date the case's deadlines could not be counted from."""
    inputs = DeadlineInputs(sentence_date=sentence_date, referral_date=referral_date, release_dates=dates)
    try:
        work.check_countable(scheme, inputs)
    except Refused as refused:
        if refused.field == "referral_date":
            refused.field = "referral_received_on"  # the case's name for it
        raise


def refresh_deadlines(case: Case, sentence: Sentence, reason: str, user: User | None = None):
    """The case's deadlines after a change of its scheme or dates (victims.work.services)."""
    inputs = DeadlineInputs(
        sentence_date=sentence.sentence_date,
        referral_date=case.referral_received_on,
        release_dates=sentence.dates(),
    )
    return work.refresh_case_deadlines(case, Scheme(case.scheme), inputs, reason, user)


def record_viewed(case: Case, user: User) -> None:
    audit.record("case_viewed", "case", case.id, case_id=case.id, region_id=case.region_id, user=user)


def check_identity(record: Offender, last_name: str, date_of_birth: date | None) -> None:
    """Refuse a referral whose CRN is recorded for someone else (victims.domain.identity): a CRN
    typed wrongly must not attach a victim to another offender's case."""
    if not same_offender(record.last_name, record.date_of_birth, last_name, date_of_birth):
        raise Refused(
            "This CRN is recorded for another offender: check the CRN, the surname and the date of birth",
            field="crn",
        )


def _scheme_details(old: str | None, new: str, computed: Eligibility) -> dict:
    return {"from": old, "to": new, "computed": computed.scheme.value if computed.scheme else None}


def computed_eligibility(case: Case) -> Eligibility:
    """The answer kept on the case; worked out now for a case opened before it was kept."""
    if case.eligibility_reason is None:
        sentence = case.sentence
        return assess(sentence.offence_category, sentence.sentence_type, sentence.length_months)
    return Eligibility(
        Scheme(case.computed_scheme) if case.computed_scheme else None,
        case.eligibility_reason,
        case.eligibility_basis or "",
        case.discretionary_offer,
    )


def change_scheme(case: Case, scheme: str, reason: str, user: User) -> None:
    """An SPO puts the case in another scheme with a reason, or back in the computed one.

    The scheme decides which deadlines apply, so they are worked out again: deadlines of the
    old scheme that no longer apply are cancelled (with history), the new scheme's added."""
    if Role(user.role) is not Role.SPO:
        raise Refused("Only an SPO can change the scheme", field="scheme")
    chosen, reason = Scheme(scheme), reason.strip()
    if not reason:
        raise Refused("Enter the reason for changing the scheme", field="reason")
    if chosen.value == case.scheme:
        raise Refused(f"The case is already in the scheme ‘{chosen.label}’", field="scheme")
    computed = computed_eligibility(case)
    previous = case.scheme
    _keep_computed(case, computed)
    if chosen == computed.scheme:
        decision = EligibilityDecision(computed)
        action = "scheme_override_removed"
    else:
        decision = eligibility.override(computed, chosen, reason, Role(user.role))
        action = "scheme_overridden"
    case.scheme = chosen.value
    _keep_override(case, decision, user)
    db.session.flush()  # raises StaleDataError if someone else saved first
    audit.record(
        action,
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason,
        details=_scheme_details(previous, chosen.value, computed),
        user=user,
    )
    refresh_deadlines(case, case.sentence, f"Scheme changed to {chosen.label}", user)


def change_sentence_dates(
    sentence: Sentence,
    new_dates: dict[str, date | None],
    source: str,
    user: User | None,
    case: Case,
    *,
    event_id: int | None = None,
) -> list[SentenceDateChange]:
    """Set the release-related dates, keeping each change with its old value and source (and the
    release-date change event that brought them, if any), and recompute every deadline."""
    return change_many_sentence_dates([DatesChange(case, sentence, new_dates, source, event_id)], user)[0]


@dataclass(frozen=True)
class DatesChange:
    """New release-related dates for a case: only the dates named change."""

    case: Case
    sentence: Sentence
    new_dates: dict[str, date | None]
    source: str
    event_id: int | None = None


def dates_problem(change: DatesChange) -> Refused | None:
    """A new date the case's deadlines could not be counted from, at its field (the date's key)."""
    case, sentence = change.case, change.sentence
    try:
        check_countable(
            Scheme(case.scheme),
            sentence.sentence_date,
            case.referral_received_on,
            {
                **sentence.dates(),
                **{name: change.new_dates[name] for name in SENTENCE_DATES if name in change.new_dates},
            },
        )
    except Refused as refused:
        return refused
    return None


def change_many_sentence_dates(
    changes: list[DatesChange], user: User | None
) -> list[list[SentenceDateChange]]:
    """change_sentence_dates for many cases at once (a bulk of release-date changes through the
    API): the one path the dates form takes too, in a fixed number of statements however many
    cases. Refused, before anything is written, for the first date that cannot be counted from."""
    for change in changes:
        problem = dates_problem(change)
        if problem is not None:
            raise problem
    now = clock.utcnow()
    made: list[list[SentenceDateChange]] = []
    updates: list[tuple[int, int, dict]] = []
    for change in changes:
        rows = []
        values = {}
        for name in SENTENCE_DATES:
            if name not in change.new_dates:
                continue
            old, new = getattr(change.sentence, name), change.new_dates[name]
            if old == new:
                continue
            values[name] = new
            rows.append(
                SentenceDateChange(
                    sentence_id=change.sentence.id,
                    field=name,
                    old_value=old,
                    new_value=new,
                    source=change.source,
                    changed_at=now,
                    changed_by_id=user.id if user else None,
                    event_id=change.event_id,
                )
            )
        made.append(rows)
        if values:
            updates.append((change.sentence.id, change.sentence.version, values))
    if not any(made):
        return made
    # One UPDATE for all the sentences (the ORM would send one each); raises StaleDataError if
    # someone else saved one first. The sentences in the session take the new dates.
    update_versioned(db.session, Sentence, updates)
    db.session.add_all([row for rows in made for row in rows])
    db.session.flush()
    refreshes = []
    for change, rows in zip(changes, made, strict=True):
        if not rows:
            continue
        case, sentence = change.case, change.sentence
        audit.record(
            "sentence_dates_changed",
            "sentence",
            sentence.id,
            case_id=case.id,
            region_id=case.region_id,
            details={
                "fields": [row.field for row in rows],
                "source": change.source,
                **({"event_id": change.event_id} if change.event_id is not None else {}),
            },
            user=user,
        )
        names = ", ".join(row.field.upper() for row in rows)
        inputs = DeadlineInputs(
            sentence_date=sentence.sentence_date,
            referral_date=case.referral_received_on,
            release_dates=sentence.dates(),
        )
        refreshes.append(
            (
                case,
                Scheme(case.scheme),
                inputs,
                f"{names} changed ({DateSource(change.source).label.lower()})",
            )
        )
    work.refresh_many(refreshes, user)
    return made


def allocate(case: Case, vlo: User, reason: str, user: User) -> None:
    if vlo.role != Role.VLO or vlo.team_id != case.team_id or not vlo.active:
        raise Refused("Choose a victim liaison officer in this team", field="vlo")
    if case.allocated_vlo_id == vlo.id:
        raise Refused(f"The case is already allocated to {vlo.name}", field="vlo")
    previous = case.allocated_vlo_id
    case.allocated_vlo_id = vlo.id
    db.session.flush()
    work.reassign_open_tasks(case, vlo)  # the work follows the case
    audit.record(
        "case_reallocated" if previous else "case_allocated",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason,
        details={"from_user_id": previous, "to_user_id": vlo.id},
        user=user,
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
        raise Refused("Choose a person on this case", field="person")
    if occurred_at > clock.utcnow():
        raise Refused("The date of the contact must be today or in the past", field="occurred_on")
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
        # The first contact made with a victim meets the initial-contact deadline.
        for code in INITIAL_CONTACT_CODES:
            work.meet(case.id, code, london_date(occurred_at), user)
    audit.record(
        "contact_added",
        "contact_log_entry",
        entry.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"method": method, "direction": direction, "person_id": person_id},
        user=user,
    )
    return entry


# -- offender events, with the dates a release-date change brings -----------------------------------


@dataclass(frozen=True)
class CaseEvent:
    """An offender event for a case; a release-date change carries its new dates and their source
    (prison or probation), so the event and the date change are one entry."""

    case: Case
    details: work.EventDetails
    dates: dict[str, date | None] | None = None
    date_source: str | None = None


def case_event_problems(item: CaseEvent) -> list[Refused]:
    """Every reason the event cannot be recorded, each at its field (a new date's field is
    "dates/<name>"): its dates and kind (victims.work.services.event_problems), and a release-date
    change's new dates: required, from a source, changing at least one date, and dates the
    case's deadlines can be counted from."""
    problems = work.event_problems(item.case, item.details, clock.today())
    if item.details.kind is not OffenderEvent.RELEASE_DATE_CHANGE:
        problems += [
            Refused("is only for a release-date change", field=name)
            for name, given in (("dates", item.dates), ("source", item.date_source))
            if given is not None
        ]
        return problems
    if not item.dates:
        problems.append(Refused("is required for a release-date change: give the new dates", field="dates"))
        return problems
    if item.date_source is None:
        problems.append(Refused("is required for a release-date change: prison or probation", field="source"))
    sentence = item.case.sentence
    if all(getattr(sentence, name) == value for name, value in item.dates.items()):
        problems.append(
            Refused(
                "are the dates the case already holds: a release-date change must change at least one",
                field="dates",
            )
        )
        return problems
    refused = dates_problem(DatesChange(item.case, sentence, item.dates, item.date_source or "manual"))
    if refused is not None:
        problems.append(Refused(refused.message, field=f"dates/{refused.field}"))
    return problems


def record_case_events(items: list[CaseEvent], user: User | None, source: str) -> list[OffenderEventRecord]:
    """Record offender events (one, or a bulk of thousands through the API), each with its task
    and deadlines; a release-date change also sets its new dates and recomputes every deadline of
    its case exactly as the dates form does (change_many_sentence_dates), each date change tied
    to its event. Refused, before anything is written, for the first problem (callers that list
    every problem check case_event_problems first)."""
    for item in items:
        problems = case_event_problems(item)
        if problems:
            raise problems[0]
    records = work.record_events([(item.case, item.details) for item in items], user, source)
    change_many_sentence_dates(
        [
            DatesChange(item.case, item.case.sentence, item.dates, item.date_source or "manual", record.id)
            for item, record in zip(items, records, strict=True)
            if item.dates
        ],
        user,
    )
    return records
