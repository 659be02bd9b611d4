"""The offender's proposed release address on the dates page in a real browser, checked by axe:
the section, a postcode the service does not recognise refused with GOV.UK errors, then one of
the demo's postcodes recorded, with its source and date and in the history.

Signs in as ben.vlo, whose cases no other end-to-end test changes the release address of."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_dates_page_refuses_an_unknown_postcode_and_records_a_known_one(ui):
    page = ui.page
    ui.sign_in("ben.vlo")
    ui.goto("/cases/mine")
    case_link = page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first
    case_path = case_link.get_attribute("href").split("?")[0].split("#")[0]
    ui.goto(f"{case_path}/dates")
    expect(page.get_by_role("heading", name="Proposed release address")).to_be_visible()
    expect(page.get_by_test_id("release-address")).to_contain_text("None recorded")

    page.get_by_label("House number and street (optional)").fill("12 High Street")
    page.get_by_label("Postcode", exact=True).fill("ZZ99 9ZZ")
    page.locator("#release_given_on-day").fill("1")
    page.locator("#release_given_on-month").fill("2")
    page.locator("#release_given_on-year").fill("2099")
    ui.submit("Save release address")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date the address was given must be today or in the past")
    yesterday = date.today() - timedelta(days=1)
    page.locator("#release_given_on-day").fill(str(yesterday.day))
    page.locator("#release_given_on-month").fill(str(yesterday.month))
    page.locator("#release_given_on-year").fill(str(yesterday.year))
    ui.submit("Save release address")
    expect(summary).to_contain_text("We do not recognise this postcode")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_test_id("release-address")).to_contain_text("None recorded")

    page.get_by_label("Postcode", exact=True).fill("mk42 7ab")  # in the demo's postcode file
    ui.submit("Save release address")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    recorded = page.get_by_test_id("release-address")
    expect(recorded).to_contain_text("12 High Street")
    expect(recorded).to_contain_text("MK42 7AB")
    expect(recorded).to_contain_text("Entered on the dates page")
    expect(page.get_by_role("table").filter(has_text="MK42 7AB")).to_be_visible()
    ui.finish()
