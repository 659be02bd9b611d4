"""The allocation queue and the suggestions for one case, at 400 open cases for each of 6 VLOs.

Builds a team of 6 VLOs (skills and training spread among them) holding 400 open cases each,
plus 40 unallocated cases waiting in the queue, written in bulk but shaped like real ones: an
offender and sentence each (sentence types, offence categories and release dates spread over the
coming years), one to three people (some Welsh speakers, some children, some bereaved
relatives), and open deadlines. Then times the queue page and the suggestions page (median of
ROUNDS requests) and counts the statements each request makes. BENCH_DATABASE_URL picks the
database (a SQLite file by default).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from victims import clock, create_app
from victims.extensions import db

VLOS = 6
CASES_EACH = 400
WAITING = 40
ROUNDS = 10
TODAY = date(2026, 11, 25)

SENTENCES = ["determinate", "determinate", "determinate", "extended", "life", "hospital_restricted"]
OFFENCES = ["violent", "sexual", "domestic_abuse", "violent", "stalking_harassment", "homicide"]
SKILLS = [
    ("welsh", "child_victims"),
    ("parole",),
    ("bereaved", "domestic_abuse"),
    ("mapping",),
    (),
    ("child_victims",),
]


def build(app) -> tuple[int, int]:
    """The SPO's id and one waiting case's id."""
    from bench.__main__ import offender_and_sentence, write_rows
    from tests.factories import Factory
    from victims.cases.models import Case, Offender, Sentence
    from victims.domain.needs import Course
    from victims.domain.vocabulary import Role
    from victims.people.models import Person
    from victims.staff.models import TrainingRecord
    from victims.work.models import CaseDeadline

    with app.app_context():
        make = Factory(db.session)
        team = make.team()
        spo = make.user(Role.SPO, team)
        vlos = [make.user(Role.VLO, team, skills=SKILLS[n]) for n in range(VLOS)]
        for number, vlo in enumerate(vlos):
            vlo.contracted_hours = Decimal("22.5") if number == 4 else Decimal("37.0")
            for course in Course:
                expired = number == 5 and course == Course.SAFEGUARDING_CHILDREN
                db.session.add(
                    TrainingRecord(
                        user_id=vlo.id,
                        course=course,
                        completed_on=date(2024, 1, 1),
                        expires_on=date(2025, 1, 1) if expired else None,
                    )
                )
        db.session.commit()

        def next_id(model) -> int:
            return (db.session.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0) + 1

        offender_id, sentence_id, case_id = next_id(Offender), next_id(Sentence), next_id(Case)
        person_id, deadline_id = next_id(Person), next_id(CaseDeadline)
        now = clock.utcnow()
        offenders, sentences, cases, people, deadlines = [], [], [], [], []
        total = VLOS * CASES_EACH + WAITING
        for number in range(total):
            holder = vlos[number % VLOS].id if number < VLOS * CASES_EACH else None
            release = TODAY + timedelta(days=(number * 37) % 1800 - 200)
            offender, sentence = offender_and_sentence(
                offender_id + number,
                sentence_id + number,
                number,
                now,
                offence_category=OFFENCES[number % len(OFFENCES)],
                sentence_type=SENTENCES[number % len(SENTENCES)],
                length_months=60,
                crd=release,
                led=release + timedelta(days=900),
                sed=release + timedelta(days=900),
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
                    "status": "open",
                    "allocated_vlo_id": holder,
                    "referral_received_on": date(2022, 7, 1),
                    "version": 1,
                    "created_at": now,
                }
            )
            for person in range(1 + number % 3):
                people.append(
                    {
                        "id": person_id + len(people),
                        "case_id": case_id + number,
                        "relationship_": "bereaved_relative" if number % 11 == 0 else "victim",
                        "first_name": "Sam",
                        "last_name": f"Person{number}-{person}",
                        "date_of_birth": date(2014, 3, 1) if number % 9 == 0 else date(1975, 3, 1),
                        "contact_level": "key_stages",
                        "channel": "post",
                        "language": "cy" if number % 13 == 0 else "en",
                        "large_print": False,
                        "contact_lost": False,
                        "version": 1,
                        "created_at": now,
                    }
                )
            for code, due in (("initial_contact", TODAY + timedelta(days=number % 40 - 10)),):
                deadlines.append(
                    {
                        "id": deadline_id + len(deadlines),
                        "case_id": case_id + number,
                        "code": code,
                        "due_on": due,
                        "counted_from": due - timedelta(days=10),
                        "rule_version": 1,
                        "rule_number": 10,
                        "status": "open",
                        "version": 1,
                        "created_at": now,
                    }
                )
        write_rows(
            (
                (Offender, offenders),
                (Sentence, sentences),
                (Case, cases),
                (Person, people),
                (CaseDeadline, deadlines),
            ),
            chunk=5_000,
        )
        waiting = case_id + VLOS * CASES_EACH  # the first waiting case
        return spo.id, waiting


def main() -> list[dict]:
    from bench.__main__ import measure, row, sign_in
    from tests.factories import PASSWORD

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(folder) / 'allocation.sqlite3'}"
        if url.startswith("postgresql"):
            from tests.conftest import reset_database

            reset_database(url)
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
        started = time.perf_counter()
        spo_id, case_id = build(app)
        built = time.perf_counter() - started
        spo = sign_in(app, spo_id, PASSWORD)
        rows.append(("Allocation queue", *measure(app, spo, "/allocation/", ROUNDS)))
        rows.append(("Suggestions for a case", *measure(app, spo, f"/allocation/cases/{case_id}", ROUNDS)))
        with app.app_context():
            db.engine.dispose()
    print(
        f"Allocation: {VLOS} VLOs x {CASES_EACH} open cases, {WAITING} waiting "
        f"(built in {built:.1f} s), median of {ROUNDS}"
    )
    print(f"{'page':<26}{'median ms':>10}{'SQL per request':>17}")
    for page, ms, statements in rows:
        print(f"{page:<26}{ms:>10.1f}{statements:>17}")
    scenario = f"scenario: {VLOS} VLOs × {CASES_EACH} cases, {WAITING} waiting"
    return [row("Allocation", page, ms, None, statements, scenario) for page, ms, statements in rows]


if __name__ == "__main__":
    main()
