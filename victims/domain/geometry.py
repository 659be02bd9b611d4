"""The geometry rules for exclusion zones in licence conditions (SPEC §7).

An exclusion zone ("not to enter the area defined by the attached map") is one or more polygons
drawn by the victim liaison officer in WGS 84 longitude and latitude. Before it goes to the senior
officer it must pass the checks made by `check_zone`, in this order:

- ``valid``: each polygon is a proper shape (its edges do not cross, it has an area), and the
  polygons do not overlap each other. Holes are allowed.
- ``in_england_and_wales``: every point is in England and Wales (a coarse outline, below).
- ``size``: the zone is between `ZoneRules.min_area_km2` and `ZoneRules.max_area_km2`.
- ``inside``: the victim's home, work and school (where given) are inside the zone.
- ``outside``: the offender's proposed release address is outside it, and not close to it.
- ``not_revealing``: the map, which the offender is given, does not let anyone work out a
  protected address: each protected address is well away from the zone's edge, and a small zone
  is not centred on it.

When the zone is not a valid shape, the checks that measure it (size, inside, outside,
not_revealing) are not made: they fail with `NOT_CHECKED`, asking for the shape to be fixed first
(an inside, outside or not_revealing check with no addresses recorded still passes).
in_england_and_wales looks only at the points, so it is always made.

Distances and areas are measured in British National Grid metres (EPSG:27700). The conversion
from WGS 84 is fixed here as a PROJ pipeline: the EPSG "OSGB36 to WGS 84 (6)" Helmert
transformation (EPSG:1314, accurate to about 2 metres) followed by the National Grid projection.
It uses no grid files, so PROJ never looks for one or goes to the network (the more accurate
OSTN15 grid would otherwise be downloaded when PROJ networking is switched on, and results would
depend on the machine). Two metres is well inside every rule here.

Rings are lists of (longitude, latitude) pairs. `parse_zone` returns them closed (the last point
repeats the first); every other function accepts rings closed or not.

This module is pure: no Flask and no database.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely  # type: ignore[import-untyped]  # shapely 2.2 ships no type information
from pyproj import Transformer
from pyproj.enums import TransformDirection
from shapely.geometry import LineString, Point, Polygon  # type: ignore[import-untyped]  # as above

LonLat = tuple[float, float]
Ring = list[LonLat]
Zone = list[list[Ring]]

MAX_POLYGONS = 20
MAX_POINTS = 2000
# A zone smaller than this is checked for being centred on a protected address.
CENTRING_APPLIES_BELOW_KM2 = 5.0
# A polygon whose area is less than this many metres times its perimeter is a line, not an area
# (its average width is under a metre): a straight line of lon, lat points is slightly curved on
# the National Grid, so it has a sliver of area.
_MIN_WIDTH_M = 0.5
# Two polygons "overlap" when they share more than this many square metres; less is rounding.
_OVERLAP_TOLERANCE_M2 = 1.0
# At most this many problems of one kind about single points are listed; the rest are counted.
_MAX_LISTED = 10

# WGS 84 longitude, latitude -> British National Grid easting, northing (metres).
# PROJ 9 prints this pipeline for EPSG:4326 -> EPSG:27700 with the grid-free EPSG:1314 Helmert step.
BNG_PIPELINE = (
    "proj=pipeline step proj=unitconvert xy_in=deg xy_out=rad step proj=push v_3 "
    "step proj=cart ellps=WGS84 "
    "step inv proj=helmert x=446.448 y=-125.157 z=542.06 rx=0.15 ry=0.247 rz=0.842 s=-20.489 "
    "convention=position_vector "
    "step inv proj=cart ellps=airy step proj=pop v_3 "
    "step proj=tmerc lat_0=49 lon_0=-2 k=0.9996012717 x_0=400000 y_0=-100000 ellps=airy"
)

# A coarse outline of England and Wales, in WGS 84 (longitude, latitude): 56 points for Great
# Britain south of the Scottish border, with Anglesey, the Isle of Wight and Lundy, and a box
# of 4 points for the Isles of Scilly (60 in all).
#
# How it was made: drawn by hand from the published latitude and longitude of headlands,
# islands and towns round the coast and of landmarks on the border with Scotland (the mouth of
# the River Sark, the Scots' Dike, Kershope Foot, Carter Bar, the Cheviot ridge, the Tweed from
# Carham to Norham, Marshall Meadows Bay north of Berwick-upon-Tweed). Each coastal point was
# put out to sea, then the outline was checked against 186 places: 157 towns, headlands and
# islands in England and Wales on the coast or near the border (all inside, all but Norham at
# least 1 km inside), and 29 places in Scotland, the Isle of Man, Ireland, the Channel Islands,
# France and Belgium (all outside); tests/unit/test_geometry.py keeps a sample of those checks.
#
# Accuracy: at the coast it is generous, lying 1 to 10 km out to sea, and it cuts straight across
# bays and estuaries (the Wash, the Thames estuary, Lyme Bay, the Bristol Channel, Cardigan Bay,
# Liverpool Bay, Morecambe Bay), so a point at sea there counts as in England and Wales. It
# leaves out no land in England and Wales that we know of. On the land border with Scotland it
# is within about 2 km of the true line (the Tweed near Norham and Coldstream is within 1 km);
# along the Solway it follows the middle of the firth. The Isle of Man, Scotland north of the
# border, Ireland, the Channel Islands and France are outside. It is meant to catch a zone
# drawn in the wrong place, not to settle where the border runs.
ENGLAND_AND_WALES: tuple[tuple[LonLat, ...], ...] = (
    (
        (-1.95, 55.82),  # North Sea, off the border at Marshall Meadows
        (-1.55, 55.66),  # off the Farne Islands and Holy Island
        (-1.05, 54.68),  # off Hartlepool
        (-0.50, 54.52),  # off Whitby
        (0.03, 54.12),  # off Flamborough Head
        (0.42, 53.13),  # off Skegness, past Spurn Head
        (1.38, 53.00),  # across the Wash, off Cromer
        (1.87, 52.64),  # off Winterton and Great Yarmouth
        (1.86, 52.45),  # off Lowestoft Ness
        (1.72, 52.20),  # off Thorpeness
        (1.40, 51.85),  # off Walton-on-the-Naze
        (1.10, 51.55),  # Thames estuary, off Foulness
        (1.52, 51.42),  # off North Foreland
        (1.48, 51.17),  # off South Foreland
        (1.05, 50.88),  # off Dungeness
        (0.28, 50.70),  # off Beachy Head
        (-0.78, 50.68),  # off Selsey Bill
        (-1.30, 50.55),  # off St Catherine's Point, Isle of Wight
        (-1.93, 50.56),  # off Durlston Head
        (-2.45, 50.48),  # off Portland Bill
        (-3.42, 50.56),  # across Lyme Bay, off Dawlish
        (-3.42, 50.38),  # off Berry Head
        (-3.64, 50.15),  # off Start Point
        (-4.25, 50.27),  # off Rame Head
        (-5.20, 49.92),  # off Lizard Point
        (-5.76, 50.02),  # off Gwennap Head and Land's End
        (-5.76, 50.18),  # off Cape Cornwall
        (-5.10, 50.58),  # off Trevose Head
        (-4.58, 51.00),  # off Hartland Point
        (-4.76, 51.23),  # west of Lundy
        (-4.97, 51.56),  # across the Bristol Channel, off St Govan's Head
        (-5.35, 51.68),  # off Skokholm
        (-5.42, 51.88),  # off Ramsey Island
        (-5.12, 52.06),  # off Strumble Head
        (-4.45, 52.25),  # Cardigan Bay, off New Quay
        (-4.88, 52.80),  # off Bardsey Island
        (-4.77, 53.31),  # off South Stack, Anglesey
        (-4.55, 53.48),  # off Carmel Head
        (-3.85, 53.39),  # off the Great Orme
        (-3.20, 53.62),  # Liverpool Bay, off Formby
        (-3.36, 54.08),  # across Morecambe Bay, off Walney Island
        (-3.72, 54.50),  # off St Bees Head
        (-3.45, 54.91),  # Solway Firth, off Silloth
        (-3.24, 54.962),  # Solway Firth, between Bowness-on-Solway and Annan
        (-3.05, 54.972),  # mouth of the River Sark: the border leaves the Solway
        (-2.98, 55.05),  # Scots' Dike
        (-2.83, 55.13),  # Kershope Foot
        (-2.58, 55.285),  # Peel Fell
        (-2.48, 55.355),  # Carter Bar
        (-2.21, 55.42),  # Windy Gyle
        (-2.17, 55.47),  # Auchope Cairn, west of the Cheviot
        (-2.33, 55.635),  # the Tweed at Carham
        (-2.25, 55.642),  # the Tweed at Coldstream
        (-2.16, 55.727),  # the Tweed at Norham
        (-2.09, 55.76),  # the border leaves the Tweed west of Berwick-upon-Tweed
        (-2.035, 55.811),  # Marshall Meadows Bay
    ),
    ((-6.50, 49.85), (-6.20, 49.85), (-6.20, 50.00), (-6.50, 50.00)),  # the Isles of Scilly
)


class GeometryError(ValueError):
    """The input is not a usable zone; .problems lists every reason (strings)."""

    problems: list[str]

    def __init__(self, problems: Iterable[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))

    def __reduce__(self) -> tuple[type[GeometryError], tuple[list[str]]]:
        return (GeometryError, (self.problems,))


@dataclass(frozen=True)
class NamedPoint:
    label: str  # e.g. "The victim’s home", "The offender’s proposed release address"
    lon: float
    lat: float


@dataclass(frozen=True)
class ZoneRules:
    min_distance_m: float = 250.0  # from each protected address to the zone's boundary
    min_area_km2: float = 0.5  # the zone must be at least this big
    max_area_km2: float = 250.0  # and no bigger than this (a "sensible size")
    max_centre_offset_ratio: float = 0.15  # see `check_zone`: "not centred"


@dataclass(frozen=True)
class ZoneCheck:
    code: str  # "valid", "in_england_and_wales", "size", "inside", "outside", "not_revealing"
    title: str
    passed: bool
    problems: tuple[str, ...]


TITLES = {
    "valid": "The zone is a valid shape",
    "in_england_and_wales": "The zone is in England and Wales",
    "size": "The zone is a sensible size",
    "inside": "The victim’s addresses are inside the zone",
    "outside": "The offender’s release address is outside the zone",
    "not_revealing": "The map does not reveal the victim’s addresses",
}
# Titles used instead when there is nothing to check.
TITLES_WHEN_NONE = {
    "inside": "No addresses are recorded that must be inside the zone",
    "outside": "No address is recorded that must be outside the zone",
    "not_revealing": "No addresses are recorded that the map must not reveal",
}
NOT_CHECKED = "This was not checked because the zone’s shape is not valid. Fix the shape first."
_EXAMPLE = "for example 52.1359, -0.4667"
_USE_TYPES = "Use a Polygon, MultiPolygon, Feature or FeatureCollection."


# --- Projection --------------------------------------------------------------------------------


@cache
def _transformer() -> Transformer:
    return Transformer.from_pipeline(BNG_PIPELINE)


def _to_bng(lons: Sequence[float], lats: Sequence[float]) -> tuple[np.ndarray[Any, Any], ...]:
    eastings, northings = _transformer().transform(
        np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    )
    return np.asarray(eastings, dtype=float), np.asarray(northings, dtype=float)


def lonlat_to_bng(lon: float, lat: float) -> tuple[float, float]:
    """A WGS 84 point in British National Grid metres (easting, northing)."""
    easting, northing = _transformer().transform(lon, lat)
    return float(easting), float(northing)


def bng_to_lonlat(easting: float, northing: float) -> LonLat:
    """A British National Grid point (metres) in WGS 84 (longitude, latitude)."""
    lon, lat = _transformer().transform(easting, northing, direction=TransformDirection.INVERSE)
    return float(lon), float(lat)


def project_bng(polygons: Zone) -> Zone:
    """The same rings in British National Grid metres (easting, northing)."""
    _raise_if_unusable(polygons)
    return _project(polygons)


def _project(polygons: Zone) -> Zone:
    flat = [point for polygon in polygons for ring in polygon for point in ring]
    eastings, northings = _to_bng([p[0] for p in flat], [p[1] for p in flat])
    projected = iter(zip(eastings.tolist(), northings.tolist(), strict=True))
    return [[[next(projected) for _ in ring] for ring in polygon] for polygon in polygons]


# --- England and Wales -------------------------------------------------------------------------


@cache
def _england_and_wales() -> Any:
    outline = shapely.MultiPolygon([Polygon(ring) for ring in ENGLAND_AND_WALES])
    shapely.prepare(outline)
    return outline


def is_in_england_and_wales(lon: float, lat: float) -> bool:
    """Whether a WGS 84 point is inside the coarse outline of England and Wales."""
    return bool(shapely.intersects_xy(_england_and_wales(), lon, lat))


# --- Parsing -----------------------------------------------------------------------------------


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
            data: Any = json.loads(text)
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
                    f"{_cap(_polygon_name(index, count))} is badly formed: a polygon must be a list of "
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
                where = _point_name(index, count, ring_index, point_index)
                point, point_problems = _read_position(position, where)
                entries.extend((True, problem) for problem in point_problems)
                if point is None:
                    usable = False
                else:
                    points.append(point)
            rings.append(_closed(points))
        if usable:
            entries.extend((False, problem) for problem in _ring_problems(index, count, rings))
        polygons.append(rings if usable else None)
    listed = hidden = 0
    for about_point, message in entries:
        if about_point and listed >= _MAX_LISTED:
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
    lon, lat = float(position[0]), float(position[1])
    problems = []
    if not math.isfinite(lon) or not -180 <= lon <= 180:
        problems.append(f"{where}: longitude must be between -180 and 180 (it is {_number(lon)}).")
    if not math.isfinite(lat) or not -90 <= lat <= 90:
        problems.append(f"{where}: latitude must be between -90 and 90 (it is {_number(lat)}).")
    return (None if problems else (lon, lat)), problems


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
            bad_lines.append(f"Line {number}: latitude must be between -90 and 90 (it is {_number(lat)}).")
            ok = False
        if not -180 <= lon <= 180:
            bad_lines.append(f"Line {number}: longitude must be between -180 and 180 (it is {_number(lon)}).")
            ok = False
        if ok:
            points.append((lon, lat))
    problems.extend(_capped(bad_lines, "lines"))
    if points and all(-9 <= lat <= 2.5 and 49 <= lon <= 61 for lon, lat in points):
        problems.append(
            "The points look like longitude, latitude. Type the latitude first, " + _EXAMPLE + "."
        )
    polygons: Zone = [[_closed(points)]]
    if not bad_lines:
        problems.extend(_ring_problems(1, 1, polygons[0]))
    problems.extend(_limit_problems(1, polygons))
    if problems:
        raise GeometryError(problems)
    return polygons


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _closed(ring: Sequence[LonLat]) -> Ring:
    points = [(float(lon), float(lat)) for lon, lat in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])
    return points


def _open(ring: Sequence[LonLat]) -> Ring:
    """The ring's points without the closing repeat of the first."""
    points = list(ring)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _ring_problems(index: int, count: int, rings: list[Ring]) -> list[str]:
    """A polygon's rings with fewer than 3 different points."""
    problems = []
    name = _polygon_name(index, count)
    for ring_index, ring in enumerate(rings):
        distinct = len(set(ring))
        if distinct >= 3:
            continue
        points = "point" if distinct == 1 else "points"
        if ring_index == 0:
            problems.append(f"{_cap(name)} has only {distinct} different {points}. Draw at least 3.")
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
    points = sum(len(_open(ring)) for polygon in polygons for ring in polygon)
    if points > MAX_POINTS:
        problems.append(
            f"The zone has {points:,} points. Use no more than {MAX_POINTS:,}: draw the boundary "
            "with fewer points."
        )
    return problems


def _structure_problems(polygons: Sequence[Any]) -> list[str]:
    """Why a zone given to `check_zone` (or the other functions) cannot be used as it is."""
    if not polygons:
        return ["The zone has no polygons. Draw the zone on the map."]
    problems: list[str] = []
    usable = _read_polygons(polygons, problems)
    problems.extend(_limit_problems(len(polygons), usable))
    return problems


def _raise_if_unusable(polygons: Zone) -> None:
    problems = _structure_problems(polygons)
    if problems:
        raise GeometryError(problems)


# --- Checking ----------------------------------------------------------------------------------


def check_zone(
    polygons: Zone,
    *,
    inside: list[NamedPoint],
    outside: list[NamedPoint],
    protected: list[NamedPoint],
    rules: ZoneRules = ZoneRules(),
) -> list[ZoneCheck]:
    """Every check, in this order, each with its problems: valid, in_england_and_wales, size,
    inside, outside, not_revealing.

    not_revealing fails for a protected point less than `rules.min_distance_m` from the zone's
    edge, or, for a zone (or any one of its polygons) smaller than 5 km², nearer to its centroid
    than `rules.max_centre_offset_ratio` times its equivalent radius (the radius of a circle of
    the same area). Messages never give a protected point's position or its distances.
    """
    structure = _structure_problems(polygons)
    shapes = [] if structure else _bng_polygons(polygons)
    checks = [
        _check("valid", structure) if structure else _valid(shapes),
        _in_england_and_wales(polygons),
    ]
    if not checks[0].passed:
        checks.append(_check("size", [NOT_CHECKED]))
        for code, points in (("inside", inside), ("outside", outside), ("not_revealing", protected)):
            checks.append(
                _check(code, [], TITLES_WHEN_NONE[code]) if not points else _check(code, [NOT_CHECKED])
            )
        return checks
    zone = shapely.union_all(shapes)
    checks.append(_size(zone, rules))
    checks.append(_inside(zone, inside))
    checks.append(_outside(zone, outside, rules))
    checks.append(_not_revealing(zone, protected, rules))
    return checks


def _check(code: str, problems: Sequence[str], title: str | None = None) -> ZoneCheck:
    return ZoneCheck(code, title or TITLES[code], not problems, tuple(problems))


def _bng_polygons(polygons: Zone) -> list[Any]:
    """Each polygon as a shapely Polygon in National Grid metres (the zone must be usable)."""
    return [Polygon(polygon[0], polygon[1:]) for polygon in _project(polygons)]


def _valid(shapes: list[Any]) -> ZoneCheck:
    problems: list[str] = []
    count = len(shapes)
    good: list[tuple[int, Any]] = []
    for index, shape in enumerate(shapes, start=1):
        name = _polygon_name(index, count)
        hull = shapely.convex_hull(shape.exterior)
        if hull.area < _MIN_WIDTH_M * hull.length:
            problems.append(f"{_cap(name)} has no area: its points are in a line. Draw it as an area.")
            continue
        reason = shapely.is_valid_reason(shape)
        if reason != "Valid Geometry":
            problems.append(_invalid_message(name, str(reason)))
        elif shape.area < _MIN_WIDTH_M * shape.length:
            problems.append(f"{_cap(name)} has almost no area. Draw it as an area, not a line.")
        else:
            good.append((index, shape))
    tree = shapely.STRtree([shape for _, shape in good])
    for position, (index, shape) in enumerate(good):
        for other_position in sorted(int(i) for i in tree.query(shape)):
            if other_position <= position:
                continue
            other_index, other = good[other_position]
            if shapely.intersection(shape, other).area <= _OVERLAP_TOLERANCE_M2:
                continue
            if shapely.covers(shape, other):
                problems.append(
                    f"Polygon {other_index} is inside polygon {index}. Delete polygon {other_index}, "
                    "or join the two into one polygon."
                )
            elif shapely.covers(other, shape):
                problems.append(
                    f"Polygon {index} is inside polygon {other_index}. Delete polygon {index}, "
                    "or join the two into one polygon."
                )
            else:
                problems.append(
                    f"Polygon {index} and polygon {other_index} overlap. Join them into one polygon, "
                    "or redraw them so that they do not overlap."
                )
    return _check("valid", problems)


_REASON = re.compile(r"^(?P<what>[^\[]+?)\s*(?:\[(?P<x>\S+) (?P<y>\S+)\])?$")


def _invalid_message(name: str, reason: str) -> str:
    match = _REASON.match(reason)
    what = match["what"] if match else reason
    near = ""
    if match and match["x"] is not None:
        try:
            lon, lat = bng_to_lonlat(float(match["x"]), float(match["y"]))
            near = f" near latitude {lat:.5f}, longitude {lon:.5f}"
        except ValueError:
            near = ""
    if what in ("Self-intersection", "Ring Self-intersection"):
        return f"{_cap(name)} has edges that cross{near}. Redraw it so that no edges cross."
    if what == "Hole lies outside shell":
        return f"{_cap(name)} has a hole outside it{near}. Remove the hole, or move it inside."
    if what in ("Holes are nested", "Nested holes"):
        return f"{_cap(name)} has a hole inside another hole{near}. Remove the inner hole."
    if what == "Interior is disconnected":
        return (
            f"The holes in {name} cut it into separate pieces{near}. Draw the pieces as separate "
            "polygons, or make the holes smaller."
        )
    if what == "Too few points":
        return f"{_cap(name)} has too few points{near}. Draw at least 3 different points."
    return f"{_cap(name)} is not a valid shape ({what}{near}). Draw it again."


def _in_england_and_wales(polygons: Zone) -> ZoneCheck:
    problems: list[str] = []
    count = len(polygons)
    checked_any = False
    for index, polygon in enumerate(polygons, start=1):
        name = _polygon_name(index, count)
        numbered = [
            (ring_index, number, point)
            for ring_index, ring in enumerate(polygon)
            for number, point in enumerate(_open(ring), start=1)
            if _usable(point)
        ]
        if not numbered:
            continue
        checked_any = True
        lons = np.array([point[0] for _, _, point in numbered], dtype=float)
        lats = np.array([point[1] for _, _, point in numbered], dtype=float)
        within = shapely.intersects_xy(_england_and_wales(), lons, lats)
        away = [
            (ring_index, number)
            for (ring_index, number, _), ok in zip(numbered, within, strict=True)
            if not ok
        ]
        if away:
            problems.append(_outside_england_and_wales_message(name, away))
            continue
        if len(numbered) < sum(len(_open(ring)) for ring in polygon):
            continue  # some points are unusable: reported by the valid check
        rings = [LineString(_closed(ring)) for ring in polygon if len(set(ring)) >= 2]
        if not all(_england_and_wales().covers(ring) for ring in rings):
            problems.append(
                f"An edge of {name} goes outside England and Wales. Add points along it, or redraw it, "
                "so that the whole zone is in England and Wales."
            )
    if not checked_any:
        return _check("in_england_and_wales", [NOT_CHECKED])
    return _check("in_england_and_wales", problems)


def _outside_england_and_wales_message(name: str, away: list[tuple[int, int]]) -> str:
    def point_label(ring_index: int, number: int) -> str:
        return f"{number}" if ring_index == 0 else f"{number} of hole {ring_index}"

    labels = [point_label(ring_index, number) for ring_index, number in away]
    fix = "Licence conditions apply only in England and Wales: move"
    if len(labels) == 1:
        return f"Point {labels[0]} of {name} is outside England and Wales. {fix} it, or redraw the zone."
    if len(labels) <= _MAX_LISTED:
        return (
            f"Points {_and_list(labels)} of {name} are outside England and Wales. {fix} them, or redraw "
            "the zone."
        )
    return (
        f"{len(labels):,} points of {name} are outside England and Wales, including points "
        f"{_and_list(labels[:5])}. {fix} them, or redraw the zone."
    )


def _size(zone: Any, rules: ZoneRules) -> ZoneCheck:
    area_m2 = float(zone.area)
    problems = []
    if area_m2 < rules.min_area_km2 * 1e6:
        problems.append(
            f"The zone is {_area(area_m2)}. It must be at least {_area(rules.min_area_km2 * 1e6)}. "
            "Draw a bigger zone."
        )
    elif area_m2 > rules.max_area_km2 * 1e6:
        problems.append(
            f"The zone is {_area(area_m2)}. It must be no bigger than {_area(rules.max_area_km2 * 1e6)}. "
            "Draw a smaller zone."
        )
    return _check("size", problems)


def _inside(zone: Any, points: list[NamedPoint]) -> ZoneCheck:
    if not points:
        return _check("inside", [], TITLES_WHEN_NONE["inside"])
    problems = []
    for named in points:
        label = _label(named)
        point = _bng_point(named)
        if point is None:
            problems.append(_unlocated(label))
        elif zone.contains(point):
            continue
        elif zone.intersects(point):
            problems.append(
                f"{label} is on the edge of the zone. Redraw the zone so that the address is inside it, "
                "not on its edge."
            )
        else:
            problems.append(f"{label} is outside the zone. Redraw the zone to include it.")
    return _check("inside", problems)


def _outside(zone: Any, points: list[NamedPoint], rules: ZoneRules) -> ZoneCheck:
    if not points:
        return _check("outside", [], TITLES_WHEN_NONE["outside"])
    problems = []
    distance = _metres(rules.min_distance_m)
    for named in points:
        label = _label(named)
        point = _bng_point(named)
        if point is None:
            problems.append(_unlocated(label))
        elif zone.contains(point):
            problems.append(
                f"{label} is inside the zone. Redraw the zone to leave it out, by at least {distance}."
            )
        elif zone.intersects(point):
            problems.append(
                f"{label} is on the edge of the zone. Redraw the zone to leave it out, by at least "
                f"{distance}."
            )
        else:
            away = float(zone.distance(point))
            if away < rules.min_distance_m:
                problems.append(
                    f"{label} is {_metres(away)} from the zone. It must be at least {distance} away: "
                    "redraw the zone further from it."
                )
    return _check("outside", problems)


def _not_revealing(zone: Any, points: list[NamedPoint], rules: ZoneRules) -> ZoneCheck:
    if not points:
        return _check("not_revealing", [], TITLES_WHEN_NONE["not_revealing"])
    problems = []
    distance = _metres(rules.min_distance_m)
    # The whole zone and each of its polygons: a small square round a house gives the house away
    # even when a large polygon elsewhere makes the zone as a whole big.
    parts = [zone, *getattr(zone, "geoms", [])]
    small = [part for part in parts if part.area < CENTRING_APPLIES_BELOW_KM2 * 1e6]
    for named in points:
        label = _label(named)
        point = _bng_point(named)
        if point is None:
            problems.append(_unlocated(label))
            continue
        if float(zone.boundary.distance(point)) < rules.min_distance_m:
            problems.append(
                f"{label} is less than {distance} from the edge of the zone, so the map could show where "
                f"it is. Draw the zone wider, or move its edge at least {distance} from the address."
            )
        for part in small:
            radius = math.sqrt(float(part.area) / math.pi)
            if float(part.centroid.distance(point)) < rules.max_centre_offset_ratio * radius:
                problems.append(
                    f"The zone is centred on {label[:1].lower() + label[1:]}, so someone could work out "
                    "where it is from the map. Draw the zone wider, or not centred on the address."
                )
                break
    return _check("not_revealing", problems)


# --- Summaries and export ----------------------------------------------------------------------


def zone_summary(polygons: Zone) -> dict[str, Any]:
    """{"area_km2", "perimeter_km", "centroid": (lon, lat), "bounds": (min_lon, min_lat, max_lon,
    max_lat)}, measured in British National Grid metres. Meant for a valid zone; a shape whose
    edges cross is measured as `shapely.make_valid` repairs it."""
    _raise_if_unusable(polygons)
    zone = shapely.union_all(shapely.make_valid(_bng_polygons(polygons)))
    centroid = zone.centroid
    lons = [lon for polygon in polygons for ring in polygon for lon, _ in ring]
    lats = [lat for polygon in polygons for ring in polygon for _, lat in ring]
    return {
        "area_km2": float(zone.area) / 1e6,
        "perimeter_km": float(zone.length) / 1e3,
        "centroid": bng_to_lonlat(float(centroid.x), float(centroid.y)) if not centroid.is_empty else None,
        "bounds": (min(lons), min(lats), max(lons), max(lats)),
    }


def to_geojson(polygons: Zone) -> dict[str, Any]:
    """A GeoJSON MultiPolygon (or a Polygon when there is one), rings closed, points as drawn."""
    _raise_if_unusable(polygons)
    coordinates = [[[[lon, lat] for lon, lat in _closed(ring)] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


# --- Wording -----------------------------------------------------------------------------------


def _polygon_name(index: int, count: int) -> str:
    return "the zone" if count == 1 else f"polygon {index}"


def _point_name(index: int, count: int, ring_index: int, point_index: int) -> str:
    parts = [] if count == 1 else [f"Polygon {index}"]
    if ring_index:
        parts.append(f"hole {ring_index}")
    parts.append(f"point {point_index}")
    return _cap(", ".join(parts))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _capped(problems: list[str], things: str) -> list[str]:
    if len(problems) <= _MAX_LISTED:
        return problems
    more = len(problems) - _MAX_LISTED
    return [*problems[:_MAX_LISTED], f"There are problems with {more:,} more {things} too."]


def _and_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _number(value: float) -> str:
    return f"{value:g}"


def _metres(value: float) -> str:
    rounded = round(value)
    return f"{rounded:,} metre" if rounded == 1 else f"{rounded:,} metres"


def _area(square_metres: float) -> str:
    """An area for people: km² to 2 decimal places, hectares below 1 km², square metres below
    1 hectare."""
    if square_metres < 1e4:
        return f"{square_metres:,.0f} square metres"
    if square_metres < 1e6:
        hectares = f"{square_metres / 1e4:,.1f}".removesuffix(".0")
        return f"{hectares} hectare" if hectares == "1" else f"{hectares} hectares"
    return f"{square_metres / 1e6:,.2f} km²"


def _label(named: NamedPoint) -> str:
    return _cap(named.label.strip()) or "An address"


def _unlocated(label: str) -> str:
    return f"{label} has no usable map position. Check the address and find it on the map again."


def _usable(point: Any) -> bool:
    try:
        lon, lat = float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError):
        return False
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def _bng_point(named: NamedPoint) -> Any:
    if not _usable((named.lon, named.lat)):
        return None
    easting, northing = lonlat_to_bng(named.lon, named.lat)
    if not (math.isfinite(easting) and math.isfinite(northing)):
        return None
    return Point(easting, northing)
