"""Deny by default: every endpoint needs a signed-in user with an allowed role,
unless it is on the short public list below.

Views declare who may use them with ``@allowed(Role.VLO, ...)``; the guard in
``before_request`` enforces it, so a view that forgets to declare is refused (403)
rather than open, and a test walks ``app.url_map`` to fail on any such view.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, g, redirect, request, session, url_for
from flask_login import current_user

from victims.domain.vocabulary import Role

# Open to anyone: signing in, the health check, the assets.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "main.health",
        "main.accessibility",
        "auth.sign_in",
        "auth.signed_out",
        "api.openapi",
    }
)
# Open to someone who has given a correct password but not yet the second factor.
HALF_SIGNED_IN_ENDPOINTS = frozenset({"auth.two_factor", "auth.enrol"})

ALL_ROLES = frozenset(Role)


def allowed(*roles: Role) -> Callable:
    """Declare the roles that may use a view (checked by the guard, not here)."""
    if not roles:
        raise ValueError("name at least one role")

    def mark(view: Callable) -> Callable:
        view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def signed_in(view: Callable) -> Callable:
    """Any signed-in user, whatever the role."""
    return allowed(*ALL_ROLES)(view)


def allowed_roles(view: Callable) -> frozenset[Role] | None:
    return getattr(view, "allowed_roles", None)


def is_api_client_view(view: Callable) -> bool:
    return getattr(view, "api_client_view", False) is True


def guard(app) -> Callable:
    def check_request():
        endpoint = request.endpoint
        if endpoint is None:  # no route matched: let Flask answer 404 / 405
            return None
        if endpoint in PUBLIC_ENDPOINTS:
            return None
        if endpoint.startswith("api.") and is_api_client_view(app.view_functions[endpoint]):
            # Reached with an API client's bearer token, checked by the API's own
            # before_request (victims.api.views.authenticate), never with a session.
            return None
        if endpoint in HALF_SIGNED_IN_ENDPOINTS:
            if session.get("pending_user_id") is None:
                return redirect(url_for("auth.sign_in"))
            return None
        if not current_user.is_authenticated:
            ended = g.get("session_end_reason")
            if ended:
                return redirect(url_for("auth.signed_out", reason=ended))
            if request.path.startswith("/api/"):
                abort(401)
            flash("Sign in to continue")
            here = request.full_path if request.query_string else request.path
            return redirect(url_for("auth.sign_in", next=site_path(here)))
        roles = allowed_roles(app.view_functions[endpoint])
        if roles is None or current_user.role not in roles:
            abort(403)
        return None

    return check_request


def site_path(value: str | None) -> str | None:
    """The value if it is a path on this site, else None: never a full URL (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return None
