"""Exclusion-zone maps printed to PDF by the real WeasyPrint, read back with Debian's poppler-utils.

The zone is a polygon around Bedford town centre (St Paul's Square, about 52.1359 N, 0.4667 W,
roughly 1 km across) or a MultiPolygon with a hole, projected and checked by the domain
(victims.domain.geometry.project_zone) as the service does. Distances on the ground come from
pyproj's geodesic on the WGS 84 ellipsoid, not from the code under test, so the scale bar is
checked against the earth rather than against itself.
"""

from __future__ import annotations

import html
import math
import re
import socket
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pyproj
import pytest
from pyproj import Geod

from victims.domain.geometry import GeometryError, lonlat_to_bng, project_zone
from victims.prerelease.map_pdf import (
    MapDocument,
    draw_map,
    render_map_html,
    render_map_pdf,
    render_map_svg,
    round_length,
)

SVG = "{http://www.w3.org/2000/svg}"
A4 = (595.28, 841.89)  # points
MB = 1024 * 1024

# Around St Paul's Square, Bedford: about 1.1 km east to west and 0.7 km north to south.
BEDFORD = [
    (-0.4745, 52.1398),
    (-0.4668, 52.1411),
    (-0.4590, 52.1392),
    (-0.4580, 52.1340),
    (-0.4620, 52.1312),
    (-0.4700, 52.1308),
    (-0.4752, 52.1335),
]
VICTIM_ADDRESS = "14 Harpur Street"
VICTIM_POSTCODE = "MK40 1LA"

DESCRIPTION = (
    "The zone is bounded by:\n"
    "- Midland Road and St Peter's Street to the north\n"
    "- Newnham Road to the east\n"
    "- the River Great Ouse to the south\n"
    "- Greyfriars to the west\n\n"
    "Both sides of each boundary road are inside the zone. The Embankment and the bridges "
    "over the river are inside the zone."
)

pytestmark = pytest.mark.usefixtures("no_weasyprint_warnings")


def circle(lon: float, lat: float, radius_m: float, points: int) -> list[tuple[float, float]]:
    """A ring of points about ``radius_m`` from a centre (near enough for a test shape)."""
    return [
        (
            lon + radius_m * math.sin(2 * math.pi * i / points) / (111_320 * math.cos(math.radians(lat))),
            lat + radius_m * math.cos(2 * math.pi * i / points) / 110_540,
        )
        for i in range(points)
    ]


# Two pieces: a ring around the town centre with a hole in the middle, and a separate patch.
WITH_HOLE = [
    [circle(-0.4667, 52.1359, 600, 32), circle(-0.4667, 52.1359, 200, 16)],
    [circle(-0.4450, 52.1280, 250, 12)],
]


def document(**changes) -> MapDocument:
    base = MapDocument(
        title="Exclusion zone: Bedford town centre",
        condition_text=(
            "Not to enter the area of Bedford town centre, as defined by the attached map, without "
            "the prior approval of your supervising officer."
        ),
        reference="Case 123 – zone 4",
        zone=project_zone([[BEDFORD]]),
        description=DESCRIPTION,
        prepared_by="Vera Liaison, Victim Liaison Officer",
        date_text="26 November 2026",
    )
    return replace(base, **changes)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection (WeasyPrint fetching, PROJ downloading a grid) fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


class Printed:
    """A rendered PDF and what poppler reads from it."""

    def __init__(self, pdf: bytes, tmp_path: Path) -> None:
        self.pdf = pdf
        self.path = tmp_path / "map.pdf"
        self.path.write_bytes(pdf)
        self.info = self._run("pdfinfo", "-f", "1", "-l", "999", self.path)
        self.pages = int(re.search(r"^Pages:\s+(\d+)", self.info, re.M).group(1))
        self.sizes = [
            (float(width), float(height))
            for width, height in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", self.info, re.M)
        ]

    @staticmethod
    def _run(*command) -> str:
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout

    def page(self, first: int, last: int | None = None) -> str:
        last = first if last is None else last
        return self._run("pdftotext", "-f", str(first), "-l", str(last), "-enc", "UTF-8", self.path, "-")

    def all_text(self) -> str:
        return self._run("pdftotext", "-enc", "UTF-8", self.path, "-")

    def words(self, page: int) -> str:
        """A page's words, one space apart, as placed on the page (plain pdftotext may run together a
        line of one-letter words, such as "a < b")."""
        bbox = self._run(
            "pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-enc", "UTF-8", self.path, "-"
        )
        return " ".join(html.unescape(word) for word in re.findall(r"<word [^>]*>(.*?)</word>", bbox))


def flat(text: str) -> str:
    return " ".join(text.split())


def printed(doc: MapDocument, tmp_path: Path) -> Printed:
    return Printed(render_map_pdf(doc), tmp_path)


# Pages ---------------------------------------------------------------------------------------------


def test_a_short_description_makes_exactly_two_a4_pages(poppler, tmp_path, record_property):
    result = printed(document(), tmp_path)

    assert result.pages == 2
    assert len(result.sizes) == 2
    for size in result.sizes:
        assert pytest.approx(A4, abs=0.5) == size
    assert "Tagged:          yes" in result.info
    assert "Exclusion zone: Bedford town centre" in result.info  # the document's title

    size = len(result.pdf)
    record_property("pdf_bytes", size)
    print(f"Bedford map PDF: {size:,} bytes ({size / MB:.3f} MB)")
    assert size < 10 * MB, f"the PDF is {size:,} bytes"


def test_page_one_is_the_map_and_page_two_the_description(poppler, tmp_path):
    result = printed(document(), tmp_path)
    page_one, page_two = flat(result.page(1)), flat(result.page(2))

    assert "Exclusion zone: Bedford town centre" in page_one
    assert flat(document().condition_text) in page_one
    assert "Case 123 – zone 4" in page_one
    assert "26 November 2026" in page_one
    assert "Red area: the exclusion zone" in page_one
    assert "No base map: no map provider is configured" in page_one  # on the map itself
    assert "500 m" in page_one  # the scale bar's label
    assert re.search(r"\bN\b", page_one)  # the north arrow
    for words in ("Description of the boundary", "Midland Road", "Greyfriars", "Embankment", "Vera Liaison"):
        assert words not in page_one

    assert page_two.startswith("Description of the boundary")
    for words in ("Midland Road and St Peter's Street to the north", "the River Great Ouse to the south"):
        assert words in page_two
    assert "Both sides of each boundary road are inside the zone." in page_two
    assert "Prepared by Vera Liaison, Victim Liaison Officer, 26 November 2026." in page_two

    # The footer on each page: the reference and the page number.
    assert "Case 123 – zone 4" in page_two
    assert "Page 1 of 2" in page_one
    assert "Page 2 of 2" in page_two


def test_a_long_description_runs_on_but_page_one_is_still_only_the_map(poppler, tmp_path):
    paragraph = (
        "From the junction of Midland Road and Greyfriars the boundary follows the western kerb "
        "northwards to the roundabout, then turns east along the southern side of the road. "
    )
    long_description = "\n\n".join(f"Section {number}. {paragraph * 4}" for number in range(1, 13))
    result = printed(document(description=long_description), tmp_path)

    assert result.pages >= 3
    page_one = flat(result.page(1))
    assert "Section 1." not in page_one
    assert "Description of the boundary" not in page_one
    assert "Red area: the exclusion zone" in page_one
    assert flat(result.page(2)).startswith("Description of the boundary Section 1.")
    last = flat(result.page(result.pages))
    assert "Section 12." in last
    assert f"Page {result.pages} of {result.pages}" in last
    assert "Case 123 – zone 4" in last


def test_a_long_condition_shrinks_the_map_to_keep_it_on_page_one(poppler, tmp_path):
    wording = " ".join([document().condition_text] * 8)  # about 16 lines
    result = printed(document(condition_text=wording), tmp_path)

    assert result.pages == 2
    page_one = flat(result.page(1))
    assert wording in page_one
    assert "Red area: the exclusion zone" in page_one
    assert flat(result.page(2)).startswith("Description of the boundary")


def test_a_condition_too_long_for_any_map_is_refused():
    with pytest.raises(ValueError, match="too long to leave room for the map"):
        render_map_pdf(document(condition_text=" ".join([document().condition_text] * 20)))


# The drawing ---------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- our own output, not untrusted XML


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    return tuple(float(value) for value in root.get("viewBox").split())


def subpaths(path: ET.Element) -> list[list[tuple[float, float]]]:
    """The vertices of each subpath ("M x y L x y … Z") of a path."""
    rings = []
    for part in re.findall(r"M[^M]*", path.get("d")):
        numbers = [float(value) for value in re.findall(r"-?[\d.]+", part)]
        rings.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return rings


def test_each_polygon_is_one_path_and_holes_are_subpaths():
    root = parse(render_map_svg(project_zone(WITH_HOLE)))

    paths = root.findall(f".//{SVG}path")
    assert len(paths) == 2  # one per polygon, and no other paths
    assert [len(subpaths(path)) for path in paths] == [2, 1]  # outer ring and hole; outer ring only
    assert [len(ring) for ring in subpaths(paths[0])] == [32, 16]
    zone = root.find(f".//{SVG}g[@id='zone']")
    assert zone.get("fill-rule") == "evenodd"  # the hole is left unfilled
    assert 0 < float(zone.get("fill-opacity")) < 1  # semi-transparent fill
    assert zone.get("stroke") == zone.get("fill")  # a solid border in the same red

    assert len(parse(render_map_svg(project_zone([[BEDFORD]]))).findall(f".//{SVG}path")) == 1


@pytest.mark.parametrize("polygons", [[[BEDFORD]], WITH_HOLE], ids=["bedford", "with-hole"])
def test_the_zone_is_fitted_inside_the_box_above_the_scale_bar(polygons):
    root = parse(render_map_svg(project_zone(polygons), width_mm=180, height_mm=200))
    left, top, width, height = view_box(root)
    assert (left, top, width, height) == (0, 0, 180, 200)
    assert root.get("width") == "180mm"
    assert root.get("height") == "200mm"

    points = [point for path in root.findall(f".//{SVG}path") for ring in subpaths(path) for point in ring]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    assert 0 < min(xs) < max(xs) < width
    assert 0 < min(ys) < max(ys) < height
    # Fitted: the zone fills the box one way or the other, less a margin.
    assert max(max(xs) - min(xs), (max(ys) - min(ys)) * width / height) > 0.75 * width
    # Nothing overlaps: the scale bar and the north arrow lie below the zone.
    bar = root.find(f".//{SVG}rect[@id='scale-bar']")
    assert max(ys) < float(bar.get("y"))
    arrow = [float(value) for value in re.findall(r"[\d.]+", root.find(f".//{SVG}polygon").get("points"))]
    assert max(ys) < min(arrow[1::2])


@pytest.mark.parametrize("polygons", [[[BEDFORD]], WITH_HOLE], ids=["bedford", "with-hole"])
def test_the_scale_bar_is_a_round_length_drawn_true_to_the_ground(polygons):
    root = parse(render_map_svg(project_zone(polygons)))
    _, _, width, _ = view_box(root)

    label = root.find(f".//{SVG}text[@id='scale-label']").text
    number, unit = re.fullmatch(r"(\d+) (m|km)", label).groups()
    metres = int(number) * (1000 if unit == "km" else 1)
    mantissa = metres / 10 ** math.floor(math.log10(metres))
    assert mantissa in (1, 2, 5)

    # The map's scale from the ground: the geodesic between the two vertices of the first ring that
    # are farthest apart, against their distance on the map.
    ring = polygons[0][0]
    drawn = subpaths(root.find(f".//{SVG}path"))[0]
    assert len(drawn) == len(ring)
    geod = Geod(ellps="WGS84")
    pairs = [(i, j) for i in range(len(ring)) for j in range(i + 1, len(ring))]
    i, j = max(pairs, key=lambda pair: math.dist(drawn[pair[0]], drawn[pair[1]]))
    _, _, ground_m = geod.inv(*ring[i], *ring[j])
    mm_per_m = math.dist(drawn[i], drawn[j]) / ground_m

    bar = root.find(f".//{SVG}rect[@id='scale-bar']")
    assert float(bar.get("width")) == pytest.approx(metres * mm_per_m, rel=0.01)
    # About a quarter of the map's width: the nearest 1-2-5 length is within a factor of 1.6 of it.
    quarter_m = width / mm_per_m / 4
    assert quarter_m / 1.6 < metres < quarter_m * 1.6


def test_the_north_arrow_points_to_true_north():
    root = parse(render_map_svg(project_zone([[BEDFORD]])))
    north = root.find(f".//{SVG}text[@id='north-label']")
    assert north.text == "N"
    rotation = root.find(f".//{SVG}g[@id='north-arrow']").get("transform")
    angle = float(re.match(r"rotate\((-?[\d.]+) ", rotation).group(1))
    # Bedford lies east of the grid's central meridian (2° W): true north is about 1.2° west of
    # grid north (the meridian convergence, (λ − λ0)·sin φ ≈ 1.53° × 0.79).
    assert angle == pytest.approx(-1.21, abs=0.05)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (0.4, 1),
        (3, 2),
        (130, 100),
        (250, 200),
        (340, 500),
        (700, 500),
        (800, 1000),
        (1600, 2000),
        (4000, 5000),
    ],
)
def test_round_lengths_follow_1_2_5(target, expected):
    assert round_length(target) == expected


def test_the_grid_is_100_m_for_a_town_and_1_km_for_a_larger_zone():
    assert draw_map(project_zone([[BEDFORD]])).grid_m == 100
    town = project_zone([[circle(-0.4667, 52.1359, 3_000, 24)]])
    assert draw_map(town).grid_m == 1_000
    assert draw_map(town).scale_label in ("1 km", "2 km")


@pytest.mark.parametrize(
    ("polygons", "message"),
    [
        ([], "has no polygons"),
        ([[BEDFORD[:2]]], "only 2 different points"),
        ([[[(-0.47, 52.13), (-0.46, 52.14), (-0.46, 52.13), (-0.47, 52.14)]]], "edges that cross"),
        ([[BEDFORD], [circle(-0.4580, 52.1340, 300, 12)]], "Polygon 1 and polygon 2 overlap"),
        ([[[(2.35, 48.85), (2.36, 48.86), (2.34, 48.86)]]], "outside the area of Great Britain"),
    ],
    ids=["none", "two-points", "bow-tie", "overlapping", "paris"],
)
def test_zones_that_cannot_be_drawn_are_refused_before_drawing(polygons, message):
    # A map is drawn only from the domain's projected, checked zone: the domain refuses these with
    # a GeometryError, which is the ValueError the map's callers have always been given.
    with pytest.raises(GeometryError, match=message) as caught:
        project_zone(polygons)
    assert isinstance(caught.value, ValueError)


def test_the_map_draws_the_points_the_checks_measured():
    """One pipeline: every vertex on the map is the zone's point as lonlat_to_bng (the projection
    the checks measure with) puts it, scaled and moved only; true north and the scale bar are the
    domain's figures for the zone's centre."""
    zone = project_zone(WITH_HOLE)
    drawing = draw_map(zone, width_mm=180, height_mm=200)
    root = parse(drawing.svg)
    mm_per_grid_m = drawing.mm_per_m / zone.scale_factor
    centre_x, centre_y = zone.centre
    map_middle = (200 - 16) / 2  # the box above the key strip

    paths = root.findall(f".//{SVG}path")
    given = [ring for polygon in WITH_HOLE for ring in polygon]
    drawn = [ring for path in paths for ring in subpaths(path)]
    assert len(drawn) == len(given) == 3
    for ring, drawn_ring in zip(given, drawn, strict=True):
        assert len(drawn_ring) == len(ring)
        for (lon, lat), (x, y) in zip(ring, drawn_ring, strict=True):
            easting, northing = lonlat_to_bng(lon, lat)
            assert x == pytest.approx(90 + (easting - centre_x) * mm_per_grid_m, abs=0.006)
            assert y == pytest.approx(map_middle - (northing - centre_y) * mm_per_grid_m, abs=0.006)

    rotation = root.find(f".//{SVG}g[@id='north-arrow']").get("transform")
    assert float(re.match(r"rotate\((-?[\d.]+) ", rotation).group(1)) == pytest.approx(
        zone.true_north_deg, abs=0.005
    )
    bar = root.find(f".//{SVG}rect[@id='scale-bar']")
    assert float(bar.get("width")) == pytest.approx(drawing.scale_m * drawing.mm_per_m, abs=0.006)


# Privacy and safety --------------------------------------------------------------------------------


def test_nothing_about_the_victim_reaches_the_map_or_the_pdf(poppler, tmp_path):
    """The map goes to the offender: it marks only the zone, never the victim's address."""
    doc = document()
    svg = render_map_svg(doc.zone)
    page_html = render_map_html(doc)
    result = printed(doc, tmp_path)
    text = flat(result.all_text())

    for secret in (VICTIM_ADDRESS, "Harpur", VICTIM_POSTCODE, "MK40"):
        assert secret.lower() not in text.lower()
        assert secret.lower() not in svg.lower()
        assert secret.lower() not in page_html.lower()

    root = parse(svg)
    for mark in ("circle", "ellipse", "marker", "image", "use", "a", "foreignObject"):
        assert root.findall(f".//{SVG}{mark}") == [], mark
    # No provider is configured here: the map says so, and says nothing else but the scale and "N".
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts == ["No base map: no map provider is configured", "500 m", "N"]
    assert root.findall(f".//{SVG}polygon") == [root.find(f".//{SVG}g[@id='north-arrow']/{SVG}polygon")]
    # Only the grid, the frame and the strip's top edge are lines; only the scale bar, the frame and
    # the note's white box are rects.
    ids = {element.get("id") for element in root.iter(f"{SVG}rect")} - {None}
    assert ids == {"frame", "scale-bar"}
    assert len(root.findall(f".//{SVG}g[@id='note']/{SVG}rect")) == 1


def test_user_text_is_printed_literally(poppler, tmp_path):
    doc = document(
        title="Zone <b>4</b> & more",
        reference='Case 9 "x"); } </style> <i>',
        description="Do not run <script>alert('x')</script> here.\n\n- a < b & c > d",
    )
    page_html = render_map_html(doc)
    assert "<script>" not in page_html
    assert "&lt;script&gt;" in page_html
    assert "<b>4</b>" not in page_html
    assert "</style> <i>" not in page_html

    result = printed(doc, tmp_path)
    page_one, page_two = flat(result.page(1)), flat(result.page(2))
    assert "Zone <b>4</b> & more" in page_one
    assert "Do not run <script>alert('x')</script> here." in page_two
    assert "• a < b & c > d" in result.words(2)
    assert 'Case 9 "x"); } </style> <i>' in page_two  # in the footer
    assert "Zone <b>4</b> & more" in result.info


def test_the_page_fetches_nothing(poppler, tmp_path):
    page_html = render_map_html(document(zone=project_zone(WITH_HOLE)))
    # The only URL is the SVG namespace, which is a name, not something to fetch.
    assert re.findall(r"\w+://[^\s\"'<>]+", page_html) == ["http://www.w3.org/2000/svg"]
    assert "src=" not in page_html
    assert "href" not in page_html
    # PROJ downloads grids with its own HTTP client, out of the sockets' reach: it must be off.
    assert pyproj.network.is_network_enabled() is False
    result = printed(
        document(zone=project_zone(WITH_HOLE)), tmp_path
    )  # with the sockets refused (no_network)
    assert result.pages == 2
