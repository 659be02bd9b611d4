"""The map PDF and the representations for the probation practitioner, through the service's pages,
with a map provider configured (a local fake XYZ tile server): both printed over the base map
with its attribution, the tiles fetched once; and when the provider fails, neither is issued
without it, while their previews print and say so on the map.

A zone is drawn, checked, countersigned and its request checked as in test_prerelease.py, whose
helpers for the zone these tests share."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from tests.fakes.tiles import FakeTiles
from tests.helpers import keeping_default_celery_app
from tests.integration.prerelease.test_prerelease import _save, _zone_request
from victims import create_app
from victims.audit.models import AuditEvent
from victims.domain.prerelease import Stage, StepInput
from victims.extensions import db
from victims.prerelease import services, zones
from victims.prerelease.models import ExclusionZone

ATTRIBUTION = "Contains OS data © Crown copyright and database rights 2026 AC0000000000"
NOT_LOADED = "The base map could not be loaded"


@pytest.fixture()
def provider(app, monkeypatch, tmp_path):
    """The fake tile server, configured as the map provider, with a tile cache of the test's own."""
    fake = FakeTiles().start()
    monkeypatch.setitem(app.config, "MAP_TILE_URL", fake.url)
    monkeypatch.setitem(app.config, "MAP_TILE_ATTRIBUTION", ATTRIBUTION)
    monkeypatch.setitem(app.config, "MAP_TILE_CACHE_DIR", str(tmp_path / "tile-cache"))
    yield fake
    fake.stop()


def ready_to_issue(team) -> ExclusionZone:
    request = _zone_request(team)
    zone = db.session.get(ExclusionZone, request.zone_id)
    assert _save(zone, team["mapper"]) == []
    services.step(request, Stage.DRAFTED, StepInput(wording="Not to enter the area on the map."), team["vlo"])
    zones.submit_zone(zone, team["mapper"])
    zones.countersign_zone(zone, team["spo"])
    services.step(request, Stage.CHECKED, StepInput(), team["spo"])
    return zone


def images(pdf: bytes) -> list[list[str]]:
    listed = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=False)
    if listed.returncode != 0:  # older poppler reads no stdin: go through a file
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            listed = subprocess.run(["pdfimages", "-list", file.name], capture_output=True, check=True)
    return [line.split() for line in listed.stdout.decode().splitlines()[2:]]


def text(pdf: bytes) -> str:
    read = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(read.stdout.decode().split())


def test_the_map_and_the_representations_for_issue_are_printed_over_the_base_map(
    team, today, web, provider, poppler
):
    zone = ready_to_issue(team)
    browser = web(team["vlo"])

    pdf = browser._send("get", f"/zones/{zone.id}/map.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert [row[0] for row in images(pdf.data)] == ["1"]  # the stitched tiles, on the map's page
    assert text(pdf.data).count(ATTRIBUTION) == 2  # on the map and in the legend
    asked = len(provider.requests)
    assert asked > 0

    representations = browser._send("get", f"/cases/{team['case'].id}/representations.pdf")
    assert representations.status_code == 200
    assert len(images(representations.data)) == 1  # the one condition's map
    assert ATTRIBUTION in text(representations.data)
    assert "No base map" not in text(representations.data)
    # The same zone, the same map area: every tile came from the cache.
    assert len(provider.requests) == asked

    again = browser._send("get", f"/zones/{zone.id}/map.pdf")
    assert again.status_code == 200 and len(provider.requests) == asked


def test_when_the_tiles_cannot_be_had_nothing_is_issued_and_the_previews_say_so(
    team, today, web, provider, poppler
):
    zone = ready_to_issue(team)
    browser = web(team["vlo"])
    provider.fail_next(1_000, 503)

    refused = browser._send("get", f"/zones/{zone.id}/map.pdf")
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "The map was not made" in page
    assert "The base map could not be loaded from the map provider" in page

    preview = browser._send("get", f"/zones/{zone.id}/map-preview.pdf")
    assert preview.status_code == 200
    assert NOT_LOADED in text(preview.data)
    assert "DRAFT – NOT FOR ISSUE" in text(preview.data)
    assert images(preview.data) == []

    case_id = team["case"].id
    refused = browser._send("get", f"/cases/{case_id}/representations.pdf")
    assert refused.status_code == 409
    assert "The representations were not made" in refused.get_data(as_text=True)
    preview = browser._send("get", f"/cases/{case_id}/representations-preview.pdf")
    assert preview.status_code == 200 and NOT_LOADED in text(preview.data)

    # Nothing was recorded as made for issue.
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)).all()
    assert "zone_pdf_made" not in actions and "representations_made" not in actions
    assert "zone_pdf_previewed" in actions


def test_with_no_provider_the_documents_say_there_is_no_base_map(team, today, web, poppler):
    zone = ready_to_issue(team)
    browser = web(team["vlo"])
    pdf = browser._send("get", f"/zones/{zone.id}/map.pdf")
    assert pdf.status_code == 200
    assert "No base map: no map provider is configured" in text(pdf.data)
    assert images(pdf.data) == []
    representations = browser._send("get", f"/cases/{team['case'].id}/representations.pdf")
    assert "No base map: no map provider is configured" in text(representations.data)


def test_a_provider_address_that_cannot_be_used_refuses_the_map_with_words_for_the_administrator(
    team, today, web, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAP_TILE_URL", "file:///srv/tiles/{z}/{x}/{y}.png")
    zone = ready_to_issue(team)
    answer = web(team["vlo"])._send("get", f"/zones/{zone.id}/map-preview.pdf")
    assert answer.status_code == 302  # back to the zone's page, with the reason flashed
    with pytest.raises(zones.Refused, match="map provider’s settings are not usable"):
        zones.zone_pdf(zone, issue=False)


@pytest.mark.parametrize(
    ("template", "allowed"),
    [
        ("https://api.os.uk/maps/raster/v1/zxy/Road_3857/{z}/{x}/{y}.png?key=s3cret", "https://api.os.uk"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8123/{z}/{x}/{y}.png", "http://127.0.0.1:8123"),
    ],
)
def test_the_browser_may_load_images_from_the_tile_host_and_no_other(app, template, allowed):
    with keeping_default_celery_app():
        service = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], MAP_TILE_URL=template
        )
    try:
        policy = service.test_client().get("/health").headers["Content-Security-Policy"]
    finally:
        db._app_engines[service][None].dispose()
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["img-src"].split() == ["'self'", "data:", allowed]
    assert "s3cret" not in policy and "{" not in policy
    assert "connect-src" in directives and allowed not in directives["connect-src"]


def test_the_zone_page_gives_its_map_the_provider_its_attribution_and_its_highest_zoom(
    team, today, web, provider, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAP_TILE_MAX_ZOOM", 16)
    zone_id = _zone_request(team).zone_id
    page = web(team["vlo"]).get(f"/zones/{zone_id}")
    the_map = page.split('data-module="app-zone-map"')[1].split(">")[0]
    assert f'data-tiles="{provider.url}"' in the_map.replace("&amp;", "&")
    assert 'data-tiles-max-zoom="16"' in the_map
    assert "data-attribution=" in the_map
