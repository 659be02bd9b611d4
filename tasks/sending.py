"""What every task that sends through GOV.UK Notify shares: it is never lost (acknowledged only
when finished, put back if its worker dies), a database that is down is retried with a growing
wait (tasks.retries), and the sender's outcome says whether to try again
(victims.reminders.services, victims.letters.services)."""

from __future__ import annotations

from victims.notify.sending import Outcome, SendOutcome

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}
SENDER = {**RELIABLE, "bind": True}
# How often to look again at something another sender holds; after that the sweep has it.
BUSY_LOOKS = 5


def follow(task, outcome: SendOutcome) -> str:
    """Retry when the sender says so: Notify could not take it now, or another sender holds it
    (a few times). Attempts are counted in the database, not here."""
    if outcome.status is Outcome.RETRY or (
        outcome.status is Outcome.BUSY and task.request.retries < BUSY_LOOKS
    ):
        raise task.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status.value
