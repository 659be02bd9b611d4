"""CSV import tasks: thin, ids only (victims.imports.background holds the rules)."""

from __future__ import annotations

import logging

from celery import shared_task
from sqlalchemy.exc import OperationalError

from tasks.sending import RELIABLE
from victims.imports import background

log = logging.getLogger(__name__)


@shared_task(
    name="imports.run",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    **RELIABLE,
)
def run(upload_id: int) -> str:
    return background.run(upload_id).status


@shared_task(name="imports.sweep", **RELIABLE)
def sweep() -> int:
    """Hand out again imports whose task was lost or whose worker died (beat)."""
    upload_ids = background.sweep()
    for upload_id in upload_ids:
        run.delay(upload_id)
    if upload_ids:
        log.info("Import sweep: %d imports handed out again", len(upload_ids))
    return len(upload_ids)
