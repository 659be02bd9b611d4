"""The nightly snapshot of caseload balance and compliance figures (victims.snapshots.services),
for the managers' 12-month trends. Beat sends it at 02:00 London time (config.py)."""

from __future__ import annotations

import logging

from celery import shared_task

from victims import clock
from victims.extensions import db
from victims.snapshots import services as snapshots

log = logging.getLogger(__name__)


@shared_task(name="snapshots.take")
def take() -> int:
    """Record today's figures of every VLO, team and region, in one commit. Takes no arguments and
    no personal data. Safe to retry, to run twice or at once: a subject's row for the day is
    written once (the unique constraint; see the service), so a second run writes nothing."""
    written = snapshots.take(clock.today())
    db.session.commit()
    log.info("Snapshot: %d rows written", written)
    return written
