"""The query strings of the list pages (page, sort, order, q, show, the audit trail's filters and
the export's), filled by Hypothesis with odd values, repeated names and bytes that are not
UTF-8 or not even percent-encoding: none may cause a server error.

The names come from the page's own links and filter forms as well as the list below, so a new
filter is fuzzed without being listed here.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.integration.web.fuzzing import FUZZ, JUNK, Visitor, build_world, forms_on, postgres_rules

LISTS = {
    "vlo": ["/cases/mine", "/tasks/mine", "/notifications", "/cases/{case}/letters/new", "/cases/{case}"],
    "spo": ["/cases/team", "/tasks/team", "/audit/reveals", "/notifications", "/team/countersigning"],
    "manager": ["/cases/region", "/audit/", "/audit/export.csv"],
    "admin": ["/admin/users", "/dev/outbox", "/admin/deadline-rules"],
}
COMMON = ("page", "sort", "order", "q", "show", "person", "type")
# Pages that take another page's filters (the export has no page of its own to read them from).
FILTERS_FROM = {"/audit/export.csv": "/audit/"}

# Raw bytes no browser would send: broken percent-encoding, bytes that are not UTF-8, NUL.
RAW = st.sampled_from(["%", "%ZZ", "%E0%A4%A", "%FF%FE", "%00", "%C0%AF", "a=b=c", "&&&", "==", ";", "%2526"])


@pytest.fixture(autouse=True)
def _as_postgresql_would():
    """What PostgreSQL refuses fails here too (tests/integration/web/fuzzing.py)."""
    with postgres_rules():
        yield


@pytest.fixture()
def world(app, make, database, frozen_clock, monkeypatch):
    monkeypatch.setattr(app.extensions["celery"], "send_task", lambda *args, **kwargs: None)
    return build_world(make, database)


def _names(visitor: Visitor, path: str) -> dict[str, list[str]]:
    """The query names the page uses (its links' and its GET forms'), with the values it gives."""
    status, html = visitor.get(FILTERS_FROM.get(path, path))
    assert status == 200, (path, status)
    names: dict[str, list[str]] = {name: [] for name in COMMON}
    for href in re.findall(r'href="([^"]*\?[^"]*)"', html):
        for name, value in parse_qsl(urlsplit(unescape(href)).query, keep_blank_values=True):
            names.setdefault(name, []).append(value)
    for form in forms_on(html, path, method="get"):
        for name, field in form.fields.items():
            names.setdefault(name, []).extend(field.values)
    return names


@st.composite
def _query(draw, names: dict[str, list[str]]) -> str:
    pairs = []
    for name in draw(st.lists(st.sampled_from(sorted(names)), max_size=6)):
        known = [value for value in names[name] if value]
        value = draw(st.one_of(st.sampled_from(known), JUNK) if known else JUNK)
        pairs.append(f"{quote(name)}={quote(value[:3000])}")
    if draw(st.integers(0, 3)) == 0:
        pairs.append(draw(RAW))
    return "&".join(pairs)


@pytest.mark.parametrize("role", list(LISTS))
def test_no_generated_query_string_causes_a_server_error(app, world, role):
    visitor = Visitor(app, world.users[role])
    for page in LISTS[role]:
        fuzz_list(visitor, page.format(**world.ids))


def fuzz_list(visitor: Visitor, path: str) -> None:
    @given(query=_query(_names(visitor, path)))
    @FUZZ
    def run(query):
        response = visitor.browser._send("get", path, query_string=query)
        assert response.status_code < 500, f"GET {path}?{query[:500]} answered {response.status_code}"
        response.get_data()  # the export is streamed: read it all

    run()
