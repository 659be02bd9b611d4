from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims.cases import queries as case_queries
from victims.cases.models import Case
from victims.domain import prerelease as rules
from victims.domain.prerelease import (
    REDRAFTABLE,
    AddressSource,
    ConditionType,
    Stage,
    StepInput,
    Telling,
    ToldKind,
    ZoneStatus,
    next_stages,
)
from victims.domain.vocabulary import CaseStatus, Role
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.people import queries as people_queries
from victims.people.models import Person
from victims.postcodes import geocoder
from victims.postcodes import queries as postcode_queries
from victims.prerelease import queries, services, zones
from victims.prerelease.forms import ContactForm, RequestForm, TokenForm
from victims.prerelease.models import ConditionRequest
from victims.refusals import Refused
from victims.web import reveals
from victims.web.forms import options
from victims.web.security import allowed

bp = Blueprint("prerelease", __name__)

CASEWORK = (Role.VLO, Role.SPO)
GEOJSON_MAX_BYTES = 1024 * 1024


def _case(case_id: int) -> Case:
    case = case_queries.case_for_change(case_id, current_user)
    if case.status != CaseStatus.OPEN:
        abort(404)
    return case


def _request(request_id: int) -> tuple[ConditionRequest, Case]:
    return queries.request_for_change(request_id, current_user)


def _people_choices(case: Case) -> list:
    return options([(str(p.id), f"{p.full_name} ({p.relationship_label})") for p in case.people])


def _chosen(case: Case, person_id: str, message: str) -> Person:
    """The person on the case the form chose (a crafted id is refused, as no choice)."""
    person = next((p for p in case.people if str(p.id) == person_id), None)
    if person is None:
        raise Refused(message, field="person")
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
        except Refused as refused:
            refused.show_on(form, "said")
        else:
            flash("Pre-release contact recorded", "success")
            return redirect(url_for("cases.prerelease", case_id=case.id))
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
        except Refused as refused:
            refused.show_on(form, "victim_words")
        else:
            flash("Request added", "success")
            return redirect(url_for("prerelease.condition", request_id=record.id))
    return render_template("prerelease/new_request.html", form=form, case=case)


@bp.route("/conditions/<int:request_id>")
@allowed(*CASEWORK, Role.MANAGER)
def condition(request_id: int):
    record, case = _request(request_id)
    return _request_page(record, case)


def _told_choices(record: ConditionRequest) -> list[Telling]:
    """The letters sent to, and contacts made with, the person (or whoever acts for them) on or
    after the outcome: what the "victim told" step may name."""
    outcome = services.outcome_told(record)
    if outcome is None:
        return []
    found = letter_queries.tellings(record.case_id, outcome.people) + queries.contact_tellings(
        record.case_id, outcome.people
    )
    return rules.told_choices(outcome, found)


def _told_by(value: str | None) -> Telling | None:
    """The letter or contact a form chose, found by its id wherever it is: the rules then refuse
    another case's, one not sent or made, or one before the outcome."""
    chosen = rules.parse_choice(value)
    if chosen is None:
        return None
    kind, number = chosen
    if kind is ToldKind.LETTER:
        return letter_queries.telling_by_id(number)
    return queries.contact_telling_by_id(number)


def _what_told(record: ConditionRequest) -> Telling | None:
    if record.told_letter_id is not None:
        return letter_queries.telling_by_id(record.told_letter_id)
    if record.told_contact_id is not None:
        return queries.contact_telling_by_id(record.told_contact_id)
    return None


def _request_page(record: ConditionRequest, case: Case, errors: list | None = None, values=None) -> str:
    stages = next_stages(record.stage_enum)
    return render_template(
        "prerelease/request.html",
        record=record,
        case=case,
        person=people_queries.person_for_change(case.id, record.person_id),
        zone=queries.zone(record.zone_id),
        next_stages=stages,
        history=queries.history(record),
        what_told=_what_told(record),
        told_choices=_told_choices(record) if Stage.TOLD in stages else [],
        can_redraft=record.stage_enum in REDRAFTABLE,
        form=TokenForm(),
        errors=errors or [],
        values=values or {},
        # A town named on its own in the wording: the SPO acknowledges it when checking.
        town_warnings=services.warning_messages(services.findings_in(case, record.wording))
        if Stage.CHECKED in next_stages(record.stage_enum)
        else [],
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
        told_by=_told_by(request.form.get("told_by")) if stage is Stage.TOLD else None,
        town_acknowledged=request.form.get("town_acknowledged") == "yes",
    )
    try:
        services.step(record, stage, given, current_user)
    except Refused as refused:
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
    record, case = queries.zone_for_change(zone_id, current_user)
    form = TokenForm()
    problems: list[str] = []
    places_shown = _places_shown(record)
    values = _zone_values(record, places_shown)
    if request.method == "POST":
        if current_user.role not in CASEWORK or not form.validate_on_submit():
            abort(403 if current_user.role not in CASEWORK else 400)
        values = {key: request.form.get(key, "") for key in values}
        # An emptied box removes a place only if the form showed it, and the reveal still holds;
        # so does an exact spot (dragged on the map) count only then.
        seen = places_shown and request.form.get("places_shown") == "yes"
        removed = frozenset(
            kind for kind in zones.PLACE_KINDS if seen and not values[f"point_{kind}"].strip()
        )
        upload = request.files.get("zone_file")
        if upload is not None and upload.filename:
            # An uploaded GeoJSON file takes the place of the text box (1 MB at most).
            content = upload.read(GEOJSON_MAX_BYTES + 1)
            if len(content) > GEOJSON_MAX_BYTES:
                problems = ["The GeoJSON file must be smaller than 1 MB"]
            else:
                values["zone"] = content.decode("utf-8", errors="replace")
        try:
            problems = problems or zones.save_zone(
                record,
                zones.ZoneForm(
                    title=values["title"],
                    zone=values["zone"],
                    description=values["description"],
                    points={kind: values[f"point_{kind}"] for kind in zones.PLACE_KINDS},
                    remove=removed,
                    spots={kind: values[f"point_{kind}_spot"] for kind in zones.PLACE_KINDS} if seen else {},
                ),
                current_user,
            )
        except Refused as refused:
            problems = [refused.message]
        if not problems:
            flash("Map saved and checked", "success")
            return redirect(url_for("prerelease.zone", zone_id=zone_id, _anchor="checks"))
    return _zone_page(record, case, places_shown, values, problems)


@bp.route("/zones/<int:zone_id>/start", methods=["POST"])
@allowed(*CASEWORK)
def start_zone(zone_id: int):
    """Fill the zone with a starting shape (a circle round a postcode, or postcode sectors) that
    the VLO then adjusts: kept as the draft and checked like any zone."""
    record, case = queries.zone_for_change(zone_id, current_user)
    if not TokenForm().validate_on_submit():
        abort(400)
    shape = request.form.get("shape", "")
    shape_values = {key: request.form.get(key, "") for key in ("circle_centre", "circle_radius", "sectors")}
    try:
        if shape == "circle":
            problems = zones.start_from_circle(
                record, shape_values["circle_centre"], shape_values["circle_radius"], current_user
            )
        elif shape == "sectors":
            problems = zones.start_from_sectors(record, shape_values["sectors"], current_user)
        else:
            abort(400)
    except Refused as refused:
        problems = [refused.message]
    if not problems:
        what = "a circle" if shape == "circle" else "the postcode sectors"
        flash(f"The zone was filled with {what} and checked. Adjust it on the map or in the text.", "success")
        return redirect(url_for("prerelease.zone", zone_id=zone_id, _anchor="checks"))
    places_shown = _places_shown(record)
    values = _zone_values(record, places_shown)
    if places_shown and any(values[f"point_{kind}"] for kind in zones.PLACE_KINDS):
        zones.places_viewed(record, case, current_user)  # the page shows the places recorded
    return _zone_page(record, case, places_shown, values, problems, shape_values)


def _places_shown(record) -> bool:
    """The places locate the victim: in the form only after a reveal of the person whose request
    the zone is for, while the map is a draft with its maker. The checks use them either way."""
    request_record = queries.request_for_zone(record)
    editing = record.status == ZoneStatus.DRAFT and current_user.role in CASEWORK
    return editing and reveals.revealed(request_record.person_id if request_record else None)


def _zone_values(record, places_shown: bool) -> dict[str, str]:
    """The zone form as saved: each place as the postcode it was entered as (or its coordinates),
    and its exact spot, only after a reveal."""
    places = zones.recorded_places(record) if places_shown else {}
    values = {
        "title": record.title,
        "zone": "" if not record.geojson else json.dumps(record.geojson),
        "description": record.description or "",
    }
    for kind in zones.PLACE_KINDS:
        place = places.get(kind)
        spot = f"{place.latitude:.6f}, {place.longitude:.6f}" if place else ""
        values[f"point_{kind}"] = (place.postcode or spot) if place else ""
        values[f"point_{kind}_spot"] = spot
    return values


def _zone_page(record, case, places_shown: bool, values, problems, shape_values=None):
    request_record = queries.request_for_zone(record)
    places = zones.recorded_places(record)
    if request.method == "GET" and places_shown and places:
        zones.places_viewed(record, case, current_user)
    results = zones.check_zone(record)
    low, high = zones.circle_radius_limits()
    release_address = queries.current_release_address(case.id)
    return render_template(
        "prerelease/zone.html",
        zone=record,
        case=case,
        form=TokenForm(),
        values=values,
        shape_values=shape_values or {},
        problems=problems,
        error_items=[{"text": problem, "href": f"#{_field_of(problem)}"} for problem in problems],
        field_errors={_field_of(p): str(p) for p in problems if _field_of(p) != "zone"},
        town_warnings=zones.town_warnings(record) if record.status == ZoneStatus.SUBMITTED else [],
        results=results,
        passed=all(result.passed for result in results),
        place_kinds=zones.PLACE_KINDS,
        places=places if places_shown else {},
        places_shown=places_shown,
        places_recorded=set(places),
        release_address=release_address,
        release_address_source=AddressSource(release_address.source).label if release_address else "",
        # A release address entered on this map before they were kept with the case.
        map_release_address="release_address" in queries.zone_points(record),
        can_reveal=request_record is not None,
        postcodes_loaded=postcode_queries.loaded(),
        geocoder=geocoder.configured(),
        radius_limits=(low, high),
        tiles=current_app.config["MAP_TILE_URL"],
        attribution=current_app.config["MAP_TILE_ATTRIBUTION"],
        tiles_max_zoom=current_app.config["MAP_TILE_MAX_ZOOM"],
        request_record=request_record,
    ), (400 if problems else 200)


def _field_of(problem: str) -> str:
    """The form field a zone problem is about: the zone itself unless the service said otherwise."""
    return problem.field if isinstance(problem, zones.Problem) else "zone"


@bp.route("/zones/<int:zone_id>/reveal", methods=["GET", "POST"])
@allowed(*CASEWORK)
def reveal_zone(zone_id: int):
    record, case = queries.zone_for_change(zone_id, current_user)
    request_record = queries.request_for_zone(record)
    if request_record is None:
        abort(404)
    person = people_queries.person_for_change(case.id, request_record.person_id)
    back = url_for("prerelease.zone", zone_id=record.id, _anchor="places")
    showing = reveals.Showing(
        "Show the places the zone is checked against", "Show the places", back, f"exclusion zone {record.id}"
    )
    return reveals.reveal_page(case, person, showing, lambda: redirect(back))


def _zone_action(zone_id: int, action, message: str):
    record, _case = queries.zone_for_change(zone_id, current_user)
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        action(record, current_user)
    except Refused as refused:
        flash(refused.message)
    else:
        flash(message, "success")
    return redirect(url_for("prerelease.zone", zone_id=zone_id))


@bp.route("/zones/<int:zone_id>/submit", methods=["POST"])
@allowed(*CASEWORK)
def submit_zone(zone_id: int):
    return _zone_action(zone_id, zones.submit_zone, "Map sent to a senior probation officer to check")


@bp.route("/zones/<int:zone_id>/countersign", methods=["POST"])
@allowed(Role.SPO)
def countersign_zone(zone_id: int):
    acknowledged = request.form.get("town_acknowledged") == "yes"
    return _zone_action(
        zone_id,
        lambda record, user: zones.countersign_zone(record, user, town_acknowledged=acknowledged),
        "Map checked and countersigned",
    )


@bp.route("/zones/<int:zone_id>/return", methods=["POST"])
@allowed(Role.SPO)
def return_zone(zone_id: int):
    return _zone_action(zone_id, zones.return_zone, "Map returned to its maker")


@bp.route("/zones/<int:zone_id>/reopen", methods=["POST"])
@allowed(*CASEWORK)
def reopen_zone(zone_id: int):
    return _zone_action(
        zone_id, zones.reopen_zone, "Map reopened: change it, then send it to be checked again"
    )


def _pdf(content: bytes, name: str) -> Response:
    return Response(
        content, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


def _not_made(refused: zones.DocumentRefused, case: Case, back: str):
    """A document that was not made: why, on a page of its own (409), never flashed."""
    return render_template("prerelease/not_made.html", refused=refused, case=case, back=back), 409


def _zone_pdf(zone_id: int, *, issue: bool):
    record, case = queries.zone_for_change(zone_id, current_user)
    if not record.geojson:
        abort(404)
    try:
        content = zones.zone_pdf_for(record, case, current_user, issue=issue)
    except zones.DocumentRefused as refused:
        return _not_made(refused, case, url_for("prerelease.zone", zone_id=zone_id))
    except Refused as refused:
        flash(refused.message)
        return redirect(url_for("prerelease.zone", zone_id=zone_id))
    name = f"exclusion-zone-{record.id}.pdf" if issue else f"exclusion-zone-{record.id}-draft.pdf"
    return _pdf(content, name)


@bp.route("/zones/<int:zone_id>/map.pdf")
@allowed(*CASEWORK, Role.MANAGER)
def zone_pdf(zone_id: int):
    """The map for issue: only a countersigned zone that passes every check."""
    return _zone_pdf(zone_id, issue=True)


@bp.route("/zones/<int:zone_id>/map-preview.pdf")
@allowed(*CASEWORK, Role.MANAGER)
def zone_pdf_preview(zone_id: int):
    """The map as it stands, marked "DRAFT – NOT FOR ISSUE" on every page."""
    return _zone_pdf(zone_id, issue=False)


def _representations(case_id: int, *, issue: bool):
    case = case_queries.case_for_change(case_id, current_user)
    try:
        content = zones.representation_pdf_for(case, current_user, issue=issue)
    except zones.DocumentRefused as refused:
        return _not_made(refused, case, url_for("cases.prerelease", case_id=case.id))
    except Refused as refused:
        flash(refused.message)
        return redirect(url_for("cases.prerelease", case_id=case.id))
    name = f"representations-case-{case.id}.pdf" if issue else f"representations-case-{case.id}-draft.pdf"
    return _pdf(content, name)


@bp.route("/cases/<int:case_id>/representations.pdf")
@allowed(*CASEWORK)
def representations(case_id: int):
    """The representations for issue: only wording an SPO has checked, and countersigned maps."""
    return _representations(case_id, issue=True)


@bp.route("/cases/<int:case_id>/representations-preview.pdf")
@allowed(*CASEWORK)
def representations_preview(case_id: int):
    """The representations as they stand, marked "DRAFT – NOT FOR ISSUE" on every page."""
    return _representations(case_id, issue=False)


@bp.route("/cases/<int:case_id>/prerelease/complete", methods=["POST"])
@allowed(*CASEWORK)
def complete(case_id: int):
    case = _case(case_id)
    if not TokenForm().validate_on_submit():
        abort(400)
    try:
        services.complete(case, current_user)
    except Refused as refused:
        flash(refused.message)
    else:
        flash("Pre-release work marked complete", "success")
    return redirect(url_for("cases.prerelease", case_id=case.id))
