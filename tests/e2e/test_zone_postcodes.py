"""Issue 17's end-to-end test, in Chromium with axe on every page, on PostgreSQL: a VLO enters a
victim's postcode, sees the point on a base map from the fake tile server, draws the zone, passes
the checks, and the two-page PDF shows the tiles and the attribution (read back with pdfimages and
pdftotext).

It uses the demo's generated postcode file (victims/demo/postcodes.csv, loaded by `flask seed
demo`) and the e2e live server's fake tile server (tests/e2e/conftest.py): without either it fails.

Signs in as amelia.vlo and works on the second case of her caseload (her other tests use the
first)."""

from __future__ import annotations

import csv
import io
import math
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.fakes.tiles import tile_colour

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BEDFORD = (52.1359, -0.4667)  # St Paul's Square, the demo's town centre


def _demo_postcodes() -> dict[str, tuple[float, float]]:
    """postcode → (latitude, longitude) from the demo's generated postcode files under
    victims/demo (CSV, or a zip of one)."""
    found: dict[str, tuple[float, float]] = {}
    for path in sorted((ROOT / "victims" / "demo").rglob("*postcode*")):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                name = next((n for n in archive.namelist() if n.endswith(".csv")), None)
                text = archive.read(name).decode("utf-8-sig") if name else ""
        elif path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
        else:
            continue
        for row in csv.DictReader(io.StringIO(text)):
            lower = {key.strip().lower(): (value or "").strip() for key, value in row.items() if key}
            postcode = lower.get("pcds") or lower.get("postcode")
            lat = lower.get("lat") or lower.get("latitude")
            lon = lower.get("long") or lower.get("longitude") or lower.get("lon")
            try:
                found[postcode] = (float(lat), float(lon))
            except (TypeError, ValueError):
                continue
    return found


def _metres(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """East and north metres from a to b (near enough, over a few kilometres)."""
    north = (b[0] - a[0]) * 111_320
    east = (b[1] - a[1]) * 111_320 * math.cos(math.radians(a[0]))
    return east, north


def _home_postcode(postcodes: dict[str, tuple[float, float]]) -> str:
    """A postcode about 400 m east of the town centre: the victim's home in this test."""
    target = (BEDFORD[0], BEDFORD[1] + 400 / (111_320 * math.cos(math.radians(BEDFORD[0]))))
    return min(postcodes, key=lambda pc: math.hypot(*_metres(target, postcodes[pc])))


def _tile_colours_near(lat: float, lon: float) -> set[tuple[int, int, int]]:
    """The fill colours of the fake server's tiles within a few tiles of a point, at every zoom a
    map of a town could be printed at."""
    colours = set()
    for z in range(10, 19):
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        for dx in range(-4, 5):
            for dy in range(-4, 5):
                colours.add(tile_colour(z, x + dx, y + dy))
    return colours


def _pdf_images(pdf: bytes, folder: Path) -> list[Path]:
    (folder / "map.pdf").write_bytes(pdf)
    subprocess.run(["pdfimages", "-png", str(folder / "map.pdf"), str(folder / "image")], check=True)
    return sorted(folder.glob("image-*.png"))


def test_a_vlo_enters_a_postcode_sees_it_on_the_base_map_draws_the_zone_and_prints_it(ui, tmp_path):
    postcodes = _demo_postcodes()
    assert postcodes, "the demo ships no postcode file under victims/demo"
    home_postcode = _home_postcode(postcodes)
    home = postcodes[home_postcode]

    page = ui.page
    ui.sign_in("amelia.vlo")
    ui.goto("/cases/mine")
    ui.follow(page.get_by_test_id("caseload").locator("tbody tr").nth(1).locator("a").first)
    ui.section("Pre-release")
    ui.follow(page.get_by_role("link", name="Add a licence-condition request"))
    page.locator("input[name=person]").first.check()
    page.get_by_label("Exclusion zone (not to enter the area on the attached map)").check()
    page.get_by_label("What they asked for, in their words").fill("Keep him out of my part of town.")
    ui.submit("Add the request")
    ui.follow(page.get_by_role("link", name="Exclusion zone"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Exclusion-zone map")
    expect(page.get_by_test_id("no-postcodes")).to_have_count(0)  # the demo's postcodes are loaded
    the_map = page.locator('[data-module="app-zone-map"]')
    tiles = the_map.get_attribute("data-tiles")
    attribution = the_map.get_attribute("data-attribution") or ""
    assert tiles and attribution, "the live server has no base map: MAP_TILE_URL and its attribution"

    # The places are hidden until a reveal, with a reason.
    ui.follow(page.get_by_role("link", name="Show the places"))
    page.get_by_label("Why do you need to see the address and contact details?").fill("Drawing the zone map")
    ui.submit("Show the places")
    page.get_by_label("The victim’s home", exact=True).fill(home_postcode.lower().replace(" ", ""))
    ui.submit("Save and check")
    expect(page.get_by_label("The victim’s home", exact=True)).to_have_value(home_postcode)
    expect(page.get_by_test_id("point_home-source")).to_have_text("The postcode’s centre")

    # The point on the base map: a labelled marker where the postcode is, over the fake tiles.
    marker = page.get_by_role("button", name=re.compile("^The victim’s home: drag it"))
    expect(marker).to_be_visible()
    at = page.evaluate(
        """() => { const places = document.querySelector('[data-module="app-zone-map"]').appZoneMap.places;
                   const p = places.getLayers()[0].getLatLng(); return [p.lat, p.lng]; }"""
    )
    assert at == pytest.approx(list(home), abs=1e-6)
    expect(page.locator(".app-zone-map .leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(attribution)

    # Draw the zone with the mouse, around the home but not centred on it: a rectangle from
    # 700 m west to 1,100 m east and 600 m south to 500 m north of it, on a map zoomed out once.
    page.get_by_role("button", name="Zoom out").click()
    page.wait_for_timeout(400)  # the zoom animation
    corners = page.evaluate(
        """([lat, lon, offsets]) => {
             const map = document.querySelector('[data-module="app-zone-map"]').appZoneMap.map;
             const perLat = 1 / 111320, perLon = 1 / (111320 * Math.cos(lat * Math.PI / 180));
             return offsets.map(([east, north]) => {
               const p = map.latLngToContainerPoint([lat + north * perLat, lon + east * perLon]);
               return [p.x, p.y];
             });
           }""",
        [home[0], home[1], [[-700, -600], [1100, 500]]],
    )
    box = the_map.bounding_box()
    for x, y in corners:
        assert 0 < x < box["width"] and 0 < y < box["height"], (corners, box)
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    page.get_by_role("button", name="Draw a rectangle").click()
    for x, y in corners:
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert '"Polygon"' in page.locator("#zone").input_value()
    page.get_by_label("Name of the zone").fill("Bedford east")
    page.get_by_label("Description of the boundary").fill(
        "From the river in the south to the railway in the north, east of the town centre."
    )
    ui.submit("Save and check")
    expect(page.locator('[data-check][data-passed="no"]')).to_have_count(0)
    expect(page.locator('[data-check="inside"][data-passed="yes"]')).to_be_visible()
    expect(page.locator('[data-check="not_revealing"][data-passed="yes"]')).to_be_visible()

    # The map PDF: two pages, the base map's tiles on page 1, the attribution printed, and never
    # the victim's postcode.
    pdf = page.request.get(
        page.get_by_role("link", name="Preview the map PDF, marked draft (opens in a new tab)").get_attribute(
            "href"
        )
    )
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    (tmp_path / "map.pdf").write_bytes(pdf.body())
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "map.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), info
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "map.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert attribution and " ".join(attribution.split()) in " ".join(text.split())
    assert home_postcode not in text and home_postcode.replace(" ", "") not in text
    images = _pdf_images(pdf.body(), tmp_path)
    assert images, "the map PDF has no images: no base map was printed"
    from PIL import Image

    wanted = _tile_colours_near(*home)
    seen = set()
    for path in images:
        with Image.open(path) as image:
            seen |= {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert seen & wanted, "no colour of the fake server's tiles near the zone is in the PDF's images"
    assert len(pdf.body()) < 10 * 1024 * 1024
    ui.finish()
