"""Zones and places shared by the geometry tests (victims.domain.geometry), on real places.

Bedford is the worked example: the zone is drawn round the town centre (St Paul's Square is at
about 52.1359, -0.4667). Points that must sit a few metres either side of the zone's edge are
worked out from the edge itself, in British National Grid metres, so those tests are exact.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import Point, Polygon

from victims.domain.geometry import (
    NamedPoint,
    ZoneCheck,
    bng_to_lonlat,
    check_zone,
    lonlat_to_bng,
    parse_zone,
    project_zone,
)

CODES = ["valid", "in_england_and_wales", "size", "inside", "outside", "not_revealing"]

ST_PAULS_SQUARE = (-0.4667, 52.1359)  # Bedford town centre (lon, lat)

# A zone round Bedford town centre, typed as a VLO might: latitude, longitude, not closed.
BEDFORD_TYPED = """52.1530, -0.4900
52.1560, -0.4500
52.1420, -0.4250
52.1220, -0.4350
52.1190, -0.4700
52.1300, -0.4950
"""
BEDFORD_RING = [
    (-0.4900, 52.1530),
    (-0.4500, 52.1560),
    (-0.4250, 52.1420),
    (-0.4350, 52.1220),
    (-0.4700, 52.1190),
    (-0.4950, 52.1300),
    (-0.4900, 52.1530),
]

HOME = NamedPoint("The victim’s home", -0.4552, 52.1372)  # a street east of the Embankment
WORK = NamedPoint("The victim’s work", -0.4750, 52.1405)  # near the north end of the High Street
RELEASE = NamedPoint("The offender’s proposed release address", -0.5000, 52.1150)  # Kempston


def by_code(checks: list[ZoneCheck]) -> dict[str, ZoneCheck]:
    assert [check.code for check in checks] == CODES
    return {check.code: check for check in checks}


def failed(checks: list[ZoneCheck]) -> set[str]:
    return {check.code for check in checks if not check.passed}


def bedford() -> list[list[list[tuple[float, float]]]]:
    return parse_zone(BEDFORD_TYPED)


def square(centre: tuple[float, float], side_m: float) -> list[list[list[tuple[float, float]]]]:
    """A square zone of the given side (metres, on the National Grid) centred on a lon, lat."""
    easting, northing = lonlat_to_bng(*centre)
    half = side_m / 2
    corners = [(-half, -half), (half, -half), (half, half), (-half, half)]
    return [[[bng_to_lonlat(easting + dx, northing + dy) for dx, dy in corners]]]


def offset(point: NamedPoint | tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    lon, lat = (point.lon, point.lat) if isinstance(point, NamedPoint) else point
    easting, northing = lonlat_to_bng(lon, lat)
    return bng_to_lonlat(easting + east_m, northing + north_m)


def across_edge(zone: list[list[list[tuple[float, float]]]], metres: float) -> tuple[float, float]:
    """A point `metres` from the middle of the zone's first edge: inside the zone when positive,
    outside when negative, measured along the edge's normal in National Grid metres."""
    outer = project_zone(zone).polygons[0][0]
    (x1, y1), (x2, y2) = outer[:2]
    length = math.hypot(x2 - x1, y2 - y1)
    normal = (-(y2 - y1) / length, (x2 - x1) / length)
    middle = ((x1 + x2) / 2, (y1 + y2) / 2)
    probe = Point(middle[0] + normal[0], middle[1] + normal[1])
    if not Polygon(outer).contains(probe):
        normal = (-normal[0], -normal[1])  # point it inwards
    return bng_to_lonlat(middle[0] + metres * normal[0], middle[1] + metres * normal[1])


def bng_distance_to_edge(zone: list[list[list[tuple[float, float]]]], lon: float, lat: float) -> float:
    return float(grid_shape(zone).boundary.distance(Point(*lonlat_to_bng(lon, lat))))


def grid_shape(zone: list[list[list[tuple[float, float]]]]) -> Any:
    """The zone as one shapely shape in National Grid metres, as the map is given it."""
    return shapely.union_all([Polygon(p[0], p[1:]) for p in project_zone(zone).polygons])


def area_km2(zone: list[list[list[tuple[float, float]]]]) -> float:
    return float(grid_shape(zone).area) / 1e6


def in_england_and_wales(zone: list[list[list[tuple[float, float]]]]) -> bool:
    """Whether the zone passes the in_england_and_wales check."""
    checks = check_zone(zone, inside=[], outside=[], protected=[])
    return by_code(checks)["in_england_and_wales"].passed


def geojson_polygon(ring: list[tuple[float, float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[list(point) for point in ring]]}


SECOND_RING = [(-0.5200, 52.1500), (-0.5100, 52.1500), (-0.5100, 52.1580), (-0.5200, 52.1500)]


def rectangle(
    centre: tuple[float, float], west_m: float, south_m: float, east_m: float, north_m: float
) -> list[list[tuple[float, float]]]:
    """One polygon: a rectangle given in metres east and north of a lon, lat."""
    corners = [(west_m, south_m), (east_m, south_m), (east_m, north_m), (west_m, north_m)]
    return [[offset(centre, dx, dy) for dx, dy in corners]]
