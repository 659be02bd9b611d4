"""Reminders: which stage a deadline has reached, and who is told.

A deadline passes through three reminder stages (issue 3 §4):

- upcoming: due within the warning period (5 working days by default, configurable);
- due: due today;
- overdue: the due date has passed.

Decisions (also in docs/decisions.md):

- Only the stage a deadline is in *now* is sent. A sweep that ran late (beat stopped for a day)
  does not send "due in 5 days" for something already overdue: it sends "overdue".
- A stage is sent once for each due date. A deadline whose date is recomputed (the release date
  moved) starts again for its new date, so a later date gets its own "upcoming" reminder.
- The task's VLO hears of every stage. Work in the team's queue goes to the team's SPOs.
  Overdue work is also escalated to the team's SPOs. If nobody is left to tell (no active VLO
  or SPO), the region's managers are told, so no reminder is ever sent to nobody.
- Emails go on working days. A reminder made on a weekend or a bank holiday (an overdue stage
  reached on Christmas Day) is in the service at once, but its email waits for the next working
  day, unless its recipient chose emails on any day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from victims.domain.calendar import WorkingDayCalendar
from victims.domain.vocabulary import Labelled


class Stage(Labelled):
    UPCOMING = "upcoming", "Due soon"
    DUE = "due", "Due today"
    OVERDUE = "overdue", "Overdue"


class EmailStatus(Labelled):
    """A reminder's email: not wanted (the recipient chose in-app only), waiting to go, gone,
    given up on after its retries (shown to the team's SPO, who can try again), held because
    Notify already had another email under its reference (shown to the SPO, who can send it again
    under a new one), or no longer worth sending (its work was done, or its recipient left)."""

    NONE = "none", "Not sent by email"
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    HELD = "held", "Held: needs checking"
    CANCELLED = "cancelled", "No longer needed"


class Reason(Labelled):
    ASSIGNED = "assigned", "Your task"
    TEAM_QUEUE = "team_queue", "In your team’s queue"
    ESCALATION = "escalation", "Escalated to you: overdue"
    NO_ONE_ELSE = "no_one_else", "Nobody in the team to tell"


def horizon(today: date, calendar: WorkingDayCalendar, upcoming_working_days: int) -> date:
    """The latest due date that is in a reminder stage today: anything due on or before it."""
    return calendar.add_working_days(today, upcoming_working_days)


def stage_for(
    due: date, today: date, calendar: WorkingDayCalendar, upcoming_working_days: int
) -> Stage | None:
    """The stage a deadline due on `due` is in today, or None if it is not yet in one."""
    if due < today:
        return Stage.OVERDUE
    if due == today:
        return Stage.DUE
    if due <= horizon(today, calendar, upcoming_working_days):
        return Stage.UPCOMING
    return None


def email_goes_today(today: date, calendar: WorkingDayCalendar, any_day: bool) -> bool:
    """Whether a reminder email may go to someone today: on a working day, or on any day if they
    chose that. One that may not waits, and goes on the next working day."""
    return any_day or calendar.is_working_day(today)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    reason: Reason


def recipients(
    stage: Stage,
    assignee_id: int | None,
    team_spo_ids: Iterable[int],
    region_manager_ids: Iterable[int] = (),
) -> list[Recipient]:
    """Who is told of a deadline at this stage.

    `assignee_id` is the task's VLO if they are active (None for the team's queue); the SPO and
    manager ids are the active ones. Nobody is told twice: the SPO who holds the task themselves
    hears of it once, as its holder."""
    spos = sorted(set(team_spo_ids))
    told: list[Recipient] = []
    if assignee_id is not None:
        told.append(Recipient(assignee_id, Reason.ASSIGNED))
        if stage is Stage.OVERDUE:
            told.extend(Recipient(spo, Reason.ESCALATION) for spo in spos if spo != assignee_id)
    else:
        reason = Reason.ESCALATION if stage is Stage.OVERDUE else Reason.TEAM_QUEUE
        told.extend(Recipient(spo, reason) for spo in spos)
    if not told:
        told.extend(Recipient(manager, Reason.NO_ONE_ELSE) for manager in sorted(set(region_manager_ids)))
    return told
