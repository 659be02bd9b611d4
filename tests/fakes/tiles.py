"""A local stand-in for an XYZ map tile service (OS Maps API, OpenStreetMap), for tests.

It serves `/{z}/{x}/{y}.png` as the real ones do: 256 × 256 PNG tiles in the Web Mercator tiling,
made here rather than stored. Each tile is filled with a colour that says which tile it is
(`tile_colour`), with a darker 8-pixel border, so a test can tell from an image in a PDF, or a
screenshot, which tiles were drawn and where. Like the real services, it answers 404 outside
the tiling (x or y out of range, z above `max_zoom`) and 401 when a key is wanted and not given
(`key=`, as OS Maps API takes it in the query string).

Knobs: `fail_next(n, status)` answers the next n requests with `status`; `requests` lists the
paths asked for, in order.

Run on its own (for a service in another process): `python -m tests.fakes.tiles PORT` serves
until killed.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field

from PIL import Image, ImageDraw
from werkzeug.wrappers import Request, Response

from tests.fakes.server import LocalServer

TILE_SIZE = 256
BORDER = 8
ATTRIBUTION = "Map tiles: test tile server"


def tile_colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    """The fill colour of a tile: light (each channel 128–255), different for neighbours."""
    return (128 + (x * 37 + z * 11) % 128, 128 + (y * 53 + z * 7) % 128, 128 + ((x + y) * 29) % 128)


def border_colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    return tuple(channel - 100 for channel in tile_colour(z, x, y))  # type: ignore[return-value]


def tile_png(z: int, x: int, y: int) -> bytes:
    image = Image.new("RGB", (TILE_SIZE, TILE_SIZE), border_colour(z, x, y))
    ImageDraw.Draw(image).rectangle(
        (BORDER, BORDER, TILE_SIZE - BORDER - 1, TILE_SIZE - BORDER - 1), fill=tile_colour(z, x, y)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class FakeTiles(LocalServer):
    max_zoom: int = 19
    key: str | None = None
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The template a service is configured with (MAP_TILE_URL)."""
        query = f"?key={self.key}" if self.key else ""
        return f"http://{self.host}:{self.port}/{{z}}/{{x}}/{{y}}.png{query}"

    def _app(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request.path)
        failure = self._next_failure()
        if failure is not None:
            return Response("failed on purpose", status=failure)(environ, start_response)
        if self.key is not None and request.args.get("key") != self.key:
            return Response("key wanted", status=401)(environ, start_response)
        try:
            z_text, x_text, y_name = request.path.strip("/").split("/")
            z, x, y = int(z_text), int(x_text), int(y_name.removesuffix(".png"))
        except ValueError:
            return Response("not a tile", status=404)(environ, start_response)
        if not (0 <= z <= self.max_zoom and 0 <= x < 2**z and 0 <= y < 2**z):
            return Response("outside the tiling", status=404)(environ, start_response)
        response = Response(tile_png(z, x, y), mimetype="image/png")
        response.headers["Cache-Control"] = "max-age=86400"
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response(environ, start_response)


if __name__ == "__main__":
    server = FakeTiles(port=int(sys.argv[1]))
    print(f"Fake tiles on {server.url}", flush=True)
    server.serve_forever()
