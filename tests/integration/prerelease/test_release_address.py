"""The offender's proposed release address on the case (issue 17): recorded from the dates page,
the API and a CSV upload with its source and date, kept once per change, every zone checked
against the current one, and the zones a change makes fail told to the VLO. Real coordinates
around Bedford; postcodes inserted into the postcode table directly.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.helpers import date_parts
from tests.integration.api.test_api import Api
from victims.api.auth import create_client
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.prerelease import ConditionType
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.people.models import Person
from victims.postcodes.models import Postcode
from victims.prerelease import release_address, services, zones
from victims.prerelease.models import ExclusionZone, ReleaseAddress, ZonePoint
from victims.refusals import Refused
from victims.work.models import CaseDeadline, Task

# A square about 2 km across around Bedford town centre, as GeoJSON (lon, lat).
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4814, 52.1269], [-0.4520, 52.1269], [-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]
    ],
}
HOME = "52.1400, -0.4610"  # inside, over 500 m from the edge, not at the centre
NORTH = "MK41 7AA"  # 2.7 km north of the centre: outside the zone
CENTRE = "MK40 1AA"  # St Paul's Square: inside the zone
UNKNOWN = "MK44 9ZZ"  # the shape of a postcode, not in the table


@pytest.fixture()
def team(make, database, today):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison", skills=(Skill.MAPPING.value,))
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    database.session.add_all(
        [
            Postcode(postcode=NORTH, sector="MK41 7", latitude=52.1600, longitude=-0.4667),
            Postcode(postcode=CENTRE, sector="MK40 1", latitude=52.1359, longitude=-0.4667),
        ]
    )
    database.session.flush()
    return {"vlo": vlo, "spo": spo, "case": case, "victim": victim, "team": unit}


@pytest.fixture()
def api(app, team):
    _client, token = create_client("nDelius", team["team"].region_id, team["team"].id)
    return Api(app, token)


def _put(api, case_id, body):
    return api._send("put", f"/cases/{case_id}/release-address", json=body)


def _rows(case_id) -> list[ReleaseAddress]:
    return list(
        db.session.scalars(
            select(ReleaseAddress).where(ReleaseAddress.case_id == case_id).order_by(ReleaseAddress.id)
        )
    )


def _zone(team, *, release: str | None = None) -> ExclusionZone:
    """A zone drawn and described, with the victim's home; `release` a legacy point of its own (as
    maps recorded one before the address was kept with the case: the form no longer takes it)."""
    request = services.add_request(
        team["case"], team["victim"], ConditionType.EXCLUSION_ZONE, "Keep him out of the centre", team["vlo"]
    )
    zone = db.session.get(ExclusionZone, request.zone_id)
    problems = zones.save_zone(
        zone,
        zones.ZoneForm(
            title="Bedford town centre",
            zone=json.dumps(ZONE),
            description="The ring road, the river.",
            points={"home": HOME},
        ),
        team["vlo"],
    )
    assert problems == []
    if release:
        lat, lon = (float(part) for part in release.split(","))
        db.session.add(ZonePoint(zone_id=zone.id, kind="release_address", coordinates=f"{lat:.6f},{lon:.6f}"))
        db.session.flush()
    return zone


def _outside(zone) -> zones.geometry.ZoneCheck:
    return next(result for result in zones.check_zone(zone) if result.code == "outside")


def _form(street, postcode, given_on: date | None) -> dict:
    day, month, year = date_parts(given_on) if given_on else ("", "", "")
    return {
        "release_street": street,
        "release_postcode": postcode,
        "release_given_on": [day, month, year],
    }


# -- the dates page ------------------------------------------------------------------------------------


def test_the_dates_page_records_the_address_shows_it_with_its_history_and_keeps_one_row_per_change(team, web):
    case = team["case"]
    browser = web(team["vlo"])
    page = f"/cases/{case.id}/dates"
    response = browser.post(
        f"{page}/release-address",
        _form("12  High Street", "mk417aa", date(2026, 11, 20)),
        status=302,
        form_path=page,
    )
    assert response.headers["Location"].endswith(f"{page}#release-address")
    [row] = _rows(case.id)
    assert (row.street, row.postcode, row.source, row.given_on, row.recorded_by_id) == (
        "12 High Street",
        NORTH,
        "dates_page",
        date(2026, 11, 20),
        team["vlo"].id,
    )
    assert row.coordinates == "52.160000,-0.466700"

    # The same address again, however it is written: nothing new is kept.
    again = browser.post(
        f"{page}/release-address", _form("12 high street", "MK41 7AA", date(2026, 11, 24)), form_path=page
    )
    assert again.status_code == 302 and len(_rows(case.id)) == 1
    shown = browser.get(page)
    assert "nothing changed" in shown

    # A new address is a new row; the history shows both, with who, when and where from.
    browser.post(f"{page}/release-address", _form("", CENTRE, date(2026, 11, 25)), status=302, form_path=page)
    assert [row.postcode for row in _rows(case.id)] == [NORTH, CENTRE]
    shown = browser.get(page)
    summary = shown.split('data-testid="release-address"')[1].split("</dl>")[0]
    assert CENTRE in summary and "25 November 2026" in summary and "Entered on the dates page" in summary
    history = shown.split('data-testid="release-address-history"')[1].split("</table>")[0]
    assert "12 High Street, MK41 7AA" in history and CENTRE in history and history.count("Vera Liaison") == 2

    # Withdrawn: a row without a postcode; the page says none is recorded.
    browser.post(f"{page}/release-address/withdraw", {}, status=302, form_path=page)
    assert _rows(case.id)[-1].postcode is None
    summary = browser.get(page).split('data-testid="release-address"')[1].split("</dl>")[0]
    assert "None recorded (withdrawn)" in summary


def test_an_address_refused_on_the_dates_page_leaves_the_sentence_dates_as_saved(team, web):
    """The page shown again after the address form's errors still holds the saved dates: saving
    the dates form as shown changes nothing."""
    case = team["case"]
    browser = web(team["vlo"])
    page = f"/cases/{case.id}/dates"
    response = browser._send(
        "post",
        f"{page}/release-address",
        data={**_form("", "ZZ99 9ZZ", date(2026, 11, 20)), "csrf_token": browser.csrf_token(page)},
    )
    shown = response.get_data(as_text=True)
    assert "We do not recognise this postcode" in shown
    crd_year = shown.split('id="crd-year"')[1].split(">")[0]
    assert 'value="2027"' in crd_year, crd_year


def test_the_dates_page_refuses_an_unknown_postcode_and_shows_every_problem(team, web):
    case = team["case"]
    browser = web(team["vlo"])
    page = f"/cases/{case.id}/dates"
    shown = browser.post(
        f"{page}/release-address", _form("", UNKNOWN, date(2026, 11, 20)), status=200, form_path=page
    ).get_data(as_text=True)
    assert "We do not recognise this postcode" in shown and "govuk-error-summary" in shown
    assert shown.count("<title>Error: ") == 1
    assert _rows(case.id) == []

    shown = browser.post(
        f"{page}/release-address",
        _form("x" * 201, "not a postcode", date(2027, 1, 1)),
        status=200,
        form_path=page,
    ).get_data(as_text=True)
    summary = shown.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "must be 200 characters or fewer" in summary
    assert "Enter a real postcode, like MK40 1AA" in summary
    assert "must be today or in the past" in summary
    # Before the sentence (1 March 2024): a typing mistake.
    shown = browser.post(
        f"{page}/release-address", _form("", NORTH, date(2023, 1, 1)), status=200, form_path=page
    ).get_data(as_text=True)
    assert "on or after the date of sentence, 1 March 2024" in shown
    assert _rows(case.id) == []


def test_a_change_on_the_dates_page_lists_the_zones_that_now_fail(team, web):
    case = team["case"]
    zone = _zone(team)
    release_address.record(case, None, NORTH, date(2026, 11, 20), release_address.AddressSource.API, None)
    assert _outside(zone).passed
    browser = web(team["vlo"])
    page = f"/cases/{case.id}/dates"
    tasks_before = db.session.scalar(select(db.func.count(Task.id)).where(Task.case_id == case.id))
    response = browser.post(
        f"{page}/release-address", _form("", CENTRE, date(2026, 11, 25)), status=302, form_path=page
    )
    assert f"now_failing={zone.id}" in response.headers["Location"]
    shown = browser.get(response.headers["Location"].split("localhost")[-1])
    banner = shown.split('data-testid="zones-now-failing"')[1].split("</ul>")[0]
    assert "Bedford town centre" in banner and f"/zones/{zone.id}#checks" in banner
    # The officer at the screen is told; no task is opened.
    assert db.session.scalar(select(db.func.count(Task.id)).where(Task.case_id == case.id)) == tasks_before
    check = _outside(zone)
    assert not check.passed and any("sentence dates page" in problem for problem in check.problems)


def test_only_the_cases_team_reaches_the_address_routes(team, web, make):
    case = team["case"]
    release_address.record(case, None, NORTH, date(2026, 11, 20), release_address.AddressSource.API, None)
    other = web(make.user(Role.VLO))
    other.get(f"/cases/{case.id}/dates", status=404)
    for path in (
        f"/cases/{case.id}/dates/release-address",
        f"/cases/{case.id}/dates/release-address/withdraw",
    ):
        other.post(path, _form("", CENTRE, date(2026, 11, 25)), status=404, form_path="/cases/new")
    manager = web(make.user(Role.MANAGER, team=team["team"]))
    manager.get(f"/cases/{case.id}/dates", status=403)
    assert [row.postcode for row in _rows(case.id)] == [NORTH]


# -- the service and the zone checks ----------------------------------------------------------------


def test_a_change_from_the_api_makes_a_zone_fail_and_opens_a_map_task_for_the_vlo(team):
    case = team["case"]
    zone = _zone(team)
    first = release_address.record(
        case, None, NORTH, date(2026, 11, 20), release_address.AddressSource.API, None
    )
    assert first.changed and first.now_failing == []
    moved = release_address.record(
        case, "1 St Paul's Square", CENTRE, date(2026, 11, 24), release_address.AddressSource.API, None
    )
    assert [failing.id for failing in moved.now_failing] == [zone.id]
    task = db.session.scalar(select(Task).where(Task.case_id == case.id, Task.title.contains("now fails")))
    assert task is not None and task.status == "open"
    assert task.assigned_to_id == team["vlo"].id  # the case's VLO can map
    assert "Bedford town centre" in task.title
    deadline = db.session.get(CaseDeadline, task.deadline_id)
    assert deadline.code == "zone_map" and deadline.status == "open"
    # Told once: the same failing zone after another change opens no second task.
    release_address.record(case, "2 St Paul's Square", CENTRE, date(2026, 11, 25), "api", None)
    assert (
        db.session.scalar(
            select(db.func.count(Task.id)).where(Task.case_id == case.id, Task.title == task.title)
        )
        == 1
    )


def test_a_countersigned_zone_that_now_fails_cannot_be_issued(team, make):
    case = team["case"]
    release_address.record(case, None, NORTH, date(2026, 11, 20), "api", None)
    zone = _zone(team)
    mapper = make.user(Role.VLO, team=team["team"], skills=(Skill.MAPPING.value,))
    zones.submit_zone(zone, mapper)
    zones.countersign_zone(zone, team["spo"])
    assert zones.zone_not_for_issue(zone) == []
    changed = release_address.record(case, None, CENTRE, date(2026, 11, 25), "api", None)
    assert [failing.id for failing in changed.now_failing] == [zone.id]
    reasons = zones.zone_not_for_issue(zone)
    assert any("release address is outside the zone" in reason for reason in reasons), reasons
    with pytest.raises(zones.DocumentRefused):
        zones.zone_pdf(zone)


def test_a_countersigned_zone_that_now_fails_is_reopened_from_its_page_and_countersigned_again(
    team, make, web
):
    case = team["case"]
    release_address.record(case, None, NORTH, date(2026, 11, 20), "api", None)
    zone = _zone(team)
    mapper = make.user(Role.VLO, team=team["team"], skills=(Skill.MAPPING.value,))
    zones.submit_zone(zone, mapper)
    zones.countersign_zone(zone, team["spo"])
    # While it passes, it stays as issued: nobody can reopen it.
    with pytest.raises(Refused, match="still passes"):
        zones.reopen_zone(zone, team["vlo"])
    page = web(team["vlo"]).get(f"/zones/{zone.id}")
    assert 'data-testid="countersigned-fails"' not in page
    release_address.record(case, None, CENTRE, date(2026, 11, 25), "api", None)
    # Another team's officer cannot reopen it; the case's VLO is shown why and reopens it.
    web(make.user(Role.VLO)).post(f"/zones/{zone.id}/reopen", {}, status=404, form_path="/cases/new")
    browser = web(team["vlo"])
    page = browser.get(f"/zones/{zone.id}")
    assert 'data-testid="countersigned-fails"' in page
    browser.post(f"/zones/{zone.id}/reopen", {}, status=302, form_path=f"/zones/{zone.id}")
    db.session.refresh(zone)
    assert zone.status == "draft" and zone.countersigned_by_id is None
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "zone_reopened", AuditEvent.record_id == zone.id)
    )
    # Moved off the new address, it is checked and countersigned again.
    release_address.record(case, None, NORTH, date(2026, 11, 25), "api", None)
    zones.submit_zone(zone, mapper)
    zones.countersign_zone(zone, team["spo"])
    assert zones.zone_not_for_issue(zone) == []


def test_an_unknown_postcode_from_the_api_is_kept_and_the_zone_check_says_so(team):
    case = team["case"]
    zone = _zone(team)
    recorded = release_address.record(case, None, UNKNOWN, date(2026, 11, 20), "api", None)
    assert recorded.changed and not recorded.located
    [row] = _rows(case.id)
    assert (row.postcode, row.coordinates) == (UNKNOWN, None)
    check = _outside(zone)
    assert not check.passed
    assert "not one the service knows" in check.problems[0] and "sentence dates page" in check.problems[0]
    # The postcode table learns it: the check passes without anything recorded again.
    db.session.add(Postcode(postcode=UNKNOWN, sector="MK44 9", latitude=52.2000, longitude=-0.4000))
    db.session.flush()
    assert _outside(zone).passed


def test_the_cases_address_replaces_a_zones_own_point_which_counts_only_when_none_was_ever_given(team):
    case = team["case"]
    zone = _zone(team, release="52.1359, -0.4667")  # a legacy point inside the zone
    assert not _outside(zone).passed
    release_address.record(case, None, NORTH, date(2026, 11, 20), "dates_page", team["vlo"])
    assert _outside(zone).passed
    release_address.withdraw(case, "dates_page", team["vlo"])
    check = _outside(zone)
    assert check.passed and check.title.startswith("No address is recorded")


def test_an_older_address_does_not_replace_a_newer_one(team):
    case = team["case"]
    release_address.record(case, None, NORTH, date(2026, 11, 20), "api", None)
    with pytest.raises(release_address.AddressRefused) as refused:
        release_address.record(case, None, CENTRE, date(2026, 11, 1), "api", None)
    assert refused.value.problems[0].field == "given_on"
    assert "20 November 2026" in refused.value.message
    assert [row.postcode for row in _rows(case.id)] == [NORTH]


def test_a_closed_case_and_another_team_are_refused(team, make):
    case = team["case"]
    with pytest.raises(Refused, match="case’s team"):
        release_address.record(case, None, NORTH, date(2026, 11, 20), "dates_page", make.user(Role.VLO))
    case.status, case.closed_reason = "closed", "sentence_ended"
    with pytest.raises(Refused, match="closed"):
        release_address.record(case, None, NORTH, date(2026, 11, 20), "api", None)
    assert _rows(case.id) == []


def test_the_audit_trail_says_where_the_address_came_from_never_what_it_is(team):
    case = team["case"]
    _zone(team)
    release_address.record(case, "12 High Street", NORTH, date(2026, 11, 20), "api", None)
    release_address.record(case, "1 St Paul's Square", CENTRE, date(2026, 11, 25), "dates_page", team["vlo"])
    release_address.withdraw(case, "dates_page", team["vlo"])
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("release_address_%")).order_by(AuditEvent.id)
    ).all()
    assert [(event.action, event.details["source"]) for event in events] == [
        ("release_address_recorded", "api"),
        ("release_address_recorded", "dates_page"),
        ("release_address_withdrawn", "dates_page"),
    ]
    written = json.dumps([[event.details, event.reason] for event in events])
    for secret in ("High Street", "St Paul", "MK41", "MK40", "7AA", "1AA", "52.1", "-0.46"):
        assert secret not in written


# -- the API --------------------------------------------------------------------------------------------


def test_the_api_records_the_address_and_the_case_says_one_is_recorded(team, api):
    case = team["case"]
    response = _put(
        api, case.id, {"street": "12 High Street", "postcode": "mk41 7aa", "given_on": "2026-11-20"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["changed"] is True and body["zones_now_failing"] == 0
    assert body["release_address"] == {
        "recorded": True,
        "given_on": "2026-11-20",
        "source": "api",
        "postcode_known": True,
    }
    [row] = _rows(case.id)
    assert (row.source, row.recorded_by_id, row.postcode) == ("api", None, NORTH)
    # Again: nothing new. Without a date: today.
    assert _put(api, case.id, {"street": "12 High Street", "postcode": NORTH}).get_json()["changed"] is False
    unknown = _put(api, case.id, {"postcode": UNKNOWN})
    assert unknown.status_code == 200 and unknown.get_json()["release_address"]["postcode_known"] is False
    assert _rows(case.id)[-1].given_on == date(2026, 11, 25)
    got = api.get(f"/cases/{case.id}").get_json()
    assert got["release_address"]["recorded"] is True
    assert UNKNOWN not in json.dumps(got) and "High Street" not in json.dumps(got)
    withdrawn = api._send("delete", f"/cases/{case.id}/release-address")
    assert withdrawn.status_code == 200 and withdrawn.get_json()["release_address"]["recorded"] is False


def test_the_api_lists_every_invalid_field_in_one_problem_document(team, api):
    case = team["case"]
    response = _put(
        api, case.id, {"street": "x" * 201, "postcode": "nowhere", "given_on": "2099-01-01", "flat": 1}
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = {error["pointer"]: error["detail"] for error in response.get_json()["errors"]}
    assert set(errors) == {"/street", "/postcode", "/given_on", "/flat"}
    assert errors["/postcode"] == "Enter a real postcode, like MK40 1AA"
    # A type problem and a rule problem together.
    response = _put(api, case.id, {"street": 12, "postcode": "MK41 7AA", "given_on": "2020-01-01"})
    errors = {error["pointer"]: error["detail"] for error in response.get_json()["errors"]}
    assert errors == {
        "/street": "must be text",
        "/given_on": "The date the address was given must be on or after the date of sentence, 1 March 2024",
    }
    assert _put(api, case.id, {}).get_json()["errors"] == [{"pointer": "/postcode", "detail": "is required"}]
    assert _put(api, case.id, ["MK41 7AA"]).status_code == 422
    assert _rows(case.id) == []


def test_the_api_refuses_another_regions_case_and_a_closed_one(team, api, make):
    elsewhere = make.case(make.team(make.region("london")))
    assert _put(api, elsewhere.id, {"postcode": NORTH}).status_code == 404
    assert api._send("delete", f"/cases/{elsewhere.id}/release-address").status_code == 404
    assert _rows(elsewhere.id) == []
    team["case"].status, team["case"].closed_reason = "closed", "sentence_ended"
    db.session.flush()
    response = _put(api, team["case"].id, {"postcode": NORTH})
    assert response.status_code == 409 and response.get_json()["type"].endswith("case-closed")
