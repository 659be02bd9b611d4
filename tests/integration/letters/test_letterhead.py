"""Issue 12, item 4: letters an inspector would pass. The letterhead says "Probation Service"
(the National Probation Service was replaced in 2021), bilingual in a Welsh letter, with the
Victim Contact Unit's postal address and telephone number as administrators record them for
each team; a letter from a unit without them fails the check.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from victims.audit.models import AuditEvent
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services
from victims.people.models import Person


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def casework(make, database, today):
    unit = make.team(name="Bedford Victim Contact Unit")
    unit.postal_address = "PO Box 4321\nBedford\nMK40 9ZZ"
    unit.telephone = "0300 047 1234"
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    case = make.case(vlo=vlo, crd=date(2027, 3, 1))
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"team": unit, "vlo": vlo, "case": case, "victim": victim}


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


def test_the_letterhead_is_the_probation_service_with_the_units_address_and_telephone(casework, tmp_path):
    letter = services.start_draft(
        casework["case"], casework["victim"], LetterType.INITIAL_CONTACT, casework["vlo"]
    )
    assert services.printable(letter).sender_lines == [
        "Probation Service",
        "Bedford Victim Contact Unit",
        "PO Box 4321",
        "Bedford",
        "MK40 9ZZ",
        "Telephone: 0300 047 1234",
    ]
    text = _pdf_text(services.pdf_bytes(letter), tmp_path)
    assert "National Probation Service" not in text
    assert "Probation Service" in text and "PO Box 4321" in text and "0300 047 1234" in text


def test_a_welsh_letter_has_a_bilingual_letterhead(casework, tmp_path):
    casework["victim"].language = "cy"
    db.session.flush()
    letter = services.start_draft(
        casework["case"], casework["victim"], LetterType.INITIAL_CONTACT, casework["vlo"]
    )
    lines = services.printable(letter).sender_lines
    assert lines[:2] == ["Gwasanaeth Prawf", "Probation Service"]
    assert lines[-1] == "Ffôn / Telephone: 0300 047 1234"
    text = _pdf_text(services.pdf_bytes(letter), tmp_path)
    assert "Gwasanaeth Prawf" in text and "Ffôn / Telephone: 0300 047 1234" in text


def test_a_letter_from_a_unit_without_its_address_or_telephone_fails_the_check(casework):
    casework["team"].postal_address = None
    casework["team"].telephone = None
    db.session.flush()
    letter = services.start_draft(
        casework["case"], casework["victim"], LetterType.INITIAL_CONTACT, casework["vlo"]
    )
    problems = {r.code: r.problems for r in services.check_letter(letter) if not r.passed}["sections"]
    assert (
        "The letterhead has no postal address or telephone number for the Victim Contact Unit. "
        "Ask an administrator to add it under Administration, Teams."
    ) in problems


def test_an_administrator_records_the_letterhead_of_a_team_in_their_region(web, make, casework):
    admin = make.user(Role.ADMIN, region=make.region())
    elsewhere = make.team(region=make.region("north_east"), name="Newcastle Victim Contact Unit")
    browser = web(admin)
    page = browser.get("/admin/teams")
    assert "Bedford Victim Contact Unit" in page and "Newcastle Victim Contact Unit" not in page
    browser.get(f"/admin/teams/{elsewhere.id}", status=404)  # another region's team

    path = f"/admin/teams/{casework['team'].id}"
    page = browser.post(path, {"postal_address": "", "telephone": "call us"}, status=200).get_data(
        as_text=True
    )
    assert "Enter the unit’s postal address" in page and "Enter a telephone number" in page
    browser.post(
        path,
        {"postal_address": "PO Box 77\r\n\r\n  Luton \r\nLU1 1AA", "telephone": "0300 047 9999"},
        status=302,
    )
    db.session.expire_all()
    assert (casework["team"].postal_address, casework["team"].telephone) == (
        "PO Box 77\nLuton\nLU1 1AA",
        "0300 047 9999",
    )
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "team_letterhead_changed")
    ).all()
    assert (event.user_id, event.record_id) == (admin.id, casework["team"].id)
    letter = services.start_draft(
        casework["case"], casework["victim"], LetterType.INITIAL_CONTACT, casework["vlo"]
    )
    assert services.printable(letter).sender_lines[2:] == [
        "PO Box 77",
        "Luton",
        "LU1 1AA",
        "Telephone: 0300 047 9999",
    ]
