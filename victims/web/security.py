"""Deny by default: every endpoint needs a signed-in user with an allowed role,
unless it is on the short public list below.

Views declare who may use them with ``@allowed(Role.VLO, ...)``; the guard in
``before_request`` enforces it, so a view that forgets to declare is refused (403)
rather than open, and a test walks ``app.url_map`` to fail on any such view.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import quote, unquote, urlsplit

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, RequestRedirect

from victims.domain.vocabulary import Role

# Open to anyone: signing in, the health check, the assets, a victim's feedback page.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "main.health",
        "main.accessibility",
        "auth.sign_in",
        "auth.signed_out",
        "api.openapi",
        # A victim's feedback page, opened from the link in a letter (issue 15): no account.
        "feedback.give",
        "feedback.thanks",
    }
)
# Open to someone who has given a correct password but not yet the second factor.
HALF_SIGNED_IN_ENDPOINTS = frozenset({"auth.two_factor", "auth.enrol"})
# All that is open to someone signed in with a password an administrator set, until they have
# chosen their own: the page to choose it, signing out, and staying signed in while they type.
NEW_CREDENTIAL_PAGE = "staff.change_password"
BEFORE_NEW_CREDENTIAL_ENDPOINTS = frozenset({NEW_CREDENTIAL_PAGE, "auth.sign_out", "auth.extend_session"})

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
            return redirect(url_for("auth.sign_in", next=site_path(here, app.url_map)))
        if current_user.password_must_change and endpoint not in BEFORE_NEW_CREDENTIAL_ENDPOINTS:
            # Before any other page, GET or POST: the password an administrator set is spent.
            return redirect(url_for(NEW_CREDENTIAL_PAGE))
        roles = allowed_roles(app.view_functions[endpoint])
        if roles is None or current_user.role not in roles:
            abort(403)
        return None

    return check_request


# -- where to go after signing in ----------------------------------------------------------------

# What the WHATWG URL parser (every browser) does before it reads a URL: deletes ASCII tabs and
# newlines wherever they are, and trims C0 control characters and spaces from both ends.
_DELETED = re.compile(r"[\t\n\r]")
_TRIMMED = "".join(chr(code) for code in range(0x21))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Endpoints that are no place to land after signing in (or not pages at all).
_NOT_DESTINATIONS = ("static", "auth.", "api.")
_ENCODING_LAYERS = 4


def _as_a_browser_reads(value: str) -> str:
    # In http(s) URLs a browser reads a backslash as a slash.
    return _DELETED.sub("", value).strip(_TRIMMED).replace("\\", "/")


def _decoded(value: str) -> str | None:
    """The value after every layer of percent-encoding, read as a browser would at each layer;
    None if it is still changing after a few layers (nobody encodes a link four times)."""
    for _ in range(_ENCODING_LAYERS):
        decoded = _as_a_browser_reads(unquote(value))
        if decoded == value:
            return value
        value = decoded
    return None


def site_path(value: str | None, url_map: Map) -> str | None:
    """A path on this service that a page's route matches, rebuilt by us; else None.

    The value is judged as the browser will read it (tabs and newlines deleted, ends trimmed,
    backslashes as slashes) and after percent-decoding, so no encoding can hide a second slash,
    a scheme or a host; dot segments are resolved as the browser resolves them. What comes back
    is built from the parts that passed, never the value as given."""
    if not value:
        return None
    path, _, query = _as_a_browser_reads(value).partition("?")
    path = path.partition("#")[0]
    decoded = _decoded(path)
    if not decoded or _CONTROL.search(decoded) or not decoded.startswith("/") or decoded.startswith("//"):
        return None
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return None
    resolved = posixpath.normpath(decoded)
    if resolved.startswith("//"):  # normpath keeps a leading "//" (POSIX says it may mean something)
        return None
    if decoded.endswith("/") and resolved != "/":
        resolved += "/"
    try:
        endpoint, _arguments = url_map.bind("localhost").match(resolved, method="GET")
    except (HTTPException, RequestRedirect):
        return None
    if endpoint.startswith(_NOT_DESTINATIONS):
        return None
    rebuilt = quote(resolved, safe="/-._~!$&'()*+,;=:@")
    query = _DELETED.sub("", query.partition("#")[0])
    if query and not _CONTROL.search(unquote(query)):
        rebuilt += "?" + quote(query, safe="/-._~!$&'()*+,;=:@?%")
    return rebuilt


def next_page(value: str | None) -> str | None:
    """Where to go after signing in: site_path for the running app."""
    return site_path(value, current_app.url_map)
