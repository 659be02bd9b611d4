"""The offender's proposed release address as a source gives it (issue 17): what makes one
acceptable, and when two are the same address.

Pure: the caller passes in today, the date of sentence and the date of the address already
recorded. Every problem is found at once, each at its field ("street", "postcode", "given_on"), in
words a person can act on (the API and the CSV import show the same words)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from victims.domain import postcodes
from victims.domain.text import text_problem

STREET_MAX = 200  # a house number and a street, or a flat, a house name and a street


@dataclass(frozen=True)
class AddressProblem:
    field: str  # "street", "postcode" or "given_on"
    message: str


@dataclass(frozen=True)
class GivenAddress:
    """An address that passed `read`: the street tidied (None when not given), the postcode as
    the postcode directory writes it."""

    street: str | None
    postcode: str
    given_on: date


def tidy_street(text: str | None) -> str | None:
    squeezed = re.sub(r"\s+", " ", text or "").strip()
    return squeezed or None


def read(
    street: str | None,
    postcode_text: str | None,
    given_on: date | None,
    *,
    today: date,
    sentenced_on: date | None,
    current_given_on: date | None,
) -> tuple[GivenAddress | None, list[AddressProblem]]:
    """The address as it will be kept, or every problem with it.

    The date it was given may not be in the future, nor before the offender was sentenced (an
    address proposed for release from a sentence not yet passed is a typing mistake), nor before
    the date of the address already recorded: the latest address given is the current one, so an
    older one arriving late (a message delivered out of order) must not replace a newer one."""
    problems = []
    tidied = None
    if street is not None:
        unusable = text_problem(street)
        if unusable:
            problems.append(AddressProblem("street", f"The house number and street {unusable}"))
        else:
            tidied = tidy_street(street)
            if tidied is not None and len(tidied) > STREET_MAX:
                problems.append(
                    AddressProblem(
                        "street", f"The house number and street must be {STREET_MAX} characters or fewer"
                    )
                )
    postcode = None
    if not (postcode_text or "").strip():
        problems.append(AddressProblem("postcode", "Enter the postcode of the proposed release address"))
    else:
        postcode = postcodes.normalise(postcode_text)
        if postcode is None:
            problems.append(AddressProblem("postcode", "Enter a real postcode, like MK40 1AA"))
    if given_on is None:
        problems.append(AddressProblem("given_on", "Enter the date the address was given"))
    elif given_on > today:
        problems.append(
            AddressProblem("given_on", "The date the address was given must be today or in the past")
        )
    elif sentenced_on is not None and given_on < sentenced_on:
        problems.append(
            AddressProblem(
                "given_on",
                f"The date the address was given must be on or after the date of sentence, "
                f"{_day(sentenced_on)}",
            )
        )
    elif current_given_on is not None and given_on < current_given_on:
        problems.append(
            AddressProblem(
                "given_on",
                f"The date the address was given must be on or after {_day(current_given_on)}, the "
                "date of the proposed release address already recorded",
            )
        )
    if problems or postcode is None or given_on is None:
        return None, problems
    return GivenAddress(tidied, postcode, given_on), []


def same_address(
    street: str | None, postcode: str | None, other_street: str | None, other_postcode: str | None
) -> bool:
    """Whether two addresses are one: the same postcode, and the same street however it is
    capitalised or spaced ("12  high street" is "12 High Street")."""
    return postcodes.normalise(postcode) == postcodes.normalise(other_postcode) and _street_key(
        street
    ) == _street_key(other_street)


def _street_key(street: str | None) -> str:
    return re.sub(r"[\s,.]+", " ", street or "").strip().casefold()


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"
