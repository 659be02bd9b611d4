"""Web Mercator (EPSG:3857), the projection of XYZ map tiles, for drawing a zone over a base map.

Every XYZ tile service (Ordnance Survey's Maps API in its ``_3857`` styles, OpenStreetMap and the
rest) cuts the world, projected by the spherical Mercator formulas on a sphere of the WGS 84
semi-major axis, into 2^z × 2^z square tiles of 256 pixels at zoom z, numbered from the top left
(north-west). The formulas are the ones the OpenStreetMap wiki documents ("Slippy map tilenames"),
written out here because they are exact and simple: no PROJ pipeline is needed to draw over tiles.

A map drawn over tiles is drawn in this projection, with north straight up; distances and areas
are still measured in British National Grid metres (`projection`), and the zone is refused by
exactly the checks `project_zone` makes before it is drawn at all.

Web Mercator metres are not ground metres: at latitude φ one is about cos φ of a metre on the ground
(0.61 at Bedford). `project_zone_web_mercator` measures the factor at the zone's centre along its
parallel, against the geodesic on the WGS 84 ellipsoid, as `projection.grid_factors` does for the
grid; the scale bar is horizontal, so the east-west factor is the one it needs. (Spherical formulas
on ellipsoidal coordinates are not quite conformal: along the meridian the factor is larger by
about e² cos² φ, 0.25 % at Bedford, far below what a printed scale bar can show.)

The zoom of the tiles is chosen (`choose_zoom`) so that one tile pixel prints at about 0.28 mm:
tiles are drawn for screens of about 90 pixels per inch, and at that size their street names print
at about 7–9 pt, readable on A4. The zoom is capped by the provider's highest zoom and by
`MAX_TILES`, so a map never asks a provider for more than that many tiles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from pyproj import Geod

from victims.domain.geometry.checks import ProjectedZone, project_zone
from victims.domain.geometry.parsing import Zone, closed

EARTH_RADIUS_M = 6_378_137.0  # the WGS 84 semi-major axis, the sphere of EPSG:3857
HALF_WORLD_M = math.pi * EARTH_RADIUS_M  # the world's edge in Web Mercator metres: ±20,037,508.34
MAX_LATITUDE = math.degrees(math.atan(math.sinh(math.pi)))  # 85.0511°: where the square tiling ends
TILE_SIZE = 256  # pixels
# One tile pixel printed at about this size (mm): street names readable on A4 (see above).
PIXEL_MM = 0.28
# At most this many tiles for one map (an A4 map at PIXEL_MM needs about 25).
MAX_TILES = 64
# How far east `_scale_factor` steps along the parallel: a thousandth of a degree is about 70 m.
_STEP_DEG = 0.001


@dataclass(frozen=True)
class WebMercatorZone(ProjectedZone):
    """A zone ready to draw over XYZ tiles: as `ProjectedZone`, but in Web Mercator metres (x east,
    y north), north straight up (`true_north_deg` 0), and `scale_factor` Web Mercator metres per
    metre on the ground at `centre`, east to west."""


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    """A WGS 84 point in Web Mercator metres (x east, y north of the equator)."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = EARTH_RADIUS_M * math.radians(lon)
    y = EARTH_RADIUS_M * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return x, y


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    """A Web Mercator point (metres) in WGS 84 (longitude, latitude)."""
    lon = math.degrees(x / EARTH_RADIUS_M)
    lat = math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS_M)) - math.pi / 2)
    return lon, lat


def metres_per_pixel(zoom: int) -> float:
    """Web Mercator metres a tile pixel covers at a zoom (156,543 m at zoom 0; half at each step)."""
    return 2 * HALF_WORLD_M / (TILE_SIZE * (1 << zoom))


def to_pixels(x: float, y: float, zoom: int) -> tuple[float, float]:
    """A Web Mercator point as pixels of the whole tiled world at a zoom, from its top-left corner."""
    size = metres_per_pixel(zoom)
    return (x + HALF_WORLD_M) / size, (HALF_WORLD_M - y) / size


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The tile (x, y) holding a WGS 84 point at a zoom."""
    px, py = to_pixels(*lonlat_to_mercator(lon, lat), zoom)
    last = (1 << zoom) - 1
    return min(int(px // TILE_SIZE), last), min(int(py // TILE_SIZE), last)


@dataclass(frozen=True)
class TileWindow:
    """The tiles covering an area at one zoom, and where the area lies in them once stitched.

    Stitched, the tiles make an image of ``len(columns) * TILE_SIZE`` by ``len(rows) * TILE_SIZE``
    pixels; the area is the crop box (`left`, `top`, `left + width`, `top + height`) of it, widened
    to whole pixels. `bounds` is that crop box in Web Mercator metres: where the cropped image goes
    on the map."""

    zoom: int
    columns: range  # tile x numbers, west to east
    rows: range  # tile y numbers, north to south
    left: int
    top: int
    width: int
    height: int
    bounds: tuple[float, float, float, float]  # west, south, east, north (Web Mercator metres)

    @property
    def count(self) -> int:
        return len(self.columns) * len(self.rows)


def tile_window(bounds: tuple[float, float, float, float], zoom: int) -> TileWindow:
    """The tiles at a zoom that cover an area given in Web Mercator metres (west, south, east, north)."""
    west, south, east, north = bounds
    if not (west < east and south < north):
        raise ValueError("An area to cover with tiles needs a width and a height")
    left_px, top_px = to_pixels(west, north, zoom)
    right_px, bottom_px = to_pixels(east, south, zoom)
    world = TILE_SIZE * (1 << zoom)
    left, top = max(0, math.floor(left_px)), max(0, math.floor(top_px))
    right, bottom = min(world, math.ceil(right_px)), min(world, math.ceil(bottom_px))
    columns = range(left // TILE_SIZE, (right - 1) // TILE_SIZE + 1)
    rows = range(top // TILE_SIZE, (bottom - 1) // TILE_SIZE + 1)
    size = metres_per_pixel(zoom)
    return TileWindow(
        zoom=zoom,
        columns=columns,
        rows=rows,
        left=left - columns.start * TILE_SIZE,
        top=top - rows.start * TILE_SIZE,
        width=right - left,
        height=bottom - top,
        bounds=(
            left * size - HALF_WORLD_M,
            HALF_WORLD_M - bottom * size,
            right * size - HALF_WORLD_M,
            HALF_WORLD_M - top * size,
        ),
    )


def choose_zoom(
    bounds: tuple[float, float, float, float],
    mm_per_m: float,
    *,
    max_zoom: int,
    max_tiles: int = MAX_TILES,
    pixel_mm: float = PIXEL_MM,
) -> int:
    """The zoom whose tiles, covering ``bounds`` (Web Mercator metres) drawn at ``mm_per_m`` (mm on
    paper per Web Mercator metre), print a pixel nearest ``pixel_mm`` by ratio; no higher than
    ``max_zoom`` and lowered until at most ``max_tiles`` tiles cover the area."""
    if mm_per_m <= 0 or pixel_mm <= 0:
        raise ValueError("The map's scale and the pixel size must be positive")
    # metres_per_pixel(z) * mm_per_m == pixel_mm, solved for z, rounded to the nearest by ratio.
    exact = math.log2(2 * HALF_WORLD_M * mm_per_m / (TILE_SIZE * pixel_mm))
    zoom = max(0, min(max_zoom, round(exact)))
    while zoom > 0 and tile_window(bounds, zoom).count > max_tiles:
        zoom -= 1
    return zoom


@cache
def _geod() -> Geod:
    return Geod(ellps="WGS84")


def scale_factor(x: float, y: float) -> float:
    """Web Mercator metres per metre on the ground at a point, east to west: measured along about
    70 m of the point's parallel against the geodesic on the WGS 84 ellipsoid."""
    lon, lat = mercator_to_lonlat(x, y)
    east_x, _ = lonlat_to_mercator(lon + _STEP_DEG, lat)
    _, _, ground_m = _geod().inv(lon, lat, lon + _STEP_DEG, lat)
    return (east_x - x) / float(ground_m)


def project_zone_web_mercator(polygons: Zone) -> WebMercatorZone:
    """The zone in Web Mercator metres, to draw over tiles. Refused, with `GeometryError`, exactly as
    `project_zone` refuses it (it is checked by it first): the map shows only a shape that was
    checked."""
    project_zone(polygons)
    rings = tuple(
        tuple(tuple(lonlat_to_mercator(lon, lat) for lon, lat in closed(ring)) for ring in polygon)
        for polygon in polygons
    )
    xs = [x for polygon in rings for x, _ in polygon[0]]
    ys = [y for polygon in rings for _, y in polygon[0]]
    bounds = (min(xs), min(ys), max(xs), max(ys))
    return WebMercatorZone(
        polygons=rings,
        bounds=bounds,
        scale_factor=scale_factor((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2),
        true_north_deg=0.0,
    )
