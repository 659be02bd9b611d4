"""Computing and keeping each case's deadlines. Flushes, never commits."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import g, has_request_context
from sqlalchemy import func, select

from victims import clock
from victims.deadlines.models import (
    CANCELLED,
    MET,
    OPEN,
    CaseDeadline,
    DeadlineChange,
    NonWorkingDay,
    RuleSettingRecord,
)
from victims.domain import deadlines as rules
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.vocabulary import Scheme
from victims.extensions import db
from victims.staff.models import User

# A calendar wide enough for sentence dates in the past and release dates of long sentences.
YEARS_BACK, YEARS_AHEAD = 15, 80

# Which rules of SPEC §5 apply to a case, by scheme. The annual letter (per victim, on the
# annual level) and the licence-outcome and parole rules (counted from events) come with the
# work that records those dates.
CODES_BY_SCHEME = {
    Scheme.STATUTORY: (
        rules.REFERRAL,
        rules.INITIAL_CONTACT,
        rules.PRE_RELEASE_WINDOW,
        rules.LICENCE_REPRESENTATIONS,
    ),
    Scheme.STATUTORY_MDO: (
        rules.REFERRAL,
        rules.INITIAL_CONTACT,
        rules.PRE_RELEASE_WINDOW,
        rules.LICENCE_REPRESENTATIONS,
    ),
    Scheme.DISCRETIONARY: (rules.INITIAL_CONTACT, rules.PRE_RELEASE_WINDOW, rules.LICENCE_REPRESENTATIONS),
    Scheme.VNS: (rules.VNS_INITIAL_CONTACT,),
}


@lru_cache(maxsize=8)
def _calendar(first_year: int, last_year: int, extra: frozenset[date]) -> WorkingDayCalendar:
    return WorkingDayCalendar.england(first_year, last_year, extra_non_working=extra)


def working_calendar() -> WorkingDayCalendar:
    """England and Wales working days, with the days administrators have added.

    Read once per request (a page of 25 deadlines asks 25 times)."""
    if has_request_context() and "working_calendar" in g:
        return g.working_calendar
    extra = frozenset(db.session.scalars(select(NonWorkingDay.day)))
    year = clock.today().year
    calendar = _calendar(year - YEARS_BACK, year + YEARS_AHEAD, extra)
    if has_request_context():
        g.working_calendar = calendar
    return calendar


def current_rules() -> rules.RuleSet:
    """The numbers in force: each code's newest version, the default where none is stored."""
    newest = (
        select(RuleSettingRecord.code, func.max(RuleSettingRecord.version).label("version"))
        .group_by(RuleSettingRecord.code)
        .subquery()
    )
    stored = db.session.execute(
        select(RuleSettingRecord.code, RuleSettingRecord.number, RuleSettingRecord.version).join(
            newest,
            (RuleSettingRecord.code == newest.c.code) & (RuleSettingRecord.version == newest.c.version),
        )
    ).all()
    return rules.RuleSet.from_numbers({row.code: (row.number, row.version) for row in stored})


def inputs_for(case, sentence) -> rules.DeadlineInputs:
    return rules.DeadlineInputs(
        sentence_date=sentence.sentence_date,
        referral_date=case.referral_received_on,
        release_dates=sentence.dates(),
    )


def refresh_case_deadlines(
    case, sentence, reason: str, user: User | None = None
) -> list[rules.DeadlineChange]:
    """Compute the case's deadlines and bring the stored ones up to date.

    New deadlines are added; open ones whose date moved are changed, keeping the old date in
    their history; open ones whose date can no longer be counted (a release date removed), or
    whose rule no longer applies (the scheme changed), are cancelled with history; a cancelled
    one that applies again is added afresh. Met deadlines are left alone. A date moved into
    the past is simply overdue.
    """
    codes = CODES_BY_SCHEME[Scheme(case.scheme)]
    computed = rules.compute_all(inputs_for(case, sentence), current_rules(), working_calendar(), codes)
    stored = {
        row.code: row
        for row in db.session.scalars(
            select(CaseDeadline).where(CaseDeadline.case_id == case.id).order_by(CaseDeadline.id)
        )
    }
    changes: list[rules.DeadlineChange] = []
    # Rules of another scheme (event deadlines are not the scheme's to cancel).
    other_schemes = {code for scheme_codes in CODES_BY_SCHEME.values() for code in scheme_codes} - set(codes)
    for code in sorted(other_schemes & stored.keys()):
        row = stored[code]
        if row.status == OPEN and row.event_id is None:
            _record(row, None, None, reason, user)
            row.status = CANCELLED
            changes.append(rules.DeadlineChange(code, row.due_on, None))
    for code in codes:
        deadline, row = computed.get(code), stored.get(code)
        if (row is None or row.status == CANCELLED) and deadline is not None:
            _add(case, deadline)
            changes.append(rules.DeadlineChange(code, None, deadline.due))
        elif row is not None and row.status == OPEN:
            if deadline is None:
                _record(row, None, None, reason, user)
                row.status = CANCELLED
                changes.append(rules.DeadlineChange(code, row.due_on, None))
            elif (row.due_on, row.rule_version) != (deadline.due, deadline.rule_version):
                changes.append(rules.DeadlineChange(code, row.due_on, deadline.due))
                _record(row, deadline.due, deadline.rule_version, reason, user)
                row.due_on = deadline.due
                row.counted_from = deadline.counted_from
                row.moved_from = deadline.moved_from
                row.rule_version = deadline.rule_version
                row.rule_number = deadline.number
    db.session.flush()
    return changes


def _add(case, deadline: rules.Deadline, event_id: int | None = None) -> CaseDeadline:
    row = CaseDeadline(
        case_id=case.id,
        code=deadline.code,
        event_id=event_id,
        due_on=deadline.due,
        counted_from=deadline.counted_from,
        moved_from=deadline.moved_from,
        rule_version=deadline.rule_version,
        rule_number=deadline.number,
        status=OPEN,
    )
    if deadline.code == rules.REFERRAL:
        # The case exists because the referral has arrived: met on the day it was received.
        row.status, row.met_on = MET, case.referral_received_on
    db.session.add(row)
    # Work-bearing deadlines come with their task. Imported here: the work area builds on
    # deadlines (its events create them), so it cannot be imported at the top of this module.
    from victims.work.services import create_task

    create_task(case, row)
    return row


def add_work_deadline(case, deadline: rules.Deadline) -> CaseDeadline:
    """A deadline (and its task) for work that is not an offender event: a victim to find again."""
    row = _add(case, deadline)
    db.session.flush()
    return row


def add_event_deadline(case, deadline: rules.Deadline, event_id: int) -> CaseDeadline:
    """The deadline (and task) an offender event creates; several of one kind may be open."""
    row = _add(case, deadline, event_id=event_id)
    db.session.flush()
    return row


def _record(row: CaseDeadline, new_due: date | None, new_version: int | None, reason: str, user) -> None:
    db.session.add(
        DeadlineChange(
            deadline_id=row.id,
            old_due_on=row.due_on,
            new_due_on=new_due,
            old_rule_version=row.rule_version,
            new_rule_version=new_version,
            reason=reason,
            changed_at=clock.utcnow(),
            changed_by_id=user.id if user else None,
        )
    )


def meet(case_id: int, code: str, on: date) -> bool:
    """Mark a case's open deadline met; True if there was one to meet. Its task closes with it
    (victims.work.services)."""
    row = db.session.scalar(
        select(CaseDeadline)
        .where(
            CaseDeadline.case_id == case_id,
            CaseDeadline.code == code,
            CaseDeadline.status == OPEN,
        )
        .order_by(CaseDeadline.due_on, CaseDeadline.id)
        .limit(1)
    )
    if row is None:
        return False
    meet_deadline(row, on)
    return True


def meet_deadline(row: CaseDeadline, on: date) -> None:
    """Mark one open deadline met on a day (a task marked done meets its own deadline)."""
    if row.status != OPEN:
        return
    row.status, row.met_on = MET, on
    db.session.flush()


def initial_contact_codes() -> tuple[str, ...]:
    return (rules.INITIAL_CONTACT, rules.VNS_INITIAL_CONTACT)


def status_of(due: date, today: date | None = None) -> rules.DeadlineStatus:
    return rules.status(due, today or clock.today(), working_calendar())
