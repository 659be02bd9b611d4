"""The offender's proposed release address in a CSV upload (issue 17): optional columns, checked
by the API's rules with every problem at its column, recorded on the case with the source "csv",
an unknown postcode kept; a change that makes a zone fail opens a map task for the case's VLO."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.integration.imports.test_imports import row
from victims.cases.models import Case, Offender
from victims.domain.prerelease import ConditionType
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.imports import services
from victims.imports.csv_format import COLUMNS, template_csv
from victims.people.models import Person
from victims.postcodes.models import Postcode
from victims.prerelease import release_address, zones
from victims.prerelease import services as prerelease
from victims.prerelease.models import ExclusionZone, ReleaseAddress
from victims.staff.models import Team
from victims.work.models import Task

HEADER = [column.name for column in COLUMNS]
NORTH, CENTRE, UNKNOWN = "MK41 7AA", "MK40 1AA", "MK44 9ZZ"
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4814, 52.1269], [-0.4520, 52.1269], [-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]
    ],
}


@pytest.fixture()
def spo(make, database, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    database.session.add_all(
        [
            Postcode(postcode=NORTH, sector="MK41 7", latitude=52.1600, longitude=-0.4667),
            Postcode(postcode=CENTRE, sector="MK40 1", latitude=52.1359, longitude=-0.4667),
        ]
    )
    return make.user(Role.SPO, team=make.team())


def _text(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _import(rows: list[dict], user) -> services.Preview:
    preview = services.check(_text(rows), user.region_id, user.team_id)
    if preview.ok:
        services.import_all(preview, user)
    return preview


def _addresses(crn: str) -> list[ReleaseAddress]:
    case_id = db.session.scalar(select(Case.id).join(Offender).where(Offender.crn == crn))
    return list(
        db.session.scalars(
            select(ReleaseAddress).where(ReleaseAddress.case_id == case_id).order_by(ReleaseAddress.id)
        )
    )


def test_the_template_offers_the_release_address_columns():
    header = template_csv().splitlines()[0].split(",")
    assert header[-3:] == ["release_address_street", "release_address_postcode", "release_address_given_on"]


def test_a_referral_with_a_release_address_records_it_on_the_case(spo):
    address = {
        "release_address_street": "12 High Street",
        "release_address_postcode": "mk417aa",
        "release_address_given_on": "20/11/2026",
    }
    preview = _import([row(**address), row(victim_first_name="Val", **address)], spo)
    assert preview.ok, [r.reasons for r in preview.rows]
    [recorded] = _addresses("X654321")
    assert (
        recorded.street,
        recorded.postcode,
        recorded.source,
        recorded.given_on,
        recorded.recorded_by_id,
    ) == (
        "12 High Street",
        NORTH,
        "csv",
        date(2026, 11, 20),
        spo.id,
    )
    assert recorded.coordinates is not None
    # Without the columns, a referral records none.
    assert _import([row(offender_crn="X111111", offender_last_name="Other")], spo).ok
    assert _addresses("X111111") == []


def test_an_unknown_postcode_is_kept_without_coordinates(spo):
    assert _import([row(release_address_postcode=UNKNOWN)], spo).ok
    [recorded] = _addresses("X654321")
    assert (recorded.postcode, recorded.coordinates, recorded.given_on) == (UNKNOWN, None, date(2026, 11, 25))


def test_every_problem_with_the_release_address_is_reported_at_its_column(spo):
    preview = _import(
        [
            row(
                release_address_street="x" * 201,
                release_address_postcode="nowhere",
                release_address_given_on="31/02/2026",
            ),
            row(
                offender_crn="X222222",
                offender_last_name="Early",
                release_address_postcode=NORTH,
                release_address_given_on="2025-01-01",  # before the sentence (2 December 2025)
            ),
            row(
                offender_crn="X333333",
                offender_last_name="Streetonly",
                release_address_street="1 High Street",
            ),
        ],
        spo,
    )
    assert not preview.ok
    first, second, third = (r.reasons for r in preview.rows)
    assert "release_address_given_on must be a date written YYYY-MM-DD or DD/MM/YYYY" in first
    assert "release_address_street: The house number and street must be 200 characters or fewer" in first
    assert "release_address_postcode: Enter a real postcode, like MK40 1AA" in first
    assert second == [
        "release_address_given_on: The date the address was given must be on or after the date of sentence, "
        "2 December 2025"
    ]
    assert third == ["release_address_postcode: Enter the postcode of the proposed release address"]
    assert db.session.scalar(select(ReleaseAddress.id).limit(1)) is None


def test_rows_of_one_referral_must_give_the_same_release_address(spo):
    preview = _import(
        [row(release_address_postcode=NORTH), row(victim_first_name="Val", release_address_postcode=CENTRE)],
        spo,
    )
    assert not preview.ok
    assert "release_address_postcode must be the same as on line 2" in preview.rows[1].reasons[0]


def test_a_change_from_a_csv_that_makes_a_zone_fail_opens_a_map_task(spo, make):
    assert _import([row(release_address_postcode=NORTH, release_address_given_on="2026-11-20")], spo).ok
    case = db.session.scalar(select(Case).join(Offender).where(Offender.crn == "X654321"))
    mapper = make.user(Role.VLO, team=db.session.get(Team, case.team_id), skills=(Skill.MAPPING.value,))
    victim = db.session.scalars(select(Person).where(Person.case_id == case.id)).first()
    request = prerelease.add_request(case, victim, ConditionType.EXCLUSION_ZONE, "Keep him out", mapper)
    zone = db.session.get(ExclusionZone, request.zone_id)
    assert (
        zones.save_zone(
            zone,
            zones.ZoneForm(
                title="Town centre", zone=json.dumps(ZONE), description="The ring road.", points={}
            ),
            mapper,
        )
        == []
    )
    assert release_address.release_check_passes(zone) is True
    # The same referral again, now with the address in the zone: the case's team gets a map task.
    preview = _import([row(release_address_postcode=CENTRE, release_address_given_on="2026-11-25")], spo)
    assert preview.ok, [r.reasons for r in preview.rows]
    assert [a.postcode for a in _addresses("X654321")] == [NORTH, CENTRE]
    task = db.session.scalar(select(Task).where(Task.case_id == case.id, Task.title.contains("Town centre")))
    assert task is not None and task.status == "open"
    # An older address than the one recorded is refused in the preview.
    preview = services.check(
        _text([row(release_address_postcode=NORTH, release_address_given_on="2026-11-21")]),
        spo.region_id,
        spo.team_id,
    )
    assert preview.rows[0].reasons == [
        "release_address_given_on: The date the address was given must be on or after 25 November 2026, "
        "the date of the proposed release address already recorded"
    ]
