"""Deadlines: every rule of SPEC §5 as data, and the dates they give.

A rule (`DeadlineRule`) is fixed in code: what it counts from, in which unit, before or after.
Its number is configuration: a `RuleSet` holds, for every rule, the number in force and its
version. An administrator's change of a number is a new version (`RuleSet.with_number`), and
every computed `Deadline` records the rule code and the version that produced it.

Counting (decisions, also in docs/decisions.md):

- Working days follow `WorkingDayCalendar.add_working_days`: day one is the first working day
  after the date counted from (the start day is never counted).
- Calendar days, weeks and months are counted on the calendar; a month count that lands on a
  day the month does not have uses the month's last day (6 months before 31 August is
  28 or 29 February; 12 months after 29 February 2024 is 28 February 2025).
- A deadline that falls on a non-working day moves to the next working day (SPEC §5), for rules
  counted before a date as well as after it; `Deadline.moved_from` keeps the day the count
  reached, so the move can be explained.
- The earliest release date is the earliest of CRD, PED and HDCED that is known (SPEC §5).
- Every offender event has two dates: the day it happened (`occurred_on`) and the day the unit
  learned of it (`learned_on`, never before it happened). Its task's deadline counts from the
  later of the two (`victims.domain.work.event_counted_from`), so news that arrives late still
  gets its full time, and news learned the day it happens counts from that day. The record of
  both lets compliance reports show how late news arrived.
- A parole decision also opens the reconsideration window (21 calendar days), counted from the
  decision itself (the day it happened), not from when the unit learned of it: the window is the
  Parole Board's, and closes when it closes.
- A change of a rule's number applies to deadlines computed after it; deadlines already
  computed keep the version that produced them until their inputs change.

Offender events and their tasks: the numbers below are this service's DEFAULTS — SPEC §5 says
each event has its own deadline but gives no numbers. Each is configurable like any other rule.

| event                        | task for the VLO                                               | default |
|------------------------------|----------------------------------------------------------------|---------|
| release-date change          | check the new dates; tell the victim if the month has moved    | 10 wd   |
| transfer to open conditions  | tell the victim the offender has moved to open conditions      | 10 wd   |
| release on temporary licence | tell the victim; ask whether they want conditions for it       | 5 wd    |
| parole review listed         | tell the victim; offer a victim personal statement             | 10 wd   |
| parole decision              | tell the victim the decision and how reconsideration works     | 1 wd    |
| release                      | tell the victim of the release (month and general area only)   | 5 wd    |
| recall                       | tell the victim the offender is back in custody                | 1 wd    |
| licence end                  | tell the victim the licence has ended; review the case         | 10 wd   |
| death in custody             | tell the victim, before it is made public if possible          | 1 wd    |

Restricted patients (the mentally disordered offender scheme, SPEC §3; DVCVA ss.36–44):

| event                              | task for the VLO                                         | default |
|------------------------------------|----------------------------------------------------------|---------|
| First-tier Tribunal hearing listed | tell the victim; offer to pass on their representations  | 10 wd   |
| tribunal decision                  | tell the victim the decision and conditions about them   | 1 wd    |
| section 17 leave                   | tell the victim; ask whether they want conditions        | 5 wd    |
| conditional discharge              | tell the victim (month and general area only)            | 5 wd    |
| recall to hospital                 | tell the victim the patient is back in hospital          | 1 wd    |
| restriction order lifted           | tell the victim the restrictions ended; review the case  | 10 wd   |

(wd: working days, counted from the later of the day the event happened and the day the unit
learned of it.)

Events that touch the victim's safety or that may soon be public (parole decision, recall,
death in custody) get one working day; temporary release and release get five, because
conditions may still be asked for; the rest get ten, as for telling a victim the outcome of
their licence-condition requests (SPEC §5). The restricted patients' events follow the same
reasoning, each as its prison counterpart: a tribunal hearing as a parole review, its decision
as a parole decision, section 17 leave as temporary release, conditional discharge as release,
recall to hospital as recall, and a restriction order lifted as the end of the licence.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from victims.domain.calendar import OutsideCalendarError, WorkingDayCalendar
from victims.domain.vocabulary import Labelled


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    WEEKS = "weeks"
    MONTHS = "months"


class Side(StrEnum):
    """Whether the deadline comes before or after the date it counts from."""

    BEFORE = "before"
    AFTER = "after"


class Anchor(StrEnum):
    """The date a rule counts from."""

    SENTENCE_DATE = "sentence_date"
    REFERRAL_DATE = "referral_date"
    EARLIEST_RELEASE_DATE = "earliest_release_date"
    LICENCE_ISSUE_DATE = "licence_issue_date"
    LAST_CONTACT_DATE = "last_contact_date"
    PAROLE_DECISION_DATE = "parole_decision_date"
    EVENT_DATE = "event_date"


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    name: str
    default: int
    unit: Unit
    side: Side
    anchor: Anchor


# SPEC §5, row by row.
REFERRAL = "referral"
INITIAL_CONTACT = "initial_contact"
INITIAL_CONTACT_FROM_SENTENCE = "initial_contact_from_sentence"
VNS_INITIAL_CONTACT = "vns_initial_contact"
PRE_RELEASE_WINDOW = "pre_release_window"
LICENCE_REPRESENTATIONS = "licence_representations"
LICENCE_OUTCOME = "licence_outcome"
ANNUAL_UPDATE = "annual_update"
PAROLE_RECONSIDERATION = "parole_reconsideration"

CASE_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        REFERRAL,
        "Referral to the Victim Contact Unit",
        10,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.SENTENCE_DATE,
    ),
    DeadlineRule(
        INITIAL_CONTACT,
        "VLO initial contact",
        20,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.REFERRAL_DATE,
    ),
    # The variant some areas use (SPEC §5): the area's configuration picks which one applies.
    DeadlineRule(
        INITIAL_CONTACT_FROM_SENTENCE,
        "VLO initial contact (counted from sentence)",
        40,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.SENTENCE_DATE,
    ),
    DeadlineRule(
        VNS_INITIAL_CONTACT,
        "Victim Notification Scheme initial contact",
        15,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.SENTENCE_DATE,
    ),
    DeadlineRule(
        PRE_RELEASE_WINDOW,
        "Pre-release contact window opens",
        6,
        Unit.MONTHS,
        Side.BEFORE,
        Anchor.EARLIEST_RELEASE_DATE,
    ),
    DeadlineRule(
        LICENCE_REPRESENTATIONS,
        "Licence-condition representations to the probation practitioner",
        8,
        Unit.WEEKS,
        Side.BEFORE,
        Anchor.EARLIEST_RELEASE_DATE,
    ),
    DeadlineRule(
        LICENCE_OUTCOME,
        "Tell the victim the outcome of their requests",
        10,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.LICENCE_ISSUE_DATE,
    ),
    DeadlineRule(
        ANNUAL_UPDATE,
        "Annual update letter",
        12,
        Unit.MONTHS,
        Side.AFTER,
        Anchor.LAST_CONTACT_DATE,
    ),
    DeadlineRule(
        PAROLE_RECONSIDERATION,
        "Parole reconsideration window closes",
        21,
        Unit.CALENDAR_DAYS,
        Side.AFTER,
        Anchor.PAROLE_DECISION_DATE,
    ),
)

RELEASE_DATE_KEYS = ("crd", "ped", "hdced")


class OffenderEvent(Labelled):
    RELEASE_DATE_CHANGE = "release_date_change", "Release date changed"
    OPEN_CONDITIONS = "open_conditions", "Transferred to open conditions"
    TEMPORARY_LICENCE = "temporary_licence", "Released on temporary licence"
    PAROLE_REVIEW_LISTED = "parole_review_listed", "Parole review listed"
    PAROLE_DECISION = "parole_decision", "Parole decision"
    RELEASE = "release", "Released"
    RECALL = "recall", "Recalled to prison"
    LICENCE_END = "licence_end", "Licence ended"
    DEATH_IN_CUSTODY = "death_in_custody", "Died in custody"
    # Restricted patients (the mentally disordered offender scheme): values at most 34 characters,
    # so the rule code ("event_" + value) fits its 40.
    TRIBUNAL_HEARING_LISTED = "tribunal_hearing_listed", "First-tier Tribunal hearing listed"
    TRIBUNAL_DECISION = "tribunal_decision", "First-tier Tribunal decision"
    SECTION_17_LEAVE = "section_17_leave", "Section 17 leave granted"
    CONDITIONAL_DISCHARGE = "conditional_discharge", "Conditionally discharged from hospital"
    RECALL_TO_HOSPITAL = "recall_to_hospital", "Recalled to hospital"
    RESTRICTION_ORDER_LIFTED = "restriction_order_lifted", "Restriction order lifted"


# The events of the restricted patients' scheme (Scheme.STATUTORY_MDO): see victims.domain.work.
RESTRICTED_PATIENT_EVENTS: frozenset[OffenderEvent] = frozenset(
    {
        OffenderEvent.TRIBUNAL_HEARING_LISTED,
        OffenderEvent.TRIBUNAL_DECISION,
        OffenderEvent.SECTION_17_LEAVE,
        OffenderEvent.CONDITIONAL_DISCHARGE,
        OffenderEvent.RECALL_TO_HOSPITAL,
        OffenderEvent.RESTRICTION_ORDER_LIFTED,
    }
)


def event_code(event: OffenderEvent) -> str:
    """The rule code of the deadline an offender event's task has."""
    return f"event_{event.value}"


# DEFAULTS: see the table in the module docstring.
_EVENT_DEFAULTS: tuple[tuple[OffenderEvent, str, int], ...] = (
    (
        OffenderEvent.RELEASE_DATE_CHANGE,
        "Check the new release dates and tell the victim if the month of release has changed",
        10,
    ),
    (OffenderEvent.OPEN_CONDITIONS, "Tell the victim the offender has moved to open conditions", 10),
    (
        OffenderEvent.TEMPORARY_LICENCE,
        "Tell the victim about the temporary release and ask whether they want conditions",
        5,
    ),
    (
        OffenderEvent.PAROLE_REVIEW_LISTED,
        "Tell the victim about the parole review and offer a victim personal statement",
        10,
    ),
    (
        OffenderEvent.PAROLE_DECISION,
        "Tell the victim the Parole Board's decision and how reconsideration works",
        1,
    ),
    (
        OffenderEvent.RELEASE,
        "Tell the victim the offender has been released (month and general area only)",
        5,
    ),
    (OffenderEvent.RECALL, "Tell the victim the offender has been recalled to prison", 1),
    (OffenderEvent.LICENCE_END, "Tell the victim the licence has ended and review the case", 10),
    (OffenderEvent.DEATH_IN_CUSTODY, "Tell the victim the offender has died in custody", 1),
    (
        OffenderEvent.TRIBUNAL_HEARING_LISTED,
        "Tell the victim about the tribunal hearing and offer to pass on their representations",
        10,
    ),
    (
        OffenderEvent.TRIBUNAL_DECISION,
        "Tell the victim the tribunal's decision and any conditions that concern them",
        1,
    ),
    (
        OffenderEvent.SECTION_17_LEAVE,
        "Tell the victim about the patient's leave and ask whether they want conditions",
        5,
    ),
    (
        OffenderEvent.CONDITIONAL_DISCHARGE,
        "Tell the victim the patient has been discharged (month and general area only)",
        5,
    ),
    (OffenderEvent.RECALL_TO_HOSPITAL, "Tell the victim the patient has been recalled to hospital", 1),
    (
        OffenderEvent.RESTRICTION_ORDER_LIFTED,
        "Tell the victim the restriction order has been lifted and review the case",
        10,
    ),
)

EVENT_RULES: tuple[DeadlineRule, ...] = tuple(
    DeadlineRule(event_code(event), task, days, Unit.WORKING_DAYS, Side.AFTER, Anchor.EVENT_DATE)
    for event, task, days in _EVENT_DEFAULTS
)

# Work that comes from what happens to a letter or a request rather than to the offender.
CONTACT_LOST = "contact_lost"
ZONE_MAP = "zone_map"
# A referral for an offender whose case another team holds: that team checks it (intake adds no
# victims to another team's case).
REFERRAL_PASSED_ON = "referral_passed_on"
# The sentence and licence have ended, or every victim has opted out: the case may close
# (victims.domain.lifecycle decides when).
CLOSURE_DUE = "closure_due"
# A child victim's 18th birthday (victims.domain.coming_of_age): letters go to them from now on.
TURNED_18 = "turned_18"
WORK_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        CONTACT_LOST,
        "Find a new way to reach a victim whose letter or email came back",
        10,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.EVENT_DATE,
    ),
    DeadlineRule(
        ZONE_MAP,
        "Make the exclusion-zone map a victim asked for",
        10,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.EVENT_DATE,
    ),
    DeadlineRule(
        REFERRAL_PASSED_ON,
        "Check a referral another team or system sent for a case of the team",
        5,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.EVENT_DATE,
    ),
    DeadlineRule(
        CLOSURE_DUE,
        "Review a case for closure when the sentence has ended or every victim has opted out",
        10,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.EVENT_DATE,
    ),
    DeadlineRule(
        TURNED_18,
        "Write directly to a child victim who has turned 18 and ask their preferences again",
        10,
        Unit.WORKING_DAYS,
        Side.AFTER,
        Anchor.EVENT_DATE,
    ),
)

RULES: tuple[DeadlineRule, ...] = CASE_RULES + EVENT_RULES + WORK_RULES
RULES_BY_CODE: dict[str, DeadlineRule] = {rule.code: rule for rule in RULES}


@dataclass(frozen=True)
class RuleSetting:
    """A rule with the number in force and the version of that number (1 is the default)."""

    rule: DeadlineRule
    number: int
    version: int


class RuleSet(Mapping[str, RuleSetting]):
    """Every rule's number and version, by rule code. Immutable: a change makes a new RuleSet."""

    def __init__(self, settings: Mapping[str, RuleSetting]) -> None:
        missing = set(RULES_BY_CODE) - set(settings)
        if missing:
            raise ValueError(f"no setting for the rules {', '.join(sorted(missing))}")
        for code, setting in settings.items():
            if code not in RULES_BY_CODE or setting.rule != RULES_BY_CODE[code]:
                raise ValueError(f"{code!r} is not a deadline rule")
            _check_number(setting.number)
            if setting.version < 1:
                raise ValueError("rule versions start at 1")
        self._settings = dict(settings)

    @classmethod
    def defaults(cls) -> RuleSet:
        return cls({rule.code: RuleSetting(rule, rule.default, 1) for rule in RULES})

    @classmethod
    def from_numbers(cls, numbers: Mapping[str, tuple[int, int]]) -> RuleSet:
        """From stored configuration: code → (number, version); rules not given use the default."""
        unknown = set(numbers) - set(RULES_BY_CODE)
        if unknown:
            raise ValueError(f"unknown deadline rules: {', '.join(sorted(unknown))}")
        settings = {rule.code: RuleSetting(rule, rule.default, 1) for rule in RULES}
        for code, (number, version) in numbers.items():
            settings[code] = RuleSetting(RULES_BY_CODE[code], number, version)
        return cls(settings)

    def with_number(self, code: str, number: int) -> RuleSet:
        """The rule set after an administrator changes one rule's number (a new version)."""
        current = self[code]
        _check_number(number)
        if number == current.number:
            return self
        settings = dict(self._settings)
        settings[code] = RuleSetting(current.rule, number, current.version + 1)
        return RuleSet(settings)

    def __getitem__(self, code: str) -> RuleSetting:
        return self._settings[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._settings)

    def __len__(self) -> int:
        return len(self._settings)


def _check_number(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError("a deadline's number must be a whole number, 0 or more")


@dataclass(frozen=True)
class Deadline:
    """A computed due date, with the rule and version that produced it."""

    code: str
    name: str
    due: date
    counted_from: date
    rule_version: int
    number: int
    unit: Unit
    # The day the count reached when it was not a working day (the deadline then moved).
    moved_from: date | None = None


@dataclass(frozen=True)
class DeadlineInputs:
    """The dates deadlines count from; any may be unknown (None)."""

    sentence_date: date | None = None
    referral_date: date | None = None
    # Sentence dates by their SENTENCE_DATES key ("crd", "ped", "hdced", "led", ...).
    release_dates: Mapping[str, date | None] = field(default_factory=dict, hash=False)
    licence_issue_date: date | None = None
    last_contact_date: date | None = None
    parole_decision_date: date | None = None

    @property
    def earliest_release_date(self) -> date | None:
        return earliest_release_date(self.release_dates)

    def anchor(self, anchor: Anchor) -> date | None:
        """The date a rule counts from, if known (an offender event's is the day it is recorded:
        victims.domain.work.event_deadline)."""
        values: dict[Anchor, date | None] = {
            Anchor.SENTENCE_DATE: self.sentence_date,
            Anchor.REFERRAL_DATE: self.referral_date,
            Anchor.EARLIEST_RELEASE_DATE: self.earliest_release_date,
            Anchor.LICENCE_ISSUE_DATE: self.licence_issue_date,
            Anchor.LAST_CONTACT_DATE: self.last_contact_date,
            Anchor.PAROLE_DECISION_DATE: self.parole_decision_date,
            Anchor.EVENT_DATE: None,
        }
        return values[anchor]


def earliest_release_date(dates: Mapping[str, date | None]) -> date | None:
    """The earliest of CRD, PED and HDCED among those known; other dates are ignored."""
    known = [day for key in RELEASE_DATE_KEYS if (day := dates.get(key)) is not None]
    return min(known, default=None)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier if negative), or the month's last day if it is shorter."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def compute(code: str, counted_from: date, rules: RuleSet, calendar: WorkingDayCalendar) -> Deadline:
    """The deadline a rule gives when counted from a date, moved off a non-working day."""
    setting = rules[code]
    rule = setting.rule
    signed = setting.number if rule.side is Side.AFTER else -setting.number
    if rule.unit is Unit.WORKING_DAYS:
        reached = calendar.add_working_days(counted_from, signed)
    elif rule.unit is Unit.CALENDAR_DAYS:
        reached = counted_from + timedelta(days=signed)
    elif rule.unit is Unit.WEEKS:
        reached = counted_from + timedelta(weeks=signed)
    else:
        reached = add_months(counted_from, signed)
    due = calendar.next_working_day(reached)
    return Deadline(
        code=rule.code,
        name=rule.name,
        due=due,
        counted_from=counted_from,
        rule_version=setting.version,
        number=setting.number,
        unit=rule.unit,
        moved_from=reached if due != reached else None,
    )


class NotCountable(OutsideCalendarError):
    """A deadline's date to count from (or the day it reaches) is outside the calendar's years."""

    def __init__(self, anchor: Anchor, counted_from: date, first_year: int, last_year: int) -> None:
        super().__init__(
            f"A deadline counted from {counted_from.isoformat()} ({anchor.value}) falls outside the "
            f"working-day calendar ({first_year} to {last_year})"
        )
        self.anchor = anchor
        self.counted_from = counted_from
        self.first_year = first_year
        self.last_year = last_year

    def __reduce__(self) -> tuple[type[NotCountable], tuple[Anchor, date, int, int]]:
        return (NotCountable, (self.anchor, self.counted_from, self.first_year, self.last_year))


def compute_all(
    inputs: DeadlineInputs,
    rules: RuleSet,
    calendar: WorkingDayCalendar,
    codes: Iterable[str] | None = None,
) -> dict[str, Deadline]:
    """Every deadline whose date to count from is known, by rule code.

    `codes` limits it to the rules that apply to the case; the caller chooses them (for example
    the VNS initial contact for a VNS case, the annual letter only on the annual contact level,
    and one of the two initial-contact rules as the area's configuration says). By default every
    rule of SPEC §5 is computed. Raises NotCountable, naming the date to count from, when a
    deadline cannot be counted on the calendar's years.
    """
    chosen = [rule.code for rule in CASE_RULES] if codes is None else list(codes)
    deadlines: dict[str, Deadline] = {}
    for code in chosen:
        anchor = rules[code].rule.anchor
        counted_from = inputs.anchor(anchor)
        if counted_from is None:
            continue
        try:
            deadlines[code] = compute(code, counted_from, rules, calendar)
        except (ValueError, OverflowError):  # OutsideCalendarError, or a date past the year 9999
            raise NotCountable(anchor, counted_from, calendar.first_year, calendar.last_year) from None
    return deadlines


class DeadlineChange(NamedTuple):
    code: str
    old_due: date | None
    new_due: date | None


class Urgency(Labelled):
    """How close an open deadline is, as a tag on screen says it."""

    OVERDUE = "overdue", "Overdue"
    DUE_SOON = "due_soon", "Due soon"
    ON_TRACK = "on_track", "On track"


def urgency(due: date, today: date, calendar: WorkingDayCalendar, warn_working_days: int = 5) -> Urgency:
    """Overdue once the due date has passed; due soon on the day and within the warning period
    (due no more than `warn_working_days` working days after today); otherwise on track.

    For one date. A page of many dates works out the threshold once (`due_soon_before`) and
    compares each date with it (`urgency_against`): the same answer, without counting the
    working days up to every due date."""
    return urgency_against(due, today, due_soon_before(today, calendar, warn_working_days))


def due_soon_before(today: date, calendar: WorkingDayCalendar, warn_working_days: int = 5) -> date:
    """The first due date that is on track today: the (warn_working_days + 1)-th working day
    after today. Every day from today up to the day before it is within the warning period,
    since the working days counted from today to a date (today not counted, the date counted)
    only grow as the date moves later, and reach warn_working_days + 1 on that working day."""
    if warn_working_days < 0:
        raise ValueError("the warning period is a number of working days, 0 or more")
    return calendar.add_working_days(today, warn_working_days + 1)


def urgency_against(due: date, today: date, on_track_from: date) -> Urgency:
    """A due date's urgency against today and the threshold `due_soon_before` gave for today."""
    if today > due:
        return Urgency.OVERDUE
    if due < on_track_from:
        return Urgency.DUE_SOON
    return Urgency.ON_TRACK
