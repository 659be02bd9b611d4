from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.cases import queries as case_queries
from victims.domain.vocabulary import CaseStatus, Role, Scheme
from victims.domain.work import DeadlineStatus, TaskStatus, events_for_scheme
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.prerelease import queries as prerelease_queries
from victims.refusals import Refused
from victims.reminders import queries as reminder_queries
from victims.staff import queries as staff_queries
from victims.web.forms import options
from victims.web.paging import page_number
from victims.web.security import allowed
from victims.work import queries, services
from victims.work.forms import NOTES_MAX, AssignTaskForm, EventForm, MeetDeadlineForm

bp = Blueprint("work", __name__)

CASEWORK = (Role.VLO, Role.SPO)


@bp.route("/tasks/mine")
@allowed(Role.VLO)
def my_tasks():
    result = case_queries.my_tasks(
        current_user, page=page_number(), per_page=current_app.config["CASELOAD_PAGE_SIZE"]
    )
    return render_template("work/my_tasks.html", result=result)


@bp.route("/tasks/team")
@allowed(Role.SPO)
def team_work():
    per_page = current_app.config["CASELOAD_PAGE_SIZE"]
    return render_template(
        "work/team_work.html",
        overdue=case_queries.team_overdue(current_user, page=page_number("overdue_page"), per_page=per_page),
        queue=case_queries.team_queue(current_user, page=page_number("queue_page"), per_page=per_page),
        failed=reminder_queries.failed_for_team(
            current_user, page=page_number("failed_page"), per_page=per_page
        ),
        waiting=prerelease_queries.waiting_for_spo(current_user),
        waiting_letters=letter_queries.awaiting_countersign(current_user),
        held_letters=letter_queries.held_for_team(current_user),
        held_emails=reminder_queries.held_for_team(current_user),
        transfers=case_queries.transfers_waiting_for(current_user),
        closure_due=case_queries.closure_due_count(current_user),
    )


# Where "Mark as done" returns to: a fixed list, never a URL from the form.
_BACK = {
    "mine": lambda task: url_for("work.my_tasks"),
    "team": lambda task: url_for("work.team_work"),
    "case": lambda task: url_for("cases.deadlines", case_id=task.case_id, _anchor="tasks"),
}


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@allowed(*CASEWORK)
def mark_done(task_id: int):
    task = queries.task_for_change(task_id, current_user)
    back = _BACK.get(request.form.get("back", ""), _BACK["mine"])(task)
    try:
        services.mark_done(task, current_user)
    except Refused as refused:
        flash(refused.message)
    except StaleDataError:
        db.session.rollback()
        flash("Someone else closed this task at the same moment. Check the list and try again.")
    else:
        flash(f"Task done: {task.title}", "success")
    return redirect(back)


@bp.route("/deadlines/<int:deadline_id>/meet", methods=["GET", "POST"])
@allowed(Role.SPO)
def meet_by_hand(deadline_id: int):
    """An SPO of the case's team marks an open deadline met, with the day and a reason. Another
    team's deadline is not found; a closed one has nothing to meet."""
    row = queries.deadline(deadline_id)
    if row is None:
        abort(404)
    case = case_queries.case_for_change(row.case_id, current_user)
    if case.team_id != current_user.team_id or row.status != DeadlineStatus.OPEN:
        abort(404)
    form = MeetDeadlineForm()
    if request.method == "GET":
        form.met_on.data = clock.today()
    if form.validate_on_submit():
        try:
            services.meet_by_hand(case, row, form.met_on.data, form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "reason")
        except StaleDataError:
            db.session.rollback()
            flash("Someone else changed this deadline at the same moment. Check it and try again.")
            return redirect(url_for("cases.deadlines", case_id=case.id))
        else:
            flash(f"{row.name}: {row.met_words.lower()}", "success")
            return redirect(url_for("cases.deadlines", case_id=case.id))
    return render_template("work/meet_deadline.html", form=form, case=case, deadline=row)


@bp.route("/tasks/<int:task_id>/assign", methods=["GET", "POST"])
@allowed(Role.SPO)
def assign(task_id: int):
    task = queries.task_for_change(task_id, current_user)
    if task.status != TaskStatus.OPEN:
        abort(404)
    row = case_queries.task_row(task_id, current_user)
    vlos = staff_queries.team_vlos(task.team_id)
    form = AssignTaskForm()
    form.vlo.choices = options([(str(vlo.id), vlo.name) for vlo in vlos], "Choose a victim liaison officer")
    if request.method == "GET" and task.assigned_to_id:
        form.vlo.data = str(task.assigned_to_id)
    if form.validate_on_submit():
        vlo = staff_queries.find_user(int(form.vlo.data))
        try:
            services.assign(task, vlo, current_user)
        except Refused as refused:
            refused.show_on(form, "vlo")
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
    # A restricted patient's case is offered its own events first (victims.domain.work).
    offered = events_for_scheme(Scheme(case.scheme) if case.scheme else None)
    form.kind.choices = options([(event.value, event.label) for event in offered])
    if request.method == "GET":
        form.learned_on.data = clock.today()
    if form.validate_on_submit():
        try:
            record = services.record_event(
                case,
                form.kind.data,
                form.occurred_on.data,
                (form.notes.data or "").strip() or None,
                current_user,
                learned_on=form.learned_on.data,
            )
        except Refused as refused:
            refused.show_on(form, "kind")
        else:
            flash(f"Event recorded: {record.kind_label}", "success")
            return redirect(url_for("cases.deadlines", case_id=case.id, _anchor="events"))
    return render_template("work/record_event.html", form=form, case=case, notes_max=NOTES_MAX)
