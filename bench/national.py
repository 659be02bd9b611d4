"""Every page of bench.pages on the national data set (victims.demo.national), at one size.

`run(size_name)` loads the data set into a throw-away PostgreSQL database (or BENCH_DATABASE_URL's,
emptied first), signs each user in once (a security code cannot be used twice), and for each page
times the median of a few GETs (bench.__main__.measure: statements counted too) and the page's
hand-written SQL on the same connection pool. Then, when asked, it runs the load test
(bench.load) on the same database before dropping it.

Sizes: "national" (NationalSize(): 150,000 cases), "tenth" (15,000 cases, 40 VLOs, 250,000 audit
events) and "demo" (the demo data set, a couple of thousand cases in one region: a quick check
of the harness itself, not a figure to quote).
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import statistics
import time
from dataclasses import dataclass, field

from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import text

from bench.pages import PAGES, Page
from victims import clock, create_app
from victims.extensions import db

# Time spent measuring one page: rounds = this / one GET, within ROUNDS.
TARGET_SECONDS = float(os.environ.get("BENCH_PAGE_SECONDS", "2"))
ROUNDS = (3, 15)
# The nightly job whose rows the oversight pages read (the snapshot stores the compliance
# months too), run and timed once after loading.
JOBS = ("Nightly snapshot (balance and compliance months)",)

# One set of keys for the whole run: the data set is encrypted with them in this process, and the
# load test's gunicorn must read it with the same.
KEYS = {
    "SECRET_KEY": secrets.token_hex(32),
    "FIELD_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
    "BLIND_INDEX_KEY": secrets.token_hex(32),
}


@dataclass
class SizeRun:
    size: str
    cases: int = 0
    load_seconds: float = 0.0
    postgres: str = ""
    sized: dict = field(default_factory=dict)  # the NationalSize's fields
    jobs: dict[str, float] = field(default_factory=dict)  # a job's name -> milliseconds, once
    rows: dict[str, dict] = field(default_factory=dict)  # page name -> result
    load_test: list[dict] = field(default_factory=list)


def sizes():
    """The NationalSize of each named size (imported here: the seed helper's module)."""
    from victims.demo.national import NationalSize

    return {
        "national": NationalSize(),
        "tenth": NationalSize(cases=15_000, vlos=40, audit_events=250_000),
    }


def app_for(url: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=url, **KEYS)


def load(app, size_name: str, echo=print):
    """Load the data set; the users who sign in (as NationalUsers, or the demo's likeness)."""
    with app.app_context():
        upgrade()
        if size_name == "demo":
            return _load_demo(echo)
        from victims.demo.national import load_national

        return load_national(sizes()[size_name], echo=echo)


@dataclass(frozen=True)
class _SignIn:
    role: str
    email: str
    password: str
    user_id: int


@dataclass(frozen=True)
class _DemoUsers:
    vlo_350: _SignIn
    vlo_35: _SignIn
    spo: _SignIn
    regional_manager: _SignIn
    national_manager: _SignIn
    sample_case_id: int


def _load_demo(echo) -> _DemoUsers:
    """The demo data standing in for the national set: the VLO holding most cases and the one
    holding fewest, the first SPO, the regional and the national manager."""
    from victims.demo.data import load_demo
    from victims.demo.staff import demo_password

    load_demo(echo=lambda *_args, **_kw: None)
    held = db.session.execute(
        text(
            "SELECT u.id, u.email, count(c.id) AS n FROM users u JOIN cases c ON c.allocated_vlo_id = u.id "
            "AND c.status = 'open' WHERE u.role = 'vlo' GROUP BY u.id, u.email ORDER BY n DESC, u.id"
        )
    ).all()

    def who(role: str, where: str) -> _SignIn:  # `where`: this function's own fragments
        user_id, email = db.session.execute(
            text(f"SELECT id, email FROM users WHERE role = :role AND {where} ORDER BY id LIMIT 1"),  # noqa: S608
            {"role": role},
        ).one()
        return _SignIn(role, email, demo_password(email), user_id)

    most, fewest = held[0], held[-1]
    case_id = db.session.scalar(
        text("SELECT id FROM cases WHERE allocated_vlo_id = :vlo AND status = 'open' ORDER BY id LIMIT 1"),
        {"vlo": most.id},
    )
    echo(f"Demo data: VLOs hold {most.n} to {fewest.n} open cases.")
    return _DemoUsers(
        _SignIn("vlo", most.email, demo_password(most.email), most.id),
        _SignIn("vlo", fewest.email, demo_password(fewest.email), fewest.id),
        who("spo", f"team_id = (SELECT team_id FROM users WHERE id = {int(most.id)})"),  # noqa: S608
        who("manager", "NOT national"),
        who("manager", "national"),
        case_id,
    )


def add_records(users, echo=print) -> None:
    """What the national data set does not hold, made through the services on the VLO's cases so
    their pages can be measured: a letter draft, a request for an exclusion zone (its map with it),
    and a transfer into the SPO's team from another team."""
    from victims.cases import services as case_services
    from victims.cases.models import Case
    from victims.domain.letters import LetterType
    from victims.domain.prerelease import ConditionType
    from victims.letters import services as letters
    from victims.people.models import Person
    from victims.prerelease import services as prerelease
    from victims.refusals import Refused
    from victims.staff.models import Team, User

    vlo = db.session.get(User, users.vlo_350.user_id)
    people = db.session.execute(
        text(
            "SELECT p.case_id, p.id FROM people p JOIN cases c ON c.id = p.case_id "
            "WHERE c.allocated_vlo_id = :vlo AND c.status = 'open' AND p.relationship = 'victim' "
            "AND p.contact_level = 'key_stages' AND NOT p.contact_lost ORDER BY c.id, p.id LIMIT 20"
        ),
        {"vlo": vlo.id},
    ).all()
    other = db.session.execute(
        text(
            "SELECT c.id, u.id FROM cases c JOIN users u ON u.team_id = c.team_id AND u.role = 'spo' "
            "WHERE c.team_id <> :team AND c.status = 'open' ORDER BY c.id LIMIT 1"
        ),
        {"team": vlo.team_id},
    ).first()
    made = {
        "a letter draft": lambda case, person: letters.start_draft(
            case, person, LetterType.INITIAL_CONTACT, vlo
        ),
        "an exclusion-zone request": lambda case, person: prerelease.add_request(
            case, person, ConditionType.EXCLUSION_ZONE, "Keep him away from where I live.", vlo
        ),
        "a transfer": lambda _case, _person: case_services.request_transfer(
            db.session.get(Case, other[0]),
            db.session.get(Team, vlo.team_id),
            "The family moved into this team's area.",
            db.session.get(User, other[1]),
        ),
    }
    for number, (what, make) in enumerate(made.items()):
        case_id, person_id = people[number % len(people)]
        try:
            make(db.session.get(Case, case_id), db.session.get(Person, person_id))
            db.session.commit()
        except Refused as refused:
            db.session.rollback()
            echo(f"Could not make {what}: {refused}")


def snapshot(echo=print) -> float:
    """Take today's nightly snapshot (what the balance pages read), timed: milliseconds."""
    from victims.snapshots import services as snapshots

    started = time.perf_counter()
    rows = snapshots.take(clock.today())
    db.session.commit()
    took = (time.perf_counter() - started) * 1000
    echo(f"Nightly snapshot: {rows:,} rows in {took / 1000:.1f} s")
    return took


def ids(users) -> dict:
    """What the pages' paths and the raw SQL name, found in the loaded data: the VLO's sample
    case and records of other kinds on the VLO's (or the team's) cases."""
    vlo = users.vlo_350.user_id
    one = lambda sql, **params: db.session.scalar(text(sql), params)  # noqa: E731
    team, region = db.session.execute(
        text("SELECT team_id, region_id FROM users WHERE id = :vlo"), {"vlo": vlo}
    ).one()
    case = users.sample_case_id
    if one("SELECT allocated_vlo_id FROM cases WHERE id = :case", case=case) != vlo:
        case = one(
            "SELECT id FROM cases WHERE allocated_vlo_id = :vlo AND status = 'open' ORDER BY id LIMIT 1",
            vlo=vlo,
        )
    on_team = (
        "SELECT {what} FROM {table} x JOIN cases c ON c.id = x.case_id WHERE c.team_id = :team "
        "ORDER BY x.id LIMIT 1"
    )
    today = clock.today()
    return {
        "vlo": vlo,
        "vlo_35": users.vlo_35.user_id,
        "spo": users.spo.user_id,
        "team": team,
        "region": region,
        "regions": list(db.session.scalars(text("SELECT id FROM regions"))),
        "case": case,
        "surname": one(
            "SELECT o.last_name FROM cases c JOIN offenders o ON o.id = c.offender_id WHERE c.id = :case",
            case=case,
        ),
        "letter": one(on_team.format(what="x.id", table="letters"), team=team),
        "condition": one(on_team.format(what="x.id", table="condition_requests"), team=team),
        "zone": one(on_team.format(what="x.id", table="exclusion_zones"), team=team),
        "transfer": one(
            "SELECT id FROM case_transfers WHERE to_team_id = :team AND status = 'requested' "
            "ORDER BY id LIMIT 1",
            team=team,
        )
        or one("SELECT id FROM case_transfers WHERE to_team_id = :team ORDER BY id LIMIT 1", team=team),
        "unallocated": one(
            "SELECT id FROM cases WHERE team_id = :team AND status = 'open' AND allocated_vlo_id IS NULL "
            "ORDER BY id LIMIT 1",
            team=team,
        ),
        "closed": one(
            "SELECT id FROM cases WHERE team_id = :team AND status = 'closed' ORDER BY id LIMIT 1", team=team
        ),
        "today": today,
    }


def raw_params(found: dict) -> dict:
    from victims.feedback.queries import period_from_key
    from victims.snapshots.queries import trend_days

    feedback = period_from_key(None, found["today"])
    return {
        **found,
        "like": f"%{found['surname']}%",
        "days": trend_days(found["today"]),
        "start": feedback.start,
        "end": feedback.end,
    }


def time_raw(app, raw, params: dict, rounds: int) -> float:
    """The median milliseconds of the hand-written SQL (every row read), after one to warm up."""
    timings = []
    with app.app_context():
        for _ in range(rounds + 1):
            start = time.perf_counter()
            if callable(raw):
                raw(params)
                db.session.rollback()
            else:
                with db.engine.connect() as connection:
                    for statement in raw:
                        names = {name for name in params if f":{name}" in statement}
                        connection.execute(text(statement), {name: params[name] for name in names}).all()
            timings.append(time.perf_counter() - start)
        db.session.remove()
    return statistics.median(timings[1:]) * 1000


def measure_pages(app, users, pages: list[Page] = PAGES, echo=print) -> dict[str, dict]:
    from bench.__main__ import measure, sign_in

    with app.app_context():
        found = ids(users)
        db.session.remove()
    params = raw_params(found)
    clients: dict[str, object] = {}
    results: dict[str, dict] = {}
    for page in pages:
        row = {"group": page.group, "name": page.name, "path": page.path, "endpoint": page.endpoint}
        results[page.name] = row
        try:
            path = page.path.format(**found)
        except KeyError as missing:
            row["note"] = f"no {missing} in the data"
            continue
        if "None" in path:
            row["note"] = "no such record in the data"
            continue
        who = getattr(users, page.who)
        if page.who not in clients:  # once each: a security code cannot be used twice
            clients[page.who] = sign_in(app, who.user_id, who.password)
        client = clients[page.who]
        started = time.perf_counter()
        probe = client.get(path)
        probe.get_data()
        once = time.perf_counter() - started
        if probe.status_code != 200:
            row["note"] = f"HTTP {probe.status_code}"
            continue
        rounds = max(ROUNDS[0], min(ROUNDS[1], int(TARGET_SECONDS / max(once, 1e-3))))
        ms, statements = measure(app, client, path, rounds)
        row.update(median_ms=ms, statements=statements, rounds=rounds)
        if page.raw:
            row["raw_ms"] = time_raw(app, page.raw, params, rounds)
            row["ratio"] = ms / row["raw_ms"]
        echo(f"  {page.group:<8}{page.name:<40}{ms:>9.1f} ms{statements:>5} statements")
    return results


def run(size_name: str, *, load_test: bool = False, echo=print) -> SizeRun:
    from bench.__main__ import postgres_database

    result = SizeRun(size_name)
    with postgres_database(f"bench_national_{size_name}") as url:
        app = app_for(url)
        started = time.perf_counter()
        users = load(app, size_name, echo=echo)
        result.load_seconds = time.perf_counter() - started
        with app.app_context():
            if size_name != "demo":  # the demo has its own examples and a year of snapshots
                add_records(users, echo=echo)
                result.jobs[JOBS[0]] = snapshot(echo=echo)
            if size_name == "demo":  # load_national analyses what it wrote; the demo does not
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.exec_driver_sql("ANALYZE")
            result.cases = db.session.scalar(text("SELECT count(*) FROM cases"))
            result.postgres = db.session.scalar(text("SHOW server_version"))
            db.session.remove()
        if size_name != "demo":
            result.sized = dataclasses.asdict(sizes()[size_name])
        echo(f"Loaded {size_name} ({result.cases:,} cases) in {result.load_seconds:.1f} s; measuring pages")
        result.rows = measure_pages(app, users, echo=echo)
        for name, ms in result.jobs.items():
            result.rows[name] = {
                "group": "Jobs",
                "name": name,
                "median_ms": ms,
                "note": "once, after loading",
            }
        if load_test:
            from bench import load as load_bench

            result.load_test = load_bench.run(app, url, KEYS, echo=echo)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return result
