"""The daily absence sweep (tasks/absences.py): run twice, it moves nothing the second time;
and on PostgreSQL two runs at the same moment move each task once.

The task module is loaded from its file: importing the `tasks` package would build the
worker's own application (tasks/__init__.py) with its own database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.factories import Factory
from tests.helpers import migrated_service, task_module, throwaway_postgres_database
from victims.absences import services as absences
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.cover import AbsenceKind
from victims.domain.vocabulary import Role
from victims.domain.work import TaskStatus
from victims.extensions import db
from victims.staff.models import Absence
from victims.work.models import CaseDeadline, Task

WAIT_SECONDS = 30


# The task's own function: called through the Celery task, it would run in the app context of
# whichever application last made itself Celery's default (another test's, with its own database).
sweep = task_module("absences").sweep.run


def _away_with_cover(make, session, starts_on: date, ends_on: date | None):
    team = make.team()
    spo = make.user(Role.SPO, team=team)
    away = make.user(Role.VLO, team=team)
    cover = make.user(Role.VLO, team=team)
    for _ in range(2):
        case = make.case(vlo=away, crd=date(2027, 3, 1))
        refresh_deadlines(case, session.get(Sentence, case.sentence_id), "test")
    absence = Absence(
        user_id=away.id,
        kind=AbsenceKind.LEAVE,
        starts_on=starts_on,
        ends_on=ends_on,
        cover_user_id=cover.id,
        recorded_at=datetime(2026, 11, 1, tzinfo=UTC),
        recorded_by_id=spo.id,
    )
    session.add(absence)
    session.flush()
    return absence, away, cover


def _open(session, **where) -> int:
    statement = select(func.count()).select_from(Task).where(Task.status == TaskStatus.OPEN)
    for name, value in where.items():
        statement = statement.where(getattr(Task, name) == value)
    return session.scalar(statement)


def _due_by(session, user_id: int, until: date) -> int:
    """The user's open tasks due by the day: those that go to cover (victims.domain.cover)."""
    return session.scalar(
        select(func.count())
        .select_from(Task)
        .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
        .where(Task.status == TaskStatus.OPEN, Task.assigned_to_id == user_id, CaseDeadline.due_on <= until)
    )


def test_the_sweep_starts_cover_once_and_ends_it_once(app, make, database, frozen_clock, caplog):
    session = database.session
    frozen_clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))  # a Monday, the first day away
    absence, away, cover = _away_with_cover(make, session, date(2026, 11, 30), date(2026, 12, 4))
    total = _open(session, assigned_to_id=away.id)
    theirs = _due_by(session, away.id, date(2026, 12, 11))  # due by a week past the last day
    assert 0 < theirs < total
    assert sweep() == (theirs, 0), caplog.text
    assert sweep() == (0, 0)  # run again: nothing moves twice
    session.expire_all()
    assert _open(session, assigned_to_id=cover.id, covering_for_id=away.id) == theirs
    frozen_clock.set(datetime(2026, 12, 4, 6, 0, tzinfo=UTC))  # the last day: still away
    assert sweep() == (0, 0)
    frozen_clock.set(datetime(2026, 12, 5, 6, 0, tzinfo=UTC))  # the day after
    assert sweep() == (0, theirs)
    assert sweep() == (0, 0)
    session.expire_all()
    assert _open(session, assigned_to_id=away.id) == total
    assert _open(session, covering_for_id=away.id) == 0
    actions = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.record_type == "absence", AuditEvent.record_id == absence.id
        )
    ).all()
    assert sorted(actions) == ["absence_cover_ended", "absence_cover_started"]


def test_the_sweep_is_on_the_beat_schedule_daily(app):
    [entry] = [e for e in app.config["CELERY"]["beat_schedule"].values() if e["task"] == "absences.sweep"]
    assert len(entry["schedule"].day_of_week) == 7 and entry["schedule"].hour == {5}


# -- two sweeps at the same moment, on PostgreSQL -------------------------------------------------


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    yield from throwaway_postgres_database("vcs_absence_race")


@pytest.fixture(scope="module")
def service(database_url) -> Iterator:
    yield from migrated_service(database_url)


def _at_once(service, monkeypatch, work) -> list:
    """Run `work` in two threads, each with its own application context and connection, both
    held at a barrier just before they claim the absence."""
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    original = absences._claim

    def waiting(*args, **kwargs):
        barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(absences, "_claim", waiting)
    answers: list = [None, None]
    failures: list[BaseException] = []

    def run(index):
        try:
            with service.app_context():
                answers[index] = work()
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not failures, failures
    return answers


def test_two_sweeps_at_once_move_each_task_once_on_postgresql(service, monkeypatch, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 30, 6, 0, tzinfo=UTC))
    with service.app_context():
        absence, away, cover = _away_with_cover(
            Factory(db.session), db.session, date(2026, 11, 30), date(2026, 12, 1)
        )
        total = _open(db.session, assigned_to_id=away.id)
        theirs = _due_by(db.session, away.id, date(2026, 12, 8))
        ids = absence.id, away.id, cover.id
        db.session.commit()
        db.session.remove()
    absence_id, away_id, cover_id = ids

    started = _at_once(service, monkeypatch, lambda: absences.catch_up(absence_id, date(2026, 11, 30)))
    assert sorted(started) == [(0, 0), (theirs, 0)]  # one moved them all; the other found it done
    frozen_clock.set(datetime(2026, 12, 2, 6, 0, tzinfo=UTC))
    ended = _at_once(service, monkeypatch, lambda: absences.catch_up(absence_id, date(2026, 12, 2)))
    assert sorted(ended) == [(0, 0), (0, theirs)]

    with service.app_context():
        assert _open(db.session, assigned_to_id=away_id) == total
        assert _open(db.session, assigned_to_id=cover_id) == 0
        events = db.session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.record_type == "absence", AuditEvent.record_id == absence_id
            )
        ).all()
        assert sorted(events) == ["absence_cover_ended", "absence_cover_started"]
        db.session.remove()
