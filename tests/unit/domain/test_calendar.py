"""The working-day calendar: England and Wales bank holidays, weekends and extra days off.

Every expected date below was worked out by hand from the published bank holidays and checked
against the `holidays` package and Python's calendar, not against the code under test.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from victims.domain.calendar import (
    EXTRA_DAY_REASON,
    OutsideCalendarError,
    WorkingDayCalendar,
    london_date,
)

CAL = WorkingDayCalendar.england(2020, 2030)
D = date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Christmas 2021: 25 and 26 December on a weekend, substitutes on Monday 27 and Tuesday 28.
        (D(2021, 12, 24), True),
        (D(2021, 12, 25), False),
        (D(2021, 12, 26), False),
        (D(2021, 12, 27), False),
        (D(2021, 12, 28), False),
        (D(2021, 12, 29), True),
        (D(2021, 12, 31), True),
        # New Year 2022 on a Saturday: substitute Monday 3 January.
        (D(2022, 1, 1), False),
        (D(2022, 1, 3), False),
        (D(2022, 1, 4), True),
        # Christmas 2022 on a Sunday: Boxing Day Monday 26, substitute for Christmas Tuesday 27.
        (D(2022, 12, 23), True),
        (D(2022, 12, 26), False),
        (D(2022, 12, 27), False),
        (D(2022, 12, 28), True),
        # New Year 2023 on a Sunday: substitute Monday 2 January.
        (D(2023, 1, 2), False),
        (D(2023, 1, 3), True),
        # Christmas 2025 on Thursday and Friday.
        (D(2025, 12, 24), True),
        (D(2025, 12, 25), False),
        (D(2025, 12, 26), False),
        (D(2025, 12, 29), True),
        (D(2026, 1, 1), False),
        (D(2026, 1, 2), True),
        # Christmas 2026: Boxing Day on a Saturday, substitute Monday 28.
        (D(2026, 12, 25), False),
        (D(2026, 12, 28), False),
        (D(2026, 12, 29), True),
        # Christmas 2027 like 2021; New Year 2028 on a Saturday.
        (D(2027, 12, 24), True),
        (D(2027, 12, 27), False),
        (D(2027, 12, 28), False),
        (D(2027, 12, 29), True),
        (D(2028, 1, 3), False),
        (D(2028, 1, 4), True),
        # Easter 2025, 2026, 2027: Good Friday and Easter Monday.
        (D(2025, 4, 17), True),
        (D(2025, 4, 18), False),
        (D(2025, 4, 21), False),
        (D(2025, 4, 22), True),
        (D(2026, 4, 2), True),
        (D(2026, 4, 3), False),
        (D(2026, 4, 6), False),
        (D(2026, 4, 7), True),
        (D(2027, 3, 25), True),
        (D(2027, 3, 26), False),
        (D(2027, 3, 29), False),
        (D(2027, 3, 30), True),
        # Early May and spring bank holidays.
        (D(2025, 5, 5), False),
        (D(2025, 5, 26), False),
        (D(2026, 5, 4), False),
        (D(2026, 5, 25), False),
        (D(2027, 5, 3), False),
        (D(2027, 5, 31), False),
        (D(2026, 5, 11), True),
        # 2020: the early May bank holiday moved to Friday 8 May (VE Day).
        (D(2020, 5, 8), False),
        (D(2020, 5, 4), True),
        # 2022: spring bank holiday moved to Thursday 2 June, Platinum Jubilee Friday 3 June.
        (D(2022, 5, 30), True),
        (D(2022, 6, 2), False),
        (D(2022, 6, 3), False),
        # 2023: the Coronation, Monday 8 May, between the early May and spring holidays.
        (D(2023, 5, 1), False),
        (D(2023, 5, 8), False),
        (D(2023, 5, 9), True),
        (D(2023, 5, 29), False),
        # August (late summer) bank holiday.
        (D(2024, 8, 26), False),
        (D(2025, 8, 25), False),
        (D(2025, 8, 26), True),
        (D(2026, 8, 31), False),
        (D(2027, 8, 30), False),
        # Holidays elsewhere in the UK are working days in England and Wales.
        (D(2025, 1, 2), True),  # Scotland
        (D(2025, 8, 4), True),  # Scotland's summer bank holiday
        (D(2025, 3, 17), True),  # Northern Ireland, St Patrick's Day
        (D(2027, 7, 12), True),  # Northern Ireland, Battle of the Boyne
        (D(2025, 12, 1), True),  # Scotland, St Andrew's Day substitute
        # Ordinary weekdays and weekends.
        (D(2026, 11, 25), True),
        (D(2026, 11, 28), False),
        (D(2026, 11, 29), False),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2021, 12, 27), "Christmas Day (observed)"),
        (D(2021, 12, 28), "Boxing Day (observed)"),
        (D(2022, 1, 3), "New Year's Day (observed)"),
        (D(2022, 12, 26), "Boxing Day"),
        (D(2022, 12, 27), "Christmas Day (observed)"),
        (D(2023, 5, 8), "Coronation of Charles III"),
        (D(2025, 4, 18), "Good Friday"),
        (D(2027, 3, 29), "Easter Monday"),
        (D(2025, 5, 5), "May Day"),
        (D(2025, 5, 26), "Spring Bank Holiday"),
        (D(2026, 8, 31), "Late Summer Bank Holiday"),
        (D(2025, 12, 24), None),
        (D(2025, 8, 4), None),
        (D(2026, 11, 28), None),  # a Saturday, but not a bank holiday
    ],
)
def test_bank_holiday_name(day: date, name: str | None) -> None:
    assert CAL.bank_holiday_name(day) == name


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (D(2026, 11, 28), "Saturday"),
        (D(2026, 11, 29), "Sunday"),
        (D(2021, 12, 25), "Saturday"),  # a weekend reason comes first
        (D(2026, 4, 3), "Good Friday"),
        (D(2026, 11, 25), None),
    ],
)
def test_why_not_working(day: date, reason: str | None) -> None:
    assert CAL.why_not_working(day) == reason


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 12, 24), D(2025, 12, 24)),  # already a working day: stays
        (D(2025, 12, 25), D(2025, 12, 29)),
        (D(2025, 12, 27), D(2025, 12, 29)),
        (D(2021, 12, 25), D(2021, 12, 29)),
        (D(2022, 12, 31), D(2023, 1, 3)),
        (D(2027, 12, 25), D(2027, 12, 29)),
        (D(2025, 4, 18), D(2025, 4, 22)),
        (D(2026, 4, 4), D(2026, 4, 7)),
        (D(2027, 3, 26), D(2027, 3, 30)),
        (D(2023, 5, 6), D(2023, 5, 9)),
        (D(2026, 8, 29), D(2026, 9, 1)),
        (D(2026, 5, 23), D(2026, 5, 26)),
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert CAL.next_working_day(day) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Christmas and New Year.
        (D(2025, 12, 24), 1, D(2025, 12, 29)),
        (D(2025, 12, 24), 3, D(2025, 12, 31)),
        (D(2025, 12, 24), 4, D(2026, 1, 2)),
        (D(2021, 12, 24), 1, D(2021, 12, 29)),
        (D(2021, 12, 24), 5, D(2022, 1, 5)),
        (D(2022, 12, 23), 1, D(2022, 12, 28)),
        (D(2022, 12, 30), 1, D(2023, 1, 3)),
        (D(2027, 12, 24), 2, D(2027, 12, 30)),
        (D(2027, 12, 31), 1, D(2028, 1, 4)),
        # Easter.
        (D(2025, 4, 17), 1, D(2025, 4, 22)),
        (D(2025, 4, 14), 10, D(2025, 4, 30)),
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2027, 3, 25), 1, D(2027, 3, 30)),
        # May: the Coronation week of 2023, and the spring bank holiday.
        (D(2023, 5, 5), 1, D(2023, 5, 9)),
        (D(2023, 4, 28), 5, D(2023, 5, 9)),
        (D(2026, 5, 22), 1, D(2026, 5, 26)),
        # August.
        (D(2025, 8, 22), 1, D(2025, 8, 26)),
        (D(2026, 8, 28), 1, D(2026, 9, 1)),
        # 20 working days across Christmas 2025 (SPEC §5 initial contact).
        (D(2025, 12, 1), 20, D(2025, 12, 31)),
        # A start on a non-working day: day one is the first working day after it.
        (D(2025, 12, 27), 1, D(2025, 12, 29)),
        (D(2025, 12, 25), 2, D(2025, 12, 30)),
        # Zero: the day itself if working, otherwise the next working day.
        (D(2025, 12, 24), 0, D(2025, 12, 24)),
        (D(2025, 12, 25), 0, D(2025, 12, 29)),
        # Negative: counting back.
        (D(2025, 12, 29), -1, D(2025, 12, 24)),
        (D(2026, 1, 2), -2, D(2025, 12, 30)),
        (D(2025, 4, 22), -1, D(2025, 4, 17)),
        (D(2025, 12, 27), -1, D(2025, 12, 24)),
        (D(2021, 12, 29), -1, D(2021, 12, 24)),
        (D(2023, 5, 9), -5, D(2023, 4, 28)),
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert CAL.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "count"),
    [
        (D(2025, 12, 24), D(2025, 12, 29), 1),
        (D(2025, 12, 24), D(2026, 1, 2), 4),
        (D(2025, 12, 29), D(2025, 12, 24), -1),
        (D(2025, 12, 25), D(2025, 12, 26), 0),
        (D(2025, 12, 25), D(2025, 12, 25), 0),
        (D(2025, 12, 24), D(2025, 12, 24), 0),
        (D(2025, 12, 27), D(2025, 12, 29), 1),
        (D(2021, 12, 24), D(2022, 1, 5), 5),
        (D(2025, 4, 17), D(2025, 4, 22), 1),
        (D(2026, 1, 5), D(2026, 1, 9), 4),
        (D(2023, 4, 28), D(2023, 5, 31), 20),
        (D(2023, 5, 31), D(2023, 4, 28), -20),
    ],
)
def test_working_days_between(a: date, b: date, count: int) -> None:
    assert CAL.working_days_between(a, b) == count


@pytest.mark.parametrize("n", [*range(-25, 0), *range(1, 26)])
def test_between_undoes_add(n: int) -> None:
    # Every start day from 18 December 2021 to 10 January 2022, working or not.
    for offset in range(24):
        start = D(2021, 12, 18) + timedelta(days=offset)
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


def test_added_days_always_land_on_a_working_day() -> None:
    for offset in range(370):
        start = D(2025, 12, 1) + timedelta(days=offset)
        for n in (-3, 0, 1, 10):
            assert CAL.is_working_day(CAL.add_working_days(start, n))


EXTRA = frozenset({D(2025, 12, 24), D(2025, 12, 31)})
CAL_WITH_EXTRA = WorkingDayCalendar.england(2025, 2026, extra_non_working=EXTRA)


def test_extra_non_working_days_added_by_an_administrator() -> None:
    assert CAL_WITH_EXTRA.is_working_day(D(2025, 12, 24)) is False
    assert CAL_WITH_EXTRA.why_not_working(D(2025, 12, 24)) == EXTRA_DAY_REASON
    assert CAL_WITH_EXTRA.bank_holiday_name(D(2025, 12, 24)) is None
    assert CAL_WITH_EXTRA.add_working_days(D(2025, 12, 23), 1) == D(2025, 12, 29)
    assert CAL_WITH_EXTRA.add_working_days(D(2025, 12, 29), 2) == D(2026, 1, 2)
    assert CAL_WITH_EXTRA.next_working_day(D(2025, 12, 31)) == D(2026, 1, 2)
    assert CAL_WITH_EXTRA.working_days_between(D(2025, 12, 23), D(2026, 1, 2)) == 3
    assert CAL_WITH_EXTRA.extra_non_working == EXTRA
    # Without them, the same days are working days.
    assert CAL.is_working_day(D(2025, 12, 24)) is True
    assert CAL.add_working_days(D(2025, 12, 23), 1) == D(2025, 12, 24)


def test_previous_working_day() -> None:
    assert CAL.previous_working_day(D(2025, 12, 28)) == D(2025, 12, 24)
    assert CAL.previous_working_day(D(2025, 12, 24)) == D(2025, 12, 24)
    assert CAL.previous_working_day(D(2023, 5, 8)) == D(2023, 5, 5)


def test_dates_outside_the_calendar_are_refused() -> None:
    small = WorkingDayCalendar.england(2025, 2026)
    assert small.covers(D(2026, 12, 31))
    assert not small.covers(D(2027, 1, 1))
    with pytest.raises(OutsideCalendarError):
        small.is_working_day(D(2027, 1, 4))
    with pytest.raises(OutsideCalendarError):
        small.is_working_day(D(2024, 12, 31))
    # Counting past the last year refuses rather than guessing there are no bank holidays.
    with pytest.raises(OutsideCalendarError):
        small.add_working_days(D(2026, 12, 30), 3)
    with pytest.raises(OutsideCalendarError):
        small.working_days_between(D(2026, 12, 1), D(2027, 1, 5))
    with pytest.raises(ValueError, match="before the first year"):
        WorkingDayCalendar.england(2026, 2025)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Winter: London is on GMT, the same as UTC.
        (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), D(2025, 12, 31)),
        # Summer: London is on BST (UTC+1), so 23:30 UTC is already the next day.
        (datetime(2025, 6, 30, 23, 30, tzinfo=UTC), D(2025, 7, 1)),
        # Clocks go forward at 01:00 UTC on 30 March 2025.
        (datetime(2025, 3, 29, 23, 30, tzinfo=UTC), D(2025, 3, 29)),
        (datetime(2025, 3, 30, 0, 30, tzinfo=UTC), D(2025, 3, 30)),
        # Clocks go back at 01:00 UTC on 26 October 2025; 23:30 UTC on the 25th is 00:30 BST.
        (datetime(2025, 10, 25, 23, 30, tzinfo=UTC), D(2025, 10, 26)),
        (datetime(2025, 10, 26, 23, 30, tzinfo=UTC), D(2025, 10, 26)),
        # Any time zone is converted.
        (datetime(2025, 7, 1, 20, 0, tzinfo=ZoneInfo("America/New_York")), D(2025, 7, 2)),
    ],
)
def test_london_date(moment: datetime, expected: date) -> None:
    assert london_date(moment) == expected


def test_london_date_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        london_date(datetime(2025, 7, 1, 12, 0))
