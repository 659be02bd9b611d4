from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims.cases import queries as case_queries
from victims.cases import services as case_services
from victims.domain.vocabulary import CaseStatus, Relationship, Role
from victims.extensions import db
from victims.people import queries, services
from victims.people.forms import (
    OptInForm,
    OptOutForm,
    PersonDetailsForm,
    PersonForm,
    PreferencesForm,
    person_details_from,
    preferences_from,
)
from victims.people.models import CONTACT_DETAIL_FIELDS
from victims.refusals import Refused
from victims.web import reveals
from victims.web.conflicts import conflict_rows, stale, take_current_version
from victims.web.forms import options
from victims.web.security import allowed

bp = Blueprint("people", __name__, url_prefix="/cases/<int:case_id>/people")

CASEWORK = (Role.VLO, Role.SPO)
DETAIL_FIELDS = ["first_name", "last_name", "date_of_birth", *CONTACT_DETAIL_FIELDS]
PREFERENCE_FIELDS = ["contact_level", "channel", "language", "large_print", "safe_contact_times"]


def _load(case_id: int, person_id: int):
    case = case_queries.case_for_change(case_id, current_user)
    return case, queries.person_for_change(case.id, person_id)


def _open_case_only(case) -> None:
    if case.status != CaseStatus.OPEN:
        abort(404)


@bp.route("/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def add_person(case_id: int):
    case = case_queries.case_for_change(case_id, current_user)
    _open_case_only(case)
    form = PersonForm()
    children = [p for p in case.people if p.relationship_ == Relationship.VICTIM]
    form.acting_for.choices = options([(str(p.id), p.full_name) for p in children], "Choose the child victim")
    if request.method == "GET":
        form.contact_level.data, form.channel.data, form.language.data = "key_stages", "post", "en"
    if form.validate_on_submit():
        try:
            services.add_person(case, person_details_from(form), current_user, preferences_from(form))
        except Refused as refused:
            refused.show_on(form, "first_name")
        else:
            flash("Person added", "success")
            return redirect(url_for("cases.people", case_id=case.id))
    return render_template("people/add_person.html", form=form, case=case)


@bp.route("/<int:person_id>/reveal", methods=["GET", "POST"])
@allowed(*CASEWORK)
def reveal(case_id: int, person_id: int):
    case, person = _load(case_id, person_id)
    back = url_for("cases.people", case_id=case.id, _anchor=f"person-{person.id}")
    showing = reveals.Showing("Show address and contact details", "Show address", back)
    # Shown in the response to the POST, so the details never sit behind a GET link.
    return reveals.reveal_page(
        case,
        person,
        showing,
        lambda: render_template("people/contact_details.html", case=case, person=person),
    )


@bp.route("/<int:person_id>/details", methods=["GET", "POST"])
@allowed(*CASEWORK)
def change_details(case_id: int, person_id: int):
    case, person = _load(case_id, person_id)
    _open_case_only(case)
    if not reveals.revealed(person.id):
        flash("Show the address and contact details first, and say why")
        return redirect(url_for("people.reveal", case_id=case.id, person_id=person.id))
    form = PersonDetailsForm(obj=person if request.method == "GET" else None)
    form.channel_for_check = person.channel
    if request.method == "GET":
        form.version.data = str(person.version)
        services.details_opened_for_change(case, person, current_user)
    conflict = None
    if form.validate_on_submit():
        if stale(form, person):
            conflict = conflict_rows(form, person, DETAIL_FIELDS)
            take_current_version(form, person)
        else:
            try:
                # Through the case: new contact details regain a lost contact and meet its task.
                changed = case_services.change_person_details(
                    case, person, person_details_from(form), form.reason.data.strip(), current_user
                )
            except StaleDataError:
                db.session.rollback()
                flash("Someone else saved a change at the same moment. Check the details and try again.")
                return redirect(url_for("people.change_details", case_id=case_id, person_id=person_id))
            flash("Details saved" if changed else "Nothing changed", "success")
            return redirect(url_for("cases.people", case_id=case.id, _anchor=f"person-{person.id}"))
    status = 409 if conflict else 200
    return render_template(
        "people/change_details.html", form=form, case=case, person=person, conflict=conflict
    ), status


@bp.route("/<int:person_id>/preferences", methods=["GET", "POST"])
@allowed(*CASEWORK)
def preferences(case_id: int, person_id: int):
    case, person = _load(case_id, person_id)
    _open_case_only(case)
    # Safe times to contact say when a victim can be reached: shown (and changed) after a reveal.
    times_shown = reveals.revealed(person.id)
    form = PreferencesForm(obj=person)
    if not times_shown:
        del form.safe_contact_times
    if request.method == "GET":
        form.version.data = str(person.version)
        if times_shown and person.safe_contact_times:
            services.details_opened_for_change(case, person, current_user, ["safe_contact_times"])
    conflict = None
    if form.validate_on_submit():
        if stale(form, person):
            names = PREFERENCE_FIELDS if times_shown else [n for n in PREFERENCE_FIELDS if n in form]
            conflict = conflict_rows(form, person, names)
            take_current_version(form, person)
        else:
            chosen = preferences_from(form)
            if not times_shown:
                chosen = replace(chosen, safe_contact_times=person.safe_contact_times)
            try:
                changed = services.change_preferences(case, person, chosen, current_user)
            except StaleDataError:
                db.session.rollback()
                flash("Someone else saved a change at the same moment. Check the preferences and try again.")
                return redirect(url_for("people.preferences", case_id=case_id, person_id=person_id))
            flash("Preferences saved" if changed else "Nothing changed", "success")
            return redirect(url_for("cases.people", case_id=case.id, _anchor=f"person-{person.id}"))
    status = 409 if conflict else 200
    return render_template(
        "people/preferences.html",
        form=form,
        case=case,
        person=person,
        conflict=conflict,
        times_shown=times_shown,
    ), status


@bp.route("/<int:person_id>/preferences/reveal", methods=["GET", "POST"])
@allowed(*CASEWORK)
def reveal_preferences(case_id: int, person_id: int):
    case, person = _load(case_id, person_id)
    _open_case_only(case)
    back = url_for("people.preferences", case_id=case.id, person_id=person.id)
    showing = reveals.Showing("Show safe times to contact", "Show safe times", back, "preferences")
    return reveals.reveal_page(case, person, showing, lambda: redirect(back))


@bp.route("/<int:person_id>/opt-out", methods=["GET", "POST"])
@allowed(*CASEWORK)
def opt_out(case_id: int, person_id: int):
    case, person = _load(case_id, person_id)
    _open_case_only(case)
    form = OptOutForm()
    if form.validate_on_submit():
        try:
            services.opt_out(case, person, (form.reason.data or "").strip() or None, current_user)
        except Refused as refused:
            flash(refused.message)
        else:
            flash(f"{person.full_name} has opted out", "success")
            if case_services.propose_closure_if_due(case):  # the last one: the case may close
                flash("Everyone on the case has now opted out: a task to review it for closure is open")
        return redirect(url_for("cases.people", case_id=case.id, _anchor=f"person-{person.id}"))
    return render_template("people/opt_out.html", form=form, case=case, person=person)


@bp.route("/<int:person_id>/opt-in", methods=["GET", "POST"])
@allowed(*CASEWORK)
def opt_in(case_id: int, person_id: int):
    case, person = _load(case_id, person_id)
    _open_case_only(case)
    form = OptInForm()
    if form.validate_on_submit():
        try:
            services.opt_in(
                case, person, form.contact_level.data, (form.reason.data or "").strip() or None, current_user
            )
        except Refused as refused:
            flash(refused.message)
        else:
            flash(f"{person.full_name} has opted back in", "success")
        return redirect(url_for("cases.people", case_id=case.id, _anchor=f"person-{person.id}"))
    return render_template("people/opt_in.html", form=form, case=case, person=person)
