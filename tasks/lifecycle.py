"""The case's life: the daily sweep that proposes closing cases (victims.cases.services)."""

from __future__ import annotations

import logging

from celery import shared_task

from victims.cases import services as cases
from victims.extensions import db

log = logging.getLogger(__name__)

BATCH = 500


@shared_task(name="lifecycle.propose_closures")
def propose_closures(batch: int = BATCH) -> int:
    """Open a closure review on every open case that is due one and has none open, a batch at
    a time, each batch committed: safe to run again (or after a crash) at any time."""
    after, opened = 0, 0
    while True:
        last, proposed = cases.propose_closures(after, batch)
        db.session.commit()
        if last is None:
            break
        after, opened = last, opened + proposed
    log.info("Closure sweep: %d reviews opened", opened)
    return opened
