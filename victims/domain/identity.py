"""Whether a referral is about the offender already recorded under its CRN.

A CRN typed wrongly would otherwise attach a victim, with their address, to another offender's
case. The surname must match, compared as people write names (case, accents, spaces, hyphens and
apostrophes aside: "O'Brien" is "OBRIEN", "Smith-Jones" is "Smith Jones"), and so must the date
of birth where both records have one. A first name is not compared: it is often given
differently (a middle name, a short form) for the same person.
"""

from __future__ import annotations

import unicodedata
from datetime import date


def comparable_name(name: str) -> str:
    """A name as it is compared: letters only, without accents, in one case."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(character for character in decomposed if character.isalpha()).casefold()


def same_offender(
    known_surname: str, known_born: date | None, given_surname: str, given_born: date | None
) -> bool:
    """True when a referral's surname and date of birth match the offender already recorded."""
    if not comparable_name(given_surname) or comparable_name(known_surname) != comparable_name(given_surname):
        return False
    return known_born is None or given_born is None or known_born == given_born
