"""Reminders survive faults. Real parts: Celery worker and beat processes started by the real
command line, a Redis server of the test's own (so it can be restarted with its data wiped),
the service's database (PostgreSQL in CI, migrated by the real command), and GOV.UK Notify faked
on a local port and called through the real client library.

Each test ends with the same check: every reminder that is due exists exactly once, and every
email that should go has gone to Notify exactly once.

The timings are shortened by configuration (a sweep every 2 seconds, a 4-second email lease,
a 6-second Redis visibility timeout), never by changing the code under test."""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.fakes.notify import REMINDER_TEMPLATE_ID, RunningFake
from tests.helpers import PROJECT, Work, make_work, throwaway_postgres_database
from tests.processes import RedisServer, required
from victims.clock import LONDON
from victims.domain import reminders as rules
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.reminders import EmailStatus
from victims.reminders.models import Reminder
from victims.work.models import CaseDeadline

ROOT = PROJECT
BIN = Path(sys.executable).parent
WAIT_SECONDS = 90
UPCOMING = 5


@pytest.fixture(scope="module")
def database_url(tmp_path_factory) -> Iterator[str]:
    """PostgreSQL when the suite runs on it (CI), otherwise a SQLite file."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        yield from throwaway_postgres_database("vcs_reminder_faults")
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('faults') / 'faults.sqlite3'}"


def service_environment(instance: Path, database_url: str, broker_url: str, notify, **settings: str) -> dict:
    """The environment the service's processes start with, on this database and broker and the
    fake Notify, with the fault tests' short timings (and `settings` on top); the database
    migrated by the real command."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TEST_DATABASE_URL"}
    }
    env.update(
        {
            "VICTIMS_ENV": "development",
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "SECRET_KEY": "fault-test-" + "s" * 40,
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "BLIND_INDEX_KEY": "fault-test-" + "b" * 40,
            "NOTIFY_API_KEY": notify.fake.api_key,
            "NOTIFY_BASE_URL": notify.url,
            "NOTIFY_REMINDER_TEMPLATE_ID": REMINDER_TEMPLATE_ID,
            "REMINDER_SWEEP_SECONDS": "2",
            "REMINDER_EMAIL_LEASE_SECONDS": "4",
            "REMINDER_EMAIL_STALE_SECONDS": "3",
            "REMINDER_EMAIL_RETRY_SECONDS": "1",
            "CELERY_VISIBILITY_TIMEOUT_SECONDS": "6",
            "BEAT_LOCK_TIMEOUT_SECONDS": "10",
            "HOUSEKEEPING_INTERVAL_SECONDS": "3600",
            "PYTHONPATH": str(ROOT),
            **settings,
        }
    )
    migrated = subprocess.run(
        [str(BIN / "flask"), "--app", "victims", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    return env


@pytest.fixture(scope="module")
def service_env(tmp_path_factory, database_url, redis_server, notify) -> dict[str, str]:
    return service_environment(tmp_path_factory.mktemp("instance"), database_url, redis_server.url, notify)


@pytest.fixture(scope="module")
def engine(database_url, service_env):
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


class Processes:
    """Workers and beats started as a person would start them, each with its own log."""

    def __init__(self, env: dict[str, str], logs: Path):
        self.env = env
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def _start(self, name: str, args: list[str], shift_clock: str | None) -> subprocess.Popen:
        env = dict(self.env)
        if shift_clock:
            env.update(_faketime(shift_clock))
        with (self.logs / f"{name}.log").open("a") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                [str(BIN / "celery"), "-A", "tasks", *args],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append((name, process))
        return process

    def worker(self, name: str = "worker", shift_clock: str | None = None) -> subprocess.Popen:
        args = ["worker", "--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle"]
        return self._start(
            name, [*args, "--loglevel=INFO", "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h"], shift_clock
        )

    def beat(self, name: str = "beat", shift_clock: str | None = None) -> subprocess.Popen:
        return self._start(name, ["beat", "--loglevel=INFO", "--max-interval=2"], shift_clock)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """Kill -9: no time to finish, acknowledge or release anything."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for _, process in self.started:
            self.stop(process)

    def log_text(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-6000:]}" for path in sorted(self.logs.glob("*.log"))
        )


def _faketime(shift: str) -> dict[str, str]:
    found = glob.glob("/usr/lib/*/faketime/libfaketimeMT.so.1")
    if not found:
        required("libfaketime", "not installed (Debian package faketime)")
    return {"LD_PRELOAD": found[0], "FAKETIME": shift, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}


@pytest.fixture()
def processes(service_env, tmp_path, redis_server, notify) -> Iterator[Processes]:
    redis_server.client().flushall()
    notify.fake.reset()
    running = Processes(service_env, tmp_path)
    yield running
    running.stop_all()


# -- the work and the check ------------------------------------------------------------------------


def london_today(shift_days: int = 0) -> date:
    return (datetime.now(LONDON) + timedelta(days=shift_days)).date()


CALENDAR = WorkingDayCalendar.england(date.today().year - 1, date.today().year + 2)


def due_dates_around(today: date) -> list[date]:
    """Overdue, due today, upcoming (the last day of the stage), and not yet in a stage."""
    horizon = rules.horizon(today, CALENDAR, UPCOMING)
    return [today - timedelta(days=3), today, horizon, horizon + timedelta(days=3)]


def expected_reminders(engine, work: Work, days: list[date]) -> set[tuple[int, date, str, int]]:
    """(deadline, due date, stage, recipient) for every day the sweep has run on."""
    with Session(engine) as session:
        due = dict(
            session.execute(
                select(CaseDeadline.id, CaseDeadline.due_on).where(CaseDeadline.id.in_(work.deadline_ids))
            ).all()
        )
    wanted = set()
    for day in days:
        for deadline_id, due_on in due.items():
            stage = rules.stage_for(due_on, day, CALENDAR, UPCOMING)
            if stage is None:
                continue
            for recipient in rules.recipients(stage, work.vlo_id, [work.spo_id]):
                wanted.add((deadline_id, due_on, stage.value, recipient.user_id))
    return wanted


def reminders_of(engine, work: Work) -> list[Reminder]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(Reminder).where(Reminder.deadline_id.in_(work.deadline_ids))))


def wait_until(condition: Callable[[], bool], processes: Processes, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"Timed out waiting for {what}\n{processes.log_text()}")


def all_done(engine, work: Work, days: list[date]) -> Callable[[], bool]:
    wanted = expected_reminders(engine, work, days)

    def check() -> bool:
        found = reminders_of(engine, work)
        made = {(r.deadline_id, r.due_on, r.stage, r.recipient_id) for r in found}
        return made >= wanted and all(r.email_status != EmailStatus.PENDING for r in found)

    return check


def assert_exactly_once(engine, notify: RunningFake, work: Work, days: list[date]) -> None:
    found = reminders_of(engine, work)
    made = Counter((r.deadline_id, r.due_on, r.stage, r.recipient_id) for r in found)
    assert set(made) == expected_reminders(engine, work, days)
    assert all(count == 1 for count in made.values()), made
    sent = Counter(notification["reference"] for notification in notify.fake.notifications)
    for reminder in found:
        if work.emails:
            assert reminder.email_status == EmailStatus.SENT, (
                reminder.id,
                reminder.email_status,
                reminder.email_error,
            )
            assert sent[reminder.reference] == 1, (reminder.reference, sent[reminder.reference])
        else:
            assert sent[reminder.reference] == 0


def send(redis_server: RedisServer, task: str, *args, times: int = 1) -> None:
    from celery import Celery

    sender = Celery("fault-test-sender", broker=redis_server.url)
    try:
        for _ in range(times):
            sender.send_task(task, args=list(args))
    finally:
        sender.close()


# -- the faults ------------------------------------------------------------------------------------


def test_a_worker_killed_in_the_middle_of_a_send(engine, processes, redis_server, notify):
    today = london_today()
    work = make_work(engine, due_dates_around(today), emails=True)
    notify.fake.hold_seconds = 5  # Notify takes the email, then the worker is killed before the answer
    first = processes.worker("first")
    send(redis_server, "reminders.sweep")
    wait_until(lambda: len(notify.fake.notifications) >= 1, processes, "the first email to reach Notify")
    processes.kill(first)
    notify.fake.hold_seconds = 0

    processes.worker("second")
    processes.beat()
    wait_until(all_done(engine, work, [today]), processes, "every reminder and email")

    assert_exactly_once(engine, notify, work, [today])


def test_redis_restarted_with_its_data_wiped(engine, processes, redis_server, notify):
    today = london_today()
    work = make_work(engine, due_dates_around(today), emails=True)
    beat = processes.beat()
    # Beat sweeps, but no worker takes the tasks: they wait in Redis, and are lost with it.
    wait_until(lambda: redis_server.client().llen("celery") > 0, processes, "tasks waiting in Redis")
    redis_server.restart_empty()

    processes.worker()
    wait_until(all_done(engine, work, [today]), processes, "every reminder and email")

    assert_exactly_once(engine, notify, work, [today])
    assert beat.poll() is None, processes.log_text()
    assert "installing it again" in processes.log_text()


def test_the_same_task_delivered_twice_and_two_sweeps_at_once(engine, processes, redis_server, notify):
    today = london_today()
    work = make_work(engine, due_dates_around(today), emails=True)
    processes.worker("one")
    processes.worker("two")
    send(redis_server, "reminders.sweep", times=2)
    for deadline_id in work.deadline_ids:
        send(redis_server, "reminders.remind", deadline_id, times=2)
    wait_until(all_done(engine, work, [today]), processes, "every reminder and email")
    # Each email's task delivered again, twice, after it was sent.
    for reminder in reminders_of(engine, work):
        send(redis_server, "reminders.email", reminder.id, times=2)
    client = redis_server.client()
    wait_until(
        lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0,
        processes,
        "the duplicates to be worked",
    )

    assert_exactly_once(engine, notify, work, [today])


def test_beat_stopped_for_a_day_then_restarted(engine, processes, redis_server, notify):
    """Reminders go in the service only here: a worker whose clock is a day ahead could not sign
    its requests to Notify (Notify allows 30 seconds of clock difference)."""
    today, tomorrow = london_today(), london_today(1)
    work = make_work(
        engine, due_dates_around(today) + [rules.horizon(tomorrow, CALENDAR, UPCOMING)], emails=False
    )
    beat, worker = processes.beat(), processes.worker()
    wait_until(all_done(engine, work, [today]), processes, "today's reminders")
    processes.stop(beat)
    processes.stop(worker)

    processes.beat("beat-next-day", shift_clock="+1d")
    processes.worker("worker-next-day", shift_clock="+1d")
    wait_until(all_done(engine, work, [today, tomorrow]), processes, "the next day's reminders")
    time.sleep(5)  # two more sweeps: nothing more may appear

    assert_exactly_once(engine, notify, work, [today, tomorrow])
