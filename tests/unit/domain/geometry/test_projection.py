"""The pinned projection to the British National Grid (victims.domain.geometry.projection)."""

from __future__ import annotations

import math
import random
import re

import pytest
from pyproj import Geod

from tests.helpers import PROJECT
from tests.unit.domain.geometry.zones import (
    BEDFORD_RING,
    ST_PAULS_SQUARE,
    area_km2,
    bedford,
    in_england_and_wales,
    offset,
    square,
)
from victims.domain import geometry
from victims.domain.geometry import (
    bng_to_lonlat,
    lonlat_to_bng,
    project_zone,
)
from victims.domain.geometry.parsing import closed

# --- The projection -----------------------------------------------------------------------------


def test_the_projection_is_fixed_and_needs_no_grid_files_or_network() -> None:
    # A pinned Helmert pipeline: no grid file is named, so PROJ has nothing to fetch.
    assert "grids" not in geometry.BNG_PIPELINE
    assert "helmert" in geometry.BNG_PIPELINE
    easting, northing = lonlat_to_bng(*ST_PAULS_SQUARE)
    # The Ordnance Survey grid reference of St Paul's Square, Bedford is about TL 050 497.
    assert easting == pytest.approx(505040, abs=1)
    assert northing == pytest.approx(249731, abs=1)
    lon, lat = bng_to_lonlat(easting, northing)
    assert lon == pytest.approx(ST_PAULS_SQUARE[0], abs=1e-7)  # about a centimetre
    assert lat == pytest.approx(ST_PAULS_SQUARE[1], abs=1e-7)


# --- One pipeline: the map is drawn with the projection the checks measure with -----------------


def test_the_zone_for_the_map_is_projected_point_for_point_as_the_checks_project() -> None:
    north_of_bedford = offset(ST_PAULS_SQUARE, 0, 8000)
    rings = [square(north_of_bedford, 3000)[0][0], square(north_of_bedford, 1000)[0][0]]  # with a hole
    projected = project_zone([[list(BEDFORD_RING)], [list(ring) for ring in rings]])
    assert [[len(ring) for ring in polygon] for polygon in projected.polygons] == [[7], [5, 5]]
    for drawn, given in zip(
        [projected.polygons[0][0], *projected.polygons[1]], [BEDFORD_RING, *rings], strict=True
    ):
        # Exactly the numbers the checks measure with (lonlat_to_bng is what they project addresses by).
        assert list(drawn) == [lonlat_to_bng(lon, lat) for lon, lat in closed(given)]


def test_the_scale_factor_and_true_north_at_the_centre_agree_with_the_ellipsoid() -> None:
    zone = project_zone(square(ST_PAULS_SQUARE, 4000))
    west, south, east, north = zone.bounds
    assert zone.centre == ((west + east) / 2, (south + north) / 2)
    assert bng_to_lonlat(*zone.centre) == pytest.approx(ST_PAULS_SQUARE, abs=1e-6)
    # A line through the centre, 1 km each way at 30° off grid north: its length and direction on
    # the WGS 84 ellipsoid (pyproj's geodesic, not the code under test) against the grid's.
    geod = Geod(ellps="WGS84")
    angle = math.radians(30)
    start = bng_to_lonlat(zone.centre[0] - 1000 * math.sin(angle), zone.centre[1] - 1000 * math.cos(angle))
    end = bng_to_lonlat(zone.centre[0] + 1000 * math.sin(angle), zone.centre[1] + 1000 * math.cos(angle))
    azimuth_at_start, back_azimuth_at_end, ground_m = geod.inv(*start, *end)
    assert zone.scale_factor == pytest.approx(2000 / ground_m, abs=2e-6)
    assert zone.scale_factor == pytest.approx(0.99977, abs=1e-4)  # east of the central meridian
    # The line's true azimuth at the centre is about the mean of its azimuths at its two ends (true
    # north turns about 0.006° across it); its grid bearing is 30°.
    azimuth = (azimuth_at_start + back_azimuth_at_end + 180) / 2
    assert zone.true_north_deg == pytest.approx(30 - azimuth, abs=0.0005)
    assert zone.true_north_deg == pytest.approx(-1.21, abs=0.05)  # (λ − λ0)·sin φ ≈ 1.53° × 0.79
    on_the_central_meridian = project_zone(square((-2.0, 53.0), 1000))
    assert on_the_central_meridian.true_north_deg == pytest.approx(0, abs=0.01)


ROOT = PROJECT
PACKAGE = ROOT / "victims" / "domain" / "geometry"


def test_no_module_outside_the_geometry_package_builds_a_projection() -> None:
    """Only projection.py imports pyproj or builds a Transformer (Geod measures, it does not project)."""
    builds = re.compile(r"\bTransformer\b|\bfrom_crs\b|\bfrom_pipeline\b|\bfrom_proj\b|\bProj\(")
    found = []
    for folder in ("victims", "tasks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text()
            if not path.is_relative_to(PACKAGE) and (builds.search(text) or re.search(r"\bpyproj\b", text)):
                found.append(str(path.relative_to(ROOT)))
    assert found == []
    inside = [path.name for path in sorted(PACKAGE.glob("*.py")) if builds.search(path.read_text())]
    assert inside == ["projection.py"]


# --- Properties ---------------------------------------------------------------------------------


def test_moving_the_zone_keeps_its_area_within_1_percent() -> None:
    rng = random.Random(20261)
    zone = bedford()
    area = area_km2(zone)
    for _ in range(50):
        d_lon, d_lat = rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05)
        moved = [[[(lon + d_lon, lat + d_lat) for lon, lat in ring] for ring in polygon] for polygon in zone]
        assert area_km2(moved) == pytest.approx(area, rel=0.01)


def test_moving_the_zone_across_england_and_wales_keeps_its_area_within_1_percent() -> None:
    # The same shape on the ground (moved in metres) measures the same anywhere in England and
    # Wales, and agrees with the area on the WGS 84 ellipsoid.
    rng = random.Random(7)
    geod = Geod(ellps="WGS84")
    shape = project_zone(bedford()).polygons[0][0]
    area = area_km2(bedford())
    moved_count = 0
    while moved_count < 40:
        d_east, d_north = rng.uniform(-350_000, 150_000), rng.uniform(-230_000, 330_000)
        ring = [bng_to_lonlat(x + d_east, y + d_north) for x, y in shape]
        if not in_england_and_wales([[ring]]):
            continue
        moved_count += 1
        assert area_km2([[ring]]) == pytest.approx(area, rel=0.01)
        ellipsoid_m2, _ = geod.polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])
        assert abs(ellipsoid_m2) / 1e6 == pytest.approx(area, rel=0.01)
