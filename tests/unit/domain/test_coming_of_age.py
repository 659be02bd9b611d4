"""Whose 18th birthday falls on a day (victims.domain.coming_of_age)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from victims.domain.coming_of_age import (
    CATCH_UP_DAYS,
    births_to_look_at,
    eighteenth_birthday,
    is_child,
    turned_18_recently,
    turning_18,
)


@pytest.mark.parametrize(
    ("born", "birthday"),
    [
        (date(2008, 12, 5), date(2026, 12, 5)),
        (date(2008, 2, 29), date(2026, 3, 1)),  # no 29 February in 2026: the day after the 28th
        (date(2012, 2, 29), date(2030, 3, 1)),
        (date(2010, 2, 28), date(2028, 2, 28)),
        (date(2010, 3, 1), date(2028, 3, 1)),
    ],
)
def test_the_18th_birthday(born, birthday):
    assert eighteenth_birthday(born) == birthday


def test_a_child_until_the_day_before_the_18th_birthday():
    born = date(2008, 12, 5)
    assert is_child(born, date(2026, 12, 4))
    assert not is_child(born, date(2026, 12, 5))
    assert not is_child(None, date(2026, 12, 5))  # not known: treated as an adult
    assert is_child(date(2008, 2, 29), date(2026, 2, 28))
    assert not is_child(date(2008, 2, 29), date(2026, 3, 1))


def test_the_birthday_itself_and_the_catch_up_window_count_and_nothing_else():
    born = date(2008, 12, 5)
    assert not turned_18_recently(born, date(2026, 12, 4))
    assert turned_18_recently(born, date(2026, 12, 5))
    assert turned_18_recently(born, date(2026, 12, 5) + timedelta(days=CATCH_UP_DAYS))
    assert not turned_18_recently(born, date(2026, 12, 5) + timedelta(days=CATCH_UP_DAYS + 1))


def test_turning_18_picks_the_people_in_order():
    people = [(1, date(2008, 12, 5)), (2, date(2008, 12, 6)), (3, date(1990, 12, 5)), (4, date(2008, 12, 1))]
    assert turning_18(people, date(2026, 12, 5)) == [1, 4]
    assert turning_18(people, date(2026, 12, 5), catch_up_days=0) == [1]


@pytest.mark.parametrize("days", range(0, 800, 7))
def test_the_database_window_holds_everyone_the_rule_picks(days):
    today = date(2026, 1, 1) + timedelta(days=days)
    first, last = births_to_look_at(today)
    born = first - timedelta(days=40)
    while born <= last + timedelta(days=40):
        if turned_18_recently(born, today):
            assert first <= born <= last, (today, born)
        born += timedelta(days=1)
    for leap_day in (date(2008, 2, 29), date(2012, 2, 29)):
        if turned_18_recently(leap_day, today):
            assert first <= leap_day <= last
