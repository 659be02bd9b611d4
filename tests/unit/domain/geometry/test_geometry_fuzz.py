"""Generated zones, well-formed and not: reading one either gives polygons or raises
GeometryError listing what is wrong (never another exception), and the checks and the map's
projection of what was read raise nothing but GeometryError either."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from tests.unit.domain.geometry.generated import geojson, zone_text
from tests.unit.domain.geometry.zones import HOME, RELEASE
from victims.domain.geometry import GeometryError, check_zone, parse_zone, project_zone

GEOMETRY_FUZZ = settings(
    max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


def _read_check_and_project(given_zone) -> None:
    try:
        polygons = parse_zone(given_zone)
    except GeometryError as error:
        assert error.problems and all(isinstance(problem, str) and problem for problem in error.problems)
        return
    results = check_zone(polygons, inside=[HOME], outside=[RELEASE], protected=[HOME])
    assert results and all(result.passed or result.problems for result in results)
    try:
        project_zone(polygons)
    except GeometryError as error:
        assert error.problems


@GEOMETRY_FUZZ
@given(text=zone_text())
def test_any_zone_text_is_read_or_refused_with_reasons(text):
    _read_check_and_project(text)


@GEOMETRY_FUZZ
@given(value=geojson())
def test_any_stored_geojson_is_read_or_refused_with_reasons(value):
    _read_check_and_project(value)
