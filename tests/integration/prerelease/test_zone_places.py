"""The zone page's places (issue 17): the victim's home, work and school entered as postcodes (or
an address, through a configured geocoder, or coordinates), each kept with its postcode and how it
was found, moved to the exact spot after a reveal, and never on the page before one; the case's
proposed release address shown in place of a box for it; and zones started from a circle round a
postcode or from postcode sectors.

Real postcodes of Bedford's shape, inserted here (the import is another test's business)."""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from sqlalchemy import select, text

from tests.fakes.places import FakePlaces
from tests.helpers import csrf_token, zone_contains
from victims.audit.models import AuditEvent
from victims.domain import geometry
from victims.domain.prerelease import ConditionType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.postcodes.models import Postcode
from victims.prerelease import services
from victims.prerelease.models import ExclusionZone, ReleaseAddress, ZonePoint
from victims.staff.models import Region

HOME_POSTCODE = "MK40 3TP"
HOME = (52.1400, -0.4610)  # inside ZONE, over 500 m from its edge, not at its centre
WORK_POSTCODE = "MK40 1AA"
WORK = (52.1360, -0.4700)
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4814, 52.1269], [-0.4520, 52.1269], [-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]
    ],
}


def _sector(sector: str, lat: float, lon: float, count: int = 8) -> list[Postcode]:
    """count postcodes of a sector on a small spiral round a point (about 400 m across)."""
    rows = []
    for index in range(count):
        angle, reach = index * 2.4, 0.0005 * (index + 1)
        letters = "ABDEFGHJ"[index] + "Q"
        rows.append(
            Postcode(
                postcode=f"{sector}{letters}",
                sector=sector,
                latitude=lat + reach * math.sin(angle),
                longitude=lon + reach * 1.6 * math.cos(angle),
            )
        )
    return rows


@pytest.fixture()
def postcodes(database):
    rows = [
        Postcode(postcode=HOME_POSTCODE, sector="MK40 3", latitude=HOME[0], longitude=HOME[1]),
        Postcode(postcode=WORK_POSTCODE, sector="MK40 1", latitude=WORK[0], longitude=WORK[1]),
        *_sector("MK40 1", 52.1330, -0.4720),
        *_sector("MK40 2", 52.1330, -0.4620),
        *_sector("MK41 7", 52.1600, -0.4500),
    ]
    database.session.add_all(rows)
    database.session.flush()
    return {row.postcode: (row.latitude, row.longitude) for row in rows}


@pytest.fixture()
def team(team, database, today):
    """The pre-release tests' team, with an exclusion-zone request and its map."""
    request = services.add_request(
        team["case"], team["victim"], ConditionType.EXCLUSION_ZONE, "Keep him away", team["vlo"]
    )
    database.session.flush()
    return {**team, "zone": database.session.get(ExclusionZone, request.zone_id)}


def _form(browser, record, **changes):
    data = {
        "csrf_token": changes.pop("csrf_token", None) or browser.csrf_token(f"/zones/{record.id}"),
        "title": "Bedford town centre",
        "zone": json.dumps(ZONE),
        "description": "The ring road, the river.",
        "point_home": "",
        "point_work": "",
        "point_school": "",
    }
    data.update(changes)
    return browser._send("post", f"/zones/{record.id}", data=data)


def _start(browser, zone, **data):
    if "csrf_token" not in data:
        data["csrf_token"] = browser.csrf_token(f"/zones/{zone.id}")
    return browser._send("post", f"/zones/{zone.id}/start", data=data)


def _points(zone) -> dict[str, ZonePoint]:
    db.session.expire_all()
    return {p.kind: p for p in db.session.scalars(select(ZonePoint).where(ZonePoint.zone_id == zone.id))}


def _saved_events():
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "zone_saved").order_by(AuditEvent.id)
        )
    )


def _reveal(browser, zone):
    browser.post(f"/zones/{zone.id}/reveal", {"reason": "Drawing the map"}, status=302)


def _leaks(page: str, *texts: str) -> set[str]:
    return {text for text in texts if text in page}


def _check(page: str, code: str) -> str:
    marker = f'data-check="{code}" data-passed="'
    return page[page.index(marker) + len(marker)]  # "y" or "n"


# -- places as postcodes -----------------------------------------------------------------------------


def test_a_place_entered_as_a_postcode_is_kept_with_its_postcode_and_source(team, postcodes, web):
    zone = team["zone"]
    response = _form(web(team["mapper"]), zone, point_home="mk403tp", point_work=f" {WORK_POSTCODE.lower()} ")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    points = _points(zone)
    assert (points["home"].postcode, points["home"].source) == (HOME_POSTCODE, "postcode")
    assert points["home"].coordinates == f"{HOME[0]:.6f},{HOME[1]:.6f}"
    assert (points["work"].postcode, points["work"].coordinates) == (
        WORK_POSTCODE,
        f"{WORK[0]:.6f},{WORK[1]:.6f}",
    )
    # Encrypted in the table: neither the postcode nor the coordinates are stored as written.
    raw = db.session.execute(
        text("SELECT postcode, coordinates FROM zone_points WHERE id = :id"), {"id": points["home"].id}
    ).one()
    assert HOME_POSTCODE not in str(raw[0]) and "52.14" not in str(raw[1])
    # The audit trail says which places changed, never where.
    [event] = _saved_events()
    assert event.details == {"places_changed": ["home", "work"]}
    page = web(team["mapper"]).get(f"/zones/{zone.id}")
    assert _check(page, "inside") == "y" and _check(page, "not_revealing") == "y"


def test_an_unknown_postcode_is_a_field_error_and_nothing_is_kept(team, postcodes, web):
    zone = team["zone"]
    response = _form(web(team["mapper"]), zone, point_home="MK40 9ZZ")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The victim’s home: we do not recognise this postcode" in page
    assert 'href="#point_home"' in page  # the error summary links to the box
    assert 'id="point_home-error"' in page and "govuk-input--error" in page
    assert _points(zone) == {} and db.session.get(ExclusionZone, zone.id).geojson is None


def test_with_no_postcodes_loaded_the_page_says_so_and_coordinates_still_work(team, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert 'data-testid="no-postcodes"' in browser.get(f"/zones/{zone.id}")
    response = _form(browser, zone, point_home=HOME_POSTCODE)
    assert response.status_code == 400
    assert "no postcodes have been loaded into the service" in response.get_data(as_text=True)
    response = _form(browser, zone, point_home="52.1400, -0.4610")
    assert response.status_code == 302
    home = _points(zone)["home"]
    assert (home.postcode, home.source, home.coordinates) == (None, "coordinates", "52.140000,-0.461000")


def test_neither_the_postcode_nor_the_coordinates_reach_the_page_before_a_reveal(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert _form(browser, zone, point_home=HOME_POSTCODE).status_code == 302
    secrets = (HOME_POSTCODE, "MK403TP", f"{HOME[0]:.6f}", f"{HOME[1]:.6f}", "52.14,", "52.140", "-0.461")
    page = browser.get(f"/zones/{zone.id}")
    assert _leaks(page, *secrets) == set()
    assert "data-app-zone-place" not in page and "point_home_spot" not in page  # no marker, no spot
    assert "Recorded, and hidden" in page
    _reveal(browser, zone)
    page = browser.get(f"/zones/{zone.id}")
    assert f'value="{HOME_POSTCODE}"' in page
    assert 'value="52.140000, -0.461000"' in page and 'data-app-zone-place="The victim’s home"' in page
    assert "The postcode’s centre" in page  # how it was found


def test_a_place_dragged_to_the_exact_spot_is_kept_there_with_its_postcode(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert _form(browser, zone, point_home=HOME_POSTCODE).status_code == 302
    _reveal(browser, zone)
    spot = "52.140400, -0.460300"  # about 60 m from the postcode's centre
    response = _form(browser, zone, point_home=HOME_POSTCODE, point_home_spot=spot, places_shown="yes")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    home = _points(zone)["home"]
    assert (home.coordinates, home.postcode, home.source) == ("52.140400,-0.460300", HOME_POSTCODE, "moved")
    page = browser.get(f"/zones/{zone.id}")
    assert f'value="{HOME_POSTCODE}"' in page and f'value="{spot}"' in page
    assert "Moved on the map to the exact spot" in page
    # Saved again as shown: nothing changes, and the audit trail says no place changed.
    assert (
        _form(browser, zone, point_home=HOME_POSTCODE, point_home_spot=spot, places_shown="yes").status_code
        == 302
    )
    assert _points(zone)["home"].coordinates == "52.140400,-0.460300"
    assert [e.details for e in _saved_events()] == [{"places_changed": ["home"]}] * 2 + [None]
    # A new postcode typed over the old one: the spot shown was the old place's, so it goes.
    assert (
        _form(browser, zone, point_home=WORK_POSTCODE, point_home_spot=spot, places_shown="yes").status_code
        == 302
    )
    home = _points(zone)["home"]
    assert (home.coordinates, home.postcode, home.source) == (
        "52.136000,-0.470000",
        WORK_POSTCODE,
        "postcode",
    )


def test_an_exact_spot_far_from_the_postcode_is_refused_on_its_field(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert _form(browser, zone, point_home=HOME_POSTCODE).status_code == 302
    _reveal(browser, zone)
    response = _form(
        browser, zone, point_home=HOME_POSTCODE, point_home_spot="52.2000, -0.4610", places_shown="yes"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#point_home_spot"' in page and "more than 2 km from the place entered" in page
    assert _points(zone)["home"].source == "postcode"


def test_an_exact_spot_counts_only_after_a_reveal(team, postcodes, web):
    zone = team["zone"]
    response = _form(
        web(team["mapper"]),
        zone,
        point_home=HOME_POSTCODE,
        point_home_spot="52.140400, -0.460300",
        places_shown="yes",
    )
    assert response.status_code == 302
    home = _points(zone)["home"]
    assert (home.source, home.coordinates) == ("postcode", "52.140000,-0.461000")


def test_the_form_has_no_release_address_box_and_shows_the_cases_instead(team, postcodes, web, make):
    zone, case = team["zone"], team["case"]
    browser = web(team["mapper"])
    page = browser.get(f"/zones/{zone.id}")
    assert "point_release_address" not in page
    assert "No proposed release address is recorded for the case" in page
    assert f'href="/cases/{case.id}/dates"' in page
    db.session.add(
        ReleaseAddress(
            case_id=case.id,
            street="12 Harpur Street",
            postcode="MK40 1LA",
            coordinates="52.138000,-0.466000",
            source="dates_page",
            given_on=date(2026, 11, 20),
            recorded_by_id=team["vlo"].id,
        )
    )
    db.session.flush()
    page = browser.get(f"/zones/{zone.id}")
    assert "Recorded for the case (source: Entered on the dates page), given on 20 November 2026" in page
    assert _leaks(page, "Harpur", "MK40 1LA", "52.138") == set()  # the address only after a reveal
    _reveal(browser, zone)
    assert "12 Harpur Street, MK40 1LA" in browser.get(f"/zones/{zone.id}")
    manager = make.user(Role.MANAGER, region=make.session.get(Region, case.region_id))
    page = web(manager).get(f"/zones/{zone.id}")
    assert "Recorded for the case" in page and "Harpur" not in page and "/start" not in page


# -- a full address through a configured geocoder ---------------------------------------------------


@pytest.fixture()
def places(app, monkeypatch):
    fake = FakePlaces(addresses={"10 Harpur Street, Bedford": (52.1371, -0.4655, "MK40 1PF")}).start()
    monkeypatch.setitem(app.config, "GEOCODER_URL", fake.url)
    monkeypatch.setitem(app.config, "GEOCODER_KEY", fake.key)
    monkeypatch.setitem(app.config, "GEOCODER_TIMEOUT_SECONDS", 1.0)
    yield fake
    fake.stop()


def test_an_address_is_found_through_the_configured_geocoder(team, postcodes, web, places):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert "a full address, a postcode" in browser.get(f"/zones/{zone.id}")
    response = _form(browser, zone, point_home="10 harpur street bedford")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    home = _points(zone)["home"]
    assert (home.coordinates, home.postcode, home.source) == ("52.137100,-0.465500", "MK40 1PF", "address")
    [asked] = places.requests
    assert asked["query"] == "10 harpur street bedford" and asked["key"] == places.key
    assert asked["output_srs"] == "WGS84"
    # Postcodes and coordinates still go to the postcode table, not the geocoder.
    assert _form(browser, zone, point_home=HOME_POSTCODE).status_code == 302
    assert len(places.requests) == 1


def test_a_place_found_by_the_geocoder_is_kept_when_the_form_is_saved_again(team, postcodes, web, places):
    """Its postcode (shown back in the box after a reveal) need not be in the postcode table."""
    zone = team["zone"]
    browser = web(team["mapper"])
    assert _form(browser, zone, point_home="10 Harpur Street, Bedford").status_code == 302
    assert db.session.scalar(select(Postcode).where(Postcode.postcode == "MK40 1PF")) is None
    response = _form(
        browser,
        zone,
        title="Bedford centre",
        point_home="MK40 1PF",
        point_home_spot="52.137100, -0.465500",
        places_shown="yes",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    home = _points(zone)["home"]
    assert (home.coordinates, home.postcode, home.source) == ("52.137100,-0.465500", "MK40 1PF", "address")
    assert len(places.requests) == 1  # not asked again


def test_an_address_the_geocoder_does_not_know_or_cannot_answer_is_a_field_error(
    team, postcodes, web, places
):
    zone = team["zone"]
    browser = web(team["mapper"])
    response = _form(browser, zone, point_home="1 Nowhere Lane, Bedford")
    assert response.status_code == 400
    assert "we could not find this address" in response.get_data(as_text=True)
    places.fail_next(1, 503)
    response = _form(browser, zone, point_home="10 Harpur Street, Bedford")
    assert response.status_code == 400
    assert "the address lookup is not working at the moment" in response.get_data(as_text=True)
    places.delay_seconds = 2.0  # longer than the timeout
    response = _form(browser, zone, point_home="10 Harpur Street, Bedford")
    assert "the address lookup is not working at the moment" in response.get_data(as_text=True)
    assert _points(zone) == {}


def test_without_a_geocoder_an_address_is_not_looked_up(team, postcodes, web):
    response = _form(web(team["mapper"]), team["zone"], point_home="10 Harpur Street, Bedford")
    assert response.status_code == 400
    assert "enter a postcode, like MK40 1AA, or the latitude and longitude" in response.get_data(as_text=True)


# -- starting shapes -----------------------------------------------------------------------------------


def _zone_shape(zone) -> geometry.Zone:
    db.session.expire_all()
    return geometry.parse_zone(db.session.get(ExclusionZone, zone.id).geojson)


def test_a_zone_started_from_a_circle_round_a_postcode_has_the_circles_area(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    response = _start(browser, zone, shape="circle", circle_centre="mk40 1aa", circle_radius="1,000")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    shape = _zone_shape(zone)
    checks = {c.code: c for c in geometry.check_zone(shape, inside=[], outside=[], protected=[])}
    assert checks["valid"].passed and checks["size"].passed
    area_m2 = float(geometry.project_zone(shape).polygons and _grid_area(shape))
    assert area_m2 == pytest.approx(math.pi * 1000**2, rel=0.01)
    assert zone_contains(shape, *WORK)
    [event] = _saved_events()
    assert event.details == {"started_from": "circle"}  # never where
    page = browser.get(f"/zones/{zone.id}")
    assert _check(page, "valid") == "y" and _check(page, "size") == "y"


def _grid_area(shape) -> float:
    import shapely
    from shapely.geometry import Polygon

    projected = geometry.project_zone(shape)
    return float(shapely.union_all([Polygon(p[0], p[1:]) for p in projected.polygons]).area)


@pytest.mark.parametrize(
    ("centre", "radius", "field", "message"),
    [
        (WORK_POSTCODE, "50", "circle_radius", "a whole number from 400 to 8,900"),
        (WORK_POSTCODE, "9000", "circle_radius", "a whole number from 400 to 8,900"),
        (WORK_POSTCODE, "a mile", "circle_radius", "Enter the radius in metres"),
        ("MK40 9ZZ", "1000", "circle_centre", "we do not recognise this postcode"),
        ("", "1000", "circle_centre", "Enter the postcode of the centre of the circle"),
    ],
)
def test_a_circle_needs_a_known_centre_and_a_sensible_radius(
    team, postcodes, web, centre, radius, field, message
):
    zone = team["zone"]
    response = _start(web(team["mapper"]), zone, shape="circle", circle_centre=centre, circle_radius=radius)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#{field}"' in page and message in page and f'id="{field}-error"' in page
    assert f'value="{radius}"' in page  # what was typed stays in the box
    assert db.session.get(ExclusionZone, zone.id).geojson is None


def test_a_circle_round_the_victims_own_home_postcode_fails_the_checks(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert _form(browser, zone, point_home=HOME_POSTCODE, zone="").status_code == 302
    response = _start(browser, zone, shape="circle", circle_centre=HOME_POSTCODE, circle_radius="600")
    assert response.status_code == 302
    page = browser.get(f"/zones/{zone.id}")
    assert _check(page, "inside") == "y" and _check(page, "size") == "y"
    assert _check(page, "not_revealing") == "n" and "The zone is centred on the victim’s home" in page
    assert "Send the map to an SPO to check" not in page
    # The places are kept as they were: starting a shape never touches them.
    assert _points(zone)["home"].postcode == HOME_POSTCODE


def test_a_zone_started_from_postcode_sectors_contains_their_postcodes(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    response = _start(browser, zone, shape="sectors", sectors="mk40 1; MK402")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    shape = _zone_shape(zone)
    inside = [pc for pc in postcodes if pc[:-2] in ("MK40 1", "MK40 2")]
    assert len(inside) == 17
    for postcode in inside:
        assert zone_contains(shape, *postcodes[postcode]), postcode
    for postcode in (pc for pc in postcodes if pc.startswith("MK41 7")):
        assert not zone_contains(shape, *postcodes[postcode])  # a sector not named
    [event] = _saved_events()
    assert event.details == {"started_from": "sectors"}


@pytest.mark.parametrize(
    ("sectors", "message"),
    [
        ("MK40 9", "We do not recognise the postcode sector MK40 9"),
        ("MK40 1, bedford", "“bedford” is not a postcode sector"),
        ("", "Enter one or more postcode sectors"),
        (", ".join(f"MK40 {n % 10}" for n in range(21)), "Enter 20 postcode sectors or fewer"),
    ],
)
def test_sectors_must_be_known(team, postcodes, web, sectors, message):
    zone = team["zone"]
    response = _start(web(team["mapper"]), zone, shape="sectors", sectors=sectors)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and 'href="#sectors"' in page
    assert db.session.get(ExclusionZone, zone.id).geojson is None


def test_only_caseworkers_start_shapes_and_only_on_a_draft(team, postcodes, web, make):
    zone, case = team["zone"], team["case"]
    manager = make.user(Role.MANAGER, region=make.session.get(Region, case.region_id))
    browser = web(manager)
    token = csrf_token(browser, "/account/password")
    response = browser._send(
        "post",
        f"/zones/{zone.id}/start",
        data={
            "csrf_token": token,
            "shape": "circle",
            "circle_centre": WORK_POSTCODE,
            "circle_radius": "1000",
        },
    )
    assert response.status_code == 403
    other = web(make.user(Role.VLO))
    token = csrf_token(other, "/account/password")
    response = other._send("post", f"/zones/{zone.id}/start", data={"csrf_token": token, "shape": "circle"})
    assert response.status_code == 404
    mapper = web(team["mapper"])
    token = mapper.csrf_token(f"/zones/{zone.id}")
    for status, refused in (("submitted", "sent to an SPO to check"), ("countersigned", "cannot be changed")):
        zone.status = status
        db.session.flush()
        response = _start(
            mapper, zone, csrf_token=token, shape="circle", circle_centre=WORK_POSTCODE, circle_radius="1000"
        )
        assert response.status_code == 400 and refused in response.get_data(as_text=True)
        assert _form(mapper, zone, csrf_token=token, point_home=HOME_POSTCODE).status_code == 400
        db.session.refresh(zone)
        assert zone.status == status and zone.geojson is None  # neither form changed it


def test_a_starting_shape_refused_after_a_reveal_records_that_the_places_were_shown(team, postcodes, web):
    zone = team["zone"]
    browser = web(team["mapper"])
    assert _form(browser, zone, point_home=HOME_POSTCODE).status_code == 302
    _reveal(browser, zone)
    viewed = select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "zone_places_viewed", AuditEvent.record_id == zone.id
    )
    before = db.session.scalar(viewed)
    response = _start(browser, zone, shape="circle", circle_centre=WORK_POSTCODE, circle_radius="12")
    assert response.status_code == 400 and f'value="{HOME_POSTCODE}"' in response.get_data(as_text=True)
    assert db.session.scalar(viewed) == before + 1
