"""The checks an exclusion zone must pass before it goes to the senior officer (SPEC §7).

`check_zone` makes them in this order, each with every problem found:

- ``valid``: each polygon is a proper shape (its edges do not cross, it has an area), and the
  polygons do not overlap each other. Holes are allowed.
- ``in_england_and_wales``: every point is in England and Wales (the coarse outline in
  `victims.domain.geometry.outline`), and so is every edge.
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

Shapes are measured in British National Grid metres, projected by
`victims.domain.geometry.projection`.

`project_zone` gives a map what it is drawn from: the zone in British National Grid metres by the
same projection, refused (`GeometryError`) when its shape fails the ``valid`` check, with that
check's problems, or when it goes outside the area the National Grid is meant for. It does not
make the other checks: a map shows the zone it is given.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely  # type: ignore[import-untyped]  # shapely 2.2 ships no type information
from shapely.geometry import LineString, Point, Polygon  # type: ignore[import-untyped]  # as above

from victims.domain.geometry.outline import england_and_wales
from victims.domain.geometry.parsing import (
    GeometryError,
    Zone,
    closed,
    open_ring,
    raise_if_unusable,
    structure_problems,
)
from victims.domain.geometry.projection import (
    bng_to_lonlat,
    grid_factors,
    in_grid_area,
    lonlat_to_bng,
    to_grid,
)
from victims.domain.geometry.wording import MAX_LISTED, and_list, area, cap, metres, polygon_name

# A zone smaller than this is checked for being centred on a protected address.
CENTRING_APPLIES_BELOW_KM2 = 5.0
# A polygon whose area is less than this many metres times its perimeter is a line, not an area
# (its average width is under a metre): a straight line of lon, lat points is slightly curved on
# the National Grid, so it has a sliver of area.
_MIN_WIDTH_M = 0.5
# Two polygons "overlap" when they share more than this many square metres; less is rounding.
_OVERLAP_TOLERANCE_M2 = 1.0


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
    structure = structure_problems(polygons)
    shapes = [] if structure else _shapes(to_grid(polygons))
    checks = [
        _check("valid", structure or _shape_problems(shapes)),
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


def _shapes(grid_polygons: Zone) -> list[Any]:
    """Each polygon (already in National Grid metres) as a shapely Polygon."""
    return [Polygon(polygon[0], polygon[1:]) for polygon in grid_polygons]


def _shape_problems(shapes: list[Any]) -> list[str]:
    """What the ``valid`` check finds wrong with the polygons' shapes, in National Grid metres."""
    problems: list[str] = []
    count = len(shapes)
    good: list[tuple[int, Any]] = []
    for index, shape in enumerate(shapes, start=1):
        name = polygon_name(index, count)
        hull = shapely.convex_hull(shape.exterior)
        if hull.area < _MIN_WIDTH_M * hull.length:
            problems.append(f"{cap(name)} has no area: its points are in a line. Draw it as an area.")
            continue
        reason = shapely.is_valid_reason(shape)
        if reason != "Valid Geometry":
            problems.append(_invalid_message(name, str(reason)))
        elif shape.area < _MIN_WIDTH_M * shape.length:
            problems.append(f"{cap(name)} has almost no area. Draw it as an area, not a line.")
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
    return problems


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
        return f"{cap(name)} has edges that cross{near}. Redraw it so that no edges cross."
    if what == "Hole lies outside shell":
        return f"{cap(name)} has a hole outside it{near}. Remove the hole, or move it inside."
    if what in ("Holes are nested", "Nested holes"):
        return f"{cap(name)} has a hole inside another hole{near}. Remove the inner hole."
    if what == "Interior is disconnected":
        return (
            f"The holes in {name} cut it into separate pieces{near}. Draw the pieces as separate "
            "polygons, or make the holes smaller."
        )
    if what == "Too few points":
        return f"{cap(name)} has too few points{near}. Draw at least 3 different points."
    return f"{cap(name)} is not a valid shape ({what}{near}). Draw it again."


def _in_england_and_wales(polygons: Zone) -> ZoneCheck:
    problems: list[str] = []
    count = len(polygons)
    checked_any = False
    for index, polygon in enumerate(polygons, start=1):
        name = polygon_name(index, count)
        numbered = [
            (ring_index, number, point)
            for ring_index, ring in enumerate(polygon)
            for number, point in enumerate(open_ring(ring), start=1)
            if _usable(point)
        ]
        if not numbered:
            continue
        checked_any = True
        lons = np.array([point[0] for _, _, point in numbered], dtype=float)
        lats = np.array([point[1] for _, _, point in numbered], dtype=float)
        within = shapely.intersects_xy(england_and_wales(), lons, lats)
        away = [
            (ring_index, number)
            for (ring_index, number, _), ok in zip(numbered, within, strict=True)
            if not ok
        ]
        if away:
            problems.append(_outside_england_and_wales_message(name, away))
            continue
        if len(numbered) < sum(len(open_ring(ring)) for ring in polygon):
            continue  # some points are unusable: reported by the valid check
        rings = [LineString(closed(ring)) for ring in polygon if len(set(ring)) >= 2]
        if not all(england_and_wales().covers(ring) for ring in rings):
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
    if len(labels) <= MAX_LISTED:
        return (
            f"Points {and_list(labels)} of {name} are outside England and Wales. {fix} them, or redraw "
            "the zone."
        )
    return (
        f"{len(labels):,} points of {name} are outside England and Wales, including points "
        f"{and_list(labels[:5])}. {fix} them, or redraw the zone."
    )


def _size(zone: Any, rules: ZoneRules) -> ZoneCheck:
    area_m2 = float(zone.area)
    problems = []
    if area_m2 < rules.min_area_km2 * 1e6:
        problems.append(
            f"The zone is {area(area_m2)}. It must be at least {area(rules.min_area_km2 * 1e6)}. "
            "Draw a bigger zone."
        )
    elif area_m2 > rules.max_area_km2 * 1e6:
        problems.append(
            f"The zone is {area(area_m2)}. It must be no bigger than {area(rules.max_area_km2 * 1e6)}. "
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
    distance = metres(rules.min_distance_m)
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
                    f"{label} is {metres(away)} from the zone. It must be at least {distance} away: "
                    "redraw the zone further from it."
                )
    return _check("outside", problems)


def _not_revealing(zone: Any, points: list[NamedPoint], rules: ZoneRules) -> ZoneCheck:
    if not points:
        return _check("not_revealing", [], TITLES_WHEN_NONE["not_revealing"])
    problems = []
    distance = metres(rules.min_distance_m)
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


def _label(named: NamedPoint) -> str:
    return cap(named.label.strip()) or "An address"


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


# --- The zone for a map ---------------------------------------------------------------------------

GridPoint = tuple[float, float]  # easting, northing: British National Grid metres
GridRing = tuple[GridPoint, ...]


@dataclass(frozen=True)
class ProjectedZone:
    """A zone ready to draw, from `project_zone`: each polygon a valid shape, none overlapping."""

    # Each polygon's outer ring, then its holes, in National Grid metres: closed (the last point
    # repeats the first), the points in the order they were drawn.
    polygons: tuple[tuple[GridRing, ...], ...]
    bounds: tuple[float, float, float, float]  # least easting, least northing, greatest of each
    scale_factor: float  # grid metres per metre on the ground, at `centre`
    true_north_deg: float  # the bearing of true north from grid north at `centre`, degrees clockwise

    @property
    def centre(self) -> GridPoint:
        """The middle of `bounds`, where the scale factor and true north are measured."""
        west, south, east, north = self.bounds
        return (west + east) / 2, (south + north) / 2


def project_zone(polygons: Zone) -> ProjectedZone:
    """The zone in British National Grid metres by the projection the checks measure with, and the
    scale factor and true north at its centre. Raises `GeometryError` with every problem when the
    zone is not usable (see `parse_zone`), goes outside the National Grid's area, or fails the
    ``valid`` check (with that check's problems)."""
    raise_if_unusable(polygons)
    rings = [[closed(ring) for ring in polygon] for polygon in polygons]
    count = len(rings)
    off_grid = [
        f"{cap(polygon_name(index, count))} goes outside the area of Great Britain’s National Grid, so "
        "it cannot be mapped. Redraw the zone in England and Wales."
        for index, polygon in enumerate(rings, start=1)
        if not all(in_grid_area(lon, lat) for ring in polygon for lon, lat in ring)
    ]
    if off_grid:
        raise GeometryError(off_grid)
    grid = to_grid(rings)
    problems = _shape_problems(_shapes(grid))
    if problems:
        raise GeometryError(problems)
    eastings = [easting for polygon in grid for easting, _ in polygon[0]]
    northings = [northing for polygon in grid for _, northing in polygon[0]]
    bounds = (min(eastings), min(northings), max(eastings), max(northings))
    scale_factor, true_north_deg = grid_factors((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
    return ProjectedZone(
        polygons=tuple(tuple(tuple(ring) for ring in polygon) for polygon in grid),
        bounds=bounds,
        scale_factor=scale_factor,
        true_north_deg=true_north_deg,
    )
