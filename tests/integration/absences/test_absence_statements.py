"""The team's absences page and the calibration report read a fixed number of statements,
whatever the team's size, its absences or the number of time records."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers import signed_in
from victims.absences import services as absences
from victims.absences.services import AbsenceDetails
from victims.domain.calibration import TimeKind
from victims.domain.cover import AbsenceKind
from victims.domain.vocabulary import Role
from victims.workforce.models import TimeRecord
from victims.workforce.queries import facts_for_cases

TODAY = date(2026, 11, 25)


def _team(make, size: int):
    team = make.team()
    spo = make.user(Role.SPO, team=team)
    vlos = [make.user(Role.VLO, team=team) for _ in range(size)]
    for number, vlo in enumerate(vlos):
        starts = TODAY + timedelta(days=-3 if number % 2 else 10)
        absences.record(
            AbsenceDetails(vlo.id, AbsenceKind.LEAVE, starts, starts + timedelta(days=5), None), spo
        )
        make.case(vlo=vlo)
    return spo


def _count(app, user, path, count_queries) -> int:
    browser = signed_in(app, user)
    browser.get(path)
    with count_queries() as counter:
        browser.get(path)
    return counter.count


def test_the_team_absences_page_reads_the_same_statements_for_2_or_12_vlos(
    app, make, database, frozen_clock, count_queries
):
    small = _count(app, _team(make, 2), "/absences/team", count_queries)
    large = _count(app, _team(make, 12), "/absences/team", count_queries)
    print("team absences statements", small, large)
    assert small == large, (small, large)
    assert large <= 12, large


def _records(make, database, cases: int):
    vlo = make.user(Role.VLO)
    made = [make.case(vlo=vlo, crd=date(2027, 3, 1)) for _ in range(cases)]
    facts = facts_for_cases([case.id for case in made], TODAY)
    for case in made:
        for kind in (TimeKind.CONTACT, TimeKind.LETTER):
            database.session.add(
                TimeRecord(
                    user_id=vlo.id,
                    case_id=case.id,
                    kind=kind,
                    minutes=20,
                    stage=facts[case.id].load.stage,
                    worked_on=TODAY,
                )
            )
    database.session.flush()


def test_the_calibration_report_reads_the_same_statements_for_few_or_many_records(
    app, make, database, frozen_clock, count_queries
):
    admin = make.user(Role.ADMIN, national=True)
    _records(make, database, 3)
    few = _count(app, admin, "/calibration/", count_queries)
    _records(make, database, 30)
    many = _count(app, admin, "/calibration/", count_queries)
    print("calibration report statements", few, many)
    assert few == many, (few, many)
