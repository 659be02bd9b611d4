"""A licence-condition request moves one stage at a time, with what each step needs, and
pre-release work is complete only when every outcome has been told (victims.domain.prerelease)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from victims.domain.prerelease import (
    ConditionType,
    OutcomeTold,
    Stage,
    StepInput,
    StepRefused,
    Telling,
    ToldKind,
    check_step,
    completion_problems,
    parse_choice,
    told_choices,
    told_refusal,
)

NAMED = ConditionType.NO_CONTACT_VICTIM
OUTCOME = OutcomeTold(case_id=7, people=frozenset({70, 71}), on=date(2026, 11, 25))
LETTER = Telling(
    ToldKind.LETTER, 42, 7, 70, date(2026, 11, 26), True, outcome_letter=True, description="Letter 42"
)
FULL = StepInput(
    wording="Not to contact the victim",
    practitioner_name="Pat Practitioner",
    practitioner_team="Bedford",
    reason="Not proportionate",
    told_by=LETTER,
)

PATH = [Stage.REQUESTED, Stage.DRAFTED, Stage.CHECKED, Stage.SENT, Stage.INCLUDED, Stage.TOLD]


def test_the_whole_path_one_step_at_a_time():
    for current, target in itertools.pairwise(PATH):
        check_step(current, target, FULL, NAMED, OUTCOME)
    check_step(Stage.SENT, Stage.NOT_INCLUDED, FULL, NAMED)
    check_step(Stage.NOT_INCLUDED, Stage.TOLD, FULL, NAMED, OUTCOME)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Stage.REQUESTED, Stage.CHECKED),
        (Stage.REQUESTED, Stage.SENT),
        (Stage.DRAFTED, Stage.SENT),
        (Stage.CHECKED, Stage.INCLUDED),
        (Stage.SENT, Stage.TOLD),
        (Stage.TOLD, Stage.DRAFTED),
        (Stage.INCLUDED, Stage.NOT_INCLUDED),
    ],
)
def test_no_step_can_be_skipped_or_taken_backwards(current, target):
    with pytest.raises(StepRefused, match="the next step is"):
        check_step(current, target, FULL, NAMED)


@pytest.mark.parametrize(
    ("current", "target", "missing", "message"),
    [
        (Stage.REQUESTED, Stage.DRAFTED, {"wording": " "}, "proposed wording"),
        (Stage.CHECKED, Stage.SENT, {"practitioner_team": ""}, "name and team"),
        (Stage.SENT, Stage.NOT_INCLUDED, {"reason": None}, "reason"),
        (Stage.INCLUDED, Stage.TOLD, {"told_by": None}, "Choose the letter or contact that told"),
    ],
)
def test_each_step_needs_what_it_records(current, target, missing, message):
    given = StepInput(**{**FULL.__dict__, **missing})
    with pytest.raises(StepRefused, match=message):
        check_step(current, target, given, NAMED, OUTCOME)


def test_an_exclusion_zone_is_checked_only_with_a_countersigned_map():
    zone = ConditionType.EXCLUSION_ZONE
    with pytest.raises(StepRefused, match="map must pass its checks"):
        check_step(Stage.DRAFTED, Stage.CHECKED, StepInput(zone_ready=False), zone)
    check_step(Stage.DRAFTED, Stage.CHECKED, StepInput(zone_ready=True), zone)


def test_completion_needs_every_outcome_told():
    assert completion_problems([("A", Stage.TOLD), ("B", Stage.TOLD)]) == []
    assert completion_problems([]) == []
    problems = completion_problems([("A", Stage.SENT), ("B", Stage.NOT_INCLUDED), ("C", Stage.TOLD)])
    assert problems == [
        "A: no outcome yet (it is at “Sent to the probation practitioner”)",
        "B: the victim has not been told the outcome",
    ]


# -- what told the victim (issue 17) -----------------------------------------------------------------


def _telling(**changes) -> Telling:
    fields = {**LETTER.__dict__, **changes}
    return Telling(**fields)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"case_id": 8}, "with the person who made the request, on this case"),  # another case's
        ({"person_id": 99}, "with the person who made the request"),  # someone else on the case
        ({"person_id": None}, "with the person who made the request"),  # an entry about nobody
        ({"happened": False, "on": None}, "a letter that has been sent"),
        ({"kind": ToldKind.CONTACT, "happened": False}, "a contact that was made"),
        ({"on": date(2026, 11, 24)}, "from 25 November 2026 or later"),  # before the outcome
    ],
)
def test_a_telling_that_cannot_have_told_them_is_refused_with_why(changes, message):
    refusal = told_refusal(OUTCOME, _telling(**changes))
    assert refusal is not None and message in refusal
    with pytest.raises(StepRefused, match=message) as refused:
        check_step(Stage.INCLUDED, Stage.TOLD, StepInput(told_by=_telling(**changes)), NAMED, OUTCOME)
    assert refused.value.field == "told_by"


def test_a_letter_or_contact_on_the_outcomes_day_or_after_with_them_or_whoever_acts_for_them_is_accepted():
    assert told_refusal(OUTCOME, LETTER) is None
    assert told_refusal(OUTCOME, _telling(on=OUTCOME.on)) is None  # the same day
    assert told_refusal(OUTCOME, _telling(person_id=71)) is None  # their parent or guardian
    assert told_refusal(OUTCOME, _telling(kind=ToldKind.CONTACT, outcome_letter=False)) is None
    assert told_refusal(None, LETTER) == "The request has no outcome to tell"


def test_the_choices_put_outcome_letters_first_then_letters_then_contacts_each_newest_first():
    day = date(2026, 11, 26)
    contact_old = _telling(kind=ToldKind.CONTACT, id=1, outcome_letter=False, on=day)
    contact_new = _telling(kind=ToldKind.CONTACT, id=2, outcome_letter=False, on=date(2026, 12, 1))
    other_letter = _telling(id=3, outcome_letter=False, on=date(2026, 12, 2))
    outcome_old = _telling(id=4, on=day)
    outcome_new = _telling(id=5, on=date(2026, 11, 30))
    not_sent = _telling(id=6, happened=False, on=None)
    before = _telling(kind=ToldKind.CONTACT, id=7, outcome_letter=False, on=date(2026, 11, 1))
    chosen = told_choices(
        OUTCOME, [contact_old, other_letter, not_sent, contact_new, outcome_old, before, outcome_new]
    )
    assert [t.id for t in chosen] == [5, 4, 3, 2, 1]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("letter:42", (ToldKind.LETTER, 42)),
        ("contact:7", (ToldKind.CONTACT, 7)),
        ("letter:", None),
        ("letter:-1", None),
        ("letter:4.2", None),
        ("letter:١٢", None),  # Arabic-Indic digits pass str.isdigit
        ("email:1", None),
        ("letter:" + "9" * 13, None),
        ("", None),
        (None, None),
    ],
)
def test_a_choice_is_read_only_as_the_form_writes_it(value, expected):
    assert parse_choice(value) == expected


def test_the_log_entry_the_service_wrote_for_a_sent_letter_is_listed_once_as_the_letter():
    moment = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    letter = _telling(id=5, outcome_letter=False, at=moment)
    logged = _telling(kind=ToldKind.CONTACT, id=8, outcome_letter=False, at=moment, by_letter_or_email=True)
    email_later = _telling(
        kind=ToldKind.CONTACT, id=9, outcome_letter=False, at=datetime(2026, 11, 26, 11, 0, tzinfo=UTC),
        by_letter_or_email=True,
    )  # fmt: skip
    call = _telling(kind=ToldKind.CONTACT, id=10, outcome_letter=False, at=moment)  # a call at that moment
    assert [t.id for t in told_choices(OUTCOME, [letter, logged, email_later, call])] == [5, 10, 9]
