"""The deadline and work screens in a real browser, each checked by axe: My tasks, recording an
offender event, Team work, changing the scheme, the import, the deadline settings, and the
reminders (notifications, their settings, the development outbox).

Each test signs in as a demo user no other end-to-end test uses, so no code is used twice.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_vlo_records_a_recall_and_sees_the_task(ui):
    page = ui.page
    ui.sign_in("farid.vlo")
    ui.follow(page.get_by_role("link", name="My tasks"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")

    ui.follow(page.get_by_role("link", name="My caseload"))
    first_case = page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first
    ui.follow(first_case)
    expect(page.get_by_role("heading", name="What needs doing next")).to_be_visible()
    ui.section("Dates and deadlines")
    expect(page.get_by_test_id("deadlines")).to_be_visible()
    ui.follow(page.get_by_role("button", name="Record an offender event"))
    ui.submit("Record event")  # nothing chosen: GOV.UK errors, checked by axe too
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Recalled to prison").check()
    happened = page.get_by_role("group", name="Date it happened")
    happened.get_by_label("Day").fill("20")
    happened.get_by_label("Month").fill("11")
    happened.get_by_label("Year").fill("2026")
    # The day the unit learned of it is today unless changed.
    learned = page.get_by_role("group", name="Date the unit learned of it")
    expect(learned.get_by_label("Year")).not_to_have_value("")
    ui.submit("Record event")
    expect(page.get_by_text("Tell the victim the offender has been recalled to prison").first).to_be_visible()

    ui.follow(page.get_by_role("link", name="My tasks"))
    # A real caseload (issue 14) has more tasks due sooner than a page holds: page on to it.
    recall = page.get_by_text("Tell the victim the offender has been recalled to prison")
    for _ in range(10):
        if recall.count():
            break
        ui.follow(page.get_by_role("link", name=re.compile("^Next")))
    expect(recall.first).to_be_visible()
    ui.finish()


def test_an_spo_sees_team_work_changes_a_scheme_and_opens_the_import(ui):
    page = ui.page
    ui.sign_in("owen.spo")
    ui.follow(page.get_by_role("link", name="Team work"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Team work")
    ui.follow(page.get_by_role("link", name="Team cases"))
    ui.follow(page.get_by_test_id("team-cases").locator("tbody tr").first.locator("a").first)
    ui.follow(page.get_by_role("link", name="Change scheme"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    ui.follow(page.get_by_role("link", name="Import referrals"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Overdue work in the team has been escalated to the SPO, who chose email reminders too, on
    # any day (the test runs on whatever day it is; other people's emails wait for a working day).
    ui.follow(page.get_by_role("link", name="Notifications"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_test_id("notifications")).to_contain_text("Escalated to you: overdue")
    # A real caseload (issue 14) escalates more than a page holds: the count says how many.
    counted = page.get_by_test_id("unread-count")
    unread = int(counted.inner_text().split()[0])
    assert unread > 0
    ui.follow(page.get_by_role("button", name="Mark as read").first)
    expect(counted).to_have_text(re.compile(rf"^{unread - 1} unread of "))
    ui.follow(page.get_by_role("link", name="Change how you get reminders"))
    expect(page.get_by_label("In the service and by email")).to_be_checked()
    expect(page.get_by_label("On any day, including weekends and bank holidays")).to_be_checked()
    ui.goto("/dev/outbox")
    expect(page.get_by_test_id("outbox-email").first).to_contain_text("owen.spo@")
    ui.finish()


def test_a_national_administrator_opens_the_deadline_settings(ui):
    page = ui.page
    ui.sign_in("alex.admin")
    ui.follow(page.get_by_role("link", name="Deadline rules"))
    expect(page.get_by_test_id("rules")).to_contain_text("VLO initial contact")
    ui.follow(page.locator('a[href="/admin/deadline-rules/initial_contact"]'))
    ui.follow(page.get_by_role("link", name="Back to deadline rules"))
    ui.follow(page.get_by_role("link", name="Non-working days"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Non-working days")
    ui.finish()
