"""Handing work to the Celery workers: by task name (the app never imports tasks/), and only
once the transaction that made the work has committed, so a worker always finds it."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from victims.extensions import db

log = logging.getLogger(__name__)
_WAITING = "jobs_waiting_for_commit"


def enqueue(task_name: str, *ids: int) -> None:
    """Send the task with these ids when the current transaction commits; forget it if the
    transaction is rolled back. A broker that is down is logged, not raised: every task of
    the service has a sweep that finds its work still waiting in the database."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of a transaction that wrote nothing, forgets it
    waiting = session.info.get(_WAITING)
    if waiting is None:
        waiting = session.info[_WAITING] = []
        event.listen(session, "after_commit", _send_waiting)
        event.listen(session, "after_soft_rollback", _forget_waiting)
    waiting.append((task_name, ids))


def _send_waiting(session: Session) -> None:
    waiting, session.info[_WAITING] = session.info.get(_WAITING, []), []
    for task_name, ids in waiting:
        try:
            current_app.extensions["celery"].send_task(task_name, args=list(ids))
        except Exception:  # the broker is down: the task's sweep finds the work waiting
            log.warning("Could not queue %s %s; its sweep will pick it up", task_name, ids, exc_info=True)


def _forget_waiting(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint within it
        session.info[_WAITING] = []
