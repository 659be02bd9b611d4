"""The everyday casework journeys, in a real browser, on the demo data.

Each test signs in as a different demo user, so no security code is used twice.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# Kept after a run for a person to look at (test-results/ is not committed).
CASE_SCREENSHOT = Path(__file__).resolve().parents[2] / "test-results" / "e2e-case.png"


def _open_first_case(ui):
    """From "My caseload", open the first case; returns (offender name, CRN)."""
    page = ui.page
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    first_row = page.get_by_test_id("caseload").locator("tbody tr").first
    name = first_row.locator("td").nth(0).inner_text().strip()
    crn = first_row.locator("td").nth(1).inner_text().strip()
    ui.follow(first_row.get_by_role("link", name=name))
    return name, crn


def test_a_vlo_opens_a_case_from_my_caseload(ui):
    page = ui.page
    ui.sign_in("ben.vlo")
    expect(page.get_by_role("link", name="My caseload")).to_be_visible()
    assert page.get_by_test_id("caseload").locator("tbody tr").count() > 0

    name, crn = _open_first_case(ui)

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(name)
    expect(heading).to_contain_text(f"({crn})")
    # The summary first: what needs doing next and the key facts.
    expect(page.get_by_role("heading", name="What needs doing next")).to_be_visible()
    expect(page.get_by_role("heading", name="Key facts")).to_be_visible()
    page.screenshot(path=CASE_SCREENSHOT, full_page=True)
    ui.section("People")
    expect(page).to_have_url(re.compile(r"/cases/\d+/people$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"({crn})")  # the header on every section
    expect(page.get_by_role("heading", name="Victims and contact persons")).to_be_visible()
    # Addresses stay hidden until asked for.
    expect(page.locator(".app-address-hidden").first).to_have_text("Hidden")
    ui.section("Contact log")
    expect(page.get_by_role("heading", name="Contact log", level=2)).to_be_visible()


def test_an_address_is_shown_only_after_giving_a_reason(ui):
    page = ui.page
    ui.sign_in("chloe.vlo")
    _open_first_case(ui)
    ui.section("People")
    case_url = page.url
    person = page.locator(".govuk-summary-card[id^='person-']").first
    person_name = person.locator(".govuk-summary-card__title").inner_text().strip()
    ui.follow(person.get_by_role("link", name=re.compile(r"^Show address")))

    expect(page.get_by_role("heading", level=1)).to_have_text("Show address and contact details")
    expect(page.get_by_test_id("contact-details")).to_have_count(0)
    before = page.content()

    # No reason, no address.
    ui.submit("Show address")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter why you need to see the address and contact details"
    )
    expect(page.get_by_test_id("contact-details")).to_have_count(0)

    page.get_by_label("Why do you need to see the address and contact details?").fill(
        "Checking the postcode before posting the release letter"
    )
    ui.submit("Show address")

    expect(page.get_by_role("heading", level=1)).to_have_text("Address and contact details")
    expect(page.locator(".govuk-caption-l")).to_contain_text(person_name)
    details = page.get_by_test_id("contact-details")
    address = details.locator(".govuk-summary-list__row", has_text="Address").locator("dd")
    lines = [line.strip() for line in address.inner_text().splitlines() if line.strip()]
    assert lines and lines != ["Not known"], lines
    postcode = lines[-1]
    assert postcode not in before, "the address was on the page before a reason was given"

    # Back on the case page the address is hidden again.
    ui.goto(case_url)
    assert postcode not in page.content()


def test_a_contact_added_appears_in_the_contact_log(ui):
    page = ui.page
    ui.sign_in("daniel.vlo")
    _open_first_case(ui)
    ui.section("Contact log")
    case_url = page.url
    timeline_items = page.locator(".moj-timeline__item")
    before = timeline_items.count()

    ui.follow(page.get_by_role("button", name="Add a contact"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a contact")
    # Yesterday: a contact cannot be in the future, and 9:30 today may not have come yet.
    day = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=1)
    date_of_contact = page.get_by_role("group", name="Date of contact")
    date_of_contact.get_by_label("Day").fill(str(day.day))
    date_of_contact.get_by_label("Month").fill(str(day.month))
    date_of_contact.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Time (optional)").fill("09:30")
    page.get_by_role("group", name="How").get_by_label("Telephone").check()
    page.get_by_role("group", name="Direction").get_by_label("To the victim").check()
    summary = "E2E: explained what happens at the parole hearing and agreed to call again next week."
    page.get_by_label("Summary").fill(summary)
    ui.submit("Add contact")

    expect(page).to_have_url(re.compile(re.escape(case_url) + "$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Contact added")
    expect(timeline_items).to_have_count(before + 1)
    entry = timeline_items.filter(has_text=summary)
    expect(entry).to_have_count(1)
    expect(entry.locator(".moj-timeline__title")).to_contain_text("Telephone to the victim")
    expect(entry.locator(".moj-timeline__date")).to_contain_text(f"{day.day} {day:%B %Y} at 9:30am")


def test_an_spo_allocates_an_unallocated_case_from_team_cases(ui):
    page = ui.page
    ui.sign_in("samira.spo")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team cases")

    ui.follow(page.get_by_role("navigation", name="Filter cases").get_by_role("link", name="Unallocated"))
    waiting = page.locator("main p.govuk-body").first
    waiting_before = int(re.match(r"(\d+)", waiting.inner_text()).group(1))
    row = page.get_by_test_id("team-cases").locator("tbody tr").first
    expect(row).to_contain_text("Unallocated")
    crn = row.locator("td").nth(1).inner_text().strip()
    ui.follow(row.get_by_role("link", name=re.compile(r"^Allocate")))

    expect(page.get_by_role("heading", level=1)).to_have_text("Allocate this case")
    expect(page.locator(".govuk-caption-l")).to_contain_text(crn)
    chooser = page.get_by_label("Victim liaison officer")
    vlo_name = chooser.locator("option").nth(1).inner_text().strip()
    chooser.select_option(label=vlo_name)
    page.get_by_label("Reason for this allocation").fill("Has capacity and knows the prison")
    ui.submit("Allocate case")

    expect(page).to_have_url(re.compile(r"/cases/team$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Case allocated to {vlo_name}"
    )

    page.get_by_label("Search by offender name, CRN or victim surname").fill(crn)
    ui.submit("Search")
    allocated = page.get_by_test_id("team-cases").locator("tbody tr", has_text=crn)
    expect(allocated).to_have_count(1)
    expect(allocated.locator("td").nth(3)).to_have_text(vlo_name)

    ui.goto("/cases/team?show=unallocated")
    expect(page.locator("main p.govuk-body").first).to_contain_text(f"{waiting_before - 1} open case")
