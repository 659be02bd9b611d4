"""Absence and cover as pure rules: refusals, where a task goes, whether it comes back, and
when cover starts and ends."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.cover import (
    Days,
    When,
    absence_problems,
    comes_back,
    cover_target,
    ends_now,
    starts_now,
    when,
)

MAY_1, MAY_5, MAY_10, MAY_20 = date(2027, 5, 1), date(2027, 5, 5), date(2027, 5, 10), date(2027, 5, 20)


def problems(days, *, user_id=1, cover_id=2, own=(), cover=()):
    return absence_problems(days, user_id=user_id, cover_id=cover_id, own_absences=own, cover_absences=cover)


def test_a_clear_absence_has_no_problems():
    assert problems(Days(MAY_1, MAY_5)) == {}
    assert problems(Days(MAY_1, None), cover_id=None) == {}


def test_the_last_day_before_the_first_is_refused():
    assert problems(Days(MAY_5, MAY_1)) == {
        "ends_on": "The last day must be the same as or after the first day"
    }


def test_the_absent_person_cannot_cover_themselves():
    assert "cover" in problems(Days(MAY_1, MAY_5), user_id=3, cover_id=3)


@pytest.mark.parametrize(
    ("theirs", "clash"),
    [
        (Days(MAY_5, MAY_10), True),  # shares 5 May
        (Days(date(2027, 4, 1), None), True),  # open-ended from before
        (Days(date(2027, 4, 1), date(2027, 4, 30)), False),  # ends the day before
        (Days(date(2027, 5, 6), MAY_20), False),  # starts the day after
    ],
)
def test_a_cover_away_on_any_of_the_days_is_refused(theirs, clash):
    assert ("cover" in problems(Days(MAY_1, MAY_5), cover=[theirs])) is clash


def test_an_open_ended_absence_overlaps_anything_later():
    assert "starts_on" in problems(Days(MAY_1, None), own=[Days(date(2028, 1, 1), date(2028, 1, 2))])


def test_overlapping_absences_of_the_same_person_are_refused():
    assert "starts_on" in problems(Days(MAY_1, MAY_10), own=[Days(MAY_5, MAY_5)])
    assert problems(Days(MAY_1, MAY_10), own=[Days(MAY_20, None)]) == {}


def test_a_map_goes_to_the_cover_only_if_they_map():
    assert cover_target(7, needs_mapping=False, cover_maps=False) == 7
    assert cover_target(7, needs_mapping=True, cover_maps=True) == 7
    assert cover_target(7, needs_mapping=True, cover_maps=False) is None
    assert cover_target(None, needs_mapping=False, cover_maps=False) is None


def test_only_work_still_where_cover_put_it_comes_back():
    assert comes_back(None, 7)  # in the queue
    assert comes_back(7, 7)  # with the cover
    assert not comes_back(9, 7)  # an SPO gave it to someone else
    assert not comes_back(9, None)


def test_where_an_absence_stands():
    days = Days(MAY_5, MAY_10)
    assert when(days, MAY_1) == When.PLANNED
    assert when(days, MAY_5) == When.CURRENT
    assert when(days, MAY_10) == When.CURRENT
    assert when(days, date(2027, 5, 11)) == When.PAST
    assert when(Days(MAY_5, None), MAY_20) == When.CURRENT
    assert when(days, MAY_5, cancelled=True) == When.CANCELLED


def test_cover_starts_on_the_first_day_and_ends_after_the_last():
    days = Days(MAY_5, MAY_10)
    assert not starts_now(days, MAY_1, covered=False, returned=False)
    assert starts_now(days, MAY_5, covered=False, returned=False)
    assert not starts_now(days, MAY_5, covered=True, returned=False)  # once only
    assert not ends_now(days, MAY_10, covered=True, returned=False)  # the last day is still away
    assert ends_now(days, date(2027, 5, 11), covered=True, returned=False)
    assert not ends_now(days, date(2027, 5, 11), covered=True, returned=True)  # once only
    assert not ends_now(Days(MAY_5, None), MAY_20, covered=True, returned=False)  # not known yet


def test_cover_takes_the_work_due_until_a_week_past_the_last_day_or_all_of_it():
    from victims.domain.cover import covered_until

    assert covered_until(Days(date(2026, 12, 1), date(2026, 12, 4))) == date(2026, 12, 11)
    assert covered_until(Days(date(2026, 12, 1), None)) is None
