"""The administrator's pages: staff accounts in the administrator's region (all regions if national)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.admin import queries, services
from victims.admin.forms import (
    AskForm,
    ChangeUserForm,
    ConfirmForm,
    NewUserForm,
    NonWorkingDayForm,
    RuleNumberForm,
    TeamLetterheadForm,
)
from victims.domain.accounts import AccountChange, RequestStatus
from victims.domain.letters import LetterType, Section
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import template_versions as letters
from victims.refusals import Refused
from victims.staff.models import User
from victims.web.conflicts import stale, take_current_version
from victims.web.paging import page_number
from victims.web.security import allowed
from victims.work import queries as work_queries
from victims.work import settings

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 25


def _list_args() -> dict:
    return {
        "search": (request.args.get("q") or "").strip()[:100] or None,
        "sort": "name",
        "descending": False,
        "page": page_number(),
        "per_page": PAGE_SIZE,
    }


@bp.route("/users")
@allowed(Role.ADMIN)
def users():
    args = _list_args()
    result = queries.list_users(
        current_user, search=args["search"], page=args["page"], per_page=args["per_page"]
    )
    regions = [] if current_user.national else queries.regions_for(current_user)
    region_name = regions[0].name if regions else None
    waiting = queries.waiting_requests(current_user, clock.utcnow())
    return render_template(
        "admin/users.html", result=result, args=args, region_name=region_name, waiting=len(waiting)
    )


@bp.route("/users/new", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def new_user():
    regions = queries.regions_for(current_user)
    form = NewUserForm(
        regions=regions,
        teams=queries.teams_in([region.id for region in regions]),
        national_allowed=current_user.national,
    )
    if request.method == "GET":
        form.contracted_hours.data = services.STANDARD_HOURS
        if form.region is not None:
            form.region.data = str(current_user.region_id)
    if form.validate_on_submit():
        try:
            user = services.create_user(
                name=form.name.data,
                email=form.email.data,
                region_id=form.region_id(),
                details=form.details(),
                password=form.password.data,
                admin=current_user,
            )
        except Refused as refused:
            refused.show_on(form, "email")
        else:
            flash(
                f"User created. Give {user.name} their password in person or by telephone: it "
                "works for one sign-in, when they will set up a security code and choose their "
                "own password.",
                "success",
            )
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/new_user.html", form=form)


def _manageable(user_id: int) -> User:
    """A user this administrator may change: 404 outside their regions, 403 for a national
    account when the administrator is not national."""
    user = queries.user_for_change(user_id, current_user)
    if not services.can_manage(current_user, user):
        abort(403)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def user(user_id: int):
    record = queries.user_for_change(user_id, current_user)
    manageable = services.can_manage(current_user, record)
    if request.method == "POST" and not manageable:
        abort(403)
    form = ChangeUserForm(
        teams=queries.teams_in([record.region_id]),
        national_allowed=current_user.national,
    )
    if request.method == "GET":
        form.show(record)
        form.version.data = str(record.version)
    conflict = None
    if form.validate_on_submit():
        if stale(form, record):
            conflict = form.conflicts_with(record)
            take_current_version(form, record)
        else:
            try:
                changed = services.change_user(record, form.details(), current_user)
            except Refused as refused:
                refused.show_on(form, "role")
            except StaleDataError:
                db.session.rollback()
                flash(
                    "Someone else saved a change to this user at the same moment. Nothing you "
                    "entered was saved – check the page and try again."
                )
                return redirect(url_for("admin.user", user_id=user_id))
            else:
                flash("Changes saved" if changed else "No changes to save", "success")
                return redirect(url_for("admin.user", user_id=record.id))
    status = 409 if conflict is not None else 200
    return render_template(
        "admin/user.html",
        form=form,
        user=record,
        conflict=conflict,
        manageable=manageable,
        is_self=record.id == current_user.id,
        waiting=queries.waiting_requests(current_user, clock.utcnow(), user_id=record.id),
    ), status


# -- actions behind a confirmation page --------------------------------------------------------


class Action(NamedTuple):
    heading: str
    button: str
    warning: str
    change: Callable[[User, User], object]
    done: str
    danger: bool


ACTIONS = {
    "deactivate": Action(
        heading="Deactivate {name}’s account",
        button="Deactivate account",
        warning="They will be signed out everywhere straight away and will not be able to sign in. "
        "Their cases stay allocated to them until a senior probation officer moves them.",
        change=services.deactivate,
        done="Account deactivated. {name} has been signed out everywhere.",
        danger=True,
    ),
    "reactivate": Action(
        heading="Reactivate {name}’s account",
        button="Reactivate account",
        warning="They will be able to sign in again with their current password and security code.",
        change=services.reactivate,
        done="Account reactivated",
        danger=False,
    ),
}


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def confirm(user_id: int, action: str):
    record = _manageable(user_id)
    chosen = ACTIONS[action]
    form = ConfirmForm()
    form.submit.label.text = chosen.button
    refused = None
    if (action == "deactivate" and not record.active) or (action == "reactivate" and record.active):
        flash(f"{record.name}’s account is already {'active' if record.active else 'deactivated'}")
        return redirect(url_for("admin.user", user_id=record.id))
    if action == "deactivate" and record.id == current_user.id:
        refused = "You cannot deactivate your own account. Ask another administrator."
    elif form.validate_on_submit():
        try:
            chosen.change(record, current_user)
        except Refused as error:
            refused = error.message
        else:
            flash(chosen.done.format(name=record.name), "success")
            return redirect(url_for("admin.user", user_id=record.id))
    return render_template(
        "admin/confirm.html",
        form=form,
        user=record,
        heading=chosen.heading.format(name=record.name),
        warning=chosen.warning,
        danger=chosen.danger,
        refused=refused,
    ), (400 if refused else 200)


# -- a temporary password or a security-code reset: one administrator asks, another approves -----

CHANGES = {
    "temporary-password": AccountChange.TEMPORARY_PASSWORD,
    "reset-second-factor": AccountChange.SECOND_FACTOR_RESET,
}


@bp.route(
    "/users/<int:user_id>/<any('temporary-password', 'reset-second-factor'):change>",
    methods=["GET", "POST"],
)
@allowed(Role.ADMIN)
def ask(user_id: int, change: str):
    record = _manageable(user_id)
    kind = CHANGES[change]
    form = AskForm()
    if form.validate_on_submit():
        try:
            request_made = services.request_change(record, kind, form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "reason")
        else:
            flash(
                f"Asked for a {kind.label.lower()} for {record.name}. Another administrator must "
                "approve it before anything changes.",
                "success",
            )
            return redirect(url_for("admin.account_request", request_id=request_made.id))
    return render_template("admin/ask.html", form=form, user=record, kind=kind)


@bp.route("/account-requests")
@allowed(Role.ADMIN)
def account_requests():
    return render_template(
        "admin/account_requests.html", requests=queries.waiting_requests(current_user, clock.utcnow())
    )


def _request_page(record, refused: str | None = None, status: int = 200):
    now = clock.utcnow()
    pending = record.status == RequestStatus.PENDING
    return render_template(
        "admin/account_request.html",
        record=record,
        expired=pending and now >= record.expires_at,
        waiting=pending and now < record.expires_at,
        asked_by_me=record.requested_by_id == current_user.id,
        about_me=record.user_id == current_user.id,
        manageable=services.can_manage(current_user, record.user),
        refused=refused,
    ), status


@bp.route("/account-requests/<int:request_id>")
@allowed(Role.ADMIN)
def account_request(request_id: int):
    return _request_page(queries.account_request_for(request_id, current_user))


@bp.route("/account-requests/<int:request_id>/approve", methods=["POST"])
@allowed(Role.ADMIN)
def approve_request(request_id: int):
    record = queries.account_request_for(request_id, current_user)
    if not services.can_manage(current_user, record.user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        approval = services.approve_request(record, current_user)
    except Refused as refused:
        db.session.rollback()
        return _request_page(queries.account_request_for(request_id, current_user), refused.message, 400)
    if approval.temporary_password is not None:
        # Shown once, in the answer to this POST (never behind a link), to this administrator.
        return render_template(
            "admin/temporary_password.html",
            user=record.user,
            password=approval.temporary_password,
            emailed=approval.emailed,
        )
    flash(
        f"Security code reset. {record.user.name} has been signed out everywhere and will set up a "
        "new one when they next sign in."
        + ("" if approval.emailed else " We could not email them about it: tell them yourself."),
        "success",
    )
    return redirect(url_for("admin.user", user_id=record.user_id))


@bp.route("/account-requests/<int:request_id>/cancel", methods=["POST"])
@allowed(Role.ADMIN)
def cancel_request(request_id: int):
    record = queries.account_request_for(request_id, current_user)
    if not services.can_manage(current_user, record.user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_request(record, current_user)
    except Refused as refused:
        db.session.rollback()
        return _request_page(queries.account_request_for(request_id, current_user), refused.message, 400)
    flash("Request cancelled. Nothing was changed.", "success")
    return redirect(url_for("admin.user", user_id=record.user_id))


# -- deadline settings (national administrators: they apply to every region) -----------------


def _national_only() -> None:
    if not current_user.national:
        abort(403)


@bp.route("/deadline-rules")
@allowed(Role.ADMIN)
def deadline_rules():
    _national_only()
    return render_template("admin/rules.html", rows=settings.rule_rows())


@bp.route("/deadline-rules/<code>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def deadline_rule(code: str):
    _national_only()
    row = next((row for row in settings.rule_rows() if row.code == code), None)
    if row is None:
        abort(404)
    form = RuleNumberForm()
    if request.method == "GET":
        form.number.data = row.number
    if form.validate_on_submit():
        try:
            version = settings.set_rule_number(code, form.number.data, form.reason.data.strip(), current_user)
        except Refused as refused:
            refused.show_on(form, "number")
        else:
            flash(
                f"{row.name}: now {form.number.data} {row.unit_words} (version {version})"
                if version
                else "Nothing changed",
                "success",
            )
            return redirect(url_for("admin.deadline_rules"))
    return render_template("admin/rule.html", row=row, form=form)


@bp.route("/non-working-days", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def non_working_days():
    _national_only()
    form = NonWorkingDayForm()
    if form.validate_on_submit():
        try:
            settings.add_non_working_day(form.day.data, form.description.data.strip(), current_user)
        except Refused as refused:
            refused.show_on(form, "day")
        else:
            flash("Non-working day added. Deadlines worked out from now on skip it.", "success")
            return redirect(url_for("admin.non_working_days"))
    return render_template(
        "admin/non_working_days.html",
        form=form,
        days=work_queries.non_working_days(),
        remove_form=ConfirmForm(),
    )


@bp.route("/non-working-days/<day>/remove", methods=["POST"])
@allowed(Role.ADMIN)
def remove_non_working_day(day: str):
    _national_only()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if not settings.remove_non_working_day(when, current_user):
        abort(404)
    flash("Non-working day removed", "success")
    return redirect(url_for("admin.non_working_days"))


# -- letter templates (national administrators: one set of templates for England and Wales) ---------


def _template_or_404(letter_type: str, language: str):
    if language not in ("en", "cy") or letter_type not in {member.value for member in LetterType}:
        abort(404)
    return LetterType(letter_type)


@bp.route("/letter-templates")
@allowed(Role.ADMIN)
def letter_templates():
    _national_only()
    rows = [
        (kind, lang, letters.current_template(kind, lang)) for kind in LetterType for lang in ("en", "cy")
    ]
    return render_template("admin/letter_templates.html", rows=rows)


@bp.route("/letter-templates/<letter_type>/<language>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def letter_template(letter_type: str, language: str):
    """A new version of a template. Sections can be reworded, never removed; a mandatory section
    cannot be emptied, and "If the offender contacts you" must keep every point of SPEC §6."""
    _national_only()
    kind = _template_or_404(letter_type, language)
    template = letters.current_template(kind, language)
    errors: list[str] = []
    title, note = template.title, ""
    sections = template.sections
    if request.method == "POST":
        form = ConfirmForm()  # the CSRF token
        if not form.validate_on_submit():
            abort(400)
        title = request.form.get("title", "").strip()
        note = request.form.get("note", "").strip()
        sections = [
            Section(
                section.key,
                request.form.get(f"heading_{section.key}", "").strip(),
                request.form.get(f"body_{section.key}", "").replace("\r\n", "\n").strip(),
                section.locked,
                # Guidance for the writer is its own field: it is shown beside the box, never printed.
                " ".join(request.form.get(f"guidance_{section.key}", "").split()),
            )
            for section in template.sections
        ]
        if not note:
            errors.append("Say why the template is changing")
        if not errors:
            try:
                saved = letters.save_template_version(kind, language, title, sections, note, current_user)
            except Refused as refused:
                errors.extend(refused.message.split("; "))
            else:
                which = "Welsh" if language == "cy" else "English"
                flash(f"{kind.label} ({which}): version {saved.version} saved", "success")
                return redirect(url_for("admin.letter_templates"))
    return render_template(
        "admin/letter_template.html",
        kind=kind,
        language=language,
        template=template,
        title=title,
        note=note,
        sections=sections,
        errors=errors,
        error_items=[{"text": error} for error in errors],
        form=ConfirmForm(),
    )


# -- teams: the letterhead of each Victim Contact Unit (an administrator's own region; all if national) --


@bp.route("/teams")
@allowed(Role.ADMIN)
def teams():
    regions = queries.regions_for(current_user)
    return render_template("admin/teams.html", teams=queries.teams_in([region.id for region in regions]))


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def team(team_id: int):
    regions = queries.regions_for(current_user)
    record = next((t for t in queries.teams_in([region.id for region in regions]) if t.id == team_id), None)
    if record is None:
        abort(404)  # another region's team, as if it did not exist
    form = TeamLetterheadForm(obj=record if request.method == "GET" else None)
    if form.validate_on_submit():
        services.set_team_letterhead(record, form.postal_address.data, form.telephone.data, current_user)
        flash(f"{record.name}: letterhead saved. Letters drafted from now on print it.", "success")
        return redirect(url_for("admin.teams"))
    return render_template("admin/team.html", team=record, form=form)
