"""A page that shows errors starts its title with "Error: " once, and only such a page does
(GOV.UK Design System, error summary and validation patterns; issue 11, item 9).

The pages with errors are found, not listed: every form each role can reach (as the form fuzz
finds them) is sent with its hidden fields as the page gave them and everything else left
empty, which a GOV.UK form answers with its errors. The upload preview is reached by hand.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import signed_in
from tests.integration.web.fuzzing import build_world, rolled_back
from tests.integration.web.test_form_fuzz import PAGES, discover
from victims.domain.vocabulary import Role
from victims.imports.csv_format import COLUMNS

UPLOAD = "/imports/referrals"

SHOWS_ERRORS = re.compile(r'class="govuk-error-summary|class="govuk-error-message')


@pytest.fixture()
def world(app, make, database, frozen_clock, monkeypatch):
    # Approving a letter hands it to a worker when the request commits: no broker here.
    monkeypatch.setattr(app.extensions["celery"], "send_task", lambda *args, **kwargs: None)
    return build_world(make, database)


def page_title(html: str) -> str:
    """The document's title (the first: the GOV.UK logo's SVG has a <title> of its own)."""
    return " ".join(unescape(re.search(r"<title[^>]*>(.*?)</title>", html, re.S).group(1)).split())


def title_problem(html: str) -> str | None:
    """What is wrong with the page's title, if anything."""
    title = page_title(html)
    shows_errors = bool(SHOWS_ERRORS.search(html))
    if title.count("Error:") > 1:
        return f"“Error:” more than once: {title!r}"
    if shows_errors and not title.startswith("Error: "):
        return f"shows errors, but the title does not start “Error: ”: {title!r}"
    if not shows_errors and "Error:" in title:
        return f"shows no error, but the title says “Error:”: {title!r}"
    return None


def empty(form) -> dict:
    """The form sent with nothing filled in: hidden fields (token, version) as the page gave them."""
    return {
        name: (found.values[:1] if found.kind == "hidden" else "")
        for name, found in form.fields.items()
        if found.kind != "file"
    }


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_with_errors_says_error_once_in_its_title(app, world, role):
    visitor, forms = discover(app, world, role)
    problems, with_errors = [], []
    for endpoint, form in sorted(forms.items()):
        with rolled_back():
            response = visitor.fresh()._send("post", form.action, data=empty(form))
            if response.mimetype != "text/html" or response.status_code in (301, 302, 303):
                continue
            html = response.get_data(as_text=True)
            if SHOWS_ERRORS.search(html):
                with_errors.append(endpoint)
            problem = title_problem(html)
            if problem:
                problems.append(f"{endpoint} ({form.action}, {response.status_code}): {problem}")
    assert not problems, "\n".join(problems)
    assert with_errors, f"no form a {role} can reach was answered with errors"


# The pages that said "Error: Error:" (issue 11): seven templates, ten routes. The walk must
# go on reaching each of them with its errors showing.
DOUBLED = {
    "letters.new",
    "letters.reveal",
    "people.preferences",
    "people.reveal",
    "people.reveal_preferences",
    "prerelease.new_request",
    "prerelease.record_contact",
    "prerelease.reveal_zone",
    "reminders.settings",
    "staff.details",
}


def test_the_walk_reaches_the_pages_that_said_error_twice(app, world):
    visitor, forms = discover(app, world, "vlo")
    reached = set()
    for endpoint in sorted(DOUBLED):
        form = forms[endpoint]
        with rolled_back():
            html = visitor.fresh()._send("post", form.action, data=empty(form)).get_data(as_text=True)
        if SHOWS_ERRORS.search(html):
            reached.add(endpoint)
            assert not page_title(html).startswith("Error: Error:"), endpoint
    assert reached == DOUBLED


def test_an_upload_whose_preview_has_errors_says_error_once(app, make, database):
    """The upload is multipart (the walk sends none): a file whose one row is refused."""
    spo = make.user(Role.SPO)
    browser = signed_in(app, spo)
    row = ["nonsense"] * len(COLUMNS)  # a row, every value of it refused
    content = ",".join(column.name for column in COLUMNS) + "\r\n" + ",".join(row) + "\r\n"
    boundary, body = encode_multipart(
        {
            "csrf_token": browser.csrf_token(UPLOAD),
            "file": FileStorage(io.BytesIO(content.encode()), "referrals.csv"),
        }
    )
    response = browser._send(
        "post", UPLOAD, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    html = response.get_data(as_text=True)
    assert "Check the referrals" in page_title(html), page_title(html)
    assert SHOWS_ERRORS.search(html)
    assert title_problem(html) is None
