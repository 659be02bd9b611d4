"""Characters nobody means to type (victims.domain.text)."""

from __future__ import annotations

import pytest

from victims.domain.text import cleaned, text_problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("Smith", None),
        ("Ordinary text, with ‘quotes’ and Cymraeg: ŵ ŷ", None),
        ("bell\x07", "must not contain control characters"),
        ("O’Brien\tand\r\nline breaks", None),
        ("\u200fعلي\u200f", None),  # right-to-left marks are kept: names may need them
        ("Smi\x00th", "must not contain control characters"),
        ("Smi\x0bth", "must not contain control characters"),
        ("Smi\x85th", "must not contain control characters"),  # C1
        ("\u202eSmith", "must not contain characters that change the direction text is shown in"),
        ("Smith\u2066", "must not contain characters that change the direction text is shown in"),
        ("\ud800", "must be text in Unicode: it has a character that cannot be stored"),
    ],
)
def test_text_problem(value: str, problem: str | None) -> None:
    assert text_problem(value) == problem


def test_cleaned_removes_what_nobody_types_and_keeps_the_rest() -> None:
    assert cleaned("\u202eSmi\x0bth\u202c") == "Smith"
    assert cleaned("Line one\r\nLine two\tend") == "Line one\r\nLine two\tend"
    assert cleaned("\u200fعلي") == "\u200fعلي"
