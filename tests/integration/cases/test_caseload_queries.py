"""The caseload lists: a fixed number of queries whatever the caseload, search, sorting,
pagination, and never another officer's or team's cases."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.helpers import signed_in
from victims.domain.vocabulary import Role

ROW = re.compile(r'<td class="govuk-table__cell"><a class="govuk-link" href="/cases/(\d+)">([^<]+)</a></td>')


def _names(html: str) -> list[str]:
    return [name for _, name in ROW.findall(html)]


def _ids(html: str) -> list[int]:
    return [int(case_id) for case_id, _ in ROW.findall(html)]


@pytest.fixture()
def team(make):
    team = make.team()
    return {
        "team": team,
        "vlo": make.user(Role.VLO, team),
        "colleague": make.user(Role.VLO, team),
        "spo": make.user(Role.SPO, team),
    }


def _queries_for(app, count_queries, user, path: str) -> int:
    browser = signed_in(app, user)
    browser.get(path)  # warm up: the first request loads templates and caches statements
    with count_queries() as counter:
        browser.get(path)
    return counter.count


@pytest.mark.parametrize(("role", "path"), [("vlo", "/cases/mine"), ("spo", "/cases/team")])
def test_the_number_of_queries_does_not_grow_with_the_caseload(
    app, make, team, count_queries, monkeypatch, role, path
):
    # Every case on one page, so a query per row would show.
    monkeypatch.setitem(app.config, "CASELOAD_PAGE_SIZE", 100)
    user = team[role]
    counts = {}
    made = 0
    for size in (5, 50):
        while made < size:
            make.case(vlo=team["vlo"], victims=1 + made % 3)
            made += 1
        counts[size] = _queries_for(app, count_queries, user, path)
        assert len(_ids(signed_in(app, user).get(path))) == size
    assert counts[5] == counts[50], counts
    # The session, the remembered filters, the open cases' facts for the filter counts (the model,
    # the cases and six of their parts, their deadlines; the team's VLOs), a count and the page:
    # not one per case.
    assert counts[50] <= 16, counts


def test_search_by_offender_name_crn_and_victim_surname(app, make, team):
    vlo = team["vlo"]
    smith = make.case(vlo=vlo, offender_last_name="Smithson", crn="S123456")
    jones = make.case(vlo=vlo, offender_last_name="Jonesworth", crn="J654321")
    make.person(jones, last_name="Featherstonehaugh")
    browser = signed_in(app, vlo)

    assert _ids(browser.get("/cases/mine?q=smithson")) == [smith.id]
    assert _ids(browser.get("/cases/mine?q=Smith")) == [smith.id]  # part of a name
    assert _ids(browser.get("/cases/mine?q=John+Jonesworth")) == [jones.id]  # first and last name
    assert _ids(browser.get("/cases/mine?q=j654321")) == [jones.id]  # CRN, any case
    assert _ids(browser.get("/cases/mine?q=featherstone")) == [jones.id]  # a victim's surname
    page = browser.get("/cases/mine?q=Nobody")
    assert _ids(page) == []
    assert "No cases match your search" in page


def test_search_treats_wildcards_as_text(app, make, team):
    vlo = team["vlo"]
    make.case(vlo=vlo, offender_last_name="Plain")
    browser = signed_in(app, vlo)
    assert _ids(browser.get("/cases/mine?q=%25")) == []  # a literal %, not "everything"
    assert _ids(browser.get("/cases/mine?q=_")) == []


def test_sorting(app, make, team):
    vlo = team["vlo"]
    make.case(vlo=vlo, offender_last_name="Bravo", crn="C000001")
    make.case(vlo=vlo, offender_last_name="Alpha", crn="C000003")
    make.case(vlo=vlo, offender_last_name="Charlie", crn="C000002")
    browser = signed_in(app, vlo)
    default = _names(browser.get("/cases/mine"))
    assert default == ["John Alpha", "John Bravo", "John Charlie"]
    assert _names(browser.get("/cases/mine?sort=offender&order=desc")) == default[::-1]
    assert _names(browser.get("/cases/mine?sort=crn")) == ["John Bravo", "John Charlie", "John Alpha"]
    assert _names(browser.get("/cases/mine?sort=crn&order=desc")) == [
        "John Alpha",
        "John Charlie",
        "John Bravo",
    ]
    # An unknown sort falls back to the offender's name instead of failing.
    assert _names(browser.get("/cases/mine?sort=password_hash")) == default


def test_sorting_by_referral_date(app, make, team, database):
    vlo = team["vlo"]
    cases = [make.case(vlo=vlo, offender_last_name=name) for name in ("Early", "Late", "Middle")]
    for case, days in zip(cases, (0, 20, 10), strict=True):
        case.referral_received_on = date(2024, 3, 10) + timedelta(days=days)
    database.session.flush()
    browser = signed_in(app, vlo)
    assert _names(browser.get("/cases/mine?sort=referral")) == ["John Early", "John Middle", "John Late"]


def test_pagination(app, make, team, monkeypatch):
    monkeypatch.setitem(app.config, "CASELOAD_PAGE_SIZE", 4)
    vlo = team["vlo"]
    for number in range(10):
        make.case(vlo=vlo, offender_last_name=f"Paged{number:02d}")
    browser = signed_in(app, vlo)
    first = browser.get("/cases/mine")
    assert _names(first) == [f"John Paged{n:02d}" for n in range(4)]
    assert "10 open cases" in first
    assert 'href="/cases/mine?sort=offender&amp;order=asc&amp;page=2"' in first
    assert _names(browser.get("/cases/mine?page=2")) == [f"John Paged{n:02d}" for n in range(4, 8)]
    assert _names(browser.get("/cases/mine?page=3")) == ["John Paged08", "John Paged09"]
    # Past the end is the last page, as on every list (victims.lists.paginate).
    assert _names(browser.get("/cases/mine?page=4")) == ["John Paged08", "John Paged09"]
    # Nonsense page numbers are the first page, not an error.
    for nonsense in ("0", "-3", "abc"):
        assert _names(browser.get(f"/cases/mine?page={nonsense}")) == _names(first)
    # Pages keep the search and the order.
    page = browser.get("/cases/mine?q=Paged&sort=offender&order=desc&page=2")
    assert _names(page) == [f"John Paged{n:02d}" for n in (5, 4, 3, 2)]


def test_another_vlos_cases_are_never_listed(app, make, team):
    mine = make.case(vlo=team["vlo"], offender_last_name="Mine")
    make.case(vlo=team["colleague"], offender_last_name="Colleagues", crn="K000001")
    make.case(team=team["team"], offender_last_name="Unallocated", crn="K000002")
    make.case(offender_last_name="Elsewhere", crn="K000003")  # another team, same region
    browser = signed_in(app, team["vlo"])
    assert _ids(browser.get("/cases/mine")) == [mine.id]
    # Not even by searching for them, by name or by CRN.
    for search in ("Colleagues", "Unallocated", "Elsewhere", "K000001", "K000002", "K000003"):
        assert _ids(browser.get(f"/cases/mine?q={search}")) == [], search


def test_closed_cases_are_not_in_the_caseload(app, make, team):
    make.case(vlo=team["vlo"], offender_last_name="Openshaw")
    make.case(vlo=team["vlo"], offender_last_name="Closedown", status="closed")
    assert _names(signed_in(app, team["vlo"]).get("/cases/mine")) == ["John Openshaw"]


def test_team_cases_show_the_team_only_with_unallocated_first(app, make, team):
    allocated = make.case(vlo=team["vlo"], offender_last_name="Aardvark")
    colleague = make.case(vlo=team["colleague"], offender_last_name="Badger")
    unallocated = make.case(team=team["team"], offender_last_name="Zebra")
    make.case(offender_last_name="OtherTeam")
    make.case(team=make.team(make.region("wales")), offender_last_name="OtherRegion")
    browser = signed_in(app, team["spo"])
    assert _ids(browser.get("/cases/team")) == [unallocated.id, allocated.id, colleague.id]
    assert _ids(browser.get("/cases/team?show=unallocated")) == [unallocated.id]
    assert _ids(browser.get("/cases/team?q=OtherTeam")) == []
    assert _ids(browser.get("/cases/team?q=OtherRegion")) == []
    assert _ids(browser.get("/cases/team?q=Badger")) == [colleague.id]
    page = browser.get("/cases/team?sort=vlo")
    assert _ids(page)[0] == unallocated.id


def test_team_cases_pagination_keeps_the_filter(app, make, team, monkeypatch):
    monkeypatch.setitem(app.config, "CASELOAD_PAGE_SIZE", 2)
    for number in range(3):
        make.case(team=team["team"], offender_last_name=f"Waiting{number}")
    make.case(vlo=team["vlo"], offender_last_name="Allocated")
    page = signed_in(app, team["spo"]).get("/cases/team?show=unallocated")
    assert "3 open cases waiting to be allocated" in page
    assert "show=unallocated" in re.search(r'<nav class="govuk-pagination".*?</nav>', page, re.S).group(0)


def test_team_cases_flags_cases_of_a_deactivated_vlo(web, make):
    from victims.domain.vocabulary import Role

    team = make.team()
    spo = make.user(Role.SPO, team=team)
    leaver = make.user(Role.VLO, team=team, name="Lee Leaver")
    stayer = make.user(Role.VLO, team=team, name="Sam Stayer")
    make.case(vlo=leaver, offender_last_name="Leftbehind")
    make.case(vlo=stayer, offender_last_name="Lookedafter")
    leaver.active = False
    make.session.flush()
    page = web(spo).get("/cases/team")
    leaver_row = next(row for row in page.split("<tr") if "Leftbehind" in row)
    stayer_row = next(row for row in page.split("<tr") if "Lookedafter" in row)
    assert "Deactivated: reallocate" in leaver_row
    assert "Deactivated" not in stayer_row
