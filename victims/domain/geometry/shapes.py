"""Starting shapes for an exclusion zone, for those who cannot draw with a mouse (issue 17).

A VLO may start a zone from a circle of a given radius around a place, or from the union of named
postcode sectors, and then adjust it by drawing or by editing its text. Both are made in British
National Grid metres by the one projection the checks measure with
(`victims.domain.geometry.projection`), and brought back to WGS 84 longitude and latitude as a
zone (`Zone`, rings closed) that `to_geojson` writes and `check_zone` checks like any other.

- `circle`: a regular polygon of `CIRCLE_VERTICES` corners inscribed in a circle of the given
  radius in metres on the ground (the grid's point scale factor at the centre is allowed for), so
  its area is within 0.05% of πr².
- `sectors_shape`: each sector as the convex hull of its postcodes' points, widened by
  `SECTOR_MARGIN_M` so that every postcode is well inside it (and a sector of one or two postcodes
  still has an area), then the union of the sectors, simplified to `SIMPLIFY_M`. A convex hull
  rather than a concave one: a sector's postcodes are a sample of where its addresses are, and a
  hull that follows them closely would cut between neighbouring houses; the VLO adjusts the
  starting shape anyway.
- `circle_radius_limits`: the radii whose circle is a sensible size by the zone rules.

Pure: no Flask, no database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import shapely  # type: ignore[import-untyped]  # shapely 2.2 ships no type information
from shapely.geometry import MultiPoint  # type: ignore[import-untyped]  # as above
from shapely.geometry.polygon import orient  # type: ignore[import-untyped]  # as above

from victims.domain.geometry.parsing import MAX_POINTS, GeometryError, Zone
from victims.domain.geometry.projection import bng_to_lonlat, grid_factors, in_grid_area, lonlat_to_bng

CIRCLE_VERTICES = 128  # area within 0.05% of πr²; smooth on the printed map
SECTOR_MARGIN_M = 150.0  # how far a sector's shape reaches beyond its outermost postcodes
SIMPLIFY_M = 10.0  # corners closer than this to a straight line are dropped
MAX_SECTORS = 20
# Six decimal places of a degree: about 10 cm, as the map widget writes them.
_PRECISION = 6


def circle(lat: float, lon: float, radius_m: float, vertices: int = CIRCLE_VERTICES) -> Zone:
    """A circle of `radius_m` metres (on the ground) around a WGS 84 point, as a zone of one
    polygon of `vertices` corners. Raises GeometryError for a point outside the National Grid's
    area or a radius that is not a positive number."""
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise GeometryError(["The radius must be a number of metres greater than 0."])
    if not in_grid_area(lon, lat):
        raise GeometryError(["The centre of the circle is outside Great Britain’s National Grid."])
    easting, northing = lonlat_to_bng(lon, lat)
    scale_factor, _ = grid_factors(easting, northing)
    radius = radius_m * scale_factor  # grid metres
    ring = []
    for index in range(vertices):
        # Anticlockwise from east, as RFC 7946 winds an outer ring.
        angle = 2 * math.pi * index / vertices
        ring.append(_lonlat(easting + radius * math.cos(angle), northing + radius * math.sin(angle)))
    ring.append(ring[0])
    return [[ring]]


def circle_radius_limits(min_area_km2: float, max_area_km2: float) -> tuple[int, int]:
    """The smallest and largest radius in whole metres (rounded in by 10 m and 100 m) whose circle
    is at least `min_area_km2` and at most `max_area_km2`, allowing for the corners."""
    # A regular polygon inscribed in a circle has this fraction of the circle's area.
    fraction = CIRCLE_VERTICES / (2 * math.pi) * math.sin(2 * math.pi / CIRCLE_VERTICES)
    smallest = math.sqrt(min_area_km2 * 1e6 / (math.pi * fraction))
    largest = math.sqrt(max_area_km2 * 1e6 / math.pi)
    low = int(math.ceil(smallest / 10) * 10)
    high = int(math.floor(largest / 100) * 100)
    return low, max(low, high)


def sectors_shape(
    points_by_sector: Mapping[str, Sequence[tuple[float, float]]], margin_m: float = SECTOR_MARGIN_M
) -> Zone:
    """The union of postcode sectors as a zone: each sector (name → its postcodes' (latitude,
    longitude)) as the convex hull of its points widened by `margin_m`, then all of them joined
    and simplified. Sectors that touch or overlap become one polygon; apart, separate polygons.
    Raises GeometryError when a sector has no points or a point is outside the National Grid."""
    problems = []
    hulls = []
    for name, points in points_by_sector.items():
        usable = [(lat, lon) for lat, lon in points if in_grid_area(lon, lat)]
        if not points:
            problems.append(f"The postcode sector {name} has no postcodes.")
            continue
        if len(usable) < len(points):
            problems.append(f"The postcode sector {name} is outside Great Britain’s National Grid.")
            continue
        grid = [lonlat_to_bng(lon, lat) for lat, lon in usable]
        hulls.append(MultiPoint(grid).convex_hull.buffer(margin_m, quad_segs=8))
    if problems:
        raise GeometryError(problems)
    if not hulls:
        raise GeometryError(["Name at least one postcode sector."])
    union = shapely.union_all(hulls).simplify(SIMPLIFY_M, preserve_topology=True)
    polygons = list(getattr(union, "geoms", [union]))
    zone: Zone = []
    for polygon in polygons:
        polygon = orient(polygon, sign=1.0)  # outer anticlockwise
        rings = [polygon.exterior, *polygon.interiors]
        zone.append([[_lonlat(x, y) for x, y in ring.coords] for ring in rings])
    if sum(len(ring) for polygon in zone for ring in polygon) > MAX_POINTS:
        raise GeometryError(["The sectors make a shape with too many corners: name fewer sectors."])
    return zone


def _lonlat(easting: float, northing: float) -> tuple[float, float]:
    lon, lat = bng_to_lonlat(easting, northing)
    return round(lon, _PRECISION), round(lat, _PRECISION)
