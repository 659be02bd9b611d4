"""After signing in, `next` takes you back to a page of this service and nowhere else.

Each value below is what an attacker would put in a link to the sign-in page
(`/sign-in?next=…`, as sent on the wire). The browser, not our code, reads the Location we
answer with: it drops tabs and newlines anywhere, trims spaces and control characters at the
ends, reads a backslash as a slash, and takes `//host` as another site. Every form here must
end on the home page after a real sign-in.
"""

from __future__ import annotations

import pytest

from tests.conftest import next_unused_code
from tests.factories import PASSWORD
from tests.helpers import csrf_token, send
from victims.domain.vocabulary import Role

BYPASSES = [
    # Tabs, newlines and carriage returns, which browsers delete wherever they are.
    "/%09/evil.example",
    "/%0A/evil.example",
    "/%0D/evil.example",
    "/%0D%0A/evil.example",
    "%09//evil.example",
    "/%09%09/evil.example/cases/mine",
    "/%2509/evil.example",  # encoded twice
    # Spaces and control characters at the ends, which browsers trim.
    "%20//evil.example",
    "%1F//evil.example",
    # Another host by slashes.
    "//evil.example",
    "//evil.example/cases/mine",
    "///evil.example",
    "////evil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%252F%252Fevil.example",  # encoded twice
    "%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",  # three times
    # Backslashes, which browsers read as slashes in http(s) URLs.
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "%5C/evil.example",
    "/%5C/evil.example",
    "/%255Cevil.example",
    "%5C%09%5Cevil.example",
    # Schemes.
    "https://evil.example/",
    "HTTPS://evil.example/",
    "https:/evil.example",
    "https:evil.example",
    "https:%2F%2Fevil.example",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "%20javascript:alert(1)",
    # User information and look-alikes.
    "//127.0.0.1@evil.example",
    "/@evil.example",
    "%EF%BC%8F%EF%BC%8Fevil.example",  # fullwidth solidus
    "%E2%81%84%E2%81%84evil.example",  # fraction slash
    # Dot segments that end up as // after the browser resolves them.
    "/.//evil.example",
    "/..//evil.example",
    "/%2e%2e//evil.example",
    "/cases/../..//evil.example",
    # Pages that are not a place to go after signing in, and pages that do not exist.
    "/sign-out",
    "/sign-in",
    "/signed-out",
    "/assets/app.js",
    "/api/v1/openapi.json",
    "/no-such-page",
    "/cases/mine/../../etc/passwd",
    "cases/mine",
    "",
]


def _sign_in_with_next(web, make, next_value: str):
    user = make.user(Role.VLO)
    browser = web()
    path = f"/sign-in?next={next_value}"
    response = send(
        browser,
        "post",
        path,
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(browser)},
    )
    assert response.status_code == 302
    code_page = "/sign-in/security-code"
    response = send(
        browser,
        "post",
        code_page,
        data={"code": next_unused_code(user), "csrf_token": csrf_token(browser, code_page)},
    )
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("next_value", BYPASSES)
def test_next_never_leaves_the_service(web, make, next_value):
    assert _sign_in_with_next(web, make, next_value) == "/"


@pytest.mark.parametrize("next_value", ["%00//evil.example", "/%00/evil.example"])
def test_a_next_with_a_nul_is_refused_before_sign_in_reads_it(web, make, next_value):
    """A NUL anywhere in a request is refused outright (victims.web.input): no redirect at all."""
    user = make.user(Role.VLO)
    browser = web()
    response = send(
        browser,
        "post",
        f"/sign-in?next={next_value}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(browser)},
    )
    assert response.status_code == 400
    assert "Location" not in response.headers


@pytest.mark.parametrize(
    ("next_value", "location"),
    [
        ("/cases/mine", "/cases/mine"),
        ("/cases/mine%3Fq%3DSmith", "/cases/mine?q=Smith"),  # as the guard writes it
        ("/cases/mine%3Fq%3DSmith%2520Jones%26page%3D2", "/cases/mine?q=Smith%20Jones&page=2"),
        ("/cases/123", "/cases/123"),
        ("/account/details", "/account/details"),
        ("/cases/./mine", "/cases/mine"),
    ],
)
def test_next_takes_you_back_to_a_page_of_the_service(web, make, next_value, location):
    assert _sign_in_with_next(web, make, next_value) == location


def test_the_guard_sends_you_back_to_the_page_you_asked_for(web, make):
    user = make.user(Role.VLO)
    browser = web()
    asked = send(browser, "get", "/cases/mine?q=Smith")
    sign_in_page = asked.headers["Location"]
    assert sign_in_page.startswith("/sign-in?next=")
    response = send(
        browser,
        "post",
        sign_in_page,
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(browser)},
    )
    assert response.status_code == 302
    code_page = "/sign-in/security-code"
    response = send(
        browser,
        "post",
        code_page,
        data={"code": next_unused_code(user), "csrf_token": csrf_token(browser, code_page)},
    )
    assert response.headers["Location"] == "/cases/mine?q=Smith"
