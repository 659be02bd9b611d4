"""The reminder sweep's cost against what it should not follow, on PostgreSQL as the service runs:

- a backlog of overdue deadlines already reminded "overdue" (0, then 100,000), which can reach
  no further stage: the sweep should not read them again (issue 16 measured × 31 when it did);
- the number of open deadlines far from their due date (150,000, then 1,500,000).

The same 100 deadlines in a reminder stage throughout, among 20 cases; each deadline with its
task. Rows past the first few are written by SQL (generate_series), so a million and a half
take seconds. `main()` prints the figures and returns them as rows for the benchmark table:
{"group", "name", "median_ms", "raw_ms", "ratio", "statements", "note"} (raw_ms: the execution
time PostgreSQL reports for the sweep's query of deadlines; ratio: median_ms against the first
row's; statements: SQL statements one sweep sends).

BENCH_DATABASE_URL names a PostgreSQL database to use (emptied first); otherwise a throw-away
database is made and dropped (bench.__main__.postgres_database)."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import event, text

from victims import clock, create_app
from victims.extensions import db

DUE = 100
BACKLOG = 100_000
SIZES = (150_000, 1_500_000)
ROUNDS = 50
TODAY = date(2026, 11, 25)
GROUP = "Reminder sweep"


def _setup(app) -> tuple[list[int], int]:
    """Twenty cases with one VLO, and the DUE deadlines in a reminder stage (with their tasks)."""
    from tests.factories import Factory
    from victims.work.models import CaseDeadline, Task

    with app.app_context():
        make = Factory(db.session)
        vlo = make.user()
        cases = [make.case(vlo=vlo, victims=0) for _ in range(20)]
        db.session.flush()
        for number in range(DUE):
            case = cases[number % len(cases)]
            due = TODAY + timedelta(days=number % 10 - 4)  # overdue, due and upcoming
            deadline = CaseDeadline(
                case_id=case.id,
                code="initial_contact",
                due_on=due,
                counted_from=due - timedelta(days=14),
                rule_version=1,
                rule_number=10,
                status="open",
            )
            db.session.add(deadline)
            db.session.flush()
            db.session.add(
                Task(
                    case_id=case.id,
                    team_id=case.team_id,
                    deadline_id=deadline.id,
                    title="Make initial contact with the victims",
                    assigned_to_id=vlo.id,
                    status="open",
                )
            )
        db.session.commit()
        return [case.id for case in cases], vlo.id


def _add_deadlines(app, case_ids: list[int], vlo_id: int, count: int, *, reminded_overdue: bool) -> None:
    """`count` more open deadlines with their tasks: overdue ones already reminded "overdue" for
    their date (with the reminder_stages rows that say so), or ones due months or years away."""
    due = (
        "DATE '2026-11-24' - (g % 300)"  # overdue by 1 to 300 days
        if reminded_overdue
        else "DATE '2026-12-25' + (g % 900)"  # a month to three years away
    )
    reminded = ", 'overdue', due_on" if reminded_overdue else ", NULL, NULL"
    cases = "ARRAY[" + ",".join(str(case_id) for case_id in case_ids) + "]"
    with app.app_context():
        first = db.session.scalar(text("SELECT coalesce(max(id), 0) + 1 FROM deadlines"))
        db.session.execute(
            text(
                "INSERT INTO deadlines (id, case_id, code, due_on, counted_from, rule_version,"  # noqa: S608 (this module's constants)
                " rule_number, status, created_at, version, reminded_stage, reminded_due_on)"
                f" SELECT :first + g, ({cases})[1 + g % {len(case_ids)}], 'initial_contact', due_on,"
                f" due_on - 14, 1, 10, 'open', now(), 1{reminded}"
                f" FROM (SELECT g, {due} AS due_on FROM generate_series(0, :count - 1) g) s"
            ),
            {"first": first, "count": count},
        )
        db.session.execute(
            text(
                "INSERT INTO tasks (case_id, team_id, deadline_id, title, assigned_to_id, status,"
                " created_at, version)"
                " SELECT d.case_id, c.team_id, d.id, 'Make initial contact with the victims', :vlo,"
                " 'open', now(), 1 FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE d.id >= :first"
            ),
            {"first": first, "vlo": vlo_id},
        )
        if reminded_overdue:
            db.session.execute(
                text(
                    "INSERT INTO reminder_stages (deadline_id, due_on, stage, recorded_at)"
                    " SELECT id, due_on, 'overdue', now() FROM deadlines WHERE id >= :first"
                ),
                {"first": first},
            )
        db.session.execute(text("SELECT setval('deadlines_id_seq', (SELECT max(id) FROM deadlines))"))
        db.session.commit()
        _vacuum()


def _drop_backlog(app) -> None:
    with app.app_context():
        for table in ("reminder_stages", "tasks"):
            db.session.execute(
                text(
                    f"DELETE FROM {table} WHERE deadline_id IN"  # noqa: S608 (this module's constants)
                    " (SELECT id FROM deadlines WHERE reminded_stage = 'overdue')"
                )
            )
        db.session.execute(text("DELETE FROM deadlines WHERE reminded_stage = 'overdue'"))
        db.session.commit()
        _vacuum()


def _vacuum() -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("deadlines", "tasks", "reminder_stages"):
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


def _time_sweep(app) -> tuple[float, float, int, int]:
    """The sweep's median milliseconds over ROUNDS; the median execution time PostgreSQL reports
    (EXPLAIN ANALYZE) for its query of deadlines, free of the round trips and of Python; the
    deadlines it found; and the statements one sweep sends."""
    from victims.reminders import services

    original = clock.utcnow
    clock.utcnow = lambda: datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    statements: list[tuple[str, object]] = []
    try:
        with app.app_context():
            found = services.sweep()  # warm: the working calendar, the plans
            db.session.rollback()

            def count(_conn, _cursor, statement, parameters, *_args):
                statements.append((statement, parameters))

            event.listen(db.engine, "before_cursor_execute", count)
            services.sweep()
            db.session.rollback()
            event.remove(db.engine, "before_cursor_execute", count)
            timings = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                services.sweep()
                timings.append(time.perf_counter() - start)
                db.session.rollback()
            query, parameters = next((sql, args) for sql, args in statements if "FROM deadlines" in sql)
            driver = db.session.connection().connection.driver_connection
            executions = []
            for _ in range(10):
                plan = driver.execute(f"EXPLAIN (ANALYZE) {query}", parameters).fetchall()
                executions.append(float(plan[-1][0].split(":")[1].split()[0]))
            db.session.rollback()
            return (
                statistics.median(timings) * 1000,
                statistics.median(executions),
                len(found.deadline_ids),
                len(statements),
            )
    finally:
        clock.utcnow = original


def _row(name: str, ms: float, raw: float, base: float | None, statements: int, note: str) -> dict:
    return {
        "group": GROUP,
        "name": name,
        "median_ms": round(ms, 2),
        "raw_ms": round(raw, 3),
        "ratio": None if base is None else round(ms / base, 2),
        "statements": statements,
        "note": note,
    }


def main() -> list[dict]:
    from bench.__main__ import postgres_database

    small, large = SIZES
    rows = []
    with postgres_database("data_sweep_bench") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
        case_ids, vlo_id = _setup(app)
        _add_deadlines(app, case_ids, vlo_id, small - DUE, reminded_overdue=False)
        base, raw, found, statements = _time_sweep(app)
        rows.append(_row(f"{small:,} open, no backlog", base, raw, None, statements, f"{found} found"))

        _add_deadlines(app, case_ids, vlo_id, BACKLOG, reminded_overdue=True)
        ms, raw, found, statements = _time_sweep(app)
        note = f"{found} found; {BACKLOG:,} overdue already reminded, target ratio ≤ 1.5"
        rows.append(_row(f"{small:,} open + {BACKLOG:,} reminded backlog", ms, raw, base, statements, note))

        _drop_backlog(app)
        _add_deadlines(app, case_ids, vlo_id, large - small, reminded_overdue=False)
        ms, raw, found, statements = _time_sweep(app)
        note = f"{found} found; {large // small}× the open deadlines, target ratio ≤ 1.5"
        rows.append(_row(f"{large:,} open, no backlog", ms, raw, base, statements, note))
        with app.app_context():
            db.engine.dispose()
    print(f"{'Reminder sweep':<42}{'median ms':>10}{'SQL ms':>8}{'ratio':>8}{'statements':>12}  note")
    for row in rows:
        ratio = "" if row["ratio"] is None else f"×{row['ratio']:.2f}"
        print(
            f"{row['name']:<42}{row['median_ms']:>10.2f}{row['raw_ms']:>8.3f}{ratio:>8}"
            f"{row['statements']:>12}  {row['note']}"
        )
    return rows


if __name__ == "__main__":
    main()
