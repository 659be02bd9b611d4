"""The pinned projection to the British National Grid (victims.domain.geometry.projection)."""

from __future__ import annotations

import random

import pytest
from pyproj import Geod

from tests.unit.geometry.zones import (
    ST_PAULS_SQUARE,
    bedford,
)
from victims.domain import geometry
from victims.domain.geometry import (
    bng_to_lonlat,
    is_in_england_and_wales,
    lonlat_to_bng,
    project_bng,
    zone_summary,
)

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


def test_project_bng_keeps_the_rings() -> None:
    zone = bedford()
    projected = project_bng(zone)
    assert [[len(ring) for ring in polygon] for polygon in projected] == [[7]]
    assert projected[0][0][0] == pytest.approx(lonlat_to_bng(-0.4900, 52.1530))
    assert projected[0][0][0] == projected[0][0][-1]


# --- Properties ---------------------------------------------------------------------------------


def test_moving_the_zone_keeps_its_area_within_1_percent() -> None:
    rng = random.Random(20261)
    zone = bedford()
    area = zone_summary(zone)["area_km2"]
    for _ in range(50):
        d_lon, d_lat = rng.uniform(-0.1, 0.1), rng.uniform(-0.05, 0.05)
        moved = [[[(lon + d_lon, lat + d_lat) for lon, lat in ring] for ring in polygon] for polygon in zone]
        assert zone_summary(moved)["area_km2"] == pytest.approx(area, rel=0.01)


def test_moving_the_zone_across_england_and_wales_keeps_its_area_within_1_percent() -> None:
    # The same shape on the ground (moved in metres) measures the same anywhere in England and
    # Wales, and agrees with the area on the WGS 84 ellipsoid.
    rng = random.Random(7)
    geod = Geod(ellps="WGS84")
    shape = project_bng(bedford())[0][0]
    area = zone_summary(bedford())["area_km2"]
    moved_count = 0
    while moved_count < 40:
        d_east, d_north = rng.uniform(-350_000, 150_000), rng.uniform(-230_000, 330_000)
        ring = [bng_to_lonlat(x + d_east, y + d_north) for x, y in shape]
        if not all(is_in_england_and_wales(lon, lat) for lon, lat in ring):
            continue
        moved_count += 1
        assert zone_summary([[ring]])["area_km2"] == pytest.approx(area, rel=0.01)
        ellipsoid_m2, _ = geod.polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])
        assert abs(ellipsoid_m2) / 1e6 == pytest.approx(area, rel=0.01)
