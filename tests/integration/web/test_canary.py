"""The canary: a victim whose address, contact details, safe times to contact and places on an
exclusion-zone map are found nowhere else. Everyone who should not see them crawls every page and
every PDF they can reach (letters, the map, the representations), and none may appear, in a page,
a PDF or the logs. Nobody has revealed them yet, so not even the allocated VLO sees them.
The allocated VLO, after giving a reason, does see them, and only where they belong: proof the
crawler can find them.
"""

from __future__ import annotations

import base64
import json
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
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.prerelease import ConditionType, Stage, ZoneStatus
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services as letters
from victims.letters.pdf import render_pdf
from victims.prerelease import queries as prerelease_queries
from victims.prerelease import services as prerelease
from victims.prerelease import zones
from victims.prerelease.models import ZonePoint

ADDRESS = "17 Canary Wharf Lane"
POSTCODE = "CN1 7RY"
PHONE = "07700 900 917"
EMAIL = "canary.bird@example.test"
SAFE_TIMES = "Ring after the kettle whistles on Thursdays"
# The places the canary's exclusion zone is checked against (latitude, longitude), to 0.1 m,
# written as the zone page writes them. None is a corner of the zone.
PLACES = {
    "home": (52.137913, -0.463571),
    "work": (52.131782, -0.458246),
    "school": (52.140627, -0.472394),
    "release_address": (52.162849, -0.466132),  # the offender's: outside the zone
}
COORDINATES = tuple(f"{lat:.6f}, {lon:.6f}" for lat, lon in PLACES.values())
CANARY = (ADDRESS, POSTCODE, PHONE, EMAIL, SAFE_TIMES, *COORDINATES)
# Pieces that would give them away even if the whole never appeared: the address's words, and
# each coordinate alone to a metre (however the rest of the pair was written).
FRAGMENTS = (
    "Canary Wharf",
    "CN1",
    "900 917",
    "canary.bird",
    "kettle whistles",
    *(f"{value:.6f}"[:-1] for place in PLACES.values() for value in place),
)
# Which canary says what, for the checks after a reveal.
CONTACT_DETAILS = {ADDRESS, POSTCODE, PHONE, EMAIL, "Canary Wharf", "CN1", "900 917", "canary.bird"}
# The zone page's form shows the victim's places after a reveal; the offender's release address is
# the case's (issue 17), recorded on the dates page, and its coordinates are shown nowhere.
VICTIM_PLACES = {kind: place for kind, place in PLACES.items() if kind != "release_address"}
ZONE_PLACES = {
    *(f"{lat:.6f}, {lon:.6f}" for lat, lon in VICTIM_PLACES.values()),
    *(f"{value:.6f}"[:-1] for place in VICTIM_PLACES.values() for value in place),
}
SHOWN_NOWHERE = {"{:.6f}, {:.6f}".format(*PLACES["release_address"])}
TIMES = {SAFE_TIMES, "kettle whistles"}
# The zone, a square about 2 km across around Bedford town centre (GeoJSON: longitude, latitude).
ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4814, 52.1269], [-0.4520, 52.1269], [-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]
    ],
}

# Well above what any role reaches (about 390 for a national manager since the oversight pages,
# each region's figures, cases behind them and downloads): a crawl that stops at the limit has not
# seen everything, and fails.
MAX_PAGES = 1000
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
    letters: dict[str, int]  # "draft", "sent", "email" -> letter id
    zones: dict[str, int]  # "draft", "countersigned" -> zone id


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
        safe_contact_times=SAFE_TIMES,
    )
    make.contact(case, allocated, summary="Left a message about the next letter.", person_id=victim.id)
    letter_ids = _letters(case, victim, allocated)
    drafted, countersigned = _zone(case, victim, allocated), _zone(case, victim, allocated, checked=True)
    # Some ordinary cases in the other teams, so their users' pages have something on them.
    make.case(vlo=users["vlo of another team"])
    make.case(vlo=users["vlo of another region"])
    make.session.flush()
    ids = {
        "case_id": [case.id],
        "person_id": [victim.id],
        "user_id": [allocated.id, users["spo of the team (no reveal)"].id],
        "letter_id": sorted(letter_ids.values()),
        "zone_id": [drafted[1], countersigned[1]],
        "request_id": [drafted[0], countersigned[0]],
    }
    zone_ids = {"draft": drafted[1], "countersigned": countersigned[1]}
    return Scene(case.id, victim.id, ids, users, letter_ids, zone_ids)


def _letters(case, victim, vlo) -> dict[str, int]:
    """A draft by post, a letter sent by post (its PDF kept as approved) and a draft by email."""
    made = {}
    for name, channel in (("draft", "post"), ("sent", "post"), ("email", "email")):
        letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
        letters.save_draft(letter, {}, large_print=False, channel=channel, user=vlo)
        if name == "sent":
            letter.letter_date = "25 November 2026"
            letter.pdf_base64 = base64.b64encode(render_pdf(letters.printable(letter))).decode()
            letter.status = LetterStatus.SENT
        made[name] = letter.id
    return made


def _zone(case, victim, vlo, *, checked: bool = False) -> tuple[int, int]:
    """An exclusion-zone request and its map, checked against the canary's places: a draft (its
    page has the form with the places) or, checked, a countersigned map whose wording is checked,
    so it is in the representations."""
    request = prerelease.add_request(case, victim, ConditionType.EXCLUSION_ZONE, "Keep him out of town", vlo)
    zone = prerelease_queries.zone(request.zone_id)
    problems = zones.save_zone(
        zone,
        zones.ZoneForm(
            title="Bedford town centre",
            zone=json.dumps(ZONE),
            description="The ring road to the north and the river to the south.",
            points={kind: f"{lat}, {lon}" for kind, (lat, lon) in VICTIM_PLACES.items()},
        ),
        vlo,
    )
    assert problems == []
    # A release address entered on the map before issue 17 kept them with the case: checked
    # against, never shown.
    lat, lon = PLACES["release_address"]
    db.session.add(ZonePoint(zone_id=zone.id, kind="release_address", coordinates=f"{lat:.6f},{lon:.6f}"))
    if checked:
        zone.status = ZoneStatus.COUNTERSIGNED
        request.wording = "Not to enter the area defined by the attached map."
        request.stage = Stage.CHECKED
    return request.id, zone.id


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
    assert len(result.visited) < MAX_PAGES, "the crawl stopped at its limit before it had seen everything"
    assert all(status < 500 for status in result.visited.values()), result.visited
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert _leaks(logged) == []


def test_pages_that_can_see_the_case_were_crawled(app, scene):
    """The allocated VLO's crawl reaches the case page, the person's pages, every letter's PDF,
    the zone page, the map and the representations, so a clean result above means something."""
    browser = signed_in(app, scene.users["allocated vlo (no reveal)"])
    result = crawl(app, browser, _seed_urls(app, scene.ids))
    case_page = f"/cases/{scene.case_id}"
    person = f"{case_page}/people/{scene.person_id}"
    pages = [case_page, f"{person}/reveal", f"{person}/preferences", f"{person}/opt-out"]
    pages += [
        f"/letters/{letter_id}{end}" for letter_id in scene.letters.values() for end in ("", "/letter.pdf")
    ]
    ends = ("", "/map-preview.pdf")
    pages += [f"/zones/{zone_id}{end}" for zone_id in scene.zones.values() for end in ends]
    pages += [f"/zones/{scene.zones['countersigned']}/map.pdf", f"{case_page}/representations.pdf"]
    pages.append(f"{case_page}/representations-preview.pdf")
    for path in pages:
        assert result.visited.get(path) == 200, (path, result.visited.get(path))
    # A draft map is never printed for issue: the crawl meets the page that says why.
    assert result.visited.get(f"/zones/{scene.zones['draft']}/map.pdf") in (None, 409)
    assert result.visited[f"{person}/details"] == 302  # sent to give a reason first
    assert "Songbird" in send(browser, "get", case_page).get_data(as_text=True)
    # The PDFs are read, not skipped: the letters' text and the maps' wording are found in them.
    pdf = _text(send(browser, "get", f"/letters/{scene.letters['sent']}/letter.pdf"))
    assert "If the offender contacts you" in pdf and "Tweety Songbird" in pdf
    pdf = _text(send(browser, "get", f"{case_page}/representations.pdf"))
    assert "Not to enter the area defined by the attached map." in pdf


def _expected_after_a_reveal(scene: Scene) -> dict[str, set[str]]:
    """Where each canary belongs once the allocated VLO has revealed the victim."""
    person = f"/cases/{scene.case_id}/people/{scene.person_id}"
    address = {ADDRESS, POSTCODE, "Canary Wharf", "CN1"}
    return {
        f"{person}/details": CONTACT_DETAILS,  # the form to change them
        f"{person}/preferences": TIMES,
        f"/letters/{scene.letters['draft']}/letter.pdf": address,
        f"/letters/{scene.letters['sent']}/letter.pdf": address,
        f"/letters/{scene.letters['email']}/letter.pdf": {EMAIL, "canary.bird"},
        f"/zones/{scene.zones['draft']}": ZONE_PLACES,  # the form, to check and change them
    }


def test_after_a_reveal_with_a_reason_the_allocated_vlo_sees_it_only_where_it_belongs(app, scene, caplog):
    caplog.set_level(logging.DEBUG)
    vlo = scene.users["allocated vlo (no reveal)"]
    browser = signed_in(app, vlo)
    reveal = f"/cases/{scene.case_id}/people/{scene.person_id}/reveal"
    response = browser.post(reveal, {"reason": "Checking the address before the annual letter"}, status=200)
    assert set(_leaks(response.get_data(as_text=True))) >= {ADDRESS, POSTCODE, PHONE, EMAIL, SAFE_TIMES}
    # For the next few minutes the crawler, on the same pages as before, finds them too...
    result = crawl(app, browser, _seed_urls(app, scene.ids))
    assert len(result.visited) < MAX_PAGES
    found: dict[str, set[str]] = {}
    for path, secret in result.found:
        found.setdefault(path, set()).add(secret)
    expected = _expected_after_a_reveal(scene)
    for path, secrets in expected.items():
        assert found.get(path, set()) & secrets, (path, found.get(path))
    # ...each only where it belongs: never in the map PDF, the representations or any other page.
    unexpected = {path: secrets - expected.get(path, set()) for path, secrets in found.items()}
    assert {path: secrets for path, secrets in unexpected.items() if secrets} == {}
    assert {secret for secrets in found.values() for secret in secrets} >= set(CANARY) - SHOWN_NOWHERE
    # Revealing it is no reason to write it in a log.
    logged = "\n".join(f"{record.getMessage()} {record.args!r}" for record in caplog.records)
    assert _leaks(logged) == []
