"""The balance charts from plain figures: the caseload histogram's 25-case buckets and whole-number
gridlines, bars coloured by band with the band's edges as references, capacity against 100%."""

from __future__ import annotations

import re

from victims.charts import BLUE, GREEN, GREY, RED
from victims.dashboard.pages import capacity_chart, cases_chart, distribution_chart


def test_the_distribution_counts_officers_in_25_case_buckets():
    chart = distribution_chart([0, 24, 25, 260, 351, 349], "Testshire")
    assert chart.rows[0] == ("0–24", 2) and chart.rows[1] == ("25–49", 1)
    assert dict(chart.rows)["250–274"] == 1 and dict(chart.rows)["350–374"] == 1
    assert dict(chart.rows)["325–349"] == 1 and len(chart.rows) == 15
    assert sum(count for _, count in chart.rows) == 6
    assert not any("." in label for label in re.findall(r">(\d+(?:\.\d+)?)</text>", chart.svg))
    # Green inside the band (a bucket reaching into 250–350), grey outside it.
    assert GREEN in chart.svg and GREY in chart.svg


def test_open_cases_are_coloured_by_band_with_the_band_marked():
    chart = cases_chart(["Ann", "Bob", "Cat"], [120, 300, 351])
    for colour in (BLUE, GREEN, RED):
        assert colour in chart.svg
    assert chart.rows == [("Ann", 120), ("Bob", 300), ("Cat", 351)]
    assert ">250<" in chart.svg and ">350<" in chart.svg


def test_capacity_is_drawn_against_100_percent_and_red_above_it():
    chart = capacity_chart(["Ann", "Bob"], [96, 130])
    assert ">100<" in chart.svg and RED in chart.svg
    assert chart.headers == ("Victim liaison officer", "Capacity (%)")
    assert chart.rows == [("Ann", 96), ("Bob", 130)]
