"""Signing in with two factors, and the warning before an idle session ends."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import totp_code
from victims.demo.staff import DEMO_DOMAIN, demo_password

pytestmark = pytest.mark.e2e


def test_sign_in_needs_the_password_then_a_security_code(ui):
    page = ui.page
    email = f"amelia.vlo@{DEMO_DOMAIN}"

    ui.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(demo_password(email))
    ui.submit("Sign in")

    expect(page).to_have_url(re.compile(r"/sign-in/security-code$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")

    # The password alone opens nothing.
    ui.goto("/cases/mine")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("heading", level=1)).not_to_have_text("My caseload")

    ui.goto("/sign-in/security-code")
    page.get_by_label("Security code").fill(totp_code(email))
    ui.submit("Continue")

    expect(page).to_have_url(re.compile(r"/cases/mine$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    expect(page.locator(".app-signed-in-as")).to_contain_text("(Victim liaison officer)")
    expect(page.get_by_role("link", name="Sign out")).to_be_visible()


def test_the_timeout_warning_is_ready_and_offers_to_stay_signed_in(ui):
    page = ui.page
    page.clock.install()  # the page's own clock, so 28 minutes pass in an instant
    ui.sign_in("erin.vlo")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")

    # The markup is on the page, closed, and the app's module loaded without errors.
    root = page.locator('[data-module="app-timeout-warning"]')
    expect(root).to_have_count(1)
    idle = int(root.get_attribute("data-idle-seconds"))
    warning = int(root.get_attribute("data-warning-seconds"))
    assert idle > warning > 0
    dialog = page.locator("dialog#app-timeout-dialog")
    expect(dialog).to_have_count(1)
    expect(dialog).to_be_hidden()
    expect(dialog).to_have_attribute("aria-labelledby", "app-timeout-heading")
    module = page.locator('script[type="module"][src$="/assets/app.js"]')
    expect(module).to_have_count(1)
    assert module.evaluate("(script) => script.nonce"), "the module script needs the CSP nonce"

    # Just after the warning is due, the dialog opens with a countdown.
    page.clock.run_for((idle - warning + 1) * 1000)
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("You’re about to be signed out")
    expect(dialog.locator("[data-countdown]")).to_contain_text(re.compile(r"minute|second"))
    ui.check()  # accessible with the modal open

    # Staying signed in asks the server to extend the session and closes the dialog.
    with page.expect_response(lambda response: response.url.endswith("/session/extend")) as extended:
        dialog.get_by_role("button", name="Stay signed in").click()
    # (The body is not read here: the page never reads it, and Playwright would wait for it.)
    assert extended.value.status == 200
    assert extended.value.headers["content-type"].startswith("application/json")
    expect(dialog).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/cases/mine$"))
    ui.check()
