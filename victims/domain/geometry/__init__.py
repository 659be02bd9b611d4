"""The geometry of exclusion zones in licence conditions (SPEC §7).

An exclusion zone ("not to enter the area defined by the attached map") is one or more polygons
drawn by the victim liaison officer in WGS 84 longitude and latitude. Rings are lists of
(longitude, latitude) pairs; `parse_zone` returns them closed (the last point repeats the first),
and every other function accepts rings closed or not.

The package, in the order a zone meets it:

- `parsing`: reading the zone as drawn (GeoJSON) or typed ("latitude, longitude" lines), and
  writing it back as GeoJSON.
- `projection`: the one pinned PROJ pipeline from WGS 84 to British National Grid metres, in
  which every distance and area is measured.
- `outline`: the coarse outline of England and Wales, and how it was made.
- `checks`: the checks a zone must pass before it goes to the senior officer, in order, and
  `project_zone`, the checked zone in grid metres that the map is drawn from.
- `shapes`: starting shapes for a zone (a circle round a place, the union of postcode sectors).
- `wording`: how the messages name polygons and points and give numbers.
- `webmercator`: Web Mercator (EPSG:3857), the projection of XYZ map tiles: tile numbers, the zoom
  a printed base map is fetched at, and `project_zone_web_mercator`, the checked zone to draw
  over tiles.

It is pure: no Flask, no database, nothing of the service's outside ``victims.domain``. Callers
use the names below (``from victims.domain import geometry; geometry.parse_zone(...)``).
"""

from victims.domain.geometry.checks import (
    CENTRING_APPLIES_BELOW_KM2,
    NOT_CHECKED,
    TITLES,
    TITLES_WHEN_NONE,
    NamedPoint,
    ProjectedZone,
    ZoneCheck,
    ZoneRules,
    check_zone,
    project_zone,
)
from victims.domain.geometry.outline import ENGLAND_AND_WALES
from victims.domain.geometry.parsing import (
    MAX_POINTS,
    MAX_POLYGONS,
    GeometryError,
    LonLat,
    Ring,
    Zone,
    parse_zone,
    to_geojson,
)
from victims.domain.geometry.projection import BNG_PIPELINE, bng_to_lonlat, lonlat_to_bng
from victims.domain.geometry.shapes import (
    MAX_SECTORS,
    circle,
    circle_radius_limits,
    sectors_shape,
)
from victims.domain.geometry.webmercator import (
    TileWindow,
    WebMercatorZone,
    choose_zoom,
    lonlat_to_mercator,
    mercator_to_lonlat,
    project_zone_web_mercator,
    tile_of,
    tile_window,
)

__all__ = [
    "BNG_PIPELINE",
    "CENTRING_APPLIES_BELOW_KM2",
    "ENGLAND_AND_WALES",
    "MAX_POINTS",
    "MAX_POLYGONS",
    "MAX_SECTORS",
    "NOT_CHECKED",
    "TITLES",
    "TITLES_WHEN_NONE",
    "GeometryError",
    "LonLat",
    "NamedPoint",
    "ProjectedZone",
    "Ring",
    "TileWindow",
    "WebMercatorZone",
    "Zone",
    "ZoneCheck",
    "ZoneRules",
    "bng_to_lonlat",
    "check_zone",
    "choose_zoom",
    "circle",
    "circle_radius_limits",
    "lonlat_to_bng",
    "lonlat_to_mercator",
    "mercator_to_lonlat",
    "parse_zone",
    "project_zone",
    "project_zone_web_mercator",
    "sectors_shape",
    "tile_of",
    "tile_window",
    "to_geojson",
]
