"""The service spread over machines: two web services under gunicorn (gunicorn.conf.py) and two
Celery workers with one beat, against one PostgreSQL database and one Redis, as
docs/operations.md describes. Nothing is lost or done twice.

Real parts throughout: the processes are started by their real command lines (the workers, beat
and Redis server as the fault tests start them, tests/integration/reminders), GOV.UK Notify is
faked on a local port and called through the real client library. People's requests go through
both web services at once, each form fetched from one and sent to the other (so neither keeps
anything a request needs: the session is in the database and the signed cookie): VLOs approve
letters, which the workers send, and record contacts, while reminders come due and the beat's
sweeps hand them out. Then: every letter reached Notify exactly once, every reminder exists once
and its email reached Notify exactly once, and every contact posted is in the log once.

Bounded: 12 letters, 24 contacts, 24 page views, 16 deadlines; about 30 to 60 seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from config import TestingConfig
from tests.factories import Factory
from tests.fakes.notify import LETTER_EMAIL_TEMPLATE_ID
from tests.helpers import date_parts, keeping_default_celery_app, make_work, throwaway_postgres_database
from tests.integration.reminders.test_outages import assert_letters_sent_once, letters_sent
from tests.integration.reminders.test_reminder_faults import (
    BIN,
    ROOT,
    Processes,
    all_done,
    assert_exactly_once,
    due_dates_around,
    london_today,
    service_environment,
    wait_until,
)
from tests.processes import free_port
from victims import create_app
from victims.auth import services as auth
from victims.cases.models import ContactLogEntry
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services as letters

VLOS = 3
LETTERS_EACH = 4  # half by post, half by email
CONTACTS_EACH = 8
TEAMS_OF_DEADLINES = 4  # make_work: 4 deadlines each, around today
LOAD_THREADS = 6
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("several processes against one database: PostgreSQL, as in production and CI")
    yield from throwaway_postgres_database("vcs_two_machines")


@pytest.fixture()
def service_env(tmp_path_factory, database_url, redis_server, notify) -> dict[str, str]:
    return service_environment(
        tmp_path_factory.mktemp("instance"),
        database_url,
        redis_server.url,
        notify,
        # The suite's own keys: the letters and sessions are made in this process.
        FIELD_ENCRYPTION_KEYS=",".join(TestingConfig.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=TestingConfig.BLIND_INDEX_KEY,
        NOTIFY_LETTER_EMAIL_TEMPLATE_ID=LETTER_EMAIL_TEMPLATE_ID,
        REDIS_URL=redis_server.url,  # the sign-in limits, shared by both web services
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
    )


class People:
    """VLOs with draft letters and cases, each signed in (a session made as sign-in makes it)."""

    def __init__(self, database_url: str, broker_url: str, secret_key: str):
        celery = {**TestingConfig.CELERY, "broker_url": broker_url}
        with keeping_default_celery_app():
            service = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, CELERY=celery)
        signer = Flask("two-machines-test")
        signer.secret_key = secret_key
        serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
        self.cookies: list[dict[str, str]] = []
        self.letters: list[tuple[int, int]] = []  # (VLO's index, letter id)
        self.cases: list[tuple[int, int]] = []  # (VLO's index, case id)
        with service.app_context():
            make = Factory(db.session)
            team = make.team(name=f"Two machines {uuid.uuid4().hex[:8]}")
            for index in range(VLOS):
                vlo = make.user(Role.VLO, team=team)
                vlo.phone = "01632 960 123"  # the letter's "If the offender contacts you" needs it
                for channel in ["post", "email"] * (LETTERS_EACH // 2):
                    case = make.case(team=team, vlo=vlo, victims=0)
                    victim = make.person(case, channel=channel)
                    letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
                    texts = {s.key: "Written by the VLO." for s in letter.sections if not s.locked}
                    letters.save_draft(letter, texts, large_print=False, channel=channel, user=vlo)
                    self.letters.append((index, letter.id))
                    self.cases.append((index, case.id))
                token = auth.start_session(vlo)
                self.cookies.append({"vcs_session": serializer.dumps({"sid": token, "_permanent": True})})
            db.session.commit()
            db.session.remove()
            db.engine.dispose()


class Web:
    """One web service under gunicorn with the repository's gunicorn.conf.py, on a port of its own."""

    def __init__(self, processes: Processes, env: dict[str, str], name: str):
        self.url = f"http://127.0.0.1:{free_port()}"
        with (processes.logs / f"{name}.log").open("a") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-b", self.url.removeprefix("http://")],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.started.append((name, self.process))
        wait_until(self._answers, processes, f"{name} to start")

    def _answers(self) -> bool:
        assert self.process.poll() is None, "the web service stopped"
        try:
            return requests.get(self.url + "/health", timeout=5).status_code == 200
        except (requests.ConnectionError, requests.Timeout):
            return False


class Load:
    """Signed-in requests, each form fetched from one web service and posted to the other."""

    def __init__(self, webs: list[Web], people: People):
        self.webs = webs
        self.people = people
        self.turn = cycle(range(len(webs)))
        self.statuses: Counter[tuple[str, int]] = Counter()  # (web, status)
        self.posted_contacts: list[tuple[int, str]] = []  # (case id, summary) answered 302

    def _pair(self) -> tuple[str, str]:
        first = next(self.turn)
        return self.webs[first].url, self.webs[(first + 1) % len(self.webs)].url

    def _client(self, person: int) -> dict[str, str]:
        """The person's cookie, as their browser holds it (updated by what each answer sets)."""
        return dict(self.people.cookies[person])

    def _get(self, cookies: dict[str, str], base: str, path: str) -> str:
        response = requests.get(base + path, cookies=cookies, timeout=30, allow_redirects=False)
        self.statuses[(base, response.status_code)] += 1
        assert response.status_code == 200, (path, response.status_code)
        cookies.update(response.cookies.get_dict())  # the session now holds its CSRF token
        return response.text

    def _post(self, cookies: dict[str, str], base: str, path: str, data: dict) -> requests.Response:
        response = requests.post(base + path, data=data, cookies=cookies, timeout=30, allow_redirects=False)
        self.statuses[(base, response.status_code)] += 1
        return response

    def approve(self, person: int, letter_id: int) -> None:
        client = self._client(person)
        here, there = self._pair()
        page = self._get(client, here, f"/letters/{letter_id}")
        data = {
            "csrf_token": CSRF.search(page).group(1),
            "version": VERSION.search(page).group(1),
            "acknowledged": "yes",
        }
        response = self._post(client, there, f"/letters/{letter_id}/approve", data)
        assert response.status_code == 302, (letter_id, response.status_code, response.text[:500])

    def contact(self, person: int, case_id: int, number: int) -> None:
        client = self._client(person)
        here, there = self._pair()
        page = self._get(client, here, f"/cases/{case_id}/contacts/new")
        summary = f"Load contact {number} on case {case_id}"
        data = {
            "csrf_token": CSRF.search(page).group(1),
            "person": "",
            "occurred_on": date_parts(london_today()),
            "method": "telephone",
            "direction": "outbound",
            "summary": summary,
        }
        response = self._post(client, there, f"/cases/{case_id}/contacts/new", data)
        assert response.status_code == 302, (case_id, response.status_code, response.text[:500])
        self.posted_contacts.append((case_id, summary))

    def look(self, person: int, path: str) -> None:
        self._get(self._client(person), self._pair()[0], path)


def _contacts_posted(engine, case_ids: list[int]) -> Counter[tuple[int, str]]:
    """The load's entries in the contact log (summaries are encrypted: read through the model)."""
    with Session(engine) as session:
        entries = select(ContactLogEntry.case_id, ContactLogEntry.summary)
        rows = session.execute(entries.where(ContactLogEntry.case_id.in_(case_ids)))
        return Counter((case_id, summary) for case_id, summary in rows if summary.startswith("Load contact"))


def test_two_web_services_and_two_workers_lose_nothing_and_send_nothing_twice(
    tmp_path, database_url, redis_server, notify, service_env
):
    redis_server.client().flushall()
    notify.fake.reset()
    engine = create_engine(database_url, pool_pre_ping=True)
    processes = Processes(service_env, tmp_path)
    try:
        today = london_today()
        works = [make_work(engine, due_dates_around(today), emails=True) for _ in range(TEAMS_OF_DEADLINES)]
        people = People(database_url, redis_server.url, service_env["SECRET_KEY"])
        webs = [Web(processes, service_env, f"web-{n}") for n in (1, 2)]
        processes.worker("worker-1")
        processes.worker("worker-2")
        processes.beat()
        load = Load(webs, people)

        jobs = [lambda p=p, letter=letter: load.approve(p, letter) for p, letter in people.letters]
        for number, (person, case_id) in enumerate(people.cases[: VLOS * CONTACTS_EACH // 2] * 2):
            jobs.append(lambda p=person, c=case_id, n=number: load.contact(p, c, n))
        for person, case_id in people.cases[::LETTERS_EACH]:  # each VLO's first case
            for path in ("/cases/mine", f"/cases/{case_id}", "/cases/mine?q=Smith") * (CONTACTS_EACH // 3):
                jobs.append(lambda p=person, path=path: load.look(p, path))
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=LOAD_THREADS) as pool:
            for done in [pool.submit(job) for job in jobs]:
                done.result()  # a failed request fails the test here, with its status
        took = time.monotonic() - started

        letter_ids = [letter for _, letter in people.letters]
        wait_until(letters_sent(engine, letter_ids), processes, "every approved letter to be sent")
        for work in works:
            wait_until(all_done(engine, work, [today]), processes, "every reminder and its email")
        time.sleep(5)  # two more sweeps (every 2 s): nothing more may appear

        assert_letters_sent_once(engine, notify, letter_ids)
        for work in works:
            assert_exactly_once(engine, notify, work, [today])
        posted = Counter(load.posted_contacts)
        assert len(posted) == len(load.posted_contacts) == VLOS * CONTACTS_EACH
        # Each once: none lost, none doubled.
        assert _contacts_posted(engine, [case for _, case in people.cases]) == posted
        assert not [key for key in load.statuses if key[1] >= 500], load.statuses
        for web in webs:  # both took their share
            assert sum(n for (base, _), n in load.statuses.items() if base == web.url) >= len(jobs) // 2
        print(  # seen with -s
            f"{sum(load.statuses.values())} requests through {len(webs)} web services in {took:.1f} s; "
            f"{len(notify.fake.notifications)} letters and emails at Notify, each once"
        )
        for name, process in processes.started:
            assert process.poll() is None, f"{name} stopped\n{processes.log_text()}"
        log = processes.log_text()
        assert "Traceback" not in log, log
    finally:
        processes.stop_all()
        engine.dispose()
