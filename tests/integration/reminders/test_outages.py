"""Reminders survive outages: Redis down for 30 seconds and for 5 minutes, the database down for
30 seconds. Real parts, as in test_reminder_faults: Celery worker and beat processes started by
the real command line, a Redis server of the test's own, GOV.UK Notify faked on a local port;
and here a PostgreSQL cluster of the test's own too (initdb and pg_ctl on a private port and
folder), so it can be stopped without touching anyone else's database. The web service runs
under gunicorn against it, to see what people and load balancers get during the outage.

Each test ends with the check of the fault suite: every reminder that is due exists exactly
once, and every email has gone to Notify exactly once; and beat is still running.

Timings are shortened by configuration only: a sweep every 2 seconds, beat's wait for Redis at
most 5 seconds, the tasks' wait for the database at most 8 seconds."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from config import TestingConfig
from tests.factories import Factory
from tests.fakes.notify import LETTER_EMAIL_TEMPLATE_ID, RunningFake
from tests.helpers import keeping_default_celery_app, make_work
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
from tests.processes import free_port, required
from victims import create_app
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services as letters
from victims.letters.models import Letter

pytestmark = pytest.mark.outage


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own, on a private port, in a folder of its own; run as
    the postgres system user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found and not shutil.which("initdb"):
            required("PostgreSQL's server programs", "initdb and pg_ctl not found")
        self.bin = Path(found[-1]).parent if found else Path(shutil.which("initdb")).parent
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="vcs-outage-pg-"))
        self.data = self.folder / "data"
        self.as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/vcs_outages"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def create(self) -> None:
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "vcs_outages")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder} "
            "-c fsync=off -c full_page_writes=off"
        )
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, "start")

    def stop(self) -> None:
        """Fast shutdown: every connection is cut, as when a database server goes away."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="module")
def service_env(tmp_path_factory, postgres, redis_server, notify) -> dict[str, str]:
    return service_environment(
        tmp_path_factory.mktemp("instance"),
        postgres.url,
        redis_server.url,
        notify,
        # The suite's own keys: the letters are made in this process (approved_letters).
        FIELD_ENCRYPTION_KEYS=",".join(TestingConfig.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=TestingConfig.BLIND_INDEX_KEY,
        NOTIFY_LETTER_EMAIL_TEMPLATE_ID=LETTER_EMAIL_TEMPLATE_ID,
        BEAT_REDIS_BACKOFF_LONGEST_SECONDS="5",
        TASK_RETRY_FIRST_SECONDS="1",
        TASK_RETRY_LONGEST_SECONDS="8",
    )


@pytest.fixture(scope="module")
def engine(postgres, service_env):
    engine = create_engine(postgres.url, pool_pre_ping=True)
    yield engine
    engine.dispose()


@pytest.fixture()
def processes(service_env, tmp_path, redis_server, postgres, notify) -> Iterator[Processes]:
    # Up again if a test before this one failed during its outage.
    if redis_server.process is None or redis_server.process.poll() is not None:
        redis_server.start()
    if not (postgres.data / "postmaster.pid").exists():
        postgres.start()
    redis_server.client().flushall()
    notify.fake.reset()
    running = Processes(service_env, tmp_path)
    yield running
    running.stop_all()


def _sleep_watching(seconds: float, processes: Processes, *watched: subprocess.Popen) -> None:
    """Sleep, failing as soon as a watched process ends."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for process in watched:
            assert process.poll() is None, f"a process ended during the outage\n{processes.log_text()}"
        time.sleep(1)


LETTERS = 4  # two by post, two by email


def approved_letters(database_url: str, broker_url: str) -> list[int]:
    """Letters approved as a VLO approves them, each queued for sending once approved (while
    Redis is down that fails, is logged, and the letter sweep finds them afterwards)."""
    celery = {**TestingConfig.CELERY, "broker_url": broker_url}
    with keeping_default_celery_app():
        service = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, CELERY=celery)
    with service.app_context():
        make = Factory(db.session)
        team = make.team(name=f"Outage team {uuid.uuid4().hex[:8]}")
        vlo = make.user(Role.VLO, team=team)
        vlo.phone = "01632 960 123"  # the letter's "If the offender contacts you" section needs it
        letter_ids = []
        for channel in ["post", "email"] * (LETTERS // 2):
            case = make.case(team=team, vlo=vlo, victims=0)
            victim = make.person(case, channel=channel)
            letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
            texts = {section.key: "Written by the VLO." for section in letter.sections if not section.locked}
            letters.save_draft(letter, texts, large_print=False, channel=channel, user=vlo)
            assert letters.approve(letter, vlo), letters.check_letter(letter)
            letter_ids.append(letter.id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return letter_ids


def _letters(engine, letter_ids: list[int]) -> list[tuple[int, str, str]]:
    with Session(engine) as session:
        return list(
            session.execute(
                select(Letter.id, Letter.status, Letter.reference).where(Letter.id.in_(letter_ids))
            )
        )


def letters_sent(engine, letter_ids: list[int]) -> Callable[[], bool]:
    return lambda: all(status == LetterStatus.SENT for _, status, _ in _letters(engine, letter_ids))


def assert_letters_sent_once(engine, notify: RunningFake, letter_ids: list[int]) -> None:
    found = _letters(engine, letter_ids)
    assert len(found) == len(letter_ids)
    sent = Counter(notification["reference"] for notification in notify.fake.notifications)
    for letter_id, status, reference in found:
        assert status == LetterStatus.SENT, (letter_id, status)
        assert sent[reference] == 1, (letter_id, sent[reference])


# -- Redis down ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outage_seconds",
    [pytest.param(30, id="redis-down-30-seconds"), pytest.param(300, id="redis-down-5-minutes")],
)
def test_beat_rides_out_redis_down_and_sweeps_again(
    outage_seconds, engine, processes, redis_server, notify, postgres
):
    today = london_today()
    before = make_work(engine, due_dates_around(today), emails=True)
    beat, worker = processes.beat(), processes.worker()
    wait_until(all_done(engine, before, [today]), processes, "the reminders due before the outage")

    redis_server.stop()
    # Made while Redis is down: only a sweep after the outage can find these.
    during = make_work(engine, due_dates_around(today), emails=True)
    letter_ids = approved_letters(postgres.url, redis_server.url)
    started = time.monotonic()
    _sleep_watching(outage_seconds, processes, beat, worker)
    redis_server.start()  # without its data: the schedule, the lock and any waiting task are gone
    came_back = time.monotonic()

    wait_until(all_done(engine, during, [today]), processes, "the reminders made during the outage")
    wait_until(letters_sent(engine, letter_ids), processes, "the letters approved during the outage")
    # The figures the fault suite reports (seen with -s).
    print(
        f"Redis down {came_back - started:.0f} s; {len(notify.fake.notifications)} emails and letters "
        f"at Notify; all sent {time.monotonic() - came_back:.0f} s after"
    )
    time.sleep(5)  # two more sweeps: nothing more may appear

    assert_exactly_once(engine, notify, before, [today])
    assert_exactly_once(engine, notify, during, [today])
    assert_letters_sent_once(engine, notify, letter_ids)
    assert beat.poll() is None, processes.log_text()
    assert worker.poll() is None, processes.log_text()
    log = processes.log_text()
    assert "Redis unreachable" in log
    assert "installing it again" in log


# -- the database down -----------------------------------------------------------------------------

DATABASE_OUTAGE_SECONDS = 30
WERKZEUG_BARE = "<title>500 Internal Server Error</title>"


class Web:
    """The web service under gunicorn, as production runs it, on a port of its own."""

    def __init__(self, processes: Processes, env: dict[str, str]):
        self.url = f"http://127.0.0.1:{free_port()}"
        with (processes.logs / "web.log").open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-b",
                    self.url.removeprefix("http://"),
                    "-w",
                    "1",
                    "victims:create_app()",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        processes.started.append(("web", self.process))
        # A signed-in person's cookie: the service must look its session up in the database.
        signer = Flask("outage-test")
        signer.secret_key = env["SECRET_KEY"]
        serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
        self.cookies = {"vcs_session": serializer.dumps({"sid": "a-session-of-someone-signed-in"})}
        wait_until(self._answers, processes, "the web service to start")

    def _answers(self) -> bool:
        try:
            requests.get(self.url + "/health", timeout=5)
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
            return False
        return True

    def health(self) -> requests.Response:
        return requests.get(self.url + "/health", timeout=10)

    def page(self, path: str) -> requests.Response:
        return requests.get(self.url + path, cookies=self.cookies, timeout=10, allow_redirects=False)


def test_everything_rides_out_the_database_down_for_30_seconds(
    engine, processes, redis_server, notify, postgres, service_env
):
    today = london_today()
    web = Web(processes, service_env)
    fine = web.health()
    assert (fine.status_code, fine.json()["down"]) == (200, []), fine.text
    work = make_work(engine, due_dates_around(today), emails=True)
    letter_ids = approved_letters(postgres.url, redis_server.url)
    # Notify takes each email 3 s before answering: the database goes while sends are in flight.
    notify.fake.hold_seconds = 3
    beat, worker = processes.beat(), processes.worker()
    wait_until(lambda: len(notify.fake.notifications) >= 1, processes, "the first email to reach Notify")

    engine.dispose()
    postgres.stop()
    started = time.monotonic()
    during = web.health()
    assert during.status_code == 503, during.text
    assert during.json()["down"] == ["database"]
    assert during.json()["checks"] == {"database": "down", "broker": "ok"}
    page = web.page("/cases/mine")
    html = page.text
    assert page.status_code in {500, 503}, html
    assert WERKZEUG_BARE not in html
    assert 'class="govuk-header' in html and "Sorry, the service is unavailable" in html
    _sleep_watching(DATABASE_OUTAGE_SECONDS - (time.monotonic() - started), processes, beat, worker)
    postgres.start()
    came_back = time.monotonic()
    notify.fake.hold_seconds = 0

    wait_until(all_done(engine, work, [today]), processes, "every reminder and email after the outage")
    wait_until(letters_sent(engine, letter_ids), processes, "every letter after the outage")
    time.sleep(5)  # two more sweeps: nothing more may appear
    assert_exactly_once(engine, notify, work, [today])
    assert_letters_sent_once(engine, notify, letter_ids)
    after = web.health()
    assert (after.status_code, after.json()["down"]) == (200, []), after.text
    assert web.page("/cases/mine").status_code == 302  # to sign in: the session is unknown, not an error
    assert beat.poll() is None and worker.poll() is None, processes.log_text()

    log = "\n".join(path.read_text() for path in processes.logs.glob("worker*.log"))
    waits = [
        float(wait) for wait in re.findall(r"the database is unreachable .*; retry \d+ in ([\d.]+) s", log)
    ]
    assert waits, log
    assert min(waits) >= 0.75  # TASK_RETRY_FIRST_SECONDS=1, less at most a quarter: never 0 s
    assert max(waits) <= 8  # TASK_RETRY_LONGEST_SECONDS
    # The figures the fault suite reports (seen with -s).
    print(
        f"Database down {came_back - started:.0f} s; "
        f"{len(notify.fake.notifications)} emails and letters at Notify; "
        f"{len(waits)} task retries, waits {min(waits):.1f}–{max(waits):.1f} s; "
        f"all sent {time.monotonic() - came_back:.0f} s after"
    )
