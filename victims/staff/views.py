from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from victims import clock
from victims.admin import notices
from victims.auth import services as auth
from victims.auth import throttling
from victims.domain.needs import Course, TrainingHeld
from victims.domain.throttling import Stage
from victims.domain.training import TrainingStatus, course_status, record_status
from victims.domain.vocabulary import Role, Skill
from victims.refusals import Refused
from victims.staff import queries, services
from victims.staff.forms import (
    ChooseNewPasswordForm,
    DetailsForm,
    OwnPasswordForm,
    RemoveTrainingForm,
    SkillsForm,
    TrainingForm,
)
from victims.web.security import allowed, signed_in

bp = Blueprint("staff", __name__)


@bp.route("/account/details", methods=["GET", "POST"])
@signed_in
def details():
    form = DetailsForm(data={"phone": current_user.phone})
    if form.validate_on_submit():
        services.change_own_phone(current_user, form.phone.data)
        flash("Your details have been saved", "success")
        return redirect(url_for("staff.details"))
    return render_template("staff/details.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    """Change one's own password; or, after signing in with a password an administrator set,
    choose one (the guard sends every other page here until then)."""
    if current_user.password_must_change:
        return _choose_password()
    form = OwnPasswordForm(email=current_user.email)
    status, headers = 200, {}
    if form.validate_on_submit():
        channel = throttling.session_channel(g.user_session.id)
        left = max(throttling.wait_in_session(current_user.email, stage, channel) for stage in Stage)
        if left:
            form.current_password.errors.append(throttling.wait_message(left))
            status, headers = 429, throttling.retry_after(left)
        else:
            try:
                ended = auth.change_own_password(
                    current_user,
                    current=form.current_password.data,
                    code=form.code.data,
                    password=form.password.data,
                    keep=g.user_session,
                )
            except Refused as refused:
                refused.show_on(form, "password")  # a wrong password or code is counted: status 200 keeps it
            else:
                return _saved(ended)
    return render_template("staff/password.html", form=form), status, headers


def _choose_password():
    form = ChooseNewPasswordForm(email=current_user.email)
    if form.validate_on_submit():
        try:
            ended = auth.replace_temporary_password(current_user, form.password.data, g.user_session)
        except Refused as refused:
            refused.show_on(form, "password")
        else:
            return _saved(ended, then="main.home")
    return render_template("staff/choose_password.html", form=form)


def _saved(sessions_ended: int, then: str = "staff.details"):
    emailed = notices.tell_of_new_password(current_user, sessions_ended=sessions_ended)
    message = "Your new password is saved."
    if sessions_ended:
        message += " You have been signed out everywhere else."
    if emailed:
        message += " We have emailed you to say so."
    flash(message, "success")
    return redirect(url_for(then))


@bp.route("/team/countersigning")
@allowed(Role.SPO)
def countersigning():
    return render_template("staff/countersigning.html", vlos=queries.team_vlos(current_user.team_id))


@bp.route("/team/countersigning/<int:user_id>/<any(on, off):choice>", methods=["POST"])
@allowed(Role.SPO)
def set_countersigning(user_id: int, choice: str):
    vlo = queries.team_vlo(user_id, current_user.team_id)
    if vlo is None:
        abort(404)
    services.set_countersigning(vlo, choice == "on", current_user)
    if vlo.requires_countersign:
        flash(f"{vlo.name}’s letters now need countersigning", "success")
    else:
        flash(f"{vlo.name}’s letters no longer need countersigning", "success")
    return redirect(url_for("staff.countersigning"))


# --- Skills and training (issue 14, item 3) --------------------------------------------------------

KEEPERS = (Role.SPO, Role.ADMIN)


def _held(record) -> TrainingHeld:
    return TrainingHeld(record.course, record.completed_on, record.expires_on)


def _member(user_id: int):
    user = queries.staff_member_for(user_id, current_user)
    if user is None:
        abort(404)
    return user


@bp.route("/staff/<int:user_id>/skills-and-training", methods=["GET", "POST"])
@allowed(*KEEPERS)
def skills_and_training(user_id: int):
    user = _member(user_id)
    form = SkillsForm(data={"skills": [skill.skill for skill in user.skills]})
    if form.validate_on_submit():
        try:
            changed = services.change_skills(user, form.skills.data or [], current_user)
        except Refused as refused:
            refused.show_on(form, "skills")
        else:
            flash(f"{user.name}’s skills have been saved" if changed else "No change to save", "success")
            return redirect(url_for("staff.skills_and_training", user_id=user.id))
    today = clock.today()
    records = [(record, record_status(_held(record), today)) for record in queries.training_records(user.id)]
    return render_template(
        "staff/skills_and_training.html", member=user, form=form, records=records, statuses=TrainingStatus
    )


@bp.route("/staff/<int:user_id>/training/new", methods=["GET", "POST"])
@allowed(*KEEPERS)
def add_training(user_id: int):
    user = _member(user_id)
    form = TrainingForm()
    if form.validate_on_submit():
        try:
            services.add_training(
                user,
                course=Course(form.course.data),
                completed_on=form.completed_on.data,
                expires_on=form.expires_on.data,
                keeper=current_user,
                today=clock.today(),
            )
        except Refused as refused:
            refused.show_on(form, "course")
        else:
            flash(f"Training record added for {user.name}", "success")
            return redirect(url_for("staff.skills_and_training", user_id=user.id))
    return render_template("staff/add_training.html", member=user, form=form)


@bp.route("/staff/<int:user_id>/training/<int:record_id>/remove", methods=["GET", "POST"])
@allowed(*KEEPERS)
def remove_training(user_id: int, record_id: int):
    user = _member(user_id)
    record = queries.training_record_for(record_id, user.id)
    if record is None:
        abort(404)
    form = RemoveTrainingForm()
    if form.validate_on_submit():
        try:
            services.remove_training(record, user, form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "reason")
        else:
            flash(f"Training record removed for {user.name}", "success")
            return redirect(url_for("staff.skills_and_training", user_id=user.id))
    return render_template("staff/remove_training.html", member=user, record=record, form=form)


@bp.route("/team/skills-and-training")
@allowed(Role.SPO, Role.MANAGER, Role.ADMIN)
def team_skills():
    """An SPO's own team; a manager or administrator chooses one of the teams in their scope."""
    if current_user.role == Role.SPO and current_user.team_id is not None:
        return redirect(url_for("staff.team_skills_matrix", team_id=current_user.team_id))
    return render_template("staff/teams_skills.html", teams=queries.teams_in_scope(current_user))


@bp.route("/teams/<int:team_id>/skills-and-training")
@allowed(Role.SPO, Role.MANAGER, Role.ADMIN)
def team_skills_matrix(team_id: int):
    """Each VLO against the seven skills and the five courses, so gaps show."""
    team = queries.team_for_viewer(team_id, current_user)
    if team is None:
        abort(404)
    today = clock.today()
    vlos = queries.team_vlos(team.id)
    ids = [vlo.id for vlo in vlos]
    held = queries.training_held(ids)
    skills = queries.skills_of(ids)
    rows = [
        {
            "vlo": vlo,
            "skills": skills.get(vlo.id, frozenset()),
            "courses": {course: course_status(held.get(vlo.id, ()), course, today) for course in Course},
        }
        for vlo in vlos
    ]
    return render_template(
        "staff/team_skills.html",
        team=team,
        rows=rows,
        skills=list(Skill),
        courses=list(Course),
        statuses=TrainingStatus,
        can_change=current_user.role in KEEPERS,
    )
