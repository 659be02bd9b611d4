"""The wait before trying again a service that was down (victims.domain.backoff)."""

from __future__ import annotations

import pytest

from victims.domain.backoff import Backoff, wait_before

BEAT = Backoff(first=1, longest=30, spread=0.25)


@pytest.mark.parametrize(
    ("retry", "expected"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 30), (7, 30), (1000, 30)],
)
def test_the_wait_doubles_up_to_the_ceiling(retry, expected):
    assert wait_before(retry, BEAT, draw=0) == expected


@pytest.mark.parametrize("retry", [1, 2, 5, 6, 50])
@pytest.mark.parametrize("draw", [0, 0.1, 0.5, 0.999999])
def test_the_spread_only_shortens_a_wait_and_never_to_nothing(retry, draw):
    full = wait_before(retry, BEAT, draw=0)
    wait = wait_before(retry, BEAT, draw=draw)
    assert full * 0.75 <= wait <= full
    assert wait > 0


def test_two_draws_give_two_waits():
    assert wait_before(3, BEAT, draw=0.2) != wait_before(3, BEAT, draw=0.8)


def test_no_spread_gives_the_same_wait_every_time():
    steady = Backoff(first=2, longest=10, spread=0)
    assert [wait_before(n, steady, draw=0.7) for n in (1, 2, 3, 4)] == [2, 4, 8, 10]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"first": 0, "longest": 10},
        {"first": 5, "longest": 4},
        {"first": 1, "longest": 10, "spread": 0.6},
        {"first": 1, "longest": 10, "spread": -0.1},
    ],
)
def test_a_backoff_that_makes_no_sense_is_refused(kwargs):
    with pytest.raises(ValueError):
        Backoff(**kwargs)


@pytest.mark.parametrize(("retry", "draw"), [(0, 0.5), (1, 1.0), (1, -0.1)])
def test_bad_arguments_are_refused(retry, draw):
    with pytest.raises(ValueError):
        wait_before(retry, BEAT, draw=draw)
