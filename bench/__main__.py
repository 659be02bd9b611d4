"""`make bench`: the service's pages on the national data set, in one table, and a load test.

1. Loads the national data set (victims.demo.national: 150,000 cases, 400 VLOs, 2.5 million audit
   events) into a throw-away PostgreSQL database, and a tenth of it (15,000 cases), printing how
   long each took; times every page a VLO, SPO and manager opens (bench/pages.py) at both sizes
   beside the same data read by hand-written SQL, with the statements each page makes.
2. Folds in the reminder sweep (bench/sweep.py) and the PDF medians (bench/pdfs.py) and prints
   one table.
3. Runs a bounded locust load test on loopback against gunicorn on the national data, and the
   same load against a bare Flask endpoint (bench/load.py).
4. Writes every figure to bench/results/ as JSON and the table as Markdown.

Settings (environment):
  BENCH_SIZE            full (default: 150k and 15k), small (15k only, a quick run), demo (the
                        demo data set: checks the harness in a minute, no figure to quote)
  BENCH_DATABASE_URL    a PostgreSQL database to use (emptied first) instead of throw-away ones
  BENCH_PAGE_SECONDS    time spent measuring each page (default 2; 3 to 15 GETs)
  BENCH_LOAD=0          no load test; BENCH_LOAD_SECONDS (60), BENCH_LOAD_USERS (40),
                        BENCH_LOAD_RATE (3 requests/s per user), BENCH_LOAD_VLOS (20 signed in)
  BENCH_REDIS_URL       the load test's Redis (redis://127.0.0.1:6379/5)
  BENCH_SWEEP=0, BENCH_PDFS=0   leave the sweep or the PDFs out
  BENCH_SCENARIOS=1     also run the older scenario benchmarks (allocation, compliance,
                        dashboards: their pages are measured in the table on the national data;
                        each still runs alone, e.g. `python -m bench.compliance`)
  BENCH_OTHERS=0        leave out the disclosure check, the import rates and the postcode import
                        (figures of their own)

The helpers below (sign_in, measure, postgres_database, write_rows) serve every benchmark module.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time

import pyotp
from sqlalchemy import event

from victims import clock
from victims.extensions import db

ROUNDS = 30


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


def row(group: str, name: str, ms: float, raw: float | None, statements: int | None, note: str = "") -> dict:
    """A row of the one table, as every benchmark module returns them."""
    return {
        "group": group,
        "name": name,
        "median_ms": ms,
        "raw_ms": raw,
        "ratio": ms / raw if raw else None,
        "statements": statements,
        "note": note,
    }


def _sizes() -> list[str]:
    chosen = os.environ.get("BENCH_SIZE", "full")
    return {"full": ["tenth", "national"], "small": ["tenth"], "demo": ["demo"]}.get(chosen) or [chosen]


def _others(name: str) -> list[dict]:
    """A benchmark module's rows, in the table's shape; a row saying so when it failed (the pages'
    figures, twenty minutes in, are not lost to one broken module)."""
    import importlib
    import traceback

    print(f"\n== {name}")
    try:
        module = importlib.import_module(f"bench.{name}")
    except ModuleNotFoundError:  # bench/pdfs.py, until the ops helper's branch lands
        print(f"(bench/{name}.py is not here)")
        return []
    try:
        return list(module.main() or [])  # rows of the one table, as row() makes them
    except Exception as error:
        traceback.print_exc()
        return [row(name.capitalize(), f"bench/{name}.py", 0.0, None, None, f"failed: {error!r}"[:120])]


def main() -> None:
    from bench import national, report

    sizes = _sizes()
    load_test = os.environ.get("BENCH_LOAD", "1") != "0"
    runs = []
    for number, size in enumerate(sizes):
        print(f"== {size}")
        runs.append(national.run(size, load_test=load_test and number == len(sizes) - 1))
    others: list[dict] = []
    if os.environ.get("BENCH_SWEEP", "1") != "0":
        others += _others("sweep")
    if os.environ.get("BENCH_PDFS", "1") != "0":
        others += _others("pdfs")
    if os.environ.get("BENCH_SCENARIOS") == "1":
        for name in ("allocation", "compliance", "dashboards"):
            others += _others(name)
    print()
    report.write(runs, others)
    if os.environ.get("BENCH_OTHERS", "1") != "0":  # figures of their own, after the table
        import traceback

        from bench import disclosure, imports, postcodes

        for title, module in (
            ("disclosure check", disclosure),
            ("referral imports", imports),
            ("postcode import (500,000 rows)", postcodes),
        ):
            print(f"\n== {title}")
            try:
                module.main()
            except Exception:  # one broken benchmark must not lose the others' figures
                traceback.print_exc()


if __name__ == "__main__":
    main()
