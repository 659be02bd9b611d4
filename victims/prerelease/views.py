from __future__ import annotations

import json
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.audit import services as audit
from victims.cases import queries as case_queries
from victims.cases.models import Case, ContactLogEntry
from victims.deadlines.models import CaseDeadline
from victims.domain import deadlines as deadline_rules
from victims.domain.prerelease import REDRAFTABLE, ConditionType, Stage, StepInput, next_stages
from victims.domain.vocabulary import CaseStatus, ContactLevel, Direction, Role
from victims.extensions import db
from victims.forms import options
from victims.people.models import Person
from victims.prerelease import services
from victims.prerelease.forms import ContactForm, RequestForm, TokenForm
from victims.prerelease.models import POINT_KINDS, ConditionRequest, ExclusionZone, PreReleaseContact
from victims.security import allowed

bp = Blueprint("prerelease", __name__)

CASEWORK = (Role.VLO, Role.SPO)
QUIET_AFTER = timedelta(days=365)
GEOJSON_MAX_BYTES = 1024 * 1024


def _case(case_id: int) -> Case:
    case = case_queries.case_for_change(case_id, current_user)
    if case.status != CaseStatus.OPEN:
        abort(404)
    return case


def _request(request_id: int) -> tuple[ConditionRequest, Case]:
    record = db.session.get(ConditionRequest, request_id)
    if record is None:
        abort(404)
    return record, case_queries.case_for_change(record.case_id, current_user)


def _zone(zone_id: int) -> tuple[ExclusionZone, Case]:
    record = db.session.get(ExclusionZone, zone_id)
    if record is None:
        abort(404)
    return record, case_queries.case_for_change(record.case_id, current_user)


@bp.app_template_global()
def case_prerelease(case) -> dict:
    """What the case page's "Pre-release" section shows (templates/prerelease/_case_prerelease.html)."""
    due = dict(
        db.session.execute(
            select(CaseDeadline.code, func.min(CaseDeadline.due_on))
            .where(
                CaseDeadline.case_id == case.id,
                CaseDeadline.code.in_(
                    (deadline_rules.PRE_RELEASE_WINDOW, deadline_rules.LICENCE_REPRESENTATIONS)
                ),
            )
            .group_by(CaseDeadline.code)
        ).all()
    )
    contacts = db.session.scalars(
        select(PreReleaseContact)
        .where(PreReleaseContact.case_id == case.id)
        .order_by(PreReleaseContact.contacted_on.desc())
    ).all()
    requests = db.session.scalars(
        select(ConditionRequest).where(ConditionRequest.case_id == case.id).order_by(ConditionRequest.id)
    ).all()
    zones = {
        zone.id: zone
        for zone in db.session.scalars(select(ExclusionZone).where(ExclusionZone.case_id == case.id))
    }
    last_heard = dict(
        db.session.execute(
            select(ContactLogEntry.person_id, func.max(ContactLogEntry.occurred_at))
            .where(ContactLogEntry.case_id == case.id, ContactLogEntry.direction == Direction.INBOUND.value)
            .group_by(ContactLogEntry.person_id)
        ).all()
    )
    quiet_since = clock.utcnow() - QUIET_AFTER
    to_consider = []
    for person in case.people:
        if person.contact_level == ContactLevel.OPTED_OUT:
            to_consider.append((person, "Opted out"))
        elif person.contact_lost:
            to_consider.append((person, "Contact lost"))
        elif last_heard.get(person.id) is None or last_heard[person.id] < quiet_since:
            to_consider.append((person, "Not heard from in the last 12 months"))
    return {
        "window_opens": due.get(deadline_rules.PRE_RELEASE_WINDOW),
        "representations_due": due.get(deadline_rules.LICENCE_REPRESENTATIONS),
        "contacts": contacts,
        "requests": requests,
        "zones": zones,
        "to_consider": to_consider,
        "people": {person.id: person for person in case.people},
    }


@bp.app_template_global()
def prerelease_waiting() -> dict:
    """For the SPO's Team work: requests whose wording waits for checking, maps to countersign."""
    if current_user.role != Role.SPO or current_user.team_id is None:
        return {"requests": [], "zones": []}
    team_cases = select(Case.id).where(Case.team_id == current_user.team_id)
    return {
        "requests": db.session.scalars(
            select(ConditionRequest)
            .where(ConditionRequest.case_id.in_(team_cases), ConditionRequest.stage == Stage.DRAFTED.value)
            .order_by(ConditionRequest.drafted_at)
        ).all(),
        "zones": db.session.scalars(
            select(ExclusionZone)
            .where(ExclusionZone.case_id.in_(team_cases), ExclusionZone.status == "submitted")
            .order_by(ExclusionZone.submitted_at)
        ).all(),
    }


def _people_choices(case: Case) -> list:
    return options([(str(p.id), f"{p.full_name} ({p.relationship_label})") for p in case.people])


def _chosen(case: Case, person_id: str, message: str) -> Person:
    """The person on the case the form chose (a crafted id is refused, as no choice)."""
    person = next((p for p in case.people if str(p.id) == person_id), None)
    if person is None:
        raise services.PreReleaseRefused(message, field="person")
    return person


@bp.route("/cases/<int:case_id>/prerelease/contact", methods=["GET", "POST"])
@allowed(*CASEWORK)
def record_contact(case_id: int):
    case = _case(case_id)
    form = ContactForm()
    form.person.choices = _people_choices(case)
    if form.validate_on_submit():
        try:
            services.record_contact(
                case,
                _chosen(case, form.person.data, "Choose who"),
                contacted_on=form.contacted_on.data,
                method=form.method.data,
                said=form.said.data,
                concerns=form.concerns.data,
                wants_conditions=form.wants_conditions.data == "yes",
                user=current_user,
            )
        except services.PreReleaseRefused as refused:
            getattr(form, refused.field or "said").errors.append(refused.message)
        else:
            flash("Pre-release contact recorded", "success")
            return redirect(url_for("cases.case", case_id=case.id, _anchor="prerelease"))
    return render_template("prerelease/contact.html", form=form, case=case)


@bp.route("/cases/<int:case_id>/conditions/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def new_request(case_id: int):
    case = _case(case_id)
    form = RequestForm()
    form.person.choices = _people_choices(case)
    if form.validate_on_submit():
        try:
            person = _chosen(case, form.person.data, "Choose whose request it is")
            record = services.add_request(
                case, person, ConditionType(form.condition_type.data), form.victim_words.data, current_user
            )
        except services.PreReleaseRefused as refused:
            getattr(form, refused.field or "victim_words").errors.append(refused.message)
        else:
            flash("Request added", "success")
            return redirect(url_for("prerelease.condition", request_id=record.id))
    return render_template("prerelease/new_request.html", form=form, case=case)


@bp.route("/conditions/<int:request_id>")
@allowed(*CASEWORK, Role.MANAGER)
def condition(request_id: int):
    record, case = _request(request_id)
    return _request_page(record, case)


def _request_page(record: ConditionRequest, case: Case, errors: list | None = None, values=None) -> str:
    return render_template(
        "prerelease/request.html",
        record=record,
        case=case,
        person=db.session.get(Person, record.person_id),
        zone=db.session.get(ExclusionZone, record.zone_id) if record.zone_id else None,
        next_stages=next_stages(record.stage_enum),
        can_redraft=record.stage_enum in REDRAFTABLE,
        form=TokenForm(),
        errors=errors or [],
        values=values or {},
        Stage=Stage,
    )


@bp.route("/conditions/<int:request_id>/<target>", methods=["POST"])
@allowed(*CASEWORK)
def step(request_id: int, target: str):
    record, case = _request(request_id)
    try:
        stage = Stage(target)
    except ValueError:
        abort(404)
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    given = StepInput(
        wording=request.form.get("wording"),
        practitioner_name=request.form.get("practitioner_name"),
        practitioner_team=request.form.get("practitioner_team"),
        reason=request.form.get("reason"),
        told_how=request.form.get("told_how"),
    )
    try:
        services.step(record, stage, given, current_user)
    except services.PreReleaseRefused as refused:
        db.session.rollback()
        record, case = _request(request_id)
        error = {"text": refused.message, "href": f"#{refused.field or 'step'}"}
        return _request_page(record, case, [error], request.form), 400
    except StaleDataError:
        db.session.rollback()
        flash("Someone else changed this request at the same moment. Check it and try again.")
        return redirect(url_for("prerelease.condition", request_id=request_id))
    flash(f"Request {record.id}: {stage.label}", "success")
    return redirect(url_for("prerelease.condition", request_id=request_id))


@bp.route("/zones/<int:zone_id>", methods=["GET", "POST"])
@allowed(*CASEWORK, Role.MANAGER)
def zone(zone_id: int):
    record, case = _zone(zone_id)
    form = TokenForm()
    problems: list[str] = []
    points = {kind: f"{lat:.6f}, {lon:.6f}" for kind, (lat, lon) in services.zone_points(record).items()}
    values = {
        "title": record.title,
        "zone": "" if not record.geojson else json.dumps(record.geojson),
        "description": record.description or "",
        **{f"point_{kind}": points.get(kind, "") for kind in POINT_KINDS},
    }
    if request.method == "POST":
        if current_user.role not in CASEWORK or not form.validate_on_submit():
            abort(403 if current_user.role not in CASEWORK else 400)
        values = {key: request.form.get(key, "") for key in values}
        upload = request.files.get("zone_file")
        if upload is not None and upload.filename:
            # An uploaded GeoJSON file takes the place of the text box (1 MB at most).
            content = upload.read(GEOJSON_MAX_BYTES + 1)
            if len(content) > GEOJSON_MAX_BYTES:
                problems = ["The GeoJSON file must be smaller than 1 MB"]
            else:
                values["zone"] = content.decode("utf-8", errors="replace")
        try:
            problems = problems or services.save_zone(
                record,
                services.ZoneForm(
                    title=values["title"],
                    zone=values["zone"],
                    description=values["description"],
                    points={kind: values[f"point_{kind}"] for kind in POINT_KINDS},
                ),
                current_user,
            )
        except services.PreReleaseRefused as refused:
            problems = [refused.message]
        if not problems:
            flash("Map saved and checked", "success")
            return redirect(url_for("prerelease.zone", zone_id=zone_id, _anchor="checks"))
    results = services.check_zone(record)
    return render_template(
        "prerelease/zone.html",
        zone=record,
        case=case,
        form=form,
        values=values,
        problems=problems,
        error_items=[{"text": problem, "href": "#zone"} for problem in problems],
        results=results,
        passed=all(result.passed for result in results),
        point_kinds=POINT_KINDS,
        tiles=current_app.config["MAP_TILE_URL"],
        attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
        request_record=db.session.scalar(
            select(ConditionRequest).where(ConditionRequest.zone_id == record.id)
        ),
    ), (400 if problems else 200)


def _zone_action(zone_id: int, action, message: str, roles=CASEWORK):
    record, _case = _zone(zone_id)
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        action(record, current_user)
    except services.PreReleaseRefused as refused:
        flash(refused.message)
    else:
        flash(message, "success")
    return redirect(url_for("prerelease.zone", zone_id=zone_id))


@bp.route("/zones/<int:zone_id>/submit", methods=["POST"])
@allowed(*CASEWORK)
def submit_zone(zone_id: int):
    return _zone_action(zone_id, services.submit_zone, "Map sent to a senior probation officer to check")


@bp.route("/zones/<int:zone_id>/countersign", methods=["POST"])
@allowed(Role.SPO)
def countersign_zone(zone_id: int):
    return _zone_action(zone_id, services.countersign_zone, "Map checked and countersigned")


@bp.route("/zones/<int:zone_id>/return", methods=["POST"])
@allowed(Role.SPO)
def return_zone(zone_id: int):
    return _zone_action(zone_id, services.return_zone, "Map returned to its maker")


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


@bp.route("/zones/<int:zone_id>/map.pdf")
@allowed(*CASEWORK, Role.MANAGER)
def zone_pdf(zone_id: int):
    record, case = _zone(zone_id)
    if not record.geojson:
        abort(404)
    try:
        content = services.zone_pdf(record)
    except services.PreReleaseRefused as refused:
        flash(refused.message)
        return redirect(url_for("prerelease.zone", zone_id=zone_id))
    audit.record("zone_pdf_made", "exclusion_zone", record.id, case_id=case.id, region_id=case.region_id)
    return _pdf(content, f"exclusion-zone-{record.id}.pdf")


@bp.route("/cases/<int:case_id>/representations.pdf")
@allowed(*CASEWORK)
def representations(case_id: int):
    case = case_queries.case_for_change(case_id, current_user)
    try:
        content = services.representation_pdf(case)
    except services.PreReleaseRefused as refused:
        flash(refused.message)
        return redirect(url_for("cases.case", case_id=case_id, _anchor="prerelease"))
    audit.record("representations_made", "case", case.id, case_id=case.id, region_id=case.region_id)
    return _pdf(content, f"representations-case-{case.id}.pdf")


@bp.route("/cases/<int:case_id>/prerelease/complete", methods=["POST"])
@allowed(*CASEWORK)
def complete(case_id: int):
    case = _case(case_id)
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        services.complete(case, current_user)
    except services.PreReleaseRefused as refused:
        flash(refused.message)
    else:
        flash("Pre-release work marked complete", "success")
    return redirect(url_for("cases.case", case_id=case_id, _anchor="prerelease"))
