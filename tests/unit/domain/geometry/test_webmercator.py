"""Web Mercator and the XYZ tiling (victims.domain.geometry.webmercator), against figures that do not
come from the code under test: the tile numbers OpenStreetMap's wiki documents ("Slippy map
tilenames", its formula written out again here), EPSG:3857's published extent, and pyproj's geodesic
on the WGS 84 ellipsoid."""

from __future__ import annotations

import math

import pytest
from pyproj import Geod, Transformer

from victims.domain.geometry import (
    GeometryError,
    choose_zoom,
    lonlat_to_mercator,
    mercator_to_lonlat,
    project_zone,
    project_zone_web_mercator,
    tile_of,
    tile_window,
)
from victims.domain.geometry.webmercator import HALF_WORLD_M, MAX_TILES, TILE_SIZE, metres_per_pixel

BEDFORD = [
    (-0.4745, 52.1398),
    (-0.4668, 52.1411),
    (-0.4590, 52.1392),
    (-0.4580, 52.1340),
    (-0.4620, 52.1312),
    (-0.4700, 52.1308),
    (-0.4752, 52.1335),
]


def osm_tile(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The OpenStreetMap wiki's formula, as it prints it (Python section of "Slippy map tilenames")."""
    lat_rad = math.radians(lat)
    n = 2.0**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(lat_rad)) / math.pi) / 2.0 * n)
    return x, y


@pytest.mark.parametrize(
    ("lon", "lat", "zoom", "expected"),
    [
        (13.37771496361961, 52.51628011262304, 17, (70406, 42987)),  # the wiki's Berlin example
        (-0.1278, 51.5074, 10, (511, 340)),  # London
        (-0.1, 51.5, 1, (0, 0)),  # north-west quarter of the world
        (151.2, -33.9, 1, (1, 1)),  # Sydney: south-east quarter
        (0.0, 0.0, 0, (0, 0)),
    ],
)
def test_tile_numbers_of_documented_points(lon, lat, zoom, expected):
    assert tile_of(lon, lat, zoom) == expected
    assert osm_tile(lon, lat, zoom) == expected  # the reference formula agrees with the table


@pytest.mark.parametrize("zoom", [0, 5, 12, 15, 16, 17, 19])
@pytest.mark.parametrize(("lon", "lat"), [(-0.4667, 52.1359), (-1.5491, 53.8008), (-3.1791, 51.4816)])
def test_tile_numbers_agree_with_the_wiki_formula_round_england_and_wales(lon, lat, zoom):
    assert tile_of(lon, lat, zoom) == osm_tile(lon, lat, zoom)


def test_mercator_metres_agree_with_proj_and_the_published_extent():
    to_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    for lon, lat in [(-0.4667, 52.1359), (-5.7, 50.0), (1.75, 52.5), (180.0, 0.0)]:
        assert lonlat_to_mercator(lon, lat) == pytest.approx(to_3857.transform(lon, lat), abs=1e-6)
        assert mercator_to_lonlat(*lonlat_to_mercator(lon, lat)) == pytest.approx((lon, lat), abs=1e-9)
    assert pytest.approx(20_037_508.342789244) == HALF_WORLD_M
    assert metres_per_pixel(0) == pytest.approx(156_543.03392804097)
    assert metres_per_pixel(16) == pytest.approx(156_543.03392804097 / 65536)


def test_one_tile_is_a_window_of_one_tile_and_its_bounds_are_the_tiles():
    zoom, x, y = 16, 32683, 21607
    size = TILE_SIZE * metres_per_pixel(zoom)
    west, north = -HALF_WORLD_M + x * size, HALF_WORLD_M - y * size
    window = tile_window((west, north - size, west + size, north), zoom)
    assert (window.columns, window.rows) == (range(x, x + 1), range(y, y + 1))
    assert (window.left, window.top, window.width, window.height) == (0, 0, 256, 256)
    assert window.bounds == pytest.approx((west, north - size, west + size, north))


def test_a_window_across_tiles_crops_the_area_to_whole_pixels():
    zoom = 16
    px = metres_per_pixel(zoom)
    west, north = -52_900.0, 6_825_700.0
    window = tile_window((west, north - 700 * px, west + 600.5 * px, north), zoom)
    # The area spans 601 or 602 pixels across (its edges are widened to whole pixels) …
    assert window.width in (601, 602) and window.height in (700, 701)
    # … inside the stitched tiles, which cover it and no more than a tile either side.
    assert window.left + window.width <= len(window.columns) * TILE_SIZE
    assert window.top + window.height <= len(window.rows) * TILE_SIZE
    assert window.left < TILE_SIZE and window.top < TILE_SIZE
    assert window.count == len(window.columns) * len(window.rows)
    # Its bounds hold the area and are off it by less than a pixel on each side.
    w, s, e, n = window.bounds
    assert w <= west < w + px and n >= north > n - px
    assert e >= west + 600.5 * px > e - px and s <= north - 700 * px < s + px
    # The top-left tile is the one holding the area's top-left corner.
    assert (window.columns.start, window.rows.start) == tile_of(*mercator_to_lonlat(west, north), zoom)


def test_the_zoom_prints_a_pixel_nearest_the_target_size():
    bounds = (-53_000.0, 6_823_000.0, -52_700.0, 6_823_300.0)  # few enough tiles at every zoom here
    exact = 0.28 / metres_per_pixel(16)  # mm per metre at which a zoom-16 pixel prints at 0.28 mm
    assert choose_zoom(bounds, exact, max_zoom=19) == 16
    assert choose_zoom(bounds, exact * 1.35, max_zoom=19) == 16  # 0.38 mm: nearer than 0.19 mm
    assert choose_zoom(bounds, exact * 1.45, max_zoom=19) == 17  # 0.41 mm: 0.20 mm is nearer
    assert choose_zoom(bounds, exact / 1.35, max_zoom=19) == 16
    assert choose_zoom(bounds, exact / 1.45, max_zoom=19) == 15
    assert choose_zoom(bounds, exact * 8, max_zoom=19) == 19
    assert choose_zoom(bounds, exact * 8, max_zoom=17) == 17  # the provider's highest zoom


def test_the_zoom_is_lowered_until_the_tiles_are_few_enough():
    bounds = (-60_000.0, 6_800_000.0, -40_000.0, 6_830_000.0)  # 20 km by 30 km of Web Mercator
    wanted = 0.28 / metres_per_pixel(17)
    zoom = choose_zoom(bounds, wanted, max_zoom=19)
    assert zoom < 17
    assert tile_window(bounds, zoom).count <= MAX_TILES < tile_window(bounds, zoom + 1).count
    assert choose_zoom(bounds, wanted, max_zoom=19, max_tiles=4) < zoom


def test_an_a4_map_needs_about_25_tiles():
    zone = project_zone_web_mercator([[BEDFORD]])
    west, south, east, north = zone.bounds
    mm_per_m = min(160 / (east - west), 164 / (north - south))  # fitted as map_pdf fits it
    cx, cy = zone.centre
    area = (cx - 90 / mm_per_m, cy - 92 / mm_per_m, cx + 90 / mm_per_m, cy + 92 / mm_per_m)
    zoom = choose_zoom(area, mm_per_m, max_zoom=19)
    assert zoom == 16
    assert 0.28 / math.sqrt(2) < metres_per_pixel(zoom) * mm_per_m < 0.28 * math.sqrt(2)
    assert tile_window(area, zoom).count <= 30


def test_the_zone_in_web_mercator_is_the_same_points_north_up_with_its_scale_measured():
    zone = project_zone_web_mercator([[BEDFORD]])
    to_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    ring = zone.polygons[0][0]
    assert len(ring) == len(BEDFORD) + 1 and ring[0] == ring[-1]
    for (lon, lat), point in zip(BEDFORD, ring, strict=False):
        assert point == pytest.approx(to_3857.transform(lon, lat), abs=1e-6)
    assert zone.true_north_deg == 0

    # The scale bar's factor: Web Mercator metres per ground metre east to west at the centre, as
    # a 1 km stretch of the parallel there shows against the geodesic.
    lon, lat = mercator_to_lonlat(*zone.centre)
    east_lon = lon + 1000 / (111_320 * math.cos(math.radians(lat)))
    _, _, ground = Geod(ellps="WGS84").inv(lon, lat, east_lon, lat)
    mercator = lonlat_to_mercator(east_lon, lat)[0] - zone.centre[0]
    assert zone.scale_factor == pytest.approx(mercator / ground, rel=1e-5)
    # Near the spherical sec φ, but measured on the ellipsoid: smaller by √(1 − e² sin² φ).
    e2 = 0.00669437999014
    secant = 1 / math.cos(math.radians(lat))
    assert zone.scale_factor == pytest.approx(
        secant * math.sqrt(1 - e2 * math.sin(math.radians(lat)) ** 2), rel=1e-5
    )
    assert abs(zone.scale_factor / secant - 1) > 0.001


@pytest.mark.parametrize(
    ("polygons", "message"),
    [
        ([], "has no polygons"),
        ([[[(-0.47, 52.13), (-0.46, 52.14), (-0.46, 52.13), (-0.47, 52.14)]]], "edges that cross"),
        ([[[(2.35, 48.85), (2.36, 48.86), (2.34, 48.86)]]], "outside the area of Great Britain"),
    ],
    ids=["none", "bow-tie", "paris"],
)
def test_a_zone_that_cannot_be_drawn_is_refused_as_project_zone_refuses_it(polygons, message):
    with pytest.raises(GeometryError, match=message) as in_mercator:
        project_zone_web_mercator(polygons)
    with pytest.raises(GeometryError) as on_the_grid:
        project_zone(polygons)
    assert in_mercator.value.problems == on_the_grid.value.problems
