"""A coarse outline of England and Wales, for the check that a zone is in England and Wales.

The outline is in WGS 84 (longitude, latitude): 56 points for Great Britain south of the Scottish
border, with Anglesey, the Isle of Wight and Lundy, and a box of 4 points for the Isles of Scilly
(60 in all).

How it was made: drawn by hand from the published latitude and longitude of headlands, islands and
towns round the coast and of landmarks on the border with Scotland (the mouth of the River Sark,
the Scots' Dike, Kershope Foot, Carter Bar, the Cheviot ridge, the Tweed from Carham to Norham,
Marshall Meadows Bay north of Berwick-upon-Tweed). Each coastal point was put out to sea, then the
outline was checked against 186 places: 157 towns, headlands and islands in England and Wales on
the coast or near the border (all inside, all but Norham at least 1 km inside), and 29 places in
Scotland, the Isle of Man, Ireland, the Channel Islands, France and Belgium (all outside);
tests/unit/geometry/test_outline.py keeps a sample of those checks.

Accuracy: at the coast it is generous, lying 1 to 10 km out to sea, and it cuts straight across
bays and estuaries (the Wash, the Thames estuary, Lyme Bay, the Bristol Channel, Cardigan Bay,
Liverpool Bay, Morecambe Bay), so a point at sea there counts as in England and Wales. It leaves
out no land in England and Wales that we know of. On the land border with Scotland it is within
about 2 km of the true line (the Tweed near Norham and Coldstream is within 1 km); along the Solway
it follows the middle of the firth. The Isle of Man, Scotland north of the border, Ireland, the
Channel Islands and France are outside. It is meant to catch a zone drawn in the wrong place, not
to settle where the border runs.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import shapely  # type: ignore[import-untyped]  # shapely 2.2 ships no type information
from shapely.geometry import Polygon  # type: ignore[import-untyped]  # as above

from victims.domain.geometry.parsing import LonLat

ENGLAND_AND_WALES: tuple[tuple[LonLat, ...], ...] = (
    (
        (-1.95, 55.82),  # North Sea, off the border at Marshall Meadows
        (-1.55, 55.66),  # off the Farne Islands and Holy Island
        (-1.05, 54.68),  # off Hartlepool
        (-0.50, 54.52),  # off Whitby
        (0.03, 54.12),  # off Flamborough Head
        (0.42, 53.13),  # off Skegness, past Spurn Head
        (1.38, 53.00),  # across the Wash, off Cromer
        (1.87, 52.64),  # off Winterton and Great Yarmouth
        (1.86, 52.45),  # off Lowestoft Ness
        (1.72, 52.20),  # off Thorpeness
        (1.40, 51.85),  # off Walton-on-the-Naze
        (1.10, 51.55),  # Thames estuary, off Foulness
        (1.52, 51.42),  # off North Foreland
        (1.48, 51.17),  # off South Foreland
        (1.05, 50.88),  # off Dungeness
        (0.28, 50.70),  # off Beachy Head
        (-0.78, 50.68),  # off Selsey Bill
        (-1.30, 50.55),  # off St Catherine's Point, Isle of Wight
        (-1.93, 50.56),  # off Durlston Head
        (-2.45, 50.48),  # off Portland Bill
        (-3.42, 50.56),  # across Lyme Bay, off Dawlish
        (-3.42, 50.38),  # off Berry Head
        (-3.64, 50.15),  # off Start Point
        (-4.25, 50.27),  # off Rame Head
        (-5.20, 49.92),  # off Lizard Point
        (-5.76, 50.02),  # off Gwennap Head and Land's End
        (-5.76, 50.18),  # off Cape Cornwall
        (-5.10, 50.58),  # off Trevose Head
        (-4.58, 51.00),  # off Hartland Point
        (-4.76, 51.23),  # west of Lundy
        (-4.97, 51.56),  # across the Bristol Channel, off St Govan's Head
        (-5.35, 51.68),  # off Skokholm
        (-5.42, 51.88),  # off Ramsey Island
        (-5.12, 52.06),  # off Strumble Head
        (-4.45, 52.25),  # Cardigan Bay, off New Quay
        (-4.88, 52.80),  # off Bardsey Island
        (-4.77, 53.31),  # off South Stack, Anglesey
        (-4.55, 53.48),  # off Carmel Head
        (-3.85, 53.39),  # off the Great Orme
        (-3.20, 53.62),  # Liverpool Bay, off Formby
        (-3.36, 54.08),  # across Morecambe Bay, off Walney Island
        (-3.72, 54.50),  # off St Bees Head
        (-3.45, 54.91),  # Solway Firth, off Silloth
        (-3.24, 54.962),  # Solway Firth, between Bowness-on-Solway and Annan
        (-3.05, 54.972),  # mouth of the River Sark: the border leaves the Solway
        (-2.98, 55.05),  # Scots' Dike
        (-2.83, 55.13),  # Kershope Foot
        (-2.58, 55.285),  # Peel Fell
        (-2.48, 55.355),  # Carter Bar
        (-2.21, 55.42),  # Windy Gyle
        (-2.17, 55.47),  # Auchope Cairn, west of the Cheviot
        (-2.33, 55.635),  # the Tweed at Carham
        (-2.25, 55.642),  # the Tweed at Coldstream
        (-2.16, 55.727),  # the Tweed at Norham
        (-2.09, 55.76),  # the border leaves the Tweed west of Berwick-upon-Tweed
        (-2.035, 55.811),  # Marshall Meadows Bay
    ),
    ((-6.50, 49.85), (-6.20, 49.85), (-6.20, 50.00), (-6.50, 50.00)),  # the Isles of Scilly
)


@cache
def england_and_wales() -> Any:
    """The outline as one shapely MultiPolygon, prepared for many point and line tests."""
    outline = shapely.MultiPolygon([Polygon(ring) for ring in ENGLAND_AND_WALES])
    shapely.prepare(outline)
    return outline
