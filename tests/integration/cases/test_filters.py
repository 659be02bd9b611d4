"""The MOJ filter on My caseload and Team cases (issue 14, item 8): each filter, the counts beside
each option, remembered choices, and a fixed number of statements as the caseload grows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from victims.cases.models import Offender
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.staff.models import SavedListFilter
from victims.work.models import CaseDeadline
from victims.workforce import filters

TODAY = date(2026, 11, 25)  # a Wednesday: the week ends on Sunday 29 November
CUSTODY = {"crd": date(2029, 1, 1), "led": date(2031, 1, 1), "sed": date(2031, 1, 1)}
PRE_RELEASE = {"crd": date(2027, 3, 1), "led": date(2029, 1, 1), "sed": date(2029, 1, 1)}
LICENCE = {"crd": date(2026, 2, 1), "led": date(2028, 3, 1), "sed": date(2028, 3, 1)}
ENDED = {"crd": date(2025, 1, 1), "led": date(2026, 1, 1), "sed": date(2026, 1, 1)}


def _deadline(case, due: date) -> None:
    db.session.add(
        CaseDeadline(
            case_id=case.id,
            code="initial_contact",
            due_on=due,
            counted_from=date(2026, 1, 1),
            rule_version=1,
            rule_number=1,
        )
    )
    db.session.flush()


@pytest.fixture()
def data(make, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    team = make.team()
    vlo = make.user(Role.VLO, team, name="Alex Ash")
    colleague = make.user(Role.VLO, team, name="Bea Birch")
    cases = {}
    cases["custody"] = make.case(vlo=vlo, **CUSTODY)
    cases["pre_release_welsh"] = make.case(vlo=vlo, victims=0, **PRE_RELEASE)
    make.person(cases["pre_release_welsh"], language="cy")
    cases["licence_child"] = make.case(vlo=vlo, victims=0, **LICENCE)
    make.person(cases["licence_child"], date_of_birth=date(2012, 5, 1))
    cases["licence_welsh_child"] = make.case(vlo=vlo, victims=0, **LICENCE)
    make.person(cases["licence_welsh_child"], language="cy", date_of_birth=date(2013, 5, 1))
    cases["ended"] = make.case(vlo=vlo, **ENDED)
    cases["colleagues"] = make.case(vlo=colleague, **PRE_RELEASE)
    cases["unallocated"] = make.case(team=team, **CUSTODY)
    cases["closed"] = make.case(vlo=vlo, status="closed", **PRE_RELEASE)
    _deadline(cases["custody"], date(2026, 11, 20))  # overdue
    _deadline(cases["licence_child"], date(2026, 11, 29))  # due this week (Sunday)
    _deadline(cases["licence_welsh_child"], date(2026, 11, 30))  # next week
    _deadline(cases["pre_release_welsh"], date(2026, 11, 25))  # today: this week
    return {
        "team": team,
        "vlo": vlo,
        "colleague": colleague,
        "spo": make.user(Role.SPO, team),
        "cases": cases,
    }


def _ids(page: str) -> set[int]:
    return {int(found) for found in re.findall(r'href="/cases/(\d+)"', page)}


def _count(page: str, group: str, value: str) -> int:
    found = re.search(rf'data-testid="count-{group}-{value}">\((\d+)\)', page)
    assert found, (group, value)
    return int(found.group(1))


def _of(data, *names) -> set[int]:
    return {data["cases"][name].id for name in names}


def test_each_filter_on_my_caseload(app, data):
    browser = signed_in(app, data["vlo"])
    mine = ("custody", "pre_release_welsh", "licence_child", "licence_welsh_child", "ended")
    assert _ids(browser.get("/cases/mine")) == _of(data, *mine)
    assert _ids(browser.get("/cases/mine?stage=licence")) == _of(data, "licence_child", "licence_welsh_child")
    assert _ids(browser.get("/cases/mine?stage=custody")) == _of(data, "custody")
    assert _ids(browser.get("/cases/mine?stage=pre_release")) == _of(data, "pre_release_welsh")
    assert _ids(browser.get("/cases/mine?stage=closure_due")) == _of(data, "ended")
    assert _ids(browser.get("/cases/mine?stage=parole")) == set()
    assert _ids(browser.get("/cases/mine?need=welsh")) == _of(
        data, "pre_release_welsh", "licence_welsh_child"
    )
    assert _ids(browser.get("/cases/mine?need=child_victims&stage=licence")) == _of(
        data, "licence_child", "licence_welsh_child"
    )
    assert _ids(browser.get("/cases/mine?need=welsh&stage=licence")) == _of(data, "licence_welsh_child")
    # Within a group, either; across groups, both.
    assert _ids(browser.get("/cases/mine?stage=custody&stage=closure_due")) == _of(data, "custody", "ended")
    assert _ids(browser.get("/cases/mine?due=overdue")) == _of(data, "custody")
    assert _ids(browser.get("/cases/mine?due=this_week")) == _of(data, "licence_child", "pre_release_welsh")
    assert _ids(browser.get("/cases/mine?scheme=statutory")) == _of(data, *mine)
    assert _ids(browser.get("/cases/mine?scheme=vns")) == set()
    assert _ids(browser.get("/cases/mine?stage=nonsense")) == _of(data, *mine)  # unknown values are dropped


def test_counts_beside_each_option(app, data):
    page = signed_in(app, data["vlo"]).get("/cases/mine?need=welsh")
    # Stage counts: the cases that need Welsh, at each stage.
    assert _count(page, "stage", "licence") == 1
    assert _count(page, "stage", "pre_release") == 1
    assert _count(page, "stage", "custody") == 0
    # The needs group's own counts leave its choice out: every case of mine with each need.
    assert _count(page, "need", "welsh") == 2
    assert _count(page, "need", "child_victims") == 2
    assert _count(page, "due", "overdue") == 0  # the overdue case does not need Welsh
    assert _count(page, "due", "this_week") == 1
    assert "Selected filters" in page and "Remove this filter" in page and "Clear filters" in page


def test_the_filters_keep_the_sort_and_search(app, data):
    browser = signed_in(app, data["vlo"])
    page = browser.get("/cases/mine?stage=licence&sort=crn&order=desc")
    crns = [
        db.session.get(Offender, data["cases"][name].offender_id).crn
        for name in ("licence_welsh_child", "licence_child")
    ]
    assert page.index(crns[0]) < page.index(crns[1])
    assert "stage=licence" in re.search(r'href="([^"]*sort=offender[^"]*)"', page).group(1)
    # The search form keeps the filters, and looks within open cases when filters are chosen.
    assert '<input type="hidden" name="status" value="open">' in page
    searched = browser.get(f"/cases/mine?stage=licence&status=open&q={crns[1]}")
    assert _ids(searched) == {data["cases"]["licence_child"].id}
    assert _count(searched, "stage", "licence") == 1  # the counts honour the search


def test_team_cases_filter_by_allocated_vlo_with_unallocated(app, data):
    browser = signed_in(app, data["spo"])
    page = browser.get("/cases/team?vlo=none")
    assert _ids(page) - {None} >= _of(data, "unallocated")
    listed = _ids(page)
    assert data["cases"]["colleagues"].id not in listed and data["cases"]["custody"].id not in listed
    assert _count(page, "vlo", "none") == 1
    assert _count(page, "vlo", str(data["vlo"].id)) == 5
    assert _count(page, "vlo", str(data["colleague"].id)) == 1
    both = browser.get(f"/cases/team?vlo=none&vlo={data['colleague'].id}&stage=pre_release")
    assert data["cases"]["colleagues"].id in _ids(both) and data["cases"]["unallocated"].id not in _ids(both)
    assert "Bea Birch" in both and "Unallocated" in both


def test_closed_case_lists_still_work(app, data):
    browser = signed_in(app, data["vlo"])
    page = browser.get("/cases/mine?status=closed&stage=licence")
    assert _ids(page) == _of(data, "closed")
    assert "Filters apply to open cases" in page


def test_chosen_filters_are_remembered_and_cleared(app, data):
    vlo = data["vlo"]
    browser = signed_in(app, vlo)
    browser.get("/cases/mine?filters=1&stage=licence&need=welsh")
    saved = db.session.scalar(select(SavedListFilter.query).where(SavedListFilter.user_id == vlo.id))
    assert saved == "stage=licence&need=welsh"
    # Opened bare: back to the choices.
    response = browser.client.get("/cases/mine")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/cases/mine?stage=licence&need=welsh"
    )
    # A sort or a page link leaves them alone.
    browser.get("/cases/mine?sort=crn")
    assert db.session.scalar(select(SavedListFilter.query).where(SavedListFilter.user_id == vlo.id)) == saved
    # Each list remembers its own.
    assert (
        db.session.scalar(select(SavedListFilter.list_name).where(SavedListFilter.user_id == vlo.id))
        == "caseload"
    )
    # Clear filters forgets them.
    response = browser.client.get("/cases/mine?clear=1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases/mine")
    assert db.session.scalar(select(SavedListFilter).where(SavedListFilter.user_id == vlo.id)) is None
    assert browser.client.get("/cases/mine").status_code == 200
    # Applying no filters forgets them too.
    browser.get("/cases/mine?filters=1&stage=custody")
    browser.get("/cases/mine?filters=1")
    assert db.session.scalar(select(SavedListFilter).where(SavedListFilter.user_id == vlo.id)) is None


def test_a_tag_removes_its_own_filter(app, data):
    page = signed_in(app, data["vlo"]).get("/cases/mine?stage=licence&need=welsh")
    tags = re.findall(r'class="moj-filter__tag" href="([^"]+)"', page)
    assert len(tags) == 2
    first = tags[0].replace("&amp;", "&")
    assert "stage=licence" not in first and "need=welsh" in first and "filters=1" in first


@pytest.mark.parametrize(
    ("role", "path"),
    [("vlo", "/cases/mine?stage=licence&need=welsh"), ("spo", "/cases/team?stage=licence&vlo=none")],
)
def test_statements_do_not_grow_with_the_caseload(app, make, data, count_queries, monkeypatch, role, path):
    monkeypatch.setitem(app.config, "CASELOAD_PAGE_SIZE", 100)
    browser = signed_in(app, data[role])
    counted = {}
    for size in (5, 40):
        for number in range(size):
            case = make.case(vlo=data["vlo"], victims=0, **LICENCE)
            make.person(
                case, language="cy", date_of_birth=date(2012, 1, 1) if number % 2 else date(1980, 1, 1)
            )
            _deadline(case, date(2026, 11, 20 + number % 10))
        browser.get(path)
        with count_queries() as counter:
            browser.get(path)
        counted[size] = counter.count
    assert counted[5] == counted[40], counted
    # The session, the model and the facts of the open cases (the cases and six of their parts),
    # their deadlines, a count and the page; the team's VLOs for Team cases.
    assert counted[40] <= 15, counted


def test_week_ends_on_sunday():
    assert filters.week_ends(date(2026, 11, 23)) == date(2026, 11, 29)
    assert filters.week_ends(date(2026, 11, 29)) == date(2026, 11, 29)
