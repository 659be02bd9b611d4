from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from victims.domain.reminders import EmailStatus
from victims.domain.vocabulary import Role
from victims.reminders import queries, services
from victims.reminders.forms import SettingsForm
from victims.web.paging import page_number
from victims.web.security import allowed, signed_in

bp = Blueprint("reminders", __name__)


@bp.route("/notifications")
@signed_in
def notifications():
    result = queries.for_user(
        current_user, page=page_number(), per_page=current_app.config["CASELOAD_PAGE_SIZE"]
    )
    unread = queries.unread_count(current_user)
    return render_template("reminders/notifications.html", result=result, unread=unread)


@bp.route("/notifications/<int:reminder_id>/read", methods=["POST"])
@signed_in
def mark_read(reminder_id: int):
    reminder = queries.own_reminder(reminder_id, current_user)
    services.mark_read(reminder)
    return redirect(url_for("reminders.notifications", page=request.form.get("page", 1, type=int)))


@bp.route("/notifications/read-all", methods=["POST"])
@signed_in
def mark_all_read():
    count = services.mark_all_read(current_user)
    if count:
        flash(f"{count} notification{'' if count == 1 else 's'} marked as read", "success")
    return redirect(url_for("reminders.notifications"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def settings():
    form = SettingsForm()
    if request.method == "GET":
        form.email.data = "yes" if current_user.email_reminders else "no"
        form.days.data = "any" if current_user.reminder_emails_any_day else "working"
    if form.validate_on_submit():
        services.choose_email(current_user, form.email.data == "yes", any_day=form.days.data == "any")
        flash("Your notification settings have been saved", "success")
        return redirect(url_for("reminders.settings"))
    return render_template("reminders/settings.html", form=form)


@bp.route("/reminders/<int:reminder_id>/try-again", methods=["POST"])
@allowed(Role.SPO)
def try_again(reminder_id: int):
    reminder = queries.team_failed_reminder(reminder_id, current_user)
    back = "held" if reminder.email_status == EmailStatus.HELD else "failed-reminders"
    services.try_again(reminder, current_user)
    flash("The reminder email will be sent again", "success")
    return redirect(url_for("work.team_work", _anchor=back))
