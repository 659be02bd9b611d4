"""When the service proposes closing a case, and what a closure needs."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.lifecycle import (
    CaseForClosure,
    ClosureGround,
    check_closure,
    closure_ground,
    due_for_closure,
    review_title,
    sentence_ends,
)

TODAY = date(2026, 11, 25)
BEFORE, AFTER = date(2026, 8, 14), date(2027, 1, 4)
OUT, KEY = "opted_out", "key_stages"


@pytest.mark.parametrize(
    ("dates", "ends"),
    [
        ({}, None),
        ({"crd": BEFORE}, None),  # a release date ends nothing
        ({"sed": BEFORE}, BEFORE),
        ({"led": BEFORE, "sed": AFTER}, AFTER),
        ({"led": AFTER, "sed": BEFORE}, AFTER),
        ({"led": BEFORE, "sed": BEFORE, "tused": AFTER}, AFTER),
        ({"led": None, "sed": BEFORE, "tused": None}, BEFORE),
    ],
)
def test_the_sentence_ends_on_the_latest_end_date_known(dates, ends) -> None:
    assert sentence_ends(dates) == ends


@pytest.mark.parametrize(
    ("dates", "levels", "ground"),
    [
        pytest.param(
            {"led": BEFORE, "sed": BEFORE}, [KEY], ClosureGround.SENTENCE_ENDED, id="licence expired"
        ),
        pytest.param({"led": BEFORE, "sed": AFTER}, [KEY], None, id="sentence runs on after the licence"),
        pytest.param({"led": BEFORE, "tused": AFTER}, [KEY], None, id="top-up supervision runs on"),
        pytest.param({"sed": TODAY}, [KEY], None, id="the last day itself is not past"),
        pytest.param({"sed": date(2026, 11, 24)}, [KEY], ClosureGround.SENTENCE_ENDED, id="the day after"),
        pytest.param({}, [KEY], None, id="indeterminate: never by date"),
        pytest.param({"sed": AFTER}, [OUT, OUT], ClosureGround.ALL_OPTED_OUT, id="everyone opted out"),
        pytest.param({"sed": AFTER}, [OUT, KEY], None, id="one still wants to hear"),
        pytest.param({"sed": AFTER}, [], None, id="nobody recorded yet"),
        pytest.param({"sed": BEFORE}, [OUT], ClosureGround.SENTENCE_ENDED, id="both: the sentence first"),
    ],
)
def test_closure_ground(dates, levels, ground) -> None:
    assert closure_ground(dates, levels, TODAY) is ground


def test_due_for_closure_skips_cases_with_an_open_review() -> None:
    cases = [
        CaseForClosure(1, {"sed": BEFORE}, (KEY,), review_open=False),
        CaseForClosure(2, {"sed": BEFORE}, (KEY,), review_open=True),
        CaseForClosure(3, {"sed": AFTER}, (OUT,), review_open=False),
        CaseForClosure(4, {"sed": AFTER}, (KEY,), review_open=False),
    ]
    assert due_for_closure(cases, TODAY) == [
        (1, ClosureGround.SENTENCE_ENDED),
        (3, ClosureGround.ALL_OPTED_OUT),
    ]


def test_the_review_task_says_why() -> None:
    assert review_title(ClosureGround.SENTENCE_ENDED) == (
        "Review the case for closure: the sentence and licence have ended"
    )
    assert (
        review_title(ClosureGround.ALL_OPTED_OUT) == "Review the case for closure: every victim has opted out"
    )
    assert all(len(review_title(ground)) <= 200 for ground in ClosureGround)  # tasks.title


@pytest.mark.parametrize(
    ("reason", "details", "problem"),
    [
        ("sentence_ended", "", None),
        ("other", "Merged with case 12", None),
        ("other", "  ", "Enter why the case is closing"),
        ("", "", "Choose why the case is closing"),
        ("nonsense", "", "Choose why the case is closing"),
    ],
)
def test_check_closure(reason, details, problem) -> None:
    assert check_closure(reason, details) == problem
