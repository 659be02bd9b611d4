"""The absences screens (issue 14): the team's absences for its SPO, with cover; recording,
changing and cancelling one; a VLO's own absences."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.absences import queries, services
from victims.absences.forms import QUEUE, AbsenceForm, ConfirmForm, EndForm
from victims.domain.cover import REBALANCE_KINDS, AbsenceKind, When
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.refusals import Refused
from victims.staff import queries as staff_queries
from victims.web.conflicts import stale
from victims.web.forms import options
from victims.web.security import allowed

bp = Blueprint("absences", __name__, url_prefix="/absences")


@bp.route("/")
@allowed(Role.SPO, Role.VLO)
def index():
    if current_user.role == Role.VLO:
        return redirect(url_for("absences.mine"))
    return redirect(url_for("absences.team"))


@bp.route("/team")
@allowed(Role.SPO)
def team():
    today = clock.today()
    grouped = queries.for_team(current_user.team_id, today)
    vlos = staff_queries.team_vlos(current_user.team_id)
    away = {row.user_id: row for row in grouped[When.CURRENT]}
    return render_template(
        "absences/team.html",
        current=grouped[When.CURRENT],
        planned=grouped[When.PLANNED],
        past=grouped[When.PAST][:50],
        vlos=vlos,
        away=away,
        rebalance_kinds=REBALANCE_KINDS,
        today=today,
    )


@bp.route("/mine")
@allowed(Role.VLO)
def mine():
    today = clock.today()
    rows = queries.for_user(current_user.id, today)
    return render_template(
        "absences/mine.html",
        rows=rows,
        returns=queries.returns_for(current_user.id),
        covering=queries.covering(current_user.id),
        today=today,
    )


def _people_choices(form: AbsenceForm, vlos) -> None:
    form.user_id.choices = options(
        [(str(vlo.id), vlo.name) for vlo in vlos], "Choose a victim liaison officer"
    )
    form.cover.choices = options(
        [(QUEUE, "The team’s queue")] + [(str(vlo.id), vlo.name) for vlo in vlos], "Choose who covers"
    )


@bp.route("/new", methods=["GET", "POST"])
@allowed(Role.SPO)
def new():
    vlos = staff_queries.team_vlos(current_user.team_id)
    form = AbsenceForm()
    _people_choices(form, vlos)
    if request.method == "GET" and request.args.get("user_id", "").isdigit():
        form.user_id.data = request.args["user_id"]
    if form.validate_on_submit():
        details = services.AbsenceDetails(
            user_id=int(form.user_id.data),
            kind=AbsenceKind(form.kind.data),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            cover_user_id=None if form.cover.data == QUEUE else int(form.cover.data),
        )
        try:
            absence = services.record(details, current_user)
        except Refused as refused:
            refused.show_on(form, "user_id")
        else:
            name = next(vlo.name for vlo in vlos if vlo.id == absence.user_id)
            flash(f"Absence recorded for {name}", "success")
            return redirect(url_for("absences.team"))
    return render_template("absences/new.html", form=form)


def _row(absence_id: int):
    absence = queries.absence_for_spo(absence_id, current_user)
    row = next((r for r in queries.for_user(absence.user_id, clock.today()) if r.id == absence.id), None)
    if row is None:
        abort(404)
    return absence, row


@bp.route("/<int:absence_id>/end", methods=["GET", "POST"])
@allowed(Role.SPO)
def change_end(absence_id: int):
    absence, row = _row(absence_id)
    if absence.returned_at is not None:
        abort(404)
    form = EndForm()
    if request.method == "GET":
        form.version.data = str(absence.version)
        form.ends_on.data = absence.ends_on
    if form.validate_on_submit():
        if stale(form, absence):
            flash("Someone else changed this absence at the same moment. Check it and try again.")
            return redirect(url_for("absences.change_end", absence_id=absence_id))
        try:
            services.change_end(absence, form.ends_on.data, current_user)
        except Refused as refused:
            refused.show_on(form, "ends_on")
        except StaleDataError:
            db.session.rollback()
            flash("Someone else changed this absence at the same moment. Check it and try again.")
            return redirect(url_for("absences.change_end", absence_id=absence_id))
        else:
            flash(f"Last day changed for {row.name}", "success")
            return redirect(url_for("absences.team"))
    return render_template("absences/end.html", form=form, row=row)


@bp.route("/<int:absence_id>/back", methods=["GET", "POST"])
@allowed(Role.SPO)
def back(absence_id: int):
    """They are back today: the work comes back now."""
    return _confirm(absence_id, "back")


@bp.route("/<int:absence_id>/cancel", methods=["GET", "POST"])
@allowed(Role.SPO)
def cancel(absence_id: int):
    return _confirm(absence_id, "cancel")


def _confirm(absence_id: int, what: str):
    absence, row = _row(absence_id)
    if absence.returned_at is not None:
        abort(404)
    form = ConfirmForm()
    if request.method == "GET":
        form.version.data = str(absence.version)
    if form.validate_on_submit():
        try:
            if stale(form, absence):
                raise StaleDataError
            if what == "back":
                services.record_return(absence, current_user)
            else:
                services.cancel(absence, current_user)
        except StaleDataError:
            db.session.rollback()
            flash("Someone else changed this absence at the same moment. Check it and try again.")
        except Refused as refused:
            flash(refused.message)
        else:
            flash(
                f"{row.name} is back: their tasks have come back to them"
                if what == "back"
                else f"Absence cancelled for {row.name}",
                "success",
            )
        return redirect(url_for("absences.team"))
    return render_template("absences/confirm.html", form=form, row=row, what=what)
