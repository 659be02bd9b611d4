"""Reading a zone as the officer gives it: drawn on the map (GeoJSON) or typed as lines.

`parse_zone` accepts a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection (of those), or
"latitude, longitude" lines as an officer might type them (one polygon). It returns the polygons as
lists of rings of (longitude, latitude), each ring closed (the last point repeats the first), or
raises `GeometryError` listing every problem at once, in the order the polygons were drawn. Its
limits (`MAX_POLYGONS`, `MAX_POINTS`, at least 3 different points a ring, coordinates in range) are
checked again by every other function given a zone, so a zone built by hand is held to them too:
`structure_problems` says what is wrong with one.

`to_geojson` writes a zone back as GeoJSON, as it is stored.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from victims.domain.geometry.wording import MAX_LISTED, cap, capped, point_name, polygon_name, short_number

LonLat = tuple[float, float]
Ring = list[LonLat]
Zone = list[list[Ring]]

MAX_POLYGONS = 20
MAX_POINTS = 2000
_EXAMPLE = "for example 52.1359, -0.4667"
_USE_TYPES = "Use a Polygon, MultiPolygon, Feature or FeatureCollection."


class GeometryError(ValueError):
    """The input is not a usable zone; .problems lists every reason (strings)."""

    problems: list[str]

    def __init__(self, problems: Iterable[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))

    def __reduce__(self) -> tuple[type[GeometryError], tuple[list[str]]]:
        return (GeometryError, (self.problems,))


def parse_zone(geojson: str | dict[str, Any]) -> Zone:
    """Accepts a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection (of those), or a plain
    list of "lat, lon" lines as a VLO might type them (one polygon; first and last may differ —
    it is closed). Returns the polygons as lists of closed rings of (lon, lat). Raises
    GeometryError with every problem (not JSON, wrong type, fewer than 3 distinct points,
    coordinates out of range, more than 20 polygons or 2,000 points in all)."""
    problems: list[str] = []
    if isinstance(geojson, str):
        text = geojson.strip()
        if not text:
            raise GeometryError(
                [
                    "Enter the zone: draw it on the map, or type each point on its own line as "
                    "latitude, longitude."
                ]
            )
        if text[0] not in "{[":
            return _parse_typed(text)
        try:
            # Every number in a zone is a coordinate, read as a float: float() reads any number of
            # digits (one too large, as infinity, is then out of range), where int() refuses more
            # than 4,300 with a ValueError.
            data: Any = json.loads(text, parse_int=float)
        except (json.JSONDecodeError, RecursionError):
            raise GeometryError(
                [
                    "The zone could not be read because it is not valid GeoJSON. Draw the zone "
                    "again, or type each point on its own line as latitude, longitude."
                ]
            ) from None
    else:
        data = geojson
    if not isinstance(data, dict):
        raise GeometryError(
            ["The zone must be a GeoJSON object: a Polygon, MultiPolygon, Feature or FeatureCollection."]
        )
    raw = _geojson_polygons(data, problems)
    polygons = _read_polygons(raw, problems)
    if not raw and not problems:
        problems.append("The zone has no polygons. Draw the zone on the map.")
    problems.extend(_limit_problems(len(raw), polygons))
    if problems:
        raise GeometryError(problems)
    return polygons


def _geojson_polygons(data: dict[str, Any], problems: list[str]) -> list[Any]:
    """The raw coordinates of each polygon in a GeoJSON object, in order."""
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list | tuple):
            problems.append("The FeatureCollection has no list of features. Draw the zone again.")
            return []
        raw: list[Any] = []
        for number, feature in enumerate(features, start=1):
            where = f"Feature {number}"
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                problems.append(f"{where} is not a GeoJSON Feature. Draw it again or remove it.")
                continue
            raw.extend(_geometry_polygons(feature.get("geometry"), where, problems))
        return raw
    if kind == "Feature":
        return _geometry_polygons(data.get("geometry"), "The map’s feature", problems)
    return _geometry_polygons(data, "The zone", problems)


def _geometry_polygons(geometry: Any, where: str, problems: list[str]) -> list[Any]:
    if geometry is None:
        problems.append(f"{where} has no shape. Draw it again or remove it.")
        return []
    if not isinstance(geometry, dict):
        problems.append(f"{where} has a shape that is not a GeoJSON geometry. Draw it again.")
        return []
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return [coordinates]
    if kind == "MultiPolygon":
        if isinstance(coordinates, list | tuple):
            return list(coordinates)
        return [coordinates]  # reported as badly formed when read
    if kind in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        problems.append(
            f"{where} is a {kind}. Draw the zone as areas (polygons): points, lines and circles "
            "cannot be used."
        )
    elif kind is None:
        problems.append(f"{where} has no GeoJSON type. {_USE_TYPES}")
    else:
        problems.append(f"{where} has the type “{str(kind)[:40]}”, which cannot be used. {_USE_TYPES}")
    return []


def _read_polygons(raw: Sequence[Any], problems: list[str]) -> Zone:
    """Each usable polygon's rings, closed, as floats. Every problem is added to `problems` in the
    order the polygons were drawn, numbered as drawn; problems with single points are capped."""
    count = len(raw)
    entries: list[tuple[bool, str]] = []  # (about a single point?, message)
    polygons: list[list[Ring] | None] = []
    for index, coordinates in enumerate(raw, start=1):
        if (
            not isinstance(coordinates, list | tuple)
            or not coordinates
            or not all(isinstance(ring, list | tuple) for ring in coordinates)
        ):
            entries.append(
                (
                    False,
                    f"{cap(polygon_name(index, count))} is badly formed: a polygon must be a list of "
                    "rings of longitude, latitude points. Draw it again.",
                )
            )
            polygons.append(None)
            continue
        rings: list[Ring] = []
        usable = True
        for ring_index, ring in enumerate(coordinates):
            points: Ring = []
            for point_index, position in enumerate(ring, start=1):
                if point_index == len(ring) > 1 and position == ring[0]:
                    continue  # the closing repeat of the first point: closed again below
                where = point_name(index, count, ring_index, point_index)
                point, point_problems = _read_position(position, where)
                entries.extend((True, problem) for problem in point_problems)
                if point is None:
                    usable = False
                else:
                    points.append(point)
            rings.append(closed(points))
        if usable:
            entries.extend((False, problem) for problem in _ring_problems(index, count, rings))
        polygons.append(rings if usable else None)
    listed = hidden = 0
    for about_point, message in entries:
        if about_point and listed >= MAX_LISTED:
            hidden += 1
            continue
        listed += about_point
        problems.append(message)
    if hidden:
        problems.append(f"There are problems with {hidden:,} more points too.")
    return [polygon for polygon in polygons if polygon is not None]


def _read_position(position: Any, where: str) -> tuple[LonLat | None, list[str]]:
    if (
        not isinstance(position, list | tuple)
        or len(position) not in (2, 3)
        or not all(_is_number(value) for value in position)
    ):
        return None, [f"{where} is not a longitude, latitude pair. Draw it again."]
    lon, lat = _as_float(position[0]), _as_float(position[1])
    problems = []
    if not -180 <= lon <= 180:
        problems.append(f"{where}: longitude must be between -180 and 180{_it_is(lon)}.")
    if not -90 <= lat <= 90:
        problems.append(f"{where}: latitude must be between -90 and 90{_it_is(lat)}.")
    return (None if problems else (lon, lat)), problems


def _as_float(value: float) -> float:
    """The number as a float; an integer too large for one is infinite (so out of range)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _it_is(value: float) -> str:
    """What the number was, when it can be written (not a number too large to read, nor NaN)."""
    return f" (it is {short_number(value)})" if math.isfinite(value) else ""


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)"
_TYPED_LINE = re.compile(
    rf"""^\s*(?P<lat>{_NUMBER})\s*°?\s*
    (?:(?P<ns>[NS])\s*[,;]?\s*|\s*[,;]\s*|\s+)
    (?P<lon>{_NUMBER})\s*°?\s*(?P<ew>[EW])?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _parse_typed(text: str) -> Zone:
    """One polygon from "latitude, longitude" lines (blank lines are ignored)."""
    problems: list[str] = []
    bad_lines: list[str] = []
    points: Ring = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TYPED_LINE.match(line)
        if match is None:
            shown = line.strip()
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            bad_lines.append(
                f"Line {number} (“{shown}”) is not a latitude and longitude. Type each point on its "
                f"own line as latitude, longitude, {_EXAMPLE}."
            )
            continue
        lat, lon = float(match["lat"]), float(match["lon"])
        if match["ns"]:
            lat = -abs(lat) if match["ns"].upper() == "S" else abs(lat)
        if match["ew"]:
            lon = -abs(lon) if match["ew"].upper() == "W" else abs(lon)
        ok = True
        if not -90 <= lat <= 90:
            bad_lines.append(f"Line {number}: latitude must be between -90 and 90{_it_is(lat)}.")
            ok = False
        if not -180 <= lon <= 180:
            bad_lines.append(f"Line {number}: longitude must be between -180 and 180{_it_is(lon)}.")
            ok = False
        if ok:
            points.append((lon, lat))
    problems.extend(capped(bad_lines, "lines"))
    if points and all(-9 <= lat <= 2.5 and 49 <= lon <= 61 for lon, lat in points):
        problems.append(
            "The points look like longitude, latitude. Type the latitude first, " + _EXAMPLE + "."
        )
    polygons: Zone = [[closed(points)]]
    if not bad_lines:
        problems.extend(_ring_problems(1, 1, polygons[0]))
    problems.extend(_limit_problems(1, polygons))
    if problems:
        raise GeometryError(problems)
    return polygons


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def closed(ring: Sequence[LonLat]) -> Ring:
    points = [(float(lon), float(lat)) for lon, lat in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


def open_ring(ring: Sequence[LonLat]) -> Ring:
    """The ring's points without the closing repeat of the first."""
    points = list(ring)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _ring_problems(index: int, count: int, rings: list[Ring]) -> list[str]:
    """A polygon's rings with fewer than 3 different points."""
    problems = []
    name = polygon_name(index, count)
    for ring_index, ring in enumerate(rings):
        distinct = len(set(ring))
        if distinct >= 3:
            continue
        points = "point" if distinct == 1 else "points"
        if ring_index == 0:
            problems.append(f"{cap(name)} has only {distinct} different {points}. Draw at least 3.")
        else:
            problems.append(
                f"Hole {ring_index} in {name} has only {distinct} different {points}. "
                "Draw at least 3, or remove the hole."
            )
    return problems


def _limit_problems(polygon_count: int, polygons: Zone) -> list[str]:
    problems = []
    if polygon_count > MAX_POLYGONS:
        problems.append(
            f"The zone has {polygon_count} polygons. Use no more than {MAX_POLYGONS}: join some "
            "together or delete them."
        )
    points = sum(len(open_ring(ring)) for polygon in polygons for ring in polygon)
    if points > MAX_POINTS:
        problems.append(
            f"The zone has {points:,} points. Use no more than {MAX_POINTS:,}: draw the boundary "
            "with fewer points."
        )
    return problems


def structure_problems(polygons: Sequence[Any]) -> list[str]:
    """Why a zone given to `check_zone` (or the other functions) cannot be used as it is."""
    if not polygons:
        return ["The zone has no polygons. Draw the zone on the map."]
    problems: list[str] = []
    usable = _read_polygons(polygons, problems)
    problems.extend(_limit_problems(len(polygons), usable))
    return problems


def raise_if_unusable(polygons: Zone) -> None:
    problems = structure_problems(polygons)
    if problems:
        raise GeometryError(problems)


def to_geojson(polygons: Zone) -> dict[str, Any]:
    """A GeoJSON MultiPolygon (or a Polygon when there is one), rings closed, points as drawn."""
    raise_if_unusable(polygons)
    coordinates = [[[[lon, lat] for lon, lat in closed(ring)] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}
