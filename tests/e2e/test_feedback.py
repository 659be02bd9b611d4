"""Victims' feedback in a real browser, checked by axe on every page (issue 15): a victim opens
the link the demo printed (no sign-in), switches to Welsh, is shown a mistake, gives feedback,
and cannot use the link again; a manager sees the team's figures as "fewer than 5" until a VLO
has recorded four more from calls, then the figures, and downloads them.

The demo leaves Norwich with no feedback yet this month and prints a link of Norwich's. Signs in
as morgan.manager and farid.vlo (whose other tests do not record feedback)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SEED_PRINTED

pytestmark = pytest.mark.e2e

NORWICH = "Norwich Victim Contact Unit"


def _printed_link() -> str:
    [line] = [line for line in SEED_PRINTED if line.startswith("Feedback link for a victim: ")]
    url = line.split(": ", 1)[1]
    assert re.search(r"/f/[0-9A-Z]{5}-[0-9A-Z]{5}$", url), url
    return url[url.index("/f/") :]


def _this_month(ui) -> None:
    """Choose this month in the report's period (the third choice: after 12 and 3 months)."""
    ui.page.locator("#period").select_option(index=2)
    ui.submit("Show")


def _norwich_total(ui):
    page = ui.page
    ui.goto("/management/feedback")
    _this_month(ui)
    ui.follow(page.get_by_test_id("feedback-groups").get_by_role("link", name=NORWICH))
    expect(page.locator(".govuk-caption-l")).to_have_text(NORWICH)
    return page.get_by_test_id("feedback-total")


def test_a_victim_gives_feedback_once_and_a_manager_sees_it_only_from_five(ui):
    page = ui.page
    path = _printed_link()

    # The victim: no account, nothing about the case, English with a switch to Welsh.
    ui.goto(path)
    expect(page.locator("h1")).to_have_text("Tell us what you think of the Victim Contact Scheme")
    expect(page.locator(".app-signed-in-as")).to_have_count(0)
    ui.follow(page.get_by_test_id("language-switch").get_by_role("link"))
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator("h1")).to_contain_text("Dywedwch wrthym beth yw eich barn")
    ui.submit("Anfon adborth")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Mae problem")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Dewiswch pa mor fodlon ydych chi")
    page.get_by_label("Bodlon iawn").check()
    page.get_by_role("group", name=re.compile("A wnaethom ni roi gwybod")).get_by_label(
        "Do", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("Ydych chi’n teimlo")).get_by_label("Ydw", exact=True).check()
    page.get_by_role("textbox").fill("Roedd y swyddog yn garedig iawn. Diolch.")
    ui.submit("Anfon adborth")
    expect(page.locator("h1")).to_have_text("Diolch am eich adborth")

    # The same link again: the neutral page, 404 (the browser logs that status: expected).
    response = page.goto(path)
    assert response.status == 404
    ui.watched.console_errors = [e for e in ui.watched.console_errors if "status of 404" not in e]
    ui.check()
    expect(page.locator("h1")).to_have_text("This feedback link cannot be used")

    # The manager: one response this month for Norwich is "fewer than 5".
    page.context.clear_cookies()
    ui.sign_in("morgan.manager")
    total = _norwich_total(ui)
    expect(total).to_contain_text("Fewer than 5 responses: figures not shown")
    expect(page.get_by_test_id("comments-hidden")).to_be_visible()
    page.get_by_text("Show the data").click()
    expect(page.get_by_test_id("chart-feedback-by-month").locator("table")).to_be_visible()

    # A Norwich VLO records four more, heard on calls.
    page.context.clear_cookies()
    ui.sign_in("farid.vlo")
    ui.goto("/cases/mine")
    ui.follow(page.get_by_test_id("caseload").locator("tbody tr").first.locator("a").first)
    ui.section("Contact log")
    ui.follow(page.get_by_test_id("record-feedback"))
    form_url = page.url
    for n in range(4):
        if n:
            ui.goto(form_url)
        page.get_by_label("Initial contact").check()
        page.get_by_label("Satisfied", exact=True).check()
        page.get_by_role("group", name=re.compile("keep you informed")).get_by_label("Yes").check()
        page.get_by_role("group", name=re.compile("feel safer")).get_by_label("Partly").check()
        ui.submit("Record feedback")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Feedback recorded")

    # Five now: the figures, and the comment.
    page.context.clear_cookies()
    ui.sign_in("morgan.manager")
    total = _norwich_total(ui)
    expect(total.locator("td").first).to_have_text("5")
    expect(total).to_contain_text("4.2")  # (5 + 4 × 4) / 5
    expect(page.get_by_test_id("comments")).to_contain_text("Roedd y swyddog yn garedig iawn")
    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    text = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][:3] == ["Total", "All responses", "5"]
    ui.finish()
