"""The caseload balance pages: who may see which (a regional manager gets 404 for another region;
SPOs and VLOs are refused), the figures each page shows, snapshot or live, the trend's gaps, CSV
downloads (formula-safe, audited) and statement counts that do not grow with the caseload."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from tests.integration.dashboard.conftest import TODAY
from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.snapshots import services as snapshots


def _cell(html: str, child_id: int, col: str, testid: str = "children") -> str:
    table = re.search(rf'data-testid="{testid}".*?</table>', html, re.S).group(0)
    row = re.search(rf'data-child-id="{child_id}".*?</tr>', table, re.S).group(0)
    cell = re.search(rf'data-col="{col}">(.*?)</td>', row, re.S).group(1)
    return re.sub(r"<[^>]+>", " ", cell).split()[0]


@pytest.fixture()
def managers(make, team):
    region = team["team"].region_id
    other = make.region("london")
    away_team = make.team(other, name="Camden")
    return {
        "regional": make.user(Role.MANAGER, region=make.region(), name="Rita Regional"),
        "national": make.user(Role.MANAGER, region=make.region(), national=True, name="Nina National"),
        "london": make.user(Role.MANAGER, region=other, name="Lee London"),
        "away_team": away_team,
        "away_vlo": make.user(Role.VLO, away_team, name="Cam Vlo"),
        "region_id": region,
    }


def test_a_regional_manager_drills_from_region_to_team_to_vlo(app, team, managers):
    browser = signed_in(app, managers["regional"])
    response = browser._send("get", "/management/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/management/regions/{managers['region_id']}")
    region = browser.get(f"/management/regions/{managers['region_id']}")
    assert "Figures worked out now" in region  # no snapshot yet: live
    bedford = team["team"].id
    assert _cell(region, bedford, "open_cases") == "5" and _cell(region, bedford, "capacity") == "26%"
    assert _cell(region, bedford, "above_capacity") == "1" and _cell(region, bedford, "away") == "1"
    assert _cell(region, bedford, "unallocated", "spread") == "1"
    assert f'href="/management/teams/{bedford}"' in region
    assert "Cat Over</a>: 1 cases, 200%" in region  # above 100%
    away = re.search(r'data-testid="away".*?</table>', region, re.S).group(0)
    assert "Cat Over" in away and "Planned leave" in away and "Ann Full" in away and "Bob Part" not in away

    page = browser.get(f"/management/teams/{bedford}")
    cat = team["cat"].id
    assert _cell(page, cat, "capacity") == "200%" and _cell(page, cat, "open_cases") == "1"
    assert "Planned leave" in page and "Ann Full" in page
    assert f'href="/management/vlos/{cat}"' in page and "Show the data" in page
    assert 'aria-label="Breadcrumb"' in page and f'href="/management/regions/{managers["region_id"]}"' in page

    vlo = browser.get(f"/management/vlos/{cat}")
    assert f'href="/workforce/vlos/{cat}"' in vlo
    assert "Planned leave until 27 November 2026, covered by Ann Full" in vlo
    assert "No snapshots yet" in vlo


def test_the_region_page_reads_the_latest_snapshot(app, team, managers, frozen_clock, database):
    snapshots.take(date(2026, 11, 24))
    database.session.flush()
    browser = signed_in(app, managers["regional"])
    page = browser.get(f"/management/regions/{managers['region_id']}")
    assert "Figures as at 24 November 2026" in page
    assert _cell(page, team["team"].id, "open_cases") == "5"


def test_the_national_page_lists_the_regions(app, team, managers):
    page = signed_in(app, managers["national"]).get("/management/")
    assert "England and Wales" in page
    assert _cell(page, managers["region_id"], "open_cases") == "5"
    assert "London" in page


@pytest.mark.parametrize("path", ["regions/{region}", "teams/{team}", "vlos/{vlo}"])
def test_a_regional_manager_gets_404_for_another_region(app, team, managers, path):
    browser = signed_in(app, managers["london"])
    target = path.format(region=managers["region_id"], team=team["team"].id, vlo=team["ann"].id)
    browser.get(f"/management/{target}", status=404)
    browser.get(f"/management/export.csv?scope=team:{team['team'].id}&table=vlos", status=404)
    browser.get("/management/export.csv?scope=national&table=children", status=404)


def test_spos_and_vlos_are_refused(app, team):
    for who in ("spo", "ann"):
        browser = signed_in(app, team[who])
        browser.get("/management/", status=403)
        browser.get(f"/management/teams/{team['team'].id}", status=403)


def test_the_trend_leaves_a_gap_for_a_day_without_a_snapshot(app, team, managers, database):
    # A point a week, ending today (25 November): 18 November has no snapshot; 24 November's is
    # not one of the trend's days.
    for day in (date(2026, 11, 11), date(2026, 11, 24), date(2026, 11, 25)):
        snapshots.take(day)
    database.session.flush()
    page = signed_in(app, managers["regional"]).get(f"/management/teams/{team['team'].id}")
    trend = re.search(r'data-testid="chart-trend-open-cases".*?</figure>', page, re.S).group(0)
    rows = re.findall(r"<th scope=\"row\"[^>]*>(.*?)</th>\s*<td[^>]*>(.*?)</td>", trend, re.S)
    by_day = dict(rows)
    assert len(rows) == 53
    assert by_day["11 November 2026"] == "5" and by_day["18 November 2026"] == "–"
    assert by_day["25 November 2026"] == "5" and "24 November 2026" not in by_day
    assert list(by_day)[:2] == ["26 November 2025", "3 December 2025"] and by_day["26 November 2025"] == "–"


def test_a_table_downloads_as_formula_safe_csv_and_is_audited(app, team, managers, database):
    team["bob"].name = "=HYPERLINK(1)"
    database.session.flush()
    browser = signed_in(app, managers["regional"])
    response = browser._send("get", f"/management/export.csv?scope=team:{team['team'].id}&table=vlos")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == [
        "Victim liaison officer",
        "Open cases",
        "Victims",
        "Points",
        "Available points",
        "Capacity (%)",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Cat Over"][1:6] == ["1", "1", "6", "3", "200"]
    assert "'=HYPERLINK(1)" in by_name and "=HYPERLINK(1)" not in by_name
    [event] = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "dashboard_exported")
    ).all()
    assert event.user_id == managers["regional"].id and event.region_id == managers["region_id"]
    assert event.details == {"scope": f"team:{team['team'].id}", "table": "vlos", "rows": 3}
    browser.get(f"/management/export.csv?scope=team:{team['team'].id}&table=nothing", status=404)


def _statements(count_queries, browser, path: str) -> int:
    with count_queries() as counter:
        browser.get(path)
    return counter.count


def test_statements_do_not_grow_with_the_caseload(app, team, managers, make, database, count_queries):
    snapshots.take(TODAY)
    database.session.flush()
    browser = signed_in(app, managers["regional"])
    region_path = f"/management/regions/{managers['region_id']}"
    team_path = f"/management/teams/{team['team'].id}"
    before = {path: _statements(count_queries, browser, path) for path in (region_path, team_path)}
    extra_team = make.team(name="Luton")
    for vlo in [team["ann"], team["bob"], make.user(Role.VLO, extra_team, name="Dan New")]:
        for _ in range(4):
            make.case(vlo=vlo, victims=2, crd=date(2027, 2, 1))
    database.session.flush()
    # The snapshot is re-taken on another day: the region page reads it, not the cases.
    snapshots.take(date(2026, 11, 26))
    database.session.flush()
    after = {path: _statements(count_queries, browser, path) for path in (region_path, team_path)}
    assert after == before


def test_every_figure_of_every_day_downloads_for_a_spreadsheet(app, team, managers, database):
    for day in (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)):
        snapshots.take(day)
    database.session.flush()
    browser = signed_in(app, managers["regional"])
    page = browser.get(f"/management/teams/{team['team'].id}")
    assert 'data-testid="download-history"' in page
    response = browser._send("get", f"/management/export.csv?scope=team:{team['team'].id}&table=history")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    assert header[0] == "Day" and {"open_cases", "capacity", "overdue_deadlines"} <= set(header)
    # Every day, not a point a week: 23 and 24 November are not days of the weekly trend.
    assert [row[0] for row in rows[1:]] == ["2026-11-23", "2026-11-24", "2026-11-25"]
    assert {row[header.index("open_cases")] for row in rows[1:]} == {"5"}
    # Another region's team: not found, as its page is.
    away = managers["away_team"].id
    browser.get(f"/management/export.csv?scope=team:{away}&table=history", status=404)
