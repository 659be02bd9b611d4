"""A checked file is imported by a worker (issue 11): the request only queues it, the progress
page shows rows done and refreshes itself until the import has finished, and an import whose
worker died is handed out again by the sweep, from the start, until it has been tried three
times."""

from __future__ import annotations

import pytest

from tests.helpers import signed_in
from tests.integration.imports.test_imports import (
    UPLOAD,
    Worker,
    count,
    csv_bytes,
    import_path,
    row,
    text_of,
    upload,
)
from victims.cases.models import Case
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.imports import background
from victims.imports.models import ImportStatus, ReferralUpload
from victims.people.models import Person


@pytest.fixture()
def spo(make):
    return make.user(Role.SPO, make.team())


@pytest.fixture()
def browser(app, spo):
    return signed_in(app, spo)


@pytest.fixture()
def worker(app, monkeypatch):
    fake = Worker()
    monkeypatch.setattr(app.extensions["celery"], "send_task", fake.send_task)
    return fake


def queued(browser, worker) -> tuple[ReferralUpload, str]:
    preview = upload(browser, csv_bytes([row(), row(offender_crn="X765432", victim_first_name="Wendy")]))
    response = browser.post(import_path(preview), form_path=UPLOAD)
    assert response.status_code == 302
    [(name, [upload_id])] = worker.queued
    assert name == "imports.run"
    return db.session.get(ReferralUpload, upload_id), response.location


def test_the_request_only_queues_and_the_page_refreshes_until_done(browser, database, worker, frozen_clock):
    stored, progress_path = queued(browser, worker)
    assert count(database.session, Case) == 0  # nothing until the worker has run

    page = browser.get(progress_path)
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Waiting for the import to start" in text_of(page)

    stored.status, stored.rows_done = ImportStatus.RUNNING, 1
    database.session.commit()
    page = browser.get(progress_path)
    assert "1 of 2 rows imported" in text_of(page)
    assert '<progress id="import-progress"' in page and 'max="2" value="1"' in page

    stored.status = ImportStatus.QUEUED
    database.session.commit()
    assert worker.run() == ["done"]
    page = browser.get(progress_path)
    assert "http-equiv" not in page
    assert "Outcome 2 cases opened" in text_of(page)


def test_another_users_import_is_not_found(app, database, make, browser, worker, frozen_clock):
    _stored, progress_path = queued(browser, worker)
    other = signed_in(app, make.user(Role.SPO, make.team()))
    other.get(progress_path, status=404)


def test_a_task_delivered_twice_imports_once(browser, database, worker, frozen_clock):
    queued(browser, worker)
    worker.queued.append(worker.queued[0])
    assert worker.run() == ["done", "not_taken"]
    assert count(database.session, Case) == 2
    assert count(database.session, Person) == 2


def test_a_worker_that_died_is_replaced_by_the_sweep_and_the_import_starts_clean(
    app, browser, database, worker, frozen_clock
):
    stored, _path = queued(browser, worker)
    upload_id = stored.id
    # A worker took it and died: the attempt is counted, its transaction went with its connection.
    assert background._take(upload_id) == 1
    assert background.sweep() == []  # still beating as far as anyone knows

    frozen_clock.advance(seconds=app.config["IMPORT_STALE_SECONDS"] + 1)
    assert background.sweep() == [upload_id]
    assert background.run(upload_id).status == "done"
    database.session.expire_all()
    stored = database.session.get(ReferralUpload, upload_id)
    assert (stored.status, stored.attempts) == (ImportStatus.DONE, 2)
    assert count(database.session, Case) == 2


def test_an_import_that_keeps_dying_is_failed_for_a_person(app, browser, database, worker, frozen_clock):
    stored, progress_path = queued(browser, worker)
    upload_id = stored.id
    for _attempt in range(background.MAX_ATTEMPTS):
        assert background._take(upload_id) is not None
        frozen_clock.advance(seconds=app.config["IMPORT_STALE_SECONDS"] + 1)
    assert background.sweep() == []
    words = text_of(browser.get(progress_path))
    assert "Nothing has been imported" in words
    assert "The import stopped 3 times before it finished" in words
    assert count(database.session, Case) == 0
    database.session.expire_all()
    assert database.session.get(ReferralUpload, upload_id).contents is None


def test_only_the_latest_attempt_may_commit(browser, database, worker, frozen_clock):
    """A worker thought dead that finishes after the sweep handed its import out again throws its
    work away: the new attempt's import is the one kept."""
    stored, _path = queued(browser, worker)
    upload_id = stored.id
    assert background._take(upload_id) == 1
    database.session.expire_all()
    stored = database.session.get(ReferralUpload, upload_id)
    stored.attempts = 2  # the sweep's new attempt took it meanwhile
    database.session.commit()

    assert background._fail(upload_id, 1, "the old attempt's refusal").status == "failed"
    database.session.expire_all()
    stored = database.session.get(ReferralUpload, upload_id)
    assert (stored.status, stored.failure) == (ImportStatus.RUNNING, None)  # not the old attempt's to say


def test_finished_imports_are_forgotten_after_a_day(browser, database, worker, frozen_clock):
    queued(browser, worker)
    assert worker.run() == ["done"]
    frozen_clock.advance(days=1, seconds=1)
    background.sweep()
    assert count(database.session, ReferralUpload) == 0
