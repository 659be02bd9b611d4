"""Pre-release work end to end in one process: the contact, each request step by step with its
deadlines, the exclusion-zone map with its checks, countersigning and documents, and pre-release
work complete only when every outcome has been told. Real coordinates around Bedford.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select

from tests.helpers import post_with_token
from victims.audit.models import AuditEvent
from victims.cases.models import ContactLogEntry
from victims.cases.queries import case_for_change
from victims.cases.services import add_contact
from victims.domain.prerelease import ConditionType, Stage, StepInput
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.prerelease import queries as prerelease_queries
from victims.prerelease import services, zones
from victims.prerelease.models import ConditionRequest, ExclusionZone, ZonePoint
from victims.refusals import Refused
from victims.staff.models import Region
from victims.work import services as work
from victims.work.models import CaseDeadline, Task

CENTRE = (52.1359, -0.4667)  # St Paul's Square, Bedford
# A square about 2 km across around the town centre, as GeoJSON (lon, lat).
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4814, 52.1269], [-0.4520, 52.1269], [-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]
    ],
}
HOME = "52.1400, -0.4610"  # inside, over 500 m from the edge, not at the centre
RELEASE_ADDRESS = "52.1600, -0.4667"  # 2.7 km north: outside
# A 100 m square drawn tightly around the home: it would give the address away.
TINY = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4617, 52.1396], [-0.4603, 52.1396], [-0.4603, 52.1404], [-0.4617, 52.1404], [-0.4617, 52.1396]]
    ],
}


def _deadline(case_id: int, code: str) -> CaseDeadline | None:
    return db.session.scalar(
        select(CaseDeadline)
        .where(CaseDeadline.case_id == case_id, CaseDeadline.code == code)
        .order_by(CaseDeadline.id)
    )


# -- pre-release contact ------------------------------------------------------------------------------


def test_pre_release_contact_is_recorded_and_meets_the_window_task(team, today):
    case = team["case"]
    assert _deadline(case.id, "pre_release_window").status == "open"
    services.record_contact(
        case,
        team["victim"],
        contacted_on=date(2026, 11, 24),
        method="telephone",
        said="She is worried he will come to her street.",
        concerns="Her children's school",
        wants_conditions=True,
        user=team["vlo"],
    )
    assert _deadline(case.id, "pre_release_window").status == "met"
    [entry] = db.session.scalars(select(ContactLogEntry).where(ContactLogEntry.case_id == case.id)).all()
    assert entry.summary.startswith(
        "Pre-release contact (telephone): the victim asked for licence conditions."
    )
    with pytest.raises(Refused, match="today or in the past"):
        services.record_contact(
            case, team["victim"], contacted_on=date(2026, 12, 1), method="telephone", said="x",
            concerns=None, wants_conditions=False, user=team["vlo"],
        )  # fmt: skip


def test_the_case_page_lists_victims_to_consider_offering_contact_again(team, today, web, make):
    make.person(team["case"], first_name="Olly", contact_level="opted_out")
    page = web(team["vlo"]).get(f"/cases/{team['case'].id}/pre-release")
    assert "Pre-release window opens" in page
    assert "Olly" in page.split('data-testid="prerelease-consider"')[1].split("</div>")[0]


# -- a request, step by step ----------------------------------------------------------------------------


def test_a_request_goes_from_the_victims_words_to_the_licence_and_back(team, today):
    case, vlo, spo = team["case"], team["vlo"], team["spo"]
    request = services.add_request(
        case, team["victim"], ConditionType.NO_CONTACT_VICTIM, "I never want to hear from him", vlo
    )
    services.step(
        request, Stage.DRAFTED, StepInput(wording="Not to contact the victim directly or indirectly."), vlo
    )
    with pytest.raises(Refused, match="Only a senior probation officer"):
        services.step(request, Stage.CHECKED, StepInput(), vlo)
    services.step(request, Stage.CHECKED, StepInput(), spo)
    assert _deadline(case.id, "licence_representations").status == "open"
    services.step(
        request, Stage.SENT, StepInput(practitioner_name="Pat Practitioner", practitioner_team="Bedford"), vlo
    )
    assert request.sent_on == date(2026, 11, 25) and request.practitioner_name == "Pat Practitioner"
    assert _deadline(case.id, "licence_representations").status == "met"

    with pytest.raises(Refused, match="reason"):
        services.step(request, Stage.NOT_INCLUDED, StepInput(reason=""), vlo)
    services.step(request, Stage.NOT_INCLUDED, StepInput(reason="Covered by the standard conditions"), vlo)
    outcome = _deadline(case.id, "licence_outcome")
    assert outcome.status == "open"
    task = db.session.scalar(select(Task).where(Task.deadline_id == outcome.id))
    assert task.title == "Tell the victim the outcome of their licence-condition requests"

    with pytest.raises(Refused, match="cannot be marked complete"):
        services.complete(case, vlo)
    call = add_contact(
        case_for_change(case.id, vlo),
        occurred_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        method="telephone",
        direction="outbound",
        summary="Told her the outcome.",
        person_id=team["victim"].id,
        user=vlo,
    )
    services.step(request, Stage.TOLD, StepInput(told_by=prerelease_queries.contact_telling(call)), vlo)
    assert (request.told_contact_id, request.told_on) == (call.id, date(2026, 11, 25))
    assert _deadline(case.id, "licence_outcome").status == "met"
    services.complete(case, vlo)
    assert case.prerelease_completed_at is not None


def test_a_step_cannot_be_skipped_through_the_page(team, today, web):
    request = services.add_request(
        team["case"], team["victim"], ConditionType.NAMED_PLACE, "Not my road", team["vlo"]
    )
    db.session.flush()
    browser = web(team["vlo"])
    response = post_with_token(
        browser, f"/conditions/{request.id}/sent", {"practitioner_name": "A", "practitioner_team": "B"}
    )
    assert response.status_code == 400
    assert "the next step is “Wording drafted”" in response.get_data(as_text=True)
    assert db.session.get(ConditionRequest, request.id).stage == "requested"


def test_the_wording_may_not_give_the_victims_address(team, today):
    victim = team["victim"]
    request = services.add_request(
        team["case"], victim, ConditionType.NAMED_PLACE, "Keep him off my road", team["vlo"]
    )
    with pytest.raises(Refused, match="is the street of the victim’s address"):
        services.step(
            request, Stage.DRAFTED, StepInput(wording=f"Not to enter {victim.address_line_1}"), team["vlo"]
        )


# -- exclusion zones --------------------------------------------------------------------------------------


def _zone_request(team):
    return services.add_request(
        team["case"],
        team["victim"],
        ConditionType.EXCLUSION_ZONE,
        "Keep him out of the town centre",
        team["vlo"],
    )


def _save(
    zone, user, geojson=ZONE, home=HOME, release=RELEASE_ADDRESS, description="The ring road, the river."
):
    problems = zones.save_zone(
        zone,
        zones.ZoneForm(
            title="Bedford town centre",
            zone=json.dumps(geojson),
            description=description,
            points={"home": home},
        ),
        user,
    )
    if release and not problems:
        _map_release_address(zone, release)
    return problems


def _map_release_address(zone, text):
    """A release address entered on the map itself, as before issue 17 kept them with the case
    (the zone form no longer takes one): the checks use it while the case has none."""
    lat, lon = (float(part) for part in text.split(","))
    db.session.execute(
        delete(ZonePoint).where(ZonePoint.zone_id == zone.id, ZonePoint.kind == "release_address")
    )
    db.session.add(ZonePoint(zone_id=zone.id, kind="release_address", coordinates=f"{lat:.6f},{lon:.6f}"))
    db.session.flush()


def test_an_exclusion_zone_request_makes_a_map_task_for_someone_with_the_mapping_skill(team, today, make):
    request = _zone_request(team)
    assert request.zone_id is not None
    zone_deadline = _deadline(team["case"].id, "zone_map")
    task = db.session.scalar(select(Task).where(Task.deadline_id == zone_deadline.id))
    assert task.assigned_to_id is None  # the case's VLO cannot map: the team's queue
    with pytest.raises(Refused, match="mapping skill"):
        work.assign(task, team["vlo"], team["spo"])
    work.assign(task, team["mapper"], team["spo"])
    assert task.assigned_to_id == team["mapper"].id


def test_a_zone_is_checked_submitted_countersigned_and_printed_without_the_address(team, today, web):
    request = _zone_request(team)
    zone = db.session.get(ExclusionZone, request.zone_id)
    assert _save(zone, team["mapper"]) == []
    assert all(result.passed for result in zones.check_zone(zone)), zones.check_zone(zone)
    services.step(request, Stage.DRAFTED, StepInput(wording="Not to enter the area on the map."), team["vlo"])
    with pytest.raises(Refused, match="map must pass its checks"):
        services.step(request, Stage.CHECKED, StepInput(), team["spo"])
    zones.submit_zone(zone, team["mapper"])
    with pytest.raises(Refused, match="Only a senior probation officer"):
        zones.countersign_zone(zone, team["vlo"])
    zones.countersign_zone(zone, team["spo"])
    assert zone.status == "countersigned"
    assert _deadline(team["case"].id, "zone_map").status == "met"
    services.step(request, Stage.CHECKED, StepInput(), team["spo"])

    browser = web(team["vlo"])
    pdf = browser._send("get", f"/zones/{zone.id}/map.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    representations = browser._send("get", f"/cases/{team['case'].id}/representations.pdf")
    assert representations.status_code == 200 and representations.data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        for content in (pdf.data, representations.data):
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
            ).stdout
            text = text.decode()
            victim = team["victim"]
            assert victim.address_line_1 not in text and victim.address_postcode not in text
            assert "52.14" not in text  # no coordinates of the home
        assert "Not to enter the area on the map." in text


def test_a_zone_drawn_tightly_around_the_home_is_refused(team, today):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    _save(zone, team["mapper"], geojson=TINY)
    failed = {result.code for result in zones.check_zone(zone) if not result.passed}
    assert "not_revealing" in failed
    with pytest.raises(Refused, match="has not passed its checks"):
        zones.submit_zone(zone, team["mapper"])


def test_a_zone_with_the_release_address_inside_is_refused(team, today):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    _save(zone, team["mapper"], release="52.1359, -0.4667")
    assert "outside" in {result.code for result in zones.check_zone(zone) if not result.passed}


def test_bad_zone_input_is_reported_and_nothing_is_kept(team, today):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    problems = zones.save_zone(
        zone,
        zones.ZoneForm(title="x", zone="not json", description="", points={"home": "somewhere"}),
        team["mapper"],
    )
    assert len(problems) >= 2
    assert any("latitude and longitude" in problem for problem in problems)
    assert zone.geojson is None


def test_the_zone_page_and_another_teams_access(team, today, web, make):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    db.session.flush()
    page = web(team["mapper"]).get(f"/zones/{zone.id}")
    assert 'data-module="app-zone-map"' in page and "never mark the victim’s home" in page
    web(make.user(Role.VLO)).get(f"/zones/{zone.id}", status=404)
    web(make.user(Role.VLO)).get(f"/conditions/{zone.id}", status=404)


def test_the_spo_sees_what_waits_for_checking(team, today, web):
    request = services.add_request(
        team["case"], team["victim"], ConditionType.NO_CONTACT_NAMED, "His brother", team["vlo"]
    )
    services.step(request, Stage.DRAFTED, StepInput(wording="Not to contact Mr X."), team["vlo"])
    db.session.flush()
    page = web(team["spo"]).get("/tasks/team")
    assert "Check the wording: No contact with named people" in page


def test_a_zone_can_be_uploaded_as_a_geojson_file(team, today, web):
    import io

    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    db.session.flush()
    browser = web(team["mapper"])
    token = browser.csrf_token(f"/zones/{zone.id}")
    response = browser._send(
        "post",
        f"/zones/{zone.id}",
        data={
            "csrf_token": token,
            "title": "Bedford town centre",
            "zone": "",
            "description": "The ring road.",
            "point_home": HOME,
            "zone_file": (io.BytesIO(json.dumps(ZONE).encode()), "zone.geojson"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    assert db.session.get(ExclusionZone, zone.id).geojson["type"] == "Polygon"


# -- the places a zone is checked against are shown only after a reveal -----------------------------


def _shown_points(page: str) -> set[str]:
    """Which of the saved places' coordinates are on the page, in any of the ways they are written."""
    found = set()
    for kind, (lat, lon) in {"home": (52.14, -0.461), "release_address": (52.16, -0.4667)}.items():
        for spelling in (f"{lat:.6f}", f"{lon:.6f}", f"{lat:.4f}, {lon:.4f}", f"{lat:.6f},{lon:.6f}"):
            if spelling in page:
                found.add(kind)
    return found


def _zone_with_places(team):
    request = _zone_request(team)
    zone = db.session.get(ExclusionZone, request.zone_id)
    assert _save(zone, team["mapper"]) == []
    db.session.flush()
    return request, zone


def _events(action: str):
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


def test_the_zone_page_hides_the_places_until_a_reveal_but_still_checks_them(team, today, web):
    _request, zone = _zone_with_places(team)
    browser = web(team["mapper"])
    page = browser.get(f"/zones/{zone.id}")
    assert _shown_points(page) == set()
    assert 'data-check="inside" data-passed="yes"' in page  # checked against the hidden home
    assert 'data-check="outside" data-passed="yes"' in page
    assert f'href="/zones/{zone.id}/reveal"' in page
    assert _events("zone_places_viewed") == []

    reveal = browser.get(f"/zones/{zone.id}/reveal")
    assert "This case is not allocated to you" in reveal and _shown_points(reveal) == set()
    response = browser.post(f"/zones/{zone.id}/reveal", {"reason": "Drawing the map"}, status=302)
    assert response.headers["Location"].startswith(f"/zones/{zone.id}")
    [revealed] = _events("contact_details_revealed")
    assert (revealed.record_id, revealed.flagged, revealed.details) == (
        team["victim"].id,
        True,  # the mapper is not the case's VLO
        {"for": f"exclusion zone {zone.id}"},
    )
    page = browser.get(f"/zones/{zone.id}")
    # The victim's places; the release address is the case's now (the dates page), not the form's.
    assert _shown_points(page) == {"home"}
    [viewed] = _events("zone_places_viewed")
    assert (viewed.user_id, viewed.record_id, viewed.flagged) == (team["mapper"].id, zone.id, True)
    reveals = web(team["spo"]).get("/audit/reveals")
    assert "Drawing the map" in reveals and "places an exclusion zone is checked against" in reveals
    assert _shown_points(reveals) == set()


def _zone_form(browser, zone, **changes):
    token = browser.csrf_token(f"/zones/{zone.id}")
    data = {
        "csrf_token": token,
        "title": "Bedford town centre",
        "zone": json.dumps(ZONE),
        "description": "The ring road, the river.",
        "point_home": "",
        "point_work": "",
        "point_school": "",
        "point_release_address": "",
    }
    data.update(changes)
    return browser._send("post", f"/zones/{zone.id}", data=data)


def _points(zone):
    db.session.expire_all()
    return prerelease_queries.zone_points(db.session.get(ExclusionZone, zone.id))


def test_saving_the_zone_without_a_reveal_keeps_the_places_it_did_not_show(team, today, web):
    _request, zone = _zone_with_places(team)
    browser = web(team["mapper"])
    before = _points(zone)
    # A crafted "the places were shown" changes nothing without a reveal.
    response = _zone_form(browser, zone, description="The ring road and the river.", places_shown="yes")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _points(zone) == before
    assert db.session.get(ExclusionZone, zone.id).description == "The ring road and the river."
    # A new place entered replaces the hidden one; the others stay.
    _zone_form(browser, zone, point_home="52.1380, -0.4650")
    assert _points(zone) == {**before, "home": (52.138, -0.465)}


def test_after_a_reveal_the_places_can_be_seen_changed_and_removed(team, today, web):
    _request, zone = _zone_with_places(team)
    browser = web(team["mapper"])
    browser.post(f"/zones/{zone.id}/reveal", {"reason": "Drawing the map"}, status=302)
    page = browser.get(f"/zones/{zone.id}")
    assert 'value="52.140000, -0.461000"' in page and 'name="places_shown"' in page
    response = _zone_form(
        browser, zone, point_home="52.140000, -0.461000", point_work="52.1390, -0.4700", places_shown="yes"
    )
    assert response.status_code == 302
    release = (52.16, -0.4667)  # entered on the map before issue 17: not on the form, kept
    assert _points(zone) == {"home": (52.14, -0.461), "work": (52.139, -0.47), "release_address": release}
    response = _zone_form(browser, zone, point_home="52.140000, -0.461000", places_shown="yes")
    assert response.status_code == 302
    assert _points(zone) == {"home": (52.14, -0.461), "release_address": release}  # work emptied: removed


def test_a_manager_sees_the_checks_but_never_the_places(team, today, web, make):
    _request, zone = _zone_with_places(team)
    manager = make.user(Role.MANAGER, region=make.session.get(Region, team["team"].region_id))
    browser = web(manager)
    page = browser.get(f"/zones/{zone.id}")
    assert _shown_points(page) == set() and 'data-check="inside"' in page
    assert f"/zones/{zone.id}/reveal" not in page
    browser.get(f"/zones/{zone.id}/reveal", status=403)
