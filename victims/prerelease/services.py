"""Pre-release work: contact with the victim, their licence-condition requests step by step,
exclusion zones and their maps, and the representation document for the probation practitioner.

What leaves for the probation practitioner (and so, in time, the offender) is the wording of
each condition and the maps, never the victim's address or contact details: the representation
document is checked for them before it is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from sqlalchemy import select

from victims import clock, printing
from victims.audit import services as audit
from victims.cases.models import Case, ContactLogEntry
from victims.domain import deadlines as deadline_rules
from victims.domain import geometry
from victims.domain import prerelease as rules
from victims.domain.prerelease import ConditionType, Stage, StepInput, ZoneStatus
from victims.domain.vocabulary import ContactMethod, Direction, Role
from victims.extensions import db
from victims.formatting import govuk_date
from victims.people import queries as people_queries
from victims.people.models import Person
from victims.prerelease import queries
from victims.prerelease.map_pdf import MapDocument, render_map_html, render_map_pdf, render_map_svg
from victims.prerelease.models import (
    POINT_KINDS,
    ConditionRequest,
    ExclusionZone,
    PreReleaseContact,
    ZonePoint,
)
from victims.refusals import Refused
from victims.staff.models import Team, User
from victims.work import queries as work_queries
from victims.work import services as work

WORDS_MAX = 2000


def _same_team(case: Case, user: User) -> None:
    if user.role not in (Role.VLO, Role.SPO) or user.team_id != case.team_id:
        raise Refused("Only the case’s team can do this")


# -- pre-release contact --------------------------------------------------------------------------------


def record_contact(
    case: Case,
    person: Person,
    *,
    contacted_on: date,
    method: str,
    said: str,
    concerns: str | None,
    wants_conditions: bool,
    user: User,
) -> PreReleaseContact:
    _same_team(case, user)
    if person.case_id != case.id:
        raise Refused("Choose a person on this case", field="person")
    if contacted_on > clock.today():
        raise Refused("The date of the contact must be today or in the past", field="contacted_on")
    contact = PreReleaseContact(
        case_id=case.id,
        person_id=person.id,
        contacted_on=contacted_on,
        method=method,
        said=said.strip(),
        concerns=(concerns or "").strip() or None,
        wants_conditions=wants_conditions,
        recorded_at=clock.utcnow(),
        recorded_by_id=user.id,
    )
    db.session.add(contact)
    asks = "asked for licence conditions" if wants_conditions else "asked for no licence conditions"
    db.session.add(
        ContactLogEntry(
            case_id=case.id,
            person_id=person.id,
            occurred_at=clock.utcnow(),
            recorded_at=clock.utcnow(),
            user_id=user.id,
            method=method,
            direction=Direction.OUTBOUND.value,
            summary=_summary(method, asks, said),
        )
    )
    work.meet(case.id, deadline_rules.PRE_RELEASE_WINDOW, contacted_on, user)
    db.session.flush()
    audit.record(
        "prerelease_contact_recorded",
        "prerelease_contact",
        contact.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"person_id": person.id, "wants_conditions": wants_conditions},
        user=user,
    )
    return contact


def _summary(method: str, asks: str, said: str) -> str:
    how = ContactMethod(method).label.lower()
    return f"Pre-release contact ({how}): the victim {asks}. {said.strip()}"[:2000]


# -- requests --------------------------------------------------------------------------------------


def add_request(
    case: Case, person: Person, condition_type: ConditionType, victim_words: str, user: User
) -> ConditionRequest:
    _same_team(case, user)
    if person.case_id != case.id:
        raise Refused("Choose a person on this case", field="person")
    if not victim_words.strip():
        raise Refused("Enter what the victim asked for, in their words", field="victim_words")
    request = ConditionRequest(
        case_id=case.id,
        person_id=person.id,
        condition_type=condition_type.value,
        victim_words=victim_words.strip(),
        stage=Stage.REQUESTED.value,
        requested_at=clock.utcnow(),
        requested_by_id=user.id,
    )
    if condition_type is ConditionType.EXCLUSION_ZONE:
        zone = ExclusionZone(
            case_id=case.id,
            title="Exclusion zone",
            status=ZoneStatus.DRAFT,
            created_at=clock.utcnow(),
            created_by_id=user.id,
        )
        db.session.add(zone)
        db.session.flush()
        request.zone_id = zone.id
        work.open_map_task(case, clock.today())
    db.session.add(request)
    db.session.flush()
    audit.record(
        "condition_requested",
        "condition_request",
        request.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"condition_type": condition_type.value, "person_id": person.id},
        user=user,
    )
    return request


def zone_ready(request: ConditionRequest) -> bool:
    if request.zone_id is None:
        return False
    zone = queries.zone(request.zone_id)
    return zone is not None and zone.status == ZoneStatus.COUNTERSIGNED


def step(
    request: ConditionRequest, target: Stage, given: StepInput, user: User, *, on: date | None = None
) -> None:
    """Move a request to its next stage, dated and attributed."""
    case = db.session.get(Case, request.case_id)
    _same_team(case, user)
    current = request.stage_enum
    redraft = target is Stage.DRAFTED and current in rules.REDRAFTABLE
    if not redraft:
        try:
            rules.check_step(current, target, given, request.type_enum)
        except rules.StepRefused as refused:
            raise Refused(str(refused)) from None
    if target is Stage.CHECKED:
        if user.role != Role.SPO:
            raise Refused("Only a senior probation officer can check the wording")
        if request.type_enum is ConditionType.EXCLUSION_ZONE and not zone_ready(request):
            raise Refused(
                "The exclusion-zone map must pass its checks and be countersigned before the request "
                "is checked"
            )
    if target is Stage.DRAFTED:
        wording = (given.wording or "").strip()
        if not wording:
            raise Refused("Enter the proposed wording of the condition", field="wording")
        if len(wording) > WORDS_MAX:
            raise Refused(f"The wording must be {WORDS_MAX} characters or fewer", field="wording")
        problems = disclosure_problems(case, wording)
        if problems:
            raise Refused(problems[0], field="wording")
    now = clock.utcnow()
    today = on or clock.today()
    if target is Stage.DRAFTED:
        request.wording = (given.wording or "").strip()
        request.drafted_at, request.drafted_by_id = now, user.id
        request.checked_at = request.checked_by_id = None
    elif target is Stage.CHECKED:
        request.checked_at, request.checked_by_id = now, user.id
    elif target is Stage.SENT:
        request.sent_on, request.sent_by_id = today, user.id
        request.practitioner_name = (given.practitioner_name or "").strip()
        request.practitioner_team = (given.practitioner_team or "").strip()
    elif target in (Stage.INCLUDED, Stage.NOT_INCLUDED):
        request.outcome_on, request.outcome_by_id = today, user.id
        request.outcome_reason = (given.reason or "").strip() or None
    elif target is Stage.TOLD:
        request.told_on, request.told_by_id = today, user.id
        request.told_how = (given.told_how or "").strip()
    request.stage = target.value
    db.session.flush()
    _deadlines_after(case, target, today, user)
    audit.record(
        f"condition_request_{target.value}",
        "condition_request",
        request.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"from": current.value, "to": target.value},
        user=user,
    )


def _deadlines_after(case: Case, target: Stage, today: date, user: User) -> None:
    """Representations are sent when every request has gone; the outcome deadline starts with the
    first outcome and is met when the victim has been told every outcome."""
    requests = queries.requests_of_case(case.id)
    if target is Stage.SENT and all(rules.ORDER[r.stage_enum] >= rules.ORDER[Stage.SENT] for r in requests):
        work.meet(case.id, deadline_rules.LICENCE_REPRESENTATIONS, today, user)
    if (
        target in (Stage.INCLUDED, Stage.NOT_INCLUDED)
        and work_queries.open_deadline(case.id, deadline_rules.LICENCE_OUTCOME) is None
    ):
        work.open_work(case, deadline_rules.LICENCE_OUTCOME, today)
    everyone_told = all(r.stage_enum is Stage.TOLD for r in requests)
    if target is Stage.TOLD and everyone_told:
        work.meet(case.id, deadline_rules.LICENCE_OUTCOME, today, user)


def complete(case: Case, user: User) -> None:
    """Mark pre-release work complete: refused until every request has an outcome the victim
    has been told."""
    _same_team(case, user)
    problems = rules.completion_problems(
        (f"Request {request.id} ({request.type_enum.label})", request.stage_enum)
        for request in queries.requests_of_case(case.id)
    )
    if problems:
        raise Refused("Pre-release work cannot be marked complete: " + "; ".join(problems))
    case.prerelease_completed_at = clock.utcnow()
    case.prerelease_completed_by_id = user.id
    db.session.flush()
    audit.record(
        "prerelease_completed", "case", case.id, case_id=case.id, region_id=case.region_id, user=user
    )


# -- what must never reach the practitioner --------------------------------------------------------


def _secrets(case: Case) -> list[str]:
    """The victims' address lines, postcodes, telephone numbers and email addresses on the case."""
    found = []
    for person in people_queries.people_of_case(case.id):
        for value in (
            person.address_line_1,
            person.address_line_2,
            person.address_postcode,
            person.telephone,
            person.email,
        ):
            if value and len(value.strip()) >= 4:
                found.append(value.strip())
    return found


def disclosure_problems(case: Case, text: str) -> list[str]:
    lowered = " ".join(text.lower().split())
    for secret in _secrets(case):
        if " ".join(secret.lower().split()) in lowered:
            return [
                "The wording gives a victim’s address or contact details. Describe the place without them: "
                "the probation practitioner and the offender will read this."
            ]
    return []


# -- exclusion zones -------------------------------------------------------------------------------


def zone_rules() -> geometry.ZoneRules:
    config = current_app.config
    return geometry.ZoneRules(
        min_distance_m=float(config["ZONE_MIN_DISTANCE_M"]),
        min_area_km2=float(config["ZONE_MIN_AREA_KM2"]),
        max_area_km2=float(config["ZONE_MAX_AREA_KM2"]),
    )


def _parse_point(text: str, label: str) -> tuple[float, float]:
    try:
        lat_text, lon_text = (part.strip() for part in text.split(","))
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise Refused(f"{label}: enter the latitude and longitude as “52.1359, -0.4667”") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Refused(f"{label}: enter the latitude and longitude as “52.1359, -0.4667”")
    return lat, lon


@dataclass(frozen=True)
class ZoneForm:
    title: str
    zone: str
    description: str
    points: dict[str, str]  # kind → "lat, lon" (empty: not recorded)


def save_zone(zone: ExclusionZone, form: ZoneForm, user: User) -> list[str]:
    """Keep the VLO's zone. Returns the problems that stop the zone being read (none: saved)."""
    case = db.session.get(Case, zone.case_id)
    _same_team(case, user)
    if zone.status == ZoneStatus.COUNTERSIGNED:
        raise Refused("This map has been countersigned: it cannot be changed")
    problems: list[str] = []
    geojson = None
    if form.zone.strip():
        try:
            geojson = geometry.to_geojson(geometry.parse_zone(form.zone))
        except geometry.GeometryError as error:
            problems.extend(error.problems)
    points: list[tuple[str, str]] = []
    for kind, label in POINT_KINDS.items():
        text = (form.points.get(kind) or "").strip()
        if text:
            try:
                lat, lon = _parse_point(text, label)
            except Refused as refused:
                problems.append(refused.message)
            else:
                points.append((kind, f"{lat:.6f},{lon:.6f}"))
    for problem in disclosure_problems(case, form.description + " " + form.title):
        problems.append(problem.replace("The wording", "The description"))
    if problems:
        return problems
    zone.title = form.title.strip() or "Exclusion zone"
    zone.geojson = geojson
    zone.description = form.description.strip() or None
    zone.status = ZoneStatus.DRAFT
    zone.checks = None
    for old in db.session.scalars(select(ZonePoint).where(ZonePoint.zone_id == zone.id)):
        db.session.delete(old)
    for kind, coordinates in points:
        db.session.add(ZonePoint(zone_id=zone.id, kind=kind, coordinates=coordinates))
    db.session.flush()
    audit.record(
        "zone_saved", "exclusion_zone", zone.id, case_id=case.id, region_id=case.region_id, user=user
    )
    return []


def check_zone(zone: ExclusionZone) -> list[geometry.ZoneCheck]:
    if not zone.geojson:
        return [
            geometry.ZoneCheck(
                "drawn", "The zone is drawn", False, ("Draw the zone on the map, or enter it.",)
            )
        ]
    polygons = geometry.parse_zone(zone.geojson)
    points = queries.zone_points(zone)
    victim_places = [
        geometry.NamedPoint(POINT_KINDS[kind], lon, lat)
        for kind, (lat, lon) in points.items()
        if kind in ("home", "work", "school")
    ]
    release = [
        geometry.NamedPoint(POINT_KINDS[kind], lon, lat)
        for kind, (lat, lon) in points.items()
        if kind == "release_address"
    ]
    results = geometry.check_zone(
        polygons, inside=victim_places, outside=release, protected=victim_places, rules=zone_rules()
    )
    home_given = "home" in points
    results.append(
        geometry.ZoneCheck(
            "home_given",
            "The victim’s home is given, so the zone can be checked against it",
            home_given,
            ()
            if home_given
            else ("Give the victim’s home as latitude and longitude (it is never shown on the map).",),
        )
    )
    described = bool((zone.description or "").strip())
    results.append(
        geometry.ZoneCheck(
            "described",
            "The boundary is described in words",
            described,
            () if described else ("Describe the boundary: the streets and landmarks it follows.",),
        )
    )
    return results


def submit_zone(zone: ExclusionZone, user: User) -> None:
    case = db.session.get(Case, zone.case_id)
    _same_team(case, user)
    if zone.status != ZoneStatus.DRAFT:
        raise Refused("This map is not a draft")
    results = check_zone(zone)
    if not all(result.passed for result in results):
        raise Refused(
            "The map has not passed its checks: " + "; ".join(r.title for r in results if not r.passed)
        )
    zone.status = ZoneStatus.SUBMITTED
    zone.submitted_at, zone.submitted_by_id = clock.utcnow(), user.id
    zone.checks = {result.code: result.passed for result in results}
    db.session.flush()
    audit.record(
        "zone_submitted", "exclusion_zone", zone.id, case_id=case.id, region_id=case.region_id, user=user
    )


def countersign_zone(zone: ExclusionZone, user: User) -> None:
    """The SPO checks and countersigns the map; the map task is done."""
    case = db.session.get(Case, zone.case_id)
    if user.role != Role.SPO or user.team_id != case.team_id:
        raise Refused("Only a senior probation officer of the team can countersign a map")
    if zone.status != ZoneStatus.SUBMITTED:
        raise Refused("The map has not been submitted for checking")
    if user.id == zone.submitted_by_id:
        raise Refused("Someone other than the map’s maker must countersign it")
    results = check_zone(zone)
    if not all(result.passed for result in results):
        raise Refused("The map no longer passes its checks: send it back to its maker")
    zone.status = ZoneStatus.COUNTERSIGNED
    zone.countersigned_at, zone.countersigned_by_id = clock.utcnow(), user.id
    work.meet(case.id, deadline_rules.ZONE_MAP, clock.today(), user)
    db.session.flush()
    audit.record(
        "zone_countersigned", "exclusion_zone", zone.id, case_id=case.id, region_id=case.region_id, user=user
    )


def return_zone(zone: ExclusionZone, user: User) -> None:
    case = db.session.get(Case, zone.case_id)
    if user.role != Role.SPO or user.team_id != case.team_id or zone.status != ZoneStatus.SUBMITTED:
        raise Refused("Only a submitted map can be returned, by a senior probation officer of the team")
    zone.status = ZoneStatus.DRAFT
    db.session.flush()
    audit.record(
        "zone_returned", "exclusion_zone", zone.id, case_id=case.id, region_id=case.region_id, user=user
    )


# -- documents -------------------------------------------------------------------------------------


def map_document(zone: ExclusionZone) -> MapDocument:
    """The map PDF's content. The zone is projected and checked by the domain, which refuses (with
    GeometryError, a ValueError) a zone that is not a valid shape: the map shows what was checked."""
    request = queries.request_for_zone(zone)
    # The offender receives the map: it names the unit, not the officer who drew it.
    case = db.session.get(Case, zone.case_id)
    unit = db.session.get(Team, case.team_id)
    wording = (request.wording if request and request.wording else None) or (
        "Not to enter the area defined by the attached map without the prior approval of your "
        "supervising officer."
    )
    return MapDocument(
        title=zone.title,
        condition_text=wording,
        reference=f"Case {zone.case_id} – zone {zone.id}",
        zone=geometry.project_zone(geometry.parse_zone(zone.geojson) if zone.geojson else []),
        description=zone.description or "",
        prepared_by=unit.name,
        date_text=govuk_date(clock.today()),
    )


def _guard(case: Case, content: bytes | str) -> None:
    """Refuse to hand out a document that contains a victim's address or contact details."""
    text = content if isinstance(content, str) else content.decode("latin-1")
    lowered = " ".join(text.lower().split())
    for secret in _secrets(case):
        if " ".join(secret.lower().split()) in lowered:
            raise Refused("The document would contain a victim’s address or contact details: it was not made")


def zone_pdf(zone: ExclusionZone) -> bytes:
    case = db.session.get(Case, zone.case_id)
    try:
        document = map_document(zone)
    except geometry.GeometryError as error:
        raise Refused(
            "The map cannot be printed until the zone is a valid shape: " + " ".join(error.problems)
        ) from None
    _guard(case, render_map_html(document))
    return render_map_pdf(document)


def zone_pdf_for(zone: ExclusionZone, case: Case, user: User) -> bytes:
    """The map PDF for a person to open, recorded."""
    content = zone_pdf(zone)
    audit.record(
        "zone_pdf_made", "exclusion_zone", zone.id, case_id=case.id, region_id=case.region_id, user=user
    )
    return content


def representation_html(case: Case) -> str:
    """The representations for the probation practitioner: every checked request's wording and
    its map. Never the victim's address or contact details."""
    rows = []
    for request in queries.requests_of_case(case.id):
        if rules.ORDER[request.stage_enum] < rules.ORDER[Stage.CHECKED]:
            continue
        zone = queries.zone(request.zone_id)
        svg = (
            render_map_svg(geometry.project_zone(geometry.parse_zone(zone.geojson)))
            if zone and zone.geojson
            else None
        )
        rows.append({"request": request, "zone": zone, "svg": svg})
    html = render_template("prerelease/representations_pdf.html", case=case, rows=rows, today=clock.today())
    _guard(case, html)
    return html


def representation_pdf(case: Case) -> bytes:
    return printing.html_to_pdf(representation_html(case))


def representation_pdf_for(case: Case, user: User) -> bytes:
    """The representation document for a person to open, recorded."""
    content = representation_pdf(case)
    audit.record(
        "representations_made", "case", case.id, case_id=case.id, region_id=case.region_id, user=user
    )
    return content
