"""`flask --app victims reminders send-due`: the sweep's work, done now in this process.

For `make run` (so the demo has its reminders at once rather than after beat's first sweep) and
for operations staff after an outage. It is safe to run at any time, beside workers too: each
stage and each email goes once whoever sends it (victims.reminders.services)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from victims.extensions import db
from victims.reminders import services

reminders_cli = AppGroup("reminders", help="Reminders of deadlines.")


@reminders_cli.command("send-due")
def send_due() -> None:
    """Send every reminder that is due now, and every email still waiting."""
    found = services.sweep()
    db.session.rollback()
    emails = list(found.email_ids)
    for deadline_id in found.deadline_ids:
        emails += services.remind(deadline_id)
    outcomes: dict[str, int] = {}
    for reminder_id in emails:
        status = services.send_email(reminder_id).status.value
        outcomes[status] = outcomes.get(status, 0) + 1
    click.echo(f"{len(found.deadline_ids)} deadlines reminded of; emails: {outcomes or 'none'}")
