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
from collections.abc import Sequence
from dataclasses import dataclass

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


# -- Reading a postcode file (`flask --app victims postcodes import FILE`) ----------------------
#
# The ONS Postcode Directory (ONSPD) names its columns pcds ("MK40 1AA"), pcd2 and pcd (fixed
# widths), lat and long; a plain file names them postcode, latitude (or lat) and longitude (or long,
# lon, lng). Header names are read without regard to case or surrounding spaces.
POSTCODE_COLUMNS = ("pcds", "postcode", "pcd2", "pcd")
LATITUDE_COLUMNS = ("lat", "latitude")
LONGITUDE_COLUMNS = ("long", "longitude", "lon", "lng")

# A box around the United Kingdom, the Isle of Man and the Channel Islands (ONSPD holds all of
# them): Jersey reaches 49.16°N, Shetland 60.86°N, County Fermanagh 8.18°W, Lowestoft 1.76°E.
UK_LATITUDES = (49.0, 61.0)
UK_LONGITUDES = (-8.7, 1.8)
# ONSPD's mark for a postcode with no grid reference (lat 99.999999, long 0.000000): skipped and
# counted, not an error.
NO_LOCATION_LATITUDE = 99.999999


class NotAPostcodeFile(ValueError):
    """The header lacks a postcode, latitude or longitude column."""


class BadRow(ValueError):
    """Why a row of a postcode file cannot be read (the message says so in plain words)."""


@dataclass(frozen=True)
class Columns:
    """Where a postcode file keeps what the table needs, and how many fields each row has."""

    postcode: int
    latitude: int
    longitude: int
    width: int
    names: tuple[str, str, str]  # the header names used, as the file writes them


def columns_of(header: Sequence[str]) -> Columns:
    """Find the postcode, latitude and longitude columns of a file's header row."""
    names = [name.strip().lstrip("\ufeff").strip().lower() for name in header]

    def first(choices: tuple[str, ...], what: str) -> int:
        for choice in choices:
            if choice in names:
                return names.index(choice)
        raise NotAPostcodeFile(
            f"The header has no {what} column (looked for {', '.join(choices)}; found: "
            f"{', '.join(name for name in names[:12] if name) or 'nothing'}"
            f"{', …' if len(names) > 12 else ''})"
        )

    postcode = first(POSTCODE_COLUMNS, "postcode")
    latitude = first(LATITUDE_COLUMNS, "latitude")
    longitude = first(LONGITUDE_COLUMNS, "longitude")
    return Columns(
        postcode,
        latitude,
        longitude,
        len(names),
        (header[postcode].strip(), header[latitude].strip(), header[longitude].strip()),
    )


def _shown(text: str) -> str:
    return repr(text if len(text) <= 20 else text[:20] + "…")


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise BadRow(f"{what} {_shown(text)} is not a number") from None


def _within(value: float, text: str, what: str, bounds: tuple[float, float]) -> float:
    if not bounds[0] <= value <= bounds[1]:  # NaN fails this too
        raise BadRow(f"{what} {_shown(text)} is outside the United Kingdom ({bounds[0]} to {bounds[1]})")
    return value


def located(fields: Sequence[str], columns: Columns) -> tuple[str, float, float] | None:
    """A row's (normalised postcode, latitude, longitude); None when the postcode has no location
    (ONSPD's 99.999999 latitude, or both coordinates empty). Raises BadRow saying why a row cannot
    be read."""
    if len(fields) != columns.width:
        raise BadRow(f"{len(fields)} fields where the header has {columns.width}")
    text = fields[columns.postcode]
    postcode = normalise(text)
    if postcode is None:
        raise BadRow(f"{_shown(text)} is not a postcode")
    latitude_text = fields[columns.latitude].strip()
    longitude_text = fields[columns.longitude].strip()
    if not latitude_text and not longitude_text:
        return None
    latitude = _number(latitude_text, "latitude")
    if latitude == NO_LOCATION_LATITUDE:
        return None
    longitude = _number(longitude_text, "longitude")
    return (
        postcode,
        _within(latitude, latitude_text, "latitude", UK_LATITUDES),
        _within(longitude, longitude_text, "longitude", UK_LONGITUDES),
    )
