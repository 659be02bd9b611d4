"""Which month a regional report is for: written "2026-10", never in the future."""

from datetime import date

import pytest

from victims.dashboard.report import last_month, month_end, parse_month

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2026-10", date(2026, 10, 1)),
        ("2026-11", date(2026, 11, 1)),  # this month so far
        ("2021-11", date(2021, 11, 1)),
        ("2021-10", None),  # more than five years back
        ("2026-12", None),  # not yet
        ("2026-13", None),
        ("2026-00", None),
        ("2026-1", None),
        ("26-10", None),
        ("2026-10\n", None),
        ("", None),
        (None, None),
        ("２０２６-10", None),
    ],
)
def test_parse_month(text, first):
    assert parse_month(text, TODAY) == first


def test_the_usual_month_is_last_month_and_it_ends_on_its_last_day():
    assert last_month(TODAY) == date(2026, 10, 1)
    assert last_month(date(2027, 1, 3)) == date(2026, 12, 1)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert month_end(date(2026, 12, 1)) == date(2026, 12, 31)


def test_a_printed_trend_keeps_the_last_point_of_each_month():
    from victims import charts
    from victims.dashboard.report import _month_ends

    labels = ["3 October 2026", "10 October 2026", "31 October 2026", "7 November 2026", "14 November 2026"]
    trend = charts.lines(
        "trend-open-cases", "Open cases", "d", labels, [charts.Series("Open cases", [1, 2, 3, None, 5])]
    )
    printed = _month_ends(trend)
    assert printed.rows == [("31 October 2026", 3), ("14 November 2026", 5)]
    assert printed.svg == trend.svg  # the chart itself still draws every week
