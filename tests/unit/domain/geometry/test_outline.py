"""The coarse outline of England and Wales (victims.domain.geometry.outline), against real places."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from tests.unit.domain.geometry.zones import in_england_and_wales, square
from victims.domain.geometry import ENGLAND_AND_WALES

# --- The outline of England and Wales -----------------------------------------------------------


def test_the_outline_is_coarse_and_valid() -> None:
    vertices = sum(len(ring) for ring in ENGLAND_AND_WALES)
    assert 30 <= vertices <= 60
    for ring in ENGLAND_AND_WALES:
        assert Polygon(ring).is_valid


PLACES = [
    # (place, lat, lon, in England and Wales?)
    ("Carlisle", 54.8925, -2.9329, True),
    ("Berwick-upon-Tweed", 55.7704, -2.0054, True),
    ("Gretna", 54.9940, -3.0620, False),
    ("Edinburgh", 55.9533, -3.1883, False),
    ("Douglas, Isle of Man", 54.1523, -4.4861, False),
    ("Cardiff", 51.4816, -3.1791, True),
    ("Holyhead", 53.3094, -4.6330, True),
    ("Penzance", 50.1188, -5.5376, True),
    ("Hugh Town, Isles of Scilly", 49.9140, -6.3160, True),
    ("Newport, Isle of Wight", 50.7010, -1.2883, True),
    ("Margate", 51.3813, 1.3862, True),
    ("Lowestoft", 52.4811, 1.7534, True),
    ("Belfast", 54.5973, -5.9301, False),
    ("Calais", 50.9513, 1.8587, False),
    # A sample of the other places the outline was checked against.
    ("St Paul's Square, Bedford", 52.1359, -0.4667, True),
    ("Longtown", 55.0078, -2.9690, True),
    ("Kielder", 55.2340, -2.5850, True),
    ("Wooler", 55.5466, -2.0130, True),
    ("Holy Island (Lindisfarne)", 55.6690, -1.8000, True),
    ("Flamborough Head", 54.1160, -0.0780, True),
    ("Lowestoft Ness", 52.4817, 1.7627, True),
    ("Orford Ness", 52.0900, 1.5750, True),
    ("North Foreland", 51.3750, 1.4470, True),
    ("Dover", 51.1279, 1.3134, True),
    ("Dungeness", 50.9130, 0.9760, True),
    ("St Catherine's Point, Isle of Wight", 50.5760, -1.2980, True),
    ("Portland Bill", 50.5140, -2.4570, True),
    ("Start Point", 50.2220, -3.6420, True),
    ("Lizard Point", 49.9580, -5.2020, True),
    ("Land's End", 50.0660, -5.7150, True),
    ("Lundy", 51.1800, -4.6700, True),
    ("St Govan's Head", 51.5970, -4.9300, True),
    ("St Ann's Head", 51.6820, -5.1710, True),
    ("Strumble Head", 52.0300, -5.0700, True),
    ("Bardsey Island", 52.7600, -4.7900, True),
    ("South Stack, Anglesey", 53.3070, -4.6980, True),
    ("Point Lynas, Anglesey", 53.4170, -4.2880, True),
    ("Blackpool", 53.8175, -3.0357, True),
    ("Walney Island", 54.0900, -3.2600, True),
    ("St Bees Head", 54.5140, -3.6370, True),
    ("Silloth", 54.8690, -3.3880, True),
    ("Annan", 54.9880, -3.2620, False),
    ("Canonbie", 55.0780, -2.9500, False),
    ("Newcastleton", 55.1810, -2.8120, False),
    ("Kirk Yetholm", 55.5460, -2.2760, False),
    ("Coldstream", 55.6490, -2.2520, False),
    ("Eyemouth", 55.8710, -2.0900, False),
    ("Ramsey, Isle of Man", 54.3220, -4.3830, False),
    ("Point of Ayre, Isle of Man", 54.4160, -4.3680, False),
    ("Dublin", 53.3498, -6.2603, False),
    ("Alderney", 49.7140, -2.2030, False),
    ("Boulogne-sur-Mer", 50.7264, 1.6147, False),
]


@pytest.mark.parametrize(("place", "lat", "lon", "expected"), PLACES, ids=[p[0] for p in PLACES])
def test_places_in_and_out_of_england_and_wales(place: str, lat: float, lon: float, expected: bool) -> None:
    # A 20-metre square round the place passes or fails the zone check.
    assert in_england_and_wales(square((lon, lat), 20)) is expected
