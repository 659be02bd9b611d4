"""The exclusion-zone form with generated zones (tests/unit/domain/geometry/generated.py), typed
or uploaded, and generated places, titles and descriptions: saving never causes a server error,
a refused save stores nothing, and a zone that was saved can always have its page shown and its
map PDF asked for (made, or refused with a message)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.integration.web.fuzzing import (
    FUZZ_MORE,
    JUNK,
    Visitor,
    build_world,
    check_response,
    fingerprint,
    postgres_rules,
    rolled_back,
)
from tests.unit.domain.geometry.generated import zone_text

PLACES = st.one_of(
    st.sampled_from(["", "52.1400, -0.4610", "52.1600, -0.4667", "52.14,-0.46,1", "nan, nan", "1e999, 0"]),
    st.tuples(st.floats(allow_nan=True, allow_infinity=True), st.floats()).map(lambda p: f"{p[0]}, {p[1]}"),
    JUNK,
)


@pytest.fixture(autouse=True)
def _as_postgresql_would():
    """What PostgreSQL refuses fails here too (tests/integration/web/fuzzing.py)."""
    with postgres_rules():
        yield


@pytest.fixture()
def world(app, make, database, frozen_clock, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"], "send_task", lambda *args, **kwargs: None)
    return build_world(make, database)


@st.composite
def zone_forms(draw) -> dict:
    text = draw(zone_text())
    fields = {
        "title": draw(st.one_of(st.just("Bedford town centre"), JUNK)),
        "description": draw(st.one_of(st.just("The ring road and the river."), JUNK)),
        "point_home": draw(PLACES),
        "point_release_address": draw(PLACES),
        "point_work": draw(st.one_of(st.just(""), PLACES)),
    }
    if draw(st.booleans()):
        fields["zone_file"] = FileStorage(io.BytesIO(text.encode("utf-8", "surrogatepass")), "zone.geojson")
        fields["zone"] = ""
    else:
        fields["zone"] = text
    return fields


def test_no_generated_zone_causes_a_server_error(app, world):
    visitor = Visitor(app, world.users["vlo"])
    path = f"/zones/{world.ids['draft_zone']}"
    _status, page = visitor.get(path)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    @given(form=zone_forms())
    @FUZZ_MORE
    def run(form):
        with rolled_back():
            browser = visitor.fresh()
            before = fingerprint()
            boundary, body = encode_multipart({"csrf_token": token, **form})  # in memory: see the CSV fuzz
            response = browser._send(
                "post", path, data=body, content_type=f"multipart/form-data; boundary={boundary}"
            )
            check_response(response, before, fingerprint, f"POST {path} with {str(form)[:2000]}")
            if response.status_code == 302:  # saved: the page and the map must still work
                for shown in (path, f"{path}/map.pdf"):
                    answer = browser._send("get", shown)
                    assert answer.status_code < 500, f"GET {shown} after saving {str(form)[:2000]}"

    run()
