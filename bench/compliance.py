"""The compliance pages at national scale (issue 15; issue 16: the scale rule): the national page
and a region's, each at 15,000 and at 150,000 cases, and the ratio between the two.

Each size is the national data set (victims.demo.national, `load_national`): 12 regions x 3 teams,
400 VLOs, the cases with their people, deadlines, tasks and contacts drawn by the service's own
rules. At 15,000 cases the VLOs hold 25 to 35 open cases each instead of 250 to 350: the same
staff and shape, a tenth of the work, so the ratio shows what grows with the cases alone. Then
tonight's snapshot is taken (victims.snapshots.services.take: it stores each team's closed months),
as the beat does at 02:00, and each page is timed (median of ROUNDS requests) against the same
figures in hand-written SQL (the stored months' rows and the statements the page still runs live,
as a person would write them, through the same connection), with the page's statements counted.

PostgreSQL, as the service runs at this scale: a throw-away database for each size, or
BENCH_DATABASE_URL's (emptied first, each time).
"""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import select, text

from victims import clock, create_app
from victims.extensions import db

SIZES = (15_000, 150_000)
ROUNDS = 5
TODAY = clock.today()
GROUP = "Oversight"


def national_size(cases: int):
    """The national data set's shape at a size: the same 400 VLOs; below 100,000 cases, caseloads
    a tenth as large. Few audit events: these pages never read the audit trail."""
    from victims.demo.national import NationalSize

    if cases >= 100_000:
        return NationalSize(cases=cases, audit_events=10_000)
    return NationalSize(cases=cases, caseload_low=25, caseload_high=35, audit_events=1_000)


def build(app, cases: int) -> tuple[tuple[int, str], tuple[int, str], int]:
    """Load the data set and take tonight's snapshot: the national and the regional manager
    (id and password each) and the regional manager's region's id."""
    from victims.demo.national import load_national
    from victims.snapshots import services as snapshots
    from victims.staff.models import User

    with app.app_context():
        users = load_national(national_size(cases), echo=lambda _line: None)
        snapshots.take(TODAY)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE compliance_months")
            connection.exec_driver_sql("VACUUM ANALYZE snapshots")
        regional = users.regional_manager
        region_id = db.session.scalar(select(User.region_id).where(User.id == regional.user_id))
        national = users.national_manager
        return (national.user_id, national.password), (regional.user_id, regional.password), region_id


# --- the same figures, written by hand -----------------------------------------------------------

CODES = (
    "initial_contact",
    "initial_contact_from_sentence",
    "vns_initial_contact",
    "pre_release_window",
    "licence_representations",
    "licence_outcome",
)

# Each outcome a count of its own, grouped by the child scope and the rule code (mapped to a
# measure when read), as a person would write it for PostgreSQL.
OUTCOMES = """
       count(*) FILTER (WHERE d.status = 'met' AND coalesce(d.days_late, 0) = 0),
       count(*) FILTER (WHERE d.status = 'met' AND d.days_late > 0),
       count(*) FILTER (WHERE (d.status = 'open' AND d.due_on < :today)
                           OR (d.status = 'closed' AND d.due_on < date(c.closed_at))),
       count(*) FILTER (WHERE d.status = 'open' AND d.due_on >= :today)
"""

RAW_STORED = """SELECT month, region_id, team_id, figures FROM compliance_months
WHERE taken_on = (SELECT max(taken_on) FROM compliance_months WHERE taken_on <= :today) {swhere}"""

RAW_DEADLINES = (
    "SELECT {child} AS child, d.code,"
    + OUTCOMES
    + """
FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE (d.code IN ({codes}) OR d.code LIKE 'event\\_%' ESCAPE '\\')
  AND d.due_on BETWEEN :live_from AND :live_to {where}
GROUP BY 1, 2
"""
)

# The monthly trend's live month (this one): its other months are stored.
RAW_MONTHLY = (
    "SELECT d.code,"
    + OUTCOMES
    + """
FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE (d.code IN ({codes}) OR d.code LIKE 'event\\_%' ESCAPE '\\')
  AND d.due_on BETWEEN :month_first AND :month_last {where}
GROUP BY 1
"""
)

# Overdue work due this month (the rest is stored), training and VLOs now.
RAW_NOW = (
    """SELECT {child}, count(*) FROM deadlines d JOIN cases c ON c.id = d.case_id
       WHERE d.status = 'open' AND d.due_on >= :month_first AND d.due_on < :today {where} GROUP BY 1""",
    """SELECT {child}, count(*) FROM tasks t JOIN deadlines d ON d.id = t.deadline_id
       JOIN cases c ON c.id = t.case_id
       WHERE t.status = 'open' AND d.due_on >= :month_first AND d.due_on < :today {where} GROUP BY 1""",
    """SELECT {uchild}, r.course, count(DISTINCT u.id)
       FROM training_records r JOIN users u ON u.id = r.user_id
       WHERE u.role = 'vlo' AND u.active AND r.completed_on <= :today
         AND (r.expires_on IS NULL OR r.expires_on >= :today) {uwhere} GROUP BY 1, 2""",
    """SELECT {uchild}, count(*) FROM users u WHERE u.role = 'vlo' AND u.active {uwhere} GROUP BY 1""",
)

# Letters and contact in the period's live part (this month's, for "this month").
RAW_PERIOD = (
    """SELECT {child}, count(*) FROM contact_log_entries e JOIN cases c ON c.id = e.case_id
       WHERE e.outcome = 'returned_mail' AND e.occurred_at >= :from_at AND e.occurred_at < :to_at {where}
       GROUP BY 1""",
    """SELECT {child}, sum(CASE WHEN p.contact_lost_on BETWEEN :live_from AND :live_to THEN 1 ELSE 0 END),
              sum(CASE WHEN p.contact_regained_on BETWEEN :live_from AND :live_to THEN 1 ELSE 0 END)
       FROM people p JOIN cases c ON c.id = p.case_id
       WHERE (p.contact_lost_on BETWEEN :live_from AND :live_to
              OR p.contact_regained_on BETWEEN :live_from AND :live_to) {where} GROUP BY 1""",
)


def raw_figures(region_id: int | None, live: tuple[date, date] | None) -> None:
    """The page's figures by hand: the stored months' rows, then what the page works out live
    (`live`: the period's days not stored, if any), no ORM, no template."""
    from victims.domain.calendar import LONDON
    from victims.domain.compliance import month_end, month_start

    child, uchild = ("c.team_id", "u.team_id") if region_id else ("c.region_id", "u.region_id")
    where = "AND c.region_id = :region" if region_id else ""
    uwhere = "AND u.region_id = :region" if region_id else ""
    swhere = "AND region_id = :region" if region_id else ""
    codes = ", ".join(f"'{code}'" for code in CODES)
    first = month_start(TODAY)
    params = {
        "today": TODAY,
        "region": region_id,
        "month_first": first,
        "month_last": month_end(first),
    }
    if live:
        params.update(
            live_from=live[0],
            live_to=live[1],
            from_at=datetime.combine(live[0], datetime.min.time(), LONDON),
            to_at=datetime.combine(live[1] + timedelta(days=1), datetime.min.time(), LONDON),
        )
    session = db.session
    session.execute(text(RAW_STORED.format(swhere=swhere)), params).all()
    for statement in RAW_NOW:
        session.execute(
            text(statement.format(child=child, uchild=uchild, where=where, uwhere=uwhere)), params
        ).all()
    if live:
        session.execute(text(RAW_DEADLINES.format(child=child, codes=codes, where=where)), params).all()
        for statement in RAW_PERIOD:
            session.execute(text(statement.format(child=child, where=where)), params).all()
    session.execute(text(RAW_MONTHLY.format(codes=codes, where=where)), params).all()
    session.execute(
        text("SELECT id, name FROM teams WHERE region_id = :region ORDER BY name")
        if region_id
        else text("SELECT id, name FROM regions ORDER BY name"),
        params,
    ).all()


def time_raw(app, region_id: int | None, live: tuple[date, date] | None, rounds: int) -> float:
    timings = []
    with app.app_context():
        raw_figures(region_id, live)  # warm up
        for _ in range(rounds):
            started = time.perf_counter()
            raw_figures(region_id, live)
            timings.append(time.perf_counter() - started)
        db.session.rollback()
    return statistics.median(timings) * 1000


def measure_size(app, national: tuple[int, str], regional: tuple[int, str], region_id: int) -> dict:
    """{(page name): (median ms, raw ms, statements)} on a loaded database."""
    from bench.__main__ import measure, sign_in
    from victims.domain.compliance import Preset, month_end, month_start, preset_period

    found = {}
    clients = {"National": sign_in(app, *national), "Regional": sign_in(app, *regional)}
    this_month = (month_start(TODAY), month_end(month_start(TODAY)))
    for preset in (Preset.THIS_MONTH, Preset.LAST_MONTH, Preset.LAST_12_MONTHS):
        preset_period(preset, TODAY)  # a preset the page knows
        live = this_month if preset == Preset.THIS_MONTH else None
        for name, scope, region in (
            ("National", "national", None),
            ("Regional", f"region:{region_id}", region_id),
        ):
            path = f"/management/compliance/?scope={scope}&period={preset.value}"
            ms, statements = measure(app, clients[name], path, ROUNDS)
            raw = time_raw(app, region, live, ROUNDS)
            found[f"{name} compliance, {preset.label.lower()}"] = (ms, raw, statements)
    return found


def main() -> list[dict]:
    from bench.__main__ import postgres_database

    by_size: dict[int, dict] = {}
    for cases in SIZES:
        with postgres_database(f"vcs_bench_compliance_{cases // 1000}k") as url:
            app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
            with app.app_context():
                upgrade()
            started = time.perf_counter()
            national, regional, region_id = build(app, cases)
            print(
                f"Compliance: {cases:,} cases loaded and tonight's snapshot taken in "
                f"{time.perf_counter() - started:.0f} s"
            )
            by_size[cases] = measure_size(app, national, regional, region_id)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    return report(by_size)


def report(by_size: dict[int, dict]) -> list[dict]:
    """Print the table and return its rows for `make bench`: each page at the largest size, with
    its ratio to the smallest (the scale rule: at most 1.5)."""
    small, large = SIZES[0], SIZES[-1]
    print(f"PostgreSQL, median of {ROUNDS}; ratio: time at {large:,} / time at {small:,} cases")
    print(f"{'page':<42}{'cases':>9}{'median ms':>11}{'raw SQL ms':>12}{'statements':>12}{'x size':>8}")
    rows = []
    for page, (ms, raw, statements) in by_size[large].items():
        before = by_size[small][page][0]
        for cases in SIZES:
            at = by_size[cases][page]
            scale = f"{ms / before:>8.2f}" if cases == large else ""
            print(f"{page:<42}{cases:>9,}{at[0]:>11.1f}{at[1]:>12.1f}{at[2]:>12}{scale}")
        rows.append(
            {
                "group": GROUP,
                "name": page,
                "median_ms": round(ms, 1),
                "raw_ms": round(raw, 1),
                "ratio": round(ms / before, 2),
                "statements": statements,
                "note": f"ratio: {large:,} vs {small:,} cases ({before:.1f} ms); page / raw SQL "
                f"{ms / raw:.1f}; statements at {small:,}: {by_size[small][page][2]}",
            }
        )
    return rows


if __name__ == "__main__":
    main()
