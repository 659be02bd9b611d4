"""Reading zones as drawn or typed, and writing them back (victims.domain.geometry.parsing)."""

from __future__ import annotations

import json
import math
import pickle

import pytest
import shapely
from shapely.geometry import Polygon

from tests.unit.domain.geometry.zones import (
    BEDFORD_RING,
    SECOND_RING,
    ST_PAULS_SQUARE,
    bedford,
    geojson_polygon,
)
from victims.domain.geometry import (
    GeometryError,
    bng_to_lonlat,
    lonlat_to_bng,
    parse_zone,
    to_geojson,
)

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


def test_to_geojson_closes_rings_and_reads_back() -> None:
    one = to_geojson([[BEDFORD_RING[:-1]]])
    assert one == {"type": "Polygon", "coordinates": [[[lon, lat] for lon, lat in BEDFORD_RING]]}
    two = to_geojson([[BEDFORD_RING], [SECOND_RING]])
    assert two["type"] == "MultiPolygon"
    assert parse_zone(json.dumps(two)) == [[BEDFORD_RING], [SECOND_RING]]
    with pytest.raises(GeometryError):
        to_geojson([])


HUGE = "9" * 5000


@pytest.mark.parametrize(
    "given",
    [
        '{"type": "Polygon", "coordinates": [[[' + HUGE + ", 52.15], [-0.45, 52.15], [-0.45, 52.12]]]}",
        '{"type": "Polygon", "coordinates": [[[-' + "1" * 400 + ", 52.15], [-0.45, 52.15], [-0.45, 52.12]]]}",
        {"type": "Polygon", "coordinates": [[[10**400, 52.15], [-0.45, 52.15], [-0.45, 52.12]]]},
        {"type": "Polygon", "coordinates": [[[10**5000, 52.15], [-0.45, 52.15], [-0.45, 52.12]]]},
        '{"type": "Polygon", "coordinates": [[[' + HUGE + ".5, 52.15], [-0.45, 52.15], [-0.45, 52.12]]]}",
        '{"type": "Polygon", "coordinates": [[[NaN, 52.15], [-0.45, 52.15], [-0.45, 52.12]]]}',
    ],
    ids=["5000-digits", "400-digits", "huge-int", "huger-int", "huge-decimal", "nan"],
)
def test_a_number_too_large_to_read_is_out_of_range_not_an_exception(given: str | dict[str, object]) -> None:
    with pytest.raises(GeometryError) as caught:
        parse_zone(given)
    assert caught.value.problems == ["Point 1: longitude must be between -180 and 180."]


def test_a_typed_number_too_large_to_read_is_out_of_range() -> None:
    with pytest.raises(GeometryError) as caught:
        parse_zone(f"{HUGE}, -0.45\n52.15, -0.45\n52.12, -0.44")
    assert caught.value.problems == ["Line 1: latitude must be between -90 and 90."]
