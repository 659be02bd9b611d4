"""Which stage a deadline is in, and who hears of it (victims.domain.reminders)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.calendar import WorkingDayCalendar
from victims.domain.reminders import (
    Reason,
    Recipient,
    Stage,
    email_goes_today,
    horizon,
    recipients,
    stage_for,
)

CALENDAR = WorkingDayCalendar.england(2024, 2028)


@pytest.mark.parametrize(
    ("today", "due", "stage"),
    [
        # Wednesday 25 November 2026: five working days on is Wednesday 2 December.
        (date(2026, 11, 25), date(2026, 11, 24), Stage.OVERDUE),
        (date(2026, 11, 25), date(2026, 11, 25), Stage.DUE),
        (date(2026, 11, 25), date(2026, 11, 26), Stage.UPCOMING),
        (date(2026, 11, 25), date(2026, 12, 2), Stage.UPCOMING),
        (date(2026, 11, 25), date(2026, 12, 3), None),
        # Over Christmas: from Tuesday 22 December 2026, five working days are 23, 24, 29, 30, 31
        # December (25 and 28 December are bank holidays, 26 and 27 the weekend).
        (date(2026, 12, 22), date(2026, 12, 31), Stage.UPCOMING),
        (date(2026, 12, 22), date(2027, 1, 4), None),
        # Easter 2027: Good Friday 26 March and Easter Monday 29 March, so from Wednesday
        # 24 March the five working days are 25 and 30, 31 March and 1, 2 April.
        (date(2027, 3, 24), date(2027, 4, 2), Stage.UPCOMING),
        (date(2027, 3, 24), date(2027, 4, 5), None),
        # Long overdue is still overdue.
        (date(2027, 3, 24), date(2026, 1, 5), Stage.OVERDUE),
    ],
)
def test_the_stage_a_deadline_is_in(today, due, stage):
    assert stage_for(due, today, CALENDAR, 5) is stage


def test_the_upcoming_stage_follows_the_configured_number_of_working_days():
    today = date(2026, 11, 25)
    assert horizon(today, CALENDAR, 5) == date(2026, 12, 2)
    assert horizon(today, CALENDAR, 2) == date(2026, 11, 27)
    assert stage_for(date(2026, 11, 30), today, CALENDAR, 2) is None
    assert stage_for(date(2026, 11, 30), today, CALENDAR, 3) is Stage.UPCOMING


def test_the_vlo_hears_of_every_stage_and_the_spos_of_overdue_work():
    for stage in (Stage.UPCOMING, Stage.DUE):
        assert recipients(stage, 7, [3, 4]) == [Recipient(7, Reason.ASSIGNED)]
    assert recipients(Stage.OVERDUE, 7, [4, 3, 3]) == [
        Recipient(7, Reason.ASSIGNED),
        Recipient(3, Reason.ESCALATION),
        Recipient(4, Reason.ESCALATION),
    ]


def test_an_spo_holding_the_task_is_told_once():
    assert recipients(Stage.OVERDUE, 3, [3, 4]) == [
        Recipient(3, Reason.ASSIGNED),
        Recipient(4, Reason.ESCALATION),
    ]


def test_queued_work_goes_to_the_spos_and_overdue_queued_work_is_an_escalation():
    assert recipients(Stage.DUE, None, [4, 3]) == [
        Recipient(3, Reason.TEAM_QUEUE),
        Recipient(4, Reason.TEAM_QUEUE),
    ]
    assert recipients(Stage.OVERDUE, None, [3]) == [Recipient(3, Reason.ESCALATION)]


def test_with_nobody_in_the_team_the_managers_are_told_and_never_nobody():
    assert recipients(Stage.DUE, None, [], [9, 8]) == [
        Recipient(8, Reason.NO_ONE_ELSE),
        Recipient(9, Reason.NO_ONE_ELSE),
    ]
    assert recipients(Stage.DUE, 7, [], [9]) == [Recipient(7, Reason.ASSIGNED)]
    assert recipients(Stage.DUE, None, [], []) == []


@pytest.mark.parametrize(
    ("today", "any_day", "goes"),
    [
        (date(2026, 12, 24), False, True),  # Thursday
        (date(2026, 12, 25), False, False),  # Christmas Day
        (date(2026, 12, 26), False, False),  # Saturday
        (date(2026, 12, 28), False, False),  # Boxing Day's substitute bank holiday
        (date(2026, 12, 29), False, True),
        (date(2026, 12, 25), True, True),  # chosen: any day
        (date(2026, 12, 27), True, True),
    ],
)
def test_reminder_emails_go_on_working_days_unless_any_day_was_chosen(today, any_day, goes):
    assert email_goes_today(today, CALENDAR, any_day) is goes
