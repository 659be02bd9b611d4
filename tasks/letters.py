"""Letter tasks: thin, ids only (victims.letters.sending holds the rules)."""

from __future__ import annotations

from celery import shared_task

from tasks.retries import retried_while_database_down
from tasks.sending import RELIABLE, SENDER, follow
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.letters import sending as letters


@shared_task(name="letters.send", **SENDER)
@retried_while_database_down
def send(self, letter_id: int) -> str:
    return follow(self, letters.send(letter_id))


@shared_task(name="letters.sweep", **RELIABLE)
def sweep() -> int:
    """Hand out again approved letters whose sending task was lost (beat, with the reminders)."""
    letter_ids = letter_queries.letters_to_resend()
    db.session.rollback()
    for letter_id in letter_ids:
        send.delay(letter_id)
    return len(letter_ids)


@shared_task(name="letters.follow_delivery", **RELIABLE)
def follow_delivery() -> int:
    """Ask Notify about letters whose delivery is not final yet (beat, hourly)."""
    letter_ids = letter_queries.letters_to_follow()
    db.session.rollback()
    for letter_id in letter_ids:
        letters.follow_delivery(letter_id)
    return len(letter_ids)
