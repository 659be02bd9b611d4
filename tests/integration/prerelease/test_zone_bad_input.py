"""The exclusion-zone form and the map PDF answer bad input with a GOV.UK error or a message on
the zone's page, never a server error: numbers too long to read, fields too long to keep, and
maps that cannot be printed."""

from __future__ import annotations

import json

import pytest

from tests.integration.prerelease.test_prerelease import HOME, ZONE, _save, _zone_request
from victims.extensions import db
from victims.prerelease.models import ExclusionZone

HUGE = "9" * 5000


@pytest.fixture()
def request_(team):
    return _zone_request(team)


@pytest.fixture()
def zone(request_):
    record = db.session.get(ExclusionZone, request_.zone_id)
    db.session.flush()
    return record


def post_zone(web, user, record, **fields):
    browser = web(user)
    data = {
        "csrf_token": browser.csrf_token(f"/zones/{record.id}"),
        "title": "Bedford town centre",
        "zone": json.dumps(ZONE),
        "description": "The ring road.",
        "point_home": HOME,
        **fields,
    }
    return browser._send("post", f"/zones/{record.id}", data=data)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(ZONE).replace("-0.4814", HUGE, 1),
        json.dumps(ZONE).replace("-0.4814", "-" + "1" * 400, 1),
        json.dumps(ZONE).replace("-0.4814", HUGE + ".5", 1),
        f"52.14, {HUGE}\n52.15, -0.45\n52.12, -0.44",
    ],
    ids=["5000-digit-integer", "400-digit-integer", "5000-digit-decimal", "typed"],
)
def test_a_zone_with_a_number_too_large_to_read_is_a_form_error(web, team, today, zone, text):
    response = post_zone(web, team["mapper"], zone, zone=text)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "must be between -180 and 180" in page
    db.session.expire_all()
    assert db.session.get(ExclusionZone, zone.id).geojson is None


def test_a_title_longer_than_can_be_kept_is_a_form_error(web, team, today, zone):
    response = post_zone(web, team["mapper"], zone, title="T" * 201)

    assert response.status_code == 400
    assert "The title must be 200 characters or fewer" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ExclusionZone, zone.id).geojson is None


def test_a_map_without_a_description_is_not_printed_and_the_page_says_why(web, team, today, zone):
    assert _save(zone, team["mapper"], description="") == []
    db.session.flush()
    browser = web(team["mapper"])

    response = browser._send("get", f"/zones/{zone.id}/map-preview.pdf")

    assert response.status_code == 302
    page = browser.get(f"/zones/{zone.id}")
    assert "Describe the boundary in words before printing the map" in page


def test_a_condition_too_long_for_the_map_is_not_printed_and_the_page_says_why(
    web,
    team,
    today,
    zone,
    request_,
):
    assert _save(zone, team["mapper"]) == []
    request_.wording = ("Not to enter the area defined by the attached map. " * 40)[:2000]
    db.session.flush()
    browser = web(team["mapper"])

    response = browser._send("get", f"/zones/{zone.id}/map-preview.pdf")

    assert response.status_code == 302
    page = browser.get(f"/zones/{zone.id}")
    assert "too long to leave room for the map" in page
