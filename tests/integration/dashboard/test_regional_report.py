"""The monthly regional report as a PDF: the month's balance (its last snapshot), compliance and
charts, read back with pdftotext; only for the region's managers; audited; a month that is not one
(or is still to come) is a 404."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.snapshots import services as snapshots


@pytest.fixture()
def managers(make, team):
    other = make.region("london")
    return {
        "regional": make.user(Role.MANAGER, region=make.region(), name="Rita Regional"),
        "london": make.user(Role.MANAGER, region=other, name="Lee London"),
        "national": make.user(Role.MANAGER, region=other, national=True, name="Nina National"),
    }


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(run.stdout.decode().split())


def test_a_month_report_prints_its_balance_compliance_and_charts(app, team, managers, database, tmp_path):
    region_id = team["team"].region_id
    snapshots.take(date(2026, 10, 31))
    snapshots.take(date(2026, 11, 25))
    database.session.flush()
    browser = signed_in(app, managers["regional"])
    page = browser.get(f"/management/regions/{region_id}")
    assert 'data-testid="report-form"' in page and 'value="2026-10" selected' in page

    response = browser._send("get", f"/management/regions/{region_id}/report.pdf?month=2026-10")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith(f'region-{region_id}-2026-10.pdf"')
    text = _text(response.get_data(), tmp_path)
    assert "Monthly report for 1 October 2026 to 31 October 2026" in text
    # The balance as the month ended: October's last snapshot, not today's.
    assert "Figures as at 31 October 2026" in text
    for heading in (
        "Caseload balance",
        "Compliance",
        "Compliance by month",
        "Deadlines due in the month",
        "Victims’ feedback",
        "Average satisfaction by month",
    ):
        assert heading in text
    assert "Bedford" in text  # the team, in the tables
    [event] = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "dashboard_report_printed")
    ).all()
    assert event.details == {"scope": f"region:{region_id}", "month": "2026-10"}
    assert event.user_id == managers["regional"].id


def test_without_a_month_the_report_is_last_months(app, team, managers, tmp_path):
    browser = signed_in(app, managers["national"])
    response = browser._send("get", f"/management/regions/{team['team'].region_id}/report.pdf")
    assert response.status_code == 200
    assert "Monthly report for 1 October 2026 to 31 October 2026" in _text(response.get_data(), tmp_path)


@pytest.mark.parametrize("month", ["2026-12", "2026-13", "2020-01", "october", "2026-10 ", "２０２６-10"])
def test_a_month_that_is_not_one_is_not_found(app, team, managers, month):
    browser = signed_in(app, managers["regional"])
    browser.get(f"/management/regions/{team['team'].region_id}/report.pdf?month={month}", status=404)
    # A NUL byte is refused before any view, as everywhere in the service.
    browser.get(f"/management/regions/{team['team'].region_id}/report.pdf?month=2026-10%00", status=400)


def test_another_regions_manager_and_other_roles_cannot_print_it(app, team, managers):
    url = f"/management/regions/{team['team'].region_id}/report.pdf?month=2026-10"
    signed_in(app, managers["london"]).get(url, status=404)
    signed_in(app, team["spo"]).get(url, status=403)
    signed_in(app, team["ann"]).get(url, status=403)
