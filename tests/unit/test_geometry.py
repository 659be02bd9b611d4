"""The geometry rules for exclusion zones (victims.domain.geometry), on real places.

Bedford is the worked example: the zone is drawn round the town centre (St Paul's Square is at
about 52.1359, -0.4667). Points that must sit a few metres either side of the zone's edge are
worked out from the edge itself, in British National Grid metres, so those tests are exact.
"""

from __future__ import annotations

import json
import math
import pickle
import random
import re

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, Polygon

from victims.domain import geometry
from victims.domain.geometry import (
    ENGLAND_AND_WALES,
    NOT_CHECKED,
    GeometryError,
    NamedPoint,
    ZoneCheck,
    ZoneRules,
    bng_to_lonlat,
    check_zone,
    is_in_england_and_wales,
    lonlat_to_bng,
    parse_zone,
    project_bng,
    to_geojson,
    zone_summary,
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
    (x1, y1), (x2, y2) = project_bng(zone)[0][0][:2]
    length = math.hypot(x2 - x1, y2 - y1)
    normal = (-(y2 - y1) / length, (x2 - x1) / length)
    middle = ((x1 + x2) / 2, (y1 + y2) / 2)
    probe = Point(middle[0] + normal[0], middle[1] + normal[1])
    if not Polygon(project_bng(zone)[0][0]).contains(probe):
        normal = (-normal[0], -normal[1])  # point it inwards
    return bng_to_lonlat(middle[0] + metres * normal[0], middle[1] + metres * normal[1])


def bng_distance_to_edge(zone: list[list[list[tuple[float, float]]]], lon: float, lat: float) -> float:
    shape = shapely.union_all([Polygon(p[0], p[1:]) for p in project_bng(zone)])
    return float(shape.boundary.distance(Point(*lonlat_to_bng(lon, lat))))


# --- The outline of England and Wales -----------------------------------------------------------


def test_the_outline_is_coarse_and_valid() -> None:
    vertices = sum(len(ring) for ring in ENGLAND_AND_WALES)
    assert 30 <= vertices <= 60
    for ring in ENGLAND_AND_WALES:
        assert Polygon(ring).is_valid


PLACES = [
    # (place, lat, lon, in England and Wales?)
    ("Carlisle", 54.8925, -2.9329, True),
    ("Berwick-upon-Tweed", 55.7704, -2.0054, True),
    ("Gretna", 54.9940, -3.0620, False),
    ("Edinburgh", 55.9533, -3.1883, False),
    ("Douglas, Isle of Man", 54.1523, -4.4861, False),
    ("Cardiff", 51.4816, -3.1791, True),
    ("Holyhead", 53.3094, -4.6330, True),
    ("Penzance", 50.1188, -5.5376, True),
    ("Hugh Town, Isles of Scilly", 49.9140, -6.3160, True),
    ("Newport, Isle of Wight", 50.7010, -1.2883, True),
    ("Margate", 51.3813, 1.3862, True),
    ("Lowestoft", 52.4811, 1.7534, True),
    ("Belfast", 54.5973, -5.9301, False),
    ("Calais", 50.9513, 1.8587, False),
    # A sample of the other places the outline was checked against.
    ("St Paul's Square, Bedford", 52.1359, -0.4667, True),
    ("Longtown", 55.0078, -2.9690, True),
    ("Kielder", 55.2340, -2.5850, True),
    ("Wooler", 55.5466, -2.0130, True),
    ("Holy Island (Lindisfarne)", 55.6690, -1.8000, True),
    ("Flamborough Head", 54.1160, -0.0780, True),
    ("Lowestoft Ness", 52.4817, 1.7627, True),
    ("Orford Ness", 52.0900, 1.5750, True),
    ("North Foreland", 51.3750, 1.4470, True),
    ("Dover", 51.1279, 1.3134, True),
    ("Dungeness", 50.9130, 0.9760, True),
    ("St Catherine's Point, Isle of Wight", 50.5760, -1.2980, True),
    ("Portland Bill", 50.5140, -2.4570, True),
    ("Start Point", 50.2220, -3.6420, True),
    ("Lizard Point", 49.9580, -5.2020, True),
    ("Land's End", 50.0660, -5.7150, True),
    ("Lundy", 51.1800, -4.6700, True),
    ("St Govan's Head", 51.5970, -4.9300, True),
    ("St Ann's Head", 51.6820, -5.1710, True),
    ("Strumble Head", 52.0300, -5.0700, True),
    ("Bardsey Island", 52.7600, -4.7900, True),
    ("South Stack, Anglesey", 53.3070, -4.6980, True),
    ("Point Lynas, Anglesey", 53.4170, -4.2880, True),
    ("Blackpool", 53.8175, -3.0357, True),
    ("Walney Island", 54.0900, -3.2600, True),
    ("St Bees Head", 54.5140, -3.6370, True),
    ("Silloth", 54.8690, -3.3880, True),
    ("Annan", 54.9880, -3.2620, False),
    ("Canonbie", 55.0780, -2.9500, False),
    ("Newcastleton", 55.1810, -2.8120, False),
    ("Kirk Yetholm", 55.5460, -2.2760, False),
    ("Coldstream", 55.6490, -2.2520, False),
    ("Eyemouth", 55.8710, -2.0900, False),
    ("Ramsey, Isle of Man", 54.3220, -4.3830, False),
    ("Point of Ayre, Isle of Man", 54.4160, -4.3680, False),
    ("Dublin", 53.3498, -6.2603, False),
    ("Alderney", 49.7140, -2.2030, False),
    ("Boulogne-sur-Mer", 50.7264, 1.6147, False),
]


@pytest.mark.parametrize(("place", "lat", "lon", "expected"), PLACES, ids=[p[0] for p in PLACES])
def test_places_in_and_out_of_england_and_wales(place: str, lat: float, lon: float, expected: bool) -> None:
    assert is_in_england_and_wales(lon, lat) is expected


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


# --- Parsing ------------------------------------------------------------------------------------


def test_typed_lat_lon_lines_become_one_closed_polygon_of_lon_lat() -> None:
    assert bedford() == [[BEDFORD_RING]]


def test_typed_lines_allow_other_separators_hemispheres_and_blank_lines() -> None:
    typed = (
        "\n  52.1530 -0.4900\n\n52.1560;-0.4500\n52.1420° N, 0.4250° W\n52.1220,\t-0.4350\n52.1530, -0.4900\n"
    )
    assert parse_zone(typed) == [
        [[(-0.4900, 52.1530), (-0.4500, 52.1560), (-0.4250, 52.1420), (-0.4350, 52.1220), (-0.4900, 52.1530)]]
    ]


def test_typed_lines_each_problem_is_listed() -> None:
    with pytest.raises(GeometryError) as caught:
        parse_zone("52.1530, -0.4900\nBedford\n95.1, -0.45\n52.14, -190\n")
    assert caught.value.problems == [
        "Line 2 (“Bedford”) is not a latitude and longitude. Type each point on its own line as latitude, "
        "longitude, for example 52.1359, -0.4667.",
        "Line 3: latitude must be between -90 and 90 (it is 95.1).",
        "Line 4: longitude must be between -180 and 180 (it is -190).",
    ]


def test_typed_lines_the_wrong_way_round_are_spotted() -> None:
    with pytest.raises(GeometryError) as caught:
        parse_zone("-0.4900, 52.1530\n-0.4500, 52.1560\n-0.4250, 52.1420\n")
    assert caught.value.problems == [
        "The points look like longitude, latitude. Type the latitude first, for example 52.1359, -0.4667."
    ]


def test_typed_lines_need_three_different_points() -> None:
    with pytest.raises(GeometryError) as caught:
        parse_zone("52.1530, -0.4900\n52.1560, -0.4500\n52.1530, -0.4900\n")
    assert caught.value.problems == ["The zone has only 2 different points. Draw at least 3."]


def geojson_polygon(ring: list[tuple[float, float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": [[list(point) for point in ring]]}


SECOND_RING = [(-0.5200, 52.1500), (-0.5100, 52.1500), (-0.5100, 52.1580), (-0.5200, 52.1500)]


def test_geojson_polygon_as_text_or_dict() -> None:
    polygon = geojson_polygon(BEDFORD_RING)
    assert parse_zone(polygon) == [[BEDFORD_RING]]
    assert parse_zone(json.dumps(polygon)) == [[BEDFORD_RING]]
    assert parse_zone("  \n" + json.dumps(polygon, indent=2)) == [[BEDFORD_RING]]


def test_geojson_multipolygon_feature_and_feature_collection() -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[[list(p) for p in BEDFORD_RING]], [[list(p) for p in SECOND_RING]]],
    }
    assert parse_zone(multi) == [[BEDFORD_RING], [SECOND_RING]]
    feature = {
        "type": "Feature",
        "properties": {"name": "Bedford"},
        "geometry": geojson_polygon(BEDFORD_RING),
    }
    assert parse_zone(feature) == [[BEDFORD_RING]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            feature,
            {"type": "Feature", "properties": {}, "geometry": geojson_polygon(SECOND_RING)},
        ],
    }
    assert parse_zone(json.dumps(collection)) == [[BEDFORD_RING], [SECOND_RING]]
    collection_of_multi = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": multi}]}
    assert parse_zone(collection_of_multi) == [[BEDFORD_RING], [SECOND_RING]]


def test_geojson_rings_are_closed_and_heights_and_tuples_are_accepted() -> None:
    open_ring = {"type": "Polygon", "coordinates": [[[lon, lat, 12.5] for lon, lat in BEDFORD_RING[:-1]]]}
    assert parse_zone(open_ring) == [[BEDFORD_RING]]
    # shapely's mapping() gives tuples rather than lists.
    mapped = shapely.geometry.mapping(Polygon(BEDFORD_RING))
    assert parse_zone(mapped) == [[BEDFORD_RING]]


def test_geojson_holes_are_kept() -> None:
    hole = [(-0.4700, 52.1350), (-0.4600, 52.1350), (-0.4600, 52.1400), (-0.4700, 52.1350)]
    polygon = {"type": "Polygon", "coordinates": [[list(p) for p in BEDFORD_RING], [list(p) for p in hole]]}
    assert parse_zone(polygon) == [[BEDFORD_RING, hole]]


def test_every_parse_problem_is_listed_at_once() -> None:
    good = {"type": "Feature", "geometry": geojson_polygon(SECOND_RING)}
    features: list[object] = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-0.4667, 52.1359]}},
        {"type": "Feature", "geometry": geojson_polygon([(-0.49, 52.15), (-0.45, 52.15), (-0.49, 52.15)])},
        {
            "type": "Feature",
            "geometry": geojson_polygon([(-0.49, 95.0), (200.0, 52.15), (-0.45, 52.12), (-0.49, 95.0)]),
        },
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": "52.1, -0.4"}},
        {"type": "Feature", "geometry": None},
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[-0.49, "north"], [1, 2], [3, 4]]]},
        },
        *[good] * 19,
    ]
    with pytest.raises(GeometryError) as caught:
        parse_zone({"type": "FeatureCollection", "features": features})
    assert caught.value.problems == [
        "Feature 1 is a Point. Draw the zone as areas (polygons): points, lines and circles cannot be used.",
        "Feature 5 has no shape. Draw it again or remove it.",
        "Polygon 1 has only 2 different points. Draw at least 3.",
        "Polygon 2, point 1: latitude must be between -90 and 90 (it is 95).",
        "Polygon 2, point 2: longitude must be between -180 and 180 (it is 200).",
        "Polygon 3 is badly formed: a polygon must be a list of rings of longitude, latitude points. "
        "Draw it again.",
        "Polygon 4, point 1 is not a longitude, latitude pair. Draw it again.",
        "The zone has 23 polygons. Use no more than 20: join some together or delete them.",
    ]
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith("Feature 1 is a Point.")


def test_too_many_points() -> None:
    centre_e, centre_n = lonlat_to_bng(*ST_PAULS_SQUARE)
    circle = [
        bng_to_lonlat(centre_e + 2000 * math.cos(a), centre_n + 2000 * math.sin(a))
        for a in (2 * math.pi * i / 2001 for i in range(2001))
    ]
    with pytest.raises(GeometryError) as caught:
        parse_zone(geojson_polygon(circle))
    assert caught.value.problems == [
        "The zone has 2,001 points. Use no more than 2,000: draw the boundary with fewer points."
    ]
    assert len(parse_zone(geojson_polygon(circle[:2000]))[0][0]) == 2001  # closed


def test_problems_with_many_points_are_capped() -> None:
    ring = [(-0.45 - i / 1000, 91.0) for i in range(30)]
    with pytest.raises(GeometryError) as caught:
        parse_zone(geojson_polygon(ring))
    assert len(caught.value.problems) == 11
    assert caught.value.problems[0] == "Point 1: latitude must be between -90 and 90 (it is 91)."
    assert caught.value.problems[-1] == "There are problems with 20 more points too."


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (
            "",
            "Enter the zone: draw it on the map, or type each point on its own line as latitude, longitude.",
        ),
        (
            '{"type": "Polygon", "coordinates": [[',
            "The zone could not be read because it is not valid GeoJSON. Draw the zone again, or type each "
            "point on its own line as latitude, longitude.",
        ),
        (
            "[[-0.49, 52.15], [-0.45, 52.15], [-0.45, 52.12]]",
            "The zone must be a GeoJSON object: a Polygon, MultiPolygon, Feature or FeatureCollection.",
        ),
        (
            {"type": "LineString", "coordinates": [[-0.49, 52.15], [-0.45, 52.15]]},
            "The zone is a LineString. Draw the zone as areas (polygons): points, lines and circles cannot "
            "be used.",
        ),
        (
            {"type": "GeometryCollection", "geometries": []},
            "The zone has the type “GeometryCollection”, which cannot be used. Use a Polygon, MultiPolygon, "
            "Feature or FeatureCollection.",
        ),
        (
            {"coordinates": []},
            "The zone has no GeoJSON type. Use a Polygon, MultiPolygon, Feature or FeatureCollection.",
        ),
        (
            {"type": "FeatureCollection", "features": []},
            "The zone has no polygons. Draw the zone on the map.",
        ),
        (
            {"type": "Feature", "geometry": None},
            "The map’s feature has no shape. Draw it again or remove it.",
        ),
    ],
)
def test_unusable_input(given: str | dict[str, object], problem: str) -> None:
    with pytest.raises(GeometryError) as caught:
        parse_zone(given)
    assert caught.value.problems == [problem]


def test_geometry_error_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(GeometryError(["One.", "Two."])))  # noqa: S301  (our own bytes)
    assert error.problems == ["One.", "Two."]
    assert str(error) == "One. Two."


# --- The checks: a good zone --------------------------------------------------------------------


def test_a_good_zone_round_bedford_passes_every_check() -> None:
    checks = check_zone(bedford(), inside=[HOME, WORK], outside=[RELEASE], protected=[HOME, WORK])
    assert by_code(checks)["valid"] == ZoneCheck("valid", "The zone is a valid shape", True, ())
    assert [(c.title, c.passed, c.problems) for c in checks] == [
        ("The zone is a valid shape", True, ()),
        ("The zone is in England and Wales", True, ()),
        ("The zone is a sensible size", True, ()),
        ("The victim’s addresses are inside the zone", True, ()),
        ("The offender’s release address is outside the zone", True, ()),
        ("The map does not reveal the victim’s addresses", True, ()),
    ]


def test_nothing_recorded_still_passes_and_says_so() -> None:
    checks = by_code(check_zone(bedford(), inside=[], outside=[], protected=[]))
    assert checks["inside"] == ZoneCheck(
        "inside", "No addresses are recorded that must be inside the zone", True, ()
    )
    assert checks["outside"] == ZoneCheck(
        "outside", "No address is recorded that must be outside the zone", True, ()
    )
    assert checks["not_revealing"] == ZoneCheck(
        "not_revealing", "No addresses are recorded that the map must not reveal", True, ()
    )


def test_zone_summary_of_a_square() -> None:
    zone = square(ST_PAULS_SQUARE, 2000)
    summary = zone_summary(zone)
    assert summary["area_km2"] == pytest.approx(4.0, abs=1e-6)
    assert summary["perimeter_km"] == pytest.approx(8.0, abs=1e-6)
    assert summary["centroid"] == pytest.approx(ST_PAULS_SQUARE, abs=1e-6)
    lons = [lon for lon, _ in zone[0][0]]
    lats = [lat for _, lat in zone[0][0]]
    assert summary["bounds"] == (min(lons), min(lats), max(lons), max(lats))


def test_to_geojson_closes_rings_and_reads_back() -> None:
    one = to_geojson([[BEDFORD_RING[:-1]]])
    assert one == {"type": "Polygon", "coordinates": [[[lon, lat] for lon, lat in BEDFORD_RING]]}
    two = to_geojson([[BEDFORD_RING], [SECOND_RING]])
    assert two["type"] == "MultiPolygon"
    assert parse_zone(json.dumps(two)) == [[BEDFORD_RING], [SECOND_RING]]
    with pytest.raises(GeometryError):
        to_geojson([])


# --- valid --------------------------------------------------------------------------------------


def test_a_bow_tie_is_refused_with_the_reason_and_nothing_is_measured() -> None:
    # Corners of a square round St Paul's Square joined in the wrong order: the edges cross.
    bow_tie = [[[(-0.4750, 52.1400), (-0.4580, 52.1320), (-0.4580, 52.1400), (-0.4750, 52.1320)]]]
    checks = by_code(check_zone(bow_tie, inside=[HOME], outside=[], protected=[HOME]))
    assert not checks["valid"].passed
    (problem,) = checks["valid"].problems
    assert problem.startswith("The zone has edges that cross near latitude 52.13600, longitude -0.46650.")
    assert problem.endswith("Redraw it so that no edges cross.")
    assert checks["in_england_and_wales"].passed
    for code in ("size", "inside", "not_revealing"):
        assert checks[code].problems == (NOT_CHECKED,)
        assert not checks[code].passed
    assert checks["outside"].passed  # nothing recorded to check


def test_overlapping_polygons_are_refused_naming_them() -> None:
    left = square(ST_PAULS_SQUARE, 2000)[0]
    right = square(offset(ST_PAULS_SQUARE, 1500, 0), 2000)[0]
    far = square(offset(ST_PAULS_SQUARE, 0, 5000), 1000)[0]
    inner = square(offset(ST_PAULS_SQUARE, 0, 5000), 200)[0]
    checks = by_code(check_zone([left, far, right, inner], inside=[], outside=[], protected=[]))
    assert checks["valid"].problems == (
        "Polygon 1 and polygon 3 overlap. Join them into one polygon, or redraw them so that they do not "
        "overlap.",
        "Polygon 4 is inside polygon 2. Delete polygon 4, or join the two into one polygon.",
    )
    assert checks["size"].problems == (NOT_CHECKED,)


def rectangle(
    centre: tuple[float, float], west_m: float, south_m: float, east_m: float, north_m: float
) -> list[list[tuple[float, float]]]:
    """One polygon: a rectangle given in metres east and north of a lon, lat."""
    corners = [(west_m, south_m), (east_m, south_m), (east_m, north_m), (west_m, north_m)]
    return [[offset(centre, dx, dy) for dx, dy in corners]]


def test_polygons_that_only_share_an_edge_are_allowed() -> None:
    left = rectangle(ST_PAULS_SQUARE, -1000, -500, 0, 500)
    right = rectangle(ST_PAULS_SQUARE, 0, -500, 1000, 500)
    checks = by_code(check_zone([left, right], inside=[], outside=[], protected=[]))
    assert checks["valid"].passed
    assert zone_summary([left, right])["area_km2"] == pytest.approx(2.0, rel=1e-6)


def test_holes_are_allowed_and_a_point_in_a_hole_is_outside() -> None:
    outer = square(ST_PAULS_SQUARE, 3000)[0][0]
    hole = square(ST_PAULS_SQUARE, 1000)[0][0]
    zone = [[outer, hole]]
    checks = by_code(check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["valid"].passed
    assert zone_summary(zone)["area_km2"] == pytest.approx(8.0, abs=1e-6)
    centre = NamedPoint("The offender’s proposed release address", *ST_PAULS_SQUARE)
    checks = by_code(check_zone(zone, inside=[], outside=[centre], protected=[]))
    assert checks["outside"].passed


def test_a_hole_outside_its_polygon_is_refused() -> None:
    outer = square(ST_PAULS_SQUARE, 1000)[0][0]
    hole = square(offset(ST_PAULS_SQUARE, 3000, 0), 200)[0][0]
    checks = by_code(check_zone([[outer, hole]], inside=[], outside=[], protected=[]))
    (problem,) = checks["valid"].problems
    assert problem.startswith("The zone has a hole outside it near latitude ")
    assert problem.endswith("Remove the hole, or move it inside.")


def test_points_in_a_line_have_no_area() -> None:
    on_the_grid = [[[offset(ST_PAULS_SQUARE, east, 0) for east in (0, 500, 1000)]]]
    # Along a parallel: straight in lon, lat, very slightly curved on the National Grid.
    along_a_parallel = [[[(-0.49, 52.13), (-0.48, 52.13), (-0.47, 52.13)]]]
    for line in (on_the_grid, along_a_parallel):
        checks = by_code(check_zone(line, inside=[], outside=[], protected=[]))
        assert checks["valid"].problems == (
            "The zone has no area: its points are in a line. Draw it as an area.",
        )
        assert checks["size"].problems == (NOT_CHECKED,)


def test_check_zone_reports_unusable_points_without_failing() -> None:
    broken = [[[(-0.49, 52.13), (-0.48, float("nan")), (-0.47, 52.14)]]]
    checks = by_code(check_zone(broken, inside=[], outside=[], protected=[]))
    assert checks["valid"].problems == ("Point 2: latitude must be between -90 and 90 (it is nan).",)
    assert checks["in_england_and_wales"].passed  # the usable points are in England


# --- in_england_and_wales -----------------------------------------------------------------------


def test_a_zone_straddling_the_scottish_border_is_refused() -> None:
    # Round Longtown (Cumbria) and Gretna (Dumfries and Galloway): the north-west corner is in
    # Scotland.
    zone = [[[(-3.10, 54.96), (-2.95, 54.96), (-2.95, 55.04), (-3.10, 55.04)]]]
    checks = by_code(check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["in_england_and_wales"].problems == (
        "Point 4 of the zone is outside England and Wales. Licence conditions apply only in England and "
        "Wales: move it, or redraw the zone.",
    )
    assert checks["valid"].passed


def test_an_edge_through_scotland_is_refused_even_with_every_point_in_england() -> None:
    # Kielder, Berwick-upon-Tweed and Wooler are in England; the edge from Kielder to Berwick
    # crosses the Cheviots into the Scottish Borders.
    zone = [[[(-2.5850, 55.2340), (-2.0054, 55.7704), (-2.0130, 55.5466)]]]
    checks = by_code(check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["in_england_and_wales"].problems == (
        "An edge of the zone goes outside England and Wales. Add points along it, or redraw it, so that the "
        "whole zone is in England and Wales.",
    )


def test_points_outside_are_listed_by_polygon() -> None:
    calais = square((1.8587, 50.9513), 1500)[0]
    douglas = square((-4.4861, 54.1523), 1500)[0]
    checks = by_code(check_zone([bedford()[0], calais, douglas], inside=[], outside=[], protected=[]))
    assert checks["in_england_and_wales"].problems == (
        "Points 1, 2, 3 and 4 of polygon 2 are outside England and Wales. Licence conditions apply only "
        "in England and Wales: move them, or redraw the zone.",
        "Points 1, 2, 3 and 4 of polygon 3 are outside England and Wales. Licence conditions apply only "
        "in England and Wales: move them, or redraw the zone.",
    )


def test_zones_on_islands_and_coasts_are_in_england_and_wales() -> None:
    for centre in [(-6.3160, 49.9140), (-1.2883, 50.7010), (-4.6330, 53.3094), (1.3862, 51.3813)]:
        checks = by_code(check_zone(square(centre, 1000), inside=[], outside=[], protected=[]))
        assert checks["in_england_and_wales"].passed, centre


# --- size ---------------------------------------------------------------------------------------


def test_a_300_km2_zone_is_too_big() -> None:
    zone = square(ST_PAULS_SQUARE, math.sqrt(300e6))
    checks = by_code(check_zone(zone, inside=[HOME], outside=[], protected=[HOME]))
    assert checks["size"].problems == (
        "The zone is 300.00 km². It must be no bigger than 250.00 km². Draw a smaller zone.",
    )
    assert failed(list(checks.values())) == {"size"}


def test_the_size_limits_follow_the_rules() -> None:
    exactly_min = square(ST_PAULS_SQUARE, math.sqrt(0.5e6) + 0.01)
    assert by_code(check_zone(exactly_min, inside=[], outside=[], protected=[]))["size"].passed
    just_under = square(ST_PAULS_SQUARE, math.sqrt(0.5e6) - 1)
    assert by_code(check_zone(just_under, inside=[], outside=[], protected=[]))["size"].problems == (
        "The zone is 49.9 hectares. It must be at least 50 hectares. Draw a bigger zone.",
    )
    rules = ZoneRules(min_area_km2=2.0, max_area_km2=3.0)
    big = square(ST_PAULS_SQUARE, 2000)
    assert by_code(check_zone(big, inside=[], outside=[], protected=[], rules=rules))["size"].problems == (
        "The zone is 4.00 km². It must be no bigger than 3.00 km². Draw a smaller zone.",
    )


# --- inside -------------------------------------------------------------------------------------


def test_just_inside_and_just_outside_the_boundary() -> None:
    zone = bedford()
    inside_lon, inside_lat = across_edge(zone, 3)
    outside_lon, outside_lat = across_edge(zone, -3)
    assert bng_distance_to_edge(zone, inside_lon, inside_lat) == pytest.approx(3, abs=0.01)
    assert bng_distance_to_edge(zone, outside_lon, outside_lat) == pytest.approx(3, abs=0.01)
    school_in = NamedPoint("The victim’s school", inside_lon, inside_lat)
    school_out = NamedPoint("The victim’s school", outside_lon, outside_lat)
    assert by_code(check_zone(zone, inside=[school_in], outside=[], protected=[]))["inside"].passed
    assert by_code(check_zone(zone, inside=[HOME, school_out], outside=[], protected=[]))[
        "inside"
    ].problems == ("The victim’s school is outside the zone. Redraw the zone to include it.",)


def test_a_point_on_the_boundary_is_not_inside() -> None:
    zone = bedford()
    corner = NamedPoint("The victim’s work", *BEDFORD_RING[2])
    assert by_code(check_zone(zone, inside=[corner], outside=[], protected=[]))["inside"].problems == (
        "The victim’s work is on the edge of the zone. Redraw the zone so that the address is inside it, "
        "not on its edge.",
    )


# --- outside ------------------------------------------------------------------------------------


def test_the_release_address_inside_the_zone_is_refused() -> None:
    in_town = NamedPoint("The offender’s proposed release address", -0.4700, 52.1300)
    checks = by_code(check_zone(bedford(), inside=[HOME], outside=[in_town], protected=[HOME]))
    assert checks["outside"].problems == (
        "The offender’s proposed release address is inside the zone. Redraw the zone to leave it out, by "
        "at least 250 metres.",
    )
    assert failed(list(checks.values())) == {"outside"}


def test_the_release_address_must_be_at_least_the_minimum_distance_away() -> None:
    zone = bedford()
    near = NamedPoint("The offender’s proposed release address", *across_edge(zone, -249))
    far_enough = NamedPoint("The offender’s proposed release address", *across_edge(zone, -251))
    assert by_code(check_zone(zone, inside=[], outside=[far_enough], protected=[]))["outside"].passed
    assert by_code(check_zone(zone, inside=[], outside=[near], protected=[]))["outside"].problems == (
        "The offender’s proposed release address is 249 metres from the zone. It must be at least 250 "
        "metres away: redraw the zone further from it.",
    )
    on_edge = NamedPoint("The offender’s proposed release address", *BEDFORD_RING[0])
    assert by_code(check_zone(zone, inside=[], outside=[on_edge], protected=[]))["outside"].problems == (
        "The offender’s proposed release address is on the edge of the zone. Redraw the zone to leave it "
        "out, by at least 250 metres.",
    )


# --- not_revealing ------------------------------------------------------------------------------

NEAR_EDGE = (
    "The victim’s home is less than 250 metres from the edge of the zone, so the map could show where it "
    "is. Draw the zone wider, or move its edge at least 250 metres from the address."
)
CENTRED = (
    "The zone is centred on the victim’s home, so someone could work out where it is from the map. Draw "
    "the zone wider, or not centred on the address."
)


def test_a_tiny_square_round_the_home_is_refused_for_size_and_for_revealing_it() -> None:
    zone = square((HOME.lon, HOME.lat), 100)
    checks = by_code(check_zone(zone, inside=[HOME], outside=[RELEASE], protected=[HOME]))
    assert checks["size"].problems == (
        "The zone is 1 hectare. It must be at least 50 hectares. Draw a bigger zone.",
    )
    assert checks["not_revealing"].problems == (NEAR_EDGE, CENTRED)
    assert failed(list(checks.values())) == {"size", "not_revealing"}


def test_messages_never_give_a_protected_address_position() -> None:
    zone = square((HOME.lon, HOME.lat), 100)
    checks = check_zone(zone, inside=[HOME], outside=[], protected=[HOME])
    text = " ".join(problem for check in checks for problem in check.problems)
    assert text  # there are messages, and none of their numbers is the home's position
    easting, northing = lonlat_to_bng(HOME.lon, HOME.lat)
    for number in (float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))):
        assert abs(number - abs(HOME.lon)) > 0.01
        assert abs(number - HOME.lat) > 0.01
        assert abs(number - easting) > 1000
        assert abs(number - northing) > 1000


def test_a_zone_edge_near_the_home_reveals_it() -> None:
    zone = bedford()
    near = NamedPoint("The victim’s home", *across_edge(zone, 249))
    far_enough = NamedPoint("The victim’s home", *across_edge(zone, 251))
    assert by_code(check_zone(zone, inside=[near], outside=[], protected=[near]))[
        "not_revealing"
    ].problems == (NEAR_EDGE,)
    assert by_code(check_zone(zone, inside=[far_enough], outside=[], protected=[far_enough]))[
        "not_revealing"
    ].passed


def test_centring_is_judged_against_the_equivalent_radius() -> None:
    zone = square((HOME.lon, HOME.lat), 1000)  # 1 km²: equivalent radius 564 m, 15% of it is 85 m
    centred = NamedPoint("The victim’s home", *offset(HOME, 60, 0))
    off_centre = NamedPoint("The victim’s home", *offset(HOME, 90, 0))
    checks = by_code(check_zone(zone, inside=[centred], outside=[], protected=[centred]))
    assert checks["not_revealing"].problems == (CENTRED,)
    assert checks["size"].passed
    assert by_code(check_zone(zone, inside=[off_centre], outside=[], protected=[off_centre]))[
        "not_revealing"
    ].passed


def test_centring_does_not_matter_for_a_zone_of_5_km2_or_more() -> None:
    zone = square((HOME.lon, HOME.lat), 2240)  # just over 5 km²
    assert by_code(check_zone(zone, inside=[HOME], outside=[], protected=[HOME]))["not_revealing"].passed
    smaller = square((HOME.lon, HOME.lat), 2230)  # just under
    assert by_code(check_zone(smaller, inside=[HOME], outside=[], protected=[HOME]))[
        "not_revealing"
    ].problems == (CENTRED,)


def test_a_small_polygon_centred_on_the_home_reveals_it_even_beside_a_big_one() -> None:
    small = square((HOME.lon, HOME.lat), 800)[0]
    big = square(offset(HOME, 0, 8000), 3000)[0]
    checks = by_code(check_zone([small, big], inside=[HOME], outside=[], protected=[HOME]))
    assert checks["valid"].passed
    assert checks["not_revealing"].problems == (CENTRED,)


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


def test_the_checks_do_not_depend_on_where_a_ring_starts_or_its_direction() -> None:
    zone = bedford()
    ring = zone[0][0][:-1]
    for start in range(len(ring)):
        for turned in (ring[start:] + ring[:start], (ring[start:] + ring[:start])[::-1]):
            checks = check_zone([[turned]], inside=[HOME, WORK], outside=[RELEASE], protected=[HOME, WORK])
            assert failed(checks) == set()
