"""The reminder sweep's cost as the number of open deadlines grows and the due ones stay fixed.

Two databases in one run: 100 deadlines in a reminder stage among 10,000 and among 200,000 open
deadlines (each with its task). Prints the sweep's median time and the ratio; it should follow
the 100 due items, not the 20-fold growth of the rest."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from victims import clock, create_app
from victims.extensions import db

DUE = 100
SIZES = (10_000, 200_000)
ROUNDS = 30
TODAY = date(2026, 11, 25)


def _fill(app, total: int) -> None:
    from bench.__main__ import write_rows
    from tests.factories import Factory
    from victims.work.models import CaseDeadline, Task

    with app.app_context():
        make = Factory(db.session)
        vlo = make.user()
        cases = [make.case(vlo=vlo, victims=0) for _ in range(20)]
        db.session.commit()
        first_id = (
            db.session.scalar(select(CaseDeadline.id).order_by(CaseDeadline.id.desc()).limit(1)) or 0
        ) + 1
        deadlines, tasks = [], []
        for number in range(total):
            case = cases[number % len(cases)]
            # The first DUE are overdue, due or upcoming; the rest are months or years away.
            due = (
                TODAY - timedelta(days=number % 10)
                if number < DUE
                else TODAY + timedelta(days=30 + number % 900)
            )
            deadlines.append(
                {
                    "id": first_id + number,
                    "case_id": case.id,
                    "code": "initial_contact",
                    "due_on": due,
                    "counted_from": due - timedelta(days=14),
                    "rule_version": 1,
                    "rule_number": 10,
                    "status": "open",
                    "created_at": clock.utcnow(),
                    "version": 1,
                }
            )
            tasks.append(
                {
                    "case_id": case.id,
                    "team_id": case.team_id,
                    "deadline_id": first_id + number,
                    "title": "Make initial contact with the victims",
                    "assigned_to_id": vlo.id,
                    "status": "open",
                    "created_at": clock.utcnow(),
                    "version": 1,
                }
            )
        write_rows(((CaseDeadline, deadlines), (Task, tasks)), chunk=20_000)


def _time_sweep(app) -> tuple[float, int]:
    from victims.reminders import services

    original = clock.utcnow
    clock.utcnow = lambda: original().replace(year=2026, month=11, day=25, hour=9)
    try:
        with app.app_context():
            found = services.sweep()
            timings = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                services.sweep()
                timings.append(time.perf_counter() - start)
            return statistics.median(timings) * 1000, len(found.deadline_ids)
    finally:
        clock.utcnow = original


def main() -> list[tuple[int, float, int]]:
    results = []
    for total in SIZES:
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'sweep.sqlite3'}"
            if url.startswith("postgresql"):
                from tests.conftest import reset_database

                reset_database(url)
            app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
            with app.app_context():
                upgrade()
            _fill(app, total)
            ms, found = _time_sweep(app)
            results.append((total, ms, found))
            with app.app_context():
                db.engine.dispose()
    print(f"{'open deadlines':>15}{'due':>6}{'sweep median ms':>17}")
    for total, ms, found in results:
        print(f"{total:>15}{found:>6}{ms:>17.2f}")
    (small, small_ms, _), (large, large_ms, _) = results
    growth = large // small
    print(f"Reminder sweep: {large} vs {small} open deadlines ({growth}x): time x{large_ms / small_ms:.2f}")
    return results


if __name__ == "__main__":
    main()
