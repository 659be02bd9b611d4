"""Managers' oversight in a real browser, each page checked by axe: a manager downloads their
region's monthly report (a PDF, read back), drills from the region to a team to a victim liaison
officer, opens a chart's data ("Show the data") and downloads a table as CSV, whose rows are the
table's; then opens the cases behind a compliance figure."""

from __future__ import annotations

import csv
import re
import subprocess

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_manager_drills_down_opens_a_charts_data_and_downloads_a_csv(ui):
    page = ui.page
    ui.sign_in("morgan.manager")
    ui.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Caseload balance"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload balance")
    expect(page.get_by_test_id("as-at")).to_contain_text(re.compile(r"Figures as at \d{1,2} \w+ \d{4}"))
    region = page.locator(".govuk-caption-l").inner_text()

    # The region's monthly report, last month's by default, as a PDF with its charts and tables.
    form = page.get_by_test_id("report-form")
    month = form.get_by_label("Monthly report for the region (PDF)")
    chosen = month.locator("option:checked").inner_text()
    with page.expect_download() as waiting:
        form.get_by_role("button", name="Download the report").click()
    report = waiting.value
    assert report.suggested_filename.endswith(".pdf")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", report.path(), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(text.split())
    assert f"Victim Contact Scheme: {region}" in text
    for heading in ("Caseload balance", "Compliance by month", "Training completion"):
        assert heading in text, heading
    assert chosen.split(" (")[0] in text  # "October 2026"

    teams = page.get_by_test_id("children")
    first_team = teams.locator("tbody tr").first
    team_name = first_team.locator("th a").inner_text()
    ui.follow(first_team.locator("th a"))
    expect(page.locator(".govuk-caption-l")).to_have_text(team_name)
    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumbs.get_by_role("link", name=region)).to_be_visible()

    # A chart's data, behind "Show the data".
    chart = page.get_by_test_id("chart-capacity")
    expect(chart.get_by_role("img")).to_be_visible()
    data = chart.locator("details")
    expect(data.locator("table")).to_be_hidden()
    data.locator("summary").click()
    expect(data.locator("table")).to_be_visible()
    vlos = page.get_by_test_id("children").locator("tbody tr")
    expect(data.locator("tbody tr")).to_have_count(vlos.count())
    ui.check()  # with the data open, checked by axe again

    # The officers' table as CSV: the same rows.
    with page.expect_download() as waiting:
        page.get_by_test_id("download-vlos").click()
    download = waiting.value
    assert download.suggested_filename.startswith("caseload-balance-team-")
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0][:2] == ["Victim liaison officer", "Open cases"]
    names = [vlos.nth(n).locator("th a").inner_text() for n in range(vlos.count())]
    assert [row[0] for row in rows[1:]] == names
    cases = [
        vlos.nth(n).locator("[data-col=open_cases]").inner_text().replace(",", "")
        for n in range(vlos.count())
    ]
    assert [row[1] for row in rows[1:]] == cases

    first = vlos.first
    name = first.locator("th a").inner_text()
    ui.follow(first.locator("th a"))
    expect(page.locator(".govuk-caption-l")).to_have_text(name)
    expect(page.get_by_test_id("balance")).to_contain_text("Open cases")
    expect(page.get_by_test_id("chart-trend-open-cases")).to_be_visible()
    ui.follow(page.get_by_test_id("workload-link"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    # Compliance for the region: a figure opens the cases behind it, as many as it says.
    ui.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Compliance"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compliance")
    on_time = page.get_by_test_id("figures").locator("[data-row=initial_contact] [data-col=on_time]")
    figure = int(re.match(r"[\d,]+", on_time.inner_text()).group(0).replace(",", ""))
    ui.follow(on_time.locator("a"))
    expect(page.get_by_test_id("total")).to_contain_text(f"{figure:,} deadline")
    ui.finish()
