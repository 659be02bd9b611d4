"""Reminders of deadlines, sent exactly once.

The work is split so that any step can die and be repeated without a second reminder:

1. `sweep()` (Celery beat, every 10 minutes) finds the deadlines whose current stage has not
   been sent, and the emails still waiting too long; it returns ids only.
2. `remind(deadline_id)` records the stage as sent (unique per deadline, due date and stage)
   and writes the in-app reminders (unique per deadline, due date, stage and recipient) in the
   same transaction. A second run for the same stage fails on the constraint and does nothing.
3. `send_email(reminder_id)` claims the email for a short lease, asks Notify whether an email
   with the reminder's reference already went (the sender before it may have died after Notify
   took it), sends it if not, and records it as sent. What Notify has under the reference counts
   as sent only if it is this email (victims.domain.already_sent); anything else holds the email
   for the team's SPO. On a weekend or a bank holiday an email waits for the next working day
   unless its recipient chose any day. Failures are retried with a growing wait; after the last attempt the
   email is marked failed and shown to the team's SPO.

Due dates stay in the database: nothing is scheduled far ahead in the broker, so a broker that
loses its data loses nothing that the next sweep does not find again.

Unlike other services, `remind` and `send_email` commit: they are the whole unit of work of
a task, and the email's claim must be committed before Notify is called.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from victims import clock, jobs
from victims.audit import services as audit
from victims.cases.models import Case
from victims.domain import already_sent
from victims.domain import reminders as rules
from victims.domain.already_sent import EmailToSend, Match
from victims.domain.reminders import EmailStatus
from victims.domain.vocabulary import Role
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.extensions import db
from victims.formatting import govuk_date
from victims.notify import gateway as notify
from victims.notify import sending
from victims.notify.references import new_reference
from victims.notify.sending import Outcome, SendOutcome
from victims.notify.templates import REMINDER
from victims.reminders import queries
from victims.reminders.models import Reminder, ReminderStageRecord
from victims.staff.models import User
from victims.work.models import CaseDeadline, Task
from victims.work.queries import working_calendar

log = logging.getLogger(__name__)


def _config(name: str) -> int:
    return int(current_app.config[name])


# -- 1. the sweep --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepFound:
    deadline_ids: list[int] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)


def sweep() -> SweepFound:
    """What the workers should do now: deadlines to remind of, and emails to try again."""
    today = clock.today()
    now = clock.utcnow()
    calendar = working_calendar()
    horizon = rules.horizon(today, calendar, _config("REMINDER_UPCOMING_WORKING_DAYS"))
    batch = _config("REMINDER_SWEEP_BATCH")
    stale_before = now - timedelta(seconds=_config("REMINDER_EMAIL_STALE_SECONDS"))
    return SweepFound(
        deadline_ids=queries.deadlines_to_remind(today, horizon, batch),
        email_ids=queries.emails_to_resend(
            now, stale_before, batch, working_day=calendar.is_working_day(today)
        ),
    )


# -- 2. the in-app reminders ---------------------------------------------------------------------


def remind(deadline_id: int) -> list[int]:
    """Record the deadline's current stage as sent with its reminders, and commit.

    Returns the ids of the reminders whose email should go now (empty when the stage had
    already been sent, the deadline is closed, or it is not yet in a stage)."""
    deadline = db.session.get(CaseDeadline, deadline_id)
    if deadline is None or deadline.status != DeadlineStatus.OPEN:
        return []
    task = db.session.scalar(select(Task).where(Task.deadline_id == deadline_id))
    if task is None or task.status != TaskStatus.OPEN:
        return []
    today = clock.today()
    stage = rules.stage_for(
        deadline.due_on, today, working_calendar(), _config("REMINDER_UPCOMING_WORKING_DAYS")
    )
    if stage is None:
        return []
    now = clock.utcnow()
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderStageRecord(
                    deadline_id=deadline.id, due_on=deadline.due_on, stage=stage.value, recorded_at=now
                )
            )
    except IntegrityError:
        db.session.rollback()
        return []  # another run recorded this stage first: its reminders exist
    # The same stage kept on the deadline, in the same transaction, for the sweep to skip the
    # deadlines that can reach no further stage (queries.still_to_remind). Written to the table,
    # not through the ORM, so that it leaves the deadline's version alone: a reminder never makes
    # someone's edit of the deadline stale. Unless the due date moved meanwhile: then the stage
    # was for a date the deadline no longer has.
    deadlines = CaseDeadline.__table__
    db.session.execute(
        update(deadlines)
        .where(deadlines.c.id == deadline.id, deadlines.c.due_on == deadline.due_on)
        .values(reminded_stage=stage.value, reminded_due_on=deadline.due_on)
    )

    case = db.session.get(Case, task.case_id)
    people = _people_to_tell(task, case)
    told = rules.recipients(
        stage,
        assignee_id=task.assigned_to_id if task.assigned_to_id in people else None,
        team_spo_ids=[
            user.id for user in people.values() if user.role == Role.SPO and user.team_id == task.team_id
        ],
        region_manager_ids=[user.id for user in people.values() if user.role == Role.MANAGER],
    )
    made = []
    for recipient in told:
        user = people[recipient.user_id]
        reminder = Reminder(
            deadline_id=deadline.id,
            due_on=deadline.due_on,
            stage=stage.value,
            recipient_id=user.id,
            reason=recipient.reason.value,
            case_id=task.case_id,
            team_id=task.team_id,
            task_id=task.id,
            title=task.title,
            created_at=now,
            email_status=EmailStatus.PENDING if user.email_reminders else EmailStatus.NONE,
        )
        db.session.add(reminder)
        made.append(reminder)
    db.session.flush()
    calendar = working_calendar()
    to_email = [
        reminder.id
        for reminder in made
        if reminder.email_status == EmailStatus.PENDING
        and rules.email_goes_today(today, calendar, people[reminder.recipient_id].reminder_emails_any_day)
    ]  # the others wait for a working day, when the sweep hands them out
    db.session.commit()
    return to_email


def _people_to_tell(task: Task, case: Case) -> dict[int, User]:
    """The active people who might be told: the task's VLO, the team's SPOs, and the region's
    managers (told only when nobody else can be)."""
    users = db.session.scalars(
        select(User).where(
            User.active.is_(True),
            (User.id == task.assigned_to_id)
            | ((User.team_id == task.team_id) & (User.role == Role.SPO.value))
            | ((User.region_id == case.region_id) & (User.role == Role.MANAGER.value)),
        )
    )
    return {user.id: user for user in users}


# -- 3. the emails --------------------------------------------------------------------------------


def _claim(reminder_id: int) -> bool:
    return sending.claim(
        reminder_id,
        status=Reminder.email_status,
        waiting=EmailStatus.PENDING,
        claimed_until=Reminder.email_claimed_until,
        attempts=Reminder.email_attempts,
    )


def send_email(reminder_id: int) -> SendOutcome:
    any_day = db.session.scalar(
        select(User.reminder_emails_any_day)
        .join(Reminder, Reminder.recipient_id == User.id)
        .where(Reminder.id == reminder_id)
    )
    if any_day is not None and not rules.email_goes_today(clock.today(), working_calendar(), any_day):
        db.session.rollback()  # read only
        return SendOutcome(Outcome.WAITING)  # the sweep hands it out again on the next working day
    if not _claim(reminder_id):
        status = db.session.scalar(select(Reminder.email_status).where(Reminder.id == reminder_id))
        if status == EmailStatus.PENDING:  # another sender holds it: look again when its lease is up
            return sending.busy()
        return SendOutcome(Outcome.ALREADY_DONE)
    reminder = db.session.scalar(
        select(Reminder).where(Reminder.id == reminder_id).options(joinedload(Reminder.recipient))
    )
    deadline = db.session.get(CaseDeadline, reminder.deadline_id)
    if not reminder.recipient.active or deadline is None or deadline.status != DeadlineStatus.OPEN:
        reminder.email_status = EmailStatus.CANCELLED
        reminder.email_claimed_until = None
        db.session.commit()
        return SendOutcome(Outcome.CANCELLED)

    gateway = notify.gateway()
    try:
        found = gateway.find_by_reference(reminder.reference)
        verdict = already_sent.judge(found, _what_goes(reminder)) if found else None
        if verdict is None:
            notification_id = gateway.send_email(
                template="reminder",
                email_address=reminder.recipient.email,
                personalisation=personalisation(reminder),
                reference=reminder.reference,
            )
        elif verdict.match is Match.SAME:  # an earlier attempt sent it, and died before recording it
            notification_id = verdict.notification_id
        else:
            return _held(reminder, verdict)
    except notify.NotifyUnavailable as error:
        return _failed(
            reminder, str(error), final=reminder.email_attempts >= _config("REMINDER_EMAIL_MAX_ATTEMPTS")
        )
    except notify.NotifyRefused as error:
        return _failed(reminder, str(error), final=True)
    reminder.email_status = EmailStatus.SENT
    reminder.email_notification_id = notification_id
    reminder.email_sent_at = clock.utcnow()
    reminder.email_claimed_until = None
    reminder.email_error = None
    db.session.commit()
    return SendOutcome(Outcome.SENT)


def _what_goes(reminder: Reminder) -> EmailToSend:
    """The email this reminder sends, as what Notify holds is compared with it: our copy of the
    template, filled in as Notify fills in the live one."""
    subject, body = REMINDER.render(personalisation(reminder))
    return EmailToSend(reminder.recipient.email, subject, body, ready_at=reminder.created_at)


def _held(reminder: Reminder, verdict: already_sent.Verdict) -> SendOutcome:
    """Notify has something else under the email's reference: send nothing, record nothing as
    sent, and show it to the team's SPO, who can send it again under a new reference."""
    reminder.email_status = EmailStatus.HELD
    reminder.email_error = sending.held_because(verdict, "email")
    reminder.email_claimed_until = None
    audit.record(
        "reminder_email_held",
        "reminder",
        reminder.id,
        case_id=reminder.case_id,
        region_id=db.session.get(Case, reminder.case_id).region_id,  # no user to take it from
        details={"reference": reminder.reference, "why": list(verdict.differences)},
        user=None,
    )
    log.warning(
        "Reminder %s: its email is held, GOV.UK Notify has something else under its reference", reminder.id
    )
    db.session.commit()
    return SendOutcome(Outcome.HELD)


def _failed(reminder: Reminder, error: str, *, final: bool) -> SendOutcome:
    reminder.email_error = error[:300]
    reminder.email_claimed_until = None
    if final:
        reminder.email_status = EmailStatus.FAILED
        db.session.commit()
        return SendOutcome(Outcome.FAILED)
    db.session.commit()
    return sending.retry_after(reminder.email_attempts)


STAGE_SENTENCES = {
    rules.Stage.UPCOMING: "the task is due on",
    rules.Stage.DUE: "the task is due today,",
    rules.Stage.OVERDUE: "the task is overdue. It was due on",
}

REASON_SENTENCES = {
    rules.Reason.ASSIGNED: "This is a reminder about one of your tasks.",
    rules.Reason.TEAM_QUEUE: "This task is in your team’s queue: nobody is assigned to it yet.",
    rules.Reason.ESCALATION: (
        "This task is overdue. It has been escalated to you as a senior probation officer for the team."
    ),
    rules.Reason.NO_ONE_ELSE: (
        "Nobody in the team can be told about this task, so it has come to you as a manager for the region."
    ),
}


def personalisation(reminder: Reminder) -> dict[str, str]:
    """What fills the Notify template: the person's own name, the task and the case number.
    Nothing about a victim."""
    stage = rules.Stage(reminder.stage)
    return {
        "name": reminder.recipient.name,
        "stage": stage.label,
        "title": reminder.title,
        "case_number": str(reminder.case_id),
        "stage_sentence": STAGE_SENTENCES[stage],
        "due_date": govuk_date(reminder.due_on),
        "reason": REASON_SENTENCES[rules.Reason(reminder.reason)],
        "link": external_url("cases.case", case_id=reminder.case_id),
        "settings_link": external_url("reminders.settings"),
    }


def external_url(endpoint: str, **values) -> str:
    """A full link to a page of the service, from SERVICE_URL (no request needed)."""
    parts = urlsplit(current_app.config["SERVICE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, url_scheme=parts.scheme, script_name=parts.path or "/")
    return adapter.build(endpoint, values, force_external=True)


# -- what people do with reminders ------------------------------------------------------------------


def mark_read(reminder: Reminder) -> None:
    if reminder.read_at is None:
        reminder.read_at = clock.utcnow()


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.recipient_id == user.id, Reminder.read_at.is_(None))
        .values(read_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def try_again(reminder: Reminder, user: User) -> None:
    """An SPO sends a failed reminder email again, with a fresh set of attempts: queued for a
    worker once this is committed (the sweep finds it if the broker is down). A held email goes
    under a new reference, its old one being something else's at Notify: the SPO has checked
    with Notify that it did not go."""
    if reminder.email_status not in (EmailStatus.FAILED, EmailStatus.HELD):
        return
    details: dict = {"error": reminder.email_error}
    if reminder.email_status == EmailStatus.HELD:
        details["old_reference"] = reminder.reference
        reminder.reference = new_reference("reminder")
        details["reference"] = reminder.reference
    reminder.email_status = EmailStatus.PENDING
    reminder.email_attempts = 0
    reminder.email_claimed_until = None
    db.session.flush()
    audit.record(
        "reminder_email_sent_again" if "reference" in details else "reminder_email_retried",
        "reminder",
        reminder.id,
        case_id=reminder.case_id,
        details=details,
        user=user,
    )
    jobs.enqueue("reminders.email", reminder.id)


def choose_email(user: User, wanted: bool, any_day: bool = False) -> None:
    """Whether the user's reminders come by email too, and whether those emails may come on
    weekends and bank holidays (otherwise they wait for the next working day)."""
    if user.email_reminders == wanted and user.reminder_emails_any_day == any_day:
        return
    user.email_reminders = wanted
    user.reminder_emails_any_day = any_day
    db.session.flush()
    audit.record(
        "reminder_emails_chosen",
        "user",
        user.id,
        details={"email_reminders": wanted, "any_day": any_day},
        user=user,
    )
