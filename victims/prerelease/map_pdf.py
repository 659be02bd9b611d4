"""The exclusion-zone map document: a PDF of the zone, drawn on the server (SPEC §7).

An exclusion zone is the licence condition "not to enter the area defined by the attached map". The
Ministry of Justice's licence service takes the map as a PDF under 10 MB whose page 1 is the map
and whose page 2 onward is the written description of the boundary. The document is given to the
offender, so it shows the zone and nothing else: no pins, points or labels, and nothing about the
victim. Checking that the zone is not drawn so tightly around the victim's address that the
address could be inferred (SPEC §7) is the caller's job; this module only draws what it is given.

The map is an SVG built here from the zone as the domain projects it, in one of two ways:

- Over a base map, when a map provider is configured (``MAP_TILE_URL``): the zone arrives in Web
  Mercator metres (EPSG:3857, ``victims.domain.geometry.project_zone_web_mercator``), the projection
  of XYZ tiles, north straight up. Under it lies one image of exactly the map's area, stitched from
  the provider's tiles by ``victims.prerelease.basemap`` at the zoom the domain chooses
  (``choose_zoom``: a tile pixel prints at about 0.28 mm, so street names can be read) and embedded
  as a ``data:`` URI. There is no grid (the base map is the reference), and the provider's
  attribution is printed on the map, bottom right, and in the legend. When the tiles cannot be had,
  a preview says "The base map could not be loaded" on the map; the map for issue is refused
  (`BaseMapUnavailable`), so a licence never goes out without its base map.
- With no provider configured: the zone arrives in British National Grid metres (EPSG:27700,
  ``project_zone``), over a faint grid, and the map says "No base map: no map provider is
  configured".

Either way the zone was projected by the domain, by the pipeline its checks use or after them, so
the map shows exactly the shape that was checked, already checked to be a valid shape, its polygons
not overlapping. This module projects nothing and checks no shape itself.
- The zone is fitted, keeping its shape, inside the box less a margin, above a strip that holds the
  scale bar (left) and the north arrow (right), so neither can overlap the zone.
- Each polygon is one ``<path>`` (outer ring and holes as subpaths, even-odd fill): the zone is
  filled semi-transparent red with a solid red border, and holes stay unfilled.
- The scale bar's length is the 1-2-5 round number of metres (…, 100 m, 200 m, 500 m, 1 km, 2 km,
  5 km, …) nearest, by ratio, to a quarter of the map's width on the ground. It is drawn true to
  the ground at the zone's centre, by the point scale factor the domain measured there.
- The north arrow points to true north at the zone's centre: on the grid, the domain measured the
  angle between grid north and true north there; over a base map, north is straight up.
- On the grid only: a faint grid of British National Grid lines (100 m, 1 km or 10 km apart, by
  the map's size) helps with reading distances; the legend says how far apart they are.
- The only text is the scale bar's label, "N", the base map's attribution or the note that there
  is no base map. An SVG ``<title>`` (not drawn) gives the PDF's figure its alternate text.

The PDF is printed from ``templates/prerelease/map_pdf.html`` by ``victims.printing``, as letters
are: its template environment (autoescape), its URL fetcher that refuses every URL but ``data:``, its font
configuration and render lock, and a tagged PDF (PDF/UA-1) in Liberation Sans.

Page 1 holds the title, the condition's wording, the reference and date, the map and a one-line
legend, then a forced page break; the description starts on page 2. The map is 200 mm tall when
the text above it leaves room; when it does not, the layout is measured (WeasyPrint's anchors give
each element's position) and the map is redrawn shorter so that page 1 still ends with it.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from victims import printing
from victims.domain.geometry import ProjectedZone, WebMercatorZone, choose_zoom, tile_window
from victims.prerelease.basemap import BaseMapImage, BaseMapUnavailable, TileSource

# The page, in mm: A4 portrait; the footer (reference, page number) sits in the bottom margin.
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 15.0
MARGIN_SIDE_MM = 15.0
MARGIN_BOTTOM_MM = 20.0
MAP_WIDTH_MM = 210.0 - 2 * MARGIN_SIDE_MM  # the width of the page's content box: 180 mm
MAP_HEIGHT_MM = 200.0  # when the text above the map leaves room for it
MAP_MIN_HEIGHT_MM = 100.0  # below this the text above the map is too long: refuse

# The drawing, in mm (the SVG's user unit).
KEY_STRIP_MM = 16.0  # the strip along the bottom for the scale bar and the north arrow
ZONE_MARGIN_MM = 10.0  # between the zone and the frame or the strip
FRAME_STROKE_MM = 0.3
ZONE_COLOUR = "#d4351c"  # GOV.UK red
ZONE_FILL_OPACITY = 0.3
ZONE_STROKE_MM = 0.6
GRID_COLOUR = "#b1b4b6"  # GOV.UK mid-grey
GRID_STROKE_MM = 0.15
TEXT_MM = 3.6  # about 10 pt
FONT_FAMILY = "Liberation Sans, Arial, sans-serif"
SCALE_BAR_LEFT_MM = 8.0
SCALE_BAR_HEIGHT_MM = 2.0
# Words on the map itself, in a white box: the base map's attribution (bottom right, smaller, as
# web maps print it) or the note that there is no base map (top left).
ATTRIBUTION_MM = 2.5  # about 7 pt
NOTE_MM = TEXT_MM  # about 10 pt, bold: a map without its base map must not pass unnoticed
LABEL_PADDING_MM = 1.0
CHARACTER_WIDTH_EM = 0.55  # Liberation Sans' average, for the box behind the words
NO_PROVIDER = "No base map: no map provider is configured"
NOT_LOADED = "The base map could not be loaded"

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
PX_PER_MM = 96 / 25.4  # CSS pixels, the unit of WeasyPrint's layout


class MapDoesNotFit(ValueError):
    """The text above the map leaves no room for it on page 1: the wording or title must be shorter."""


@dataclass(frozen=True)
class MapDocument:
    title: str  # e.g. "Exclusion zone: Bedford town centre"
    condition_text: (
        str  # the licence wording ("Not to enter the area of …, as defined by the attached map, …")
    )
    reference: str  # e.g. "Case 123 – zone 4" (no names)
    # From victims.domain.geometry, projected and checked: project_zone_web_mercator when `tiles`
    # is given, project_zone when it is not.
    zone: ProjectedZone
    description: str  # the written boundary; paragraphs separated by blank lines; "- " lines are bullets
    prepared_by: str  # e.g. "Vera Liaison, Victim Liaison Officer"
    date_text: str  # e.g. "26 November 2026"
    # "DRAFT – NOT FOR ISSUE" at the head of every page of a preview; None for the map as issued.
    draft_mark: str | None = None
    # The configured map provider, for the base map; None when there is none. The map as issued
    # (no draft mark) is refused when its base map cannot be had; a preview says so on the map.
    tiles: TileSource | None = None


@dataclass(frozen=True)
class Drawing:
    svg: str
    scale_m: int  # the length the scale bar stands for, in metres on the ground
    scale_label: str  # e.g. "500 m", "2 km"
    grid_m: int | None  # the distance between grid lines, in metres; None: no grid (Web Mercator)
    mm_per_m: float  # millimetres on the map for a metre on the ground, at the zone's centre
    base_map: BaseMapImage | None = None  # the stitched tiles under the zone
    attribution: str | None = None  # printed on the map with the base map
    note: str | None = None  # why there is no base map, printed on the map


# Drawing -------------------------------------------------------------------------------------------


def round_length(target_m: float) -> int:
    """The 1-2-5 round number of metres (at least 1 m) nearest ``target_m`` by ratio."""
    if target_m <= 1:
        return 1
    exponent = math.floor(math.log10(target_m))
    candidates = [mantissa * 10**exponent for mantissa in (1, 2, 5, 10)]
    return int(min(candidates, key=lambda length: abs(math.log(length / target_m))))


def length_label(metres: int) -> str:
    if metres < 1000:
        return f"{metres} m"
    return f"{metres / 1000:g} km"


def _grid_spacing(map_width_m: float) -> int:
    if map_width_m <= 3_000:
        return 100
    if map_width_m <= 30_000:
        return 1_000
    return 10_000


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _element(parent: ET.Element, tag: str, **attributes: float | str) -> ET.Element:
    values = {
        name.rstrip("_").replace("_", "-"): _number(value) if isinstance(value, float) else str(value)
        for name, value in attributes.items()
    }
    return ET.SubElement(parent, tag, values)


def _label(
    parent: ET.Element,
    text: str,
    *,
    x: float,
    y: float,
    size: float,
    anchor: str,
    element_id: str,
    bold: bool = False,
) -> None:
    """Words on the map in a white box; (x, y) is the box's top-left (anchor "start") or top-right
    ("end") corner."""
    width = len(text) * size * (CHARACTER_WIDTH_EM + (0.05 if bold else 0)) + 2 * LABEL_PADDING_MM
    height = size * 1.2 + LABEL_PADDING_MM
    left = x if anchor == "start" else x - width
    group = _element(parent, "g", id=element_id)
    _element(group, "rect", x=left, y=y, width=width, height=height, fill="#ffffff", fill_opacity="0.85")
    words = _element(
        group,
        "text",
        x=left + LABEL_PADDING_MM if anchor == "start" else x - LABEL_PADDING_MM,
        y=y + LABEL_PADDING_MM / 2 + size * 0.95,
        font_family=FONT_FAMILY,
        font_size=size,
        font_weight="bold" if bold else "normal",
        text_anchor=anchor,
        fill="#0b0c0c",
    )
    words.text = text


def draw_map(
    zone: ProjectedZone,
    width_mm: float = MAP_WIDTH_MM,
    height_mm: float = MAP_HEIGHT_MM,
    tiles: TileSource | None = None,
    *,
    base_map_required: bool = False,
) -> Drawing:
    """The map as an SVG, with the figures the legend and the tests need. With `tiles`, the zone
    must be in Web Mercator and is drawn over the provider's base map; when that cannot be had,
    the map says so, or `BaseMapUnavailable` is raised if `base_map_required`."""
    over_tiles = isinstance(zone, WebMercatorZone)
    if tiles is not None and not over_tiles:
        raise ValueError("A base map goes under a zone in Web Mercator (project_zone_web_mercator)")
    min_x, min_y, max_x, max_y = zone.bounds

    # The map area is the box above the key strip; the zone is fitted inside it less the margin.
    map_bottom = height_mm - KEY_STRIP_MM
    room_width = width_mm - 2 * ZONE_MARGIN_MM
    room_height = map_bottom - 2 * ZONE_MARGIN_MM
    if room_width <= 0 or room_height <= 0:
        raise ValueError("The map's box is too small to draw the zone in")
    mm_per_grid_m = min(room_width / (max_x - min_x), room_height / (max_y - min_y))
    centre_x, centre_y = zone.centre

    def to_map(easting: float, northing: float) -> tuple[float, float]:
        return (
            width_mm / 2 + (easting - centre_x) * mm_per_grid_m,
            map_bottom / 2 - (northing - centre_y) * mm_per_grid_m,
        )

    mm_per_m = mm_per_grid_m * zone.scale_factor
    scale_m = round_length(width_mm / mm_per_m / 4)
    grid_m = None if over_tiles else _grid_spacing(width_mm / mm_per_grid_m)

    # The base map: the tiles covering exactly the map's area, at the zoom that prints them readably.
    base_map, note = None, NO_PROVIDER if tiles is None else None
    if tiles is not None:
        half_width, half_height = width_mm / 2 / mm_per_grid_m, map_bottom / 2 / mm_per_grid_m
        area = (centre_x - half_width, centre_y - half_height, centre_x + half_width, centre_y + half_height)
        zoom = choose_zoom(area, mm_per_grid_m, max_zoom=tiles.max_zoom)
        try:
            base_map = tiles.stitch(tile_window(area, zoom))
        except BaseMapUnavailable:
            if base_map_required:
                raise
            note = NOT_LOADED

    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "width": f"{_number(width_mm)}mm",
            "height": f"{_number(height_mm)}mm",
            "viewBox": f"0 0 {_number(width_mm)} {_number(height_mm)}",
            "role": "img",
        },
    )
    ET.SubElement(svg, "title").text = (
        f"Map of the exclusion zone, shaded red{' over a street map' if base_map else ''}, with a "
        f"scale bar of {length_label(scale_m)} and an arrow pointing north."
    )

    if base_map is not None:
        # The stitched tiles, placed by their own bounds (whole pixels, so a fraction of a pixel
        # beyond the map's area on each side) and clipped to the area.
        clip = _element(_element(svg, "defs"), "clipPath", id="map-area")
        _element(clip, "rect", x=0.0, y=0.0, width=width_mm, height=map_bottom)
        image_west, image_south, image_east, image_north = base_map.window.bounds
        left, top = to_map(image_west, image_north)
        right, bottom = to_map(image_east, image_south)
        _element(
            svg,
            "image",
            id="base-map",
            x=left,
            y=top,
            width=right - left,
            height=bottom - top,
            preserveAspectRatio="none",
            href=base_map.data_uri,
            clip_path="url(#map-area)",
        )

    if grid_m is not None:
        # The grid: British National Grid lines, faint, inside the map area only.
        grid = _element(svg, "g", id="grid", stroke=GRID_COLOUR, stroke_width=GRID_STROKE_MM, fill="none")
        half_width_m = width_mm / 2 / mm_per_grid_m
        half_height_m = map_bottom / 2 / mm_per_grid_m
        for easting in range(
            math.ceil((centre_x - half_width_m) / grid_m) * grid_m,
            math.floor(centre_x + half_width_m) + 1,
            grid_m,
        ):
            x, _ = to_map(easting, centre_y)
            if 0 < x < width_mm:
                _element(grid, "line", x1=x, y1=0.0, x2=x, y2=map_bottom)
        for northing in range(
            math.ceil((centre_y - half_height_m) / grid_m) * grid_m,
            math.floor(centre_y + half_height_m) + 1,
            grid_m,
        ):
            _, y = to_map(centre_x, northing)
            if 0 < y < map_bottom:
                _element(grid, "line", x1=0.0, y1=y, x2=width_mm, y2=y)

    # The zone: one path per polygon, holes as subpaths left unfilled by the even-odd rule.
    shading = _element(
        svg,
        "g",
        id="zone",
        fill=ZONE_COLOUR,
        fill_opacity=str(ZONE_FILL_OPACITY),
        fill_rule="evenodd",
        stroke=ZONE_COLOUR,
        stroke_width=ZONE_STROKE_MM,
        stroke_linejoin="round",
    )
    for polygon in zone.polygons:
        parts = []
        for ring in polygon:  # the outer ring, then the holes; closed, so the last point is left to "Z"
            points = [to_map(x, y) for x, y in ring[:-1]]
            parts.append("M" + " L".join(f"{_number(x)} {_number(y)}" for x, y in points) + " Z")
        _element(shading, "path", class_="zone", d=" ".join(parts))

    # The words on the map: in the margin round the zone, so they never hide its edge.
    attribution = tiles.attribution.strip() if base_map is not None and tiles is not None else ""
    if attribution:
        size = min(ATTRIBUTION_MM, (width_mm - 10) / (len(attribution) * CHARACTER_WIDTH_EM))
        _label(
            svg,
            attribution,
            x=width_mm - FRAME_STROKE_MM,
            y=map_bottom - size * 1.2 - LABEL_PADDING_MM,
            size=size,
            anchor="end",
            element_id="attribution",
        )
    if note:
        _label(
            svg,
            note,
            x=FRAME_STROKE_MM,
            y=FRAME_STROKE_MM,
            size=NOTE_MM,
            anchor="start",
            element_id="note",
            bold=True,
        )

    # The frame, and the line above the key strip.
    inset = FRAME_STROKE_MM / 2
    _element(
        svg,
        "rect",
        id="frame",
        x=inset,
        y=inset,
        width=width_mm - FRAME_STROKE_MM,
        height=height_mm - FRAME_STROKE_MM,
        fill="none",
        stroke="#0b0c0c",
        stroke_width=FRAME_STROKE_MM,
    )
    _element(
        svg,
        "line",
        x1=0.0,
        y1=map_bottom,
        x2=width_mm,
        y2=map_bottom,
        stroke="#0b0c0c",
        stroke_width=FRAME_STROKE_MM,
    )

    # The scale bar: two halves, black then white, in one outline, the label to its right.
    strip_middle = map_bottom + KEY_STRIP_MM / 2
    bar_length = scale_m * mm_per_m
    bar_top = strip_middle - SCALE_BAR_HEIGHT_MM / 2
    scale = _element(svg, "g", id="scale", stroke="#0b0c0c", stroke_width=0.25)
    for index, fill in enumerate(("#0b0c0c", "#ffffff")):
        _element(
            scale,
            "rect",
            class_="scale-bar-half",
            x=SCALE_BAR_LEFT_MM + index * bar_length / 2,
            y=bar_top,
            width=bar_length / 2,
            height=SCALE_BAR_HEIGHT_MM,
            fill=fill,
        )
    _element(
        scale,
        "rect",
        id="scale-bar",
        x=SCALE_BAR_LEFT_MM,
        y=bar_top,
        width=bar_length,
        height=SCALE_BAR_HEIGHT_MM,
        fill="none",
    )
    label = _element(
        svg,
        "text",
        id="scale-label",
        x=SCALE_BAR_LEFT_MM + bar_length + 3.0,
        y=strip_middle + TEXT_MM * 0.36,
        font_family=FONT_FAMILY,
        font_size=TEXT_MM,
        fill="#0b0c0c",
    )
    label.text = length_label(scale_m)

    # The north arrow, turned to true north, with "N" above it.
    arrow_x = width_mm - 12.0
    arrow_y = strip_middle + 2.0
    arrow = _element(
        svg,
        "g",
        id="north-arrow",
        transform=f"rotate({_number(zone.true_north_deg)} {_number(arrow_x)} {_number(arrow_y)})",
    )
    _element(
        arrow,
        "polygon",
        points=" ".join(
            f"{_number(arrow_x + dx)},{_number(arrow_y + dy)}"
            for dx, dy in ((0.0, -4.0), (2.2, 3.5), (0.0, 1.8), (-2.2, 3.5))
        ),
        fill="#0b0c0c",
    )
    north = _element(
        svg,
        "text",
        id="north-label",
        x=arrow_x,
        y=arrow_y - 5.0,
        font_family=FONT_FAMILY,
        font_size=TEXT_MM,
        font_weight="bold",
        text_anchor="middle",
        fill="#0b0c0c",
    )
    north.text = "N"

    return Drawing(
        svg=ET.tostring(svg, encoding="unicode"),
        scale_m=scale_m,
        scale_label=length_label(scale_m),
        grid_m=grid_m,
        mm_per_m=mm_per_m,
        base_map=base_map,
        attribution=attribution or None,
        note=note,
    )


def render_map_svg(
    zone: ProjectedZone,
    width_mm: float = 180,
    height_mm: float = 200,
    tiles: TileSource | None = None,
    *,
    base_map_required: bool = False,
) -> str:
    """An SVG (as a string) of the zone, fitted to the box with a margin, the zone filled
    semi-transparent red with a solid border and holes unfilled, over the provider's base map
    (with `tiles`, the zone from `project_zone_web_mercator`) or a faint grid (without, the zone
    from `project_zone`), a scale bar with a round length about a quarter of the map's width, and a
    north arrow with "N". Nothing else: no pins, no points, no words but the scale's, "N", the
    base map's attribution or why there is none."""
    return draw_map(zone, width_mm, height_mm, tiles, base_map_required=base_map_required).svg


# The document --------------------------------------------------------------------------------------


def _html(doc: MapDocument, map_height_mm: float) -> str:
    if not doc.description.strip():
        raise ValueError("A map needs the written description of its boundary")
    drawing = draw_map(
        doc.zone, MAP_WIDTH_MM, map_height_mm, doc.tiles, base_map_required=doc.draft_mark is None
    )
    return printing.render_template(
        "prerelease/map_pdf.html",
        doc=doc,
        description=printing.blocks(doc.description),
        drawing=drawing,
        grid_label=length_label(drawing.grid_m) if drawing.grid_m else None,
        margin={
            "top": MARGIN_TOP_MM,
            "side": MARGIN_SIDE_MM,
            "bottom": MARGIN_BOTTOM_MM,
        },
    )


def render_map_html(doc: MapDocument) -> str:
    """The HTML page WeasyPrint prints, every value escaped by Jinja's autoescape."""
    return _html(doc, MAP_HEIGHT_MM)


def _page_one_ends_with_the_map(document) -> bool:
    pages = document.pages
    return len(pages) >= 2 and "legend" in pages[0].anchors and "description" in pages[1].anchors


def _map_height_that_fits(document, map_height_mm: float) -> float:
    """How tall the map can be for page 1 to hold it and its legend under the text above it."""
    pages = document.pages
    if len(pages) > 1 and "head" in pages[1].anchors:
        raise MapDoesNotFit("The title and the condition's wording are too long to leave room for the map")
    head_bottom = pages[0].anchors["head"][3]
    legend = next(page.anchors["legend"] for page in pages if "legend" in page.anchors)
    room_px = (PAGE_HEIGHT_MM - MARGIN_BOTTOM_MM) * PX_PER_MM - head_bottom - (legend[3] - legend[1])
    height = min(map_height_mm, math.floor(room_px / PX_PER_MM) - 1.0)
    if height < MAP_MIN_HEIGHT_MM:
        raise MapDoesNotFit("The title and the condition's wording are too long to leave room for the map")
    return height


def render_map_pdf(doc: MapDocument) -> bytes:
    """The map document as a tagged (PDF/UA-1) A4 PDF: page 1 the title, the condition, the reference
    and the map with its legend; page 2 onward the description of the boundary; the reference and
    "Page X of Y" at the foot of each page."""
    document = printing.layout(_html(doc, MAP_HEIGHT_MM))
    if not _page_one_ends_with_the_map(document):
        document = printing.layout(_html(doc, _map_height_that_fits(document, MAP_HEIGHT_MM)))
        if not _page_one_ends_with_the_map(document):
            raise RuntimeError("The map did not fit on page 1")
    return printing.write_pdf(document)
