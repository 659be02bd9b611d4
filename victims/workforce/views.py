"""The workload screens (issue 14): My workload, a VLO's workload, Team workload with the SPO's
own workload and the peaks ahead, a VLO's reductions, and the workload model's numbers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from victims import clock
from victims.absences.queries import absent_on
from victims.domain.vocabulary import Role
from victims.domain.workload import (
    CASELOAD_HIGH,
    CASELOAD_LOW,
    Band,
    ReductionKind,
    Stage,
    WorkItem,
    capacity_percent,
    check_weights,
)
from victims.refusals import Refused
from victims.staff.models import User
from victims.web.security import allowed
from victims.workforce import pages, peaks, queries, services
from victims.workforce.forms import (
    GROUPS,
    EndReductionForm,
    ReductionForm,
    field_name,
    weight_label,
    weight_unit,
    weight_value,
    weights_form,
)

bp = Blueprint("workforce", __name__, url_prefix="/workforce")

BAND_TAGS = {Band.BELOW: "blue", Band.WITHIN: "green", Band.ABOVE: "red"}


def _page_context() -> dict:
    return {
        "BAND_TAGS": BAND_TAGS,
        "CASELOAD_LOW": CASELOAD_LOW,
        "CASELOAD_HIGH": CASELOAD_HIGH,
        "HORIZONS": peaks.HORIZONS,
        "PeakKind": peaks.PeakKind,
        "STAGES": list(Stage),
        "ITEMS": list(WorkItem),
    }


# --- A VLO's workload ---------------------------------------------------------------------------


def _vlo_page(vlo: User, *, own: bool):
    today = clock.today()
    model = queries.current_model()
    found = queries.vlo_workload(vlo.id, today, model)
    if found is None:
        abort(404)
    by_case = {fact.case_id: fact for fact in found.cases}
    ahead = peaks.peaks_for(by_case, today).get(vlo.id) or peaks.Peaks(today)
    can_change = services.can_manage_reductions(current_user, vlo)
    return render_template(
        "workforce/vlo.html",
        vlo=vlo,
        own=own,
        found=found,
        work=found.workload,
        model=model,
        labels=pages.case_labels(by_case),
        ahead=ahead,
        projection=peaks.projection(found.cases, today, model.weights),
        away=absent_on([vlo.id], today).get(vlo.id),
        reductions=pages.reduction_records(vlo.id),
        can_change=can_change,
        today=today,
        **_page_context(),
    )


@bp.route("/mine")
@allowed(Role.VLO)
def my_workload():
    return _vlo_page(current_user, own=True)


@bp.route("/vlos/<int:user_id>")
@allowed(Role.SPO, Role.MANAGER)
def vlo(user_id: int):
    return _vlo_page(pages.vlo_for(user_id, current_user), own=False)


# --- Reductions ---------------------------------------------------------------------------------


def _changeable_vlo(user_id: int) -> User:
    vlo = pages.vlo_for(user_id, current_user)
    if not services.can_manage_reductions(current_user, vlo):
        abort(403)
    return vlo


def _after_reduction(vlo: User) -> str:
    if current_user.role == Role.SPO.value:
        return url_for("workforce.vlo", user_id=vlo.id, _anchor="reductions")
    return url_for("workforce.reductions", user_id=vlo.id)


@bp.route("/vlos/<int:user_id>/reductions")
@allowed(Role.SPO, Role.ADMIN)
def reductions(user_id: int):
    """A VLO's reductions, for administrators (SPOs see them on the VLO's workload)."""
    vlo = _changeable_vlo(user_id)
    return render_template(
        "workforce/reductions.html", vlo=vlo, reductions=pages.reduction_records(vlo.id), today=clock.today()
    )


@bp.route("/vlos/<int:user_id>/reductions/new", methods=["GET", "POST"])
@allowed(Role.SPO, Role.ADMIN)
def new_reduction(user_id: int):
    vlo = _changeable_vlo(user_id)
    form = ReductionForm()
    if form.validate_on_submit():
        try:
            services.record_reduction(
                vlo,
                ReductionKind(form.kind.data),
                form.hours.data,
                form.starts_on.data,
                form.ends_on.data,
                form.notes.data,
                current_user,
            )
        except Refused as refused:
            refused.show_on(form, "hours")
        else:
            flash(f"Reduction recorded for {vlo.name}", "success")
            return redirect(_after_reduction(vlo))
    return render_template("workforce/new_reduction.html", vlo=vlo, form=form, back=_after_reduction(vlo))


@bp.route("/vlos/<int:user_id>/reductions/<int:reduction_id>/end", methods=["GET", "POST"])
@allowed(Role.SPO, Role.ADMIN)
def end_reduction(user_id: int, reduction_id: int):
    vlo = _changeable_vlo(user_id)
    record = pages.reduction_record(reduction_id, vlo.id)
    form = EndReductionForm()
    if request.method == "GET":
        form.ends_on.data = clock.today()
    if form.validate_on_submit():
        try:
            services.end_reduction(record, vlo, form.ends_on.data, current_user)
        except Refused as refused:
            refused.show_on(form, "ends_on")
        else:
            flash(f"Reduction for {vlo.name} ended", "success")
            return redirect(_after_reduction(vlo))
    return render_template(
        "workforce/end_reduction.html", vlo=vlo, record=record, form=form, back=_after_reduction(vlo)
    )


# --- Team workload ------------------------------------------------------------------------------


@bp.route("/team")
@allowed(Role.SPO, Role.MANAGER)
def team_workload():
    """The SPO's own team; a manager chooses a team of their region."""
    if current_user.role == Role.SPO.value:
        if current_user.team_id is None:
            abort(404)
        return _team_page(pages.team_for(current_user.team_id, current_user))
    return render_template("workforce/teams.html", teams=pages.teams_for_manager(current_user))


@bp.route("/teams/<int:team_id>")
@allowed(Role.SPO, Role.MANAGER)
def team(team_id: int):
    return _team_page(pages.team_for(team_id, current_user))


def _team_page(team):
    today = clock.today()
    model = queries.current_model()
    rows = queries.team_workloads(team.id, today, model)
    facts = {fact.case_id: fact for row in rows for fact in row.cases}
    by_vlo = peaks.peaks_for(facts, today)
    team_ahead = peaks.team_peaks(by_vlo, today)
    totals = {
        "cases": sum(row.workload.cases for row in rows),
        "people": sum(row.workload.people for row in rows),
        "points": sum(row.workload.points for row in rows),
        "available": sum(row.workload.available.points for row in rows),
    }
    totals["capacity"] = capacity_percent(totals["points"], totals["available"])
    return render_template(
        "workforce/team.html",
        team=team,
        rows=rows,
        totals=totals,
        by_vlo=by_vlo,
        empty=peaks.Peaks(today),
        team_ahead=team_ahead,
        labels=pages.case_labels({item.case_id for item in team_ahead.within(max(peaks.HORIZONS))}),
        projection=peaks.projection(facts.values(), today, model.weights),
        away=absent_on([row.user_id for row in rows], today),
        spo=peaks.spo_workload(team.id, today),
        spos=pages.spos_of(team.id) if current_user.role == Role.MANAGER.value else [],
        model=model,
        today=today,
        **_page_context(),
    )


# --- The workload model -------------------------------------------------------------------------


@bp.route("/model", methods=["GET", "POST"])
@allowed(Role.ADMIN)
def model():
    """Every number of the version in force; national administrators change them, the others read."""
    if request.method == "POST" and not current_user.national:
        abort(403)
    current = queries.current_model()
    form = weights_form() if current_user.national else None
    if form is not None:
        if request.method == "GET":
            form.show(current.weights)
        if form.validate_on_submit():
            weights = form.weights()
            errors = check_weights(weights)
            for name, message in errors.items():  # every number out of range, each at its field
                getattr(form, field_name(name)).errors.append(message)
            if not errors:
                try:
                    number = services.adopt_weights(
                        weights, form.reason.data, current_user, source="administrator"
                    )
                except Refused as refused:
                    target = getattr(form, field_name(refused.field or ""), None)
                    refused.show_on(form, target.name if target is not None else "reason")
                else:
                    flash(
                        f"Version {number} of the workload model is now in force"
                        if number
                        else "Nothing changed",
                        "success",
                    )
                    return redirect(url_for("workforce.model"))
    versions = queries.model_versions()
    return render_template(
        "workforce/model.html",
        current=current,
        form=form,
        groups=GROUPS,
        versions=versions,
        names=_names_of(versions),
        **_weight_words(),
    )


@bp.route("/model/versions/<int:number>")
@allowed(Role.ADMIN)
def model_version(number: int):
    versions = queries.model_versions()
    chosen = next((version for version in versions if version.number == number), None)
    if chosen is None:
        abort(404)
    return render_template(
        "workforce/model_version.html",
        version=chosen,
        groups=GROUPS,
        names=_names_of(versions),
        **_weight_words(),
    )


def _names_of(versions) -> dict[int, str]:
    ids = {version.created_by_id for version in versions if version.created_by_id}
    return pages.user_names(ids)


def _weight_words() -> dict:
    return {
        "weight_label": weight_label,
        "weight_unit": weight_unit,
        "field_name": field_name,
        "weight_value": weight_value,
    }
