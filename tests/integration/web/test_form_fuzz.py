"""Every form a VLO, SPO, manager or administrator can submit, filled by Hypothesis with what
people (and crafted requests) send: any Unicode, NUL bytes, huge strings and numbers, dates like
99/99/99999, fields left out or repeated. None may cause a server error, and a refused request
(4xx) stores nothing.

The forms are found on the pages each role sees, so a new form is fuzzed without being listed
here; `test_every_post_route_is_fuzzed` fails if a POST route is reached by no page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from tests.conftest import Browser
from tests.factories import PASSWORD
from tests.helpers import LAYOUT_CSRF
from tests.integration.web.fuzzing import (
    FUZZ,
    Field,
    Form,
    Visitor,
    build_world,
    check_response,
    fingerprint,
    form_data,
    forms_on,
    plausible_data,
    postgres_rules,
    rolled_back,
)
from victims import clock
from victims.domain.vocabulary import Role

# Where each role starts ({…} are the world's ids): the forms are found on these pages and on
# every page they link to.
PAGES = {
    "vlo": [
        "/",
        "/cases/mine",
        "/cases/{case}",
        "/cases/new",
        "/cases/{case}/dates",
        "/cases/{case}/contacts/new",
        "/cases/{case}/feedback/new",
        "/cases/{case}/events/new",
        "/cases/{case}/letters/new",
        "/cases/{case}/people/new",
        "/cases/{case}/people/{person}/reveal",
        "/cases/{case}/people/{person}/preferences/reveal",
        "/letters/{letter}/reveal",
        "/zones/{draft_zone}/reveal",
        "/cases/{case}/people/{person}/details",
        "/cases/{case}/people/{person}/preferences",
        "/cases/{case}/people/{person}/opt-out",
        "/cases/{case}/people/{person}/opt-in",
        "/cases/{case}/close",
        "/cases/{case}/prerelease/contact",
        "/cases/{case}/conditions/new",
        "/conditions/{named_request}",
        "/conditions/{zone_request}",
        "/letters/{letter}",
        "/letters/{sent_letter}",
        "/zones/{zone}",
        "/zones/{draft_zone}",
        "/zones/{failing_zone}",
        "/tasks/mine",
        "/notifications",
        "/account/details",
        "/account/notifications",
    ],
    "spo": [
        "/cases/team",
        "/cases/{case}",
        "/cases/{case}/allocate",
        "/cases/{case}/scheme",
        "/cases/{case}/transfer",
        "/cases/{closed_case}",
        "/cases/{closed_case}/reopen",
        "/cases/{moving_case}",
        "/letters/{waiting_letter}",
        "/zones/{zone}",
        "/tasks/team",
        "/tasks/{task}/assign",
        "/allocation/",
        "/allocation/plan?case={case}",
        "/team/countersigning",
        "/notifications",
        "/workforce/vlos/{colleague}",
        "/team/skills-and-training",
        "/staff/{vlo}/skills-and-training",
        "/staff/{vlo}/training/new",
        "/staff/{vlo}/training/{training}/remove",
        "/cases/{case}/needs/new",
        "/cases/{case}/needs/{case_need}/remove",
        "/absences/team",
        "/absences/new",
    ],
    "manager": ["/", "/audit/", "/cases/region", "/cases/{case}", "/account/details"],
    "admin": [
        "/admin/users",
        "/admin/users/new",
        "/admin/users/{colleague}",
        "/admin/users/{colleague}/deactivate",
        "/admin/users/{colleague}/reset-second-factor",
        "/admin/users/{colleague}/password",
        "/admin/deadline-rules",
        "/admin/deadline-rules/initial_contact",
        "/admin/letter-templates",
        "/admin/letter-templates/initial_contact/en",
        "/admin/non-working-days",
        "/admin/teams",
        "/admin/account-requests",
        "/admin/account-requests/{account_request}",
        "/account/details",
    ],
}

# POST routes fuzzed elsewhere, or by no signed-in role here.
ELSEWHERE = {
    "api.referrals": "tests/integration/api/test_api_fuzz.py",
    "api.events": "tests/integration/api/test_api_fuzz.py",
    "api.bulk_events": "tests/integration/api/test_api_fuzz.py",
    "imports.upload": "tests/integration/imports/test_import_fuzz.py",
    "imports.import_referrals": "tests/integration/imports/test_import_fuzz.py",
    "auth.sign_in": "test_sign_in_forms_never_fail below",
    "auth.two_factor": "test_sign_in_forms_never_fail below",
    "auth.enrol": "test_sign_in_forms_never_fail below",
    # An absence's own forms need an absence (the world has none), and adopting weights a fit
    # of enough recorded time: their refusals and stale versions are tested there.
    "absences.change_end": "tests/integration/absences/test_absence_pages.py",
    "absences.back": "tests/integration/absences/test_absence_pages.py",
    "absences.cancel": "tests/integration/absences/test_absence_pages.py",
    "calibration.adopt": "tests/integration/calibration/test_calibration.py",
    # A victim's feedback page: no signed-in role reaches it.
    "feedback.give": "tests/integration/feedback/test_feedback_fuzz.py",
}


@pytest.fixture(autouse=True)
def _as_postgresql_would():
    """What PostgreSQL refuses fails here too (tests/integration/web/fuzzing.py)."""
    with postgres_rules():
        yield


@pytest.fixture()
def world(app, make, database, frozen_clock, monkeypatch):
    # Approving a letter hands it to a worker when the request commits: no broker here.
    monkeypatch.setattr(app.extensions["celery"], "send_task", lambda *args, **kwargs: None)
    return build_world(make, database)


# Links not to follow: leaving, files, the API, and pages that only print or download.
NOT_FOLLOWED = re.compile(r"^/(sign-out|assets/|api/)|\.(pdf|csv)$")


def discover(app, world, role: str) -> tuple[Visitor, dict[str, Form]]:
    """The role's forms, one a route (the first found): on the role's pages and the pages they
    link to (so a new page reached from them is fuzzed without being listed); and the "stay
    signed in" request the layout's script sends with the session's token."""
    visitor = Visitor(app, world.users[role])
    # The details can be changed for 10 minutes after they were revealed (kept in the session).
    until = clock.utcnow() + timedelta(minutes=10)
    visitor.remember("revealed", {str(world.ids["person"]): until.isoformat()})
    forms: dict[str, Form] = {}
    seeds = [page.format(**world.ids) for page in PAGES[role]]
    linked: set[str] = set()
    for path in seeds:
        linked |= _visit(visitor, path, forms)
    for path in sorted(linked - set(seeds)):
        _visit(visitor, path, forms)
    return visitor, forms


def _endpoint(app, action: str) -> str:
    try:
        return app.url_map.bind("localhost").match(action.split("?")[0], method="POST")[0]
    except HTTPException:  # no such route: fuzzed as it is, to see it answer 404 or 405
        return action


def _visit(visitor: Visitor, path: str, forms: dict[str, Form]) -> set[str]:
    """Add the page's forms; the site's pages it links to."""
    status, html = visitor.get(path)
    if status != 200:
        return set()
    for form in forms_on(html, path):
        forms.setdefault(_endpoint(visitor.app, form.action), form)  # one form a route: the first found
    token = LAYOUT_CSRF.search(html)
    if token and "auth.extend_session" not in forms:
        forms["auth.extend_session"] = Form(
            "/session/extend", False, {"csrf_token": Field("csrf_token", "hidden", [token.group(1)])}
        )
    links = {unescape(href).split("#")[0].split("?")[0] for href in re.findall(r'href="(/[^"/][^"]*)"', html)}
    return {link for link in links if not NOT_FOLLOWED.search(link)}


ODD_IDS = st.sampled_from(["0", "-1", "2147483648", "9" * 30, "x", "%00", "1.5"])


@st.composite
def _paths(draw, form: Form) -> str:
    """The form's own action; one time in eight with its record id replaced."""
    if re.search(r"/\d+", form.action) and draw(st.integers(0, 7)) == 0:
        return re.sub(r"/\d+", "/" + draw(ODD_IDS), form.action, count=1)
    return form.action


def fuzz_form(app, visitor: Visitor, form: Form) -> None:
    @given(data=form_data(form), path=_paths(form))
    @FUZZ
    def run(data, path):
        with rolled_back():
            browser = visitor.fresh()
            before = fingerprint()
            kwargs = {"content_type": "multipart/form-data"} if form.multipart else {}
            response = browser._send("post", path, data=data, **kwargs)
            # The test client spools a large multipart body to a temporary file and leaves it open.
            response.request.environ["wsgi.input"].close()
            check_response(
                response, before, fingerprint, f"POST {path} as {visitor.user.role} with {data!r:.2000}"
            )

    run()


# Not left to chance: text longer than any column (two bytes a character), and a number larger
# than any column or float.
TOO_LARGE = {"too long": "é" * 5001, "too large": "9" * 400}


def every_field_too_large(visitor: Visitor, form: Form) -> None:
    """Each text field in turn too long, then too large a number, the rest as a person would fill
    them in (PostgreSQL refuses what SQLite would keep)."""
    data = plausible_data(form)
    for name, found in form.fields.items():
        if found.kind not in ("text", "textarea") or found.count >= 3:
            continue
        for what, value in TOO_LARGE.items():
            with rolled_back():
                browser = visitor.fresh()
                before = fingerprint()
                response = browser._send("post", form.action, data={**data, name: value})
                check_response(response, before, fingerprint, f"POST {form.action} with {name} {what}")


@pytest.mark.parametrize("role", list(PAGES))
def test_no_generated_form_causes_a_server_error(app, world, role):
    visitor, forms = discover(app, world, role)
    assert forms, role
    for form in forms.values():
        fuzz_form(app, visitor, form)
        every_field_too_large(visitor, form)


def test_every_post_route_is_fuzzed(app, world):
    found = set()
    for role in PAGES:
        _visitor, forms = discover(app, world, role)
        found |= set(forms)  # by endpoint
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    missing = sorted(posts - found - set(ELSEWHERE))
    assert not missing, f"POST routes no page reaches: {missing}"


# -- signing in ---------------------------------------------------------------------------------------

SIGN_IN_PAGES = {
    "/sign-in": "enrolled",
    "/sign-in/security-code": "enrolled",
    "/sign-in/set-up-security-code": "new",
}


@pytest.mark.parametrize("path", list(SIGN_IN_PAGES))
def test_sign_in_forms_never_fail(app, make, database, frozen_clock, path):
    """The forms of someone not yet signed in, reached as they would be (the second factor after
    a correct password). A failed attempt is stored on purpose (it counts towards the lock-out),
    so only the status is checked here."""
    user = make.user(Role.VLO, enrolled=SIGN_IN_PAGES[path] == "enrolled")
    browser = Browser(app)
    if path != "/sign-in":
        browser.post("/sign-in", {"email": user.email, "password": PASSWORD}, status=302)
    html = browser.get(path)
    [form] = forms_on(html, path)
    with browser.client.session_transaction() as session:
        cookie_session = dict(session)

    @given(data=form_data(form))
    @FUZZ
    def run(data):
        with rolled_back():
            fresh = Browser(app)
            with fresh.client.session_transaction() as session:
                session.update(cookie_session)
            response = fresh._send("post", form.action, data=data)
            assert response.status_code < 500, f"POST {form.action} with {data!r:.2000}"

    run()
