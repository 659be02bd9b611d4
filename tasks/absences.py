"""Absence and cover: the daily sweep that starts and ends cover on the days recorded ahead
(victims.absences.services). Starting and ending on the day they are recorded happens at once."""

from __future__ import annotations

import logging

from celery import shared_task

from victims import clock
from victims.absences import services as absences
from victims.extensions import db

log = logging.getLogger(__name__)


@shared_task(name="absences.sweep")
def sweep() -> tuple[int, int]:
    """Move the work of everyone whose absence starts, and bring back the work of everyone whose
    absence ended: one absence a commit, by id. Safe to run twice or at once: an absence already
    handled is claimed by nobody the second time (`covered_at` / `returned_at`)."""
    today = clock.today()
    starting, ending = absences.sweep(today)
    moved = back = 0
    for absence_id in starting + ending:
        try:
            got = absences.catch_up(absence_id, today)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception(
                "Absence %s: cover could not be started or ended; the next sweep tries again", absence_id
            )
            continue
        moved, back = moved + got[0], back + got[1]
    log.info("Absence sweep: %d tasks to cover, %d tasks back", moved, back)
    return moved, back
