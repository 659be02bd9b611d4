"""Changes to cases: opening one, its scheme, sentence dates, allocation, contacts. Flush, never
commit. A case's work (deadlines and tasks) follows every change through victims.work.services.

Referrals arrive through victims.intake, which opens cases here and records their people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import update

from victims import clock
from victims.audit import services as audit
from victims.cases import queries
from victims.cases.models import (
    Case,
    CaseStatusChange,
    CaseTransfer,
    ContactLogEntry,
    Offender,
    Sentence,
    SentenceDateChange,
)
from victims.clock import london_date
from victims.domain import coming_of_age, eligibility, lifecycle
from victims.domain.deadlines import CONTACT_LOST, TURNED_18, DeadlineInputs, OffenderEvent
from victims.domain.eligibility import Eligibility, EligibilityDecision
from victims.domain.evidence import RECORDED_OUTCOMES, ContactOutcome, Evidence, EvidenceKind
from victims.domain.identity import same_offender
from victims.domain.lifecycle import ClosureGround, TransferStatus
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    CaseStatus,
    ClosureReason,
    DateSource,
    Direction,
    OffenceCategory,
    Role,
    Scheme,
    SentenceType,
)
from victims.extensions import db
from victims.people import services as people_services
from victims.people.models import CONTACT_DETAIL_FIELDS, Person
from victims.people.services import PersonDetails
from victims.refusals import Refused
from victims.staff.models import Team, User
from victims.types import update_versioned
from victims.work import services as work
from victims.work.models import OffenderEventRecord
from victims.work.queries import settings_fixed as work_settings_fixed


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
    """The case's deadlines after a change of its scheme or dates (victims.work.services).

    A closed case has no open work: its dates may still change, and its deadlines are worked
    out again when it reopens."""
    if case.status != CaseStatus.OPEN:
        return []
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
        if case.status != CaseStatus.OPEN:
            # A closed case has no open work: its deadlines are worked out again when it reopens.
            continue
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


def allocate(
    case: Case, vlo: User, reason: str | None, user: User, *, overridden: dict | None = None
) -> None:
    """Give the case to a VLO of its team; its open tasks follow. `overridden`: what choosing
    this VLO overrode (missing skills or training, capacity above 100%; codes and percentages
    only), which flags the audit event (issue 14)."""
    _refuse_if_closed(case, "allocating it", field="vlo")
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
        reason=reason or None,
        details={
            "from_user_id": previous,
            "to_user_id": vlo.id,
            **({"overridden": overridden} if overridden else {}),
        },
        user=user,
        flagged=bool(overridden),
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
    outcome: str = ContactOutcome.MADE,
) -> ContactLogEntry:
    """Log a contact. A contact with a person is evidence (victims.domain.evidence): made or
    attempted by us, it meets the initial contact and the tasks of events before it; made either
    way, it regains a lost contact with that person."""
    if person_id is not None and person_id not in {person.id for person in case.people}:
        raise Refused("Choose a person on this case", field="person")
    if occurred_at > clock.utcnow():
        raise Refused("The date of the contact must be today or in the past", field="occurred_on")
    outcome = ContactOutcome(outcome)
    if outcome not in RECORDED_OUTCOMES:
        raise Refused("Choose whether contact was made", field="outcome")
    if outcome is ContactOutcome.ATTEMPTED and direction != Direction.OUTBOUND:
        raise Refused("Only an attempt to contact the victim can go unanswered", field="outcome")
    entry = ContactLogEntry(
        case_id=case.id,
        person_id=person_id,
        occurred_at=occurred_at,
        recorded_at=clock.utcnow(),
        user_id=user.id,
        method=method,
        direction=direction,
        outcome=outcome,
        summary=summary,
    )
    db.session.add(entry)
    db.session.flush()
    on = london_date(occurred_at)
    if person_id is not None:
        kind = EvidenceKind.CONTACT if outcome is ContactOutcome.MADE else EvidenceKind.ATTEMPT
        if direction == Direction.OUTBOUND:
            work.meet_with(case.id, Evidence(kind, entry.id), on, user, person_id=person_id)
        if outcome is ContactOutcome.MADE:
            person = next(person for person in case.people if person.id == person_id)
            contact_regained(case, person, Evidence(EvidenceKind.CONTACT, entry.id), on, user)
    audit.record(
        "contact_added",
        "contact_log_entry",
        entry.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"method": method, "direction": direction, "person_id": person_id, "outcome": outcome.value},
        user=user,
    )
    return entry


def contact_regained(case: Case, person: Person, evidence: Evidence, on: date, user: User) -> bool:
    """A person whose contact was lost can be reached again: the flag clears (with the day kept
    and audited) and the case's task to find them is met by this evidence. False if contact was
    not lost."""
    how = "new_details" if evidence.kind is EvidenceKind.NEW_DETAILS else "contact"
    if not people_services.regain_contact(case, person, how, on, user):
        return False
    while work.meet(case.id, CONTACT_LOST, on, user, evidence, person_id=person.id):
        pass  # each letter that came back opened its own task
    return True


def change_person_details(
    case: Case, person: Person, details: PersonDetails, reason: str | None, user: User
) -> list[str]:
    """Change a person's details (victims.people.services.change_details: the reveal rule and a
    reason are the caller's). New contact details regain a lost contact."""
    changed = people_services.change_details(case, person, details, reason, user)
    if any(name in CONTACT_DETAIL_FIELDS for name in changed):
        contact_regained(case, person, Evidence(EvidenceKind.NEW_DETAILS, person.id), clock.today(), user)
    return changed


# -- the case's life: closing, reopening, transfer, closure proposed ---------------------------------


def _refuse_if_closed(case: Case, doing: str, field: str | None = None) -> None:
    if case.status != CaseStatus.OPEN:
        raise Refused(f"The case is closed: reopen it before {doing}", field=field)


def can_close(case: Case, user: User) -> bool:
    """The case's VLO or an SPO of its team may close it (the caller scoped it to the team)."""
    if user.role == Role.SPO:
        return user.team_id == case.team_id
    return user.role == Role.VLO and case.allocated_vlo_id == user.id


def close_case(case: Case, reason: str, details: str, user: User) -> None:
    """Close the case with a reason ("other" needs details). Its open deadlines and tasks close
    with it as "case closed" (victims.work.services.close_case_work)."""
    if case.status != CaseStatus.OPEN:
        raise Refused("The case is already closed", field="reason")
    if not can_close(case, user):
        raise Refused(
            "Only the case’s victim liaison officer or an SPO of its team can close it", field="reason"
        )
    details = details.strip()
    problem = lifecycle.check_closure(reason, details)
    if problem is not None:
        raise Refused(problem, field="details" if reason == ClosureReason.OTHER else "reason")
    if queries.pending_transfer(case.id) is not None:
        raise Refused("The case is waiting to be transferred: withdraw the transfer first", field="reason")
    now = clock.utcnow()
    case.status, case.closed_reason, case.closed_at = CaseStatus.CLOSED, reason, now
    db.session.flush()  # raises StaleDataError if someone else saved first
    db.session.add(
        CaseStatusChange(
            case_id=case.id,
            status=CaseStatus.CLOSED,
            closed_reason=reason,
            details=details or None,
            at=now,
            user_id=user.id,
        )
    )
    closed = work.close_case_work(case, user)
    audit.record(
        "case_closed",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=details or None,
        details={"reason": reason, "deadlines_closed": closed},
        user=user,
    )


def reopen_case(case: Case, reason: str, user: User) -> None:
    """An SPO of the team reopens the case with a reason. The scheme's deadlines come back
    (worked out again from today's dates); an offender event's closed with the case stay closed."""
    if case.status != CaseStatus.CLOSED:
        raise Refused("The case is open", field="reason")
    if user.role != Role.SPO or user.team_id != case.team_id:
        raise Refused("Only an SPO of the case’s team can reopen it", field="reason")
    reason = reason.strip()
    if not reason:
        raise Refused("Enter why the case is reopening", field="reason")
    previous = case.closed_reason
    case.status, case.closed_reason, case.closed_at = CaseStatus.OPEN, None, None
    db.session.flush()  # raises StaleDataError if someone else saved first
    db.session.add(
        CaseStatusChange(
            case_id=case.id, status=CaseStatus.OPEN, details=reason, at=clock.utcnow(), user_id=user.id
        )
    )
    audit.record(
        "case_reopened",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason,
        details={"was_closed_for": previous},
        user=user,
    )
    refresh_deadlines(case, case.sentence, "Case reopened", user)


def request_transfer(case: Case, to_team: Team | None, reason: str, user: User) -> CaseTransfer:
    """An SPO asks another team (in any region) to take the case; that team's SPO decides."""
    _refuse_if_closed(case, "transferring it", field="team")
    if user.role != Role.SPO or user.team_id != case.team_id:
        raise Refused("Only an SPO of the case’s team can transfer it", field="team")
    if to_team is None or to_team.id == case.team_id:
        raise Refused("Choose another team to take the case", field="team")
    reason = reason.strip()
    if not reason:
        raise Refused("Enter why the case should move", field="reason")
    if queries.pending_transfer(case.id) is not None:
        raise Refused("The case is already waiting to be transferred", field="team")
    transfer = CaseTransfer(
        case_id=case.id,
        from_team_id=case.team_id,
        to_team_id=to_team.id,
        status=TransferStatus.PENDING,
        reason=reason,
        requested_at=clock.utcnow(),
        requested_by_id=user.id,
    )
    db.session.add(transfer)
    db.session.flush()
    audit.record(
        "case_transfer_requested",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        reason=reason,
        details={"transfer_id": transfer.id, "to_team_id": to_team.id, "to_region_id": to_team.region_id},
        user=user,
    )
    return transfer


def _decide(transfer: CaseTransfer, status: TransferStatus, reason: str | None, user: User) -> None:
    transfer.status = status
    transfer.decided_at, transfer.decided_by_id, transfer.decision_reason = clock.utcnow(), user.id, reason


def withdraw_transfer(transfer: CaseTransfer, case: Case, user: User) -> None:
    """The sending team's SPO takes the request back before it is decided."""
    if transfer.status != TransferStatus.PENDING:
        raise Refused("The transfer has already been decided")
    if user.role != Role.SPO or user.team_id != transfer.from_team_id:
        raise Refused("Only an SPO of the sending team can withdraw the transfer")
    _decide(transfer, TransferStatus.WITHDRAWN, None, user)
    db.session.flush()
    audit.record(
        "case_transfer_withdrawn",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"transfer_id": transfer.id},
        user=user,
    )


def decline_transfer(transfer: CaseTransfer, case: Case, reason: str, user: User) -> None:
    """The receiving team's SPO says no, with a reason; the case stays where it is."""
    _check_receiver(transfer, user)
    reason = reason.strip()
    if not reason:
        raise Refused("Enter why your team cannot take the case", field="reason")
    _decide(transfer, TransferStatus.DECLINED, reason, user)
    db.session.flush()
    # The receiving side's record, in its own region; the sending team sees the decision on the case.
    audit.record(
        "case_transfer_declined",
        "case",
        case.id,
        case_id=case.id,
        region_id=user.region_id,
        reason=reason,
        details={"transfer_id": transfer.id, "from_team_id": transfer.from_team_id},
        user=user,
    )


def accept_transfer(transfer: CaseTransfer, case: Case, user: User) -> None:
    """The receiving team's SPO takes the case: it moves to their team and region, unallocated,
    and its open tasks go to their queue."""
    _check_receiver(transfer, user)
    if case.status != CaseStatus.OPEN:
        raise Refused("The case has closed since the transfer was asked for")
    to_team = db.session.get(Team, transfer.to_team_id)
    if to_team.region_id != case.region_id and queries.open_case_for_offender(
        case.offender_id, to_team.region_id
    ):
        raise Refused(
            "Your region already has an open case for this offender: ask the sending team to close theirs"
        )
    from_team_id, from_region_id = case.team_id, case.region_id
    case.team_id, case.region_id, case.allocated_vlo_id = to_team.id, to_team.region_id, None
    _decide(transfer, TransferStatus.ACCEPTED, None, user)
    db.session.flush()  # raises StaleDataError if someone else saved first
    moved = work.hand_open_work_to_team(case, to_team.id)
    details = {
        "transfer_id": transfer.id,
        "from_team_id": from_team_id,
        "from_region_id": from_region_id,
        "to_team_id": to_team.id,
        "to_region_id": to_team.region_id,
        "tasks_moved": moved,
    }
    # Both sides' trails: the receiving region's, and the sending region's when it differs.
    audit.record(
        "case_transfer_accepted",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        details=details,
        user=user,
    )
    if from_region_id != case.region_id:
        audit.record(
            "case_transferred_away",
            "case",
            case.id,
            case_id=case.id,
            region_id=from_region_id,
            details=details,
            user=user,
        )


def _check_receiver(transfer: CaseTransfer, user: User) -> None:
    if transfer.status != TransferStatus.PENDING:
        raise Refused("The transfer has already been decided or withdrawn")
    if user.role != Role.SPO or user.team_id != transfer.to_team_id:
        raise Refused("Only an SPO of the receiving team can decide")


def propose_closure_if_due(case: Case) -> bool:
    """Open a closure review for the case if it is due now (a victim opted out, the last one):
    the case, its sentence and its people loaded. True when a review opened."""
    if case.status != CaseStatus.OPEN:
        return False
    ground = lifecycle.closure_ground(
        case.sentence.dates(), [person.contact_level for person in case.people], clock.today()
    )
    return ground is not None and _propose(case, ground)


def _propose(case: Case, ground: ClosureGround) -> bool:
    opened = work.open_closure_review(case, lifecycle.review_title(ground), clock.today())
    if opened is not None:
        audit.record(
            "case_closure_proposed",
            "case",
            case.id,
            case_id=case.id,
            region_id=case.region_id,
            details={"ground": ground.value},
            user=None,
        )
    return opened is not None


def propose_closures(after_id: int, limit: int) -> tuple[int | None, int]:
    """One batch of the daily sweep: the next `limit` open cases after `after_id`, each given a
    closure review if it is due and has none open. Returns the last case id read (None when
    there were none: the sweep is over) and how many reviews opened. Idempotent."""
    batch = queries.cases_for_closure(after_id, limit)
    if not batch:
        return None, 0
    due = dict(lifecycle.due_for_closure(batch, clock.today()))
    opened = 0
    if due:
        with work_settings_fixed():
            for case in queries.cases_by_id(list(due)):
                opened += _propose(case, due[case.id])
    return batch[-1].id, opened


# -- a child victim turning 18 -------------------------------------------------------------


def alert_victims_turning_18(today: date) -> list[int]:
    """For each child victim on an open case whose 18th birthday is today (or was within the
    catch-up window, for a sweep that did not run), open the "has turned 18" task for the case's
    VLO (or the team's queue), counted from the birthday. Each person is claimed first (an
    UPDATE only where nobody has claimed them), so two sweeps, or one run twice, open one task
    per person. Returns the ids of the people alerted now."""
    candidates = queries.victims_maybe_turning_18(today)
    due = coming_of_age.turning_18(candidates, today)
    if not due:
        return []
    born = dict(candidates)
    cases = queries.cases_of_people(due)
    alerted = []
    for person_id in due:
        claimed = db.session.execute(
            update(Person)
            .where(Person.id == person_id, Person.turned_18_alerted_on.is_(None))
            .values(turned_18_alerted_on=today)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not claimed:
            continue
        case = cases[person_id]
        birthday = coming_of_age.eighteenth_birthday(born[person_id])
        work.open_work(case, TURNED_18, birthday, person_id=person_id)
        audit.record(
            "child_victim_turned_18",
            "person",
            person_id,
            case_id=case.id,
            region_id=case.region_id,
            user=None,  # the service did it; no date of birth in the trail
        )
        alerted.append(person_id)
    return alerted


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


# The dates that say when the offender leaves custody. A change to one of them on the dates page
# is a release-date change, recorded as the API records one: one event, with the dates it brought
# and the task it opens (tell the victim if the month of release has moved), not two entries.
RELEASE_DATES = ("crd", "ard", "ped", "hdced", "prrd")


def change_dates_on_the_page(
    case: Case, sentence: Sentence, new_dates: dict[str, date | None], source: str, user: User
) -> int:
    """A person changes the sentence dates on the dates page; returns how many changed. When a
    release date moves on an open case, it is a release-date change event (record_case_events),
    learned of today; otherwise only the dates change (an expiry date, or a closed case, whose
    work waits for it to reopen)."""
    changed = [name for name, value in new_dates.items() if getattr(sentence, name) != value]
    if case.status != CaseStatus.OPEN or not any(name in RELEASE_DATES for name in changed):
        return len(change_sentence_dates(sentence, new_dates, source, user, case))
    today = clock.today()
    details = work.EventDetails(OffenderEvent.RELEASE_DATE_CHANGE, occurred_on=today, learned_on=today)
    try:
        record_case_events([CaseEvent(case, details, new_dates, source)], user, source="manual")
    except Refused as refused:  # a new date's field is "dates/<name>": the page's field is <name>
        field = refused.field.removeprefix("dates/") if refused.field else None
        raise Refused(refused.message, field=field) from None
    return len(changed)
