"""Tasks that meet a database that is down try again later, after a wait that doubles up to a
ceiling and is spread at random (victims.domain.backoff), never at once.

Celery's own `retry_backoff` draws each wait from zero up to the doubled value ("full jitter"),
so early retries often came with no wait at all: during a database outage about 3,000 retries
ran with 0 s waits. After the last retry the task gives up; its sweep finds the work still
waiting in the database and hands it out again.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import random
from collections.abc import Callable

from flask import current_app

from victims.domain.backoff import Backoff, wait_before
from victims.extensions import db
from victims.outages import DATABASE_DOWN

log = logging.getLogger(__name__)


def retry_wait(retry: int) -> float:
    """Seconds before retry number `retry` (from 1) of a task that met the database down."""
    config = current_app.config
    backoff = Backoff(first=config["TASK_RETRY_FIRST_SECONDS"], longest=config["TASK_RETRY_LONGEST_SECONDS"])
    return wait_before(retry, backoff, random.random())  # noqa: S311  (spreading waits, not a secret)


def retried_while_database_down(run: Callable) -> Callable:
    """For a bound task (`bind=True`): retry it later when the database is down."""

    @functools.wraps(run)
    def retrying(task, *args, **kwargs):
        try:
            return run(task, *args, **kwargs)
        except DATABASE_DOWN as error:
            with contextlib.suppress(*DATABASE_DOWN):  # the connection is gone: nothing to undo
                db.session.rollback()
            retry = task.request.retries + 1
            wait = retry_wait(retry)
            log.warning(
                "%s: the database is unreachable (%s); retry %d in %.1f s",
                task.name,
                type(error).__name__,
                retry,
                wait,
            )
            raise task.retry(
                exc=error, countdown=wait, max_retries=current_app.config["TASK_RETRY_MAX"]
            ) from error

    return retrying
