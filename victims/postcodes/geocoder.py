"""Finding a full address on a configured geocoding service (issue 17), for example the Ordnance
Survey's OS Places API `find` endpoint.

Optional: with no GEOCODER_URL configured, `configured()` is False and the forms take postcodes
and coordinates only. When it is set, the server (never the browser) asks that one URL, with the
key, for the best match of the words typed, and waits at most GEOCODER_TIMEOUT_SECONDS. It speaks
OS Places' JSON: `{"results": [{"DPA": {"ADDRESS", "POSTCODE", "LAT", "LNG", "MATCH", ...}}]}`,
asked for in WGS 84 (`output_srs=WGS84`); a result given only as British National Grid
X_COORDINATE and Y_COORDINATE is converted.

The address asked for is a victim's: it is never logged, and nothing of it is kept but the postcode
and the coordinates of the match (encrypted, by the caller).
"""

from __future__ import annotations

import http.client
import json
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import current_app

from victims.domain import geometry
from victims.domain import postcodes as postcode_rules

# A result matching the words less well than this is no match (OS Places scores 0.1 to 1).
MIN_MATCH = 0.7
MAX_RESPONSE_BYTES = 1024 * 1024


class GeocoderUnavailable(Exception):
    """The service did not answer, or answered with something other than its JSON."""


@dataclass(frozen=True)
class Found:
    latitude: float
    longitude: float
    postcode: str | None  # normalised ("MK40 1AA"), when the result gives one


def configured() -> bool:
    return bool(current_app.config.get("GEOCODER_URL"))


def find(text: str) -> Found | None:
    """The best match for an address typed in full, or None when there is none good enough.
    Raises GeocoderUnavailable when the service cannot be asked or does not answer in time."""
    config = current_app.config
    url = config["GEOCODER_URL"]
    query = {"query": text, "maxresults": "1", "output_srs": "WGS84", "dataset": "DPA"}
    if config.get("GEOCODER_KEY"):
        query["key"] = config["GEOCODER_KEY"]
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise GeocoderUnavailable("GEOCODER_URL must be an http or https URL")
    separator = "&" if parts.query else "?"
    request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
        url + separator + urllib.parse.urlencode(query), headers={"Accept": "application/json"}
    )
    try:
        # Only the configured URL is asked, and redirects elsewhere are not followed.
        with _OPENER.open(request, timeout=float(config["GEOCODER_TIMEOUT_SECONDS"])) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as error:
        raise GeocoderUnavailable(type(error).__name__) from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise GeocoderUnavailable("response too large")
    try:
        data = json.loads(body)
    except ValueError:
        raise GeocoderUnavailable("not JSON") from None
    return _best(data)


def _best(data: object) -> Found | None:
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        return None  # OS Places leaves "results" out when nothing matches
    for result in results:
        record = result.get("DPA") or result.get("LPI") if isinstance(result, dict) else None
        if not isinstance(record, dict):
            continue
        try:
            match = float(record.get("MATCH", 1.0))
            if "LAT" in record and "LNG" in record:
                lat, lon = float(record["LAT"]), float(record["LNG"])
            else:
                lon, lat = geometry.bng_to_lonlat(
                    float(record["X_COORDINATE"]), float(record["Y_COORDINATE"])
                )
        except (KeyError, TypeError, ValueError):
            continue
        if match < MIN_MATCH or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        postcode = record.get("POSTCODE") or record.get("POSTCODE_LOCATOR")
        return Found(lat, lon, postcode_rules.normalise(postcode) if isinstance(postcode, str) else None)
    return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None  # a redirect is an error: only the configured host is asked


_OPENER = urllib.request.build_opener(_NoRedirects)
