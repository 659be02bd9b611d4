"""Letter tasks: thin, ids only (victims.letters.services holds the rules)."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from tasks.reminders import BUSY_LOOKS, RELIABLE
from victims.extensions import db
from victims.letters import services as letters


@shared_task(
    name="letters.send",
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    **RELIABLE,
)
def send(self, letter_id: int) -> str:
    outcome = letters.send(letter_id)
    if outcome.status == "retry" or (outcome.status == "busy" and self.request.retries < BUSY_LOOKS):
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status


@shared_task(name="letters.sweep", **RELIABLE)
def sweep() -> int:
    """Hand out again approved letters whose sending task was lost (beat, with the reminders)."""
    letter_ids = letters.letters_to_resend()
    db.session.rollback()
    for letter_id in letter_ids:
        send.delay(letter_id)
    return len(letter_ids)


@shared_task(name="letters.follow_delivery", **RELIABLE)
def follow_delivery() -> int:
    """Ask Notify about letters whose delivery is not final yet (beat, hourly)."""
    letter_ids = letters.letters_to_follow()
    db.session.rollback()
    for letter_id in letter_ids:
        letters.follow_delivery(letter_id)
    return len(letter_ids)
