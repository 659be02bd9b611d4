"""Statements per page for every workload page an SPO or a manager opens (issue 16): the same
number with 5 open cases in the team as with 50 (a national team holds about 4,000), so a page's
cost grows with the rows it reads, never with a statement per case or per VLO."""

from __future__ import annotations

from datetime import date, timedelta

from tests.helpers import signed_in
from victims.domain.vocabulary import Role

TODAY = date(2026, 11, 25)  # the frozen clock's day


def _case(make, team, vlo, number: int):
    """Cases of several shapes: more victims, a Welsh speaker, a child, a parole date and a
    licence ending within 90 days (peaks), a release within the projection's weeks."""
    case = make.case(
        team,
        vlo,
        victims=1 + number % 3,
        crd=TODAY + timedelta(days=20 + number * 17),
        led=TODAY + timedelta(days=30 + number * 11),
        sed=TODAY + timedelta(days=400 + number),
        ped=TODAY + timedelta(days=45) if number % 4 == 0 else None,
    )
    if number % 5 == 0:
        make.person(case, language="cy")
    if number % 7 == 0:
        make.person(case, date_of_birth=date(2015, 5, 1))
    return case


def test_the_workload_and_allocation_pages_read_as_many_statements_with_5_cases_as_with_50(
    app, make, count_queries, frozen_clock
):
    team = make.team()
    spo = make.user(Role.SPO, team)
    manager = make.user(Role.MANAGER, region=make.region())
    vlos = [make.user(Role.VLO, team), make.user(Role.VLO, team)]
    waiting = [make.case(team), make.case(team)]  # unallocated: the suggestions and the plan
    made = 0
    counts: dict[int, dict[str, int]] = {}
    for size in (5, 50):
        while made < size:
            _case(make, team, vlos[made % 2], made)
            made += 1
        pages = {
            "Team workload": (spo, "/workforce/team"),
            "A VLO's workload": (spo, f"/workforce/vlos/{vlos[0].id}"),
            "My workload": (vlos[0], "/workforce/mine"),
            "Allocation suggestions": (spo, f"/allocation/cases/{waiting[0].id}"),
            "Bulk allocation plan": (spo, f"/allocation/plan?case={waiting[0].id}&case={waiting[1].id}"),
            "Caseload balance, team": (manager, f"/management/teams/{team.id}"),
            "Caseload balance, VLO": (manager, f"/management/vlos/{vlos[0].id}"),
        }
        counts[size] = {}
        for name, (user, path) in pages.items():
            browser = signed_in(app, user)
            browser.get(path)  # warm up: templates loaded, statements cached
            with count_queries() as counter:
                page = browser.get(path)
            counts[size][name] = counter.count
            assert "There is a problem" not in page, name
        mine = signed_in(app, vlos[0]).get("/workforce/mine")
        assert mine.count('data-testid="case-points-') == (size + 1) // 2  # every case was read
    print("\nstatements per page (5 cases, 50 cases):", counts)
    assert counts[5] == counts[50], counts
