"""Issue 12 in a real browser, checked by axe on every page: a VLO writes the offender's release
date as people write it ("the 31st of August") in a letter and cannot approve it; the quality
check says what it found, and where.

Signs in as a demo user no other end-to-end test uses (amelia.vlo)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_vlo_who_writes_the_release_date_cannot_approve_the_letter(ui):
    page = ui.page
    ui.sign_in("amelia.vlo")
    ui.goto("/cases/mine")
    ui.follow(page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first)
    case_url = page.url

    # The offender's conditional release date is 31 August (of the year the case has now).
    ui.follow(page.get_by_role("link", name="Change dates"))
    crd = page.locator("input[name=crd]")
    year = crd.nth(2).input_value() or "2030"
    crd.nth(0).fill("31")
    crd.nth(1).fill("8")
    crd.nth(2).fill(year)
    page.get_by_label("Where do the new dates come from?").select_option(index=1)
    ui.submit("Save dates")
    expect(page.locator(".govuk-error-summary")).to_have_count(0)

    ui.goto(case_url)
    ui.section("Letters")
    ui.follow(page.get_by_role("link", name="Write a letter"))
    page.get_by_label("Key-stage update").check()
    page.locator("input[name=person]").first.check()
    ui.submit("Start the letter")

    opening = page.locator("textarea[name=section_opening]")
    opening.fill(opening.input_value() + "\n\nWe expect the release on the 31st of August.")
    ui.submit("Save draft and check again")

    disclosure = page.locator('[data-check="disclosure"]')
    expect(disclosure).to_have_attribute("data-passed", "no")
    expect(disclosure).to_contain_text(
        f"“Opening”: “the 31st of August” is the offender’s conditional release date (31 August {year}). "
        f"Say the month only: “August {year}”."
    )
    expect(page.get_by_role("button", name="Approve and send")).to_have_count(0)
    expect(page.get_by_role("button", name="Send for countersigning")).to_have_count(0)
    ui.finish()
