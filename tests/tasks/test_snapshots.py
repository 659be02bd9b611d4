"""The nightly snapshot (tasks/snapshots.py, victims.snapshots.services): one row per VLO, team
and region a day, whole numbers only and nothing about a victim; taken twice the same day, and
twice at once on PostgreSQL, it changes nothing; beat sends it nightly; a real worker runs it.

The task module is loaded from its file, as in test_absences: importing the `tasks` package
would build the worker's own application."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.factories import Factory
from tests.helpers import migrated_service, task_module, throwaway_postgres_database
from tests.integration.dashboard.conftest import TODAY, three_vlos
from tests.integration.platform.test_celery_worker import broker, running_worker, worker_env  # noqa: F401
from victims.domain.oversight import Level
from victims.extensions import db
from victims.snapshots import services
from victims.snapshots.models import Snapshot

WAIT_SECONDS = 30


take = task_module("snapshots").take.run


def _rows(session) -> list[tuple]:
    return session.execute(
        select(Snapshot.taken_on, Snapshot.level, Snapshot.subject_id, Snapshot.figures).order_by(
            Snapshot.level, Snapshot.subject_id, Snapshot.taken_on
        )
    ).all()


def test_the_task_takes_one_row_per_subject_per_day_and_again_changes_nothing(
    app, make, database, frozen_clock
):
    session = database.session
    team = three_vlos(make, session)
    subjects = {
        (Level.REGION, team["team"].region_id),
        (Level.TEAM, team["team"].id),
        *((Level.VLO, team[n].id) for n in ("ann", "bob", "cat")),
    }
    written = take()
    rows = _rows(session)
    assert written == len(rows) >= len(subjects)
    assert subjects <= {(level, subject) for _, level, subject, _ in rows}
    assert {taken_on for taken_on, *_ in rows} == {TODAY}
    assert take() == 0  # the same day again: nothing written, nothing changed
    assert _rows(session) == rows
    # Whole numbers only, under names of figures: no names, no ids of victims or cases.
    for *_, figures in rows:
        assert figures and all(type(v) is int for v in figures.values())
        assert all(k.replace("_", "").isalpha() or k.startswith("peaks_") for k in figures)
    [cat] = [f for _, level, subject, f in rows if (level, subject) == (Level.VLO, team["cat"].id)]
    assert cat["open_cases"] == 1 and cat["away"] == 1
    # The next day is another row.
    frozen_clock.set(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    assert take() == written
    assert session.scalar(select(func.count()).select_from(Snapshot)) == 2 * written


def test_a_source_that_is_not_whole_numbers_is_refused(app, database):
    with pytest.raises(TypeError):
        services.take(TODAY, (lambda today: {(Level.REGION, 1): {"capacity": 26.5}},))


def test_sources_are_merged_into_one_row_per_subject(app, make, database, frozen_clock):
    region_id = make.region().id
    extra = (services.SOURCES[0], lambda today: {(Level.REGION, region_id): {"overdue": 7}})
    services.take(TODAY, extra)
    figures = database.session.scalar(
        select(Snapshot.figures).where(Snapshot.level == Level.REGION, Snapshot.subject_id == region_id)
    )
    assert figures["overdue"] == 7 and "open_cases" in figures


def test_the_snapshot_is_on_the_beat_schedule_nightly_at_two(app):
    entry = app.config["CELERY"]["beat_schedule"]["snapshots-nightly"]
    assert entry["task"] == "snapshots.take"
    assert len(entry["schedule"].day_of_week) == 7
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {0}
    assert app.config["CELERY"]["timezone"] == "Europe/London"


def test_a_real_worker_takes_the_snapshot(running_worker):  # noqa: F811  (the fixture, imported)
    from sqlalchemy import insert

    from victims.staff.models import Team

    with running_worker.engine.begin() as connection:
        team_id = connection.execute(
            insert(Team.__table__).values(
                region_id=1, name="Worker team", postal_address="PO Box 1", telephone="0300 123 4567"
            )
        ).inserted_primary_key[0]
    running_worker.send("snapshots.take")

    def read() -> list:
        with running_worker.engine.connect() as connection:
            return connection.execute(
                select(Snapshot.level, Snapshot.subject_id).where(Snapshot.level == Level.TEAM.value)
            ).all()

    found = running_worker.wait_for(read, bool)
    assert (Level.TEAM.value, team_id) in found, running_worker.log.read_text()


# -- twice at once, on PostgreSQL ---------------------------------------------------------------


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    yield from throwaway_postgres_database("vcs_snapshot_race")


@pytest.fixture(scope="module")
def service(database_url) -> Iterator:
    yield from migrated_service(database_url)


def test_two_snapshots_at_once_write_each_row_once_on_postgresql(service, monkeypatch, frozen_clock):
    with service.app_context():
        three_vlos(Factory(db.session), db.session)
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    original = services.gather

    def gathered_then_waiting(*args, **kwargs):
        figures = original(*args, **kwargs)
        barrier.wait()  # both have read the figures; both now insert
        return figures

    monkeypatch.setattr(services, "gather", gathered_then_waiting)
    written: list = [None, None]
    failures: list[BaseException] = []

    def run(index):
        try:
            with service.app_context():
                written[index] = services.take(TODAY)
                db.session.commit()
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not failures, failures
    with service.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Snapshot).where(Snapshot.taken_on == TODAY))
        subjects = db.session.scalar(
            select(func.count()).select_from(
                select(Snapshot.level, Snapshot.subject_id)
                .where(Snapshot.taken_on == TODAY)
                .distinct()
                .subquery()
            )
        )
        db.session.remove()
    assert sorted(written)[0] == 0 and sorted(written)[1] == rows == subjects > 0
