"""A real worker on real Redis runs the housekeeping task, found by its name, against a
database migrated by the real command line, and the task does its job."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine

from tests.helpers import PROJECT, make_work
from victims.auth.models import UserSession
from victims.staff.models import User

ROOT = PROJECT
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BIN = Path(sys.executable).parent
DEADLINE_SECONDS = 20


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis is required (REQUIRE_SERVICES=1) but unreachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}: {error}")
    return client


@pytest.fixture(params=["redis", "embedded"])
def broker(request, tmp_path):
    """The broker the worker listens on: a real Redis (production, CI), and kombu's SQLAlchemy
    transport on SQLite (what `make run` uses when there is no Redis)."""
    if request.param == "embedded":
        yield f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}", None
        return
    client = _redis_or_skip()
    yield REDIS_URL, client
    client.close()


@pytest.fixture()
def worker_env(tmp_path, broker) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TEST_DATABASE_URL"}
    }
    env.update(
        {
            "VICTIMS_ENV": "development",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
            "CELERY_BROKER_URL": broker[0],
            # Given, so that nothing is generated (or raced over) in the instance folder.
            "SECRET_KEY": "worker-test-" + "s" * 40,
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "BLIND_INDEX_KEY": "worker-test-" + "b" * 40,
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _run_migrations(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "victims", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _start_worker(env: dict[str, str], queue: str, output) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "celery"),
            "-A",
            "tasks",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )


@dataclass
class RunningWorker:
    """A real worker on its own queue, over a database migrated by the real command line."""

    engine: Engine
    queue: str
    broker_url: str
    log: Path
    process: subprocess.Popen

    def send(self, task: str) -> None:
        from celery import Celery

        sender = Celery("vcs-test-sender", broker=self.broker_url)
        try:
            sender.send_task(task, queue=self.queue)
        finally:
            sender.close()

    def wait_for(self, read, done) -> object:
        """Read until `done(found)`, or until the deadline; the last thing read."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        found = read()
        while not done(found) and time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            time.sleep(0.2)
            found = read()
        return found


@pytest.fixture()
def running_worker(tmp_path, worker_env, broker) -> Iterator[RunningWorker]:
    broker_url, redis_client = broker
    queue = f"vcs-test-{uuid.uuid4().hex[:12]}"
    env = {**worker_env, "CELERY_DEFAULT_QUEUE": queue}
    log = tmp_path / "worker.log"
    output = log.open("w")
    migrating = _run_migrations(env)
    worker = _start_worker(env, queue, output)
    engine = None
    try:
        migrated, _ = migrating.communicate(timeout=DEADLINE_SECONDS)
        assert migrating.returncode == 0, migrated
        engine = create_engine(env["DATABASE_URL"])
        yield RunningWorker(engine, queue, broker_url, log, worker)
    finally:
        for process in (migrating, worker):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if engine is not None:
            engine.dispose()
        output.close()
        if redis_client is not None:
            leftovers = [queue, *redis_client.scan_iter(match=f"_kombu.*{queue}*")]
            redis_client.delete(*leftovers)


def test_the_worker_ends_expired_sessions(app, running_worker):
    now = datetime.now(UTC)
    with running_worker.engine.begin() as connection:
        user_id = connection.execute(
            insert(User.__table__).values(
                email="worker@probation.example",
                name="Worker Test",
                role="vlo",
                region_id=1,
                national=False,
                contracted_hours=37,
                active=True,
                password_hash="not-used",
                totp_confirmed=False,
                created_at=now,
                version=1,
            )
        ).inserted_primary_key[0]
        sessions = UserSession.__table__
        for token, started, seen in (
            ("idle", now - timedelta(hours=2), now - timedelta(hours=1)),
            ("absolute", now - timedelta(hours=13), now - timedelta(minutes=1)),
            ("live", now - timedelta(hours=1), now - timedelta(minutes=1)),
        ):
            connection.execute(
                insert(sessions).values(
                    token_hash=token.ljust(64, "0"), user_id=user_id, started_at=started, last_seen_at=seen
                )
            )

    running_worker.send("housekeeping.end_expired_sessions")

    def read() -> dict[str, str | None]:
        with running_worker.engine.connect() as connection:
            rows = connection.execute(select(sessions.c.token_hash, sessions.c.end_reason)).all()
        return {token.rstrip("0"): reason for token, reason in rows}

    ended = running_worker.wait_for(read, lambda found: found["idle"] and found["absolute"])
    log = running_worker.log.read_text()
    assert ended == {"idle": "idle", "absolute": "absolute", "live": None}, log
    # Every task the beat schedule names is one the worker knows (a typo would never run).
    registered = set(re.findall(r"^\s+\. (\S+)$", log, re.M))
    scheduled = {entry["task"] for entry in app.config["CELERY"]["beat_schedule"].values()}
    assert "housekeeping.end_expired_sessions" in scheduled
    assert scheduled <= registered, log


def test_the_worker_sends_due_reminders_to_the_outbox(running_worker):
    """What `make run` does with no Redis and no Notify key (and production with Redis): beat's
    sweep, run by a real worker, reminds the VLO in the service and, as they chose, by email —
    to the development outbox here."""
    from victims.clock import today
    from victims.notify.models import OutboxEmail
    from victims.reminders.models import Reminder

    work = make_work(running_worker.engine, [today()], emails=True)
    running_worker.send("reminders.sweep")

    def read() -> list:
        its_email = OutboxEmail.reference == Reminder.reference
        with running_worker.engine.connect() as connection:
            return connection.execute(
                select(Reminder.stage, Reminder.email_status, OutboxEmail.subject)
                .join(OutboxEmail, its_email, isouter=True)
                .where(Reminder.deadline_id.in_(work.deadline_ids))
            ).all()

    found = running_worker.wait_for(read, lambda rows: bool(rows) and rows[0][1] == "sent")
    subject = f"Due today: Make initial contact with the victims – case {work.case_ids[0]}"
    assert found == [("due", "sent", subject)], running_worker.log.read_text()
