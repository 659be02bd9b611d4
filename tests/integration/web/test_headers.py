"""Security headers, scripts only with the page's nonce, cookies, and error pages that
look like GOV.UK and give nothing away."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import Browser
from tests.helpers import app_on_test_connection, parse, send
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.web.security import allowed


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value
    return directives


@pytest.fixture()
def pages(make):
    """One page of each kind, with the user who can see it."""
    region = make.region()
    team = make.team(region)
    vlo = make.user(Role.VLO, team)
    spo = make.user(Role.SPO, team)
    manager = make.user(Role.MANAGER, region=region)
    admin = make.user(Role.ADMIN, region=region)
    case = make.case(vlo=vlo)
    make.contact(case, vlo)
    person = make.person(case)
    base = f"/cases/{case.id}"
    return [
        (None, "/sign-in"),
        (None, "/signed-out"),
        (None, "/accessibility"),
        (vlo, "/cases/mine"),
        (vlo, "/cases/new"),
        (vlo, base),
        (vlo, base + "/dates"),
        (vlo, base + "/contacts/new"),
        (vlo, base + "/people/new"),
        (vlo, f"{base}/people/{person.id}/reveal"),
        (vlo, f"{base}/people/{person.id}/preferences"),
        (vlo, f"{base}/people/{person.id}/opt-out"),
        (spo, "/cases/team"),
        (spo, base + "/allocate"),
        (manager, "/cases/region"),
        (manager, base),
        (admin, "/admin/users"),
    ]


def _browse(web, pages):
    browsers: dict[int, Browser] = {}
    for user, path in pages:
        if user is None:
            browser = web()
        elif user.id in browsers:
            browser = browsers[user.id]
        else:
            browser = browsers[user.id] = web(user)
        response = send(browser, "get", path)
        assert response.status_code == 200, (path, response.status_code)
        yield user, path, response


def test_content_security_policy(web, pages):
    for _, path, response in _browse(web, pages):
        csp = _csp(response)
        assert csp["frame-ancestors"] == "'none'", path
        assert csp["default-src"] == "'self'", path
        assert csp["object-src"] == "'none'", path
        assert csp["base-uri"] == "'none'", path
        script_src = csp["script-src"].split()
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, path
        nonces = [item for item in script_src if item.startswith("'nonce-")]
        assert len(nonces) == 1, path
        assert "'unsafe-inline'" not in csp.get("style-src", ""), path


def test_every_script_carries_the_nonce_of_its_response(web, pages):
    seen_nonces = set()
    for _, path, response in _browse(web, pages):
        nonce = re.search(r"'nonce-([^']+)'", _csp(response)["script-src"]).group(1)
        seen_nonces.add(nonce)
        page = parse(response.get_data(as_text=True))
        assert page.scripts, path  # the GOV.UK template always has at least one
        for script in page.scripts:
            assert script.get("nonce") == nonce, (path, script)
        assert page.inline_handlers == [], path  # onclick= and friends would need 'unsafe-inline'
    assert len(seen_nonces) == len(pages)  # a new nonce for every response


def test_other_security_headers(web, pages):
    for user, path, response in _browse(web, pages):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert "no-store" in headers["Cache-Control"], path
        if user is not None:
            assert "Set-Cookie" not in headers or "HttpOnly" in headers["Set-Cookie"], path


def test_cache_control_on_redirects_and_errors_too(web, make):
    browser = web(make.user(Role.VLO))
    for path in ("/", "/cases/999999", "/admin/users"):
        response = send(browser, "get", path)
        assert response.status_code in {302, 403, 404}
        assert "no-store" in response.headers["Cache-Control"], path


def test_session_cookie_is_http_only_and_same_site_lax(web, make):
    from tests.factories import PASSWORD
    from tests.helpers import csrf_token

    user = make.user(Role.VLO)
    browser = web()
    response = send(
        browser,
        "post",
        "/sign-in",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(browser)},
    )
    cookies = [value for name, value in response.headers.items() if name == "Set-Cookie"]
    session_cookie = [value for value in cookies if value.startswith("vcs_session=")]
    assert session_cookie, cookies
    attributes = {part.strip().split("=")[0].lower(): part for part in session_cookie[0].split(";")}
    assert "httponly" in attributes
    assert attributes["samesite"].strip().lower() == "samesite=lax"


# -- error pages -------------------------------------------------------------------------

LEAKS = re.compile(r"Traceback|File \"|sqlalchemy|psycopg|sqlite3|SELECT |INSERT |Werkzeug|\.py\b", re.I)


def _looks_like_govuk(html: str) -> None:
    assert 'class="govuk-template' in html
    assert "govuk-header" in html and "govuk-footer" in html
    assert 'class="govuk-heading-l"' in html


def test_404_page(web, make):
    response = send(web(make.user(Role.VLO)), "get", "/cases/987654321")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    _looks_like_govuk(html)
    assert "Page not found" in html
    assert not LEAKS.search(html)
    assert "987654321" not in html


def test_404_page_for_an_unknown_address_when_signed_out(web):
    response = send(web(), "get", "/no-such-page")
    assert response.status_code == 404
    _looks_like_govuk(response.get_data(as_text=True))


def test_403_page(web, make):
    response = send(web(make.user(Role.ADMIN)), "get", "/cases/region")
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    _looks_like_govuk(html)
    assert "You do not have permission to see this page" in html
    assert not LEAKS.search(html)


SECRET_IN_ERROR = "17 Secret Street"


def _failing_routes(fresh: Flask) -> None:
    @allowed(Role.VLO)
    def broken():
        db.session.execute(
            text("SELECT address FROM no_such_table WHERE line = :line"), {"line": SECRET_IN_ERROR}
        )

    @allowed(Role.VLO)
    def crashes():
        raise RuntimeError(f"boom at {SECRET_IN_ERROR}")

    fresh.add_url_rule("/test-only/broken-query", "broken_query", broken)
    fresh.add_url_rule("/test-only/crash", "crash", crashes)


@pytest.mark.parametrize("path", ["/test-only/broken-query", "/test-only/crash"])
def test_500_page_reveals_nothing(app, make, path, caplog):
    user = make.user(Role.VLO)
    with app_on_test_connection(app, _failing_routes) as fresh:
        browser = Browser(fresh, user).sign_in()
        response = send(browser, "get", path)
        assert response.status_code == 500
        html = response.get_data(as_text=True)
        _looks_like_govuk(html)
        assert "Sorry, there is a problem with the service" in html
        assert not LEAKS.search(html), LEAKS.search(html)
        assert SECRET_IN_ERROR not in html
        assert "no_such_table" not in html and "boom" not in html
        assert "no-store" in response.headers["Cache-Control"]
        # The error was logged for the team to fix, and the page still works afterwards.
        assert any(record.levelname == "ERROR" for record in caplog.records)
        assert send(browser, "get", "/cases/mine").status_code == 200
