"""The CSV import's speed: rows a second for the preview and the import, at two file sizes.

7,100 rows is the file of the fault run (issue 11) that previewed in 4.6 s and took about 118 s to
import, past gunicorn's timeout. Each file has two victims on every third referral, and one
referral in ten is for an offender whose open case the team already holds (its victim is added).
BENCH_DATABASE_URL picks the database (a SQLite file by default); each size gets a fresh one.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from flask_migrate import upgrade

from victims import create_app
from victims.extensions import db

SIZES = (1_000, 7_100)
EXISTING_EVERY = 10  # one referral in ten finds the team's open case


def rows_for(total: int) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    referral = 0
    while len(rows) < total:
        referral += 1
        for victim in range(2 if referral % 3 == 0 else 1):
            rows.append(
                {
                    "offender_crn": f"B{referral:06d}",
                    "offender_first_name": "Simon",
                    "offender_last_name": f"B{referral}",
                    "offence": "Wounding",
                    "offence_category": "violent",
                    "sentence_type": "determinate",
                    "length_months": "48",
                    "sentence_date": "2025-09-02",
                    "crd": "2027-03-01",
                    "received_on": "2025-09-18",
                    "victim_relationship": "victim",
                    "victim_first_name": f"V{victim}",
                    "victim_last_name": f"S{referral}",
                    "victim_address_line_1": f"{referral} High St",
                    "victim_town": "Cambridge",
                    "victim_postcode": "CB1 1AA",
                }
            )
    return rows[:total]


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def existing_cases(app, team, rows: list[dict[str, str]]) -> None:
    """Open cases the team already holds, for one referral in ten of the file."""
    from tests.factories import Factory

    make = Factory(db.session)
    crns = sorted({row["offender_crn"] for row in rows})
    for number, crn in enumerate(crns):
        if number % EXISTING_EVERY == 0:
            row = next(row for row in rows if row["offender_crn"] == crn)
            # The file's release date: a repeated referral with other dates is refused (issue 11).
            make.case(
                team=team,
                crn=crn,
                offender_last_name=row["offender_last_name"],
                victims=1,
                crd=date.fromisoformat(row["crd"]),
            )
    db.session.commit()


def measure(size: int, url: str) -> tuple[float, float]:
    from tests.factories import Factory
    from victims.domain.vocabulary import Role
    from victims.imports import services
    from victims.staff.models import User

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        make = Factory(db.session)
        team = make.team()
        spo = make.user(Role.SPO, team)
        rows = rows_for(size)
        existing_cases(app, team, rows)
        text = as_csv(rows)
        spo_id, region_id, team_id = spo.id, team.region_id, team.id
    assert len(text.encode()) <= 1024 * 1024, f"{size} rows is more than the 1 MB a file may be"

    with app.test_request_context():
        start = time.perf_counter()
        preview = services.check(text, region_id, team_id)
        preview_seconds = time.perf_counter() - start
        assert preview.ok, preview.bad_rows[:3]
        db.session.rollback()
    with app.test_request_context():
        user = db.session.get(User, spo_id)
        start = time.perf_counter()
        preview = services.check(text, region_id, team_id)
        services.import_all(preview, user)
        db.session.commit()
        import_seconds = time.perf_counter() - start
    with app.app_context():
        db.engine.dispose()
    return size / preview_seconds, size / import_seconds


def main() -> None:
    print(f"{'rows':>6}  {'preview rows/s':>15}  {'import rows/s':>14}  {'import s':>9}")
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            if url.startswith("postgresql"):
                from tests.conftest import reset_database

                reset_database(url)
            preview, imported = measure(size, url)
            print(f"{size:>6}  {preview:>15.0f}  {imported:>14.0f}  {size / imported:>9.1f}")


if __name__ == "__main__":
    main()
