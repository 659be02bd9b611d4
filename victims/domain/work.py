"""Work: the deadlines a case has, and the tasks that come with them (SPEC §5).

A deadline says when; its task says who. Every deadline of a rule that carries work
(`task_title`) opens with a task, and the two close together: a deadline met closes its task as
done, a deadline cancelled closes it as no longer needed. The service applies what this module
decides; `plan_case_deadlines` decides what changes when a case's facts change.

Offender events (recall, release, parole decision…) each create a task whose deadline counts from
the later of the day the event happened and the day the unit learned of it (`event_deadlines`);
a parole decision also opens the reconsideration window, counted from the decision. See
`victims.domain.deadlines` for their rules and numbers. Which events a case is offered depends
on its scheme (`events_for_scheme`): a restricted patient's events only for the restricted
patients' scheme.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from victims.domain import deadlines as rules
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.deadlines import (
    RESTRICTED_PATIENT_EVENTS,
    Deadline,
    DeadlineChange,
    DeadlineInputs,
    OffenderEvent,
    RuleSet,
)
from victims.domain.vocabulary import Labelled, Scheme


class DeadlineStatus(Labelled):
    OPEN = "open", "Open"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"
    # Closed because the case closed: neither met nor cancelled (the status column holds 10
    # characters). Reopening the case brings the scheme's deadlines back (plan_case_deadlines).
    CASE_CLOSED = "closed", "Case closed"


class TaskStatus(Labelled):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "No longer needed"
    CASE_CLOSED = "closed", "Case closed"


# Which rules of SPEC §5 apply to a case, by scheme. The annual letter (per victim, on the annual
# level) and the licence-outcome and parole rules (counted from events) come with the work that
# records those dates.
_STATUTORY = (
    rules.REFERRAL,
    rules.INITIAL_CONTACT,
    rules.PRE_RELEASE_WINDOW,
    rules.LICENCE_REPRESENTATIONS,
)
CODES_BY_SCHEME: Mapping[Scheme, tuple[str, ...]] = {
    Scheme.STATUTORY: _STATUTORY,
    Scheme.STATUTORY_MDO: _STATUTORY,
    Scheme.DISCRETIONARY: (rules.INITIAL_CONTACT, rules.PRE_RELEASE_WINDOW, rules.LICENCE_REPRESENTATIONS),
    Scheme.VNS: (rules.VNS_INITIAL_CONTACT,),
}
# The deadlines that first contact with a victim meets, whatever the scheme.
INITIAL_CONTACT_CODES = (rules.INITIAL_CONTACT, rules.VNS_INITIAL_CONTACT)

# The deadlines that are work for a VLO, and the task each opens. The referral deadline is met
# by the referral arriving, so it is nobody's task.
TASK_TITLES: Mapping[str, str] = {
    rules.INITIAL_CONTACT: "Make initial contact with the victims",
    rules.INITIAL_CONTACT_FROM_SENTENCE: "Make initial contact with the victims",
    rules.VNS_INITIAL_CONTACT: "Make initial contact with the victims (Victim Notification Scheme)",
    rules.PRE_RELEASE_WINDOW: "Start pre-release contact",
    rules.LICENCE_REPRESENTATIONS: "Send licence-condition representations",
    rules.CONTACT_LOST: "Find a new way to reach the victim: a letter or email came back",
    rules.ZONE_MAP: "Make the exclusion-zone map (needs the mapping skill)",
    rules.LICENCE_OUTCOME: "Tell the victim the outcome of their licence-condition requests",
    # The title says why: victims.domain.lifecycle.review_title.
    rules.CLOSURE_DUE: "Review the case for closure",
    # Task titles are shown outside the case (My tasks, Team work, reminder emails): no name.
    rules.TURNED_18: (
        "A child victim has turned 18: write to them directly from now on and ask their preferences again"
    ),
    rules.REFERRAL_PASSED_ON: (
        "A referral for this case arrived from outside the team: ask whoever sent it for the victims' details"
    ),
    # A parole decision's reconsideration window: a victim who wants the decision looked at again
    # asks the Secretary of State to apply, through their VLO, before the window closes.
    rules.PAROLE_RECONSIDERATION: (
        "Pass on the victim's request for the parole decision to be reconsidered, if they make one"
    ),
    # An offender event's rule is named for the task it opens (victims.domain.deadlines).
    **{rule.code: rule.name for rule in rules.EVENT_RULES},
}


def task_title(code: str) -> str | None:
    """The task a deadline of this rule opens, or None when it opens none."""
    return TASK_TITLES.get(code)


def task_status_when_closed(deadline: DeadlineStatus) -> TaskStatus:
    """A task closes with its deadline: done when it is met, no longer needed when cancelled,
    "case closed" when the case closed."""
    if deadline is DeadlineStatus.OPEN:
        raise ValueError("an open deadline does not close its task")
    if deadline is DeadlineStatus.CASE_CLOSED:
        return TaskStatus.CASE_CLOSED
    return TaskStatus.DONE if deadline is DeadlineStatus.MET else TaskStatus.CANCELLED


def event_deadline(
    event: OffenderEvent, counted_from: date, rules_in_force: RuleSet, calendar: WorkingDayCalendar
) -> Deadline:
    """The deadline of the task an offender event creates, counted from a day (the later of the
    day it happened and the day the unit learned of it: `event_deadlines`)."""
    return rules.compute(rules.event_code(event), counted_from, rules_in_force, calendar)


def event_counted_from(occurred_on: date, learned_on: date) -> date:
    """The day an offender event's task counts from: the later of the day it happened and the
    day the unit learned of it (SPEC §5: news that arrives late still gets its full time)."""
    return max(occurred_on, learned_on)


def event_date_problems(occurred_on: date, learned_on: date, today: date) -> list[tuple[str, str]]:
    """Why an event's two dates cannot be recorded, as (field, message): neither may be in the
    future, and the unit cannot learn of an event before it happened (said only when the day it
    happened is itself possible)."""
    problems: list[tuple[str, str]] = []
    if occurred_on > today:
        problems.append(("occurred_on", "The date the event happened must be today or in the past"))
    if learned_on > today:
        problems.append(("learned_on", "The date the unit learned of the event must be today or in the past"))
    elif learned_on < occurred_on and occurred_on <= today:  # said once: the first date is wrong
        problems.append(
            (
                "learned_on",
                "The date the unit learned of the event must be the same as or after the date it happened",
            )
        )
    return problems


def event_deadlines(
    event: OffenderEvent,
    occurred_on: date,
    learned_on: date,
    rules_in_force: RuleSet,
    calendar: WorkingDayCalendar,
) -> tuple[Deadline, ...]:
    """Every deadline an offender event opens: its task's, counted from the later of the day it
    happened and the day the unit learned of it; and, for a parole decision, the
    reconsideration window, counted from the decision itself."""
    opened = [event_deadline(event, event_counted_from(occurred_on, learned_on), rules_in_force, calendar)]
    if event is OffenderEvent.PAROLE_DECISION:
        opened.append(rules.compute(rules.PAROLE_RECONSIDERATION, occurred_on, rules_in_force, calendar))
    return tuple(opened)


def events_for_scheme(scheme: Scheme | None) -> tuple[OffenderEvent, ...]:
    """The events a case of the scheme can record, in the order they are offered: a restricted
    patient's case its own events first, then the prison ones (a patient transferred from prison
    may go back to it); every other case only the prison ones."""
    prison = tuple(event for event in OffenderEvent if event not in RESTRICTED_PATIENT_EVENTS)
    if scheme is Scheme.STATUTORY_MDO:
        return tuple(event for event in OffenderEvent if event in RESTRICTED_PATIENT_EVENTS) + prison
    return prison


# -- what changes when a case's facts change ------------------------------------------------------


@dataclass(frozen=True)
class StoredDeadline:
    """A deadline as the case holds it now."""

    id: int
    code: str
    due: date
    rule_version: int
    status: DeadlineStatus
    event_id: int | None = None


@dataclass(frozen=True)
class Opening:
    """A deadline to add. `met_on` is set when it is met as it opens (the referral deadline: the
    case exists because the referral has arrived), and then it opens no task."""

    deadline: Deadline
    met_on: date | None = None


@dataclass(frozen=True)
class WorkPlan:
    """What to do to a case's stored deadlines (and so to their tasks)."""

    opened: tuple[Opening, ...] = ()
    moved: tuple[tuple[int, Deadline], ...] = ()  # stored id → its new date (history kept)
    cancelled: tuple[int, ...] = ()  # stored ids: no longer apply (history kept, task closed)
    changes: tuple[DeadlineChange, ...] = ()  # for people: (code, old due, new due)


# A deadline no longer in force: the planner opens its rule again when the dates allow.
_GONE = (DeadlineStatus.CANCELLED, DeadlineStatus.CASE_CLOSED)


def plan_case_deadlines(
    scheme: Scheme,
    inputs: DeadlineInputs,
    stored: Iterable[StoredDeadline],
    rules_in_force: RuleSet,
    calendar: WorkingDayCalendar,
) -> WorkPlan:
    """The deadlines of the case's scheme worked out from its dates, against those it holds.

    - A deadline the case does not hold (or holds only cancelled, or closed with the case, which
      has since reopened) is opened once its date can be counted; the referral deadline opens
      met on the day the referral was received.
    - An open deadline whose date or rule version changed moves; met deadlines are left alone,
      and a date moved into the past is simply overdue.
    - An open deadline whose date can no longer be counted (a release date removed), or whose rule
      belongs to another scheme (the scheme changed), is cancelled. Deadlines of offender events
      and of other work are not the scheme's to cancel.

    `stored` may hold several deadlines of one rule (history): the newest (highest id) counts.
    """
    codes = CODES_BY_SCHEME[scheme]
    computed = rules.compute_all(inputs, rules_in_force, calendar, codes)
    latest: dict[str, StoredDeadline] = {}
    for row in sorted(stored, key=lambda row: row.id):
        latest[row.code] = row
    opened: list[Opening] = []
    moved: list[tuple[int, Deadline]] = []
    cancelled: list[int] = []
    changes: list[DeadlineChange] = []
    other_schemes = {code for scheme_codes in CODES_BY_SCHEME.values() for code in scheme_codes} - set(codes)
    for code in sorted(other_schemes & latest.keys()):
        row = latest[code]
        if row.status == DeadlineStatus.OPEN and row.event_id is None:
            cancelled.append(row.id)
            changes.append(DeadlineChange(code, row.due, None))
    for code in codes:
        deadline, held = computed.get(code), latest.get(code)
        if (held is None or held.status in _GONE) and deadline is not None:
            met_on = inputs.referral_date if code == rules.REFERRAL else None
            opened.append(Opening(deadline, met_on))
            changes.append(DeadlineChange(code, None, deadline.due))
        elif held is not None and held.status == DeadlineStatus.OPEN:
            if deadline is None:
                cancelled.append(held.id)
                changes.append(DeadlineChange(code, held.due, None))
            elif (held.due, held.rule_version) != (deadline.due, deadline.rule_version):
                moved.append((held.id, deadline))
                changes.append(DeadlineChange(code, held.due, deadline.due))
    return WorkPlan(tuple(opened), tuple(moved), tuple(cancelled), tuple(changes))
