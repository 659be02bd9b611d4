"""A VLO closes a case and it leaves their caseload, in a real browser, on the demo data.

Signs in as daniel.vlo, whose other test opens the first case of the caseload: this one closes
the last case on the first page, so the first stays where it was."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _open_cases(page) -> int:
    return int(re.match(r"(\d+) open case", page.locator("main p.govuk-body").first.inner_text()).group(1))


def test_a_vlo_closes_a_case_and_it_leaves_their_caseload(ui):
    page = ui.page
    ui.sign_in("daniel.vlo")
    ui.follow(page.get_by_role("link", name="My caseload"))
    before = _open_cases(page)
    row = page.get_by_test_id("caseload").locator("tbody tr").last
    name = row.locator("td").nth(0).inner_text().strip()
    crn = row.locator("td").nth(1).inner_text().strip()
    ui.follow(row.get_by_role("link", name=name))
    case_url = page.url

    ui.follow(page.get_by_role("button", name="Close case"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Close case")
    # "Other" needs details: GOV.UK errors, checked by axe too.
    page.get_by_label("Other", exact=True).check()
    ui.submit("Close case")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the case is closing")
    page.get_by_label("Details").fill("The victims moved to Scotland: the Scottish scheme has taken over")
    ui.submit("Close case")

    expect(page).to_have_url(case_url)
    expect(page.get_by_test_id("closed-banner")).to_contain_text("This case is closed: Other")
    expect(page.get_by_test_id("closed-banner")).to_contain_text("Scottish scheme")
    expect(page.get_by_role("button", name="Close case")).to_have_count(0)
    expect(page.get_by_role("button", name="Record an offender event")).to_have_count(0)

    # Gone from the caseload, one fewer open case...
    ui.follow(page.get_by_role("link", name="My caseload"))
    assert _open_cases(page) == before - 1
    expect(page.get_by_test_id("caseload")).not_to_contain_text(crn)
    # ...and its tasks from My tasks...
    ui.follow(page.get_by_role("link", name="My tasks"))
    expect(page.locator("main")).not_to_contain_text(crn)
    # ...but a search still finds it, marked Closed.
    ui.goto(f"/cases/mine?q={crn}")
    found = page.get_by_test_id("caseload").locator("tbody tr")
    expect(found).to_have_count(1)
    expect(found.first).to_contain_text("Closed")
