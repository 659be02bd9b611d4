"""Work is handed to Celery only once the transaction that made it has committed
(victims.jobs): never before, never after a rollback, and a broker that is down loses nothing."""

from __future__ import annotations

import logging

import pytest

from victims import jobs


class Broker:
    def __init__(self, down: bool = False):
        self.sent: list[tuple[str, list]] = []
        self.down = down

    def send_task(self, name: str, args: list):
        if self.down:
            raise ConnectionError("the broker is down")
        self.sent.append((name, args))


@pytest.fixture()
def broker(app, monkeypatch):
    fake = Broker()
    monkeypatch.setattr(app.extensions["celery"], "send_task", fake.send_task)
    return fake


def test_a_job_goes_when_the_transaction_commits(database, broker):
    jobs.enqueue("letters.send", 7)
    jobs.enqueue("reminders.email", 8)
    assert broker.sent == []  # the worker would not find the letter yet
    database.session.commit()
    assert broker.sent == [("letters.send", [7]), ("reminders.email", [8])]
    database.session.commit()
    assert len(broker.sent) == 2  # sent once


def test_a_job_is_forgotten_when_the_transaction_rolls_back(database, broker):
    jobs.enqueue("letters.send", 7)
    database.session.rollback()
    database.session.commit()
    assert broker.sent == []


def test_a_broker_that_is_down_does_not_undo_the_commit(database, broker, caplog):
    broker.down = True
    jobs.enqueue("letters.send", 7)
    with caplog.at_level(logging.WARNING, logger="victims.jobs"):
        database.session.commit()
    assert "Could not queue letters.send (7,); its sweep will pick it up" in caplog.text


def test_a_savepoint_rolled_back_keeps_what_the_transaction_queued(database, broker):
    jobs.enqueue("letters.send", 7)
    try:
        with database.session.begin_nested():
            raise ValueError("a refused step inside the request")
    except ValueError:
        pass
    database.session.commit()
    assert broker.sent == [("letters.send", [7])]
