from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user

from victims.admin import notices
from victims.auth import services as auth
from victims.auth import throttling
from victims.domain.throttling import Stage
from victims.domain.vocabulary import Role
from victims.refusals import Refused
from victims.staff import queries, services
from victims.staff.forms import ChooseNewPasswordForm, DetailsForm, OwnPasswordForm
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
