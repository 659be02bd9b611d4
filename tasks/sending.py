"""What every task that sends through GOV.UK Notify shares: it is never lost (acknowledged only
when finished, put back if its worker dies), database errors are retried with a growing wait,
and the sender's outcome says whether to try again (victims.reminders.services,
victims.letters.services)."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}
SENDER = {
    **RELIABLE,
    "bind": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}
# How often to look again at something another sender holds; after that the sweep has it.
BUSY_LOOKS = 5


def follow(task, outcome) -> str:
    """Retry when the sender says so: Notify could not take it now ("retry"), or another sender
    holds it ("busy", a few times). Attempts are counted in the database, not here."""
    if outcome.status == "retry" or (outcome.status == "busy" and task.request.retries < BUSY_LOOKS):
        raise task.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status
