"""A local stand-in for the OS Places API's `find` endpoint (a geocoder for full addresses), for
tests.

It answers `GET /search/places/v1/find?query=…&key=…&maxresults=…&output_srs=WGS84` as the real
one does: `{"header": {...}, "results": [{"DPA": {"UPRN", "ADDRESS", "POSTCODE", "LAT", "LNG",
"X_COORDINATE", "Y_COORDINATE", "MATCH", "MATCH_DESCRIPTION"}}]}`, with "results" left out when
nothing matches, 401 for a missing or wrong key, 400 without a query. The addresses it knows are
given to it (`addresses`: address → (latitude, longitude, postcode)); a query matches an address
whose words it contains all of, ignoring case and commas.

Knobs: `fail_next(n, status)`, `delay_seconds` (to make a caller time out); `requests` keeps the
query strings asked for.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from werkzeug.wrappers import Request, Response

from tests.fakes.server import LocalServer

PATH = "/search/places/v1/find"


def _words(text: str) -> set[str]:
    return set(text.upper().replace(",", " ").split())


@dataclass
class FakePlaces(LocalServer):
    addresses: dict[str, tuple[float, float, str]] = field(default_factory=dict)
    key: str = "test-places-key"
    delay_seconds: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """What a service is configured with (GEOCODER_URL)."""
        return f"http://{self.host}:{self.port}{PATH}"

    def _json(self, body: dict, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def _app(self, environ, start_response):
        request = Request(environ)
        self.requests.append(dict(request.args))
        failure = self._next_failure()
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if failure is not None:
            response = self._json({"error": {"statuscode": failure, "message": "failed on purpose"}}, failure)
        elif request.path != PATH:
            response = self._json({"error": {"statuscode": 404, "message": "Not found"}}, 404)
        elif request.args.get("key") != self.key:
            response = self._json({"fault": {"faultstring": "Invalid ApiKey"}}, 401)
        elif not request.args.get("query"):
            response = self._json(
                {"error": {"statuscode": 400, "message": "Requested parameter 'query'"}}, 400
            )
        else:
            response = self._json(self._find(request.args))
        return response(environ, start_response)

    def _find(self, args) -> dict:
        wanted = _words(args["query"])
        matches = [
            (address, place) for address, place in self.addresses.items() if wanted <= _words(address)
        ][: int(args.get("maxresults", "100"))]
        header = {
            "uri": PATH,
            "query": f"query={args['query']}",
            "offset": 0,
            "totalresults": len(matches),
            "format": "JSON",
            "dataset": args.get("dataset", "DPA"),
            "lr": "EN,CY",
            "maxresults": int(args.get("maxresults", "100")),
            "epoch": "117",
            "output_srs": args.get("output_srs", "EPSG:27700"),
        }
        body: dict = {"header": header}
        if matches:
            body["results"] = [
                {
                    "DPA": {
                        "UPRN": str(100080000000 + index),
                        "ADDRESS": address.upper(),
                        "POSTCODE": postcode,
                        # With output_srs=WGS84 the coordinates are longitude and latitude.
                        "X_COORDINATE": lon,
                        "Y_COORDINATE": lat,
                        "LNG": lon,
                        "LAT": lat,
                        "MATCH": 1.0,
                        "MATCH_DESCRIPTION": "EXACT",
                    }
                }
                for index, (address, (lat, lon, postcode)) in enumerate(matches)
            ]
        return body
