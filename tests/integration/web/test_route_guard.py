"""Deny by default: every route is public by name, or declares the roles that may use it,
and a route that declares nothing is refused, not open."""

from __future__ import annotations

from flask import Flask

from tests.conftest import Browser
from tests.helpers import app_on_test_connection, send
from victims.domain.vocabulary import Role
from victims.web.security import (
    HALF_SIGNED_IN_ENDPOINTS,
    PUBLIC_ENDPOINTS,
    allowed,
    allowed_roles,
    is_api_client_view,
)


def _api_client_endpoint(app, endpoint: str) -> bool:
    return endpoint.startswith("api.") and is_api_client_view(app.view_functions[endpoint])


def test_every_route_is_public_by_name_or_declares_its_roles(app):
    unguarded = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in HALF_SIGNED_IN_ENDPOINTS:
            continue
        if _api_client_endpoint(app, rule.endpoint):
            continue  # bearer tokens, checked in tests/integration/test_api.py
        roles = allowed_roles(app.view_functions[rule.endpoint])
        if not roles:
            unguarded.append(f"{rule.endpoint} ({rule.rule})")
    assert unguarded == [], "routes with neither a public listing nor @allowed: " + ", ".join(unguarded)


def test_the_public_list_is_short_and_names_real_endpoints(app):
    endpoints = set(app.view_functions)
    assert endpoints >= PUBLIC_ENDPOINTS
    assert endpoints >= HALF_SIGNED_IN_ENDPOINTS
    # Nothing that shows or changes casework may ever be public.
    assert not {
        e
        for e in PUBLIC_ENDPOINTS | HALF_SIGNED_IN_ENDPOINTS
        if e.split(".")[0] in {"cases", "people", "admin", "audit"}
    }


def test_roles_are_real_roles(app):
    for endpoint, view in app.view_functions.items():
        roles = allowed_roles(view)
        if roles is not None:
            assert roles, endpoint
            assert roles <= set(Role), endpoint


def _add_test_routes(fresh: Flask) -> None:
    def forgotten():
        return "the casework nobody guarded"

    @allowed(Role.MANAGER)
    def managers_only():
        return "for managers"

    fresh.add_url_rule("/made-up/forgotten", "made_up_forgotten", forgotten)
    fresh.add_url_rule("/made-up/managers", "made_up_managers", managers_only)


def test_a_route_without_roles_is_refused_to_a_signed_in_user(app, make):
    vlo = make.user(Role.VLO)
    with app_on_test_connection(app, _add_test_routes) as fresh:
        browser = Browser(fresh, vlo).sign_in()
        response = send(browser, "get", "/made-up/forgotten")
        assert response.status_code == 403
        assert "the casework nobody guarded" not in response.get_data(as_text=True)
        # The guard decides by role too: the same user is refused a managers' route...
        assert send(browser, "get", "/made-up/managers").status_code == 403
        # ...and a manager is let in, so the 403s above are the guard's, not a broken app.
        manager = make.user(Role.MANAGER)
        managers = Browser(fresh, manager).sign_in()
        assert send(managers, "get", "/made-up/managers").get_data(as_text=True) == "for managers"
        assert send(managers, "get", "/made-up/forgotten").status_code == 403


def test_a_route_without_roles_sends_a_signed_out_visitor_to_sign_in(app, database):
    with app_on_test_connection(app, _add_test_routes) as fresh:
        response = fresh.test_client().get("/made-up/forgotten")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")


def test_every_guarded_get_route_sends_a_signed_out_visitor_to_sign_in(app, web):
    visitor = web()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        if _api_client_endpoint(app, rule.endpoint):
            continue  # the API answers 401 with a problem document (tests/integration/test_api.py)
        values = {name: 1 for name in rule.arguments}
        for name, converter in rule._converters.items():
            if hasattr(converter, "items"):  # <any(…)>: one of its words
                values[name] = sorted(converter.items)[0]
        with app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **values)
        response = send(visitor, "get", path)
        assert response.status_code == 302, (path, response.status_code)
        assert response.headers["Location"].startswith("/sign-in"), path


def test_someone_who_must_choose_a_password_reaches_no_other_page(app, make, database):
    """A password an administrator set: every guarded page, for every role, sends them to choose
    their own first (victims.web.security.BEFORE_NEW_CREDENTIAL_ENDPOINTS)."""
    from flask import url_for

    from tests.helpers import csrf_token, signed_in
    from victims.web.security import BEFORE_NEW_CREDENTIAL_ENDPOINTS

    for role in Role:
        user = make.user(role)
        user.password_must_change = True
        database.session.flush()
        browser = signed_in(app, user)
        # A real token, so that a POST is refused by the guard and not by the CSRF check.
        token = csrf_token(browser, "/account/password")
        for rule in app.url_map.iter_rules():
            guarded = rule.endpoint not in PUBLIC_ENDPOINTS | HALF_SIGNED_IN_ENDPOINTS
            if not guarded or rule.endpoint in BEFORE_NEW_CREDENTIAL_ENDPOINTS:
                continue
            if _api_client_endpoint(app, rule.endpoint):
                continue
            values = {name: 1 for name in rule.arguments}
            for name, converter in rule._converters.items():
                if hasattr(converter, "items"):
                    values[name] = sorted(converter.items)[0]
            with app.test_request_context():
                path = url_for(rule.endpoint, **values)
            if "GET" in rule.methods:
                response = send(browser, "get", path)
            else:
                response = send(browser, "post", path, data={"csrf_token": token})
            assert response.status_code == 302, (role, path, response.status_code)
            assert response.headers["Location"] == "/account/password", (role, path)
        assert send(browser, "get", "/account/password").status_code == 200
