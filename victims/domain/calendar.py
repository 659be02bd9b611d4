"""The working-day calendar: weekends, England and Wales bank holidays, and extra days off.

Bank holidays come from the `holidays` package (United Kingdom, England subdivision; England
and Wales share the same bank holidays). An administrator can add further non-working days
(for example a local closure); they are passed in, so the calendar stays pure.

A calendar covers a fixed span of years. Asking about a date outside it raises
`OutsideCalendarError` rather than quietly treating that year as having no bank holidays:
a deadline must never be computed against a calendar that does not know its year.

Counting rules (the same as the usual "N working days after" convention):

- `add_working_days(start, n)` with n > 0 is the n-th working day strictly after `start`
  (the start day itself is never counted, whether or not it is a working day); with n < 0 it is
  the |n|-th working day strictly before `start`; with n == 0 it is `start` if that is a working
  day, otherwise the next working day.
- `working_days_between(a, b)` counts the working days passed going from `a` to `b`: `a` is not
  counted and `b` is. It is negative when `b` is before `a`. So for any n != 0,
  `working_days_between(a, add_working_days(a, n)) == n`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")

_ONE_DAY = timedelta(days=1)
_WEEKEND = {5: "Saturday", 6: "Sunday"}
EXTRA_DAY_REASON = "Non-working day added by an administrator"


class OutsideCalendarError(ValueError):
    """A date outside the years the calendar was built for."""


def london_date(moment: datetime) -> date:
    """The date in Europe/London at an aware moment (a naive datetime is refused)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no time zone; pass an aware datetime")
    return moment.astimezone(LONDON).date()


def england_bank_holidays(years: Iterable[int]) -> dict[date, str]:
    """Bank holidays in England and Wales for the given years, with their names."""
    source = holidays.country_holidays("GB", subdiv="ENG", years=list(years))
    return {day: str(name) for day, name in source.items()}


class WorkingDayCalendar:
    """Working days for a span of years: not a weekend, bank holiday or extra non-working day."""

    def __init__(
        self,
        first_year: int,
        last_year: int,
        bank_holidays: Mapping[date, str],
        extra_non_working: Iterable[date] = (),
    ) -> None:
        if last_year < first_year:
            raise ValueError("the last year is before the first year")
        self.first_year = first_year
        self.last_year = last_year
        self._bank_holidays = dict(bank_holidays)
        self._extra = frozenset(extra_non_working)
        self._first = date(first_year, 1, 1)
        self._last = date(last_year, 12, 31)

    @classmethod
    def england(
        cls, first_year: int, last_year: int, extra_non_working: Iterable[date] = ()
    ) -> WorkingDayCalendar:
        """A calendar of England and Wales bank holidays for first_year to last_year inclusive."""
        bank_holidays = england_bank_holidays(range(first_year, last_year + 1))
        return cls(first_year, last_year, bank_holidays, extra_non_working)

    @property
    def extra_non_working(self) -> frozenset[date]:
        return self._extra

    def covers(self, day: date) -> bool:
        return self._first <= day <= self._last

    def _check(self, day: date) -> None:
        if not self.covers(day):
            raise OutsideCalendarError(
                f"{day.isoformat()} is outside the working-day calendar "
                f"({self.first_year} to {self.last_year})"
            )

    def bank_holiday_name(self, day: date) -> str | None:
        """The bank holiday's name (for example "Boxing Day (observed)"), or None."""
        self._check(day)
        return self._bank_holidays.get(day)

    def why_not_working(self, day: date) -> str | None:
        """Why the day is not a working day, in plain English, or None if it is one."""
        self._check(day)
        if day.weekday() in _WEEKEND:
            return _WEEKEND[day.weekday()]
        name = self._bank_holidays.get(day)
        if name is not None:
            return name
        if day in self._extra:
            return EXTRA_DAY_REASON
        return None

    def is_working_day(self, day: date) -> bool:
        return self.why_not_working(day) is None

    def next_working_day(self, day: date) -> date:
        """The day itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def previous_working_day(self, day: date) -> date:
        """The day itself if it is a working day, otherwise the last working day before it."""
        while not self.is_working_day(day):
            day -= _ONE_DAY
        return day

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (before it if n is negative); see the module notes."""
        if n == 0:
            return self.next_working_day(start)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        day = start
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days passed going from a to b: a not counted, b counted; negative if b < a."""
        self._check(a)
        self._check(b)
        if b >= a:
            return sum(1 for day in _days(a + _ONE_DAY, b) if self.is_working_day(day))
        return -sum(1 for day in _days(b, a - _ONE_DAY) if self.is_working_day(day))


def _days(first: date, last: date) -> Iterable[date]:
    """Every date from first to last inclusive (nothing if last < first)."""
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY
