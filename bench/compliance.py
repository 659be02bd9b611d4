"""The compliance pages at national scale (issue 15): the national page and a region's.

Builds the country in bulk, shaped like the real one: 12 regions x 3 teams x 11 VLOs, 150,000
cases spread over them (an offender, a sentence and a victim each), about 570,000 deadlines due
over the last two years and the next month (initial contact, pre-release, representations,
outcomes, event tasks and annual updates; most met on time, some late, some missed, some closed
with their case), a task for each open deadline, returned letters, lost and regained contact, and
training records. Then times each page (median of ROUNDS requests) against the same figures in
hand-written SQL (the statements a person would write for them, run through the same
connection), and counts the page's statements.

PostgreSQL, as the service runs at this scale: a throw-away database, or BENCH_DATABASE_URL's
(emptied first).
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime, timedelta

from flask_migrate import upgrade
from sqlalchemy import select, text

from victims import clock, create_app
from victims.extensions import db

TEAMS_EACH = 3
VLOS_EACH = 11
CASES = 150_000
ROUNDS = 5
TODAY = clock.today()
DAYS = 760  # deadlines due from about two years ago to a month ahead

# Codes and their share of a case's deadlines (about 3.8 a case).
PLAN = (
    ("initial_contact", 1.0),
    ("pre_release_window", 0.7),
    ("licence_representations", 0.7),
    ("licence_outcome", 0.5),
    ("event_release_date_change", 0.4),
    ("event_recall", 0.2),
    ("annual_update", 0.3),
)


def build(app) -> tuple[int, int, int]:
    """The national manager's id, a regional manager's id and their region's id."""
    from bench.__main__ import offender_and_sentence, write_rows
    from tests.factories import Factory
    from victims.cases.models import Case, ContactLogEntry, Offender, Sentence
    from victims.domain.needs import Course
    from victims.domain.vocabulary import Role
    from victims.people.models import Person
    from victims.staff.models import Region, TrainingRecord, User
    from victims.work.models import CaseDeadline, Task

    with app.app_context():
        make = Factory(db.session)
        regions = list(db.session.scalars(select(Region).order_by(Region.id)))
        national = make.user(Role.MANAGER, region=regions[0], national=True)
        regional = make.user(Role.MANAGER, region=regions[6])
        password_hash = national.password_hash
        teams = [
            make.team(region, name=f"{region.name} {n + 1}") for region in regions for n in range(TEAMS_EACH)
        ]
        db.session.commit()
        now = clock.utcnow()

        def next_id(model) -> int:
            return (db.session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0) + 1

        user_id = next_id(User)
        users, vlos = [], []  # vlos: (id, team)
        for team in teams:
            for n in range(VLOS_EACH):
                number = len(users)
                users.append(
                    {
                        "id": user_id + number,
                        "email": f"vlo{number}@bench.example",
                        "name": f"VLO {number:04d}",
                        "role": Role.VLO.value,
                        "region_id": team.region_id,
                        "team_id": team.id,
                        "national": False,
                        "active": n != VLOS_EACH - 1 or number % 2 == 0,
                        "password_hash": password_hash,
                        "totp_confirmed": False,
                        "version": 1,
                        "created_at": now,
                    }
                )
                vlos.append((user_id + number, team))
        training = []
        for index, (vlo_id, _team) in enumerate(vlos):
            for c, course in enumerate(Course):
                if (index + c) % 4 == 0:
                    continue  # about three in four hold each course
                expires = TODAY + timedelta(days=(index * 37 + c * 101) % 900 - 200)
                training.append(
                    {
                        "user_id": vlo_id,
                        "course": course.value,
                        "completed_on": expires - timedelta(days=730),
                        "expires_on": expires,
                        "recorded_at": now,
                    }
                )
        offender_id, sentence_id, case_id = next_id(Offender), next_id(Sentence), next_id(Case)
        person_id, deadline_id = next_id(Person), next_id(CaseDeadline)
        offenders, sentences, cases, people, deadlines, tasks, letters = [], [], [], [], [], [], []
        start = TODAY - timedelta(days=DAYS - 30)
        for number in range(CASES):
            vlo_id, team = vlos[number % len(vlos)]
            closed = number % 17 == 0
            closed_at = datetime.combine(TODAY - timedelta(days=number % 400), datetime.min.time(), UTC)
            offender, sentence = offender_and_sentence(
                offender_id + number,
                sentence_id + number,
                number,
                now,
                offence_category="violent",
                sentence_type="determinate",
                crd=TODAY + timedelta(days=number % 900),
            )
            offenders.append(offender)
            sentences.append(sentence)
            cases.append(
                {
                    "id": case_id + number,
                    "offender_id": offender_id + number,
                    "sentence_id": sentence_id + number,
                    "region_id": team.region_id,
                    "team_id": team.id,
                    "scheme": "statutory",
                    "status": "closed" if closed else "open",
                    "closed_reason": "other" if closed else None,
                    "closed_at": closed_at if closed else None,
                    "allocated_vlo_id": vlo_id if number % 50 else None,
                    "referral_received_on": date(2024, 7, 1),
                    "version": 1,
                    "created_at": now,
                }
            )
            lost_on = start + timedelta(days=(number * 13) % DAYS) if number % 20 == 0 else None
            people.append(
                {
                    "id": person_id + number,
                    "case_id": case_id + number,
                    "relationship_": "victim",
                    "first_name": "Sam",
                    "last_name": f"Person{number}",
                    "contact_level": "key_stages",
                    "channel": "post",
                    "language": "en",
                    "large_print": False,
                    "contact_lost": bool(lost_on) and number % 40 == 0,
                    "contact_lost_on": lost_on,
                    "contact_regained_on": lost_on + timedelta(days=40) if lost_on and number % 40 else None,
                    "version": 1,
                    "created_at": now,
                }
            )
            if number % 25 == 0:
                letters.append(
                    {
                        "case_id": case_id + number,
                        "person_id": person_id + number,
                        "occurred_at": datetime.combine(
                            start + timedelta(days=(number * 7) % DAYS), datetime.min.time(), UTC
                        ),
                        "recorded_at": now,
                        "user_id": vlo_id,
                        "method": "letter",
                        "direction": "inbound",
                        "outcome": "returned_mail",
                        "summary": "Letter came back.",
                    }
                )
            for k, (code, share) in enumerate(PLAN):
                if (number * 7 + k * 3) % 10 >= share * 10:
                    continue
                due = start + timedelta(days=(number * 31 + k * 97) % DAYS)
                roll = (number + k * 11) % 20
                if due >= TODAY:
                    status, late = "open", None
                elif closed and roll < 2:
                    status, late = "closed", None
                elif roll < 14:
                    status, late = "met", 0
                elif roll < 18:
                    status, late = "met", 1 + roll % 9
                else:
                    status, late = "open", None
                if closed and status == "open":
                    status = "closed"
                identifier = deadline_id + len(deadlines)
                deadlines.append(
                    {
                        "id": identifier,
                        "case_id": case_id + number,
                        "code": code,
                        "due_on": due,
                        "counted_from": due - timedelta(days=20),
                        "rule_version": 1,
                        "rule_number": 20,
                        "status": status,
                        "met_on": due + timedelta(days=late or 0) if status == "met" else None,
                        "days_late": late,
                        "version": 1,
                        "created_at": now,
                    }
                )
                if status == "open":
                    tasks.append(
                        {
                            "case_id": case_id + number,
                            "team_id": team.id,
                            "deadline_id": identifier,
                            "title": "Bench task",
                            "assigned_to_id": vlo_id,
                            "status": "open",
                            "version": 1,
                            "created_at": now,
                        }
                    )
        write_rows(
            (
                (User, users),
                (TrainingRecord, training),
                (Offender, offenders),
                (Sentence, sentences),
                (Case, cases),
                (Person, people),
                (ContactLogEntry, letters),
                (CaseDeadline, deadlines),
                (Task, tasks),
            )
        )
        print(
            f"Compliance: {len(regions)} regions x {TEAMS_EACH} teams x {VLOS_EACH} VLOs, "
            f"{len(cases):,} cases, {len(deadlines):,} deadlines, {len(tasks):,} tasks"
        )
        region_id = regional.region_id
        return national.id, regional.id, region_id


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

RAW_DEADLINES = (
    "SELECT {child} AS child, d.code,"
    + OUTCOMES
    + """
FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE (d.code IN ({codes}) OR d.code LIKE 'event\\_%' ESCAPE '\\')
  AND d.due_on BETWEEN :starts_on AND :ends_on {where}
GROUP BY 1, 2
"""
)

RAW_MONTHLY = (
    "SELECT {bucket} AS month, d.code,"
    + OUTCOMES
    + """
FROM deadlines d JOIN cases c ON c.id = d.case_id
WHERE (d.code IN ({codes}) OR d.code LIKE 'event\\_%' ESCAPE '\\')
  AND d.due_on BETWEEN :first AND :last {where}
GROUP BY 1, 2
"""
)

RAW_OTHERS = (
    """SELECT {child}, count(*) FROM deadlines d JOIN cases c ON c.id = d.case_id
       WHERE d.status = 'open' AND d.due_on < :today {where} GROUP BY 1""",
    """SELECT {child}, count(*) FROM tasks t JOIN deadlines d ON d.id = t.deadline_id
       JOIN cases c ON c.id = t.case_id WHERE t.status = 'open' AND d.due_on < :today {where} GROUP BY 1""",
    """SELECT {child}, count(*) FROM contact_log_entries e JOIN cases c ON c.id = e.case_id
       WHERE e.outcome = 'returned_mail' AND e.occurred_at >= :from_at AND e.occurred_at < :to_at {where}
       GROUP BY 1""",
    """SELECT {child}, sum(CASE WHEN p.contact_lost_on BETWEEN :starts_on AND :ends_on THEN 1 ELSE 0 END),
              sum(CASE WHEN p.contact_regained_on BETWEEN :starts_on AND :ends_on THEN 1 ELSE 0 END)
       FROM people p JOIN cases c ON c.id = p.case_id
       WHERE (p.contact_lost_on BETWEEN :starts_on AND :ends_on
              OR p.contact_regained_on BETWEEN :starts_on AND :ends_on) {where} GROUP BY 1""",
    """SELECT {uchild}, r.course, count(DISTINCT u.id)
       FROM training_records r JOIN users u ON u.id = r.user_id
       WHERE u.role = 'vlo' AND u.active AND r.completed_on <= :today
         AND (r.expires_on IS NULL OR r.expires_on >= :today) {uwhere} GROUP BY 1, 2""",
    """SELECT {uchild}, count(*) FROM users u WHERE u.role = 'vlo' AND u.active {uwhere} GROUP BY 1""",
)


def raw_figures(region_id: int | None, starts_on: date, ends_on: date, *, today: date = TODAY) -> None:
    """The page's figures by hand: the same groupings, no ORM, no template (as of `today`: this
    benchmark's fixed day, or the national benchmark's real one)."""
    from victims.domain.calendar import LONDON
    from victims.domain.compliance import last_months

    child, uchild = ("c.team_id", "u.team_id") if region_id else ("c.region_id", "u.region_id")
    where = "AND c.region_id = :region" if region_id else ""
    uwhere = "AND u.region_id = :region" if region_id else ""
    codes = ", ".join(f"'{code}'" for code in CODES)
    params = {
        "today": today,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "region": region_id,
        "from_at": datetime.combine(starts_on, datetime.min.time(), LONDON),
        "to_at": datetime.combine(ends_on + timedelta(days=1), datetime.min.time(), LONDON),
    }
    session = db.session
    session.execute(text(RAW_DEADLINES.format(child=child, codes=codes, where=where)), params).all()
    months = last_months(today, 12)
    bucket = (
        "CASE "
        + " ".join(
            f"WHEN d.due_on BETWEEN '{first}' AND '{last}' THEN {n}" for n, (first, last) in enumerate(months)
        )
        + " END"
    )
    session.execute(
        text(RAW_MONTHLY.format(bucket=bucket, codes=codes, where=where)),
        {**params, "first": months[0][0], "last": months[-1][1]},
    ).all()
    for statement in RAW_OTHERS:
        session.execute(
            text(statement.format(child=child, uchild=uchild, where=where, uwhere=uwhere)), params
        ).all()
    session.execute(
        text("SELECT id, name FROM teams WHERE region_id = :region ORDER BY name")
        if region_id
        else text("SELECT id, name FROM regions ORDER BY name"),
        params,
    ).all()


def time_raw(app, region_id: int | None, starts_on: date, ends_on: date, rounds: int) -> float:
    timings = []
    with app.app_context():
        raw_figures(region_id, starts_on, ends_on)  # warm up
        for _ in range(rounds):
            started = time.perf_counter()
            raw_figures(region_id, starts_on, ends_on)
            timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1000


def main() -> list[dict]:
    from bench.__main__ import measure, postgres_database, row, sign_in
    from tests.factories import PASSWORD
    from victims.domain.compliance import Preset, preset_period

    rows = []
    with postgres_database("vcs_bench_compliance") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
        started = time.perf_counter()
        national_id, regional_id, region_id = build(app)
        built = time.perf_counter() - started
        national = sign_in(app, national_id, PASSWORD)
        regional = sign_in(app, regional_id, PASSWORD)
        for preset in (Preset.LAST_MONTH, Preset.LAST_12_MONTHS):
            period = preset_period(preset, TODAY)
            for name, client, scope, region in (
                ("National", national, "national", None),
                ("Regional", regional, f"region:{region_id}", region_id),
            ):
                path = f"/management/compliance/?scope={scope}&period={preset.value}"
                ms, statements = measure(app, client, path, ROUNDS)
                raw = time_raw(app, region, period.starts_on, period.ends_on, ROUNDS)
                rows.append((f"{name}, {preset.label.lower()}", ms, raw, statements))
        with app.app_context():
            db.engine.dispose()
    print(f"(built in {built:.1f} s, {db_name(url)}), median of {ROUNDS}")
    print(f"{'page':<30}{'median ms':>10}{'raw SQL ms':>12}{'ratio':>8}{'statements':>12}")
    for page, ms, raw, statements in rows:
        print(f"{page:<30}{ms:>10.1f}{raw:>12.1f}{ms / raw:>8.2f}{statements:>12}")
    return [
        row("Compliance", page, ms, raw, statements, "scenario data") for page, ms, raw, statements in rows
    ]


def db_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


if __name__ == "__main__":
    main()
