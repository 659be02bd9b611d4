"""A referral must be about the offender already recorded under its CRN (victims.domain.identity)."""

from __future__ import annotations

from datetime import date

import pytest

from victims.domain.identity import comparable_name, same_offender

BORN = date(1980, 1, 1)


@pytest.mark.parametrize(
    ("known", "given", "same"),
    [
        ("Smith", "Smith", True),
        ("Smith", "SMITH", True),
        ("O'Brien", "OBrien", True),
        ("O’Brien", "o brien", True),  # a typographic apostrophe, a space
        ("Smith-Jones", "Smith Jones", True),
        ("Zoë", "Zoe", True),
        ("Łukasz", "Lukasz", False),  # Ł is a letter of its own, not L with a mark
        ("Smith", "Smyth", False),
        ("Smith", "Smithson", False),
        ("Smith", "", False),
        ("Smith", "---", False),
    ],
)
def test_surnames_are_compared_as_people_write_them(known: str, given: str, same: bool) -> None:
    assert same_offender(known, BORN, given, BORN) is same


@pytest.mark.parametrize(
    ("known_born", "given_born", "same"),
    [
        (BORN, BORN, True),
        (BORN, date(1980, 1, 2), False),
        (BORN, None, True),  # not given: the surname decides
        (None, BORN, True),  # not recorded: the surname decides
        (None, None, True),
    ],
)
def test_the_date_of_birth_must_match_where_both_are_known(
    known_born: date | None, given_born: date | None, same: bool
) -> None:
    assert same_offender("Smith", known_born, "Smith", given_born) is same


def test_comparable_name() -> None:
    assert comparable_name(" Mc Donald-O’Neill ") == "mcdonaldoneill"
