"""The workload screens in a real browser, each page checked by axe: an SPO opens Team workload,
opens a victim liaison officer's workload, opens "How this is worked out" and a case's points."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_spo_opens_a_vlos_workload_and_sees_how_it_is_worked_out(ui):
    page = ui.page
    ui.sign_in("samira.spo")
    ui.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Workload", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team workload")
    table = page.get_by_test_id("team-workload")
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("spo-workload")).to_contain_text("Victim liaison officers in the team")

    first = table.locator("tbody tr").first
    name = first.locator("th a").inner_text()
    points = first.locator("[data-col=points]").inner_text()
    ui.follow(first.locator("th a"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    workload = page.get_by_test_id("workload")
    expect(workload.locator("[data-number=points] p").first).to_have_text(points)

    available = page.get_by_test_id("available-worked-out")
    expect(available.get_by_text("Target for a full-time VLO")).to_be_hidden()
    available.locator("summary").click()
    expect(available.get_by_text("Target for a full-time VLO")).to_be_visible()
    expect(available.get_by_text(re.compile(r"^= [\d,]+ points$"))).to_be_visible()

    case = page.get_by_test_id("case-points").locator("tbody > tr").first
    details = case.locator("details")
    details.locator("summary").click()
    expect(details.get_by_text(re.compile(r"^Stage: "))).to_be_visible()
    expect(details.get_by_role("row", name=re.compile("^Total"))).to_be_visible()
    ui.check()  # the page with its details open, checked by axe again
    ui.finish()
