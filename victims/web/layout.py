"""What every page's layout needs: template filters, the navigation for the user's role with
the number of unread notifications, and the session timing for the sign-out warning."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from markupsafe import Markup

from victims import clock
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


def idle_seconds_left(user_session, idle: timedelta) -> int:
    """How long the session stays signed in without another page: the idle limit, less the time
    since it was last noted in use (a page read may not note it: victims.auth.services)."""
    left = idle - max(clock.utcnow() - user_session.last_seen_at, timedelta(0))
    return max(int(left.total_seconds()), 0)


STATUS_TAGS = {"overdue": "govuk-tag--red", "due_soon": "govuk-tag--yellow", "on_track": "govuk-tag--green"}


def deadline_tag(due: date | None) -> Markup:
    """A GOV.UK tag saying whether a deadline is overdue, due soon or on track: drawn once per
    due date in a request (a list shows the same few dates many times)."""
    if due is None:
        return Markup("")
    drawn = g.setdefault("deadline_tags", {}) if has_request_context() else {}
    tag = drawn.get(due)
    if tag is None:
        status = urgency(due)
        tag = drawn[due] = Markup('<strong class="govuk-tag {}">{}</strong>').format(
            STATUS_TAGS[status.value], status.label
        )
    return tag


# An id no record has (the largest a URL's int converter accepts), to find where ids go in a URL.
_SOME_ID = 2**31 - 1


def url_with_id(endpoint: str, name: str) -> Callable[[int], str]:
    """A function giving the endpoint's URL for an id (`name`), built by url_for once and then by
    joining strings: a list of 25 rows called url_for 25 times for one route."""
    head, _, tail = url_for(endpoint, **{name: _SOME_ID}).rpartition(str(_SOME_ID))
    return lambda record_id: f"{head}{int(record_id)}{tail}"


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


# The GOV.UK layout's skip link, header, service navigation and footer: the same parameters always draw the
# same HTML, and every page draws all three (about a third of a short page's rendering), so each
# is drawn once per process for each set of parameters (the menu differs by role, page and
# unread count; the name by user) and kept, the most recent few thousand.
_COMPONENT_MACROS = {
    "skip-link": "govukSkipLink",
    "header": "govukHeader",
    "service-navigation": "govukServiceNavigation",
    "footer": "govukFooter",
}


def _component_key(value: object) -> object:
    """Parameters as a hashable key; Markup kept apart from plain text (it is drawn unescaped)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _component_key(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_component_key(item) for item in value)
    if isinstance(value, Markup):
        return ("html", str(value))
    return value


_DRAWN: dict[tuple[str, object], Markup] = {}
_MOST_KEPT = 4096


def govuk_component(name: str, params: dict) -> Markup:
    """A GOV.UK layout component (skip link, header, service navigation, footer) drawn with `params`."""
    key = (name, _component_key(params))
    drawn = _DRAWN.get(key)
    if drawn is None:
        macros = current_app.jinja_env.get_template(f"govuk_frontend_jinja/components/{name}/macro.html")
        drawn = getattr(macros.module, _COMPONENT_MACROS[name])(params)  # a macro gives Markup
        if len(_DRAWN) >= _MOST_KEPT:
            _DRAWN.clear()  # simpler than least-recently-used, and as rare
        _DRAWN[key] = drawn
    return drawn


class _Macro:
    """A GOV.UK component's macro as a template global, its template loaded at first use: pages
    used to import eleven of them in the layout on every render (each import a template lookup
    and a check of the page's globals), for the same macro every time."""

    def __init__(self, app: Flask, template: str, name: str) -> None:
        self._app, self._template, self._name = app, template, name
        self._macro: Callable[..., Markup] | None = None

    def __call__(self, *args: object, **kwargs: object) -> Markup:
        if self._macro is None:
            self._macro = getattr(self._app.jinja_env.get_template(self._template).module, self._name)
        return self._macro(*args, **kwargs)


# The components every page may call without importing them (as the layout once imported them).
LAYOUT_MACROS = {
    "govukNotificationBanner": "notification-banner",
    "govukErrorSummary": "error-summary",
    "govukBackLink": "back-link",
    "govukButton": "button",
    "govukSummaryList": "summary-list",
    "govukTable": "table",
    "govukTag": "tag",
    "govukInsetText": "inset-text",
    "govukWarningText": "warning-text",
    "govukPagination": "pagination",
    "govukDetails": "details",
}


def register(app: Flask) -> None:
    for name, component in LAYOUT_MACROS.items():
        template = f"govuk_frontend_jinja/components/{component}/macro.html"
        app.add_template_global(_Macro(app, template, name), name)
    # The base template's (templates/base.html), for the attributes a page may give its body.
    attributes = _Macro(app, "govuk_frontend_jinja/macros/attributes.html", "govukAttributes")
    app.add_template_global(attributes, "govuk_attributes")
    app.add_template_filter(govuk_date, "govuk_date")
    app.add_template_filter(deadline_tag, "deadline_tag")
    app.add_template_filter(govuk_datetime, "govuk_datetime")
    app.add_template_filter(status_tag, "status_tag")
    app.add_template_global(govuk_component)
    app.add_template_global(url_with_id)

    @app.context_processor
    def layout_context():
        user_session = g.get("user_session")
        return {
            "navigation": navigation(),
            **VOCABULARIES,
            "session_timing": {
                # From the last time the session was noted in use (not always this request).
                "idle": idle_seconds_left(user_session, app.config["SESSION_IDLE_TIMEOUT"]),
                "warning": int(app.config["SESSION_WARNING_BEFORE"].total_seconds()),
            }
            if user_session is not None
            else None,
        }
