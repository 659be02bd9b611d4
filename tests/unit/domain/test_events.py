"""Offender events as they happened (issue 13): two dates, the later counts; a parole decision's
reconsideration window; the restricted patients' events and which cases are offered them."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain import deadlines as dl
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.deadlines import RESTRICTED_PATIENT_EVENTS, OffenderEvent, RuleSet
from victims.domain.vocabulary import Scheme
from victims.domain.work import (
    TASK_TITLES,
    event_counted_from,
    event_date_problems,
    event_deadlines,
    events_for_scheme,
)

CAL = WorkingDayCalendar.england(2020, 2030)
RULES = RuleSet.defaults()
D = date


@pytest.mark.parametrize(
    ("occurred_on", "learned_on", "counted_from"),
    [
        (D(2026, 11, 2), D(2026, 11, 20), D(2026, 11, 20)),  # learned late: from the day learned
        (D(2026, 11, 20), D(2026, 11, 20), D(2026, 11, 20)),  # learned the day it happened
        (D(2026, 11, 20), D(2026, 11, 2), D(2026, 11, 20)),  # never before it happened
    ],
)
def test_an_event_counts_from_the_later_of_its_two_dates(
    occurred_on: date, learned_on: date, counted_from: date
) -> None:
    assert event_counted_from(occurred_on, learned_on) == counted_from


def test_an_events_dates_are_checked_together() -> None:
    today = D(2026, 11, 25)
    assert event_date_problems(D(2026, 11, 2), D(2026, 11, 20), today) == []
    assert event_date_problems(today, today, today) == []
    assert [field for field, _ in event_date_problems(D(2026, 11, 20), D(2026, 11, 19), today)] == [
        "learned_on"
    ]
    assert [field for field, _ in event_date_problems(D(2026, 11, 26), D(2026, 11, 25), today)] == [
        "occurred_on"
    ]
    # Learned in the future is said once, not also as "before it happened".
    assert [field for field, _ in event_date_problems(D(2026, 11, 27), D(2026, 11, 26), today)] == [
        "occurred_on",
        "learned_on",
    ]


def test_a_late_recall_gets_its_full_time_from_the_day_it_was_learned() -> None:
    (deadline,) = event_deadlines(OffenderEvent.RECALL, D(2026, 11, 2), D(2026, 11, 20), RULES, CAL)
    assert (deadline.code, deadline.counted_from, deadline.due) == (
        "event_recall",
        D(2026, 11, 20),
        D(2026, 11, 23),
    )


def test_a_parole_decision_opens_the_reconsideration_window_from_the_decision_itself() -> None:
    task, window = event_deadlines(
        OffenderEvent.PAROLE_DECISION, D(2026, 11, 10), D(2026, 11, 20), RULES, CAL
    )
    assert (task.code, task.due) == ("event_parole_decision", D(2026, 11, 23))
    assert (window.code, window.counted_from, window.due) == (
        dl.PAROLE_RECONSIDERATION,
        D(2026, 11, 10),
        D(2026, 12, 1),
    )
    # 21 calendar days that end on a Saturday move to the Monday.
    _task, window = event_deadlines(
        OffenderEvent.PAROLE_DECISION, D(2026, 11, 14), D(2026, 11, 16), RULES, CAL
    )
    assert (window.due, window.moved_from) == (D(2026, 12, 7), D(2026, 12, 5))
    # The window is work: a task to pass on the victim's request in time.
    assert dl.PAROLE_RECONSIDERATION in TASK_TITLES
    # Its number is configuration like any other rule's.
    _task, window = event_deadlines(
        OffenderEvent.PAROLE_DECISION,
        D(2026, 11, 10),
        D(2026, 11, 10),
        RULES.with_number(dl.PAROLE_RECONSIDERATION, 28),
        CAL,
    )
    assert (window.due, window.rule_version) == (D(2026, 12, 8), 2)


@pytest.mark.parametrize(
    ("event", "working_days"),
    [
        (OffenderEvent.TRIBUNAL_HEARING_LISTED, 10),
        (OffenderEvent.TRIBUNAL_DECISION, 1),
        (OffenderEvent.SECTION_17_LEAVE, 5),
        (OffenderEvent.CONDITIONAL_DISCHARGE, 5),
        (OffenderEvent.RECALL_TO_HOSPITAL, 1),
        (OffenderEvent.RESTRICTION_ORDER_LIFTED, 10),
    ],
)
def test_restricted_patients_events_have_their_tasks_and_deadlines_as_data(
    event: OffenderEvent, working_days: int
) -> None:
    rule = dl.RULES_BY_CODE[dl.event_code(event)]
    assert (rule.default, rule.unit, rule.anchor) == (
        working_days,
        dl.Unit.WORKING_DAYS,
        dl.Anchor.EVENT_DATE,
    )
    assert TASK_TITLES[rule.code] == rule.name and rule.name.startswith("Tell the victim")
    assert len(event.value) <= 34 and len(rule.code) <= 40  # the columns' lengths
    (deadline,) = event_deadlines(event, D(2026, 11, 25), D(2026, 11, 25), RULES, CAL)
    assert deadline.due == CAL.add_working_days(D(2026, 11, 25), working_days)


def test_a_restricted_patients_case_is_offered_its_own_events_first() -> None:
    offered = events_for_scheme(Scheme.STATUTORY_MDO)
    assert set(offered) == set(OffenderEvent)
    assert set(offered[: len(RESTRICTED_PATIENT_EVENTS)]) == RESTRICTED_PATIENT_EVENTS
    for scheme in (Scheme.STATUTORY, Scheme.DISCRETIONARY, Scheme.VNS, None):
        assert not set(events_for_scheme(scheme)) & RESTRICTED_PATIENT_EVENTS
        assert OffenderEvent.RECALL in events_for_scheme(scheme)
