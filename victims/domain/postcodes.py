"""UK postcodes as people write them: read, normalised, and cut into their parts.

A postcode is an outward code (area, district: "MK40", "EC1A", "B1") and an inward code (sector
digit and unit letters: "1AA"), written here as the Royal Mail and the ONS Postcode Directory's
"pcds" column write it: capitals, one space ("MK40 1AA", "EC1A 1BB", "B1 1AA"). People type them
in lower case, without the space, with two spaces, with a full stop or a dash: `normalise` reads
all of those and says None to anything that is not the shape of a postcode. It does not say the
postcode exists: that is the postcode table's job (victims.postcodes).

A postcode sector is the outward code and the inward code's digit ("MK40 1"): a few thousand
addresses, the unit used here for starting shapes of exclusion zones (issue 17).
"""

from __future__ import annotations

import re

# The shapes the Royal Mail's postcode address file uses (BS 7666), and the one oddity GIR 0AA.
# Outward: A9, A99, AA9, AA99, A9A, AA9A. Inward: 9AA (the last two letters never C I K M O V).
_OUTWARD = r"(?:[A-Z]{1,2}[0-9][0-9A-Z]?)"
_INWARD = r"(?:[0-9][ABD-HJLNP-UW-Z]{2})"
_POSTCODE = re.compile(rf"^(?P<outward>{_OUTWARD})(?P<inward>{_INWARD})$")
_SECTOR = re.compile(rf"^(?P<outward>{_OUTWARD})(?P<digit>[0-9])$")
_SEPARATORS = re.compile(r"[\s.\-–]+")

MAX_LENGTH = 8  # "EC1A 1BB"
SECTOR_MAX_LENGTH = 6  # "EC1A 1"


def _squeezed(text: str) -> str:
    return _SEPARATORS.sub("", (text or "").upper())


def normalise(text: str | None) -> str | None:
    """The postcode as the directory writes it ("mk401aa" → "MK40 1AA"), or None when the text is
    not the shape of a postcode."""
    squeezed = _squeezed(text or "")
    if squeezed == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(squeezed)
    if match is None:
        return None
    return f"{match['outward']} {match['inward']}"


def sector_of(postcode: str) -> str:
    """The sector of a normalised postcode: "MK40 1AA" → "MK40 1"."""
    return postcode[:-2]


def normalise_sector(text: str | None) -> str | None:
    """A postcode sector as people write it ("mk40 1", "MK401") → "MK40 1", or None."""
    squeezed = _squeezed(text or "")
    match = _SECTOR.match(squeezed)
    if match is None:
        return None
    return f"{match['outward']} {match['digit']}"
