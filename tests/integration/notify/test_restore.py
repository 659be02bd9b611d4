"""After the database is restored from a backup, letters and emails made afterwards still go.

The restore gives new rows the ids of rows made (and sent) after the backup was taken. GOV.UK
Notify still holds those sends, so a reference made from the id (`letter-<id>`) would be found
there and the new row recorded as sent with another row's notification, though nothing went.

Real parts: PostgreSQL (a database of the test's own, dumped with pg_dump and restored with
pg_restore), the service's migrations, and GOV.UK Notify faked on a local port and called through
the real client library. The senders are called in this process, as their tasks call them.
The same goes for a second database pointed at the same Notify service: its ids start from 1.
Bounded: one batch of letters and reminder emails each side, about 5 seconds a test.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.factories import Factory
from tests.fakes.notify import LETTER_EMAIL_TEMPLATE_ID, REMINDER_TEMPLATE_ID, RunningFake
from tests.helpers import keeping_default_celery_app, throwaway_postgres_database
from victims import clock, create_app
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.reminders import EmailStatus
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import sending
from victims.letters import services as letters
from victims.letters.models import Letter
from victims.people.models import Person
from victims.reminders import services as reminders
from victims.reminders.models import Reminder
from victims.staff.models import Team, User
from victims.work.models import CaseDeadline, Task

LETTERS_BY_POST = 3
LETTERS_BY_EMAIL = 3
DEADLINES = 20  # one reminder email each, to the VLO


def _required(what: str, why: str) -> None:
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1): {why}")
    pytest.skip(f"{what}: {why}")


@pytest.fixture(scope="module")
def notify() -> Iterator[RunningFake]:
    with RunningFake() as running:
        yield running


@pytest.fixture()
def database_url() -> Iterator[str]:
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            _required(tool, "not installed (Debian package postgresql-client)")
    yield from throwaway_postgres_database("vcs_restore")


@pytest.fixture()
def service(database_url, notify):
    with keeping_default_celery_app():
        application = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=database_url,
            NOTIFY_API_KEY=notify.fake.api_key,
            NOTIFY_BASE_URL=notify.url,
            NOTIFY_REMINDER_TEMPLATE_ID=REMINDER_TEMPLATE_ID,
            NOTIFY_LETTER_EMAIL_TEMPLATE_ID=LETTER_EMAIL_TEMPLATE_ID,
        )
    notify.fake.reset()
    with application.app_context():
        upgrade()
        yield application
        db.session.remove()
        db.engine.dispose()
    notify.fake.reset()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def backup(url: str, path) -> None:
    db.session.remove()
    db.engine.dispose()
    _run("pg_dump", "--format=custom", f"--file={path}", _libpq(url))


def restore(url: str, path) -> None:
    """What an operator does: put the backup back over the database, as it was then."""
    db.session.remove()
    db.engine.dispose()
    _run("pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq(url)}", str(path))


def a_team() -> None:
    make = Factory(db.session)
    team = make.team(name="Restore team")
    vlo = make.user(Role.VLO, team=team, name="Vera Liaison", email="vera@probation.example")
    vlo.phone = "01632 960 123"
    vlo.email_reminders = True
    vlo.reminder_emails_any_day = True  # the test runs on whatever day it really is
    make.user(Role.SPO, team=team, name="Sam Senior", email="sam@probation.example")
    db.session.commit()


def a_batch_of_work() -> tuple[list[int], list[int]]:
    """Letters approved and deadlines due today, as a day's work makes them: (letters, deadlines)."""
    make = Factory(db.session)
    team = db.session.scalar(select(Team).where(Team.name == "Restore team"))
    vlo = db.session.scalar(select(User).where(User.email == "vera@probation.example"))
    letter_ids = []
    for channel in ["post"] * LETTERS_BY_POST + ["email"] * LETTERS_BY_EMAIL:
        case = make.case(team=team, vlo=vlo, victims=0)
        victim = make.person(case, channel=channel)
        letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
        texts = {s.key: "Written by the VLO." for s in letter.sections if not s.locked}
        letters.save_draft(letter, texts, large_print=False, channel=channel, user=vlo)
        assert letters.approve(letter, vlo), letters.check_letter(letter)
        letter_ids.append(letter.id)
    deadline_ids = []
    today = clock.today()
    for _ in range(DEADLINES):
        case = make.case(team=team, vlo=vlo)
        deadline = CaseDeadline(
            case_id=case.id,
            code="initial_contact",
            due_on=today,
            counted_from=today - timedelta(days=14),
            rule_version=1,
            rule_number=10,
        )
        db.session.add(deadline)
        db.session.flush()
        db.session.add(
            Task(
                case_id=case.id,
                team_id=team.id,
                deadline_id=deadline.id,
                title="Make initial contact with the victims",
                assigned_to_id=vlo.id,
            )
        )
        deadline_ids.append(deadline.id)
    db.session.commit()
    return letter_ids, deadline_ids


def send_everything(letter_ids: list[int], deadline_ids: list[int]) -> None:
    for letter_id in letter_ids:
        assert sending.send(letter_id).status == "sent"
    for deadline_id in deadline_ids:
        [reminder_id] = reminders.remind(deadline_id)
        assert reminders.send_email(reminder_id).status == "sent"


def assert_all_sent_twice_and_each_row_with_its_own(sent_elsewhere: set[str], notify: RunningFake) -> None:
    """Notify has every letter and email twice (once for the rows the database no longer has, or
    another database has), and each row here is recorded as sent with its own notification, to
    its own recipient."""
    letters_posted = notify.fake.letters()
    emails = [item for item in notify.fake.notifications if item["type"] == "email"]
    assert len(letters_posted) == 2 * LETTERS_BY_POST
    assert len(emails) == 2 * (LETTERS_BY_EMAIL + DEADLINES)
    by_id = {item["id"]: item for item in notify.fake.notifications}
    assert all(count == 1 for count in Counter(item["reference"] for item in by_id.values()).values())

    for letter in db.session.scalars(select(Letter)):
        assert letter.status == LetterStatus.SENT
        assert letter.notify_id not in sent_elsewhere
        sent = by_id[letter.notify_id]
        assert sent["reference"] == letter.reference
        if letter.channel == "post":
            assert sent["pdf"] == base64.b64decode(letter.pdf_base64)
        else:
            assert sent["email_address"] == db.session.get(Person, letter.person_id).email
    for reminder in db.session.scalars(select(Reminder)):
        assert reminder.email_status == EmailStatus.SENT
        assert reminder.email_notification_id not in sent_elsewhere
        sent = by_id[reminder.email_notification_id]
        assert sent["reference"] == reminder.reference
        assert sent["email_address"] == "vera@probation.example"


def test_letters_and_emails_made_after_a_restore_are_sent(service, database_url, notify, tmp_path):
    a_team()
    dump = tmp_path / "backup.dump"
    backup(database_url, dump)

    before = a_batch_of_work()
    send_everything(*before)
    sent_before = {item["id"] for item in notify.fake.notifications}
    assert len(sent_before) == LETTERS_BY_POST + LETTERS_BY_EMAIL + DEADLINES

    restore(database_url, dump)
    after = a_batch_of_work()
    assert after == before  # the restore gave the new rows the same ids
    send_everything(*after)

    assert_all_sent_twice_and_each_row_with_its_own(sent_before, notify)


def test_a_second_database_on_the_same_notify_service_sends_its_own(service, notify):
    """A copy of the service (a training or test copy, say) pointed at the same Notify service
    numbers its rows from 1 too."""
    a_team()
    first = a_batch_of_work()
    send_everything(*first)
    sent_by_the_first = {item["id"] for item in notify.fake.notifications}

    second = throwaway_postgres_database("vcs_second")
    url = next(second)
    try:
        with keeping_default_celery_app():
            copy = create_app("testing", **{**service.config, "SQLALCHEMY_DATABASE_URI": url})
        with copy.app_context():
            upgrade()
            a_team()
            assert a_batch_of_work() == first
            send_everything(*first)
            assert_all_sent_twice_and_each_row_with_its_own(sent_by_the_first, notify)
            db.session.remove()
            db.engine.dispose()
    finally:
        second.close()
