"""The demo's own postcodes: a small GENERATED file around Bedford (victims/demo/postcodes.csv),
so the postcode boxes work after `make run` with nothing downloaded.

These are not the ONS Postcode Directory: every unit below is made up here (deterministically, from
a seed), in the real outward codes of the Bedford area (MK40 to MK45), a few sectors each, spread
over roughly where those districts lie. A few postcodes are placed on purpose, for the demo's
examples and the tests: they are the constants below. Real postcodes come from
`flask --app victims postcodes import FILE` (docs/operations.md).

Write the file again (after changing the generator) with `python -m victims.demo.postcodes`; a test
checks the committed file is exactly what the generator writes.
"""

from __future__ import annotations

import csv
import io
import math
import random
from pathlib import Path

from sqlalchemy import func, select

from victims.extensions import db
from victims.postcodes import services
from victims.postcodes.models import Postcode

FILE = Path(__file__).with_name("postcodes.csv")
SEED = 17

# Placed postcodes (latitude, longitude). The town centre is the demo's map centre; the victim's
# home is entered as the demo zone's home (victims/demo/examples.py), inside the demo zone; the
# release address, recorded on that case, lies in Kempston, about 3 km south-west of the zone.
TOWN_CENTRE = "MK40 1AA"
VICTIM_HOME = "MK40 2AL"
VICTIM_WORK = "MK41 7AA"
RELEASE_ADDRESS = "MK42 7AB"
PLACED: dict[str, tuple[float, float]] = {
    TOWN_CENTRE: (52.1359, -0.4667),
    VICTIM_HOME: (52.1400, -0.4610),
    VICTIM_WORK: (52.1560, -0.4450),
    RELEASE_ADDRESS: (52.1160, -0.4990),
}

# Each sector: its centre (latitude, longitude), its spread in metres, and how many units it holds.
# Roughly where the districts lie: MK40 central and west Bedford, MK41 north and east, MK42 south
# and Kempston, MK43 the villages west (Bromham, Cranfield), MK44 the villages north and east
# (Sharnbrook, Great Barford), MK45 the towns south (Ampthill, Flitwick, Barton).
SECTORS: dict[str, tuple[float, float, float, int]] = {
    "MK40 1": (52.1362, -0.4680, 350, 120),
    "MK40 2": (52.1415, -0.4600, 450, 140),
    "MK40 3": (52.1400, -0.4830, 500, 140),
    "MK40 4": (52.1320, -0.4900, 500, 120),
    "MK41 0": (52.1700, -0.4600, 700, 110),
    "MK41 7": (52.1560, -0.4430, 600, 140),
    "MK41 8": (52.1540, -0.4180, 650, 120),
    "MK41 9": (52.1620, -0.4800, 650, 120),
    "MK42 0": (52.1220, -0.4500, 600, 120),
    "MK42 7": (52.1160, -0.5000, 650, 140),
    "MK42 8": (52.1080, -0.4800, 650, 110),
    "MK42 9": (52.1250, -0.4750, 500, 120),
    "MK43 0": (52.0720, -0.6150, 900, 90),
    "MK43 7": (52.1030, -0.5600, 900, 80),
    "MK43 8": (52.0850, -0.5100, 900, 80),
    "MK43 9": (52.1480, -0.5300, 800, 90),
    "MK44 1": (52.2200, -0.5400, 1000, 90),
    "MK44 2": (52.2050, -0.4200, 1000, 80),
    "MK44 3": (52.1600, -0.3500, 1000, 90),
    "MK45 1": (52.0310, -0.4930, 700, 110),
    "MK45 2": (52.0250, -0.4600, 800, 80),
    "MK45 3": (52.0010, -0.4600, 800, 90),
    "MK45 4": (51.9960, -0.4950, 700, 110),
    "MK45 5": (52.0100, -0.4100, 900, 80),
}

# The inward code's unit letters never use C I K M O V.
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
METRES_PER_DEGREE = 111_320.0


def rows() -> list[tuple[str, float, float]]:
    """Every demo postcode and its centre, in postcode order: the same every time."""
    rnd = random.Random(SEED)
    made = dict(PLACED)
    for sector, (latitude, longitude, spread, units) in SECTORS.items():
        codes = [sector + a + b for a in UNIT_LETTERS for b in UNIT_LETTERS]
        chosen = [code for code in rnd.sample(codes, units + 4) if code not in made][:units]
        for code in chosen:
            # A unit is a street or part of one: scattered around the sector's centre, and kept
            # within twice its spread so sectors keep their shape.
            north = max(-2.0, min(2.0, rnd.gauss(0.0, 1.0))) * spread
            east = max(-2.0, min(2.0, rnd.gauss(0.0, 1.0))) * spread
            made[code] = (
                round(latitude + north / METRES_PER_DEGREE, 6),
                round(longitude + east / (METRES_PER_DEGREE * math.cos(math.radians(latitude))), 6),
            )
    return [(code, *made[code]) for code in sorted(made)]


def as_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["postcode", "latitude", "longitude"])
    writer.writerows((code, f"{lat:.6f}", f"{lon:.6f}") for code, lat, lon in rows())
    return out.getvalue()


def load_demo_postcodes(echo) -> None:
    """Load the demo's postcodes when the table holds none; a table already loaded (the real
    directory, or the demo's) is left as it is."""
    held = db.session.scalar(select(func.count()).select_from(Postcode))
    if held:
        echo(f"Postcodes already loaded: {held:,}.")
        return
    imported = services.import_file(FILE)
    echo(f"Postcodes: {imported.rows:,} loaded from the demo's generated file (Bedford, MK40 to MK45).")


if __name__ == "__main__":
    FILE.write_text(as_csv(), encoding="utf-8")
    print(f"Wrote {len(rows())} generated postcodes to {FILE.name}")
