"""Feedback for managers (issue 15, item 6): per region and team, small numbers hidden (and the
one more group that would give a hidden one away), comments for the region's own managers, a
CSV that is formula-safe and audited, and feedback a VLO records from a call."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from victims.audit.models import AuditEvent
from victims.domain.oversight import Answer, FeedbackAbout, FeedbackSource, Level
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.feedback import queries
from victims.feedback.models import FeedbackResponse
from victims.staff.scopes import NATIONAL, Scope

DAY = date(2026, 11, 10)


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


def respond(
    team,
    count,
    *,
    satisfaction=4,
    informed=Answer.YES,
    safer=Answer.NO,
    about=FeedbackAbout.INITIAL_CONTACT,
    comments=None,
    on=DAY,
):
    for _ in range(count):
        db.session.add(
            FeedbackResponse(
                team_id=team.id,
                region_id=team.region_id,
                source=FeedbackSource.LINK,
                about=about,
                language="en",
                satisfaction=satisfaction,
                kept_informed=informed,
                felt_safer=safer,
                comments=comments,
                received_on=on,
            )
        )
    db.session.flush()


def region_scope(team) -> Scope:
    return Scope(Level.REGION, team.region_id, "East of England", region_id=team.region_id)


def team_scope(team) -> Scope:
    return Scope(Level.TEAM, team.id, team.name, region_id=team.region_id, team_id=team.id)


def test_four_responses_are_fewer_than_five_and_five_show_figures(make, today, web):
    unit = make.team(name="Alpha team")
    manager = make.user(Role.MANAGER)
    respond(unit, 4, satisfaction=5)
    period = queries.period_from_key("12m")
    found = queries.summary(team_scope(unit), period)
    assert found.total.cells == (
        "All responses",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
    )
    page = web(manager).get(f"/management/feedback?scope=team:{unit.id}&period=12m")
    assert "Fewer than 5 responses: figures not shown" in page
    assert "Comments are shown when there are 5 responses or more" in page

    respond(unit, 1, satisfaction=0 + 2, informed=Answer.NO, safer=Answer.YES)
    found = queries.summary(team_scope(unit), period)
    assert found.total.cells == ("All responses", 5, 4.4, 80, 20)
    page = web(manager).get(f"/management/feedback?scope=team:{unit.id}&period=12m")
    assert ">4.4<" in page and ">80<" in page


def test_a_small_team_beside_a_shown_total_hides_the_next_smallest_too(make, today):
    small, middle, large = (make.team(name=name) for name in ("Aa small", "Bb middle", "Cc large"))
    respond(small, 3)
    respond(middle, 6)
    respond(large, 9)
    found = queries.summary(region_scope(small), queries.period_from_key("12m"))
    assert found.total.figures.responses == 18 and not found.total.figures.hidden
    by_name = {row.name: row.cells for row in found.groups}
    assert by_name["Aa small"][1] == "fewer than 5"
    # 18 - 9 would reveal the small team's 3 if the middle one were shown: it is hidden too.
    assert by_name["Bb middle"][1] == "fewer than 5"
    assert by_name["Cc large"][1] == 9
    # By what it was about: one kind only, so the others are none (not hidden) and nothing leaks.
    about = {row.name: row.cells for row in found.by_about}
    assert about["Initial contact"][1] == 18 and about["Pre-release contact"][1] == 0


def test_comments_are_for_the_regions_own_managers_newest_first(make, today, web):
    unit = make.team()
    respond(unit, 3, comments="Older words", on=date(2026, 9, 3))
    respond(unit, 2, comments="Newer words", on=date(2026, 11, 3))
    own = make.user(Role.MANAGER)  # the same region as the team (East of England)
    national = make.user(Role.MANAGER, national=True)
    elsewhere = make.user(Role.MANAGER, region=make.region("wales"))
    page = web(own).get("/management/feedback?period=12m")
    assert page.index("Newer words") < page.index("Older words")
    assert "November 2026" in page and "3 November 2026" not in page  # the month only
    assert "Newer words" in web(national).get(f"/management/feedback?scope=region:{unit.region_id}")
    other = web(elsewhere)
    assert "Newer words" not in other.get("/management/feedback")  # their own region: Wales
    other.get(f"/management/feedback?scope=region:{unit.region_id}", status=404)
    other.get(f"/management/feedback?scope=team:{unit.id}", status=404)
    other.get("/management/feedback?scope=national", status=404)
    web(make.user(Role.VLO, team=unit)).get("/management/feedback", status=403)


def test_the_csv_is_formula_safe_suppressed_and_audited(make, today, web):
    unit = make.team(name='=HYPERLINK("http://evil.example","Team")')
    quiet = make.team(name="Quiet team")
    respond(unit, 6, comments='=HYPERLINK("http://evil.example","click")')
    respond(quiet, 2)
    manager = make.user(Role.MANAGER)
    browser = web(manager)
    response = browser._send("get", f"/management/feedback.csv?scope=region:{unit.region_id}&period=12m")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Row",
        "Name",
        "Responses",
        "Average satisfaction (1 to 5)",
        "Kept informed (%)",
        "Felt safer (%)",
    ]
    names = {row[1]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil.example","Team")' in names
    assert names["Quiet team"][2:] == ["fewer than 5"] * 4
    assert names['\'=HYPERLINK("http://evil.example","Team")'][2] == "fewer than 5"  # complementary
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert 'evil.example","click' not in response.get_data(as_text=True)  # no comments in the CSV
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback_exported")).all()
    assert event.user_id == manager.id and event.case_id is None
    assert event.details == {"scope": f"region:{unit.region_id}", "period": "12m", "rows": len(rows) - 1}


def test_a_comment_that_looks_like_a_formula_is_shown_as_text(make, today, web):
    unit = make.team()
    respond(unit, 5, comments='=HYPERLINK("http://evil.example","click") <b>bold</b>')
    page = web(make.user(Role.MANAGER)).get(f"/management/feedback?scope=team:{unit.id}")
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_national_figures_are_per_region(make, today):
    unit = make.team()
    respond(unit, 7)
    found = queries.summary(NATIONAL, queries.period_from_key("3m"))
    assert found.group_label == "Region" and len(found.groups) == 12
    east = next(row for row in found.groups if row.scope_key == f"region:{unit.region_id}")
    assert east.figures.responses == 7 and not east.figures.hidden


def test_the_summary_is_one_statement_however_many_teams(make, today, count_queries):
    teams = [make.team() for _ in range(6)]
    for unit in teams:
        respond(unit, 5)
    scope = region_scope(teams[0])
    period = queries.period_from_key("12m")
    with count_queries() as counted:
        queries.summary(scope, period)
    assert counted.count == 2  # the figures, and the region's teams by name


def test_months_under_five_are_gaps_in_the_chart_and_fewer_than_five_in_its_table(make, today):
    unit = make.team()
    respond(unit, 6, satisfaction=5, on=date(2026, 10, 5))
    respond(unit, 2, satisfaction=1, on=date(2026, 11, 5))
    respond(unit, 7, satisfaction=3, on=date(2026, 9, 5))
    chart = queries.month_chart(team_scope(unit), date(2026, 11, 25))
    rows = {row[0]: row for row in chart.rows}
    assert rows["Nov 2026"] == ("Nov 2026", "fewer than 5", "fewer than 5")
    # The next smallest month is hidden too, or 15 - 6 - 7 would reveal November's 2.
    assert rows["Oct 2026"] == ("Oct 2026", "fewer than 5", "fewer than 5")
    assert rows["Sep 2026"] == ("Sep 2026", 7, 3.0)
    assert chart.image.startswith("<img")


def test_report_section_gives_the_monthly_report_its_rows_and_chart(make, today):
    unit = make.team()
    respond(unit, 5)
    section = queries.report_section(region_scope(unit), date(2026, 11, 1), date(2026, 11, 30))
    assert section["total"][1] == 5 and section["chart"].rows
    assert any(row[0] == unit.name for row in section["groups"])


# -- a VLO records feedback from a call -----------------------------------------------------------------


def test_a_vlo_records_feedback_from_a_call_kept_without_the_case(make, today, web):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit)
    case = make.case(vlo=vlo)
    browser = web(vlo)
    assert "Record feedback from a call" in browser.get(f"/cases/{case.id}/contacts")
    path = f"/cases/{case.id}/feedback/new"
    shown = browser.post(path, {"about": "outcome"}, status=200).get_data(as_text=True)
    assert "Choose how satisfied you are with the service" in shown
    browser.post(
        path,
        {
            "about": "outcome",
            "satisfaction": "2",
            "kept_informed": "no",
            "felt_safer": "not_sure",
            "comments": "Said nobody called back",
            "language": "en",
        },
        status=302,
    )
    [stored] = db.session.scalars(select(FeedbackResponse)).all()
    assert (stored.source, stored.about, stored.team_id, stored.region_id, stored.satisfaction) == (
        FeedbackSource.CALL,
        FeedbackAbout.OUTCOME,
        unit.id,
        unit.region_id,
        2,
    )
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback_recorded")).all()
    assert (event.case_id, event.record_id, event.details) == (case.id, case.id, {"about": "outcome"})
    assert "nobody" not in str(event.details)
    # Another team's VLO may not: 404, nothing stored.
    stranger = make.user(Role.VLO)
    web(stranger).get(path, status=404)
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1


def test_the_report_page_asks_the_same_number_of_statements_however_many_teams(
    make, today, web, count_queries
):
    manager = make.user(Role.MANAGER)
    browser = web(manager)
    first = make.team()
    respond(first, 5, comments="Kind and clear")
    path = f"/management/feedback?scope=region:{first.region_id}&period=12m"
    browser.get(path)
    with count_queries() as few:
        browser.get(path)
    for _ in range(6):
        respond(make.team(), 5, comments="Kind and clear")
    with count_queries() as many:
        browser.get(path)
    assert many.count == few.count, (few.count, many.count)
