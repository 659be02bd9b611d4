"""Reads for reminders: the sweep's two searches, and the lists people see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask import abort, g, has_request_context
from sqlalchemy import Select, and_, bindparam, case, exists, func, literal_column, or_, select

from victims.cases.models import Case, Offender
from victims.domain.reminders import EmailStatus, Reason, Stage
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.lists import Page, paginate
from victims.reminders.models import Reminder, ReminderStageRecord
from victims.staff.models import User
from victims.work.models import CaseDeadline, Task


def _stage_today(today: date):
    """The stage each deadline is in today, in SQL (victims.domain.reminders.stage_for)."""
    return case(
        (CaseDeadline.due_on < today, Stage.OVERDUE.value),
        (CaseDeadline.due_on == today, Stage.DUE.value),
        else_=Stage.UPCOMING.value,
    )


def still_to_remind():
    """Open deadlines that can still reach a reminder stage: all but those already reminded
    "overdue" for their current due date (victims.work.models.STILL_TO_REMIND, the condition of
    the partial index ix_deadlines_to_remind, written here the same way with its constants
    inline so that the planner matches the two)."""
    return and_(
        CaseDeadline.status == literal_column("'open'"),
        or_(
            CaseDeadline.reminded_due_on.is_(None),
            CaseDeadline.reminded_due_on != CaseDeadline.due_on,
            CaseDeadline.reminded_stage != literal_column("'overdue'"),
        ),
    )


def deadlines_to_remind_query(today: date, horizon: date, limit: int) -> Select:
    """Open deadlines with a task, due on or before `horizon`, whose stage today has not been
    recorded as sent for their current due date.

    Its cost follows the number of deadlines that can still reach a stage, not the number of
    cases nor the backlog of overdue deadlines already reminded as overdue: it reads the partial
    index ix_deadlines_to_remind (due_on, id) from its start to `horizon`, and checks the two
    other tables through their unique indexes (tasks.deadline_id, and reminder_stages). The
    reminder_stages row stays the arbiter of what was sent; `reminded_stage` and
    `reminded_due_on`, written with it (services.remind), only keep finished deadlines out."""
    return (
        select(CaseDeadline.id)
        .where(
            still_to_remind(),
            CaseDeadline.due_on <= horizon,
            exists().where(Task.deadline_id == CaseDeadline.id),
            ~exists().where(
                ReminderStageRecord.deadline_id == CaseDeadline.id,
                ReminderStageRecord.due_on == CaseDeadline.due_on,
                ReminderStageRecord.stage == _stage_today(today),
            ),
        )
        .order_by(CaseDeadline.due_on, CaseDeadline.id)
        .limit(limit)
    )


def deadlines_to_remind(today: date, horizon: date, limit: int) -> list[int]:
    return list(db.session.scalars(deadlines_to_remind_query(today, horizon, limit)))


def emails_to_resend(
    now: datetime, stale_before: datetime, limit: int, working_day: bool = True
) -> list[int]:
    """Emails still waiting long after their reminder was made, and held by no sender: their
    task was lost (the broker lost its data), their sender died, or they waited for a working
    day. On a day that is not one, only the emails of people who chose any day."""
    statement = (
        select(Reminder.id)
        .where(
            Reminder.email_status == EmailStatus.PENDING,
            Reminder.created_at < stale_before,
            or_(Reminder.email_claimed_until.is_(None), Reminder.email_claimed_until < now),
        )
        .order_by(Reminder.id)
        .limit(limit)
    )
    if not working_day:
        statement = statement.join(User, User.id == Reminder.recipient_id).where(
            User.reminder_emails_any_day.is_(True)
        )
    return list(db.session.scalars(statement))


@cache
def _unread() -> Select:
    """Every page's count (the menu's badge), built once: its value is bound when it runs."""
    return (
        select(func.count())
        .select_from(Reminder)
        .where(Reminder.recipient_id == bindparam("recipient_id"), Reminder.read_at.is_(None))
    )


def unread_count(user: User) -> int:
    """The user's unread notifications: counted once per request (the menu's badge on every page,
    and the notifications page's own heading, read the same number). A request that marks some
    read redirects, and the next request counts again."""
    counted = g.setdefault("unread_counts", {}) if has_request_context() else {}
    if user.id not in counted:
        counted[user.id] = db.session.scalar(_unread(), {"recipient_id": user.id})
    return counted[user.id]


@dataclass(frozen=True)
class ReminderRow:
    id: int
    stage: Stage
    reason: Reason
    title: str
    due_on: date
    case_id: int
    offender_name: str
    crn: str
    created_at: datetime
    read_at: datetime | None
    email_status: str
    recipient_name: str = ""
    email_error: str | None = None
    email_attempts: int = 0
    reference: str = ""


def _row(found) -> ReminderRow:
    reminder, offender, recipient_name = found
    return ReminderRow(
        id=reminder.id,
        stage=Stage(reminder.stage),
        reason=Reason(reminder.reason),
        title=reminder.title,
        due_on=reminder.due_on,
        case_id=reminder.case_id,
        offender_name=f"{offender.first_name} {offender.last_name}",
        crn=offender.crn,
        created_at=reminder.created_at,
        read_at=reminder.read_at,
        email_status=reminder.email_status,
        recipient_name=recipient_name,
        email_error=reminder.email_error,
        email_attempts=reminder.email_attempts,
        reference=reminder.reference,
    )


def _listing() -> Select:
    return (
        select(Reminder, Offender, User.name)
        .join(Case, Case.id == Reminder.case_id)
        .join(Offender, Offender.id == Case.offender_id)
        .join(User, User.id == Reminder.recipient_id)
    )


def for_user(user: User, page: int, per_page: int) -> Page[ReminderRow]:
    """The user's reminders: unread first, newest first."""
    statement = _listing().where(Reminder.recipient_id == user.id)
    order = (Reminder.read_at.is_not(None), Reminder.created_at.desc(), Reminder.id.desc())
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_row)


def failed_for_team(user: User, page: int, per_page: int) -> Page[ReminderRow]:
    """Reminder emails that could not be sent, for the SPO of the team."""
    if user.role != Role.SPO or user.team_id is None:
        return Page([], 0, 1, per_page)
    statement = _listing().where(
        and_(Reminder.email_status == EmailStatus.FAILED, Reminder.team_id == user.team_id)
    )
    order = (Reminder.created_at.desc(), Reminder.id.desc())
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_row)


def held_for_team(user: User, per_page: int = 50) -> Page[ReminderRow]:
    """Reminder emails held because Notify had something else under their reference, for the SPO
    of the team: the oldest first (rare, so the first page only)."""
    if user.role != Role.SPO or user.team_id is None:
        return Page([], 0, 1, per_page)
    statement = _listing().where(
        and_(Reminder.email_status == EmailStatus.HELD, Reminder.team_id == user.team_id)
    )
    order = (Reminder.created_at, Reminder.id)
    return paginate(statement, page=1, per_page=per_page, order_by=order, row=_row)


def own_reminder(reminder_id: int, user: User) -> Reminder:
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or reminder.recipient_id != user.id:
        abort(404)
    return reminder


def team_failed_reminder(reminder_id: int, user: User) -> Reminder:
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None or user.role != Role.SPO or reminder.team_id != user.team_id:
        abort(404)
    return reminder
