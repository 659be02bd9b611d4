"""The closed months stored by the nightly snapshot (issue 16): the national and region pages read
them for the months before this one and work out only the rest live. For the same data the stored
plus live figures equal the figures worked out all live: every preset, a custom period across a
month boundary, the night a month closed, and a night the snapshot missed (an older set is not
read: everything live). A change after the set was taken shows from the next night's set (the
contract the page states). Statement counts do not grow with the country."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete

from tests.helpers import signed_in
from victims.compliance import queries
from victims.compliance.models import ComplianceMonth
from victims.compliance.services import store_months
from victims.domain.compliance import Period, Preset, preset_period
from victims.domain.oversight import TREND_MONTHS, Level
from victims.domain.vocabulary import Role
from victims.staff.scopes import NATIONAL, Scope
from victims.work.models import CaseDeadline, Task

TODAY = date(2026, 11, 25)  # the frozen clock's day
CODES = ("initial_contact", "licence_outcome", "pre_release_window", "event_recall", "annual_update")


def _deadline(session, case, code, due_on, status="open", days_late=None):
    record = CaseDeadline(
        case_id=case.id,
        code=code,
        due_on=due_on,
        counted_from=date(2025, 1, 1),
        rule_version=1,
        rule_number=1,
        status=status,
        met_on=due_on + timedelta(days=days_late or 0) if status == "met" else None,
        days_late=days_late if status == "met" else None,
    )
    session.add(record)
    session.flush()
    return record


def _country(make, session, regions: int = 2, cases_each: int = 6):
    """Cases in two regions (two teams each) with deadlines of every outcome from 14 months ago
    to next month, open tasks, returned letters, lost and regained contact."""
    made = []
    for r, code in enumerate(("east_of_england", "london")[:regions]):
        region = make.region(code)
        for t in range(2):
            team = make.team(region, name=f"{code} {t}")
            vlo = make.user(Role.VLO, team)
            for n in range(cases_each):
                number = r * 100 + t * 10 + n
                closed = n == cases_each - 1
                case = make.case(vlo=vlo, status="closed" if closed else "open")
                if closed:
                    case.closed_at = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
                for k, rule in enumerate(CODES):
                    due = TODAY - timedelta(days=(number * 37 + k * 53) % 430 - 20)
                    roll = (number + k) % 5
                    if due >= TODAY:
                        status = "open"
                    elif closed:
                        status = "closed"
                    else:
                        status = ("met", "met", "open", "met", "cancelled")[roll]
                    deadline = _deadline(session, case, rule, due, status, roll if status == "met" else None)
                    if status == "open":
                        session.add(
                            Task(
                                case_id=case.id,
                                team_id=team.id,
                                deadline_id=deadline.id,
                                title="Contact",
                                assigned_to_id=vlo.id,
                            )
                        )
                make.contact(
                    case,
                    vlo,
                    outcome="returned_mail",
                    method="letter",
                    direction="inbound",
                    occurred_at=datetime.combine(
                        TODAY - timedelta(days=number * 11 % 300), datetime.min.time(), UTC
                    ),
                )
                lost = TODAY - timedelta(days=number * 13 % 200)
                make.person(case, contact_lost_on=lost, contact_regained_on=lost + timedelta(days=9))
            made.append(team)
        made.append(region)
    session.flush()
    return made


def _scopes(regions) -> list[Scope]:
    return [NATIONAL] + [Scope(Level.REGION, r.id, r.name, region_id=r.id) for r in regions]


def _periods(today: date) -> list[Period]:
    return [preset_period(preset, today) for preset in Preset if preset != Preset.CUSTOM] + [
        Period(date(2026, 9, 15), date(2026, 11, 10)),  # across two month boundaries
        Period(date(2025, 6, 1), date(2026, 8, 31)),  # partly older than the stored months
    ]


def _same(scope: Scope, period: Period, today: date) -> None:
    stored = queries.breakdown(scope, period, today)
    live = queries.breakdown(scope, period, today, live=True)
    assert stored.totals == live.totals, (scope.key, period)
    assert stored.children == live.children, (scope.key, period)
    assert stored.rest == live.rest
    for ending in (None, date(2026, 10, 31)):
        assert queries.monthly(scope, TREND_MONTHS, today, ending) == queries.monthly(
            scope, TREND_MONTHS, today, ending, live=True
        ), (scope.key, ending)


@pytest.fixture()
def country(make, database, frozen_clock):
    made = _country(make, database.session)
    return [item for item in made if item.__class__.__name__ == "Region"]


def test_stored_plus_live_equals_all_live_for_every_period(database, country):
    assert store_months(TODAY) > 0
    for scope in _scopes(country):
        assert queries.stored(scope, TODAY) is not None, scope.key  # read, not live
        for period in _periods(TODAY):
            _same(scope, period, TODAY)
    found = queries.breakdown(NATIONAL, preset_period(Preset.LAST_12_MONTHS, TODAY), TODAY)
    assert found.stored_on == TODAY and found.totals.counted()


def test_the_night_a_month_closes_and_the_morning_after(database, country):
    # The set taken on 31 October still has October open: on 1 November October is live.
    store_months(date(2026, 10, 31))
    first = date(2026, 11, 1)
    kept = queries.stored(NATIONAL, first)
    assert kept is not None and date(2026, 10, 1) not in kept.holds()
    for scope in _scopes(country):
        for period in _periods(first):
            _same(scope, period, first)
    # Tonight's set holds October.
    store_months(first)
    kept = queries.stored(NATIONAL, first)
    assert kept is not None and kept.taken_on == first and date(2026, 10, 1) in kept.holds()
    for scope in _scopes(country):
        for period in _periods(first):
            _same(scope, period, first)


def test_a_missed_night_is_worked_out_live_not_read_stale(database, country):
    store_months(TODAY - timedelta(days=2))  # then the beat was down for two nights
    assert queries.stored(NATIONAL, TODAY) is None
    found = queries.breakdown(NATIONAL, preset_period(Preset.LAST_MONTH, TODAY), TODAY)
    assert found.stored_on is None
    for scope in _scopes(country):
        for period in _periods(TODAY):
            _same(scope, period, TODAY)
    # Last night's set (taken yesterday: tonight's not yet) is read.
    store_months(TODAY - timedelta(days=1))
    assert queries.stored(NATIONAL, TODAY).taken_on == TODAY - timedelta(days=1)
    for scope in _scopes(country):
        _same(scope, preset_period(Preset.LAST_3_MONTHS, TODAY), TODAY)


def test_work_on_a_closed_months_deadline_shows_from_the_next_nights_set(database, country):
    session = database.session
    store_months(TODAY)
    october = Period(date(2026, 10, 1), date(2026, 10, 31))
    overdue = (
        session.query(CaseDeadline)
        .filter(
            CaseDeadline.status == "open", CaseDeadline.due_on.between(october.starts_on, october.ends_on)
        )
        .filter(CaseDeadline.code.in_(("initial_contact", "licence_outcome", "pre_release_window")))
        .first()
    )
    assert overdue is not None
    before = queries.figures(NATIONAL, october, TODAY)
    overdue.status, overdue.met_on, overdue.days_late = "met", TODAY, 3
    session.flush()
    assert queries.figures(NATIONAL, october, TODAY) == before  # last night's set, as the page says
    assert queries.figures(NATIONAL, october, TODAY, live=True) != before
    session.execute(delete(ComplianceMonth))
    store_months(TODAY)  # the next night's set
    assert queries.figures(NATIONAL, october, TODAY) == queries.figures(NATIONAL, october, TODAY, live=True)


def test_taking_the_set_again_writes_nothing_and_old_sets_are_removed(database, country):
    first = store_months(TODAY - timedelta(days=9))
    assert first > 0
    assert store_months(TODAY) == first
    assert store_months(TODAY) == 0
    assert database.session.query(ComplianceMonth.taken_on).distinct().all() == [(TODAY,)]


def test_the_national_and_region_pages_make_the_same_statements_for_a_larger_country(
    app, make, database, frozen_clock, count_queries
):
    session = database.session
    regions = [item for item in _country(make, session, cases_each=1) if item.__class__.__name__ == "Region"]
    national = make.user(Role.MANAGER, region=regions[0], national=True)
    regional = make.user(Role.MANAGER, region=regions[0])
    store_months(TODAY)
    pages = [
        (national, f"/management/compliance/?scope=national&period={preset.value}")
        for preset in (Preset.THIS_MONTH, Preset.LAST_MONTH, Preset.LAST_12_MONTHS)
    ] + [(regional, f"/management/compliance/?scope=region:{regions[0].id}&period=last_12_months")]
    browsers = {user.id: signed_in(app, user) for user in (national, regional)}

    def counts() -> list[int]:
        found = []
        for user, path in pages:
            browsers[user.id].get(path)
            with count_queries() as counter:
                page = browsers[user.id].get(path)  # 200, or it fails
            assert 'data-testid="stored-on"' in page  # read from the stored set
            found.append(counter.count)
        return found

    small = counts()
    for team in session.query(make.team().__class__).all():
        for _ in range(9):  # ten times the cases
            case = make.case(team=team)
            _deadline(session, case, "initial_contact", TODAY - timedelta(days=40), "met", 1)
            _deadline(session, case, "licence_outcome", TODAY - timedelta(days=3))
    session.execute(delete(ComplianceMonth))
    store_months(TODAY)
    assert counts() == small, small
    assert max(small) <= 16, small
