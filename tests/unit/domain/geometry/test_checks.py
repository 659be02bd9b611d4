"""The checks an exclusion zone must pass (victims.domain.geometry.checks), on real places round
Bedford (see tests/unit/domain/geometry/zones.py).
"""

from __future__ import annotations

import math
import re

import pytest

from tests.unit.domain.geometry.zones import (
    BEDFORD_RING,
    HOME,
    RELEASE,
    ST_PAULS_SQUARE,
    WORK,
    across_edge,
    area_km2,
    bedford,
    bng_distance_to_edge,
    by_code,
    failed,
    offset,
    rectangle,
    square,
)
from victims.domain.geometry import (
    NOT_CHECKED,
    GeometryError,
    NamedPoint,
    ZoneCheck,
    ZoneRules,
    check_zone,
    lonlat_to_bng,
    project_zone,
)

# --- The checks: a good zone --------------------------------------------------------------------


def test_a_good_zone_round_bedford_passes_every_check() -> None:
    checks = check_zone(bedford(), inside=[HOME, WORK], outside=[RELEASE], protected=[HOME, WORK])
    assert by_code(checks)["valid"] == ZoneCheck("valid", "The zone is a valid shape", True, ())
    assert [(c.title, c.passed, c.problems) for c in checks] == [
        ("The zone is a valid shape", True, ()),
        ("The zone is in England and Wales", True, ()),
        ("The zone is a sensible size", True, ()),
        ("The victim’s addresses are inside the zone", True, ()),
        ("The offender’s release address is outside the zone", True, ()),
        ("The map does not reveal the victim’s addresses", True, ()),
    ]


def test_nothing_recorded_still_passes_and_says_so() -> None:
    checks = by_code(check_zone(bedford(), inside=[], outside=[], protected=[]))
    assert checks["inside"] == ZoneCheck(
        "inside", "No addresses are recorded that must be inside the zone", True, ()
    )
    assert checks["outside"] == ZoneCheck(
        "outside", "No address is recorded that must be outside the zone", True, ()
    )
    assert checks["not_revealing"] == ZoneCheck(
        "not_revealing", "No addresses are recorded that the map must not reveal", True, ()
    )


# --- valid --------------------------------------------------------------------------------------


def test_a_bow_tie_is_refused_with_the_reason_and_nothing_is_measured() -> None:
    # Corners of a square round St Paul's Square joined in the wrong order: the edges cross.
    bow_tie = [[[(-0.4750, 52.1400), (-0.4580, 52.1320), (-0.4580, 52.1400), (-0.4750, 52.1320)]]]
    checks = by_code(check_zone(bow_tie, inside=[HOME], outside=[], protected=[HOME]))
    assert not checks["valid"].passed
    (problem,) = checks["valid"].problems
    assert problem.startswith("The zone has edges that cross near latitude 52.13600, longitude -0.46650.")
    assert problem.endswith("Redraw it so that no edges cross.")
    assert checks["in_england_and_wales"].passed
    for code in ("size", "inside", "not_revealing"):
        assert checks[code].problems == (NOT_CHECKED,)
        assert not checks[code].passed
    assert checks["outside"].passed  # nothing recorded to check


def test_overlapping_polygons_are_refused_naming_them() -> None:
    left = square(ST_PAULS_SQUARE, 2000)[0]
    right = square(offset(ST_PAULS_SQUARE, 1500, 0), 2000)[0]
    far = square(offset(ST_PAULS_SQUARE, 0, 5000), 1000)[0]
    inner = square(offset(ST_PAULS_SQUARE, 0, 5000), 200)[0]
    checks = by_code(check_zone([left, far, right, inner], inside=[], outside=[], protected=[]))
    assert checks["valid"].problems == (
        "Polygon 1 and polygon 3 overlap. Join them into one polygon, or redraw them so that they do not "
        "overlap.",
        "Polygon 4 is inside polygon 2. Delete polygon 4, or join the two into one polygon.",
    )
    assert checks["size"].problems == (NOT_CHECKED,)


def test_polygons_that_only_share_an_edge_are_allowed() -> None:
    left = rectangle(ST_PAULS_SQUARE, -1000, -500, 0, 500)
    right = rectangle(ST_PAULS_SQUARE, 0, -500, 1000, 500)
    checks = by_code(check_zone([left, right], inside=[], outside=[], protected=[]))
    assert checks["valid"].passed
    assert area_km2([left, right]) == pytest.approx(2.0, rel=1e-6)


def test_holes_are_allowed_and_a_point_in_a_hole_is_outside() -> None:
    outer = square(ST_PAULS_SQUARE, 3000)[0][0]
    hole = square(ST_PAULS_SQUARE, 1000)[0][0]
    zone = [[outer, hole]]
    checks = by_code(check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["valid"].passed
    assert area_km2(zone) == pytest.approx(8.0, abs=1e-6)
    centre = NamedPoint("The offender’s proposed release address", *ST_PAULS_SQUARE)
    checks = by_code(check_zone(zone, inside=[], outside=[centre], protected=[]))
    assert checks["outside"].passed


def test_a_hole_outside_its_polygon_is_refused() -> None:
    outer = square(ST_PAULS_SQUARE, 1000)[0][0]
    hole = square(offset(ST_PAULS_SQUARE, 3000, 0), 200)[0][0]
    checks = by_code(check_zone([[outer, hole]], inside=[], outside=[], protected=[]))
    (problem,) = checks["valid"].problems
    assert problem.startswith("The zone has a hole outside it near latitude ")
    assert problem.endswith("Remove the hole, or move it inside.")


def test_points_in_a_line_have_no_area() -> None:
    on_the_grid = [[[offset(ST_PAULS_SQUARE, east, 0) for east in (0, 500, 1000)]]]
    # Along a parallel: straight in lon, lat, very slightly curved on the National Grid.
    along_a_parallel = [[[(-0.49, 52.13), (-0.48, 52.13), (-0.47, 52.13)]]]
    for line in (on_the_grid, along_a_parallel):
        checks = by_code(check_zone(line, inside=[], outside=[], protected=[]))
        assert checks["valid"].problems == (
            "The zone has no area: its points are in a line. Draw it as an area.",
        )
        assert checks["size"].problems == (NOT_CHECKED,)


def test_check_zone_reports_unusable_points_without_failing() -> None:
    broken = [[[(-0.49, 52.13), (-0.48, float("nan")), (-0.47, 52.14)]]]
    checks = by_code(check_zone(broken, inside=[], outside=[], protected=[]))
    assert checks["valid"].problems == ("Point 2: latitude must be between -90 and 90.",)
    assert checks["in_england_and_wales"].passed  # the usable points are in England


# --- The zone for a map: refused as the valid check refuses it ----------------------------------

BOW_TIE = [[[(-0.4750, 52.1400), (-0.4580, 52.1320), (-0.4580, 52.1400), (-0.4750, 52.1320)]]]
UNDRAWABLE = {
    "bow-tie": BOW_TIE,
    "overlapping": [square(ST_PAULS_SQUARE, 2000)[0], square(offset(ST_PAULS_SQUARE, 1500, 0), 2000)[0]],
    "one-inside-another": [square(ST_PAULS_SQUARE, 2000)[0], square(ST_PAULS_SQUARE, 500)[0]],
    "in-a-line": [[[offset(ST_PAULS_SQUARE, east, 0) for east in (0, 500, 1000)]]],
    "hole-outside": [
        [square(ST_PAULS_SQUARE, 1000)[0][0], square(offset(ST_PAULS_SQUARE, 3000, 0), 200)[0][0]]
    ],
    "two-points": [[[(-0.4745, 52.1398), (-0.4668, 52.1411)]]],
    "no-polygons": [],
}


@pytest.mark.parametrize("zone", UNDRAWABLE.values(), ids=UNDRAWABLE.keys())
def test_a_zone_that_fails_the_valid_check_cannot_be_mapped_for_the_same_reasons(zone) -> None:
    valid = by_code(check_zone(zone, inside=[], outside=[], protected=[]))["valid"]
    assert not valid.passed
    with pytest.raises(GeometryError) as caught:
        project_zone(zone)
    assert caught.value.problems == list(valid.problems)
    assert isinstance(caught.value, ValueError)  # what the map's callers have always been given


def test_a_zone_off_the_national_grid_cannot_be_mapped() -> None:
    paris = square((2.3522, 48.8566), 1000)[0]
    with pytest.raises(GeometryError) as caught:
        project_zone([bedford()[0], paris])
    assert caught.value.problems == [
        "Polygon 2 goes outside the area of Great Britain’s National Grid, so it cannot be mapped. "
        "Redraw the zone in England and Wales."
    ]


def test_a_valid_zone_is_mapped_even_when_other_checks_fail() -> None:
    # Too small, and round the victim's home: check_zone's business, not the map's.
    zone = square((HOME.lon, HOME.lat), 100)
    assert failed(check_zone(zone, inside=[HOME], outside=[], protected=[HOME])) == {"size", "not_revealing"}
    assert len(project_zone(zone).polygons) == 1


# --- in_england_and_wales -----------------------------------------------------------------------


def test_a_zone_straddling_the_scottish_border_is_refused() -> None:
    # Round Longtown (Cumbria) and Gretna (Dumfries and Galloway): the north-west corner is in
    # Scotland.
    zone = [[[(-3.10, 54.96), (-2.95, 54.96), (-2.95, 55.04), (-3.10, 55.04)]]]
    checks = by_code(check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["in_england_and_wales"].problems == (
        "Point 4 of the zone is outside England and Wales. Licence conditions apply only in England and "
        "Wales: move it, or redraw the zone.",
    )
    assert checks["valid"].passed


def test_an_edge_through_scotland_is_refused_even_with_every_point_in_england() -> None:
    # Kielder, Berwick-upon-Tweed and Wooler are in England; the edge from Kielder to Berwick
    # crosses the Cheviots into the Scottish Borders.
    zone = [[[(-2.5850, 55.2340), (-2.0054, 55.7704), (-2.0130, 55.5466)]]]
    checks = by_code(check_zone(zone, inside=[], outside=[], protected=[]))
    assert checks["in_england_and_wales"].problems == (
        "An edge of the zone goes outside England and Wales. Add points along it, or redraw it, so that the "
        "whole zone is in England and Wales.",
    )


def test_points_outside_are_listed_by_polygon() -> None:
    calais = square((1.8587, 50.9513), 1500)[0]
    douglas = square((-4.4861, 54.1523), 1500)[0]
    checks = by_code(check_zone([bedford()[0], calais, douglas], inside=[], outside=[], protected=[]))
    assert checks["in_england_and_wales"].problems == (
        "Points 1, 2, 3 and 4 of polygon 2 are outside England and Wales. Licence conditions apply only "
        "in England and Wales: move them, or redraw the zone.",
        "Points 1, 2, 3 and 4 of polygon 3 are outside England and Wales. Licence conditions apply only "
        "in England and Wales: move them, or redraw the zone.",
    )


def test_zones_on_islands_and_coasts_are_in_england_and_wales() -> None:
    for centre in [(-6.3160, 49.9140), (-1.2883, 50.7010), (-4.6330, 53.3094), (1.3862, 51.3813)]:
        checks = by_code(check_zone(square(centre, 1000), inside=[], outside=[], protected=[]))
        assert checks["in_england_and_wales"].passed, centre


# --- size ---------------------------------------------------------------------------------------


def test_a_300_km2_zone_is_too_big() -> None:
    zone = square(ST_PAULS_SQUARE, math.sqrt(300e6))
    checks = by_code(check_zone(zone, inside=[HOME], outside=[], protected=[HOME]))
    assert checks["size"].problems == (
        "The zone is 300.00 km². It must be no bigger than 250.00 km². Draw a smaller zone.",
    )
    assert failed(list(checks.values())) == {"size"}


def test_the_size_limits_follow_the_rules() -> None:
    exactly_min = square(ST_PAULS_SQUARE, math.sqrt(0.5e6) + 0.01)
    assert by_code(check_zone(exactly_min, inside=[], outside=[], protected=[]))["size"].passed
    just_under = square(ST_PAULS_SQUARE, math.sqrt(0.5e6) - 1)
    assert by_code(check_zone(just_under, inside=[], outside=[], protected=[]))["size"].problems == (
        "The zone is 49.9 hectares. It must be at least 50 hectares. Draw a bigger zone.",
    )
    rules = ZoneRules(min_area_km2=2.0, max_area_km2=3.0)
    big = square(ST_PAULS_SQUARE, 2000)
    assert by_code(check_zone(big, inside=[], outside=[], protected=[], rules=rules))["size"].problems == (
        "The zone is 4.00 km². It must be no bigger than 3.00 km². Draw a smaller zone.",
    )


# --- inside -------------------------------------------------------------------------------------


def test_just_inside_and_just_outside_the_boundary() -> None:
    zone = bedford()
    inside_lon, inside_lat = across_edge(zone, 3)
    outside_lon, outside_lat = across_edge(zone, -3)
    assert bng_distance_to_edge(zone, inside_lon, inside_lat) == pytest.approx(3, abs=0.01)
    assert bng_distance_to_edge(zone, outside_lon, outside_lat) == pytest.approx(3, abs=0.01)
    school_in = NamedPoint("The victim’s school", inside_lon, inside_lat)
    school_out = NamedPoint("The victim’s school", outside_lon, outside_lat)
    assert by_code(check_zone(zone, inside=[school_in], outside=[], protected=[]))["inside"].passed
    assert by_code(check_zone(zone, inside=[HOME, school_out], outside=[], protected=[]))[
        "inside"
    ].problems == ("The victim’s school is outside the zone. Redraw the zone to include it.",)


def test_a_point_on_the_boundary_is_not_inside() -> None:
    zone = bedford()
    corner = NamedPoint("The victim’s work", *BEDFORD_RING[2])
    assert by_code(check_zone(zone, inside=[corner], outside=[], protected=[]))["inside"].problems == (
        "The victim’s work is on the edge of the zone. Redraw the zone so that the address is inside it, "
        "not on its edge.",
    )


# --- outside ------------------------------------------------------------------------------------


def test_the_release_address_inside_the_zone_is_refused() -> None:
    in_town = NamedPoint("The offender’s proposed release address", -0.4700, 52.1300)
    checks = by_code(check_zone(bedford(), inside=[HOME], outside=[in_town], protected=[HOME]))
    assert checks["outside"].problems == (
        "The offender’s proposed release address is inside the zone. Redraw the zone to leave it out, by "
        "at least 250 metres.",
    )
    assert failed(list(checks.values())) == {"outside"}


def test_the_release_address_must_be_at_least_the_minimum_distance_away() -> None:
    zone = bedford()
    near = NamedPoint("The offender’s proposed release address", *across_edge(zone, -249))
    far_enough = NamedPoint("The offender’s proposed release address", *across_edge(zone, -251))
    assert by_code(check_zone(zone, inside=[], outside=[far_enough], protected=[]))["outside"].passed
    assert by_code(check_zone(zone, inside=[], outside=[near], protected=[]))["outside"].problems == (
        "The offender’s proposed release address is 249 metres from the zone. It must be at least 250 "
        "metres away: redraw the zone further from it.",
    )
    on_edge = NamedPoint("The offender’s proposed release address", *BEDFORD_RING[0])
    assert by_code(check_zone(zone, inside=[], outside=[on_edge], protected=[]))["outside"].problems == (
        "The offender’s proposed release address is on the edge of the zone. Redraw the zone to leave it "
        "out, by at least 250 metres.",
    )


# --- not_revealing ------------------------------------------------------------------------------

NEAR_EDGE = (
    "The victim’s home is less than 250 metres from the edge of the zone, so the map could show where it "
    "is. Draw the zone wider, or move its edge at least 250 metres from the address."
)
CENTRED = (
    "The zone is centred on the victim’s home, so someone could work out where it is from the map. Draw "
    "the zone wider, or not centred on the address."
)


def test_a_tiny_square_round_the_home_is_refused_for_size_and_for_revealing_it() -> None:
    zone = square((HOME.lon, HOME.lat), 100)
    checks = by_code(check_zone(zone, inside=[HOME], outside=[RELEASE], protected=[HOME]))
    assert checks["size"].problems == (
        "The zone is 1 hectare. It must be at least 50 hectares. Draw a bigger zone.",
    )
    assert checks["not_revealing"].problems == (NEAR_EDGE, CENTRED)
    assert failed(list(checks.values())) == {"size", "not_revealing"}


def test_messages_never_give_a_protected_address_position() -> None:
    zone = square((HOME.lon, HOME.lat), 100)
    checks = check_zone(zone, inside=[HOME], outside=[], protected=[HOME])
    text = " ".join(problem for check in checks for problem in check.problems)
    assert text  # there are messages, and none of their numbers is the home's position
    easting, northing = lonlat_to_bng(HOME.lon, HOME.lat)
    for number in (float(n) for n in re.findall(r"\d+(?:\.\d+)?", text.replace(",", ""))):
        assert abs(number - abs(HOME.lon)) > 0.01
        assert abs(number - HOME.lat) > 0.01
        assert abs(number - easting) > 1000
        assert abs(number - northing) > 1000


def test_a_zone_edge_near_the_home_reveals_it() -> None:
    zone = bedford()
    near = NamedPoint("The victim’s home", *across_edge(zone, 249))
    far_enough = NamedPoint("The victim’s home", *across_edge(zone, 251))
    assert by_code(check_zone(zone, inside=[near], outside=[], protected=[near]))[
        "not_revealing"
    ].problems == (NEAR_EDGE,)
    assert by_code(check_zone(zone, inside=[far_enough], outside=[], protected=[far_enough]))[
        "not_revealing"
    ].passed


def test_centring_is_judged_against_the_equivalent_radius() -> None:
    zone = square((HOME.lon, HOME.lat), 1000)  # 1 km²: equivalent radius 564 m, 15% of it is 85 m
    centred = NamedPoint("The victim’s home", *offset(HOME, 60, 0))
    off_centre = NamedPoint("The victim’s home", *offset(HOME, 90, 0))
    checks = by_code(check_zone(zone, inside=[centred], outside=[], protected=[centred]))
    assert checks["not_revealing"].problems == (CENTRED,)
    assert checks["size"].passed
    assert by_code(check_zone(zone, inside=[off_centre], outside=[], protected=[off_centre]))[
        "not_revealing"
    ].passed


def test_centring_does_not_matter_for_a_zone_of_5_km2_or_more() -> None:
    zone = square((HOME.lon, HOME.lat), 2240)  # just over 5 km²
    assert by_code(check_zone(zone, inside=[HOME], outside=[], protected=[HOME]))["not_revealing"].passed
    smaller = square((HOME.lon, HOME.lat), 2230)  # just under
    assert by_code(check_zone(smaller, inside=[HOME], outside=[], protected=[HOME]))[
        "not_revealing"
    ].problems == (CENTRED,)


def test_a_small_polygon_centred_on_the_home_reveals_it_even_beside_a_big_one() -> None:
    small = square((HOME.lon, HOME.lat), 800)[0]
    big = square(offset(HOME, 0, 8000), 3000)[0]
    checks = by_code(check_zone([small, big], inside=[HOME], outside=[], protected=[HOME]))
    assert checks["valid"].passed
    assert checks["not_revealing"].problems == (CENTRED,)


def test_the_checks_do_not_depend_on_where_a_ring_starts_or_its_direction() -> None:
    zone = bedford()
    ring = zone[0][0][:-1]
    for start in range(len(ring)):
        for turned in (ring[start:] + ring[:start], (ring[start:] + ring[:start])[::-1]):
            checks = check_zone([[turned]], inside=[HOME, WORK], outside=[RELEASE], protected=[HOME, WORK])
            assert failed(checks) == set()
