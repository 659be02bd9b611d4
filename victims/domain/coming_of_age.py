"""A child victim turning 18: from their 18th birthday letters go to them, not to a parent or
guardian, and their preferences are asked again (issue 13, item 7).

Pure rules: the service passes the dates in. Someone born on 29 February comes of age on
1 March in a year without one (the day after 28 February, as the law counts it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

ADULT_AGE = 18

# A sweep that did not run for a few days (beat stopped) still alerts for birthdays it missed;
# a birthday longer ago than this is an adult recorded late, not a child who has just turned 18.
CATCH_UP_DAYS = 14


def birthday_in(year: int, born: date) -> date:
    """The person's birthday in `year`: 1 March for 29 February in a year without one."""
    try:
        return born.replace(year=year)
    except ValueError:  # 29 February, not a leap year
        return date(year, 3, 1)


def eighteenth_birthday(born: date) -> date:
    return birthday_in(born.year + ADULT_AGE, born)


def is_child(born: date | None, on: date) -> bool:
    """Under 18 on the day. Nobody's date of birth is known: treated as an adult."""
    return born is not None and on < eighteenth_birthday(born)


def turned_18_recently(born: date, today: date, catch_up_days: int = CATCH_UP_DAYS) -> bool:
    """Whether the person's 18th birthday is today or in the last `catch_up_days` days."""
    birthday = eighteenth_birthday(born)
    return today - timedelta(days=catch_up_days) <= birthday <= today


def births_to_look_at(today: date, catch_up_days: int = CATCH_UP_DAYS) -> tuple[date, date]:
    """Dates of birth (first, last, both included) wide enough to hold everyone whose 18th
    birthday is in the window: a database filter, refined by `turned_18_recently`."""
    earliest = today - timedelta(days=catch_up_days + 1)
    first = birthday_in(earliest.year - ADULT_AGE, earliest) - timedelta(days=1)
    last = birthday_in(today.year - ADULT_AGE, today) + timedelta(days=1)
    return first, last


def turning_18(
    people: Iterable[tuple[int, date]], today: date, catch_up_days: int = CATCH_UP_DAYS
) -> list[int]:
    """The ids of the people (id, date of birth) whose 18th birthday is today or within the
    catch-up window before it, in the order given."""
    return [person_id for person_id, born in people if turned_18_recently(born, today, catch_up_days)]
