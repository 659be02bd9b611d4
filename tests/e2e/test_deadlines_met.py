"""Deadlines met by evidence (issue 13) in a real browser, checked by axe: an SPO marks an overdue
deadline met by hand from Team work, with the day and a reason, and the case page says how late."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_an_spo_marks_an_overdue_deadline_met_with_a_reason(ui):
    page = ui.page
    ui.sign_in("owen.spo")
    ui.follow(page.get_by_role("link", name="Team work"))
    overdue = page.get_by_test_id("tasks-overdue")
    ui.follow(overdue.get_by_role("link", name=re.compile("^Mark as met")).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mark as met")

    ui.submit("Mark as met")  # no reason: GOV.UK errors, checked by axe too
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are marking it as met")

    page.get_by_label("Why are you marking it as met?").fill("E2E: visited the victim; notes on paper.")
    ui.submit("Mark as met")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(re.compile(r"working days? late"))
    expect(page.get_by_test_id("deadlines")).to_contain_text("a senior probation officer, by hand")
    ui.finish()
