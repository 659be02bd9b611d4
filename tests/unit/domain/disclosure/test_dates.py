"""Dates the disclosure check must find, and ordinary text it must not (issue 12)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.disclosure import Kind, ProtectedDate, Severity, find_dates

RELEASE = [ProtectedDate(date(2027, 8, 31))]  # a Tuesday


@pytest.mark.parametrize(
    "text",
    [
        # The forms that beat the old check (issue 12).
        "31 Aug 2027",
        "31-08-2027",
        "31/08/27",
        "31st of August",
        "August 31st",
        # Others people write.
        "31 August 2027",
        "31.08.2027",
        "31 08 2027",
        "08/31/2027",
        "2027-08-31",
        "31/8",
        "Aug 31, 2027",
        "Tuesday 31 August",
        "Tues 31st Aug",
        "Tuesday, the 31st",
        "the thirty-first of August",
        "the thirty first of August",
        "August the thirty-first",
        "Aug. 31st '27",
        "31ST AUGUST",
        "31&nbsp;August",
        "３１ August",
        # Welsh.
        "31 Awst 2027",
        "Awst 31",
        "31ain o Awst",
        "yr unfed ar ddeg ar hugain o fis Awst",
        "Dydd Mawrth 31 Awst",
        "ddydd Mawrth yr 31ain",
    ],
)
def test_the_release_date_is_found_however_it_is_written(text: str) -> None:
    findings = find_dates(f"We expect the release on {text}, as planned.", RELEASE)
    assert len(findings) == 1, findings
    assert findings[0].kind is Kind.DATE and findings[0].severity is Severity.REFUSAL
    assert text.replace("&nbsp;", " ") in findings[0].quoted.replace("&nbsp;", " ")


def test_a_finding_quotes_the_words_and_says_what_to_write() -> None:
    text = "He leaves on the 31st of August."
    [finding] = find_dates(text, RELEASE)
    assert text[finding.start : finding.end] == "the 31st of August"
    assert finding.message == (
        "“the 31st of August” is the offender’s release date (31 August 2027). "
        "Say the month only: “August 2027”."
    )


def test_a_welsh_date_is_answered_with_the_welsh_month() -> None:
    [finding] = find_dates("Bydd yn cael ei ryddhau ar 31ain o Awst.", RELEASE)
    assert finding.message.endswith("Say the month only: “Awst 2027”.")


def test_sunday_the_second_of_july() -> None:
    sunday = [ProtectedDate(date(2028, 7, 2))]
    assert date(2028, 7, 2).weekday() == 6
    assert [f.quoted for f in find_dates("Release is on Sunday the second of July.", sunday)] == [
        "Sunday the second of July"
    ]
    assert [f.quoted for f in find_dates("Release is on Sunday the second.", sunday)] == ["Sunday the second"]
    # Another weekday with the same day is another date.
    assert find_dates("We meet on Monday the second.", sunday) == []


@pytest.mark.parametrize(
    "text",
    [
        "The offender is expected to be released in August 2027.",
        "Awst 2027",
        "You have 31 days to reply.",
        "Under section 31 of the Act.",
        "Your case number is 31082027/A.",
        "Telephone 0114 496 0622.",
        "31 August 2026",  # another year: another date
        "30 August 2027",
        "31 July 2027",
        "Tuesday the 30th",
        "Wednesday the 31st",
        "dydd Mawrth",
        "We will write to you in the summer. Call us on Tuesday.",
        "version 3.1.8.2027",
    ],
)
def test_ordinary_text_is_not_a_finding(text: str) -> None:
    assert find_dates(text, RELEASE) == []
