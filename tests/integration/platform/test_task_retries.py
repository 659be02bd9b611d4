"""A task that meets the database down waits before trying again: a wait that grows with each
retry, up to a ceiling, never none (during an outage about 3,000 retries ran with 0 s waits)."""

from __future__ import annotations

import importlib

import pytest
from celery.exceptions import Retry
from sqlalchemy.exc import OperationalError

from tests.helpers import keeping_default_celery_app

DRAWS = 25  # retries watched at each count: a wait of nothing would show up among them


@pytest.fixture(scope="module")
def celery(app):
    """The suite's Celery app, knowing the service's tasks (tasks/ registers them on import)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VICTIMS_ENV", "testing")  # tasks/ makes its own app as it is imported
        with keeping_default_celery_app():
            importlib.import_module("tasks")
    return app.extensions["celery"]


def _database_down(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("the database is down"))


@pytest.mark.parametrize(
    ("task_name", "service"),
    [
        ("reminders.remind", "victims.reminders.services.remind"),
        ("reminders.email", "victims.reminders.services.send_email"),
        ("letters.send", "victims.letters.sending.send"),
    ],
)
def test_a_task_meeting_the_database_down_waits_longer_each_time(
    app, celery, monkeypatch, task_name, service
):
    monkeypatch.setattr(service, _database_down)
    task = celery.tasks[task_name]
    asked: list[dict] = []

    def retry(*_args, **kwargs):
        asked.append(kwargs)
        return Retry("retry", when=kwargs.get("countdown"))

    monkeypatch.setattr(task, "retry", retry)
    first, longest = app.config["TASK_RETRY_FIRST_SECONDS"], app.config["TASK_RETRY_LONGEST_SECONDS"]
    for retries in range(12):
        asked.clear()
        for _ in range(DRAWS):
            result = task.apply(args=[1], retries=retries)
            assert isinstance(result.result, Retry), result.result
        waits = [kwargs["countdown"] for kwargs in asked]
        assert len(waits) == DRAWS
        full = min(first * 2**retries, longest)
        assert all(0.75 * full <= wait <= full for wait in waits), (retries, waits)
        assert len(set(waits)) > 1, "the waits are spread, so workers do not all come back at once"
    assert all(kwargs["max_retries"] == app.config["TASK_RETRY_MAX"] for kwargs in asked)
