"""The national and a regional caseload balance and feedback page at national scale (issue 15), at
15,000 and at 150,000 cases, and the ratio between the two (issue 16: at most 1.5).

Builds, straight into a throw-away PostgreSQL database, 12 regions × 3 teams with 400 VLOs, and a
year of daily snapshots for every VLO, team and region (about 163,000 rows), then times each page
(median of ROUNDS requests, with its statement count) against the same figures read by hand-written
raw SQL on the same connection pool: the page's ratio to its raw SQL is what the page itself adds
(the ORM, the charts, the template). The pages read the snapshots, never the cases, so the
country's cases are not built: they would change nothing here. So the two sizes differ in what
grows with the cases: the feedback pages read a year of responses, 120,000 at 150,000 cases (12,000
at 15,000), one in ten with a comment; the balance pages read the same 400 VLOs' snapshots at both
sizes (the staff do not grow with the cases in this comparison, as in bench/compliance.py).

BENCH_DATABASE_URL picks an existing PostgreSQL database instead of a throw-away one.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date, timedelta

from flask_migrate import upgrade
from sqlalchemy import insert, select, text

from victims import clock, create_app
from victims.extensions import db

TEAMS_EACH = 3
VLOS = 400
DAYS = 365
ROUNDS = 10


def build(app, today: date, feedback: int = 120_000) -> tuple[int, int, int]:
    """The national manager's id, a regional manager's id and their region's id."""
    from bench.__main__ import write_rows
    from tests.factories import Factory
    from victims.domain.oversight import Level
    from victims.domain.vocabulary import Role
    from victims.feedback.models import FeedbackResponse
    from victims.snapshots.balance import VloBalance, group_figures, vlo_figures
    from victims.snapshots.models import Snapshot
    from victims.staff.models import Region, User
    from victims.workforce.peaks import SpoWorkload

    chance = random.Random(15)
    with app.app_context():
        make = Factory(db.session)
        regions = list(db.session.scalars(select(Region).order_by(Region.id)))
        teams = [
            make.team(region, name=f"{region.name} team {n + 1}")
            for region in regions
            for n in range(TEAMS_EACH)
        ]
        national = make.user(Role.MANAGER, region=regions[0], national=True)
        regional = make.user(Role.MANAGER, region=regions[0])
        db.session.flush()
        now = clock.utcnow()
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"vlo{n}@bench.example",
                    "name": f"Bench Officer {n:03d}",
                    "role": Role.VLO.value,
                    "region_id": teams[n % len(teams)].region_id,
                    "team_id": teams[n % len(teams)].id,
                    "national": False,
                    "contracted_hours": 37,
                    "active": True,
                    "password_hash": "not-used",
                    "totp_confirmed": False,
                    "created_at": now,
                    "version": 1,
                }
                for n in range(VLOS)
            ],
        )
        vlos = db.session.execute(
            select(User.id, User.team_id, User.region_id).where(User.email.like("%@bench.example"))
        ).all()
        base = {vlo.id: chance.randint(180, 380) for vlo in vlos}
        rows = []
        for days_ago in range(DAYS):
            day = today - timedelta(days=days_ago)
            drift = 1 + 0.05 * ((days_ago % 120) / 120)
            by_team: dict[int, list[VloBalance]] = {}
            for vlo in vlos:
                cases = round(base[vlo.id] * drift)
                points = cases * 8
                balance = VloBalance(
                    vlo.id,
                    "",
                    vlo.team_id,
                    vlo.region_id,
                    cases,
                    cases + cases // 3,
                    points,
                    2400,
                    round(points * 100 / 2400),
                    cases // 10,
                    cases // 4,
                )
                by_team.setdefault(vlo.team_id, []).append(balance)
                rows.append(
                    _row(day, Level.VLO, vlo.id, vlo.region_id, vlo.team_id, vlo_figures(balance), now)
                )
            by_region: dict[int, list[VloBalance]] = {}
            for team in teams:
                members = by_team.get(team.id, [])
                spo = SpoWorkload(5, 1, 1, 12, 20, 30, len(members))
                rows.append(
                    _row(
                        day,
                        Level.TEAM,
                        team.id,
                        team.region_id,
                        team.id,
                        group_figures(members, [spo], 40, 120),
                        now,
                    )
                )
                by_region.setdefault(team.region_id, []).extend(members)
            for region in regions:
                members = by_region.get(region.id, [])
                spos = [SpoWorkload(5, 1, 1, 12, 20, 30, 0)] * TEAMS_EACH
                rows.append(
                    _row(
                        day,
                        Level.REGION,
                        region.id,
                        region.id,
                        None,
                        group_figures(members, spos, 120, 360),
                        now,
                    )
                )
        responses = _responses(teams, today, chance, feedback)
        write_rows(((Snapshot, rows), (FeedbackResponse, responses)), chunk=20_000)
        print(
            f"Built {len(regions)} regions, {len(teams)} teams, {len(vlos)} VLOs, {len(rows):,} snapshots, "
            f"{len(responses):,} feedback responses."
        )
        return national.id, regional.id, regions[0].id


FEEDBACK = 120_000  # responses over the year at 150,000 cases: about 10 a day a team
SIZES = (15_000, 150_000)
GROUP = "Oversight"
COMMENTED = 10  # one in ten responses has a comment (encrypted, as the service keeps them)
COMMENT = "The letter came the day before he was released."


def _responses(teams, today: date, chance: random.Random, count: int = 120_000) -> list[dict]:
    from victims.domain.oversight import Answer, FeedbackAbout, FeedbackSource

    answers, abouts = list(Answer), list(FeedbackAbout)
    now = clock.utcnow()
    return [
        {
            "team_id": (team := teams[number % len(teams)]).id,
            "region_id": team.region_id,
            "source": FeedbackSource.LINK if number % 3 else FeedbackSource.CALL,
            "about": abouts[number % len(abouts)],
            "language": "cy" if number % 17 == 0 else "en",
            "satisfaction": chance.randint(1, 5),
            "kept_informed": chance.choice(answers),
            "felt_safer": chance.choice(answers),
            "comments": "The letter came the day before he was released."
            if number % COMMENTED == 0
            else None,
            "received_on": today - timedelta(days=chance.randrange(365)),
            "created_at": now,
        }
        for number in range(count)
    ]


def _row(day, level, subject_id, region_id, team_id, figures, now) -> dict:
    return {
        "taken_on": day,
        "level": level,
        "subject_id": subject_id,
        "region_id": region_id,
        "team_id": team_id,
        "figures": figures,
        "taken_at": now,
    }


# The same figures by hand: the latest day, its rows, the names of who is above, the trend (a
# point a week, as the page draws it).
RAW_NATIONAL = [
    "SELECT id, name FROM regions ORDER BY name",
    "SELECT level, subject_id, region_id, team_id, figures FROM snapshots "
    "WHERE region_id = ANY(:regions) AND level IN ('region', 'vlo') AND taken_on = "
    "(SELECT max(taken_on) FROM snapshots WHERE level = 'region' AND region_id = ANY(:regions))",
    "SELECT u.id, u.name FROM users u JOIN snapshots s ON s.subject_id = u.id AND s.level = 'vlo' "
    "WHERE s.region_id = ANY(:regions) AND s.taken_on = "
    "(SELECT max(taken_on) FROM snapshots WHERE level = 'region' AND region_id = ANY(:regions)) "
    "AND ((s.figures->>'capacity')::int > 100 OR (s.figures->>'open_cases')::int > 350)",
    "SELECT taken_on, figures FROM snapshots WHERE level = 'region' AND taken_on = ANY(:days)",
]
# The feedback page by hand: the groups, the tally by group and subject, by month, the comments.
RAW_FEEDBACK_NATIONAL = [
    "SELECT id, name FROM regions ORDER BY name",
    "SELECT region_id, about, count(*), sum(satisfaction), "
    "sum(CASE WHEN kept_informed = 'yes' THEN 1 ELSE 0 END), count(kept_informed), "
    "sum(CASE WHEN felt_safer = 'yes' THEN 1 ELSE 0 END), count(felt_safer) "
    "FROM feedback_responses WHERE received_on BETWEEN :start AND :end GROUP BY region_id, about",
    "SELECT to_char(received_on, 'YYYY-MM'), count(*), sum(satisfaction), "
    "sum(CASE WHEN kept_informed = 'yes' THEN 1 ELSE 0 END), count(kept_informed), "
    "sum(CASE WHEN felt_safer = 'yes' THEN 1 ELSE 0 END), count(felt_safer) "
    "FROM feedback_responses WHERE received_on BETWEEN :start AND :end GROUP BY 1",
    "SELECT received_on, comments FROM feedback_responses WHERE comments IS NOT NULL "
    "AND received_on BETWEEN :start AND :end ORDER BY received_on DESC, id DESC LIMIT 50",
]
RAW_FEEDBACK_REGION = [
    "SELECT id, name FROM teams WHERE region_id = :region ORDER BY name",
    "SELECT team_id, about, count(*), sum(satisfaction), "
    "sum(CASE WHEN kept_informed = 'yes' THEN 1 ELSE 0 END), count(kept_informed), "
    "sum(CASE WHEN felt_safer = 'yes' THEN 1 ELSE 0 END), count(felt_safer) "
    "FROM feedback_responses WHERE region_id = :region AND received_on BETWEEN :start AND :end "
    "GROUP BY team_id, about",
    "SELECT to_char(received_on, 'YYYY-MM'), count(*), sum(satisfaction), "
    "sum(CASE WHEN kept_informed = 'yes' THEN 1 ELSE 0 END), count(kept_informed), "
    "sum(CASE WHEN felt_safer = 'yes' THEN 1 ELSE 0 END), count(felt_safer) "
    "FROM feedback_responses WHERE region_id = :region AND received_on BETWEEN :start AND :end GROUP BY 1",
    "SELECT received_on, comments FROM feedback_responses WHERE comments IS NOT NULL AND region_id = :region "
    "AND received_on BETWEEN :start AND :end ORDER BY received_on DESC, id DESC LIMIT 50",
]
RAW_REGION = [
    "SELECT id, name FROM teams WHERE region_id = :region ORDER BY name",
    "SELECT level, subject_id, region_id, team_id, figures FROM snapshots WHERE region_id = :region "
    "AND taken_on = (SELECT max(taken_on) FROM snapshots WHERE level = 'region' AND region_id = :region)",
    "SELECT u.id, u.name FROM users u JOIN snapshots s ON s.subject_id = u.id AND s.level = 'vlo' "
    "WHERE s.region_id = :region AND s.taken_on = "
    "(SELECT max(taken_on) FROM snapshots WHERE level = 'region' AND region_id = :region) "
    "AND ((s.figures->>'capacity')::int > 100 OR (s.figures->>'open_cases')::int > 350)",
    "SELECT taken_on, figures FROM snapshots "
    "WHERE level = 'region' AND subject_id = :region AND taken_on = ANY(:days)",
]


def raw(app, statements: list[str], params: dict) -> float:
    """The median milliseconds of running the statements and reading every row."""
    timings = []
    with app.app_context():
        for _ in range(ROUNDS + 1):
            start = time.perf_counter()
            with db.engine.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement), params).all()
            timings.append(time.perf_counter() - start)
    return statistics.median(timings[1:]) * 1000


def main() -> list[dict]:
    by_size = {cases: measure_size(cases) for cases in SIZES}
    small, large = SIZES[0], SIZES[-1]
    print(f"PostgreSQL, median of {ROUNDS}; x size: time at {large:,} / time at {small:,} cases")
    print(
        f"{'page':<20}{'cases':>9}{'median ms':>10}{'raw SQL ms':>12}{'ratio':>8}{'statements':>12}"
        f"{'x size':>8}"
    )
    rows = []
    for name, (ms, raw_ms, count) in by_size[large].items():
        before = by_size[small][name][0]
        for cases in SIZES:
            at_ms, at_raw, at_count = by_size[cases][name]
            scale = f"{ms / before:>8.2f}" if cases == large else ""
            print(
                f"{name:<20}{cases:>9,}{at_ms:>10.1f}{at_raw:>12.1f}{at_ms / at_raw:>8.1f}{at_count:>12}"
                f"{scale}"
            )
        rows.append(
            {
                "group": GROUP,
                "name": name,
                "median_ms": round(ms, 1),
                "raw_ms": round(raw_ms, 1),
                "ratio": round(ms / before, 2),
                "statements": count,
                "note": f"ratio: {large:,} vs {small:,} cases ({before:.1f} ms); page / raw SQL "
                f"{ms / raw_ms:.1f}; statements at {small:,}: {by_size[small][name][2]}",
            }
        )
    return rows


def measure_size(cases: int) -> dict[str, tuple[float, float, int]]:
    """Build the country at a size (feedback in proportion to the cases) and time each page."""
    from bench.__main__ import measure, postgres_database, sign_in
    from tests.factories import PASSWORD
    from victims.feedback.queries import period_from_key
    from victims.snapshots.queries import trend_days

    today = clock.today()
    found = {}
    with postgres_database(f"vcs_bench_dashboards_{cases // 1000}k") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
        national_id, regional_id, region_id = build(app, today, FEEDBACK * cases // 150_000)
        with app.app_context():
            region_ids = list(db.session.scalars(text("SELECT id FROM regions")))
        # The feedback page's default period: the 12 months to the end of this month.
        period = period_from_key(None, today)
        clients: dict[int, object] = {}
        for name, user_id, path, statements in (
            ("National balance", national_id, "/management/", RAW_NATIONAL),
            ("Regional balance", regional_id, f"/management/regions/{region_id}", RAW_REGION),
            ("National feedback", national_id, "/management/feedback?scope=national", RAW_FEEDBACK_NATIONAL),
            ("Regional feedback", regional_id, "/management/feedback", RAW_FEEDBACK_REGION),
        ):
            if user_id not in clients:  # once each: a security code cannot be used twice
                clients[user_id] = sign_in(app, user_id, PASSWORD)
            ms, count = measure(app, clients[user_id], path, ROUNDS)
            params = {
                "region": region_id,
                "regions": region_ids,
                "days": trend_days(today),
                "start": period.start,
                "end": period.end,
            }
            found[name] = (ms, raw(app, statements, params), count)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return found


if __name__ == "__main__":
    main()
