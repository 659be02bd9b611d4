"""Zones as an officer, a map widget or a crafted request might send them, for Hypothesis:
well-formed GeoJSON around Bedford and anywhere on Earth, GeoJSON broken at every level, typed
"latitude, longitude" lines, and numbers no parser expects."""

from __future__ import annotations

import json
import re

from hypothesis import strategies as st

HUGE_INTEGERS = st.sampled_from([10**20, -(10**20), 10**400, 10**4000])  # 5,000 digits: see zone_text
NUMBERS = st.one_of(
    st.floats(-0.6, -0.3),  # round Bedford, most of the time
    st.floats(-180, 180),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-200, 200),
    HUGE_INTEGERS,
)
LATITUDES = st.one_of(st.floats(52.05, 52.25), st.floats(-90, 90), NUMBERS)
ODD = st.one_of(st.none(), st.booleans(), st.text(max_size=5), st.just({}), st.just([[[]]]))

POSITIONS = st.one_of(
    st.tuples(NUMBERS, LATITUDES).map(list),
    st.tuples(NUMBERS, LATITUDES, NUMBERS).map(list),
    st.lists(st.one_of(NUMBERS, ODD), max_size=4),
    ODD,
)


@st.composite
def rings(draw) -> list:
    points = draw(st.lists(POSITIONS, max_size=9))
    if points and draw(st.booleans()):
        points.append(points[0])  # closed, as GeoJSON asks
    return points


POLYGONS = st.one_of(st.lists(rings(), min_size=1, max_size=3), st.lists(rings(), max_size=0), ODD)
GEOMETRY_TYPES = st.sampled_from(
    ["Polygon", "Polygon", "MultiPolygon", "Point", "LineString", "GeometryCollection", "polygon", ""]
)


@st.composite
def geometries(draw) -> object:
    kind = draw(GEOMETRY_TYPES)
    coordinates = draw(st.lists(POLYGONS, max_size=3)) if kind == "MultiPolygon" else draw(POLYGONS)
    geometry: dict = {"type": kind, "coordinates": coordinates}
    if draw(st.integers(0, 9)) == 0:
        geometry.pop(draw(st.sampled_from(["type", "coordinates"])))
    return geometry


@st.composite
def geojson(draw) -> object:
    """A GeoJSON value (not yet text): a geometry, a Feature or a FeatureCollection, or odd."""
    wrap = draw(st.integers(0, 5))
    geometry = draw(geometries())
    if wrap == 0:
        return {"type": "Feature", "geometry": draw(st.one_of(st.just(geometry), ODD)), "properties": {}}
    if wrap == 1:
        features = draw(st.lists(geometries().map(lambda g: {"type": "Feature", "geometry": g}), max_size=3))
        return {"type": "FeatureCollection", "features": draw(st.one_of(st.just(features), ODD))}
    if wrap == 2:
        return draw(st.one_of(ODD, st.lists(POSITIONS, max_size=3)))
    return geometry


@st.composite
def typed_lines(draw) -> str:
    """ "latitude, longitude" lines as typed, some of them not."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        lat, lon = draw(LATITUDES), draw(NUMBERS)
        separator = draw(st.sampled_from([", ", ",", " ", ";", "\t", "° N, ", " - "]))
        lines.append(draw(st.one_of(st.just(f"{lat}{separator}{lon}"), st.text(max_size=20))))
    return "\n".join(lines)


@st.composite
def zone_text(draw) -> str:
    """What the zone's text box (or an uploaded file) holds."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(typed_lines())
    if kind == 1:
        return draw(st.text(max_size=50))
    if kind == 2:
        return draw(
            st.sampled_from(["[" * 5000, "{" * 5000, '{"type": "Polygon", "coordinates": ' + "[" * 3000])
        )
    text = json.dumps(draw(geojson()))  # NaN and Infinity as Python writes them
    if kind == 3:
        text = text[: draw(st.integers(0, len(text)))]  # cut short
    if kind == 4:  # a number too long for int() to read (more than 4,300 digits)
        text = re.sub(r"-?\d+(\.\d+)?", "9" * 5000, text, count=1)
    return text
