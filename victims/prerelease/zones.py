"""Exclusion zones and what is printed from pre-release work: the zone drawn and checked, its
map countersigned, the map PDF and the representation document for the probation practitioner.
Flush, never commit.

Both documents go to the probation practitioner and, in time, the offender: their words are read
by the one disclosure check (victims.domain.disclosure, through services.findings_in) before they
are made, and refused if they give away where anyone on the case lives or how to reach them. Each
is made for issue only from what passed every check and was countersigned (the map) or checked
by an SPO (the wording); before that, only a preview marked "DRAFT – NOT FOR ISSUE" on every page.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from flask import current_app, render_template
from sqlalchemy import select

from victims import clock, printing
from victims.audit import services as audit
from victims.cases.models import Case, Offender
from victims.domain import deadlines as deadline_rules
from victims.domain import geometry
from victims.domain import postcodes as postcode_rules
from victims.domain import prerelease as rules
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.prerelease import PointSource, Stage, ZoneStatus
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.formatting import govuk_date
from victims.people import services as people
from victims.postcodes import geocoder
from victims.postcodes import queries as postcode_queries
from victims.prerelease import queries
from victims.prerelease.basemap import BaseMapUnavailable, TileSource
from victims.prerelease.map_pdf import (
    MapDocument,
    MapDoesNotFit,
    render_map_pdf,
    render_map_svg,
)
from victims.prerelease.models import POINT_KINDS, ExclusionZone, ZonePoint
from victims.prerelease.services import findings_in, refusal_message, same_team, warning_messages
from victims.refusals import Refused
from victims.staff.models import Team, User
from victims.work import services as work


def zone_rules() -> geometry.ZoneRules:
    config = current_app.config
    return geometry.ZoneRules(
        min_distance_m=float(config["ZONE_MIN_DISTANCE_M"]),
        min_area_km2=float(config["ZONE_MIN_AREA_KM2"]),
        max_area_km2=float(config["ZONE_MAX_AREA_KM2"]),
    )


# The places the zone form takes: the victim's. The offender's proposed release address is the
# case's (recorded on the dates page); POINT_KINDS keeps its label for the checks.
PLACE_KINDS = {kind: POINT_KINDS[kind] for kind in ("home", "work", "school")}
# An exact spot further than this from the postcode (or address) it was moved from is a mistake:
# a stale spot left from another postcode, or a marker dropped in the wrong town.
MAX_MOVE_M = 2000.0
EXAMPLE_POINT = "52.1359, -0.4667"


@dataclass(frozen=True)
class Place:
    """Where a place is, and how it was found."""

    latitude: float
    longitude: float
    postcode: str | None  # normalised; None for typed coordinates
    source: PointSource

    @property
    def coordinates(self) -> str:
        return f"{self.latitude:.6f},{self.longitude:.6f}"


def _looks_like_coordinates(text: str) -> bool:
    parts = text.split(",")
    if len(parts) != 2:
        return False
    try:
        float(parts[0]), float(parts[1])
    except ValueError:
        return False
    return True


def _parse_point(text: str, label: str, field: str | None = None) -> tuple[float, float]:
    message = f"{label}: enter the latitude and longitude as “{EXAMPLE_POINT}”"
    try:
        lat_text, lon_text = (part.strip() for part in text.split(","))
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise Refused(message, field=field) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Refused(message, field=field)
    return lat, lon


def locate_place(text: str, label: str, field: str) -> Place:
    """A place as typed: a postcode (its centre, from the postcode table), "latitude, longitude",
    or, where a geocoder is configured, an address. Raises Refused (on `field`) with a GOV.UK
    message when it cannot be found."""
    text = text.strip()
    if _looks_like_coordinates(text):
        lat, lon = _parse_point(text, label, field)
        return Place(lat, lon, None, PointSource.COORDINATES)
    postcode = postcode_rules.normalise(text)
    if postcode is not None:
        if not postcode_queries.loaded():
            raise Refused(
                f"{label}: the postcode cannot be looked up because no postcodes have been loaded into "
                f"the service. Enter the latitude and longitude instead, like {EXAMPLE_POINT}",
                field=field,
            )
        found = postcode_queries.locate(postcode)
        if found is None:
            raise Refused(
                f"{label}: we do not recognise this postcode. Check it, or enter the latitude and "
                f"longitude instead, like {EXAMPLE_POINT}",
                field=field,
            )
        return Place(found[0], found[1], postcode, PointSource.POSTCODE)
    if text and geocoder.configured():
        try:
            match = geocoder.find(text)
        except geocoder.GeocoderUnavailable:
            raise Refused(
                f"{label}: the address lookup is not working at the moment. Enter a postcode, or the "
                f"latitude and longitude, like {EXAMPLE_POINT}",
                field=field,
            ) from None
        if match is None:
            raise Refused(
                f"{label}: we could not find this address. Check it, or enter a postcode, or the "
                f"latitude and longitude, like {EXAMPLE_POINT}",
                field=field,
            )
        return Place(match.latitude, match.longitude, match.postcode, PointSource.ADDRESS)
    what = "a full address, a postcode" if geocoder.configured() else "a postcode, like MK40 1AA,"
    raise Refused(
        f"{label}: enter {what} or the latitude and longitude, like {EXAMPLE_POINT}",
        field=field,
    )


def _metres_apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    (ax, ay), (bx, by) = geometry.lonlat_to_bng(a[1], a[0]), geometry.lonlat_to_bng(b[1], b[0])
    return math.hypot(ax - bx, ay - by)


def _place_from_form(kind: str, text: str, spot: str, old: ZonePoint | None) -> Place:
    """The place a form gives for one kind: the postcode, address or coordinates typed, moved to
    the exact spot when one was given (dragged on the map, or typed) that differs from it."""
    label = PLACE_KINDS[kind]
    if old is not None and old.postcode and postcode_rules.normalise(text) == old.postcode:
        # The place as recorded, shown back as its postcode: kept, not looked up again (it may
        # have been found by the geocoder, or its postcode left out of a later import).
        lat, lon = (float(part) for part in old.coordinates.split(","))
        source = PointSource(old.source) if old.source else PointSource.POSTCODE
        place = Place(lat, lon, old.postcode, source)
    else:
        place = locate_place(text, label, f"point_{kind}")
    spot = spot.strip()
    if not spot:
        return place
    at = _parse_point(spot, f"{label}, exact spot", f"point_{kind}_spot")
    if (
        old is not None
        and f"{at[0]:.6f},{at[1]:.6f}" == old.coordinates
        and (
            place.postcode != old.postcode
            or (place.postcode is None and place.coordinates != old.coordinates)
        )
    ):
        return place  # the spot shown for the place as it was: a new place was typed over it
    if f"{at[0]:.6f},{at[1]:.6f}" == place.coordinates:
        return place
    if _metres_apart(at, (place.latitude, place.longitude)) > MAX_MOVE_M:
        raise Refused(
            f"{label}: the exact spot is more than {MAX_MOVE_M / 1000:g} km from the place entered. "
            "Empty the exact spot to use the place entered, or check it",
            field=f"point_{kind}_spot",
        )
    return Place(at[0], at[1], place.postcode, PointSource.MOVED)


def recorded_places(zone: ExclusionZone) -> dict[str, Place]:
    """kind → the victim's places recorded for the zone (not the release address), with the postcode
    and how each was found. They locate the victim: for the page only after a reveal."""
    found = {}
    for point in db.session.scalars(select(ZonePoint).where(ZonePoint.zone_id == zone.id)):
        if point.kind not in PLACE_KINDS:
            continue
        lat, lon = (float(part) for part in point.coordinates.split(","))
        source = PointSource(point.source) if point.source else PointSource.COORDINATES
        found[point.kind] = Place(lat, lon, point.postcode, source)
    return found


class DocumentRefused(Refused):
    """A document that is not made: it is not ready for issue, or its words give away where
    someone on the case lives. Shown on a page of its own, never flashed (the reasons may quote
    the words that were refused, and a flashed message travels in the session)."""

    def __init__(self, heading: str, reasons: list[str]):
        super().__init__(heading)
        self.reasons = reasons


DRAFT_MARK = printing.DRAFT_MARK

TITLE_MAX = 200  # the column's length
DESCRIPTION_MAX = 5000  # page 2 onward of the map: a boundary is a few streets and landmarks


class Problem(str):
    """A problem with the zone form that belongs to one of its fields (the GOV.UK error is shown
    on that field). A str, so a list of problems still reads and compares as the messages."""

    field: str

    def __new__(cls, text: str, field: str) -> Problem:
        problem = super().__new__(cls, text)
        problem.field = field
        return problem


@dataclass(frozen=True)
class ZoneForm:
    title: str
    zone: str
    description: str
    # kind (home, work, school) → a postcode, "lat, lon" or, with a geocoder, an address (empty:
    # keep the place recorded, if any).
    points: dict[str, str]
    # Kinds to forget: a place the user saw (after a reveal) and emptied. A place they never saw
    # is kept, so saving a map without a reveal never wipes the places it did not show.
    remove: frozenset[str] = frozenset()
    # kind → the exact spot "lat, lon" (after a reveal: where its marker was dragged, or typed).
    spots: dict[str, str] = field(default_factory=dict)
    # What the zone was started from ("circle", "sectors"), for the audit trail; None: as given.
    started_from: str | None = None


def save_zone(zone: ExclusionZone, form: ZoneForm, user: User) -> list[str]:
    """Keep the VLO's zone. Returns the problems that stop the zone being read (none: saved)."""
    case = db.session.get(Case, zone.case_id)
    same_team(case, user)
    if zone.status == ZoneStatus.COUNTERSIGNED:
        raise Refused("This map has been countersigned: it cannot be changed")
    if zone.status != ZoneStatus.DRAFT:
        raise Refused("This map has been sent to an SPO to check: it can be changed once it is returned")
    problems: list[str] = []
    if len(form.title.strip()) > TITLE_MAX:
        problems.append(f"The title must be {TITLE_MAX} characters or fewer")
    if len(form.description.strip()) > DESCRIPTION_MAX:
        problems.append(f"The description of the boundary must be {DESCRIPTION_MAX:,} characters or fewer")
    geojson = None
    if form.zone.strip():
        try:
            geojson = geometry.to_geojson(geometry.parse_zone(form.zone))
        except geometry.GeometryError as error:
            problems.extend(error.problems)
    old_points = {
        point.kind: point
        for point in db.session.scalars(select(ZonePoint).where(ZonePoint.zone_id == zone.id))
    }
    places: dict[str, Place] = {}
    for kind in PLACE_KINDS:
        text = (form.points.get(kind) or "").strip()
        if text:
            try:
                places[kind] = _place_from_form(kind, text, form.spots.get(kind, ""), old_points.get(kind))
            except Refused as refused:
                problems.append(Problem(refused.message, refused.field or "zone"))
    for name, text in (("title", form.title), ("description", form.description)):
        refused = refusal_message(findings_in(case, text))
        if refused:
            problems.append(Problem(refused, name))
    if problems:
        return problems
    zone.title = form.title.strip() or "Exclusion zone"
    zone.geojson = geojson
    zone.description = form.description.strip() or None
    zone.status = ZoneStatus.DRAFT
    zone.checks = None
    changed = []
    for kind, old in old_points.items():
        place = places.get(kind)
        if place is not None and (old.coordinates, old.postcode) == (place.coordinates, place.postcode):
            del places[kind]  # entered again as it was
        elif place is not None or (kind in form.remove and kind in PLACE_KINDS):
            db.session.delete(old)
            changed.append(kind)
    for kind, place in places.items():
        db.session.add(
            ZonePoint(
                zone_id=zone.id,
                kind=kind,
                coordinates=place.coordinates,
                postcode=place.postcode,
                source=place.source.value,
            )
        )
        changed.append(kind)
    db.session.flush()
    audit.record(
        "zone_saved",
        "exclusion_zone",
        zone.id,
        case_id=case.id,
        region_id=case.region_id,
        # Which places changed, never where they are.
        details={
            **({"places_changed": sorted(set(changed))} if changed else {}),
            **({"started_from": form.started_from} if form.started_from else {}),
        }
        or None,
        user=user,
    )
    return []


# -- starting shapes -------------------------------------------------------------------------------


def circle_radius_limits() -> tuple[int, int]:
    """The radii (metres) whose circle is a sensible size by the configured zone rules."""
    rules = zone_rules()
    return geometry.circle_radius_limits(rules.min_area_km2, rules.max_area_km2)


def start_from_circle(zone: ExclusionZone, centre: str, radius: str, user: User) -> list[str]:
    """Fill the zone with a circle of `radius` metres round a postcode (or coordinates, or an
    address), kept as the draft and checked like any zone; the VLO adjusts it from there. Returns
    the problems (each on its field), none when saved."""
    problems: list[str] = []
    low, high = circle_radius_limits()
    within = f"Enter the radius in metres, a whole number from {low:,} to {high:,}"
    metres = None
    try:
        metres = int(radius.strip().replace(",", "").removesuffix("m").strip())
    except ValueError:
        problems.append(Problem(within if radius.strip() else f"Enter the radius. {within}", "circle_radius"))
    if metres is not None and not low <= metres <= high:
        problems.append(
            Problem(f"{within}: smaller or larger circles do not make a sensible zone", "circle_radius")
        )
    place = None
    if not centre.strip():
        problems.append(Problem("Enter the postcode of the centre of the circle", "circle_centre"))
    else:
        try:
            place = locate_place(centre, "The centre of the circle", "circle_centre")
        except Refused as refused:
            problems.append(Problem(refused.message, "circle_centre"))
    if problems or place is None or metres is None:
        return problems
    try:
        shape = geometry.circle(place.latitude, place.longitude, metres)
    except geometry.GeometryError as error:
        return [Problem(problem, "circle_centre") for problem in error.problems]
    return _start_from(zone, shape, "circle", user)


def start_from_sectors(zone: ExclusionZone, sectors: str, user: User) -> list[str]:
    """Fill the zone with the union of postcode sectors ("MK40 1, MK40 2"), kept as the draft and
    checked like any zone. Returns the problems (on the sectors field), none when saved."""
    names = [part.strip() for part in sectors.replace(";", ",").replace("\n", ",").split(",") if part.strip()]
    if not names:
        return [Problem("Enter one or more postcode sectors, like MK40 1, MK40 2", "sectors")]
    if len(names) > geometry.MAX_SECTORS:
        return [Problem(f"Enter {geometry.MAX_SECTORS} postcode sectors or fewer", "sectors")]
    if not postcode_queries.loaded():
        return [
            Problem(
                "Postcode sectors cannot be looked up because no postcodes have been loaded into the "
                "service. Draw the zone, or enter it as latitude and longitude lines",
                "sectors",
            )
        ]
    problems: list[str] = []
    points: dict[str, list[tuple[float, float]]] = {}
    for name in names:
        sector = postcode_rules.normalise_sector(name)
        if sector is None:
            problems.append(
                Problem(
                    f"“{name[:20]}” is not a postcode sector. Enter sectors like MK40 1, MK40 2", "sectors"
                )
            )
            continue
        found = postcode_queries.sector_points(sector)
        if not found:
            problems.append(Problem(f"We do not recognise the postcode sector {sector}. Check it", "sectors"))
        points[sector] = found
    if problems:
        return problems
    try:
        shape = geometry.sectors_shape(points)
    except geometry.GeometryError as error:
        return [Problem(problem, "sectors") for problem in error.problems]
    return _start_from(zone, shape, "sectors", user)


def _start_from(zone: ExclusionZone, shape: geometry.Zone, kind: str, user: User) -> list[str]:
    """The starting shape in place of the zone, the title, description and places kept."""
    return save_zone(
        zone,
        ZoneForm(
            title=zone.title,
            zone=json.dumps(geometry.to_geojson(shape)),
            description=zone.description or "",
            points={},
            started_from=kind,
        ),
        user,
    )


def places_viewed(zone: ExclusionZone, case: Case, user: User) -> None:
    """Record that a user, after a reveal, was shown the places the zone is checked against
    (flagged, for the SPO, when the user is not the allocated VLO)."""
    audit.record(
        "zone_places_viewed",
        "exclusion_zone",
        zone.id,
        case_id=case.id,
        region_id=case.region_id,
        flagged=not people.is_allocated_to(case, user),
        user=user,
    )


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
    release = _release_point(zone, points)
    results = geometry.check_zone(
        polygons,
        inside=victim_places,
        outside=[release.point] if release.point is not None else [],
        protected=victim_places,
        rules=zone_rules(),
    )
    results = [_release_check(result, release) if result.code == "outside" else result for result in results]
    home_given = "home" in points
    results.append(
        geometry.ZoneCheck(
            "home_given",
            "The victim’s home is given, so the zone can be checked against it",
            home_given,
            ()
            if home_given
            else (
                "Give the victim’s home postcode, or its latitude and longitude "
                "(it is never shown on the map).",
            ),
        )
    )
    results.append(words_check(zone))
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


@dataclass(frozen=True)
class _ReleasePoint:
    """The release address a zone is checked against: the case's current one (issue 17), or,
    on a case where none has ever been recorded, the zone's own legacy point."""

    point: geometry.NamedPoint | None
    from_case: bool = False
    unknown_postcode: bool = False  # recorded with a postcode the postcode table does not have


# Where the case's proposed release address is changed, said in every problem about it.
CHANGE_IT_ON_THE_DATES_PAGE = (
    "The proposed release address is the case’s: if it has changed, change it on the case’s "
    "sentence dates page."
)


def _release_point(zone: ExclusionZone, points: dict[str, tuple[float, float]]) -> _ReleasePoint:
    label = POINT_KINDS["release_address"]
    latest = queries.latest_release_address(zone.case_id)
    if latest is None:  # never recorded on the case: a zone saved before issue 17 keeps its own
        legacy = points.get("release_address")
        return _ReleasePoint(geometry.NamedPoint(label, legacy[1], legacy[0]) if legacy else None)
    if latest.postcode is None:  # withdrawn: no address is proposed
        return _ReleasePoint(None, from_case=True)
    if latest.coordinates:
        lat, lon = (float(part) for part in latest.coordinates.split(","))
    else:
        # Kept without coordinates (an unknown postcode from nDelius or a CSV): the postcode
        # table may have it now.
        found = postcode_queries.locate(latest.postcode)
        if found is None:
            return _ReleasePoint(None, from_case=True, unknown_postcode=True)
        lat, lon = found
    return _ReleasePoint(geometry.NamedPoint(label, lon, lat), from_case=True)


def _release_check(result: geometry.ZoneCheck, release: _ReleasePoint) -> geometry.ZoneCheck:
    """The domain's release-address check ("outside"), saying where the address is changed; it
    fails when the case's address has a postcode the service does not know."""
    if release.unknown_postcode:
        return geometry.ZoneCheck(
            "outside",
            geometry.TITLES["outside"],
            False,
            (
                "The postcode of the offender’s proposed release address is not one the service "
                "knows, so the zone cannot be checked against it. Check the postcode with the "
                "probation practitioner. " + CHANGE_IT_ON_THE_DATES_PAGE,
            ),
        )
    if release.from_case and not result.passed:
        return geometry.ZoneCheck(
            result.code, result.title, False, (*result.problems, CHANGE_IT_ON_THE_DATES_PAGE)
        )
    return result


def words_check(zone: ExclusionZone) -> geometry.ZoneCheck:
    """The zone's name and description give away nothing of where anyone on the case lives (read
    again at every check: an address recorded after the zone was saved counts too)."""
    case = db.session.get(Case, zone.case_id)
    refused = refusal_message(findings_in(case, zone.title, zone.description))
    return geometry.ZoneCheck(
        "words",
        "The name and description do not give anyone’s address or contact details",
        refused is None,
        () if refused is None else (refused,),
    )


def town_warnings(zone: ExclusionZone) -> list[str]:
    """A town named on its own in the zone's words: the SPO must acknowledge it to countersign."""
    case = db.session.get(Case, zone.case_id)
    return warning_messages(findings_in(case, zone.title, zone.description))


def submit_zone(zone: ExclusionZone, user: User) -> None:
    case = db.session.get(Case, zone.case_id)
    same_team(case, user)
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


def countersign_zone(zone: ExclusionZone, user: User, *, town_acknowledged: bool = False) -> None:
    """The SPO checks and countersigns the map; the map task is done. A town named on its own in
    the zone's words must be acknowledged (recorded in the audit trail, never which town)."""
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
    warned = bool(town_warnings(zone))
    if warned and not town_acknowledged:
        raise Refused(
            "The map’s name or description names the town where a person on the case lives. Confirm "
            "that naming it is needed and does not help locate them, or return the map to its maker.",
            field="town_acknowledged",
        )
    zone.status = ZoneStatus.COUNTERSIGNED
    zone.countersigned_at, zone.countersigned_by_id = clock.utcnow(), user.id
    work.meet(
        case.id, deadline_rules.ZONE_MAP, clock.today(), user, Evidence(EvidenceKind.MAP_SIGNED, zone.id)
    )
    db.session.flush()
    audit.record(
        "zone_countersigned",
        "exclusion_zone",
        zone.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"town_acknowledged": True} if warned else None,
        user=user,
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


def reopen_zone(zone: ExclusionZone, user: User) -> None:
    """A countersigned map that no longer passes its checks (the proposed release address changed,
    or a victim's place moved) goes back to draft to be redrawn, checked and countersigned again.
    A map that still passes stays as countersigned: it is what was issued."""
    case = db.session.get(Case, zone.case_id)
    same_team(case, user)
    if user.role not in (Role.VLO, Role.SPO) or zone.status != ZoneStatus.COUNTERSIGNED:
        raise Refused("Only a countersigned map can be reopened, by a VLO or SPO of the team")
    if all(result.passed for result in check_zone(zone)):
        raise Refused("The map still passes its checks: it stays as countersigned")
    zone.status = ZoneStatus.DRAFT
    zone.checks = None
    zone.submitted_at = zone.submitted_by_id = None
    zone.countersigned_at = zone.countersigned_by_id = None
    db.session.flush()
    audit.record(
        "zone_reopened", "exclusion_zone", zone.id, case_id=case.id, region_id=case.region_id, user=user
    )


# -- documents -------------------------------------------------------------------------------------


BASE_MAP_NOT_LOADED = (
    "The base map could not be loaded from the map provider. Try again in a few minutes; if it "
    "keeps happening, tell the service’s administrator."
)
BASE_MAP_MISCONFIGURED = (
    "The map provider’s settings are not usable, so no map can be printed. Tell the service’s "
    "administrator (MAP_TILE_URL)."
)


def _tiles() -> TileSource | None:
    """The configured map provider for a printed base map (none: maps print without one)."""
    try:
        return TileSource.from_config(current_app.config)
    except BaseMapUnavailable:
        raise Refused(BASE_MAP_MISCONFIGURED) from None


def _projected(geojson: str | dict | None, tiles: TileSource | None) -> geometry.ProjectedZone:
    """The zone as the map draws it: in Web Mercator over a base map, on the grid without one."""
    polygons = geometry.parse_zone(geojson) if geojson else []
    if tiles is not None:
        return geometry.project_zone_web_mercator(polygons)
    return geometry.project_zone(polygons)


def map_document(zone: ExclusionZone, *, draft: bool = False) -> MapDocument:
    """The map PDF's content. The zone is projected and checked by the domain, which refuses (with
    GeometryError, a ValueError) a zone that is not a valid shape: the map shows what was checked.
    With a map provider configured, the map is drawn over its base map."""
    request = queries.request_for_zone(zone)
    # The offender receives the map: it names the unit, not the officer who drew it.
    case = db.session.get(Case, zone.case_id)
    unit = db.session.get(Team, case.team_id)
    wording = (request.wording if request and request.wording else None) or (
        "Not to enter the area defined by the attached map without the prior approval of your "
        "supervising officer."
    )
    tiles = _tiles()
    return MapDocument(
        title=zone.title,
        condition_text=wording,
        reference=f"Case {zone.case_id} – zone {zone.id}",
        zone=_projected(zone.geojson, tiles),
        description=zone.description or "",
        prepared_by=unit.name,
        date_text=govuk_date(clock.today()),
        draft_mark=DRAFT_MARK if draft else None,
        tiles=tiles,
    )


def _refuse_disclosure(case: Case, what: str, *texts: str | None) -> None:
    """Refuse to make a document whose words give away where someone on the case lives."""
    refused = refusal_message(findings_in(case, *texts))
    if refused:
        raise DocumentRefused(
            f"The {what} was not made: it would give away where someone on the case lives or how to "
            "reach them",
            [refused],
        )


def zone_not_for_issue(zone: ExclusionZone) -> list[str]:
    """Why the map cannot be issued yet (none: it can): only a zone that passes every check,
    read again now, and was countersigned."""
    reasons = []
    if zone.status != ZoneStatus.COUNTERSIGNED:
        reasons.append("A senior probation officer has not countersigned the map.")
    failed = [result.title for result in check_zone(zone) if not result.passed]
    if failed:
        reasons.append("The map has not passed its checks: " + "; ".join(failed) + ".")
    return reasons


def zone_pdf(zone: ExclusionZone, *, issue: bool = True) -> bytes:
    """The map PDF: for issue (only a countersigned zone that passes every check, and over its base
    map when a provider is configured), or a preview marked "DRAFT – NOT FOR ISSUE" on every page
    (which says so on the map when the base map cannot be loaded)."""
    case = db.session.get(Case, zone.case_id)
    if issue:
        reasons = zone_not_for_issue(zone)
        if reasons:
            raise DocumentRefused("The map is not ready to issue", reasons)
    if not (zone.description or "").strip():
        # Page 2 of the map is the boundary in words: the licence needs both.
        raise Refused("Describe the boundary in words before printing the map")
    try:
        document = map_document(zone, draft=not issue)
    except geometry.GeometryError as error:
        raise Refused(
            "The map cannot be printed until the zone is a valid shape: " + " ".join(error.problems)
        ) from None
    _refuse_disclosure(case, "map", document.title, document.condition_text, document.description)
    try:
        return render_map_pdf(document)
    except MapDoesNotFit:
        raise Refused(
            "The map’s title and the condition’s wording are too long to leave room for the map on "
            "page 1. Shorten the wording or the title, then print the map again."
        ) from None
    except BaseMapUnavailable:
        # Only the map for issue gets here (a preview prints saying so): the licence's map is
        # for reading where the boundary runs, so it never goes out without its base map.
        raise DocumentRefused("The map was not made", [BASE_MAP_NOT_LOADED]) from None


def zone_pdf_for(zone: ExclusionZone, case: Case, user: User, *, issue: bool = True) -> bytes:
    """The map PDF for a person to open, recorded (a preview as a preview)."""
    content = zone_pdf(zone, issue=issue)
    audit.record(
        "zone_pdf_made" if issue else "zone_pdf_previewed",
        "exclusion_zone",
        zone.id,
        case_id=case.id,
        region_id=case.region_id,
        user=user,
    )
    return content


def _representation_rows(case: Case, *, issue: bool) -> list[dict]:
    """Each condition in the document with its own number, and its map. For issue: the requests
    an SPO has checked, each map countersigned and passing every check; for a preview: every
    request with its wording drafted."""
    first = Stage.CHECKED if issue else Stage.DRAFTED
    tiles = _tiles()
    rows = []
    for request in queries.requests_of_case(case.id):
        if rules.ORDER[request.stage_enum] < rules.ORDER[first] or not request.wording:
            continue
        zone = queries.zone(request.zone_id)
        if issue and zone is not None:
            reasons = zone_not_for_issue(zone)
            if reasons:
                raise DocumentRefused(
                    "The representations are not ready to issue",
                    [f"The map for condition {len(rows) + 1} ({zone.title}): {reason}" for reason in reasons],
                )
        try:
            svg = (
                render_map_svg(_projected(zone.geojson, tiles), tiles=tiles, base_map_required=issue)
                if zone and zone.geojson
                else None
            )
        except BaseMapUnavailable:
            # As for the map itself: for issue, never without its base map; a preview says so.
            raise DocumentRefused("The representations were not made", [BASE_MAP_NOT_LOADED]) from None
        rows.append({"number": len(rows) + 1, "request": request, "zone": zone, "svg": svg})
    if issue and not rows:
        raise DocumentRefused(
            "The representations are not ready to issue",
            ["No request’s wording has been checked by a senior probation officer yet."],
        )
    return rows


def representation_html(case: Case, *, issue: bool = True) -> str:
    """The representations for the probation practitioner: the offender (name, CRN, prison
    number), each condition's wording under its own number, and each map numbered by its
    condition. Never the victim's address or contact details."""
    rows = _representation_rows(case, issue=issue)
    texts = []
    for row in rows:
        texts.append(row["request"].wording)
        if row["zone"] is not None:
            texts += [row["zone"].title, row["zone"].description]
    _refuse_disclosure(case, "representation document", *texts)
    return render_template(
        "prerelease/representations_pdf.html",
        case=case,
        offender=db.session.get(Offender, case.offender_id),
        rows=rows,
        today=clock.today(),
        draft_mark=None if issue else DRAFT_MARK,
    )


def representation_pdf(case: Case, *, issue: bool = True) -> bytes:
    return printing.html_to_pdf(representation_html(case, issue=issue))


def representation_pdf_for(case: Case, user: User, *, issue: bool = True) -> bytes:
    """The representation document for a person to open, recorded (a preview as a preview)."""
    content = representation_pdf(case, issue=issue)
    audit.record(
        "representations_made" if issue else "representations_previewed",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        user=user,
    )
    return content
