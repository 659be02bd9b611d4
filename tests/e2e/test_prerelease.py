"""Pre-release work in a real browser, checked by axe on every page: a victim's request for an
exclusion zone, a polygon drawn with the mouse on the base map (the fake tile server's tiles), its
checks passed, sent to an SPO, and the two-page map PDF produced over the same tiles.

Signs in as a demo user no other end-to-end test uses (hana.vlo, who has the mapping skill)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.fakes.tiles import ATTRIBUTION as TILE_ATTRIBUTION

pytestmark = pytest.mark.e2e


def assert_map_pdf_over_tiles(content: bytes, folder: Path) -> None:
    """The two-page map PDF, read back with poppler: page 1 holds one image, the stitched tiles
    (their colours are the fake tile server's), and the tiles' attribution; page 2 the boundary."""
    path = folder / "map.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", path], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.M)
    listed = subprocess.run(["pdfimages", "-list", path], capture_output=True, check=True, text=True)
    assert [line.split()[0] for line in listed.stdout.splitlines()[2:]] == ["1"]
    subprocess.run(["pdfimages", "-png", "-f", "1", "-l", "1", path, folder / "tiles"], check=True)
    (extracted,) = folder.glob("tiles-*.png")
    image = Image.open(extracted).convert("RGB")
    assert 450 <= image.width <= 910  # the map's 180 mm at about 0.2–0.4 mm a pixel
    # Each of the fake's tiles is light (every channel at least 128) inside a darker border.
    light = sum(count for count, colour in image.getcolors(maxcolors=100_000) if min(colour) >= 128)
    assert light > 0.8 * image.width * image.height

    def page(number: int) -> str:
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), path, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
        return " ".join(text.split())

    assert page(1).count(TILE_ATTRIBUTION) == 2  # on the map and in its legend
    assert "No base map" not in page(1) and "could not be loaded" not in page(1)
    assert "Description of the boundary" in page(2) and "Description of the boundary" not in page(1)


def test_a_mapping_vlo_draws_a_zone_that_passes_its_checks_and_makes_the_map_pdf(ui, tmp_path):
    page = ui.page
    ui.sign_in("hana.vlo")
    ui.goto("/cases/mine")
    ui.follow(page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first)
    ui.section("Pre-release")
    ui.follow(page.get_by_role("link", name="Add a licence-condition request"))
    ui.submit("Add the request")  # nothing chosen: GOV.UK errors
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.locator("input[name=person]").first.check()
    page.get_by_label("Exclusion zone (not to enter the area on the attached map)").check()
    page.get_by_label("What they asked for, in their words").fill("I want him kept out of the town centre.")
    ui.submit("Add the request")
    expect(page.get_by_test_id("request-stage")).to_have_text("Requested")

    ui.follow(page.get_by_role("link", name="Exclusion zone"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Exclusion-zone map")
    the_map = page.locator('[data-module="app-zone-map"]')
    the_map.scroll_into_view_if_needed()
    # The base map, from the live server's map provider (the fake tile server), with its notice.
    expect(the_map.locator(".leaflet-tile-loaded").first).to_be_visible()
    expect(the_map.locator(".leaflet-control-attribution")).to_have_text(TILE_ATTRIBUTION)
    page.get_by_role("button", name="Draw a polygon").click()
    map_box = the_map.bounding_box()
    corners = [(150, 90), (470, 70), (580, 260), (430, 420), (170, 390)]
    for x, y in [*corners, corners[0]]:  # back on the first corner closes the shape
        page.mouse.click(map_box["x"] + x, map_box["y"] + y)
    drawn = json.loads(page.locator("#zone").input_value())
    ring = drawn["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == len(corners) + 1  # closed
    lons, lats = [lon for lon, _ in ring[:-1]], [lat for _, lat in ring[:-1]]
    # The victim's home: well inside, away from the middle (the map must not give it away).
    home_lat = sum(lats) / len(lats) + (max(lats) - min(lats)) * 0.15
    home_lon = sum(lons) / len(lons) - (max(lons) - min(lons)) * 0.15
    page.get_by_label("Name of the zone").fill("Bedford town centre")
    page.get_by_label("Description of the boundary").fill(
        "The zone is bounded by the ring road to the north and the river to the south."
    )
    page.get_by_label("The victim’s home").fill(f"{home_lat:.6f}, {home_lon:.6f}")
    ui.submit("Save and check")

    expect(page.locator('[data-check][data-passed="no"]')).to_have_count(0)
    expect(page.locator('[data-check][data-passed="yes"]').first).to_be_visible()
    # Not countersigned: only the preview, marked draft; the map for issue is not offered.
    expect(page.get_by_role("link", name="Open the map PDF for issue (opens in a new tab)")).to_have_count(0)
    pdf_link = page.get_by_role("link", name="Preview the map PDF, marked draft (opens in a new tab)")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    # Two pages: the map over the base map's tiles with their notice, then the description.
    assert_map_pdf_over_tiles(pdf.body(), tmp_path)

    ui.submit("Send the map to an SPO to check")
    expect(page.get_by_test_id("zone-status")).to_contain_text("Waiting for an SPO to check it")
    ui.finish()


MARSHALLBERG = (
    "Not to enter Marshallberg, in particular the area around L7K9WN (the studio flat, no. 52A), "
    "or call 01144960622"
)


def test_wording_that_gives_the_victims_address_is_refused_and_never_reaches_the_representations(ui):
    """Issue 12's example, through the real screens: a victim at "Studio 52a, Marshallberg, L7K 9WN",
    telephone "+44(0)114 496 0622", and wording that gives all of it away in other spellings.

    Signs in as amelia.vlo, whom no other end-to-end test uses."""
    page = ui.page
    ui.sign_in("amelia.vlo")
    ui.goto("/cases/mine")
    ui.follow(page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first)
    case_url = page.url

    ui.section("People")
    ui.follow(page.get_by_role("link", name="Add a victim or contact person"))
    page.get_by_label("Victim", exact=True).check()
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Marsh")
    page.get_by_label("Address line 1").fill("Studio 52a")
    page.get_by_label("Town or city").fill("Marshallberg")
    page.get_by_label("Postcode").fill("L7K 9WN")
    page.get_by_label("Telephone (optional)").fill("+44(0)114 496 0622")
    ui.submit("Add person")

    ui.section("Pre-release")
    ui.follow(page.get_by_role("link", name="Add a licence-condition request"))
    page.locator("input[name=person]").last.check()  # Robin Marsh, added last
    page.get_by_label("Not to enter a named address, premises or road").check()
    page.get_by_label("What they asked for, in their words").fill("Keep him away from my flat and my phone.")
    ui.submit("Add the request")
    expect(page.get_by_test_id("request-stage")).to_have_text("Requested")
    request_url = page.url

    page.get_by_label("Proposed wording for the licence").fill(MARSHALLBERG)
    ui.submit("Save the wording", refused=True)

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("“L7K9WN” is the postcode of the victim’s address")
    expect(summary).to_contain_text("“01144960622” is the victim’s telephone number")
    expect(page.locator("#wording-error")).to_contain_text("“no. 52A” is the house or flat number")
    expect(page.get_by_test_id("request-stage")).to_have_text("Requested")
    expect(page.get_by_test_id("wording")).to_have_text("Not drafted yet")

    # Nothing of it reaches the document for the probation practitioner, not even its preview.
    ui.goto(request_url)
    preview = page.request.get(case_url + "/representations-preview.pdf")
    assert preview.status == 200 and preview.body().startswith(b"%PDF")
    read = subprocess.run(["pdftotext", "-", "-"], input=preview.body(), capture_output=True, check=True)
    text = read.stdout.decode()
    assert "DRAFT – NOT FOR ISSUE" in text and "L7K9WN" not in text
    ui.finish()
