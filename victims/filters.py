"""Template filters and globals: dates the GOV.UK way, navigation by role."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g, request, url_for
from flask_login import current_user
from markupsafe import Markup

from victims.clock import LONDON
from victims.domain.vocabulary import Role


def govuk_date(value: date | datetime | None) -> str:
    """3 March 2027."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value.day} {value:%B %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """3 March 2027 at 2:05pm (Europe/London)."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


NAVIGATION = [
    # (endpoint, text, roles)
    ("cases.caseload", "My caseload", {Role.VLO}),
    ("work.my_tasks", "My tasks", {Role.VLO}),
    ("cases.team_cases", "Team cases", {Role.SPO}),
    ("work.team_work", "Team work", {Role.SPO}),
    ("cases.new_case", "New case", {Role.VLO, Role.SPO}),
    ("imports.upload", "Import referrals", {Role.SPO}),
    ("cases.region_cases", "Cases", {Role.MANAGER}),
    ("audit.trail", "Audit", {Role.MANAGER}),
    ("audit.reveals", "Address reveals", {Role.SPO}),
    ("admin.users", "Users", {Role.ADMIN}),
]


def navigation() -> list[dict]:
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
    from victims.reminders.queries import unread_count

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
    from victims.deadlines.services import status_of

    status = status_of(due)
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(STATUS_TAGS[status.value], status.label)


def register(app: Flask) -> None:
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(deadline_tag, "deadline_tag")
    app.add_template_filter(govuk_datetime, "govuk_datetime")

    @app.context_processor
    def layout_context():
        user_session = g.get("user_session")
        return {
            "navigation": navigation(),
            "Role": Role,
            "session_timing": {
                "idle": int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()),
                "warning": int(app.config["SESSION_WARNING_BEFORE"].total_seconds()),
            }
            if user_session is not None
            else None,
        }
