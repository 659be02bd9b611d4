"""Absence and cover, and time recording, in a real browser with axe on every page: an SPO
records a planned absence (after the GOV.UK errors of an empty form), sees it with its cover and
cancels it; a VLO records time on a contact in one click; a national administrator reads the
calibration report.

The absence is planned a month ahead and cancelled, so no task moves and the other end-to-end
tests find the demo's work where it was."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _fill_date(page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_an_spo_plans_an_absence_with_cover_and_cancels_it(ui):
    page = ui.page
    ui.sign_in("samira.spo")
    ui.follow(page.get_by_role("link", name="Absences"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team absences")
    expect(page.get_by_test_id("vlos").get_by_role("link", name="Plan a rebalance").first).to_be_visible()
    ui.follow(page.get_by_role("link", name="Record an absence", exact=True))
    ui.submit("Record absence")  # nothing chosen: GOV.UK errors, checked by axe too
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose who is away")
    page.get_by_label("Who is away?").select_option(label="Hana Read")
    page.get_by_label("Planned leave").check()
    first = date.today() + timedelta(days=30)
    _fill_date(page, "First day away", first)
    _fill_date(page, "Last day away (optional)", first + timedelta(days=4))
    page.get_by_label("Who covers their tasks?").select_option(label="Grace Elliott")
    ui.submit("Record absence")
    planned = page.get_by_test_id("planned")
    expect(planned).to_contain_text("Hana Read")
    expect(planned).to_contain_text("Grace Elliott")
    ui.follow(planned.get_by_role("link", name="Cancel absence for Hana Read"))
    ui.submit("Yes, cancel it")
    expect(page.get_by_test_id("planned")).not_to_contain_text("Hana Read")
    ui.finish()


def test_a_vlo_records_time_on_a_contact_in_one_click(ui):
    page = ui.page
    ui.sign_in("hana.vlo")
    ui.follow(page.get_by_role("link", name="Absences"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your absences")
    ui.follow(page.get_by_role("link", name="My caseload"))
    ui.follow(page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first)
    ui.section("Contact log")
    buttons = page.get_by_role("button", name="15 min on this contact")
    if buttons.count() == 0:
        pytest.skip("the demo's first case of Hana's has no contact logged")
    ui.follow(buttons.first)
    expect(page.get_by_text("15 minutes recorded on this contact")).to_be_visible()
    ui.finish()


def test_a_national_administrator_reads_the_calibration(ui):
    page = ui.page
    ui.sign_in("alex.admin")
    ui.follow(page.get_by_role("link", name="Calibration"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Calibration of the workload model")
    page.get_by_text("How this is worked out").click()
    ui.check()
    ui.finish()
