"""The exclusion-zone map (frontend/zone-map.js) in headless Chromium, without the Flask app.

A tiny page, written to a temporary folder, loads the built assets (`npm run build`) as the real
page will: Leaflet and Geoman as classic scripts, then the module, all with a CSP nonce, under
the service's own Content Security Policy. A loopback `http.server` serves the page and the
repository's static/ folder at /assets. Every test checks that the browser logged no errors
(a CSP refusal is one) and fetched nothing from any other host: with no tile URL the map must
make no network request at all.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from functools import partial
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import axe_report, run_axe

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
NONCE = secrets.token_urlsafe(16)
# The service's policy (victims/__init__.py), with the nonce Talisman adds to script-src.
CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{NONCE}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

ZONE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [[-0.47, 52.135], [-0.465, 52.135], [-0.465, 52.138], [-0.47, 52.138], [-0.47, 52.135]]
                ],
            },
        }
    ],
}
FAR_AWAY = {  # Two polygons in Leeds, as one MultiPolygon
    "type": "MultiPolygon",
    "coordinates": [
        [[[-1.55, 53.8], [-1.54, 53.8], [-1.54, 53.805], [-1.55, 53.8]]],
        [[[-1.53, 53.8], [-1.52, 53.8], [-1.52, 53.805], [-1.53, 53.8]]],
    ],
}


def form_page(zone_text: str = "", map_attributes: str = "", places: str = "") -> str:
    """A form like the real one: the map above a GOV.UK textarea named `zone`."""
    return f"""<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>Exclusion zone map check</title>
  <link rel="icon" sizes="48x48" href="/assets/images/favicon.ico">
  <link rel="stylesheet" href="/assets/govuk-frontend.min.css">
  <link rel="stylesheet" href="/assets/map/leaflet.css">
  <link rel="stylesheet" href="/assets/map/leaflet-geoman.css">
  <link rel="stylesheet" href="/assets/app.css">
</head>
<body class="govuk-template__body govuk-frontend-supported">
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
      <h1 class="govuk-heading-l">Draw the exclusion zone</h1>
      <form method="post" novalidate>
        <div class="govuk-form-group">
          <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="zone">
            Exclusion zone</label></h2>
          <p class="govuk-body" id="zone-map-hint">Draw the zone on the map, or enter it below.</p>
          <div class="app-zone-map" data-module="app-zone-map" data-input="zone" {map_attributes}></div>
          <div id="zone-hint" class="govuk-hint">GeoJSON, or one “latitude, longitude” a line</div>
          <textarea class="govuk-textarea" id="zone" name="zone" rows="8"
            aria-describedby="zone-hint">{escape(zone_text)}</textarea>
        </div>
        {places}
        <button type="submit" class="govuk-button" data-module="govuk-button">Save zone</button>
      </form>
    </main>
  </div>
  <script nonce="{NONCE}" src="/assets/map/leaflet.js"></script>
  <script nonce="{NONCE}" src="/assets/map/leaflet-geoman.js"></script>
  <script type="module" nonce="{NONCE}" src="/assets/app.js"></script>
  <script type="module" nonce="{NONCE}" src="/assets/zone-map.js"></script>
</body>
</html>
"""


def place_inputs(kind: str, label: str, box: str, spot: str) -> str:
    """A place's box and its exact spot, as the zone page writes them after a reveal."""
    return f"""
        <div class="govuk-form-group">
          <label class="govuk-label" for="point_{kind}">{label}</label>
          <input class="govuk-input" id="point_{kind}" name="point_{kind}" type="text" value="{box}">
        </div>
        <div class="govuk-form-group">
          <label class="govuk-label" for="point_{kind}_spot">{label}: exact spot (optional)</label>
          <input class="govuk-input" id="point_{kind}_spot" name="point_{kind}_spot" type="text"
            value="{spot}" data-app-zone-place="{label}" data-app-zone-place-for="point_{kind}">
        </div>"""


PLACES = place_inputs("home", "The victim’s home", "MK40 3TP", "52.140000, -0.461000") + place_inputs(
    "work", "The victim’s work", "52.132000, -0.475000", "52.132000, -0.475000"
)

PAGES = {
    "empty.html": form_page(),
    "with-zone.html": form_page(json.dumps(ZONE)),
    "tiles.html": form_page("", 'data-tiles="/tiles/{z}/{x}/{y}.png" data-attribution="Test tiles"'),
    "tiles-to-12.html": form_page(
        "", 'data-tiles="/tiles/{z}/{x}/{y}.png" data-attribution="Test tiles" data-tiles-max-zoom="12"'
    ),
    "places.html": form_page("", "", PLACES),
    "places-and-zone.html": form_page(json.dumps(ZONE), "", PLACES),
    "lat-lon.html": form_page(
        "52.2, -0.5\n52.21, -0.5\n52.21, -0.49", 'data-centre="51.5,-0.12" data-zoom="12"'
    ),
}


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".css": "text/css",
        ".map": "application/json",
    }

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # quiet
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> str:
    """The test pages and static/ (at /assets) on a free loopback port."""
    for asset in ("map/leaflet.js", "map/leaflet-geoman.js", "map/leaflet.css", "zone-map.js", "app.js"):
        if not (STATIC / asset).exists():
            pytest.fail(f"static/{asset} is missing: run `npm run build`", pytrace=False)
    folder = tmp_path_factory.mktemp("zone-map-site")
    for name, html in PAGES.items():
        (folder / name).write_text(html, encoding="utf-8")
    (folder / "assets").symlink_to(STATIC, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Seen:
    origin: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def foreign(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:", "about:")) and _origin(url) != self.origin
        ]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture()
def page(browser: Browser, site: str):
    """Overrides pytest-playwright's page: a context of our own, with no base URL from the
    live server (so the conftest's fixtures do not start the Flask app for these tests)."""
    context = browser.new_context(base_url=site, locale="en-GB", viewport={"width": 1000, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture()
def seen(page: Page, site: str):
    """Console errors and requests; none may be an error or go to another host."""
    watched = Seen(origin=_origin(site))
    page.on("console", lambda message: message.type == "error" and watched.errors.append(message.text))
    page.on("pageerror", lambda error: watched.errors.append(f"[pageerror] {error}"))
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and watched.errors.append(f"{response.status} {response.url}")
        ),
    )
    yield watched
    assert not watched.errors, f"browser console errors: {watched.errors}"
    assert not watched.foreign(), f"requests to other hosts: {watched.foreign()}"


def open_map(page: Page, name: str = "empty.html") -> None:
    page.goto(f"/{name}")
    expect(page.locator('[data-module="app-zone-map"]')).to_have_attribute("data-app-zone-map-init", "")
    page.wait_for_load_state("load")


def zone_layer_count(page: Page) -> int:
    return page.evaluate(
        """() => document.querySelector('[data-module="app-zone-map"]').appZoneMap.zone.getLayers()
                 .filter((layer) => layer instanceof L.Polygon).length"""
    )


def map_bounds(page: Page) -> dict:
    return page.evaluate(
        """() => {
             const b = document.querySelector('[data-module="app-zone-map"]').appZoneMap.map.getBounds();
             return {south: b.getSouth(), west: b.getWest(), north: b.getNorth(), east: b.getEast()};
           }"""
    )


def textarea_zone(page: Page) -> dict:
    return json.loads(page.locator("#zone").input_value())


def count_input_events(page: Page) -> None:
    page.evaluate(
        """() => {
             window.inputEvents = 0;
             document.getElementById('zone').addEventListener('input', () => { window.inputEvents += 1; });
           }"""
    )


def signed_area(ring: list) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring))


def assert_six_places(zone: dict) -> None:
    """Rounded to 6 decimal places, closed, and wound as RFC 7946 says (outer ring anticlockwise)."""
    for feature in zone["features"]:
        for index, ring in enumerate(feature["geometry"]["coordinates"]):
            assert ring[0] == ring[-1], "rings are closed"
            assert (signed_area(ring) > 0) == (index == 0), "outer ring anticlockwise, holes clockwise"
            for position in ring:
                for number in position:
                    assert round(number, 6) == number


# ---------------------------------------------------------------------------


def test_the_map_starts_with_no_tiles_and_fetches_only_local_files(page: Page, seen: Seen, site: str):
    open_map(page)
    root = page.locator('[data-module="app-zone-map"]')
    expect(root).to_have_attribute("role", "region")
    expect(root).to_have_attribute("aria-label", "Map for drawing the exclusion zone")
    expect(root).to_be_visible()
    assert root.bounding_box()["height"] == pytest.approx(480, abs=2)

    # No tile layer, no attribution; a metric scale and a faint graticule instead.
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    expect(page.locator(".leaflet-control-attribution")).to_have_count(0)
    expect(page.locator(".leaflet-control-scale-line")).to_have_count(1)
    expect(page.locator(".leaflet-control-scale-line")).to_have_text(re.compile(r"^\d+ k?m$"))
    assert page.locator(".leaflet-appGraticule-pane path").count() >= 4

    # Empty zone: the default centre (Bedford) and zoom.
    centre = page.evaluate(
        """() => { const m = document.querySelector('[data-module="app-zone-map"]').appZoneMap.map;
                   const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"""
    )
    assert centre == pytest.approx([52.1359, -0.4667, 14], abs=1e-4)
    assert zone_layer_count(page) == 0
    assert page.locator("#zone").input_value() == ""

    # Everything it loaded came from the local server, and the map itself loaded nothing.
    assert seen.requests, "no requests recorded"
    assert not seen.foreign()
    assets = {urlsplit(url).path for url in seen.requests}
    assert {"/assets/map/leaflet.js", "/assets/map/leaflet-geoman.js", "/assets/zone-map.js"} <= assets

    violations = run_axe(page)
    assert not violations, axe_report(violations)


def test_the_toolbar_draws_polygons_and_rectangles_only(page: Page, seen: Seen):
    open_map(page)
    buttons = page.locator(".leaflet-pm-toolbar .leaflet-buttons-control-button")
    names = buttons.evaluate_all("(links) => links.map((link) => link.getAttribute('aria-label'))")
    assert names == [
        "Draw a rectangle",
        "Draw a polygon",
        "Edit shapes by moving their corners",
        "Move shapes",
        "Remove shapes",
    ]
    for unwanted in ("marker", "circle", "circle-marker", "polyline", "text", "cut", "rotate"):
        expect(page.locator(f".leaflet-pm-icon-{unwanted}")).to_have_count(0)
    tools = page.evaluate(
        """() => { const m = document.querySelector('[data-module="app-zone-map"]').appZoneMap.map;
                   return Object.entries(m.pm.Toolbar.getButtons())
                     .filter(([, b]) => b.buttonsDomNode && b.buttonsDomNode.isConnected)
                     .map(([name]) => name); }"""
    )
    assert sorted(tools) == sorted(["drawPolygon", "drawRectangle", "editMode", "dragMode", "removalMode"])

    # Keyboard: every tool can be reached with Tab and pressed; focus moves on past the map.
    first = buttons.first
    first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".button-container.active")).to_have_count(1)
    page.keyboard.press("Enter")  # and off again
    expect(page.locator(".button-container.active")).to_have_count(0)
    page.locator('[data-module="app-zone-map"]').focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "zone":
            break
    else:
        pytest.fail("Tab never left the map for the textarea")


def test_drawing_a_rectangle_writes_one_polygon_to_the_textarea(page: Page, seen: Seen, output_path):
    open_map(page)
    count_input_events(page)
    box = page.locator('[data-module="app-zone-map"]').bounding_box()
    page.evaluate(
        """() => document.querySelector('[data-module="app-zone-map"]').appZoneMap.map.pm
                 .enableDraw('Rectangle')"""
    )
    page.mouse.click(box["x"] + 300, box["y"] + 150)
    page.mouse.move(box["x"] + 550, box["y"] + 300, steps=5)
    page.mouse.click(box["x"] + 550, box["y"] + 300)

    zone = textarea_zone(page)
    assert zone["type"] == "FeatureCollection"
    assert [feature["geometry"]["type"] for feature in zone["features"]] == ["Polygon"]
    ring = zone["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 5
    assert_six_places(zone)
    lons = {lon for lon, _ in ring}
    lats = {lat for _, lat in ring}
    assert len(lons) == 2 and len(lats) == 2, "a rectangle"
    assert all(-0.6 < lon < -0.3 for lon in lons) and all(52.0 < lat < 52.3 for lat in lats), "near Bedford"
    assert page.evaluate("() => window.inputEvents") >= 1
    assert zone_layer_count(page) == 1

    screenshot = Path(output_path) / "zone-map-rectangle.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0


def test_drawing_a_polygon_then_moving_and_removing_it(page: Page, seen: Seen, output_path):
    open_map(page)
    box = page.locator('[data-module="app-zone-map"]').bounding_box()
    x, y = box["x"], box["y"]
    page.locator(".leaflet-pm-icon-polygon").click()
    for dx, dy in ((200, 150), (420, 120), (480, 330), (260, 360)):
        page.mouse.move(x + dx, y + dy, steps=3)
        page.mouse.click(x + dx, y + dy)
    page.mouse.move(x + 200, y + 150, steps=3)
    page.mouse.click(x + 200, y + 150)  # back on the first vertex closes the shape

    zone = textarea_zone(page)
    assert len(zone["features"]) == 1
    before = zone["features"][0]["geometry"]["coordinates"][0]
    assert len(before) == 5  # four corners, closed
    assert_six_places(zone)
    page.screenshot(path=str(Path(output_path) / "zone-map-polygon.png"), full_page=True)

    # Edit mode: drag a corner out to the north-west and the textarea follows.
    page.locator(".leaflet-pm-icon-edit").click()
    corner = page.locator(".leaflet-marker-pane .marker-icon:not(.marker-icon-middle)")
    expect(corner).to_have_count(4)
    page.mouse.move(x + 200, y + 150)
    page.mouse.down()
    page.mouse.move(x + 150, y + 100, steps=8)
    page.mouse.up()
    page.locator(".leaflet-pm-icon-edit").click()
    edited = textarea_zone(page)["features"][0]["geometry"]["coordinates"][0]
    assert len(edited) == 5
    assert min(lon for lon, _ in edited) < min(lon for lon, _ in before)
    assert max(lat for _, lat in edited) > max(lat for _, lat in before)
    before = edited

    # Drag mode: move the polygon and the textarea follows.
    page.locator(".leaflet-pm-icon-drag").click()
    page.mouse.move(x + 330, y + 250)
    page.mouse.down()
    page.mouse.move(x + 380, y + 280, steps=8)
    page.mouse.up()
    page.locator(".leaflet-pm-icon-drag").click()
    after = textarea_zone(page)["features"][0]["geometry"]["coordinates"][0]
    assert after != before
    assert after[0][0] > before[0][0], "moved east"

    # Removal mode: click the polygon and the zone is empty.
    page.locator(".leaflet-pm-icon-delete").click()
    page.mouse.click(x + 380, y + 280)
    expect(page.locator("#zone")).to_have_value("")
    assert zone_layer_count(page) == 0


def test_editing_the_textarea_redraws_the_map(page: Page, seen: Seen):
    open_map(page)
    textarea = page.locator("#zone")

    textarea.fill(json.dumps(ZONE))  # fill fires `input`
    assert zone_layer_count(page) == 1

    textarea.fill(json.dumps(FAR_AWAY))
    assert zone_layer_count(page) == 2
    bounds = map_bounds(page)
    assert bounds["south"] < 53.8 and bounds["north"] > 53.805, "the map moved to show the new zone"
    assert bounds["west"] < -1.55 and bounds["east"] > -1.52

    # Not GeoJSON (or not a polygon): the map is left as it was, and the text as typed.
    for text in ("52.1, -0.4\n52.2, -0.4", '{"type": "Point", "coordinates": [0, 52]}', '{"type": "Poly'):
        textarea.fill(text)
        textarea.dispatch_event("change")
        assert zone_layer_count(page) == 2
        assert textarea.input_value() == text

    # A Feature works as well as a FeatureCollection or a geometry.
    textarea.fill(json.dumps(ZONE["features"][0]))
    assert zone_layer_count(page) == 1

    # Emptied: no zone.
    textarea.fill("")
    assert zone_layer_count(page) == 0


def test_a_saved_zone_is_drawn_and_shown_whole(page: Page, seen: Seen):
    open_map(page, "with-zone.html")
    assert zone_layer_count(page) == 1
    bounds = map_bounds(page)
    assert bounds["south"] < 52.135 and bounds["north"] > 52.138
    assert bounds["west"] < -0.47 and bounds["east"] > -0.465
    assert textarea_zone(page) == ZONE, "drawing a saved zone does not rewrite it"
    expect(page.locator(".leaflet-overlay-pane path.leaflet-interactive")).to_have_count(1)


def test_lat_lon_lines_are_left_for_the_server_and_the_map_shows_its_centre(page: Page, seen: Seen):
    open_map(page, "lat-lon.html")
    assert zone_layer_count(page) == 0
    centre = page.evaluate(
        """() => { const m = document.querySelector('[data-module="app-zone-map"]').appZoneMap.map;
                   const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"""
    )
    assert centre == pytest.approx([51.5, -0.12, 12], abs=1e-4)
    assert page.locator("#zone").input_value().startswith("52.2, -0.5")


def test_with_a_tile_url_it_shows_tiles_and_their_attribution(page: Page, seen: Seen):
    # Tiles from the local server (the service's CSP allows images from 'self' only).
    tile = (STATIC / "map" / "images" / "layers.png").read_bytes()
    page.route("**/tiles/**", lambda route: route.fulfill(status=200, content_type="image/png", body=tile))
    open_map(page, "tiles.html")
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator(".leaflet-control-attribution")).to_have_text("Test tiles")
    expect(page.locator(".leaflet-appGraticule-pane path")).to_have_count(0)
    expect(page.locator(".leaflet-control-scale-line")).to_have_count(1)
    assert any(urlsplit(url).path.startswith("/tiles/14/") for url in seen.requests)


def test_above_the_providers_highest_zoom_its_tiles_are_enlarged_not_asked_for(page: Page, seen: Seen):
    tile = (STATIC / "map" / "images" / "layers.png").read_bytes()
    page.route("**/tiles/**", lambda route: route.fulfill(status=200, content_type="image/png", body=tile))
    open_map(page, "tiles-to-12.html")  # the map opens at zoom 14
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    zooms = {urlsplit(url).path.split("/")[2] for url in seen.requests if "/tiles/" in url}
    assert zooms == {"12"}


def test_without_javascript_there_is_only_the_textarea(browser: Browser, site: str):
    context = browser.new_context(base_url=site, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/with-zone.html")
        expect(page.locator('[data-module="app-zone-map"]')).to_be_hidden()
        expect(page.locator("#zone")).to_be_visible()
        assert json.loads(page.locator("#zone").input_value()) == ZONE
    finally:
        context.close()


# ---------------------------------------------------------------------------
# The victim's places (after a reveal): labelled markers dragged to the exact spot
# ---------------------------------------------------------------------------


def marker_position(page: Page, input_id: str) -> list[float]:
    return page.evaluate(
        """(id) => {
             const places = document.querySelector('[data-module="app-zone-map"]').appZoneMap.places;
             const marker = places.getLayers().find((m) => m.getElement().dataset.appZonePlaceMarker === id);
             const at = marker.getLatLng();
             return [at.lat, at.lng];
           }""",
        input_id,
    )


def test_each_place_is_a_labelled_marker_and_the_map_shows_them_all(page: Page, seen: Seen):
    open_map(page, "places.html")
    markers = page.locator(".app-zone-place")
    expect(markers).to_have_count(2)
    home = page.get_by_role("button", name=re.compile("^The victim’s home: drag it"))
    expect(home).to_be_visible()
    expect(home).to_have_text("The victim’s home")
    expect(page.get_by_role("button", name=re.compile("^The victim’s work"))).to_be_visible()
    assert marker_position(page, "point_home_spot") == pytest.approx([52.14, -0.461], abs=1e-9)
    bounds = map_bounds(page)
    assert bounds["south"] < 52.132 < 52.14 < bounds["north"]
    assert bounds["west"] < -0.475 < -0.461 < bounds["east"]
    violations = run_axe(page)
    assert not violations, axe_report(violations)


def test_dragging_a_marker_writes_the_exact_spot(page: Page, seen: Seen):
    open_map(page, "places-and-zone.html")
    spot = page.locator("#point_home_spot")
    before = spot.input_value()
    label = page.locator('[data-app-zone-place-marker="point_home_spot"] .app-zone-place__label')
    box = label.bounding_box()
    # The marker's point is below the middle of its label: grab the label and drag it.
    start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*start)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(start[0] + 6 * step, start[1] + 4 * step)
    page.mouse.up()
    after = spot.input_value()
    assert after != before and re.fullmatch(r"-?\d+\.\d{6}, -?\d+\.\d{6}", after), after
    lat, lon = (float(part) for part in after.split(","))
    assert lat < 52.14 and lon > -0.461  # dragged down and to the right: south and east
    assert marker_position(page, "point_home_spot") == pytest.approx([lat, lon], abs=1e-6)
    # The postcode typed stays; the zone is untouched.
    assert page.locator("#point_home").input_value() == "MK40 3TP"
    assert zone_layer_count(page) == 1 and textarea_zone(page) == ZONE


def test_a_marker_moves_with_the_arrow_keys_and_with_the_spot_typed(page: Page, seen: Seen):
    open_map(page, "places.html")
    marker = page.locator('[data-app-zone-place-marker="point_home_spot"]')
    marker.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    lat, lon = (float(part) for part in page.locator("#point_home_spot").input_value().split(","))
    assert lat > 52.14 and lon > -0.461
    page.locator("#point_work_spot").fill("52.1330, -0.4740")
    assert marker_position(page, "point_work_spot") == pytest.approx([52.133, -0.474], abs=1e-9)


def test_typing_a_new_postcode_forgets_the_old_spot_and_its_marker(page: Page, seen: Seen):
    open_map(page, "places.html")
    page.locator("#point_home").fill("MK40 1AA")
    assert page.locator("#point_home_spot").input_value() == ""
    expect(page.locator('[data-app-zone-place-marker="point_home_spot"]')).to_have_count(0)
    expect(page.locator(".app-zone-place")).to_have_count(1)  # the work marker stays


def test_without_places_on_the_page_there_are_no_markers(page: Page, seen: Seen):
    open_map(page, "with-zone.html")
    expect(page.locator(".app-zone-place")).to_have_count(0)
