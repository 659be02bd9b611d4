"""Importing a checked file in the background (issue 11): the Import button queues it, a Celery
worker imports it all or nothing, and the progress page reads its row in `referral_uploads`.

A file of 7,100 rows took about two minutes to import, past the web server's timeout: a bare
500 and nothing imported. Now the request only queues the import.

- `queue` (the Import button; flushes): the upload waits for a worker, sent once the request
  commits (victims.jobs).
- `run` (the task; commits): takes the upload (one worker at a time: each attempt is counted and
  only the latest may commit), checks the file again as things stand then, imports every
  referral in one transaction, and records the outcome, or why nothing was imported.
- `sweep` (beat; commits): an import whose worker died stops beating; after `stale_after` it is
  handed out again, and after MAX_ATTEMPTS it is failed for a person to upload again. The
  transaction of a dead worker was rolled back with its connection, so a new attempt starts clean.

Progress (rows done) is written in a short transaction of its own beside the import's, so the
page can read it while the import's own transaction is still open; SQLite lets only one
transaction write at a time, so there the page shows the rows only once the import finishes.
Only ids and counts go to the broker and the logs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from victims import clock, jobs
from victims.extensions import db
from victims.imports import csv_format, services
from victims.imports.models import FINISHED, FORGET_AFTER, ImportStatus, ReferralUpload
from victims.staff.models import User

log = logging.getLogger(__name__)

TASK = "imports.run"
MAX_ATTEMPTS = 3
PROGRESS_SECONDS = 1.0  # how often the worker writes its progress (and so beats)


def stale_after() -> timedelta:
    """How long an import may go without a beat before the sweep hands it out again."""
    return timedelta(seconds=current_app.config["IMPORT_STALE_SECONDS"])


def queue(upload: ReferralUpload) -> None:
    """Hand a checked upload to a worker, once the request commits."""
    upload.status = ImportStatus.QUEUED
    upload.queued_at = clock.utcnow()
    db.session.flush()
    jobs.enqueue(TASK, upload.id)


@dataclass(frozen=True)
class Outcome:
    status: str  # done, failed, not_taken (another worker has it, or it has finished)


def run(upload_id: int) -> Outcome:
    attempt = _take(upload_id)
    if attempt is None:
        return Outcome("not_taken")
    upload = db.session.get(ReferralUpload, upload_id)
    user = db.session.get(User, upload.user_id)
    progress = Progress(upload_id, attempt)
    try:
        if user is None or user.team_id is None or not user.active:
            return _fail(upload_id, attempt, "Only a member of a team can import referrals.")
        try:
            preview = services.check(upload.contents or "", user.region_id, user.team_id)
        except csv_format.FileRefused as refused:
            return _fail(upload_id, attempt, f"{refused.message}.")
        if not preview.ok:
            problems = [[row.line, reason] for row in preview.bad_rows for reason in row.reasons]
            return _fail(
                upload_id,
                attempt,
                "The file has changed since it was checked: "
                f"{len(preview.bad_rows)} {'row' if len(preview.bad_rows) == 1 else 'rows'} now "
                f"{'has' if len(preview.bad_rows) == 1 else 'have'} problems.",
                problems,
            )
        progress.rows_in(preview)
        result = services.import_all(preview, user, progress=progress.referrals_done)
    except services.ImportFailed as failed:
        return _fail(upload_id, attempt, f"Line {failed.line}: {failed.message}.")
    except IntegrityError:
        return _fail(
            upload_id,
            attempt,
            "A referral for one of these offenders arrived at the same moment. Upload the file again.",
        )
    except OperationalError:
        db.session.rollback()
        raise  # the database went away: the task retries, or the sweep hands it out again
    except Exception:
        log.exception("Import of upload %s failed", upload_id)
        _fail(upload_id, attempt, "The service could not import it because of a fault.")
        raise
    finished = db.session.execute(
        _latest(upload_id, attempt).values(
            status=ImportStatus.DONE,
            contents=None,
            rows_done=upload.row_count,
            finished_at=clock.utcnow(),
            heartbeat_at=clock.utcnow(),
            referral_count=result.referrals,
            cases_opened=result.cases_opened,
            cases_found=result.cases_found,
            passed_on=result.passed_on,
        )
    )
    if finished.rowcount != 1:  # a later attempt has it: this one's work is thrown away
        db.session.rollback()
        return Outcome("not_taken")
    db.session.commit()
    log.info("Imported upload %s: %d referrals", upload_id, result.referrals)
    return Outcome("done")


def _latest(upload_id: int, attempt: int):
    return (
        update(ReferralUpload)
        .where(
            ReferralUpload.id == upload_id,
            ReferralUpload.attempts == attempt,
            ReferralUpload.status == ImportStatus.RUNNING,
        )
        .execution_options(synchronize_session=False)
    )


def _take(upload_id: int) -> int | None:
    """Take a queued upload, or one whose worker stopped beating; the attempt's number, or None
    when it is not there to take. Committed at once, so the page shows it running."""
    now = clock.utcnow()
    taken = db.session.execute(
        update(ReferralUpload)
        .where(ReferralUpload.id == upload_id, _takeable(now))
        .values(
            status=ImportStatus.RUNNING,
            attempts=ReferralUpload.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            rows_done=0,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        return None
    attempt = db.session.scalar(select(ReferralUpload.attempts).where(ReferralUpload.id == upload_id))
    db.session.commit()
    return attempt


def _takeable(now):
    return or_(
        ReferralUpload.status == ImportStatus.QUEUED,
        and_(
            ReferralUpload.status == ImportStatus.RUNNING, ReferralUpload.heartbeat_at < now - stale_after()
        ),
    )


def _fail(upload_id: int, attempt: int, reason: str, problems: list | None = None) -> Outcome:
    """Nothing imported: everything the attempt wrote is rolled back, and the reason kept."""
    db.session.rollback()
    db.session.execute(
        _latest(upload_id, attempt).values(
            status=ImportStatus.FAILED,
            contents=None,
            finished_at=clock.utcnow(),
            failure=reason,
            problems=problems,
        )
    )
    db.session.commit()
    log.info("Upload %s was not imported", upload_id)
    return Outcome("failed")


class Progress:
    """The rows a worker has imported, written beside the import's own transaction."""

    def __init__(self, upload_id: int, attempt: int, clock_seconds: Callable[[], float] = time.monotonic):
        self.upload_id, self.attempt = upload_id, attempt
        self._seconds = clock_seconds
        self._last = clock_seconds()
        self._rows_before: list[int] = [0]

    def rows_in(self, preview: services.Preview) -> None:
        """Rows before each referral, so referrals done can be told as rows done."""
        self._rows_before = [0]
        for referral in preview.referrals:
            self._rows_before.append(self._rows_before[-1] + len(referral.rows))

    def referrals_done(self, done: int) -> None:
        if self._seconds() - self._last < PROGRESS_SECONDS:
            return
        self._last = self._seconds()
        bind = db.session.get_bind()
        if not isinstance(bind, Engine) or bind.dialect.name == "sqlite":
            return  # SQLite: one writer at a time (and a test's connection is its transaction)
        with bind.begin() as connection:
            connection.execute(
                update(ReferralUpload.__table__)
                .where(
                    ReferralUpload.__table__.c.id == self.upload_id,
                    ReferralUpload.__table__.c.attempts == self.attempt,
                )
                .values(
                    rows_done=self._rows_before[min(done, len(self._rows_before) - 1)],
                    heartbeat_at=clock.utcnow(),
                )
            )


def sweep() -> list[int]:
    """Imports to hand out again: queued but never taken (the broker lost the task), or running
    with a worker that stopped beating. Those tried MAX_ATTEMPTS times are failed instead.
    Finished imports older than a day are deleted. Commits; returns the ids to queue."""
    now = clock.utcnow()
    cutoff = now - stale_after()
    waiting = db.session.execute(
        select(ReferralUpload.id, ReferralUpload.attempts).where(
            or_(
                and_(ReferralUpload.status == ImportStatus.QUEUED, ReferralUpload.queued_at < cutoff),
                and_(ReferralUpload.status == ImportStatus.RUNNING, ReferralUpload.heartbeat_at < cutoff),
            )
        )
    ).all()
    again = []
    for upload_id, attempts in waiting:
        if attempts >= MAX_ATTEMPTS:
            _fail(
                upload_id,
                attempts,
                f"The import stopped {MAX_ATTEMPTS} times before it finished. Upload the file again.",
            )
        else:
            again.append(upload_id)
    db.session.execute(
        delete(ReferralUpload).where(
            ReferralUpload.status.in_(FINISHED), ReferralUpload.finished_at < now - FORGET_AFTER
        )
    )
    db.session.commit()
    return again
