"""Two people act on the same version of a letter at the same moment: exactly one wins, and the
other is shown the letter as it now is (409), with nothing of theirs written (issue 11, item 4).

Real parts: PostgreSQL (a database of the test's own, built by the service's migrations), two
requests in two threads, each with its own application context, session and connection, and
real commits. A barrier holds both requests after they have checked the version their form
carried and before either writes, so both pass that check: what decides is the database, where
the version counter makes the second UPDATE match no row. Bounded: a few seconds a test.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from tests.factories import Factory
from tests.helpers import (
    finish,
    migrated_service,
    signed_in,
    throwaway_postgres_database,
)
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services
from victims.letters.models import Letter
from victims.people.models import Person

NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    yield from throwaway_postgres_database("vcs_letter_race")


@pytest.fixture(scope="module")
def service(database_url) -> Iterator:
    yield from migrated_service(database_url)


@pytest.fixture()
def queued(service, monkeypatch) -> list[tuple]:
    """The tasks queued once a request committed (here instead of a broker)."""
    sent: list[tuple] = []
    monkeypatch.setattr(
        service.extensions["celery"], "send_task", lambda name, args=(), **kw: sent.append((name, *args))
    )
    return sent


@pytest.fixture()
def letter(service, frozen_clock) -> dict:
    """A finished draft that passes the check, committed, and two VLOs of its team signed in."""
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    with service.app_context():
        make = Factory(db.session)
        team = make.team()
        vlo = make.user(Role.VLO, team=team, name="Vera Liaison")
        vlo.phone = "01632 960 123"
        colleague = make.user(Role.VLO, team=team, name="Colin Colleague")
        case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
        refresh_deadlines(case, db.session.get(Sentence, case.sentence_id), "test")
        victim = db.session.scalars(select(Person).where(Person.case_id == case.id)).one()
        record = services.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
        texts = {s.key: finish(s) for s in record.sections if not s.locked}
        services.save_draft(record, texts, large_print=False, channel="post", user=vlo)
        browsers = [signed_in(service, vlo), signed_in(service, colleague)]
        db.session.commit()
        found = {
            "id": record.id,
            "version": record.version,
            "opening": texts["opening"],
            "browsers": browsers,
        }
        db.session.remove()
    return found


def held_at_barrier(monkeypatch, names: list[str]) -> threading.Barrier:
    """Each named service waits for the other request before it writes anything."""
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    for name in names:
        original = getattr(services, name)

        def waiting(*args, _original=original, **kwargs):
            barrier.wait()
            return _original(*args, **kwargs)

        monkeypatch.setattr(services, name, waiting)
    return barrier


def at_once(*requests: Callable[[], object]) -> list:
    """Run the requests in threads of their own, together; their responses, in order."""
    answers: list = [None] * len(requests)
    failures: list[BaseException] = []

    def run(index, request):
        try:
            answers[index] = request()
        except BaseException as error:  # reported by the test, not lost in the thread
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 2)
    assert not any(thread.is_alive() for thread in threads), "a request never finished"
    assert failures == []
    return answers


def form(page: str, **fields: str) -> dict:
    """A form from the letter page as shown: its token and the version it carries."""
    data = {"csrf_token": TOKEN.search(page).group(1), **fields}
    version = VERSION.search(page)
    if version:  # (a page of the code before letters carried versions had none)
        data["version"] = version.group(1)
    return data


def save(browser, path: str, page: str, words: str):
    data = form(page, section_opening=words, large_print="no", channel="post")
    return lambda: browser._send("post", path, data=data)


def approve(browser, path: str, page: str):
    data = form(page)
    return lambda: browser._send("post", f"{path}/approve", data=data)


def now(service, letter_id: int) -> tuple[Letter, int]:
    with service.app_context():
        record = db.session.get(Letter, letter_id)
        db.session.expunge(record)
        approvals = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "letter_approved", AuditEvent.record_id == letter_id)
        )
        db.session.remove()
    return record, approvals


def opening(record: Letter) -> str:
    return next(s.body for s in record.sections if s.key == "opening")


def test_two_saves_of_the_same_version_at_once_one_wins_and_the_other_is_shown_both(
    service, letter, queued, monkeypatch
):
    path = f"/letters/{letter['id']}"
    first, second = letter["browsers"]
    pages = [first.get(path), second.get(path)]
    held_at_barrier(monkeypatch, ["save_draft"])

    answers = at_once(
        save(first, path, pages[0], "Dear Jane,\n\nThe first words."),
        save(second, path, pages[1], "Dear Jane,\n\nThe second words."),
    )

    assert sorted(answer.status_code for answer in answers) == [302, 409]
    won = 0 if answers[0].status_code == 302 else 1
    words = ["Dear Jane,\n\nThe first words.", "Dear Jane,\n\nThe second words."]
    record, _ = now(service, letter["id"])
    assert opening(record) == words[won]
    assert record.version == letter["version"] + 1  # written once
    lost = answers[1 - won].get_data(as_text=True)
    assert "Someone else changed this while you were editing" in lost
    assert words[won] in lost and f"{words[1 - won]}</textarea>" in lost


def test_two_approvals_of_the_same_version_at_once_approve_and_queue_it_once(
    service, letter, queued, monkeypatch
):
    path = f"/letters/{letter['id']}"
    first, second = letter["browsers"]
    pages = [first.get(path), second.get(path)]
    held_at_barrier(monkeypatch, ["approve"])

    answers = at_once(approve(first, path, pages[0]), approve(second, path, pages[1]))

    assert sorted(answer.status_code for answer in answers) == [302, 409]
    record, approvals = now(service, letter["id"])
    assert record.status == LetterStatus.APPROVED
    assert approvals == 1
    assert queued == [("letters.send", letter["id"])]
    lost = answers[0] if answers[0].status_code == 409 else answers[1]
    assert "This letter has changed since you opened it" in lost.get_data(as_text=True)


def test_a_save_and_an_approval_at_once_never_approve_words_the_approver_did_not_see(
    service, letter, queued, monkeypatch
):
    path = f"/letters/{letter['id']}"
    editor, approver = letter["browsers"]
    pages = [editor.get(path), approver.get(path)]
    held_at_barrier(monkeypatch, ["save_draft", "approve"])

    saved, approved = at_once(
        save(editor, path, pages[0], "Dear Jane,\n\nWords the approver never saw."),
        approve(approver, path, pages[1]),
    )

    assert sorted([saved.status_code, approved.status_code]) == [302, 409]
    record, approvals = now(service, letter["id"])
    if approved.status_code == 302:  # the approval won: the letter as the approver read it
        assert (record.status, opening(record), approvals) == (LetterStatus.APPROVED, letter["opening"], 1)
        assert queued == [("letters.send", letter["id"])]
    else:  # the save won: nothing approved, the editor's words kept
        assert (record.status, approvals, queued) == (LetterStatus.DRAFT, 0, [])
        assert opening(record) == "Dear Jane,\n\nWords the approver never saw."
