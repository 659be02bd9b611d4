"""How the geometry's messages name things and give numbers, for officers to read."""

from __future__ import annotations

from collections.abc import Sequence

# At most this many problems of one kind about single points are listed; the rest are counted.
MAX_LISTED = 10


def polygon_name(index: int, count: int) -> str:
    return "the zone" if count == 1 else f"polygon {index}"


def point_name(index: int, count: int, ring_index: int, point_index: int) -> str:
    parts = [] if count == 1 else [f"Polygon {index}"]
    if ring_index:
        parts.append(f"hole {ring_index}")
    parts.append(f"point {point_index}")
    return cap(", ".join(parts))


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def capped(problems: list[str], things: str) -> list[str]:
    if len(problems) <= MAX_LISTED:
        return problems
    more = len(problems) - MAX_LISTED
    return [*problems[:MAX_LISTED], f"There are problems with {more:,} more {things} too."]


def and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def short_number(value: float) -> str:
    return f"{value:g}"


def metres(value: float) -> str:
    rounded = round(value)
    return f"{rounded:,} metre" if rounded == 1 else f"{rounded:,} metres"


def area(square_metres: float) -> str:
    """An area for people: km² to 2 decimal places, hectares below 1 km², square metres below
    1 hectare."""
    if square_metres < 1e4:
        return f"{square_metres:,.0f} square metres"
    if square_metres < 1e6:
        hectares = f"{square_metres / 1e4:,.1f}".removesuffix(".0")
        return f"{hectares} hectare" if hectares == "1" else f"{hectares} hectares"
    return f"{square_metres / 1e6:,.2f} km²"
