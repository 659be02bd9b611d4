"""The lists a manager or an SPO opens over many cases (issue 16): each reads the same number of
statements with 5 cases as with 50, and a list longer than the count's cap says "more than …"
with no last page to jump to."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.helpers import signed_in
from victims import lists
from victims.audit import services as audit
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.vocabulary import Role

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

PAGES = {
    "national cases by next deadline": ("national", "/cases/region?sort=deadline"),
    "regional cases by next deadline": ("regional", "/cases/region?sort=deadline"),
    "team cases by next deadline": ("spo", "/cases/team?sort=deadline"),
    "national audit trail": ("national", "/audit/"),
    "regional audit trail": ("regional", "/audit/"),
    "address reveals": ("spo", "/audit/reveals"),
}


@pytest.fixture()
def world(make, database, frozen_clock):
    frozen_clock.set(NOW)
    region = make.region()
    team = make.team(region)
    people = {
        "team": team,
        "vlo": make.user(Role.VLO, team=team),
        "spo": make.user(Role.SPO, team=team),
        "regional": make.user(Role.MANAGER, region=region),
        "national": make.user(Role.MANAGER, national=True),
    }
    database.session.flush()
    return people


def _add_cases(make, database, world, count: int) -> None:
    """Cases with their deadlines (so a next due date), a sighting and a flagged reveal each."""
    for number in range(count):
        case = make.case(vlo=world["vlo"], victims=1, crd=date(2027, 3, 1) + timedelta(days=11 * number))
        refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "opened")
        for action, flagged in (("case_viewed", False), ("contact_details_revealed", True)):
            audit.record(
                action,
                "case",
                case.id,
                case_id=case.id,
                region_id=case.region_id,
                user=world["vlo"],
                flagged=flagged,
            )
    database.session.flush()


@pytest.mark.parametrize("page", list(PAGES))
def test_the_page_reads_the_same_statements_for_5_or_50_cases(
    app, make, database, world, count_queries, page
):
    who, path = PAGES[page]
    browser = signed_in(app, world[who])
    counted = {}
    made = 0
    for size in (5, 50):
        _add_cases(make, database, world, size - made)
        made = size
        browser.get(path)  # warm: the session and what a first request caches
        with count_queries() as counter:
            browser.get(path)
        counted[size] = counter.count
    assert counted[5] == counted[50], counted


def test_the_national_list_by_deadline_reads_the_kept_column(app, make, database, world, count_queries):
    _add_cases(make, database, world, 3)
    browser = signed_in(app, world["national"])
    with count_queries() as counter:
        browser.get("/cases/region?sort=deadline")
    sent = " ".join(counter.statements)
    assert "ORDER BY cases.next_due_on" in sent, sent
    assert "min(deadlines.due_on)" not in sent, sent


def test_a_list_past_the_cap_says_more_than_and_has_no_last_page(app, make, database, world, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 20)
    for _number in range(60):
        audit.record(
            "signed_in", "user", world["vlo"].id, user=world["vlo"], region_id=world["vlo"].region_id
        )
        database.session.flush()
    browser = signed_in(app, world["regional"])

    first = browser.get("/audit/")
    assert "Showing 1 to 50 of more than 20 events" in first
    assert 'href="/audit/?page=2"' in first  # the next page
    assert "page=3" not in first  # no last page past what was counted

    second = browser.get("/audit/?page=2")
    assert "Showing 51 to 60 of more than 20 events" in second
    assert "page=3" not in second  # a short page: nothing follows

    beyond = browser.get("/audit/?page=9")  # typed past the end: counted in full, the last page
    shown = re.search(r"Showing \d+ to \d+ of [^<]* events", beyond).group(0)
    assert shown == "Showing 51 to 60 of 60 events", shown


def test_the_count_stops_at_the_cap(make, database, world, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 4)
    _add_cases(make, database, world, 7)
    from victims.cases import queries

    result = queries.list_cases(world["national"], sort="deadline", per_page=5)
    assert (result.capped, result.total, result.total_text, result.has_next) == (True, 5, "more than 4", True)
    last = queries.list_cases(world["national"], sort="deadline", per_page=5, page=2)
    assert (len(last.rows), last.has_next) == (2, False)
    dates = [row.next_deadline for row in result.rows + last.rows]
    assert dates == sorted(dates)
