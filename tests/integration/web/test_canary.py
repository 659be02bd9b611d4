"""The canary: a victim with an address found nowhere else. Everyone who should not see it
crawls every page they can reach, and it must never appear, in a page or in the logs.
The allocated VLO, after giving a reason, does see it: proof the crawler can find it.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask, url_for

from tests.helpers import parse, send, signed_in
from victims.domain.vocabulary import Role

ADDRESS = "17 Canary Wharf Lane"
POSTCODE = "CN1 7RY"
PHONE = "07700 900 917"
EMAIL = "canary.bird@example.test"
CANARY = (ADDRESS, POSTCODE, PHONE, EMAIL)
# Pieces that would give the address away even if the whole line never appeared.
FRAGMENTS = ("Canary Wharf", "CN1", "900 917", "canary.bird")

MAX_PAGES = 150
# Pages a crawler must not open: signing out would end the crawl, and every other
# GET in the service is safe to open (no GET changes anything).
DO_NOT_FOLLOW = {"auth.sign_out"}


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)
    found: list[tuple[str, str]] = field(default_factory=list)
    # Pages with a <script> that lacks the response's CSP nonce (it would not run, or worse).
    unsafe_scripts: list[str] = field(default_factory=list)


def _endpoint(app: Flask, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
    except Exception:  # 404, 405, redirects: let the crawler see what the service says
        return None
    return endpoint


def _seed_urls(app: Flask, ids: dict[str, list[int]]) -> list[str]:
    """Every GET route in the service, built with each of the seeded ids."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in DO_NOT_FOLLOW or rule.endpoint == "static":
                continue
            combinations: list[dict] = [{}]
            for name in sorted(rule.arguments):
                converter = rule._converters.get(name)
                values = sorted(converter.items) if hasattr(converter, "items") else ids.get(name, [1])
                combinations = [{**done, name: value} for done in combinations for value in values]
            for values in combinations:
                urls.append(url_for(rule.endpoint, **values))
    return urls


TOKENS = re.compile(r'(data-csrf-token|name="csrf_token" type="hidden" value|nonce)="[^"]*"')


def _leaks(body: str) -> list[str]:
    # CSRF tokens are random text that can contain a short fragment such as "CN1" by chance.
    text = unescape(TOKENS.sub("", body)).casefold()
    return [secret for secret in CANARY + FRAGMENTS if secret.casefold() in text]


def _text(response) -> str:
    """The response as text; a PDF (letters, maps, representations) read with pdftotext."""
    if response.content_type == "application/pdf":
        pdftotext = shutil.which("pdftotext")
        assert pdftotext, "pdftotext (Debian poppler-utils) is needed to read PDFs for the canary"
        found = subprocess.run(
            [pdftotext, "-", "-"], input=response.get_data(), capture_output=True, check=True
        )
        return found.stdout.decode("utf-8", errors="replace")
    return response.get_data(as_text=True)


def crawl(app: Flask, browser, seeds: list[str]) -> Crawl:
    result = Crawl()
    queue = deque(["/", *seeds])
    while queue and len(result.visited) < MAX_PAGES:
        path = queue.popleft()
        if path in result.visited or _endpoint(app, path) in DO_NOT_FOLLOW:
            continue
        response = send(browser, "get", path)
        result.visited[path] = response.status_code
        body = _text(response)
        for secret in _leaks(body):
            result.found.append((path, secret))
        if response.status_code in {301, 302, 303}:
            queue.append(urljoin(path, response.headers["Location"]))
            continue
        if "html" not in (response.content_type or ""):
            continue
        page = parse(body)
        nonce = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
        if any(script.get("nonce") != (nonce and nonce.group(1)) for script in page.scripts):
            result.unsafe_scripts.append(path)
        for href in page.links:
            target = urljoin(path, href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue  # another site
            if parts.path.startswith("/assets/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if local not in result.visited:
                queue.append(local)
    return result


@dataclass
class Scene:
    case_id: int
    person_id: int
    ids: dict[str, list[int]]
    users: dict[str, object]


@pytest.fixture()
def scene(make) -> Scene:
    region = make.region("east_of_england")
    elsewhere = make.region("london")
    own_team, other_team, far_team = make.team(region), make.team(region), make.team(elsewhere)
    allocated = make.user(Role.VLO, own_team)
    users = {
        "allocated vlo (no reveal)": allocated,
        "vlo of another team": make.user(Role.VLO, other_team),
        "spo of another team": make.user(Role.SPO, other_team),
        "vlo of another region": make.user(Role.VLO, far_team),
        "spo of another region": make.user(Role.SPO, far_team),
        "manager of the region": make.user(Role.MANAGER, region=region),
        "national manager": make.user(Role.MANAGER, region=elsewhere, national=True),
        "administrator": make.user(Role.ADMIN, region=region),
        "national administrator": make.user(Role.ADMIN, region=region, national=True),
        "spo of the team (no reveal)": make.user(Role.SPO, own_team),
    }
    case = make.case(vlo=allocated, victims=0, offender_last_name="Canaryson")
    victim = make.person(
        case,
        first_name="Tweety",
        last_name="Songbird",
        address_line_1=ADDRESS,
        address_line_2="The Aviary",
        address_town="Birdham",
        address_postcode=POSTCODE,
        telephone=PHONE,
        email=EMAIL,
        # A preference shown on the preferences page, not a contact detail, so not a canary.
        safe_contact_times="Weekday mornings",
    )
    make.contact(case, allocated, summary="Left a message about the next letter.", person_id=victim.id)
    # Some ordinary cases in the other teams, so their users' pages have something on them.
    make.case(vlo=users["vlo of another team"])
    make.case(vlo=users["vlo of another region"])
    ids = {
        "case_id": [case.id],
        "person_id": [victim.id],
        "user_id": [allocated.id, users["spo of the team (no reveal)"].id],
    }
    return Scene(case.id, victim.id, ids, users)


@pytest.mark.parametrize(
    "who",
    [
        "allocated vlo (no reveal)",
        "spo of the team (no reveal)",
        "vlo of another team",
        "spo of another team",
        "vlo of another region",
        "spo of another region",
        "manager of the region",
        "national manager",
        "administrator",
        "national administrator",
    ],
)
def test_the_canary_is_never_seen_without_a_reveal(app, scene, who, caplog):
    caplog.set_level(logging.DEBUG)
    browser = signed_in(app, scene.users[who])
    result = crawl(app, browser, _seed_urls(app, scene.ids))
    assert result.found == []
    assert result.unsafe_scripts == []
    assert len(result.visited) > 10, result.visited  # the crawl really went somewhere
    assert all(status < 500 for status in result.visited.values()), result.visited
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert _leaks(logged) == []


def test_pages_that_can_see_the_case_were_crawled(app, scene):
    """The allocated VLO's crawl reaches the case page and the person's pages, so a
    clean result above means something."""
    browser = signed_in(app, scene.users["allocated vlo (no reveal)"])
    result = crawl(app, browser, _seed_urls(app, scene.ids))
    case_page = f"/cases/{scene.case_id}"
    person = f"{case_page}/people/{scene.person_id}"
    for path in (case_page, f"{person}/reveal", f"{person}/preferences", f"{person}/opt-out"):
        assert result.visited.get(path) == 200, (path, result.visited.get(path))
    assert result.visited[f"{person}/details"] == 302  # sent to give a reason first
    assert "Songbird" in send(browser, "get", case_page).get_data(as_text=True)


def test_after_a_reveal_with_a_reason_the_allocated_vlo_sees_it(app, scene, caplog):
    caplog.set_level(logging.DEBUG)
    vlo = scene.users["allocated vlo (no reveal)"]
    browser = signed_in(app, vlo)
    reveal = f"/cases/{scene.case_id}/people/{scene.person_id}/reveal"
    response = browser.post(reveal, {"reason": "Checking the address before the annual letter"}, status=200)
    assert set(_leaks(response.get_data(as_text=True))) >= set(CANARY)
    # For the next few minutes the crawler, on the same pages as before, finds it too.
    result = crawl(app, browser, _seed_urls(app, scene.ids))
    found_on = {path for path, _ in result.found}
    assert f"/cases/{scene.case_id}/people/{scene.person_id}/details" in found_on
    assert {secret for _, secret in result.found} >= {ADDRESS, POSTCODE, PHONE, EMAIL}
    # Revealing it is no reason to write it in a log.
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert _leaks(logged) == []
