"""WGS 84 longitude and latitude to the British National Grid, by one pinned PROJ pipeline.

Distances and areas are measured in British National Grid metres (EPSG:27700). The conversion
from WGS 84 is fixed here as a PROJ pipeline: the EPSG "OSGB36 to WGS 84 (6)" Helmert
transformation (EPSG:1314, accurate to about 2 metres) followed by the National Grid projection.
It uses no grid files, so PROJ never looks for one or goes to the network (the more accurate
OSTN15 grid would otherwise be downloaded when PROJ networking is switched on, and results would
depend on the machine). Two metres is well inside every rule here.

This is the only place in the service that builds a pyproj transformation: the checks measure a
zone with it and the map is drawn with it, so the map shows the shape that was checked.

A map drawn on the grid needs two more figures to be true to the ground: grid metres differ from
metres on the ground by the projection's point scale factor (0.9996 on the central meridian, 2° W,
about 0.99974 at Bedford, at most 1.0007 in Great Britain), and grid north differs from true north
by the meridian convergence (about 1.2° at Bedford, under 5° anywhere in Great Britain).
`grid_factors` measures both from the pipeline itself, along a short stretch of a meridian, against
the geodesic on the WGS 84 ellipsoid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
from pyproj import Geod, Transformer
from pyproj.enums import TransformDirection

from victims.domain.geometry.parsing import LonLat, Zone

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
# EPSG:27700's area of use (west, south, east, north in degrees), as pyproj's CRS.area_of_use gives
# it: the projection means nothing far outside it.
BNG_AREA_OF_USE = (-9.01, 49.75, 2.01, 61.01)
# How far north `grid_factors` steps along a meridian: a thousandth of a degree is about 111 m.
_STEP_DEG = 0.001


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


def to_grid(polygons: Zone) -> Zone:
    """The same rings, point for point, in British National Grid metres (easting, northing)."""
    flat = [point for polygon in polygons for ring in polygon for point in ring]
    eastings, northings = _to_bng([p[0] for p in flat], [p[1] for p in flat])
    projected = iter(zip(eastings.tolist(), northings.tolist(), strict=True))
    return [[[next(projected) for _ in ring] for ring in polygon] for polygon in polygons]


def in_grid_area(lon: float, lat: float) -> bool:
    """Whether a WGS 84 point is inside the area the British National Grid is meant for."""
    west, south, east, north = BNG_AREA_OF_USE
    return west <= lon <= east and south <= lat <= north


@cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def grid_factors(easting: float, northing: float) -> tuple[float, float]:
    """At a point of the grid: the point scale factor (grid metres per metre on the ground) and the
    bearing of true north from grid north (degrees clockwise; negative east of 2° W). Both are
    measured along about 111 m of the point's meridian: its two ends projected by the pipeline,
    against the geodesic between them on the WGS 84 ellipsoid."""
    lon, lat = bng_to_lonlat(easting, northing)
    (x0, x1), (y0, y1) = _to_bng([lon, lon], [lat, lat + _STEP_DEG])
    _, _, ground_m = _geod().inv(lon, lat, lon, lat + _STEP_DEG)
    dx, dy = float(x1 - x0), float(y1 - y0)
    return math.hypot(dx, dy) / float(ground_m), math.degrees(math.atan2(dx, dy))
