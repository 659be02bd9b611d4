"""Caseload balance figures (victims.snapshots.balance) against hand-built data: known counts,
points, capacity, spread, who is above 100% or above 350 cases; statements that do not grow with
the caseload."""

from __future__ import annotations

from datetime import date

from tests.integration.dashboard.conftest import TODAY
from victims.domain.vocabulary import Role
from victims.domain.workload import Band
from victims.snapshots.balance import region_balance, team_balance, team_figures, vlo_balance


def test_a_team_of_three_gives_known_figures(team):
    found = team_balance(team["team"].id, TODAY)
    by_name = {vlo.name: vlo for vlo in found.vlos}
    assert [v.name for v in found.vlos] == ["Ann Full", "Bob Part", "Cat Over"]
    ann, bob, cat = by_name["Ann Full"], by_name["Bob Part"], by_name["Cat Over"]
    assert (ann.cases, ann.victims, ann.points, ann.available, ann.capacity) == (3, 4, 26, 100, 26)
    assert (bob.cases, bob.victims, bob.points, bob.available, bob.capacity) == (1, 1, 8, 50, 16)
    assert (cat.cases, cat.victims, cat.points, cat.available, cat.capacity) == (1, 1, 6, 3, 200)
    assert [v.above_capacity for v in (ann, bob, cat)] == [False, False, True]
    assert {v.band for v in (ann, bob, cat)} == {Band.BELOW}
    assert ann.away is None and bob.away is None
    assert (cat.away.kind_label, cat.away.ends_on, cat.away.cover_name) == (
        "Planned leave",
        date(2026, 11, 27),
        "Ann Full",
    )

    totals, spread = found.totals, found.spread
    assert (totals.cases, totals.victims, totals.points, totals.available, totals.away) == (5, 6, 40, 153, 1)
    assert totals.capacity == 26  # 40 ÷ 153 = 26.1%
    assert (spread.cases_min, spread.cases_median, spread.cases_max) == (1, 1, 3)
    assert (spread.capacity_min, spread.capacity_median, spread.capacity_max) == (16, 26, 200)
    assert (spread.above_capacity, spread.above_band, spread.vlos) == (1, 0, 3)
    assert found.unallocated == 1
    assert found.spo.team_size == 3

    figures = team_figures(found)
    assert figures["open_cases"] == 5 and figures["capacity"] == 26 and figures["unallocated"] == 1
    assert figures["above_capacity"] == 1 and figures["capacity_max"] == 200
    assert all(type(value) is int for value in figures.values())


def test_a_vlo_above_350_cases_is_counted_above_the_band(make, database, frozen_clock):
    team = make.team()
    busy = make.user(Role.VLO, team, name="Dee Busy")
    make.user(Role.VLO, team, name="Eve Quiet")
    for _ in range(351):
        make.case(vlo=busy, victims=0)
    database.session.flush()
    found = team_balance(team.id, TODAY)
    dee = found.vlos[0]
    assert (dee.cases, dee.band, dee.above_band) == (351, Band.ABOVE, True)
    assert found.spread.above_band == 1
    assert (found.spread.cases_min, found.spread.cases_median, found.spread.cases_max) == (0, 175.5, 351)


def test_one_vlos_balance_matches_the_teams(team):
    alone, _ahead = vlo_balance(team["cat"].id, TODAY)
    in_team = next(v for v in team_balance(team["team"].id, TODAY).vlos if v.user_id == team["cat"].id)
    assert alone == in_team
    assert vlo_balance(team["spo"].id, TODAY) is None  # not a VLO


def test_a_region_adds_up_its_teams(team, make):
    other = make.team(name="Luton")
    make.case(vlo=make.user(Role.VLO, other, name="Fay Luton"))
    region = region_balance(team["team"].region_id, TODAY)
    assert [t.name for t in region.teams] == ["Bedford", "Luton"]
    assert region.totals.cases == 6 and region.spread.vlos == 4 and region.unallocated == 1
    assert region.spread.cases_median == 1


def test_statements_do_not_grow_with_the_caseload(team, make, count_queries):
    def statements() -> int:
        with count_queries() as counter:
            team_balance(team["team"].id, TODAY)
        return counter.count

    before = statements()
    for vlo in ("ann", "bob", "cat"):
        for _ in range(5):
            make.case(vlo=team[vlo], victims=2, crd=date(2027, 2, 1))
    make.case(vlo=make.user(Role.VLO, team["team"], name="Gil New"))
    assert statements() == before
