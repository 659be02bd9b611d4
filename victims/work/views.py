from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims.cases import queries as case_queries
from victims.domain.vocabulary import CaseStatus, Role
from victims.extensions import db
from victims.forms import options
from victims.reminders import queries as reminder_queries
from victims.security import allowed
from victims.staff.models import User
from victims.work import queries, services
from victims.work.forms import NOTES_MAX, AssignTaskForm, EventForm

bp = Blueprint("work", __name__)

CASEWORK = (Role.VLO, Role.SPO)


def _page_number(name: str = "page") -> int:
    try:
        return max(1, int(request.args.get(name, 1)))
    except ValueError:
        return 1


@bp.app_template_global()
def case_work(case) -> queries.CaseWork:
    """What the case page's work section shows (templates/cases/_work.html). The case page
    has already found the case within the user's scope."""
    return queries.for_case(case.id)


@bp.route("/tasks/mine")
@allowed(Role.VLO)
def my_tasks():
    result = queries.my_tasks(
        current_user, page=_page_number(), per_page=current_app.config["CASELOAD_PAGE_SIZE"]
    )
    return render_template("work/my_tasks.html", result=result)


@bp.route("/tasks/team")
@allowed(Role.SPO)
def team_work():
    per_page = current_app.config["CASELOAD_PAGE_SIZE"]
    overdue = queries.team_overdue(current_user, page=_page_number("overdue_page"), per_page=per_page)
    queue = queries.team_queue(current_user, page=_page_number("queue_page"), per_page=per_page)
    failed = reminder_queries.failed_for_team(
        current_user, page=_page_number("failed_page"), per_page=per_page
    )
    return render_template("work/team_work.html", overdue=overdue, queue=queue, failed=failed)


# Where "Mark as done" returns to: a fixed list, never a URL from the form.
_BACK = {
    "mine": lambda task: url_for("work.my_tasks"),
    "team": lambda task: url_for("work.team_work"),
    "case": lambda task: url_for("cases.case", case_id=task.case_id, _anchor="tasks"),
}


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@allowed(*CASEWORK)
def mark_done(task_id: int):
    task = queries.task_for_change(task_id, current_user)
    back = _BACK.get(request.form.get("back", ""), _BACK["mine"])(task)
    try:
        services.mark_done(task, current_user)
    except services.WorkRefused as refused:
        flash(refused.message)
    except StaleDataError:
        db.session.rollback()
        flash("Someone else closed this task at the same moment. Check the list and try again.")
    else:
        flash(f"Task done: {task.title}", "success")
    return redirect(back)


@bp.route("/tasks/<int:task_id>/assign", methods=["GET", "POST"])
@allowed(Role.SPO)
def assign(task_id: int):
    task = queries.task_for_change(task_id, current_user)
    if task.status != "open":
        abort(404)
    row = queries.task_row(task_id, current_user)
    vlos = case_queries.team_vlos(task.team_id)
    form = AssignTaskForm()
    form.vlo.choices = options([(str(vlo.id), vlo.name) for vlo in vlos], "Choose a victim liaison officer")
    if request.method == "GET" and task.assigned_to_id:
        form.vlo.data = str(task.assigned_to_id)
    if form.validate_on_submit():
        vlo = db.session.get(User, int(form.vlo.data))
        try:
            services.assign(task, vlo, current_user)
        except services.WorkRefused as refused:
            form.vlo.errors.append(refused.message)
        except StaleDataError:
            db.session.rollback()
            flash("Someone else changed this task at the same moment. Check it and try again.")
            return redirect(url_for("work.assign", task_id=task_id))
        else:
            flash(f"Task assigned to {vlo.name}", "success")
            return redirect(url_for("work.team_work"))
    return render_template("work/assign.html", form=form, task=row)


@bp.route("/cases/<int:case_id>/events/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def record_event(case_id: int):
    case = case_queries.case_for_change(case_id, current_user)
    if case.status != CaseStatus.OPEN:
        abort(404)
    form = EventForm()
    if form.validate_on_submit():
        try:
            record = services.record_event(
                case,
                form.kind.data,
                form.occurred_on.data,
                (form.notes.data or "").strip() or None,
                current_user,
            )
        except services.WorkRefused as refused:
            getattr(form, refused.field or "kind").errors.append(refused.message)
        else:
            flash(f"Event recorded: {record.kind_label}", "success")
            return redirect(url_for("cases.case", case_id=case.id, _anchor="events"))
    return render_template("work/record_event.html", form=form, case=case, notes_max=NOTES_MAX)
