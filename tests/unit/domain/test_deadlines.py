"""Deadlines (SPEC §5): the rules as data, their versions, the dates they give, and their urgency.

What changes when a case's facts change (the planner the service runs) is tested in
test_work_plan.py.

Every expected date was worked out by hand from the published bank holidays and checked against
the `holidays` package and Python's calendar, not against the code under test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from victims.domain import deadlines as dl
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.deadlines import (
    CASE_RULES,
    EVENT_RULES,
    Anchor,
    DeadlineInputs,
    OffenderEvent,
    RuleSet,
    RuleSetting,
    Side,
    Unit,
    Urgency,
    add_months,
    compute_all,
    earliest_release_date,
    urgency,
)
from victims.domain.work import event_deadline

CAL = WorkingDayCalendar.england(2020, 2030)
RULES = RuleSet.defaults()
D = date


# SPEC §5, row by row: code, default, unit, before/after, counted from.
SPEC_ROWS = [
    ("referral", 10, Unit.WORKING_DAYS, Side.AFTER, Anchor.SENTENCE_DATE),
    ("initial_contact", 20, Unit.WORKING_DAYS, Side.AFTER, Anchor.REFERRAL_DATE),
    ("initial_contact_from_sentence", 40, Unit.WORKING_DAYS, Side.AFTER, Anchor.SENTENCE_DATE),
    ("vns_initial_contact", 15, Unit.WORKING_DAYS, Side.AFTER, Anchor.SENTENCE_DATE),
    ("pre_release_window", 6, Unit.MONTHS, Side.BEFORE, Anchor.EARLIEST_RELEASE_DATE),
    ("licence_representations", 8, Unit.WEEKS, Side.BEFORE, Anchor.EARLIEST_RELEASE_DATE),
    ("licence_outcome", 10, Unit.WORKING_DAYS, Side.AFTER, Anchor.LICENCE_ISSUE_DATE),
    ("annual_update", 12, Unit.MONTHS, Side.AFTER, Anchor.LAST_CONTACT_DATE),
    ("parole_reconsideration", 21, Unit.CALENDAR_DAYS, Side.AFTER, Anchor.PAROLE_DECISION_DATE),
]


def test_every_row_of_spec_section_5_is_a_rule_with_its_default() -> None:
    assert [(rule.code, rule.default, rule.unit, rule.side, rule.anchor) for rule in CASE_RULES] == SPEC_ROWS
    for code, default, *_rest in SPEC_ROWS:
        assert RULES[code].number == default
        assert RULES[code].version == 1
        assert RULES[code].rule.name


def test_a_changed_number_is_a_new_version_and_the_old_set_is_untouched() -> None:
    changed = RULES.with_number("initial_contact", 40)
    assert changed["initial_contact"].number == 40
    assert changed["initial_contact"].version == 2
    assert RULES["initial_contact"].number == 20
    assert RULES["initial_contact"].version == 1
    again = changed.with_number("initial_contact", 30)
    assert again["initial_contact"].version == 3
    # Other rules keep their version.
    assert again["referral"].version == 1
    # Setting the same number is not a change.
    assert again.with_number("initial_contact", 30) is again


def test_each_deadline_records_its_rule_and_version() -> None:
    changed = RULES.with_number("initial_contact", 40)
    before = dl.compute("initial_contact", D(2025, 12, 1), RULES, CAL)
    after = dl.compute("initial_contact", D(2025, 12, 1), changed, CAL)
    assert (before.code, before.rule_version, before.number, before.due) == (
        "initial_contact",
        1,
        20,
        D(2025, 12, 31),
    )
    # 40 working days from 1 December 2025: 20 to 31 December, then January 2026 without 1 January.
    assert (after.code, after.rule_version, after.number, after.due) == (
        "initial_contact",
        2,
        40,
        D(2026, 1, 29),
    )


def test_rule_sets_from_stored_configuration() -> None:
    stored = RuleSet.from_numbers({"referral": (5, 4), "event_recall": (2, 2)})
    assert stored["referral"] == RuleSetting(dl.RULES_BY_CODE["referral"], 5, 4)
    assert stored["event_recall"].number == 2
    assert stored["initial_contact"].version == 1
    assert len(stored) == len(dl.RULES)
    assert set(stored) == set(dl.RULES_BY_CODE)
    with pytest.raises(ValueError, match="unknown"):
        RuleSet.from_numbers({"no_such_rule": (1, 1)})
    with pytest.raises(ValueError, match="versions start at 1"):
        RuleSet.from_numbers({"referral": (5, 0)})


@pytest.mark.parametrize("number", [-1, -20])
def test_a_number_cannot_be_negative(number: int) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        RULES.with_number("referral", number)
    with pytest.raises(ValueError, match="0 or more"):
        RuleSet.from_numbers({"referral": (number, 2)})


def test_a_rule_set_needs_every_rule() -> None:
    with pytest.raises(ValueError, match="no setting"):
        RuleSet({"referral": RULES["referral"]})


@pytest.mark.parametrize(
    ("code", "counted_from", "due", "moved_from"),
    [
        # 10 working days after sentence, across Christmas 2025.
        ("referral", D(2025, 12, 15), D(2025, 12, 31), None),
        # Across Christmas 2021 and New Year 2022 (all four substitute days).
        ("referral", D(2021, 12, 20), D(2022, 1, 6), None),
        # 20 working days after referral.
        ("initial_contact", D(2025, 12, 1), D(2025, 12, 31), None),
        # Across the May bank holidays and the Coronation, 2023 (1, 8 and 29 May).
        ("initial_contact", D(2023, 4, 28), D(2023, 5, 31), None),
        # 40 working days after sentence, across Easter 2024 (29 March and 1 April).
        ("initial_contact_from_sentence", D(2024, 3, 1), D(2024, 4, 30), None),
        # 15 working days after sentence, across Christmas 2027 and New Year 2028.
        ("vns_initial_contact", D(2027, 12, 10), D(2028, 1, 5), None),
        # 6 months before release: 31 August 2026 → 28 February 2026, a Saturday → Monday 2 March.
        ("pre_release_window", D(2026, 8, 31), D(2026, 3, 2), D(2026, 2, 28)),
        # 8 weeks before release: 1 March 2026 → Sunday 4 January 2026 → Monday 5 January.
        ("licence_representations", D(2026, 3, 1), D(2026, 1, 5), D(2026, 1, 4)),
        # 8 weeks before 22 June 2026: Monday 27 April, a working day.
        ("licence_representations", D(2026, 6, 22), D(2026, 4, 27), None),
        # 8 weeks before 1 June 2026 is Easter Monday, 6 April 2026 → Tuesday 7 April.
        ("licence_representations", D(2026, 6, 1), D(2026, 4, 7), D(2026, 4, 6)),
        # 10 working days after the licence is issued, across Easter 2026.
        ("licence_outcome", D(2026, 4, 1), D(2026, 4, 17), None),
        # 10 working days across the August bank holiday 2025.
        ("licence_outcome", D(2025, 8, 20), D(2025, 9, 4), None),
        # 12 months after last contact: 29 February 2024 → 28 February 2025 (a Friday).
        ("annual_update", D(2024, 2, 29), D(2025, 2, 28), None),
        # 27 December 2024 → Saturday 27 December 2025 → Monday 29 December.
        ("annual_update", D(2024, 12, 27), D(2025, 12, 29), D(2025, 12, 27)),
        # 21 days after a parole decision: 5 December 2025 → Boxing Day → Monday 29 December.
        ("parole_reconsideration", D(2025, 12, 5), D(2025, 12, 29), D(2025, 12, 26)),
        # 13 March 2026 → Good Friday 3 April → Tuesday 7 April.
        ("parole_reconsideration", D(2026, 3, 13), D(2026, 4, 7), D(2026, 4, 3)),
        # 21 days after 6 December 2021 → Monday 27 December (substitute) → Wednesday 29 December.
        ("parole_reconsideration", D(2021, 12, 6), D(2021, 12, 29), D(2021, 12, 27)),
        # 21 days after 12 December 2022 → Monday 2 January 2023 (substitute) → Tuesday 3 January.
        ("parole_reconsideration", D(2022, 12, 12), D(2023, 1, 3), D(2023, 1, 2)),
    ],
)
def test_due_dates(code: str, counted_from: date, due: date, moved_from: date | None) -> None:
    deadline = dl.compute(code, counted_from, RULES, CAL)
    assert deadline.code == code
    assert deadline.name == dl.RULES_BY_CODE[code].name
    assert deadline.due == due
    assert deadline.moved_from == moved_from
    assert deadline.counted_from == counted_from
    assert deadline.rule_version == 1
    assert CAL.is_working_day(deadline.due)


def test_a_deadline_on_a_non_working_day_moves_to_the_next_working_day_with_extra_days() -> None:
    extra = WorkingDayCalendar.england(2025, 2026, extra_non_working={D(2025, 12, 29)})
    # 21 days after 5 December 2025 is Boxing Day; Monday 29 December is closed too.
    deadline = dl.compute("parole_reconsideration", D(2025, 12, 5), RULES, extra)
    assert deadline.due == D(2025, 12, 30)
    assert deadline.moved_from == D(2025, 12, 26)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 8, 31), -6, D(2026, 2, 28)),
        (D(2028, 8, 31), -6, D(2028, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2025, 10, 6), -6, D(2025, 4, 6)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2025, 5, 31), 0, D(2025, 5, 31)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"crd": D(2026, 3, 1), "ped": D(2025, 11, 3), "hdced": D(2025, 12, 1)}, D(2025, 11, 3)),
        ({"crd": D(2026, 3, 1), "hdced": D(2025, 12, 1)}, D(2025, 12, 1)),
        ({"crd": D(2026, 3, 1), "hdced": None}, D(2026, 3, 1)),
        # Only CRD, PED and HDCED count (SPEC §5).
        ({"crd": D(2026, 3, 1), "ard": D(2025, 1, 1), "prrd": D(2025, 1, 1)}, D(2026, 3, 1)),
        ({"led": D(2028, 2, 29), "sed": D(2028, 2, 29)}, None),
        ({}, None),
    ],
)
def test_earliest_release_date(dates: dict[str, date | None], expected: date | None) -> None:
    assert earliest_release_date(dates) == expected
    assert DeadlineInputs(release_dates=dates).earliest_release_date == expected


def test_compute_all_computes_what_it_can() -> None:
    inputs = DeadlineInputs(
        sentence_date=D(2025, 12, 15),
        referral_date=D(2025, 12, 1),
        release_dates={"crd": D(2026, 8, 31), "led": D(2027, 8, 31)},
        licence_issue_date=D(2026, 4, 1),
        last_contact_date=D(2024, 12, 27),
        parole_decision_date=D(2025, 12, 5),
    )
    everything = compute_all(inputs, RULES, CAL)
    assert {code: d.due for code, d in everything.items()} == {
        "referral": D(2025, 12, 31),
        "initial_contact": D(2025, 12, 31),
        # 40 working days from 15 December 2025.
        "initial_contact_from_sentence": D(2026, 2, 12),
        # 15 working days from 15 December 2025.
        "vns_initial_contact": D(2026, 1, 8),
        "pre_release_window": D(2026, 3, 2),
        # 8 weeks before 31 August 2026: Monday 6 July.
        "licence_representations": D(2026, 7, 6),
        "licence_outcome": D(2026, 4, 17),
        "annual_update": D(2025, 12, 29),
        "parole_reconsideration": D(2025, 12, 29),
    }
    # Only what the case needs, and nothing whose date is unknown.
    some = compute_all(
        DeadlineInputs(referral_date=D(2025, 12, 1)),
        RULES,
        CAL,
        codes=["initial_contact", "licence_representations"],
    )
    assert list(some) == ["initial_contact"]
    assert compute_all(DeadlineInputs(), RULES, CAL) == {}


# The 2024 change of release point, on a 4-year standard determinate sentence that started on
# 1 March 2024. The term is 1,461 days (1 March 2024 to 29 February 2028). The CRD is the day the
# release point is reached: at 50%, 731 days (730.5 rounded up) → 1 March 2026 (a Sunday); at 40%,
# 585 days (584.4 rounded up) → Monday 6 October 2025.
SENTENCE = D(2024, 3, 1)
CRD_AT_50 = D(2026, 3, 1)
CRD_AT_40 = D(2025, 10, 6)
AT_50 = DeadlineInputs(sentence_date=SENTENCE, release_dates={"crd": CRD_AT_50, "sed": D(2028, 2, 29)})
AT_40 = DeadlineInputs(sentence_date=SENTENCE, release_dates={"crd": CRD_AT_40, "sed": D(2028, 2, 29)})


def test_release_at_50_percent() -> None:
    due = compute_all(AT_50, RULES, CAL, ["pre_release_window", "licence_representations"])
    # 6 months before 1 March 2026: Monday 1 September 2025.
    assert due["pre_release_window"].due == D(2025, 9, 1)
    # 8 weeks before: Sunday 4 January 2026 → Monday 5 January.
    assert due["licence_representations"].due == D(2026, 1, 5)


def test_release_at_40_percent() -> None:
    due = compute_all(AT_40, RULES, CAL, ["pre_release_window", "licence_representations"])
    # 6 months before 6 October 2025: Sunday 6 April 2025 → Monday 7 April.
    assert due["pre_release_window"].due == D(2025, 4, 7)
    assert due["pre_release_window"].moved_from == D(2025, 4, 6)
    # 8 weeks before: Monday 11 August 2025.
    assert due["licence_representations"].due == D(2025, 8, 11)


# What the move from 50% to 40% does to a case's stored deadlines (and a date becoming known or
# being removed) is the planner's: see test_work_plan.py.


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        # Due Wednesday 31 December 2025.
        (D(2025, 12, 31), D(2026, 1, 2), "overdue"),
        (D(2025, 12, 31), D(2026, 1, 1), "overdue"),
        (D(2025, 12, 31), D(2025, 12, 31), "due_soon"),
        # From Monday 22 December: 23, 24, 29, 30, 31 = 5 working days.
        (D(2025, 12, 31), D(2025, 12, 22), "due_soon"),
        # From Friday 19 December: 6 working days.
        (D(2025, 12, 31), D(2025, 12, 19), "on_track"),
        # From Saturday 20 December: still 6 working days.
        (D(2025, 12, 31), D(2025, 12, 20), "on_track"),
        # Nine calendar days but only four working days (29, 30, 31 December, 2 January).
        (D(2026, 1, 2), D(2025, 12, 24), "due_soon"),
        # Easter 2026: from Wednesday 1 April to Thursday 9 April is 2, 7, 8, 9 = 4 working days.
        (D(2026, 4, 9), D(2026, 4, 1), "due_soon"),
        (D(2026, 4, 14), D(2026, 4, 1), "on_track"),
        (D(2025, 1, 1), D(2026, 1, 1), "overdue"),
    ],
)
def test_urgency(due: date, today: date, expected: str) -> None:
    assert urgency(due, today, CAL) == expected
    assert urgency(due, today, CAL) is Urgency(expected)


def test_urgency_warning_period_is_configurable() -> None:
    assert urgency(D(2025, 12, 31), D(2025, 12, 30), CAL, warn_working_days=0) is Urgency.ON_TRACK
    assert urgency(D(2025, 12, 31), D(2025, 12, 31), CAL, warn_working_days=0) is Urgency.DUE_SOON
    assert urgency(D(2025, 12, 31), D(2025, 12, 19), CAL, warn_working_days=6) is Urgency.DUE_SOON
    assert dict(Urgency.choices()) == {"overdue": "Overdue", "due_soon": "Due soon", "on_track": "On track"}


def test_every_offender_event_has_a_configurable_rule_named_for_its_task() -> None:
    assert len(OffenderEvent) == 15
    assert [rule.code for rule in EVENT_RULES] == [dl.event_code(event) for event in OffenderEvent]
    assert dl.event_code(OffenderEvent.RECALL) == "event_recall"
    for rule in EVENT_RULES:
        # The rule's name is the task it opens (victims.domain.work.TASK_TITLES).
        assert rule.name.startswith("Tell the victim") or rule.name.startswith("Check")
        assert dl.RULES_BY_CODE[rule.code] is rule
        setting = RULES[rule.code]
        assert setting.number == rule.default
        assert setting.version == 1
        assert rule.unit is Unit.WORKING_DAYS
        assert rule.side is Side.AFTER
        assert rule.anchor is Anchor.EVENT_DATE
    # An event's date is never one of the case's inputs: its deadline counts from the day it is
    # recorded, so compute_all leaves it alone.
    assert DeadlineInputs(sentence_date=D(2025, 1, 6)).anchor(Anchor.EVENT_DATE) is None


@pytest.mark.parametrize(
    ("event", "learned_on", "due"),
    [
        # Defaults: 1 working day for recall, parole decision and death in custody.
        (OffenderEvent.RECALL, D(2025, 12, 24), D(2025, 12, 29)),
        (OffenderEvent.PAROLE_DECISION, D(2026, 4, 2), D(2026, 4, 7)),
        (OffenderEvent.DEATH_IN_CUSTODY, D(2023, 5, 5), D(2023, 5, 9)),
        # 5 working days for temporary licence and release.
        (OffenderEvent.TEMPORARY_LICENCE, D(2025, 8, 20), D(2025, 8, 28)),
        (OffenderEvent.RELEASE, D(2027, 12, 22), D(2027, 12, 31)),
        # 10 working days for the rest.
        (OffenderEvent.RELEASE_DATE_CHANGE, D(2025, 12, 15), D(2025, 12, 31)),
        (OffenderEvent.OPEN_CONDITIONS, D(2026, 4, 1), D(2026, 4, 17)),
        (OffenderEvent.PAROLE_REVIEW_LISTED, D(2025, 8, 20), D(2025, 9, 4)),
        (OffenderEvent.LICENCE_END, D(2021, 12, 20), D(2022, 1, 6)),
    ],
)
def test_event_deadlines(event: OffenderEvent, learned_on: date, due: date) -> None:
    deadline = event_deadline(event, learned_on, RULES, CAL)
    assert deadline.due == due
    assert deadline.code == f"event_{event.value}"
    assert deadline.code == dl.event_code(event)
    assert deadline.name == dl.RULES_BY_CODE[deadline.code].name
    assert deadline.counted_from == learned_on
    assert deadline.rule_version == 1
    assert deadline.moved_from is None
    assert CAL.is_working_day(deadline.due)


def test_an_event_deadline_can_be_changed_by_an_administrator() -> None:
    rules = RULES.with_number("event_recall", 2)
    deadline = event_deadline(OffenderEvent.RECALL, D(2025, 12, 24), rules, CAL)
    assert deadline.due == D(2025, 12, 30)
    assert deadline.rule_version == 2
    assert deadline.number == 2


@pytest.mark.parametrize(
    ("inputs", "anchor", "counted_from"),
    [
        (DeadlineInputs(sentence_date=D(2019, 6, 3)), dl.Anchor.SENTENCE_DATE, D(2019, 6, 3)),
        (
            DeadlineInputs(release_dates={"crd": D(2999, 1, 4)}),
            dl.Anchor.EARLIEST_RELEASE_DATE,
            D(2999, 1, 4),
        ),
        (
            DeadlineInputs(release_dates={"ped": D(9999, 12, 31)}),
            dl.Anchor.EARLIEST_RELEASE_DATE,
            D(9999, 12, 31),
        ),
        (DeadlineInputs(referral_date=D(2030, 12, 31)), dl.Anchor.REFERRAL_DATE, D(2030, 12, 31)),
    ],
    ids=["before", "centuries-ahead", "last-representable-day", "counted-past-the-end"],
)
def test_a_date_the_calendar_cannot_count_from_is_named(inputs, anchor, counted_from):
    with pytest.raises(dl.NotCountable) as caught:
        dl.compute_all(inputs, RULES, CAL)
    assert (caught.value.anchor, caught.value.counted_from) == (anchor, counted_from)
    assert (caught.value.first_year, caught.value.last_year) == (2020, 2030)


# --- Urgency against a threshold worked out once (issue 16: O(1) per deadline on a page) -----------


def _counted_urgency(due: date, today: date, calendar: WorkingDayCalendar, warn: int) -> Urgency:
    """The rule as first written: count every working day from today to the due date."""
    if today > due:
        return Urgency.OVERDUE
    if calendar.working_days_between(today, due) <= warn:
        return Urgency.DUE_SOON
    return Urgency.ON_TRACK


def _days_from(first: date, count: int) -> list[date]:
    return [date.fromordinal(first.toordinal() + offset) for offset in range(count)]


# Christmas and New Year 2025-26 (three bank holidays and a weekend between them), Easter 2026
# (Good Friday and Easter Monday), and the May and August bank holidays of 2026, with an extra
# non-working day an administrator added.
EXTRA_DAY = D(2026, 5, 26)
SPANS = [(D(2025, 12, 15), 40), (D(2026, 3, 25), 30), (D(2026, 4, 25), 40), (D(2026, 8, 20), 20)]
WITH_EXTRA = WorkingDayCalendar.england(2020, 2030, extra_non_working=[EXTRA_DAY])


@pytest.mark.parametrize("calendar", [CAL, WITH_EXTRA], ids=["bank holidays", "with an extra day off"])
@pytest.mark.parametrize("warn", [0, 1, 5, 10])
def test_the_threshold_gives_the_counted_answer_for_every_due_date_around_bank_holidays(
    calendar: WorkingDayCalendar, warn: int
) -> None:
    for first, length in SPANS:
        for today in _days_from(first, length):  # weekdays, weekends and bank holidays as today
            threshold = dl.due_soon_before(today, calendar, warn)
            for due in _days_from(date.fromordinal(today.toordinal() - 5), 45):
                expected = _counted_urgency(due, today, calendar, warn)
                assert dl.urgency_against(due, today, threshold) is expected, (today, due, warn)
                assert urgency(due, today, calendar, warn) is expected


@settings(max_examples=300, deadline=None)
@given(
    today=st.dates(min_value=D(2021, 3, 1), max_value=D(2029, 6, 30)),
    ahead=st.integers(min_value=-400, max_value=400),
    warn=st.integers(min_value=0, max_value=30),
)
def test_the_threshold_agrees_with_counting_for_any_day_and_date(today: date, ahead: int, warn: int) -> None:
    due = date.fromordinal(today.toordinal() + ahead)
    threshold = dl.due_soon_before(today, CAL, warn)
    assert dl.urgency_against(due, today, threshold) is _counted_urgency(due, today, CAL, warn)
    # The threshold itself: on track from that day, due soon the working day before it.
    assert _counted_urgency(threshold, today, CAL, warn) is Urgency.ON_TRACK
    assert CAL.working_days_between(today, CAL.previous_working_day(threshold - timedelta(days=1))) <= warn


def test_a_negative_warning_period_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        dl.due_soon_before(D(2026, 1, 5), CAL, -1)
