"""The base map under a printed exclusion zone, from a local fake XYZ tile server (tests.fakes.tiles)
that speaks the real services' API: tiles fetched on the server, only from the configured host,
cached on disk, stitched and embedded in the PDF, read back with poppler (pdfimages, pdftotext).

Which tile should be where is worked out here with OpenStreetMap's documented formula, not with
the code under test; the fake paints each tile in a colour that names it (`tile_colour`) with a
darker 8-pixel border, so a pixel of the extracted image says which tile it came from.
"""

from __future__ import annotations

import io
import logging
import math
import os
import random
import re
import socket
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image
from weasyprint.urls import FatalURLFetchingError
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.fakes.tiles import BORDER, FakeTiles, border_colour, tile_colour, tile_png
from tests.integration.prerelease.test_map_pdf import BEDFORD, DESCRIPTION, document
from victims import printing
from victims.domain.geometry import mercator_to_lonlat, project_zone_web_mercator
from victims.prerelease.basemap import (
    PNG_LIMIT_BYTES,
    BaseMapUnavailable,
    TileFailed,
    TileSource,
    check_template,
    encode,
)
from victims.prerelease.map_pdf import NO_PROVIDER, NOT_LOADED, render_map_pdf

ATTRIBUTION = "Contains OS data © Crown copyright and database rights 2026 AC0000000000"
MB = 1024 * 1024

pytestmark = pytest.mark.usefixtures("no_weasyprint_warnings")


@pytest.fixture()
def fake():
    server = FakeTiles().start()
    yield server
    server.stop()


@pytest.fixture()
def other():
    """A second tile server, on another port: another origin, which must never be asked."""
    server = FakeTiles().start()
    yield server
    server.stop()


def source(fake: FakeTiles, tmp_path: Path, **settings) -> TileSource:
    return TileSource(fake.url, ATTRIBUTION, cache_dir=tmp_path / "tile-cache", **settings)


def over_tiles(tiles: TileSource, **changes):
    return document(zone=project_zone_web_mercator([[BEDFORD]]), tiles=tiles, **changes)


def run(*command) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


class Pdf:
    def __init__(self, content: bytes, folder: Path) -> None:
        self.content = content
        self.folder = folder
        self.path = folder / "map.pdf"
        self.path.write_bytes(content)

    def text(self, page: int) -> str:
        return " ".join(
            run("pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", self.path, "-").split()
        )

    def images(self) -> list[dict]:
        """`pdfimages -list`, one dict a row."""
        lines = run("pdfimages", "-list", self.path).splitlines()
        header = lines[0].split()
        return [dict(zip(header, line.split(), strict=False)) for line in lines[2:]]

    def extract(self, page: int) -> list[Image.Image]:
        prefix = self.folder / f"page{page}"
        run("pdfimages", "-png", "-f", str(page), "-l", str(page), self.path, prefix)
        return [Image.open(path).convert("RGB") for path in sorted(self.folder.glob(f"page{page}-*.png"))]


def osm_pixel(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """The OpenStreetMap wiki's tile formula, kept fractional: pixels of the world at a zoom."""
    n = 2.0**zoom * 256
    return (lon + 180.0) / 360.0 * n, (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n


def tiles_asked(fake: FakeTiles) -> set[tuple[int, int, int]]:
    found = set()
    for path in fake.requests:
        z, x, y = re.fullmatch(r"/(\d+)/(\d+)/(\d+)\.png", path).groups()
        found.add((int(z), int(x), int(y)))
    return found


class serving:
    """A loopback WSGI server answering every request with `answer(request)`; its base URL."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.requests: list[str] = []

    def _app(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request.full_path)
        return self.answer(request)(environ, start_response)

    def __enter__(self) -> str:
        self.server = make_server("127.0.0.1", 0, self._app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class socket_that_never_answers:
    """A listening socket that accepts and never answers: a provider that hangs."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        return self.sock.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.sock.close()


def jpeg_tile() -> bytes:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(tile_png(1, 0, 0))).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()


# The map PDF over the tiles ------------------------------------------------------------------------


def test_the_map_pdf_embeds_the_stitched_tiles_where_they_belong(poppler, fake, tmp_path, record_property):
    pdf = Pdf(render_map_pdf(over_tiles(source(fake, tmp_path))), tmp_path)

    asked = tiles_asked(fake)
    (zoom,) = {z for z, _, _ in asked}
    xs, ys = sorted({x for _, x, _ in asked}), sorted({y for _, _, y in asked})
    assert len(asked) == len(xs) * len(ys) <= 30  # one rectangle of tiles, each asked for once
    assert len(fake.requests) == len(asked)

    rows = pdf.images()
    assert [row["page"] for row in rows] == ["1"]  # one image, on the map's page
    (image,) = pdf.extract(1)
    assert image.size == (int(rows[0]["width"]), int(rows[0]["height"]))
    # One tile pixel prints at about 0.2–0.4 mm: 64–128 pixels per inch on paper.
    assert 25.4 / 0.4 <= int(rows[0]["x-ppi"]) <= 25.4 / 0.198 + 1
    # The image spans the map's width, 180 mm.
    assert image.size[0] * 25.4 / int(rows[0]["x-ppi"]) == pytest.approx(180, abs=1.5)

    # The middle of the image is the middle of the zone: the tile that holds it there, by OSM's
    # formula, at the place inside that tile the formula gives.
    zone = project_zone_web_mercator([[BEDFORD]])
    lon, lat = mercator_to_lonlat(*zone.centre)
    px, py = osm_pixel(lon, lat, zoom)
    tile_x, tile_y = int(px // 256), int(py // 256)
    inside_x, inside_y = px % 256, py % 256
    pixel = image.getpixel((image.size[0] // 2, image.size[1] // 2))
    in_border = not (BORDER + 1 < inside_x < 256 - BORDER - 1 and BORDER + 1 < inside_y < 256 - BORDER - 1)
    expected = border_colour(zoom, tile_x, tile_y) if in_border else tile_colour(zoom, tile_x, tile_y)
    assert pixel == expected
    # The corners are the corner tiles asked for.
    width, height = image.size
    corners = {(0, 0): (xs[0], ys[0]), (width - 1, 0): (xs[-1], ys[0]), (0, height - 1): (xs[0], ys[-1])}
    for (x, y), (tx, ty) in corners.items():
        assert image.getpixel((x, y)) in (tile_colour(zoom, tx, ty), border_colour(zoom, tx, ty))
    # Every pixel is a colour of a tile asked for: nothing else is in the image.
    colours = {colour for tile in asked for colour in (tile_colour(*tile), border_colour(*tile))}
    assert {colour for _, colour in image.getcolors(maxcolors=10_000)} <= colours

    size = len(pdf.content)
    record_property("pdf_bytes", size)
    assert size < 10 * MB


def test_the_attribution_is_on_the_map_and_in_the_legend_and_there_is_no_grid(poppler, fake, tmp_path):
    doc = over_tiles(source(fake, tmp_path))
    pdf = Pdf(render_map_pdf(doc), tmp_path)
    page_one = pdf.text(1)
    assert page_one.count(ATTRIBUTION) == 2  # on the map, and in the legend after "Base map:"
    assert f"Base map: {ATTRIBUTION}" in page_one
    assert "grid lines" not in page_one
    assert NO_PROVIDER not in page_one and NOT_LOADED not in page_one
    assert "500 m" in page_one
    assert pdf.text(2).startswith("Description of the boundary")
    assert "Page 2 of 2" in pdf.text(2)


def test_a_second_print_asks_the_provider_for_nothing(poppler, fake, tmp_path):
    render_map_pdf(over_tiles(source(fake, tmp_path)))
    first = len(fake.requests)
    assert first > 0
    again = render_map_pdf(over_tiles(source(fake, tmp_path)))  # a new source: the cache is on disk
    assert len(fake.requests) == first
    assert Pdf(again, tmp_path).images()

    # Tiles older than the cache's age are fetched again.
    for path in (tmp_path / "tile-cache").rglob("*.tile"):
        old = time.time() - 8 * 24 * 3600
        os.utime(path, (old, old))
    render_map_pdf(over_tiles(source(fake, tmp_path, cache_seconds=7 * 24 * 3600)))
    assert len(fake.requests) == 2 * first


def test_the_cache_holds_no_key_and_no_tile_numbers_in_its_paths(fake, tmp_path):
    keyed = FakeTiles(key="s3cret-key-4567").start()
    try:
        tiles = TileSource(keyed.url, ATTRIBUTION, cache_dir=tmp_path / "tile-cache", cache_key=b"k")
        tiles.tile(16, 32683, 21607)
        assert keyed.requests == ["/16/32683/21607.png"]
        paths = [str(path.relative_to(tmp_path)) for path in (tmp_path / "tile-cache").rglob("*")]
        assert paths and not any("s3cret" in path for path in paths)
        # Where the zone is (tile 32683, 21607 at zoom 16) cannot be read from the folder.
        assert not any(number in path for path in paths for number in ("32683", "21607"))
        assert not list((tmp_path / "tile-cache").rglob(".part-*"))  # written whole, then renamed
    finally:
        keyed.stop()


def test_a_long_condition_redraws_the_map_shorter_over_the_same_tiles(poppler, fake, tmp_path):
    wording = " ".join([document().condition_text] * 8)
    pdf = Pdf(render_map_pdf(over_tiles(source(fake, tmp_path), condition_text=wording)), tmp_path)
    assert wording in pdf.text(1)
    assert ATTRIBUTION in pdf.text(1)
    assert pdf.text(2).startswith("Description of the boundary")
    assert len(pdf.images()) == 1


# When the tiles cannot be had ----------------------------------------------------------------------


def test_a_preview_says_the_base_map_could_not_be_loaded_and_the_map_for_issue_is_refused(
    poppler, fake, tmp_path, caplog
):
    fake.fail_next(1, 503)
    preview = over_tiles(source(fake, tmp_path), draft_mark=printing.DRAFT_MARK)
    pdf = Pdf(render_map_pdf(preview), tmp_path)
    page_one = pdf.text(1)
    assert page_one.count(NOT_LOADED) == 2  # on the map, and in the legend
    assert ATTRIBUTION not in page_one  # no base map, so no notice for one
    assert pdf.images() == []
    asked = len(fake.requests)

    # Every other tile was fetched and kept: the next try asks only for the one that failed.
    fake.fail_next(1, 500)
    with pytest.raises(BaseMapUnavailable):
        render_map_pdf(over_tiles(source(fake, tmp_path)))  # for issue: no draft mark
    assert len(fake.requests) == asked + 1
    # With the provider back, the map for issue is made.
    issued = Pdf(render_map_pdf(over_tiles(source(fake, tmp_path))), tmp_path)
    assert len(issued.images()) == 1
    assert len(fake.requests) == asked + 2


def test_the_log_says_what_failed_but_not_the_key_or_where(fake, tmp_path, caplog):
    keyed = FakeTiles(key="s3cret-key-4567").start()
    try:
        keyed.fail_next(50, 500)
        caplog.set_level(logging.DEBUG)
        with pytest.raises(BaseMapUnavailable):
            render_map_pdf(over_tiles(TileSource(keyed.url, ATTRIBUTION, cache_dir=tmp_path / "c")))
        # Everything this process logged but the fake server's own access log.
        logged = " ".join(record.getMessage() for record in caplog.records if record.name != "werkzeug")
        assert "could not be had from 127.0.0.1 (HTTP 500)" in logged
        assert "s3cret" not in logged
        _, x, y = next(iter(tiles_asked(keyed)))
        assert f"/{x}/" not in logged and str(x) not in logged and str(y) not in logged
    finally:
        keyed.stop()


def test_a_provider_that_is_down_or_slow_gives_no_base_map(tmp_path):
    with socket_that_never_answers() as port:
        tiles = TileSource(
            f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",
            ATTRIBUTION,
            cache_dir=tmp_path,
            timeout_seconds=0.3,
        )
        started = time.monotonic()
        preview = render_map_pdf(over_tiles(tiles, draft_mark=printing.DRAFT_MARK))
        # One document waits for a provider once: the redraw does not wait again.
        assert time.monotonic() - started < 5
    assert preview.startswith(b"%PDF")
    closed = TileSource("http://127.0.0.1:9/{z}/{x}/{y}.png", ATTRIBUTION, cache_dir=tmp_path)
    with pytest.raises(TileFailed, match="no answer"):
        closed.tile(16, 32683, 21607)


def _bad_checksum(png: bytes) -> bytes:
    """A PNG whose image data's checksum is wrong (one byte of its data changed): Pillow's check
    raises SyntaxError for it, not OSError."""
    data = png.index(b"IDAT") + 4
    return png[:data] + bytes([png[data] ^ 0xFF]) + png[data + 1 :]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Response("<html>not a tile</html>", mimetype="text/html"), "does not decode"),
        (Response(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, mimetype="image/png"), "does not decode"),
        (Response(tile_png(1, 0, 0)[:-20], mimetype="image/png"), "does not decode"),
        (Response(tile_png(1, 0, 0)[:-5], mimetype="image/png"), "does not decode"),
        (Response(_bad_checksum(tile_png(1, 0, 0)), mimetype="image/png"), "does not decode"),
        (Response(jpeg_tile()[:-30], mimetype="image/jpeg"), "cut short"),
        (Response(b"x" * 5_000, mimetype="image/png"), "larger than 4,000 bytes"),
    ],
    ids=[
        "html",
        "broken-png",
        "cut-short-png",
        "five-bytes-short-png",
        "bad-checksum-png",
        "cut-short-jpeg",
        "too-large",
    ],
)
def test_an_answer_that_is_not_a_tile_is_not_used(tmp_path, answer, message):
    with serving(lambda request: answer) as base:
        tiles = TileSource(
            f"{base}/{{z}}/{{x}}/{{y}}.png", ATTRIBUTION, cache_dir=tmp_path, max_tile_bytes=4_000
        )
        with pytest.raises(TileFailed, match=message):
            tiles.tile(1, 0, 0)
    assert not list(tmp_path.rglob("*.tile"))  # nothing unusable is cached


def test_an_answer_that_is_not_http_is_no_answer(tmp_path):
    """A provider (or something in its place) that answers without HTTP: no base map, not an error."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def answer() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(4096)
            connection.sendall(b"garbage\r\n\r\n")

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        port = listener.getsockname()[1]
        tiles = TileSource(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png", ATTRIBUTION, cache_dir=tmp_path)
        with pytest.raises(TileFailed, match="no answer"):
            tiles.tile(1, 0, 0)
    finally:
        thread.join(timeout=5)
        listener.close()


def test_a_tile_of_the_wrong_size_is_not_used(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (512, 512), (200, 200, 200)).save(buffer, format="PNG")
    with serving(lambda request: Response(buffer.getvalue(), mimetype="image/png")) as base:
        tiles = TileSource(f"{base}/{{z}}/{{x}}/{{y}}.png", ATTRIBUTION, cache_dir=tmp_path)
        with pytest.raises(TileFailed, match="512 × 512 pixels"):
            tiles.tile(1, 0, 0)


# Only the configured host ----------------------------------------------------------------------------


def test_a_redirect_to_another_host_is_never_followed(fake, other, tmp_path):
    target = other.url.replace("{z}/{x}/{y}.png", "")

    def redirect(request):
        return Response("", status=302, headers={"Location": target + request.path.lstrip("/")})

    with serving(redirect) as base:
        tiles = TileSource(f"{base}/{{z}}/{{x}}/{{y}}.png", ATTRIBUTION, cache_dir=tmp_path)
        with pytest.raises(TileFailed, match="redirect to another host"):
            tiles.tile(16, 32683, 21607)
        with pytest.raises(BaseMapUnavailable):
            render_map_pdf(over_tiles(tiles))
    assert other.requests == []


def test_a_redirect_on_the_same_host_is_followed(tmp_path):
    def answer(request):
        if request.path.startswith("/old/"):
            return Response("", status=301, headers={"Location": request.path.replace("/old/", "/new/", 1)})
        z, x, y = (int(part) for part in request.path.removeprefix("/new/").removesuffix(".png").split("/"))
        return Response(tile_png(z, x, y), mimetype="image/png")

    with serving(answer) as base:
        tiles = TileSource(f"{base}/old/{{z}}/{{x}}/{{y}}.png", ATTRIBUTION, cache_dir=tmp_path)
        tile = tiles.tile(16, 32683, 21607)
    assert tile.getpixel((128, 128)) == tile_colour(16, 32683, 21607)


def test_an_address_on_another_host_is_refused_before_it_is_asked(fake, other, tmp_path):
    tiles = source(fake, tmp_path)
    for url in (
        other.url.format(z=16, x=1, y=2),
        fake.url.format(z=16, x=1, y=2).replace("http://", "https://"),  # another scheme
        "file:///etc/passwd",
        f"http://127.0.0.1:{fake.port}@127.0.0.1:{other.port}/16/1/2.png",
    ):
        with pytest.raises(TileFailed, match="another host"):
            tiles.fetch(url)
    assert other.requests == [] and fake.requests == []


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("file:///srv/tiles/{z}/{x}/{y}.png", "http or https"),
        ("ftp://tiles.example/{z}/{x}/{y}.png", "http or https"),
        ("https://{z}.tiles.example/{x}/{y}.png", "only {s} in its host"),
        ("https://user:pw@tiles.example/{z}/{x}/{y}.png", "user name or password"),
        ("https://tiles.example/{z}/{x}/{y}{r}.png", "placeholders other than"),
        ("https://tiles.example/{z}/{x}.png", "no {y}"),
        ("tiles.example/{z}/{x}/{y}.png", "http or https"),
    ],
)
def test_templates_that_could_reach_elsewhere_are_refused(template, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_template(template)


def test_subdomains_stay_on_the_providers_own_hosts(tmp_path):
    tiles = TileSource("https://{s}.tile.example.org/{z}/{x}/{y}.png?key=k", "", cache_dir=tmp_path)
    assert {tiles.url(5, x, 0) for x in range(3)} == {
        f"https://{letter}.tile.example.org/5/{x}/0.png?key=k"
        for letter, x in zip("abc", range(3), strict=True)
    }
    assert tiles.origins == {("https", f"{letter}.tile.example.org") for letter in "abc"}
    with pytest.raises(TileFailed, match="another host"):
        tiles.fetch("https://d.tile.example.org/5/0/0.png?key=k")


# WeasyPrint reads data: and nothing else ---------------------------------------------------------------


def test_the_printer_reads_a_data_uri_and_refuses_every_other_url(poppler, fake, tmp_path):
    import base64

    png = base64.b64encode(tile_png(3, 1, 2)).decode()
    page = (
        '<html lang="en"><head><title>t</title></head>'
        f'<body><img src="data:image/png;base64,{png}" alt="tile"></body></html>'
    )
    assert len(Pdf(printing.html_to_pdf(page), tmp_path).images()) == 1

    for url in (fake.url.format(z=3, x=1, y=2), f"file://{tmp_path}/x.png"):
        with pytest.raises(FatalURLFetchingError):
            printing.html_to_pdf(page.replace(f"data:image/png;base64,{png}", url))
    assert fake.requests == []


def test_with_no_provider_the_map_says_so(poppler, tmp_path):
    pdf = Pdf(render_map_pdf(replace(document(), description=DESCRIPTION)), tmp_path)
    assert pdf.text(1).count(NO_PROVIDER) == 2  # on the map, and in the legend
    assert "Grey grid lines are 100 m apart" in pdf.text(1)
    assert pdf.images() == []


# The image's encoding -------------------------------------------------------------------------------


def test_a_drawn_map_is_kept_as_png_and_a_photographic_one_as_jpeg():
    """Measured (docs/decisions.md): a drawn street map of an A4 map's size is smaller as PNG than
    as JPEG, and stays sharp; aerial imagery would be ~2.4 MB as PNG, so it goes as JPEG."""
    drawn = Image.new("RGB", (903, 922), (242, 239, 233))
    for step in range(0, 903, 40):
        drawn.paste((255, 255, 255), (step, 0, step + 8, 922))
    mime, content = encode(drawn)
    assert mime == "image/png" and content.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(content)).convert("RGB").tobytes() == drawn.tobytes()  # lossless

    photographic = Image.frombytes("RGB", (903, 922), random.Random(17).randbytes(903 * 922 * 3))
    mime, content = encode(photographic)
    assert mime == "image/jpeg" and content.startswith(b"\xff\xd8")
    assert len(content) < PNG_LIMIT_BYTES
