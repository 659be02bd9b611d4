"""The offender's side never learns where the victim lives (issue 12): every word that goes to the
probation practitioner and the offender — a condition's wording, a zone's name and description,
the map PDF and the representation document — is read by the one disclosure check, and nothing
is printed for issue that was not checked and countersigned. Before that, only a preview marked
"DRAFT – NOT FOR ISSUE" on every page.

The victim lives at "Studio 52a, Marshallberg, L7K 9WN", telephone "+44(0)114 496 0622": the
issue's example, which the old check let through."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.integration.prerelease.test_prerelease import (
    HOME,
    TINY,
    ZONE,
    _save,
    _zone_request,
)
from victims.audit.models import AuditEvent
from victims.cases.models import Offender
from victims.domain.prerelease import ConditionType, Stage, StepInput
from victims.extensions import db
from victims.prerelease import services, zones
from victims.prerelease.models import ConditionRequest, ExclusionZone
from victims.refusals import Refused

MARSHALLBERG = (
    "Not to enter Marshallberg, in particular the area around L7K9WN (the studio flat, no. 52A), "
    "or call 01144960622"
)
DRAFT = "DRAFT – NOT FOR ISSUE"


@pytest.fixture()
def victim(team):
    person = team["victim"]
    person.address_line_1 = "Studio 52a"
    person.address_line_2 = None
    person.address_town = "Marshallberg"
    person.address_postcode = "L7K 9WN"
    person.telephone = "+44(0)114 496 0622"
    person.email = "sam.victim@example.org"
    db.session.flush()
    return person


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text, read back with poppler."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return [
        " ".join(
            subprocess.run(
                ["pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8", path, "-"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
        )
        for n in range(1, count + 1)
    ]


def _named_place(team, victim):
    return services.add_request(team["case"], victim, ConditionType.NAMED_PLACE, "Keep him away", team["vlo"])


def _countersigned_zone(team, wording="Not to enter the area on the map."):
    request = _zone_request(team)
    zone = db.session.get(ExclusionZone, request.zone_id)
    assert _save(zone, team["mapper"]) == []
    services.step(request, Stage.DRAFTED, StepInput(wording=wording), team["vlo"])
    zones.submit_zone(zone, team["mapper"])
    zones.countersign_zone(zone, team["spo"])
    return request, zone


# -- zone description and title --------------------------------------------------------------------


def test_the_issues_example_in_a_zone_description_is_refused_on_the_field(web, team, today, victim):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    browser = web(team["mapper"])
    response = browser._send(
        "post",
        f"/zones/{zone.id}",
        data={
            "csrf_token": browser.csrf_token(f"/zones/{zone.id}"),
            "title": "Marshallberg",
            "zone": json.dumps(ZONE),
            "description": MARSHALLBERG,
            "point_home": HOME,
        },
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#description"' in page and 'id="description-error"' in page
    for said in ("“L7K9WN” is the postcode", "“no. 52A” is the house or flat number", "“01144960622” is"):
        assert said in page
    # The error quotes the writer's words, never the address as recorded.
    assert "L7K 9WN" not in page and "Studio 52a" not in page and "496 0622" not in page
    db.session.expire_all()
    assert db.session.get(ExclusionZone, zone.id).description is None


def test_a_street_with_an_apostrophe_and_an_ampersand_in_a_zone_title_is_refused(team, today, victim):
    victim.address_line_1 = "Flat 2, 14 O'Brien & Daughters Walk"
    db.session.flush()
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)

    problems = zones.save_zone(
        zone,
        zones.ZoneForm(
            title="O’Brien and Daughters Walk and around",
            zone=json.dumps(ZONE),
            description="The ring road, the river.",
            points={"home": HOME},
        ),
        team["mapper"],
    )

    assert [problem.field for problem in problems] == ["title"]
    assert "is the street of the victim’s address" in problems[0]
    assert zone.geojson is None  # nothing kept


def test_a_town_alone_in_a_zone_is_saved_and_the_spo_must_acknowledge_it(web, team, today, victim):
    request = _zone_request(team)
    zone = db.session.get(ExclusionZone, request.zone_id)
    assert _save(zone, team["mapper"], description="Marshallberg north of the ring road.") == []
    zones.submit_zone(zone, team["mapper"])
    page = web(team["spo"]).get(f"/zones/{zone.id}")
    assert 'name="town_acknowledged"' in page

    with pytest.raises(Refused, match="names the town"):
        zones.countersign_zone(zone, team["spo"])
    zones.countersign_zone(zone, team["spo"], town_acknowledged=True)

    (event,) = _events("zone_countersigned")
    assert event.details == {"town_acknowledged": True}  # that it was acknowledged, never the town


def test_an_address_recorded_after_the_zone_was_saved_fails_its_checks(team, today, victim):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    assert _save(zone, team["mapper"], description="North of Ringway Road and the river.") == []
    victim.address_line_1 = "7 Ringway Road"
    db.session.flush()

    failed = [result for result in zones.check_zone(zone) if not result.passed]
    assert [result.code for result in failed] == ["words"]
    with pytest.raises(Refused, match="has not passed its checks"):
        zones.submit_zone(zone, team["mapper"])


# -- the wording of a request ---------------------------------------------------------------------


def test_the_issues_example_in_a_requests_wording_is_refused_on_the_field(web, team, today, victim):
    request = _named_place(team, victim)
    browser = web(team["vlo"])
    response = browser._send(
        "post",
        f"/conditions/{request.id}/drafted",
        data={"csrf_token": browser.csrf_token(f"/conditions/{request.id}"), "wording": MARSHALLBERG},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'href="#wording"' in page and 'id="wording-error"' in page
    assert "“L7K9WN” is the postcode of the victim’s address" in page
    db.session.expire_all()
    record = db.session.get(ConditionRequest, request.id)
    assert record.wording is None and record.stage == "requested"


def test_a_town_alone_in_the_wording_is_checked_only_once_the_spo_acknowledges_it(web, team, today, victim):
    request = _named_place(team, victim)
    wording = "Not to enter Marshallberg town centre."
    services.step(request, Stage.DRAFTED, StepInput(wording=wording), team["vlo"])
    assert 'name="town_acknowledged"' in web(team["spo"]).get(f"/conditions/{request.id}")

    with pytest.raises(Refused, match="names the town") as refused:
        services.step(request, Stage.CHECKED, StepInput(), team["spo"])
    assert refused.value.field == "town_acknowledged"
    services.step(request, Stage.CHECKED, StepInput(town_acknowledged=True), team["spo"])

    (event,) = _events("condition_request_checked")
    assert event.details == {"from": "drafted", "to": "checked", "town_acknowledged": True}


# -- the map PDF: for issue only when countersigned and passing -----------------------------------


def test_a_draft_zone_that_reveals_the_home_is_never_issued_and_its_preview_is_marked(
    web,
    team,
    today,
    victim,
    tmp_path,
):
    zone = db.session.get(ExclusionZone, _zone_request(team).zone_id)
    _save(zone, team["mapper"], geojson=TINY)
    assert "not_revealing" in {result.code for result in zones.check_zone(zone) if not result.passed}
    browser = web(team["mapper"])

    issue = browser._send("get", f"/zones/{zone.id}/map.pdf")
    assert issue.status_code == 409
    assert "The map is not ready to issue" in issue.get_data(as_text=True)
    assert not issue.data.startswith(b"%PDF")

    preview = browser._send("get", f"/zones/{zone.id}/map-preview.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    pages = _pages(preview.data, tmp_path)
    assert len(pages) >= 2
    assert all(DRAFT in page for page in pages), pages
    assert len(_events("zone_pdf_previewed")) == 1 and _events("zone_pdf_made") == []


def test_a_countersigned_passing_zone_is_issued_without_the_draft_mark(web, team, today, victim, tmp_path):
    _request, zone = _countersigned_zone(team)

    response = web(team["vlo"])._send("get", f"/zones/{zone.id}/map.pdf")

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pages = _pages(response.data, tmp_path)
    assert "Not to enter the area on the map." in pages[0]
    assert not any("DRAFT" in page for page in pages)
    assert len(_events("zone_pdf_made")) == 1 and _events("zone_pdf_previewed") == []


def test_a_map_whose_wording_gives_the_address_is_not_made_even_as_a_preview(web, team, today, victim):
    request, zone = _countersigned_zone(team)
    # Wording that reached the record some other way (an import, an old version of the service).
    request.wording = MARSHALLBERG
    db.session.flush()

    for path in (f"/zones/{zone.id}/map.pdf", f"/zones/{zone.id}/map-preview.pdf"):
        response = web(team["vlo"])._send("get", path)
        assert response.status_code == 409
        assert "“01144960622” is the victim’s telephone number" in response.get_data(as_text=True)
    assert _events("zone_pdf_made") == [] and _events("zone_pdf_previewed") == []


# -- the representation document ------------------------------------------------------------------


def test_the_representations_identify_the_offender_and_number_each_map_by_its_condition(
    web,
    team,
    today,
    victim,
    tmp_path,
):
    named = _named_place(team, victim)
    services.step(named, Stage.DRAFTED, StepInput(wording="Not to enter Bedford Park."), team["vlo"])
    services.step(named, Stage.CHECKED, StepInput(), team["spo"])
    request, _zone = _countersigned_zone(team)
    services.step(request, Stage.CHECKED, StepInput(), team["spo"])
    offender = db.session.get(Offender, team["case"].offender_id)

    response = web(team["vlo"])._send("get", f"/cases/{team['case'].id}/representations.pdf")

    assert response.status_code == 200
    text = " ".join(_pages(response.data, tmp_path))
    assert offender.full_name in text and offender.crn in text and offender.prison_number in text
    assert "Condition 1: " in text and "Condition 2: Exclusion zone" in text
    assert "Map for condition 2: Bedford town centre" in text  # its condition's number, not "map 1"
    assert "Map for condition 1" not in text
    assert "DRAFT" not in text
    assert len(_events("representations_made")) == 1


def test_the_representations_preview_is_marked_on_every_page_and_issue_waits_for_checking(
    web,
    team,
    today,
    victim,
    tmp_path,
):
    request = _zone_request(team)
    zone = db.session.get(ExclusionZone, request.zone_id)
    _save(zone, team["mapper"], geojson=TINY)  # fails "not revealing": a draft
    services.step(request, Stage.DRAFTED, StepInput(wording="Not to enter the area on the map."), team["vlo"])
    browser = web(team["vlo"])

    issue = browser._send("get", f"/cases/{team['case'].id}/representations.pdf")
    assert issue.status_code == 409 and not issue.data.startswith(b"%PDF")

    preview = browser._send("get", f"/cases/{team['case'].id}/representations-preview.pdf")
    assert preview.status_code == 200
    pages = _pages(preview.data, tmp_path)
    assert len(pages) >= 2 and all(DRAFT in page for page in pages), pages
    assert len(_events("representations_previewed")) == 1 and _events("representations_made") == []


def test_the_representations_are_refused_when_an_address_recorded_later_is_in_the_wording(
    web,
    team,
    today,
    victim,
):
    named = _named_place(team, victim)
    services.step(named, Stage.DRAFTED, StepInput(wording="Not to enter O'Brien & Sons Yard."), team["vlo"])
    services.step(named, Stage.CHECKED, StepInput(), team["spo"])
    victim.address_line_1 = "3 O’Brien and Sons Yard"  # recorded after the wording was checked
    db.session.flush()

    response = web(team["vlo"])._send("get", f"/cases/{team['case'].id}/representations.pdf")

    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The representation document was not made" in page
    assert "is the street of the victim’s address" in page
    assert _events("representations_made") == []
