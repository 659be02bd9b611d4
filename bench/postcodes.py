"""The postcode import's speed (issue 17): generated files shaped like the ONS Postcode Directory
(its 54 columns, quoted as ONS quotes them, about 1% of postcodes with no grid reference and a
quarter terminated) and like a plain postcode,latitude,longitude file, imported into PostgreSQL
as `flask --app victims postcodes import FILE` does, with the time of each step and rows/s.

    python -m bench.postcodes [ROWS]          # 500,000 by default; 2700000 for the full directory

BENCH_DATABASE_URL picks the PostgreSQL database (emptied first); without it a throw-away one is
made and dropped. `write_onspd` and `write_plain` make the files for anything else that needs them
(the tests use small ones).
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from bench.__main__ import postgres_database
from victims import create_app
from victims.extensions import db

ROWS = 500_000
WIDTHS = (10, 6, 13, 7, 8, 10, 8, 8)

ONSPD_HEADER = [
    "pcd",
    "pcd2",
    "pcds",
    "dointr",
    "doterm",
    "oscty",
    "ced",
    "oslaua",
    "osward",
    "parish",
    "usertype",
    "oseast1m",
    "osnrth1m",
    "osgrdind",
    "oshlthau",
    "nhser",
    "ctry",
    "rgn",
    "streg",
    "pcon",
    "eer",
    "teclec",
    "ttwa",
    "pct",
    "itl",
    "statsward",
    "oa01",
    "casward",
    "npark",
    "lsoa01",
    "msoa01",
    "ur01ind",
    "oac01",
    "oa11",
    "lsoa11",
    "msoa11",
    "wz11",
    "sicbl",
    "bua24",
    "ru11ind",
    "oac11",
    "lat",
    "long",
    "lep1",
    "lep2",
    "pfa",
    "imd",
    "calncv",
    "icb",
    "oa21",
    "lsoa21",
    "msoa21",
    "ruc21ind",
    "globalid",
]
# Postcode areas, in the directory's order; each gives 99 districts of 10 sectors of 400 units.
AREAS = [
    "AB",
    "AL",
    "B",
    "BA",
    "BB",
    "BD",
    "BH",
    "BL",
    "BN",
    "BR",
    "BS",
    "BT",
    "CA",
    "CB",
    "CF",
    "CH",
    "CM",
    "CO",
    "CR",
    "CT",
    "CV",
    "CW",
    "DA",
    "DD",
    "DE",
    "DG",
    "DH",
    "DL",
    "DN",
    "DT",
    "DY",
    "E",
    "EC",
    "EH",
    "EN",
    "EX",
    "FK",
    "FY",
    "G",
    "GL",
    "GU",
    "HA",
    "HD",
    "HG",
    "HP",
    "HR",
    "HS",
    "HU",
    "HX",
    "IG",
    "IP",
    "IV",
    "KA",
    "KT",
    "KW",
    "KY",
    "L",
    "LA",
    "LD",
    "LE",
    "LL",
    "LN",
    "LS",
    "LU",
    "M",
    "ME",
    "MK",
    "ML",
    "N",
    "NE",
    "NG",
    "NN",
    "NP",
    "NR",
    "NW",
    "OL",
    "OX",
    "PA",
    "PE",
    "PH",
    "PL",
    "PO",
    "PR",
    "RG",
    "RH",
    "RM",
    "S",
    "SA",
    "SE",
    "SG",
    "SK",
    "SL",
    "SM",
    "SN",
    "SO",
    "SP",
    "SR",
    "SS",
    "ST",
    "SW",
    "SY",
    "TA",
    "TD",
    "TF",
    "TN",
    "TQ",
    "TR",
    "TS",
    "TW",
    "UB",
    "W",
    "WA",
    "WC",
    "WD",
    "WF",
    "WN",
    "WR",
    "WS",
    "WV",
    "YO",
    "ZE",
]
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
UNITS = [a + b for a in UNIT_LETTERS for b in UNIT_LETTERS]


def postcodes(rows: int):
    """`rows` distinct postcodes, in order: area, district, sector, unit."""
    made = 0
    for area in AREAS:
        for district in range(1, 100):
            outward = f"{area}{district}"
            for sector in range(10):
                for unit in UNITS:
                    if made == rows:
                        return
                    yield outward, f"{sector}{unit}"
                    made += 1
    raise ValueError(f"at most {made:,} generated postcodes")


def write_onspd(path: Path, rows: int = ROWS, seed: int = 17) -> None:
    """An ONSPD-shaped CSV (CRLF, quoted text, as the download): about 1% of rows with no grid
    reference (lat 99.999999, long 0.000000), a quarter terminated (doterm set)."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        writer.writerow(ONSPD_HEADER)
        for number, (outward, inward) in enumerate(postcodes(rows)):
            located = rnd.random() >= 0.01
            lat = round(rnd.uniform(50.0, 58.5), 6) if located else 99.999999
            lon = round(rnd.uniform(-5.5, 1.7), 6) if located else 0.0
            east, north = rnd.randint(100000, 650000), rnd.randint(10000, 1200000)
            code = f"E0{number % 10_000_000:07d}"
            writer.writerow(
                [
                    f"{outward:<4}{inward}",  # pcd: 7 characters, "B1  1AA"
                    f"{outward:<4} {inward}",  # pcd2: 8 characters, "B1   1AA"
                    f"{outward} {inward}",
                    198001 + rnd.randint(0, 40) * 100,
                    (200001 + rnd.randint(0, 20) * 100) if rnd.random() < 0.25 else "",
                    "E99999999",
                    "E99999999",
                    "E06000055",
                    "E05008982",
                    "E43000052",
                    rnd.randint(0, 1),
                    east if located else "",
                    north if located else "",
                    1 if located else 9,
                    "E18000006",
                    "E40000003",
                    "E92000001",
                    "E12000006",
                    0,
                    "E14001082",
                    "E15000006",
                    "E15000006",
                    "E30000169",
                    "E16000045",
                    "E06000055",
                    "00KBNR",
                    code,
                    "00KBNR",
                    "E65000001",
                    code.replace("E0", "E01"),
                    code.replace("E0", "E02"),
                    "A",
                    "7B4",
                    code,
                    code.replace("E0", "E01"),
                    code.replace("E0", "E02"),
                    code.replace("E0", "E33"),
                    "E38000011",
                    "E63000123",
                    "C1",
                    "2B1",
                    lat,
                    lon,
                    "E37000041",
                    "",
                    "E23000026",
                    rnd.randint(1, 32844),
                    "E56000010",
                    "E54000024",
                    code,
                    code.replace("E0", "E01"),
                    code.replace("E0", "E02"),
                    "UN1",
                    f"{{{number:08X}-0000-4000-8000-000000000000}}",
                ]
            )


def write_plain(path: Path, rows: int = ROWS, seed: int = 17) -> None:
    """postcode,latitude,longitude: every row located."""
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("postcode,latitude,longitude\n")
        for outward, inward in postcodes(rows):
            out.write(f"{outward} {inward},{rnd.uniform(50.0, 58.5):.6f},{rnd.uniform(-5.5, 1.7):.6f}\n")


def _timed_steps(steps: dict[str, float]):
    @contextlib.contextmanager
    def progress(label: str, _length: int):
        start = time.perf_counter()
        yield lambda _n: None
        steps[label] = time.perf_counter() - start

    return progress


def measure(url: str, path: Path) -> dict[str, float]:
    from victims.postcodes import services
    from victims.postcodes.models import Postcode

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        steps: dict[str, float] = {}
        start = time.perf_counter()
        imported = services.import_file(path, progress=_timed_steps(steps))
        db.session.commit()
        total = time.perf_counter() - start
        assert db.session.scalar(select(func.count()).select_from(Postcode)) == imported.rows
        db.session.remove()
        db.engine.dispose()
    return {
        "rows": imported.rows,
        "no_location": imported.no_location,
        "megabytes": path.stat().st_size / 1e6,
        "read_s": steps.get("Reading and checking", 0.0),
        "copy_s": steps.get("Loading", 0.0),
        "repeats_s": steps.get("Finding repeats", 0.0),
        "replace_s": steps.get("Replacing the table", 0.0),
        "total_s": total,
        "rows_per_s": imported.rows / total,
    }


def main(rows: int = ROWS) -> list[dict]:
    columns = ("rows", "MB", "read+check s", "COPY s", "dups s", "replace s", "total s", "rows/s")
    print(f"{'file':<7} " + " ".join(f"{name:>{width}}" for name, width in zip(columns, WIDTHS, strict=True)))
    with (
        tempfile.TemporaryDirectory(prefix="bench-postcodes-") as folder,
        postgres_database("bench_postcodes") as url,
    ):
        for kind, write in (("ONSPD", write_onspd), ("plain", write_plain)):
            path = Path(folder) / f"{kind}.csv"
            write(path, rows)
            figures = measure(url, path)
            path.unlink()
            print(
                f"{kind:<7} {figures['rows']:>10,} {figures['megabytes']:>6.0f} {figures['read_s']:>13.1f} "
                f"{figures['copy_s']:>7.1f} {figures['repeats_s']:>8.1f} {figures['replace_s']:>10.1f} "
                f"{figures['total_s']:>8.1f} "
                f"{figures['rows_per_s']:>8,.0f}"
            )
    return []


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_POSTCODE_ROWS", ROWS)))
