"""Compliance figures against hand-built data (issue 15, "Done when"): a team of three VLOs with
known deadlines gives known counts and percentages, at team and VLO level, on the period's
boundaries; every figure on the page equals the cases listed behind it; who may see what; CSV
downloads formula-safe and audited; statement counts that do not grow with the cases."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from victims.audit.models import AuditEvent
from victims.cases.models import Offender
from victims.compliance import queries
from victims.domain.compliance import Count, Measure, Outcome, Period, Preset, preset_period
from victims.domain.needs import Course
from victims.domain.oversight import Level
from victims.domain.vocabulary import Role
from victims.staff.models import TrainingRecord
from victims.staff.scopes import Scope
from victims.work.models import CaseDeadline, Task

TODAY = date(2026, 11, 25)  # the frozen clock's day
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31), Preset.LAST_MONTH)


def _deadline(session, case, code, due_on, status="open", days_late=None):
    met_on = due_on if status == "met" else None
    record = CaseDeadline(
        case_id=case.id,
        code=code,
        due_on=due_on,
        counted_from=date(2026, 1, 1),
        rule_version=1,
        rule_number=1,
        status=status,
        met_on=met_on,
        days_late=days_late if status == "met" else None,
    )
    session.add(record)
    session.flush()
    return record


@pytest.fixture()
def team(make, database, frozen_clock):
    session = database.session
    region = make.region("east_of_england")
    team = make.team(region, name="Bedford")
    ann = make.user(Role.VLO, team, name="Ann")
    bob = make.user(Role.VLO, team, name="Bob")
    cat = make.user(Role.VLO, team, name="Cat")
    gone = make.user(Role.VLO, team, name="Gone", active=False)
    a1 = make.case(vlo=ann)
    session.get(Offender, a1.offender_id).first_name = "=HYPERLINK(1)"
    a2 = make.case(vlo=ann)
    b1 = make.case(vlo=bob)
    b2 = make.case(vlo=bob, status="closed")
    b2.closed_at = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    c1 = make.case(vlo=cat)
    u1 = make.case(team=team)  # nobody's: the team's, no VLO's
    # Ann
    _deadline(session, a1, "initial_contact", date(2026, 10, 10), "met", 0)  # on time
    _deadline(session, a1, "licence_outcome", date(2026, 10, 31), "met", 2)  # late, the last day
    overdue = _deadline(session, a2, "initial_contact", date(2026, 10, 20))  # missed
    _deadline(session, a2, "licence_outcome", date(2026, 11, 1))  # the day after: not October's
    _deadline(session, a2, "event_recall", date(2026, 10, 5), "met", 0)  # on time
    session.add(
        Task(case_id=a2.id, team_id=team.id, deadline_id=overdue.id, title="Contact", assigned_to_id=ann.id)
    )
    # Bob
    _deadline(session, b1, "vns_initial_contact", date(2026, 10, 1), "met", 0)  # on time, the first day
    _deadline(session, b1, "pre_release_window", date(2026, 10, 15), "met", 5)  # late
    _deadline(session, b1, "licence_representations", date(2026, 9, 30))  # September's; overdue now
    _deadline(session, b2, "initial_contact_from_sentence", date(2026, 10, 12), "closed")  # missed
    # Cat
    _deadline(session, c1, "initial_contact", date(2026, 10, 3), "cancelled")  # not counted
    _deadline(session, c1, "licence_representations", date(2026, 10, 28), "met", 0)  # on time
    _deadline(session, c1, "event_release", date(2026, 11, 30))  # not yet due (this month)
    _deadline(session, c1, "annual_update", date(2026, 10, 9))  # no measure; overdue now
    # Nobody's
    _deadline(session, u1, "initial_contact", date(2026, 10, 8), "met", 3)  # late
    # Letters back: London's 31 October (GMT) and 1 October (BST, 30 September in UTC); not 1 November.
    for moment in ((2026, 10, 31, 23, 30), (2026, 9, 30, 23, 30), (2026, 11, 1, 0, 30)):
        make.contact(
            a1,
            ann,
            outcome="returned_mail",
            method="letter",
            direction="inbound",
            occurred_at=datetime(*moment, tzinfo=UTC),
        )
    make.person(a1, contact_lost=True, contact_lost_on=date(2026, 10, 31))
    make.person(b1, contact_lost_on=date(2026, 9, 20), contact_regained_on=date(2026, 10, 5))
    # Training: Ann valid; Bob's expired yesterday; Cat's expires today (still valid), Prevent
    # not until tomorrow; Gone is not active.
    for user, course, completed, expires in (
        (ann, Course.SAFEGUARDING_ADULTS, date(2025, 1, 1), date(2027, 1, 1)),
        (bob, Course.SAFEGUARDING_ADULTS, date(2023, 1, 1), date(2026, 11, 24)),
        (cat, Course.SAFEGUARDING_ADULTS, date(2024, 1, 1), TODAY),
        (cat, Course.PREVENT, date(2026, 11, 26), None),
        (gone, Course.SAFEGUARDING_ADULTS, date(2025, 1, 1), None),
    ):
        session.add(
            TrainingRecord(user_id=user.id, course=course, completed_on=completed, expires_on=expires)
        )
    session.flush()
    manager = make.user(Role.MANAGER, region=region)
    return {"team": team, "region": region, "ann": ann, "bob": bob, "cat": cat, "manager": manager, "a1": a1}


def _scope(level, subject, data):
    team = data["team"]
    if level == Level.TEAM:
        return Scope(Level.TEAM, team.id, team.name, region_id=team.region_id, team_id=team.id)
    return Scope(
        Level.VLO, subject.id, subject.name, region_id=team.region_id, team_id=team.id, vlo_id=subject.id
    )


def test_a_team_of_three_gives_known_counts_and_percentages(team):
    figures = queries.figures(_scope(Level.TEAM, None, team), OCTOBER, TODAY)
    d = figures.deadlines
    assert d[Measure.INITIAL_CONTACT] == {
        Outcome.ON_TIME: 2,
        Outcome.LATE: 1,
        Outcome.MISSED: 2,
        Outcome.NOT_YET_DUE: 0,
    }
    assert figures.percent(Measure.INITIAL_CONTACT) == 40
    assert figures.percent(Measure.INITIAL_CONTACT, Outcome.MISSED) == 40
    assert d[Measure.PRE_RELEASE][Outcome.LATE] == 1 and figures.percent(Measure.PRE_RELEASE) == 0
    assert d[Measure.REPRESENTATIONS][Outcome.ON_TIME] == 1 and figures.decided(Measure.REPRESENTATIONS) == 1
    # Due on the period's last day counts; the day after does not.
    assert d[Measure.OUTCOME] == {
        Outcome.ON_TIME: 0,
        Outcome.LATE: 1,
        Outcome.MISSED: 0,
        Outcome.NOT_YET_DUE: 0,
    }
    assert d[Measure.EVENTS][Outcome.ON_TIME] == 1 and figures.decided(Measure.EVENTS) == 1
    assert figures.counts == {
        Count.OVERDUE_DEADLINES: 4,  # Ann's two open, Bob's September one, Cat's annual update
        Count.OVERDUE_TASKS: 1,
        Count.LETTERS_RETURNED: 2,
        Count.CONTACT_LOST: 1,
        Count.CONTACT_REGAINED: 1,
    }
    assert figures.active_vlos == 3
    assert figures.training[Course.SAFEGUARDING_ADULTS] == 2
    assert figures.training_percent(Course.SAFEGUARDING_ADULTS) == 67
    assert figures.training_percent(Course.PREVENT) == 0


def test_the_sql_classifies_every_deadline_as_the_domain_rule_does(team, database):
    from victims.cases.models import Case
    from victims.compliance.queries import _outcome
    from victims.domain.compliance import classify

    rows = database.session.execute(
        select(
            CaseDeadline.status, CaseDeadline.due_on, CaseDeadline.days_late, Case.closed_at, _outcome(TODAY)
        )
        .join(Case, Case.id == CaseDeadline.case_id)
        .where(Case.team_id == team["team"].id)
    ).all()
    assert len(rows) == 14  # every deadline the fixture made
    for status, due_on, days_late, closed_at, outcome in rows:
        closed_on = closed_at.date() if closed_at else None
        expected = classify(status, due_on, days_late, TODAY, closed_on)
        assert outcome == (expected.value if expected else None), (status, due_on, days_late, closed_at)


def test_each_vlo_has_their_own_figures_and_nothing_due_is_not_zero(team):
    children = dict(
        (child.name, figures)
        for child, figures in queries.by_child(_scope(Level.TEAM, None, team), OCTOBER, TODAY)
    )
    assert list(children) == ["Ann", "Bob", "Cat"]
    ann, bob, cat = children["Ann"], children["Bob"], children["Cat"]
    assert ann.percent(Measure.INITIAL_CONTACT) == 50 and ann.deadlines[Measure.OUTCOME][Outcome.LATE] == 1
    assert bob.percent(Measure.INITIAL_CONTACT) == 50 and bob.percent(Measure.PRE_RELEASE) == 0
    assert cat.percent(Measure.INITIAL_CONTACT) is None  # cancelled: "no deadlines due", not 0%
    assert cat.percent(Measure.REPRESENTATIONS) == 100
    assert (ann.counts[Count.OVERDUE_DEADLINES], bob.counts[Count.OVERDUE_DEADLINES]) == (2, 1)
    found = queries.breakdown(_scope(Level.TEAM, None, team), OCTOBER, TODAY)
    assert found.rest.deadlines[Measure.INITIAL_CONTACT][Outcome.LATE] == 1  # the nobody's case
    summed = queries.Figures()
    for _child, figures in found.children:
        summed.add(figures)
    summed.add(found.rest)
    assert summed.deadlines == found.totals.deadlines and summed.counts == found.totals.counts
    # The VLO's own scope gives the same as their row.
    alone = queries.figures(_scope(Level.VLO, team["bob"], team), OCTOBER, TODAY)
    assert alone.deadlines == bob.deadlines and alone.counts == bob.counts


def test_this_month_shows_what_is_not_yet_due(team):
    figures = queries.figures(_scope(Level.TEAM, None, team), preset_period(Preset.THIS_MONTH, TODAY), TODAY)
    assert figures.deadlines[Measure.EVENTS][Outcome.NOT_YET_DUE] == 1
    assert figures.deadlines[Measure.OUTCOME][Outcome.MISSED] == 1  # due 1 November, still open
    assert figures.percent(Measure.EVENTS) is None


def test_monthly_puts_each_deadline_in_the_month_it_was_due(team):
    months = queries.monthly(_scope(Level.TEAM, None, team), 12, TODAY)
    assert [first for first, _ in months][-2:] == [date(2026, 10, 1), date(2026, 11, 1)]
    october = months[-2][1]
    assert october.deadlines == queries.figures(_scope(Level.TEAM, None, team), OCTOBER, TODAY).deadlines
    assert months[-3][1].decided(Measure.REPRESENTATIONS) == 1  # September's, missed


def test_the_monthly_chart_colours_on_time_late_and_missed(team):
    from victims.charts import GREEN, ORANGE, RED
    from victims.compliance.charts import monthly_chart

    chart = monthly_chart(queries.monthly(_scope(Level.TEAM, None, team), 12, TODAY))
    assert chart.headers == ("Month", "On time", "Late", "Missed")
    assert chart.rows[-2] == ("Oct 2026", 4, 3, 2)  # as counted by hand in the fixture
    assert all(colour in chart.svg for colour in (GREEN, ORANGE, RED))


def test_snapshot_figures_for_every_vlo_team_and_region(team):
    found = queries.snapshot_figures(TODAY)
    mine = found[(Level.TEAM, team["team"].id)]
    assert mine["overdue_deadlines"] == 4 and mine["overdue_tasks"] == 1
    assert mine["contact_lost"] == 1 and mine["active_vlos"] == 3
    assert mine["training_valid_safeguarding_adults"] == 2
    assert found[(Level.VLO, team["ann"].id)]["overdue_deadlines"] == 2
    assert found[(Level.REGION, team["region"].id)]["overdue_deadlines"] >= 4
    assert all(isinstance(value, int) for figures in found.values() for value in figures.values())


# --- the pages ---------------------------------------------------------------------------------


def _figure_links(page: str) -> list[tuple[str, int]]:
    return [
        (html.unescape(href), int(number.replace(",", "")))
        for href, number in re.findall(
            r'<a class="govuk-link" href="([^"]*compliance/cases[^"]*)"[^>]*>([\d,]+)<', page
        )
    ]


@pytest.mark.parametrize("level", ["team", "vlo", "region"])
def test_every_figure_on_the_page_equals_the_cases_behind_it(app, team, level):
    browser = signed_in(app, team["manager"])
    key = {
        "team": f"team:{team['team'].id}",
        "vlo": f"vlo:{team['ann'].id}",
        "region": f"region:{team['region'].id}",
    }
    page = browser.get(f"/management/compliance/?scope={key[level]}&period=last_month")
    links = _figure_links(page)
    assert len(links) >= (6 if level == "vlo" else 10)
    for href, number in links:
        listed = browser.get(href)
        total = int(re.search(r'data-testid="total">([\d,]+) ', listed).group(1).replace(",", ""))
        assert total == number, href
        assert listed.count("data-case-id=") == min(number, 50), href
        rows = list(csv.reader(io.StringIO(browser.client.get(href.replace("/cases?", "/cases.csv?")).text)))
        assert len(rows) - 1 == number, href


def test_the_team_page_shows_counts_and_percentages(app, team):
    page = signed_in(app, team["manager"]).get(
        f"/management/compliance/?scope=team:{team['team'].id}&period=last_month"
    )
    row = re.search(r'data-row="initial_contact".*?</tr>', page, re.S).group(0)
    assert re.search(r'data-col="percent">40%<', row)
    assert "Compliance by month" in page and "data:image/svg+xml;base64," in page
    child = re.search(rf'data-child="vlo:{team["cat"].id}".*?</tr>', page, re.S).group(0)
    assert "No deadlines due" in child and "100%" in child
    assert f'href="/management/compliance/?scope=vlo:{team["ann"].id}&amp;period=last_month"' in page
    # The nobody's case: in the team's figures and a row of its own, so the rows add up.
    rest = re.search(r'data-child="rest".*?</tr>', page, re.S).group(0)
    assert "Not allocated" in rest and re.search(r"0%<br>.*?0 of 1<", rest, re.S)


def test_a_custom_period_with_date_inputs_and_a_wrong_one(app, team):
    browser = signed_in(app, team["manager"])
    base = f"/management/compliance/?scope=team:{team['team'].id}&period=custom"
    page = browser.get(base + "&starts_on=31&starts_on=10&starts_on=2026&ends_on=31&ends_on=10&ends_on=2026")
    row = re.search(r'data-row="outcome".*?</tr>', page, re.S).group(0)
    assert re.search(r'data-col="late">.*?>1<', row, re.S)
    bad = browser.get(base + "&starts_on=1&starts_on=11&starts_on=2026&ends_on=1&ends_on=10&ends_on=2026")
    assert "The last day must be the same as or after the first day" in bad
    assert bad.count('class="govuk-error-summary"') == 1 and "<title>Error: " in bad


def test_another_regions_scope_is_404_and_staff_are_refused(app, make, team):
    other_region = make.region("london")
    other = make.user(Role.MANAGER, region=other_region)
    browser = signed_in(app, other)
    for path in (
        f"/management/compliance/?scope=team:{team['team'].id}",
        f"/management/compliance/?scope=vlo:{team['ann'].id}",
        f"/management/compliance/?scope=region:{team['region'].id}",
        "/management/compliance/?scope=national",
        f"/management/compliance/cases?scope=team:{team['team'].id}&measure=initial_contact",
        f"/management/compliance/export.csv?scope=team:{team['team'].id}&table=figures",
    ):
        browser.get(path, status=404)
    browser.get("/management/compliance/?scope=nonsense", status=404)
    assert "Compliance: London" in browser.get("/management/compliance/")
    for role in (Role.VLO, Role.SPO):
        user = team["ann"] if role == Role.VLO else make.user(Role.SPO, team["team"])
        signed_in(app, user).get(f"/management/compliance/?scope=team:{team['team'].id}", status=403)
        signed_in(app, user).get(
            f"/management/compliance/cases?scope=team:{team['team'].id}&measure=events", status=403
        )
    national = make.user(Role.MANAGER, region=other_region, national=True)
    assert "Compliance: England and Wales" in signed_in(app, national).get("/management/compliance/")


def test_csv_downloads_are_formula_safe_and_audited(app, database, team):
    browser = signed_in(app, team["manager"])
    scope = f"team:{team['team'].id}"
    response = browser.client.get(
        f"/management/compliance/cases.csv?scope={scope}&measure=initial_contact&outcome=on_time&period=last_month"
    )
    text = response.text
    assert response.mimetype == "text/csv"
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert not re.search(r"Victim\d|Test Street|example\.com", text)  # nothing about a victim
    for table in ("figures", "children", "monthly", "training"):
        assert (
            browser.client.get(
                f"/management/compliance/export.csv?scope={scope}&table={table}&period=last_month"
            ).status_code
            == 200
        )
    events = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "compliance_exported")
    ).all()
    tables = sorted(event.details["table"] for event in events)
    assert tables == ["cases", "children", "figures", "monthly", "training"]
    cases = next(event for event in events if event.details["table"] == "cases")
    assert cases.details["from"] == "2026-10-01" and cases.details["measure"] == "initial_contact"
    assert cases.user_id == team["manager"].id


def test_the_page_makes_the_same_statements_for_more_cases_and_vlos(app, make, database, team, count_queries):
    browser = signed_in(app, team["manager"])
    path = f"/management/compliance/?scope=team:{team['team'].id}&period=last_month"
    browser.get(path)
    with count_queries() as before:
        browser.get(path)
    for number in range(6):
        vlo = make.user(Role.VLO, team["team"])
        case = make.case(vlo=vlo)
        _deadline(database.session, case, "initial_contact", date(2026, 10, 2 + number), "met", number % 2)
    with count_queries() as after:
        browser.get(path)
    assert before.count == after.count, (before.count, after.count)
    assert after.count <= 20, after.count
