"""Starting shapes for a zone (victims.domain.geometry.shapes): a circle round a place, the union
of postcode sectors."""

from __future__ import annotations

import math

import pytest
from pyproj import Geod

from tests.helpers import zone_contains
from tests.unit.domain.geometry.zones import (
    HOME,
    ST_PAULS_SQUARE,
    area_km2,
    bng_distance_to_edge,
    by_code,
    offset,
)
from victims.domain import geometry
from victims.domain.geometry import GeometryError, NamedPoint, ZoneRules
from victims.domain.geometry.shapes import SECTOR_MARGIN_M

LON, LAT = ST_PAULS_SQUARE
GEOD = Geod(ellps="WGS84")


@pytest.mark.parametrize("radius_m", [400, 1000, 2500, 8900])
def test_a_circle_has_the_area_of_its_radius_within_one_percent(radius_m) -> None:
    zone = geometry.circle(LAT, LON, radius_m)
    # Measured as the checks measure it (National Grid metres), and on the ellipsoid.
    assert area_km2(zone) * 1e6 == pytest.approx(math.pi * radius_m**2, rel=0.01)
    ellipsoid_m2, _ = GEOD.polygon_area_perimeter(*zip(*zone[0][0], strict=True))
    assert abs(ellipsoid_m2) == pytest.approx(math.pi * radius_m**2, rel=0.002)


def test_every_corner_of_a_circle_is_its_radius_away_on_the_ground() -> None:
    [[ring]] = geometry.circle(LAT, LON, 1000)
    assert len(ring) == geometry.shapes.CIRCLE_VERTICES + 1 and ring[0] == ring[-1]
    distances = [GEOD.inv(LON, LAT, lon, lat)[2] for lon, lat in ring]
    assert min(distances) == pytest.approx(1000, abs=1) and max(distances) == pytest.approx(1000, abs=1)


def test_a_circle_is_a_valid_zone_that_contains_its_centre_and_goes_through_the_checks() -> None:
    zone = geometry.circle(LAT, LON, 1500)
    assert geometry.parse_zone(geometry.to_geojson(zone)) == zone  # it reads back as it was written
    assert zone_contains(zone, LAT, LON)
    checks = by_code(geometry.check_zone(zone, inside=[], outside=[], protected=[]))
    assert all(check.passed for check in checks.values())


def test_a_small_circle_round_the_victims_home_fails_the_check_that_the_map_does_not_reveal_it() -> None:
    zone = geometry.circle(HOME.lat, HOME.lon, 500)
    checks = by_code(geometry.check_zone(zone, inside=[HOME], outside=[], protected=[HOME]))
    assert checks["inside"].passed and checks["size"].passed
    assert not checks["not_revealing"].passed
    assert any("centred on" in problem for problem in checks["not_revealing"].problems)


def test_the_radius_limits_make_circles_of_a_sensible_size() -> None:
    rules = ZoneRules()
    low, high = geometry.circle_radius_limits(rules.min_area_km2, rules.max_area_km2)
    assert (low, high) == (400, 8900)
    for radius, passes in ((low, True), (high, True), (low - 10, False), (high + 100, False)):
        zone = geometry.circle(LAT, LON, radius)
        size = by_code(geometry.check_zone(zone, inside=[], outside=[], protected=[], rules=rules))["size"]
        assert size.passed is passes, (radius, size)


@pytest.mark.parametrize("radius", [0, -5, math.nan, math.inf])
def test_a_circle_needs_a_radius(radius) -> None:
    with pytest.raises(GeometryError):
        geometry.circle(LAT, LON, radius)


def test_a_circle_outside_the_national_grid_is_refused() -> None:
    with pytest.raises(GeometryError, match="National Grid"):
        geometry.circle(48.85, 2.35, 1000)  # Paris


def _cluster(lon: float, lat: float, n: int = 12, spread_m: float = 400) -> list[tuple[float, float]]:
    """n (latitude, longitude) points on a spiral round a point, up to spread_m away."""
    points = []
    for index in range(n):
        angle, distance = index * 2.4, spread_m * (index + 1) / n
        lon_p, lat_p = offset((lon, lat), distance * math.cos(angle), distance * math.sin(angle))
        points.append((lat_p, lon_p))
    return points


def test_the_sectors_shape_contains_every_postcode_of_every_sector() -> None:
    one = _cluster(LON, LAT)
    two = _cluster(*offset((LON, LAT), 700, 0))  # overlaps the first when widened
    far = _cluster(*offset((LON, LAT), 0, 5000))  # apart: a polygon of its own
    zone = geometry.sectors_shape({"MK40 1": one, "MK40 2": two, "MK41 7": far})
    assert len(zone) == 2
    for lat, lon in one + two + far:
        assert zone_contains(zone, lat, lon), (lat, lon)
        # Well inside: the margin less the simplification.
        assert bng_distance_to_edge(zone, lon, lat) > SECTOR_MARGIN_M - 15
    assert not zone_contains(zone, *reversed(offset((LON, LAT), 0, 2500)))  # between the two
    checks = by_code(geometry.check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["valid"].passed and checks["in_england_and_wales"].passed
    assert geometry.parse_zone(geometry.to_geojson(zone)) == zone


def test_a_sector_of_one_postcode_is_still_an_area() -> None:
    zone = geometry.sectors_shape({"MK40 1": [(LAT, LON)]})
    assert area_km2(zone) == pytest.approx(math.pi * SECTOR_MARGIN_M**2 / 1e6, rel=0.05)
    assert zone_contains(zone, LAT, LON)


def test_a_sector_without_postcodes_or_off_the_grid_is_refused_by_name() -> None:
    with pytest.raises(GeometryError) as raised:
        geometry.sectors_shape({"MK40 9": [], "XX1 1": [(48.85, 2.35)], "MK40 1": [(LAT, LON)]})
    assert raised.value.problems == [
        "The postcode sector MK40 9 has no postcodes.",
        "The postcode sector XX1 1 is outside Great Britain’s National Grid.",
    ]
    with pytest.raises(GeometryError):
        geometry.sectors_shape({})


def test_home_inside_a_sector_shape_is_checked_like_any_zone() -> None:
    zone = geometry.sectors_shape({"MK40 3": _cluster(HOME.lon, HOME.lat, spread_m=900)})
    far_home = NamedPoint("The victim’s home", *offset(HOME, 5000, 5000))
    checks = by_code(geometry.check_zone(zone, inside=[far_home], outside=[], protected=[]))
    assert not checks["inside"].passed
