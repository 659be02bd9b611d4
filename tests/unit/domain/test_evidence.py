"""Evidence (issue 13): which evidence meets which deadline, and how late a meeting was.

Working days were counted by hand from the calendar and the published England and Wales bank
holidays (Christmas Day and Boxing Day 2026 are a Friday and a Saturday, so Boxing Day's holiday
is Monday 28 December; New Year's Day 2027 is a Friday)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain import deadlines as dl
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.deadlines import OffenderEvent, event_code
from victims.domain.evidence import (
    MET_BY,
    EvidenceKind,
    meets,
    met_by_evidence,
    met_words,
    what_meets,
    working_days_late,
)
from victims.domain.work import TASK_TITLES

K = EvidenceKind
CAL = WorkingDayCalendar.england(2020, 2030)
DAY = date(2026, 11, 25)

# (rule, evidence, meets it?)
TABLE = [
    # Initial contact: a letter sent, a contact, or a documented attempt; nothing else.
    (dl.INITIAL_CONTACT, K.INITIAL_LETTER, True),
    (dl.INITIAL_CONTACT, K.CONTACT, True),
    (dl.INITIAL_CONTACT, K.ATTEMPT, True),
    (dl.INITIAL_CONTACT, K.LETTER, False),  # a key-stage letter is not initial contact
    (dl.INITIAL_CONTACT, K.PRE_RELEASE_CONTACT, False),
    (dl.INITIAL_CONTACT_FROM_SENTENCE, K.ATTEMPT, True),
    (dl.VNS_INITIAL_CONTACT, K.INITIAL_LETTER, True),
    (dl.VNS_INITIAL_CONTACT, K.CONTACT, True),
    (dl.VNS_INITIAL_CONTACT, K.NEW_DETAILS, False),
    # Pre-release window: a pre-release contact only.
    (dl.PRE_RELEASE_WINDOW, K.PRE_RELEASE_CONTACT, True),
    (dl.PRE_RELEASE_WINDOW, K.CONTACT, False),
    (dl.PRE_RELEASE_WINDOW, K.INITIAL_LETTER, False),
    # Representations: sent; the outcome: told.
    (dl.LICENCE_REPRESENTATIONS, K.REPRESENTATIONS_SENT, True),
    (dl.LICENCE_REPRESENTATIONS, K.LETTER, False),
    (dl.LICENCE_OUTCOME, K.OUTCOME_TOLD, True),
    (dl.LICENCE_OUTCOME, K.CONTACT, False),
    # Contact lost: new details or a contact made; not a letter (it may come back too), not an attempt.
    (dl.CONTACT_LOST, K.NEW_DETAILS, True),
    (dl.CONTACT_LOST, K.CONTACT, True),
    (dl.CONTACT_LOST, K.ATTEMPT, False),
    (dl.CONTACT_LOST, K.LETTER, False),
    # The map: countersigned.
    (dl.ZONE_MAP, K.MAP_SIGNED, True),
    (dl.ZONE_MAP, K.CONTACT, False),
    # The referral: its arrival.
    (dl.REFERRAL, K.REFERRAL, True),
    (dl.REFERRAL, K.CONTACT, False),
    # An event's task: a letter or a contact (not an attempt).
    (event_code(OffenderEvent.RECALL), K.LETTER, True),
    (event_code(OffenderEvent.RECALL), K.INITIAL_LETTER, True),
    (event_code(OffenderEvent.RECALL), K.CONTACT, True),
    (event_code(OffenderEvent.RECALL), K.ATTEMPT, False),
    (event_code(OffenderEvent.PAROLE_DECISION), K.PRE_RELEASE_CONTACT, False),
    # Never recorded as evidence by the service, so they meet nothing of themselves.
    (dl.INITIAL_CONTACT, K.UNRECORDED, False),
    # An SPO by hand meets anything.
    (dl.INITIAL_CONTACT, K.MANUAL, True),
    (dl.REFERRAL_PASSED_ON, K.MANUAL, True),
    # A rule no evidence meets: only by hand.
    (dl.REFERRAL_PASSED_ON, K.CONTACT, False),
]


@pytest.mark.parametrize(("code", "kind", "expected"), TABLE)
def test_which_evidence_meets_which_deadline(code, kind, expected):
    assert meets(code, kind, DAY, DAY) is expected


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 11, 24), False), (date(2026, 11, 25), True), (date(2026, 11, 26), True)],
)
def test_an_events_task_is_met_only_by_evidence_on_or_after_the_day_it_counts_from(on, expected):
    assert meets(event_code(OffenderEvent.RELEASE), K.LETTER, on, DAY) is expected


def test_initial_contact_evidence_may_come_before_the_count_starts():
    # A first call made the day before the referral was logged still made contact.
    assert meets(dl.INITIAL_CONTACT, K.CONTACT, date(2026, 11, 1), DAY)


def test_every_event_rule_is_met_by_evidence_so_new_events_are_too():
    for rule in dl.EVENT_RULES:
        assert K.LETTER in MET_BY[rule.code]


def test_every_rule_evidence_meets_says_what_meets_it():
    for code in MET_BY:
        assert what_meets(code)
    assert what_meets(dl.REFERRAL_PASSED_ON) is None
    assert not met_by_evidence(dl.REFERRAL_PASSED_ON)
    assert met_by_evidence(dl.VNS_INITIAL_CONTACT)


def test_every_task_of_work_is_either_met_by_evidence_or_marked_done():
    # A referral from outside the team is checked by asking its sender; a closure review ends in
    # the case closing (its task closes with the case) or the VLO deciding it stays open; a
    # victim's request for reconsideration is passed on only if they make one.
    by_hand = {code for code in TASK_TITLES if not met_by_evidence(code)}
    assert by_hand == {dl.REFERRAL_PASSED_ON, dl.CLOSURE_DUE, dl.PAROLE_RECONSIDERATION}


@pytest.mark.parametrize(
    ("due", "met_on", "late"),
    [
        (date(2026, 11, 25), date(2026, 11, 25), 0),  # on the day
        (date(2026, 11, 25), date(2026, 11, 2), 0),  # early
        (date(2026, 11, 25), date(2026, 11, 26), 1),
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Friday → Monday: the weekend does not count
        (date(2026, 11, 27), date(2026, 11, 28), 0),  # met on the Saturday after: no working day passed
        (date(2026, 12, 24), date(2026, 12, 29), 1),  # Christmas, Boxing Day (28th) not working days
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # 29, 30, 31 December, 4 January
        (date(2026, 11, 18), date(2026, 11, 25), 5),
    ],
)
def test_working_days_late(due, met_on, late):
    assert working_days_late(due, met_on, CAL) == late


@pytest.mark.parametrize(
    ("late", "words"),
    [(0, "Met on time"), (1, "Met 1 working day late"), (3, "Met 3 working days late"), (None, "Met")],
)
def test_met_words(late, words):
    assert met_words(late) == words
