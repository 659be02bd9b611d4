"""The compliance rules: how a deadline stands, the periods, and percentages of nothing."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.compliance import (
    MEASURE_CODES,
    Measure,
    Outcome,
    Period,
    Preset,
    classify,
    last_months,
    measure_for_code,
    percentage,
    percentage_text,
    preset_period,
)
from victims.domain.deadlines import ANNUAL_UPDATE, CASE_RULES, LICENCE_OUTCOME, RULES_BY_CODE, Unit

TODAY = date(2026, 11, 25)
DUE = date(2026, 11, 10)


@pytest.mark.parametrize(
    ("status", "due_on", "days_late", "closed_on", "expected"),
    [
        ("met", DUE, 0, None, Outcome.ON_TIME),
        ("met", DUE, None, None, Outcome.ON_TIME),
        ("met", DUE, 1, None, Outcome.LATE),
        ("met", DUE, 12, None, Outcome.LATE),
        ("open", DUE, None, None, Outcome.MISSED),
        ("open", TODAY, None, None, Outcome.NOT_YET_DUE),  # due today: still time
        ("open", date(2026, 11, 24), None, None, Outcome.MISSED),  # due yesterday
        ("open", date(2027, 1, 1), None, None, Outcome.NOT_YET_DUE),
        ("closed", DUE, None, date(2026, 11, 11), Outcome.MISSED),  # closed while overdue
        ("closed", DUE, None, DUE, None),  # closed on its due day: nobody missed it
        ("closed", DUE, None, date(2026, 11, 1), None),  # closed before it was due
        ("closed", DUE, None, None, None),
        ("cancelled", DUE, None, None, None),
    ],
)
def test_a_deadline_is_on_time_late_missed_or_not_yet_due(status, due_on, days_late, closed_on, expected):
    assert classify(status, due_on, days_late, TODAY, closed_on) == expected


@pytest.mark.parametrize(
    ("part", "whole", "expected", "text"),
    [
        (0, 0, None, "No deadlines due"),
        (0, 3, 0, "0%"),
        (1, 3, 33, "33%"),
        (2, 3, 67, "67%"),
        (1, 8, 13, "13%"),  # 12.5 rounds half up
        (3, 3, 100, "100%"),
    ],
)
def test_percentages_say_so_when_there_is_nothing_to_count(part, whole, expected, text):
    assert percentage(part, whole) == expected
    assert percentage_text(part, whole) == text


@pytest.mark.parametrize(
    ("preset", "starts_on", "ends_on"),
    [
        (Preset.THIS_MONTH, date(2026, 11, 1), date(2026, 11, 30)),
        (Preset.LAST_MONTH, date(2026, 10, 1), date(2026, 10, 31)),
        (Preset.LAST_3_MONTHS, date(2026, 8, 1), date(2026, 10, 31)),
        (Preset.LAST_12_MONTHS, date(2025, 11, 1), date(2026, 10, 31)),
    ],
)
def test_presets_are_whole_months(preset, starts_on, ends_on):
    period = preset_period(preset, TODAY)
    assert (period.starts_on, period.ends_on, period.preset) == (starts_on, ends_on, preset)


def test_last_month_in_january_is_last_december():
    period = preset_period(Preset.LAST_MONTH, date(2027, 1, 3))
    assert (period.starts_on, period.ends_on) == (date(2026, 12, 1), date(2026, 12, 31))


def test_a_custom_period_needs_dates_and_ends_after_it_starts():
    with pytest.raises(ValueError):
        preset_period(Preset.CUSTOM, TODAY)
    with pytest.raises(ValueError):
        Period(date(2026, 11, 2), date(2026, 11, 1))


def test_the_due_date_decides_and_both_ends_count():
    period = Period(date(2026, 10, 1), date(2026, 10, 31))
    assert period.contains(date(2026, 10, 1)) and period.contains(date(2026, 10, 31))
    assert not period.contains(date(2026, 11, 1)) and not period.contains(date(2026, 9, 30))
    assert period.label == "1 October 2026 to 31 October 2026"


def test_the_last_twelve_months_end_with_this_one():
    months = last_months(TODAY, 12)
    assert len(months) == 12
    assert months[0] == (date(2025, 12, 1), date(2025, 12, 31))
    assert months[-1] == (date(2026, 11, 1), date(2026, 11, 30))
    assert months[2] == (date(2026, 2, 1), date(2026, 2, 28))


def test_every_measure_names_rules_that_exist_and_no_code_is_in_two():
    codes = [code for codes in MEASURE_CODES.values() for code in codes]
    assert len(codes) == len(set(codes))
    assert all(code in RULES_BY_CODE for code in codes)
    assert measure_for_code(ANNUAL_UPDATE) is None
    assert measure_for_code("event_recall") == Measure.EVENTS
    assert measure_for_code("vns_initial_contact") == Measure.INITIAL_CONTACT


def test_the_outcome_measure_says_the_rules_number():
    rule = next(rule for rule in CASE_RULES if rule.code == LICENCE_OUTCOME)
    assert (rule.default, rule.unit) == (10, Unit.WORKING_DAYS)
    assert f"{rule.default} working days" in Measure.OUTCOME.label
