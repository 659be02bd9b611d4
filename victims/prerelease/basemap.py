"""The base map under a printed exclusion zone: tiles from the configured XYZ provider, fetched on
the server, cached on disk and stitched into one image of exactly the map's area.

The provider is any XYZ tile service: ``MAP_TILE_URL`` is its address template, with ``{z}``,
``{x}`` and ``{y}`` for the tile, optionally ``{s}`` for Leaflet's subdomains (a, b, c) and any
query (Ordnance Survey's Maps API takes its key as ``?key=``). ``MAP_TILE_ATTRIBUTION`` is the
notice its licence asks to be printed with it.

What the fetcher will and will not do:

- It fetches only tile addresses it built from the template, and only from the template's scheme,
  host and port (with ``{s}``, from each of its subdomains). It checks every address before asking
  for it and follows a redirect only to the same place; a redirect anywhere else fails the tile.
- Each tile has a timeout (``MAP_TILE_TIMEOUT_SECONDS``) and a size cap (``MAP_TILE_MAX_BYTES``),
  and must be a whole 256-pixel square PNG or JPEG image, or it is not used.
- Tiles are kept on disk (``MAP_TILE_CACHE_DIR``), written atomically (a temporary file in the same
  folder, then renamed), and used for ``MAP_TILE_CACHE_SECONDS`` (7 days by default): printing the
  same area again asks the provider for nothing. The folder is per provider (a hash of the
  template), so changing provider never mixes their tiles; anything in it may be deleted at any
  time.
- Up to four tiles are fetched at once. One tile that cannot be fetched means no base map
  (`BaseMapUnavailable`); what the map does then is the caller's choice (`victims.prerelease.zones`).
- Nothing it logs holds the template's query (the key) or a tile's numbers: tile numbers at these
  zooms say, to a few hundred metres, where a zone is drawn, and zones are drawn round victims'
  homes. It logs the provider's host, how many tiles failed, and why (an HTTP status, a timeout).

WeasyPrint never fetches anything: the stitched image reaches it inside the page as a ``data:`` URI
(``victims.printing`` allows that scheme and no other). The maths of tiles and zooms is the domain's
(``victims.domain.geometry.webmercator``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import io
import logging
import os
import re
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

from victims.domain.geometry import TileWindow
from victims.domain.geometry.webmercator import MAX_TILES, TILE_SIZE

log = logging.getLogger(__name__)

SUBDOMAINS = "abc"  # Leaflet's default for {s}, which the on-screen map uses too
IMAGE_FORMATS = {"PNG", "JPEG"}  # what XYZ services serve (OS Maps API: PNG)
PLACEHOLDER = re.compile(r"\{([^}]*)\}")
FETCHING_AT_ONCE = 4
USER_AGENT = "victim-contact-scheme-map-printing/1"


class BaseMapUnavailable(Exception):
    """No base map can be drawn: the provider is misconfigured, or a tile could not be fetched."""


class TileFailed(Exception):
    """One tile could not be fetched or used; the message is safe to log (no address, no numbers)."""


@dataclass(frozen=True)
class BaseMapImage:
    """The stitched tiles of a `TileWindow`, cropped to its area, ready to embed."""

    window: TileWindow
    mime_type: str
    content: bytes

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime_type};base64,{base64.b64encode(self.content).decode('ascii')}"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def check_template(template: str) -> None:
    """Raise ValueError unless the template is an http(s) XYZ tile address this module can use."""
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("MAP_TILE_URL must be an http or https address")
    if "@" in parts.netloc:
        raise ValueError("MAP_TILE_URL must not hold a user name or password before the host")
    unknown = set(PLACEHOLDER.findall(template)) - {"z", "x", "y", "s"}
    if unknown:
        raise ValueError(
            f"MAP_TILE_URL has placeholders other than {{z}}, {{x}}, {{y}} and {{s}}: {sorted(unknown)}"
        )
    if PLACEHOLDER.findall(parts.netloc.replace("{s}", "")):
        raise ValueError("MAP_TILE_URL may have only {s} in its host")
    for name in ("{z}", "{x}", "{y}"):
        if name not in f"{parts.path}?{parts.query}":
            raise ValueError(f"MAP_TILE_URL has no {name}")


class TileSource:
    """One configured XYZ provider: its tiles, from the disk cache or fetched."""

    def __init__(
        self,
        template: str,
        attribution: str,
        *,
        cache_dir: Path,
        max_zoom: int = 19,
        cache_seconds: int = 7 * 24 * 3600,
        timeout_seconds: float = 10.0,
        max_tile_bytes: int = 1_000_000,
        cache_key: bytes = b"",
    ) -> None:
        check_template(template)
        self.template = template
        self.attribution = attribution
        self.max_zoom = max_zoom
        self.cache_seconds = cache_seconds
        self.timeout_seconds = timeout_seconds
        self.max_tile_bytes = max_tile_bytes
        # The folder is named by a hash of the whole template: the key never appears in a path.
        self.cache_dir = Path(cache_dir) / hashlib.sha256(template.encode()).hexdigest()[:16]
        # Each tile's file is named by a keyed hash of its numbers: the numbers place a zone within
        # a few hundred metres, so a listing of the folder must not say which were fetched.
        self._cache_key = cache_key
        self.host = urlsplit(template).hostname or ""
        subdomains = SUBDOMAINS if "{s}" in urlsplit(template).netloc else "-"
        self.origins = frozenset(_origin(template.replace("{s}", letter)) for letter in subdomains)
        self._unavailable = False  # set by a failed `stitch`: one document waits for the provider once
        self._opener = urllib.request.OpenerDirector()
        for handler in (
            urllib.request.ProxyHandler(),  # the deployment's egress proxy, if it has one
            urllib.request.HTTPHandler(),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()),
            _SameOriginRedirects(self.origins),
            urllib.request.HTTPDefaultErrorHandler(),
            urllib.request.HTTPErrorProcessor(),
        ):
            self._opener.add_handler(handler)

    @classmethod
    def from_config(cls, config: Mapping) -> TileSource | None:
        """The provider the configuration names; None when it names none (MAP_TILE_URL empty).
        Raises BaseMapUnavailable when MAP_TILE_URL is not a usable template."""
        template = (config.get("MAP_TILE_URL") or "").strip()
        if not template:
            return None
        try:
            return cls(
                template,
                config.get("MAP_TILE_ATTRIBUTION") or "",
                cache_dir=Path(config["MAP_TILE_CACHE_DIR"]),
                max_zoom=int(config["MAP_TILE_MAX_ZOOM"]),
                cache_seconds=int(config["MAP_TILE_CACHE_SECONDS"]),
                timeout_seconds=float(config["MAP_TILE_TIMEOUT_SECONDS"]),
                max_tile_bytes=int(config["MAP_TILE_MAX_BYTES"]),
                cache_key=str(config.get("SECRET_KEY") or "").encode(),
            )
        except ValueError as error:
            log.error("Base map: the map provider is misconfigured: %s", error)
            raise BaseMapUnavailable("The map provider’s settings are not usable") from None

    # Addresses -------------------------------------------------------------------------------------

    def url(self, zoom: int, x: int, y: int) -> str:
        letter = SUBDOMAINS[(x + y) % len(SUBDOMAINS)]
        values = {"z": str(zoom), "x": str(x), "y": str(y), "s": letter}
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], self.template)

    # One tile --------------------------------------------------------------------------------------

    def _cache_path(self, zoom: int, x: int, y: int) -> Path:
        name = hmac.new(self._cache_key, f"{zoom}/{x}/{y}".encode(), hashlib.sha256).hexdigest()
        return self.cache_dir / name[:2] / f"{name}.tile"

    def _cached(self, zoom: int, x: int, y: int) -> Image.Image | None:
        path = self._cache_path(zoom, x, y)
        try:
            if time.time() - path.stat().st_mtime > self.cache_seconds:
                return None
            return _decode(path.read_bytes())
        except (OSError, TileFailed):
            return None  # not there, too old, or unreadable: fetch it again

    def _keep(self, zoom: int, x: int, y: int, content: bytes) -> None:
        path = self._cache_path(zoom, x, y)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".part-", delete=False) as part:
                part.write(content)
            os.replace(part.name, path)
        except OSError as error:
            # A cache that cannot be written costs a fetch next time, nothing else.
            log.warning("Base map: a tile could not be cached (%s)", type(error).__name__)

    def fetch(self, url: str) -> bytes:
        """The body of a tile address, fetched only from the provider's own origins."""
        if _origin(url) not in self.origins:
            raise TileFailed("an address on another host was refused")
        # Only the provider's own http(s) origins get here (checked above), never file: or others.
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})  # noqa: S310
        try:
            with self._opener.open(request, timeout=self.timeout_seconds) as response:
                if _origin(response.geturl()) not in self.origins:
                    raise TileFailed("the answer came from another host")
                content = response.read(self.max_tile_bytes + 1)
        except urllib.error.HTTPError as error:
            error.close()  # it holds the connection
            raise TileFailed(f"HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            # No answer, or one that is not HTTP (a bad status line, a body cut short).
            reason = getattr(error, "reason", error)
            raise TileFailed(f"no answer ({type(reason).__name__})") from None
        if len(content) > self.max_tile_bytes:
            raise TileFailed(f"a tile larger than {self.max_tile_bytes:,} bytes")
        return content

    def tile(self, zoom: int, x: int, y: int) -> Image.Image:
        """A tile as an RGB image: from the cache while it is fresh, else fetched and cached."""
        cached = self._cached(zoom, x, y)
        if cached is not None:
            return cached
        content = self.fetch(self.url(zoom, x, y))
        image = _decode(content)
        self._keep(zoom, x, y, content)
        return image

    # The map's area --------------------------------------------------------------------------------

    def stitch(self, window: TileWindow) -> BaseMapImage:
        """The window's tiles in one image, cropped to its area. Raises BaseMapUnavailable when any
        tile cannot be had (every tile is tried, so those that can are cached for next time)."""
        if window.count > MAX_TILES or window.zoom > self.max_zoom:
            raise ValueError("The window asks for more tiles, or a higher zoom, than allowed")
        if self._unavailable:
            raise BaseMapUnavailable("The base map could not be loaded from the map provider")
        wanted = [(x, y) for y in window.rows for x in window.columns]

        def one(position: tuple[int, int]) -> Image.Image | TileFailed:
            try:
                return self.tile(window.zoom, *position)
            except TileFailed as failure:
                return failure

        with ThreadPoolExecutor(max_workers=FETCHING_AT_ONCE) as pool:
            tiles = list(pool.map(one, wanted))
        failures = [str(tile) for tile in tiles if isinstance(tile, TileFailed)]
        if failures:
            log.warning(
                "Base map: %d of %d tiles could not be had from %s (%s)",
                len(failures),
                len(wanted),
                self.host,
                "; ".join(sorted(set(failures))),
            )
            self._unavailable = True
            raise BaseMapUnavailable("The base map could not be loaded from the map provider")

        images = [tile for tile in tiles if isinstance(tile, Image.Image)]  # all of them, by now
        stitched = Image.new("RGB", (len(window.columns) * TILE_SIZE, len(window.rows) * TILE_SIZE))
        for (x, y), tile in zip(wanted, images, strict=True):
            column, row = x - window.columns.start, y - window.rows.start
            stitched.paste(tile, (column * TILE_SIZE, row * TILE_SIZE))
        area = stitched.crop(
            (window.left, window.top, window.left + window.width, window.top + window.height)
        )
        mime_type, content = encode(area)
        return BaseMapImage(window=window, mime_type=mime_type, content=content)


# Above this a PNG of the map is photographic (aerial tiles), which JPEG holds in a quarter of it.
PNG_LIMIT_BYTES = 1_500_000
JPEG_QUALITY = 85


def encode(image: Image.Image) -> tuple[str, bytes]:
    """The stitched map as (MIME type, bytes): PNG, lossless, so street names stay sharp, and smaller
    than JPEG for drawn maps; JPEG when the PNG would be photographic-sized (docs/decisions.md)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    if buffer.tell() <= PNG_LIMIT_BYTES:
        return "image/png", buffer.getvalue()
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return "image/jpeg", buffer.getvalue()


def _decode(content: bytes) -> Image.Image:
    """A tile's bytes as an RGB image, or TileFailed: only a whole 256-pixel square PNG or JPEG is
    a tile. The size is read from the header before anything is decoded; a cut-short image is
    refused by its own structure (PNG: every chunk's checksum to the end; JPEG: its end marker),
    because WeasyPrint tells Pillow, for the whole process, to decode cut-short images."""
    try:
        image = Image.open(io.BytesIO(content))
        if image.format not in IMAGE_FORMATS:
            raise TileFailed("an answer that is not a tile image")
        if image.size != (TILE_SIZE, TILE_SIZE):
            raise TileFailed(f"a tile of {image.size[0]} × {image.size[1]} pixels, not {TILE_SIZE}")
        if image.format == "PNG":
            image.verify()
        elif not content.rstrip(b"\0").endswith(b"\xff\xd9"):
            raise TileFailed("an answer that does not decode as an image (cut short)")
        image = Image.open(io.BytesIO(content))
        image.load()
    except TileFailed:
        raise
    except Exception:
        # a bad PNG checksum, OSError, ValueError, EOFError, struct.error…; each means "not a tile")
        raise TileFailed("an answer that does not decode as an image") from None
    return image.convert("RGB")


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to one of the provider's own origins."""

    def __init__(self, origins: frozenset[tuple[str, str]]) -> None:
        self.origins = origins

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) not in self.origins:
            fp.close()  # the redirect's own answer, and its connection
            raise TileFailed("a redirect to another host was refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
