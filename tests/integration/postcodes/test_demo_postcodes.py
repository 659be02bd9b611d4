"""The demo's generated postcode file (victims/demo/postcodes.csv): what the generator writes,
shaped like postcodes of the Bedford area, holding the places the demo's examples use, and loaded
by `flask seed demo` on both databases."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from shapely.geometry import Point, shape
from sqlalchemy import func, select

from victims.demo import data, examples
from victims.demo import postcodes as demo
from victims.demo.data import load_demo
from victims.domain.postcodes import normalise, sector_of
from victims.extensions import db
from victims.postcodes import queries
from victims.postcodes.models import Postcode


def test_the_committed_file_is_what_the_generator_writes():
    assert demo.FILE.read_text(encoding="utf-8") == demo.as_csv()


def test_every_demo_postcode_is_a_postcode_of_the_bedford_area_and_the_placed_ones_are_there():
    made = demo.rows()
    assert 1000 <= len(made) <= 5000
    codes = [code for code, _lat, _lon in made]
    assert len(set(codes)) == len(codes)
    assert all(normalise(code) == code for code in codes)
    assert {code.split()[0] for code in codes} == {"MK40", "MK41", "MK42", "MK43", "MK44", "MK45"}
    sectors = {sector_of(code) for code in codes}
    assert len(sectors) >= 20
    # Within some 20 km of the demo's centre (Bedford, 52.1359, -0.4667).
    assert all(51.95 < lat < 52.30 and -0.70 < lon < -0.25 for _code, lat, lon in made)
    for code, point in demo.PLACED.items():
        assert (code, *point) in made


def test_the_demo_examples_use_the_placed_postcodes():
    """The zone example's home postcode lies inside the demo zone; the release address postcode
    outside it."""
    zone = shape(examples.DEMO_ZONE)
    lat, lon = demo.PLACED[demo.VICTIM_HOME]
    assert zone.contains(Point(lon, lat))
    lat, lon = demo.PLACED[demo.RELEASE_ADDRESS]
    assert not zone.contains(Point(lon, lat))


def test_the_demo_postcodes_load_into_an_empty_table_and_are_left_alone_after(database):
    lines: list[str] = []
    demo.load_demo_postcodes(lines.append)
    assert db.session.scalar(select(func.count()).select_from(Postcode)) == len(demo.rows())
    assert lines == [
        f"Postcodes: {len(demo.rows()):,} loaded from the demo's generated file (Bedford, MK40 to MK45)."
    ]
    assert queries.locate("mk40 2al") == demo.PLACED[demo.VICTIM_HOME]
    assert queries.locate(demo.TOWN_CENTRE) == demo.PLACED[demo.TOWN_CENTRE]
    assert len(queries.sector_points("MK40 1")) == demo.SECTORS["MK40 1"][3] + 1  # with the town centre
    lines.clear()
    demo.load_demo_postcodes(lines.append)
    assert lines == [f"Postcodes already loaded: {len(demo.rows()):,}."]


@pytest.mark.usefixtures("migrated_app")
def test_flask_seed_demo_loads_the_demo_postcodes(monkeypatch):
    upgrade()
    # Only the postcodes matter here: a tiny caseload, without the hand-made examples.
    for name in ("add_examples", "add_event_examples", "add_lifecycle_examples", "add_workforce"):
        monkeypatch.setattr(data, name, lambda echo: None)
    monkeypatch.setattr(data, "add_snapshots", lambda echo: None)
    monkeypatch.setattr(data, "add_feedback", lambda: 0)
    lines: list[str] = []
    load_demo(cases_per_vlo=2, echo=lines.append)
    assert (
        f"Postcodes: {len(demo.rows()):,} loaded from the demo's generated file (Bedford, MK40 to MK45)."
        in lines
    )
    assert queries.locate(demo.RELEASE_ADDRESS) == demo.PLACED[demo.RELEASE_ADDRESS]
