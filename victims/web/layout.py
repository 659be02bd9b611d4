"""What every page's layout needs: template filters, the navigation for the user's role with
the number of unread notifications, and the session timing for the sign-out warning."""

from __future__ import annotations

from datetime import date

from flask import Flask, g, request, url_for
from flask_login import current_user
from markupsafe import Markup

from victims.domain.letters import DeliveryStatus, LetterStatus
from victims.domain.prerelease import Stage, ZoneStatus
from victims.domain.vocabulary import CaseStatus, Labelled, Role
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.formatting import govuk_date, govuk_datetime
from victims.reminders.queries import unread_count
from victims.work.queries import urgency

NAVIGATION = [
    # (endpoint, text, roles)
    ("cases.caseload", "My caseload", {Role.VLO}),
    ("work.my_tasks", "My tasks", {Role.VLO}),
    ("workforce.my_workload", "My workload", {Role.VLO}),
    ("cases.team_cases", "Team cases", {Role.SPO}),
    ("work.team_work", "Team work", {Role.SPO}),
    # Managers reach a team's workload through Caseload balance (each team's page links to it).
    ("workforce.team_workload", "Workload", {Role.SPO}),
    ("allocation.queue", "Allocate", {Role.SPO}),
    ("cases.new_case", "New case", {Role.VLO, Role.SPO}),
    ("imports.upload", "Import referrals", {Role.SPO}),
    # Managers' oversight first: what they open every morning.
    ("dashboard.home", "Caseload balance", {Role.MANAGER}),
    ("compliance.index", "Compliance", {Role.MANAGER}),
    ("feedback.report", "Feedback", {Role.MANAGER}),
    ("cases.region_cases", "Cases", {Role.MANAGER}),
    ("oversight.trail", "Audit", {Role.MANAGER}),
    ("staff.team_skills", "Skills and training", {Role.MANAGER, Role.ADMIN}),
    ("oversight.reveals", "Address reveals", {Role.SPO}),
    ("admin.users", "Users", {Role.ADMIN}),
    ("absences.mine", "Absences", {Role.VLO}),
    ("absences.team", "Absences", {Role.SPO}),
    ("calibration.report", "Calibration", {Role.ADMIN, Role.MANAGER}),
]


def navigation() -> list[dict]:
    """The user's menu, worked out once per request (every form widget renders the layout's
    context again)."""
    if "navigation" not in g:
        g.navigation = _navigation()
    return g.navigation


def _navigation() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, text, roles in NAVIGATION:
        if current_user.role in roles:
            href = url_for(endpoint)
            items.append({"href": href, "text": text, "active": request.path.startswith(href)})
    if current_user.role != Role.ADMIN:  # administrators are not sent reminders
        items.append(_notifications_item())
    return items


def _notifications_item() -> dict:
    """ "Notifications", with the number unread in an MOJ notification badge."""
    href = url_for("reminders.notifications")
    unread = unread_count(current_user)
    html = Markup("Notifications")
    if unread:
        html += Markup(
            ' <span class="moj-notification-badge" data-testid="unread-badge">{}'
            '<span class="govuk-visually-hidden"> unread</span></span>'
        ).format(unread)
    return {"href": href, "html": html, "active": request.path.startswith(href)}


STATUS_TAGS = {"overdue": "govuk-tag--red", "due_soon": "govuk-tag--yellow", "on_track": "govuk-tag--green"}


def deadline_tag(due: date | None) -> Markup:
    """A GOV.UK tag saying whether a deadline is overdue, due soon or on track."""
    if due is None:
        return Markup("")
    status = urgency(due)
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(STATUS_TAGS[status.value], status.label)


# The colour of each status's GOV.UK tag; a status not named here is grey.
TAG_COLOURS: dict[Labelled, str] = {
    CaseStatus.OPEN: "green",
    LetterStatus.SENT: "green",
    LetterStatus.FAILED: "red",
    LetterStatus.HELD: "orange",
    LetterStatus.AWAITING_COUNTERSIGN: "yellow",
    LetterStatus.APPROVED: "blue",
    ZoneStatus.SUBMITTED: "yellow",
    ZoneStatus.COUNTERSIGNED: "green",
    Stage.DRAFTED: "light-blue",
    Stage.CHECKED: "blue",
    Stage.SENT: "purple",
    Stage.INCLUDED: "green",
    Stage.NOT_INCLUDED: "orange",
    Stage.TOLD: "green",
}


def status_tag(status: Labelled, text: str | None = None) -> Markup:
    """A status as a GOV.UK tag, in its own words (or `text`) and its colour."""
    colour = TAG_COLOURS.get(status, "grey")
    return Markup('<strong class="govuk-tag govuk-tag--{}">{}</strong>').format(colour, text or status.label)


# The vocabularies templates compare statuses with (`task.status == TaskStatus.OPEN`).
VOCABULARIES = {
    vocabulary.__name__: vocabulary
    for vocabulary in (
        CaseStatus,
        DeadlineStatus,
        DeliveryStatus,
        LetterStatus,
        Role,
        Stage,
        TaskStatus,
        ZoneStatus,
    )
}


def register(app: Flask) -> None:
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(deadline_tag, "deadline_tag")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(status_tag, "status_tag")

    @app.context_processor
    def layout_context():
        user_session = g.get("user_session")
        return {
            "navigation": navigation(),
            **VOCABULARIES,
            "session_timing": {
                "idle": int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()),
                "warning": int(app.config["SESSION_WARNING_BEFORE"].total_seconds()),
            }
            if user_session is not None
            else None,
        }
