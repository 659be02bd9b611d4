"""The calibration screens (issue 14): one-click time recording on a case's work, the report of
recorded minutes against the model's points with a least-squares fit, and adopting the fit's
weights as a new version of the model."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from victims import clock
from victims.calibration import queries, services
from victims.calibration.forms import AdoptForm, PeriodForm
from victims.cases import queries as case_queries
from victims.domain.calibration import MAX_MINUTES, MIN_CASES, MIN_RECORDS, TimeKind, fit
from victims.domain.vocabulary import Role
from victims.refusals import Refused
from victims.web.security import allowed
from victims.workforce.queries import current_model

bp = Blueprint("calibration", __name__, url_prefix="/calibration")

DEFAULT_DAYS = 90
# Where recording time returns to: a fixed list, never a URL from the form.
_BACK = {
    "contacts": lambda case_id: url_for("cases.contacts", case_id=case_id),
    "letters": lambda case_id: url_for("cases.letters", case_id=case_id),
    "tasks": lambda case_id: url_for("cases.deadlines", case_id=case_id, _anchor="tasks"),
}
_KINDS = {"contact": TimeKind.CONTACT, "letter": TimeKind.LETTER, "task": TimeKind.TASK}


@bp.route("/cases/<int:case_id>/time", methods=["POST"])
@allowed(Role.VLO)
def record_time(case_id: int):
    case = case_queries.case_for_change(case_id, current_user)  # another team's case: 404
    back = _BACK.get(request.form.get("back", ""), _BACK["tasks"])(case.id)
    kind = _KINDS.get(request.form.get("kind", ""))
    item = request.form.get("item_id", "")
    if kind is None or not item.isdigit():
        abort(400)
    chosen = request.form.get("minutes", "")
    typed = (request.form.get("other_minutes") or "").strip() if chosen == "other" else chosen
    if not typed.isdigit():
        flash(f"Enter the minutes as a whole number from 1 to {MAX_MINUTES}")
        return redirect(back)
    try:
        services.record_time(case, kind, int(item), int(typed), current_user)
    except Refused as refused:
        flash(refused.message)
    else:
        flash(f"{int(typed)} minutes recorded on this {kind.label.lower()}", "success")
    return redirect(back)


def _period(args) -> tuple[PeriodForm, date, date]:
    today = clock.today()
    if not any(key in args for key in ("starts_on", "ends_on")):
        starts_on = today - timedelta(days=DEFAULT_DAYS - 1)
        return PeriodForm(formdata=None, starts_on=starts_on, ends_on=today), starts_on, today
    form = PeriodForm(args)
    if form.validate():
        return form, form.starts_on.data, form.ends_on.data
    return form, today - timedelta(days=DEFAULT_DAYS - 1), today


def _fitted(starts_on: date, ends_on: date):
    model = current_model()
    found = queries.report(current_user, starts_on, ends_on, clock.today(), model.weights)
    return model, found, fit(found.cases, model.weights)


@bp.route("/")
@allowed(Role.ADMIN, Role.MANAGER)
def report():
    """National administrators see every region; regional administrators and managers, theirs."""
    form, starts_on, ends_on = _period(request.args)
    model, found, result = _fitted(starts_on, ends_on)
    return render_template(
        "calibration/report.html",
        period=form,
        page_has_errors=bool(form.errors),
        starts_on=starts_on,
        ends_on=ends_on,
        model=model,
        report=found,
        fit=result,
        can_adopt=current_user.role == Role.ADMIN and current_user.national,
        min_cases=MIN_CASES,
        min_records=MIN_RECORDS,
    )


@bp.route("/adopt", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def adopt():
    if not current_user.national:
        abort(403)
    form = AdoptForm()
    source = request.form if request.method == "POST" else request.args
    chosen = MultiDict([(key, value) for key in ("starts_on", "ends_on") for value in source.getlist(key)])
    _form, starts_on, ends_on = _period(chosen)
    model, _found, result = _fitted(starts_on, ends_on)
    if not result.fitted:
        abort(404)
    if request.method == "GET":
        form.model.data = str(model.number)
    if form.validate_on_submit():
        try:
            number = services.adopt(result, int(form.model.data or 0), form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "reason")
        else:
            if number is None:
                flash("The suggested weights are the same as the model’s: nothing changed")
            else:
                flash(f"Version {number} of the workload model is now in force", "success")
            return redirect(url_for("calibration.report"))
    return render_template(
        "calibration/adopt.html",
        form=form,
        starts_on=starts_on,
        ends_on=ends_on,
        model=model,
        fit=result,
        suggested=result.weights(model.weights),
    )
