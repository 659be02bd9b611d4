"""`make bench` measures every page a VLO, an SPO or a manager opens (bench/pages.py): a new page
that takes no id, or only a case's, fails here until the benchmark measures it or the list below
says why it is not a page to measure. No database: the app's URL map only."""

from __future__ import annotations

import re

from bench.pages import PAGES
from victims import create_app

# GET routes that take no id or a case id, yet are not pages a VLO, SPO or manager opens.
NOT_MEASURED = {
    "main.health": "JSON for load balancers and monitoring",
    "main.home": "redirects to the signed-in user's first page",
    "absences.index": "redirects to the user's own or the team's absences",
    "cases.prerelease_old": "a permanent redirect to cases.prerelease (an old address)",
    "auth.sign_in": "signing in: the benchmark signs each user in once, through it",
    "auth.two_factor": "signing in (a security code can be used once)",
    "auth.enrol": "setting up a security code, once per user",
    "auth.sign_out": "ends the session",
    "auth.signed_out": "shown after signing out",
    "feedback.thanks": "the victims' public feedback form's thank-you",
    "notify.outbox": "the development outbox (no such page in production)",
    "api.openapi": "the API's description, for client systems",
    "api.case": "the API (a client system's token), not a page",
    # Administrators' pages: no VLO, SPO or manager opens them.
    "admin.users": "administrators only",
    "admin.new_user": "administrators only",
    "admin.account_requests": "administrators only",
    "admin.deadline_rules": "administrators only",
    "admin.letter_templates": "administrators only",
    "admin.non_working_days": "administrators only",
    "admin.teams": "administrators only",
    "workforce.model": "administrators only (the workload model)",
    "calibration.adopt": "national administrators only",
}


def _app():
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")


def test_the_benchmark_measures_every_page_without_an_id_or_with_a_case_id():
    rules = [
        rule
        for rule in _app().url_map.iter_rules()
        if "GET" in rule.methods and set(rule.arguments) <= {"case_id"}
    ]
    measured = {page.endpoint for page in PAGES}
    missing = sorted(
        f"{rule.endpoint} ({rule.rule})"
        for rule in rules
        if rule.endpoint not in measured and rule.endpoint not in NOT_MEASURED
    )
    assert missing == [], "pages the benchmark does not measure: add them to bench/pages.py"
    # An exclusion for a route that is gone, or a page measured though excluded, is out of date.
    endpoints = {rule.endpoint for rule in rules}
    assert sorted(set(NOT_MEASURED) - endpoints) == []
    assert sorted(set(NOT_MEASURED) & measured) == []


def test_each_measured_path_is_the_page_it_names():
    adapter = _app().url_map.bind("localhost")
    for page in PAGES:
        path = re.sub(r"\{(\w+)\}", "7", page.path)
        endpoint, _args = adapter.match(path.split("?")[0], method="GET")
        assert endpoint == page.endpoint, page.name
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names))  # rows are keyed by name
