"""Measure the pages a VLO opens every morning, at two caseload sizes, in one run.

Prints the median time and the SQL statement count of "My caseload", "Team cases" and a
case page with 40 and 350 cases allocated to one VLO (the top of the 250–350 band), and the
ratio between them. BENCH_DATABASE_URL picks the database (a SQLite file by default).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

import pyotp
from flask_migrate import upgrade
from sqlalchemy import event

from victims import clock, create_app
from victims.extensions import db

SIZES = (40, 350)
ROUNDS = 30


def build(app, size: int):
    from tests.factories import PASSWORD, Factory

    with app.app_context():
        make = Factory(db.session)
        team = make.team()
        vlo = make.user(team=team)
        spo = make.user(role=make_role("spo"), team=team)
        from datetime import date, timedelta

        from victims.cases.models import Sentence
        from victims.cases.services import refresh_deadlines as refresh_case_deadlines

        cases = []
        for number in range(size):
            # Release dates spread over the coming years, so each case has open deadlines and tasks.
            case = make.case(vlo=vlo, victims=2, crd=date(2027, 1, 4) + timedelta(days=7 * number))
            refresh_case_deadlines(case, db.session.get(Sentence, case.sentence_id), "bench")
            cases.append(case)
        for case in cases[:5]:
            make.contact(case, vlo)
        db.session.commit()
        return vlo.id, spo.id, cases[0].id, PASSWORD


@contextlib.contextmanager
def postgres_database(name: str):
    """The URL of a PostgreSQL database for a national-scale benchmark: BENCH_DATABASE_URL's
    (emptied first) when it names one, else a throw-away database dropped afterwards."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url and url.startswith("postgresql"):
        from tests.conftest import reset_database

        reset_database(url)
        yield url
        return
    from tests.helpers import throwaway_postgres_database

    made = throwaway_postgres_database(name)
    try:
        yield next(made)
    finally:
        made.close()


def offender_and_sentence(
    offender_id: int, sentence_id: int, number: int, now, **sentence
) -> tuple[dict, dict]:
    """A generated offender ("Alex Bench<number>", CRN X<number>) and their sentence's row, with
    the sentence's own fields (type, category, dates) given by the benchmark."""
    from datetime import date

    offender = {
        "id": offender_id,
        "crn": f"X{number:06d}",
        "first_name": "Alex",
        "last_name": f"Bench{number}",
        "date_of_birth": date(1980, 1, 1),
        "version": 1,
        "created_at": now,
    }
    return offender, {
        "id": sentence_id,
        "offender_id": offender_id,
        "offence": "Bench offence",
        "sentence_date": date(2022, 6, 1),
        "version": 1,
        **sentence,
    }


def write_rows(groups, chunk: int = 10_000) -> None:
    """Insert each model's rows in chunks, in the order given, commit once, and on PostgreSQL
    VACUUM ANALYZE their tables, so the planner knows the sizes the benchmark made."""
    from sqlalchemy import insert

    for model, rows in groups:
        for start in range(0, len(rows), chunk):
            db.session.execute(insert(model), rows[start : start + chunk])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for model, _rows in groups:
                connection.exec_driver_sql(f"VACUUM ANALYZE {model.__tablename__}")


def make_role(value):
    from victims.domain.vocabulary import Role

    return Role(value)


def sign_in(app, user_id: int, password: str):
    from victims.staff.models import User

    client = app.test_client()
    with app.app_context():
        user = db.session.get(User, user_id)
        email, secret = user.email, user.totp_secret
    import re

    def token(path):
        page = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    client.post("/sign-in", data={"csrf_token": token("/sign-in"), "email": email, "password": password})
    code = pyotp.TOTP(secret).at(clock.utcnow())
    client.post("/sign-in/security-code", data={"csrf_token": token("/sign-in/security-code"), "code": code})
    return client


def measure(app, client, path: str, rounds: int = ROUNDS) -> tuple[float, int]:
    """The median milliseconds of `rounds` GETs of the page (after one to warm up) and the
    statements each made."""
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    assert client.get(path).status_code == 200, path  # warm up
    timings = []
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(path)
            response.get_data()  # a streamed response (a CSV export) is written only when read
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statistics.median(timings) * 1000, len(statements) // rounds


def main() -> None:
    rows = []
    for size in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            if url.startswith("postgresql"):
                from tests.conftest import reset_database

                reset_database(url)
            app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
            with app.app_context():
                upgrade()
            vlo_id, spo_id, case_id, password = build(app, size)
            vlo = sign_in(app, vlo_id, password)
            spo = sign_in(app, spo_id, password)
            rows.append((size, "My caseload", *measure(app, vlo, "/cases/mine")))
            rows.append((size, "My caseload, search", *measure(app, vlo, "/cases/mine?q=Victim1")))
            rows.append((size, "Team cases", *measure(app, spo, "/cases/team")))
            rows.append((size, "Case page", *measure(app, vlo, f"/cases/{case_id}")))
            rows.append((size, "My tasks", *measure(app, vlo, "/tasks/mine")))
            rows.append((size, "Team work", *measure(app, spo, "/tasks/team")))
            with app.app_context():
                db.engine.dispose()
    print(f"{'cases':>6}  {'page':<22}{'median ms':>10}{'SQL per request':>17}")
    for size, page, ms, statements in rows:
        print(f"{size:>6}  {page:<22}{ms:>10.1f}{statements:>17}")
    print()
    small = {page: (ms, n) for size, page, ms, n in rows if size == SIZES[0]}
    large = {page: (ms, n) for size, page, ms, n in rows if size == SIZES[1]}
    for page in small:
        print(
            f"{page}: {SIZES[1]} vs {SIZES[0]} cases: time x{large[page][0] / small[page][0]:.2f}, "
            f"statements {small[page][1]} -> {large[page][1]}"
        )


if __name__ == "__main__":
    main()
    print()
    from bench import allocation, compliance, dashboards, disclosure, imports, sweep

    sweep.main()
    print()
    imports.main()
    print()
    disclosure.main()
    print()
    allocation.main()
    print()
    compliance.main()
    print()
    dashboards.main()
