"""Two submissions through one feedback link at the same moment store one response (issue 15).

Real parts: PostgreSQL (a database of the test's own, built by the service's migrations), two
threads, each with its own application context, session and connection, and real commits. A
barrier holds both after each has found the link unused, so both pass that check: what decides is
the conditional UPDATE of used_at, which the second runs after the first commits and matches no row.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import Factory
from tests.helpers import migrated_service, throwaway_postgres_database
from victims.domain.letters import LetterType
from victims.domain.oversight import Answer
from victims.extensions import db
from victims.feedback import services
from victims.feedback.models import FeedbackLink, FeedbackResponse

WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    yield from throwaway_postgres_database("vcs_feedback_race")


@pytest.fixture(scope="module")
def service(database_url) -> Iterator:
    yield from migrated_service(database_url)


def test_two_answers_at_once_through_one_link_store_one(service):
    with service.app_context():
        team = Factory(db.session).team()
        made = services.issue_link(
            letter_id=None,
            letter_type=LetterType.INITIAL_CONTACT.value,
            reference="race-reference",
            language="en",
            team_id=team.id,
            region_id=team.region_id,
            made_on=date.today(),
        )
        db.session.commit()
        db.session.remove()
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    results: list[bool] = []
    failures: list[BaseException] = []

    def answer(satisfaction: int) -> None:
        try:
            with service.app_context():
                link = services.usable_link(made.token)
                assert link is not None
                barrier.wait()  # both have seen it unused
                stored = services.give(link, services.Given(satisfaction, Answer.YES, None, None))
                db.session.commit()
                results.append(stored)
                db.session.remove()
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=answer, args=(n,)) for n in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 2)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    assert sorted(results) == [False, True]
    with service.app_context():
        assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1
        assert db.session.scalar(select(FeedbackLink.used_at)) is not None
        db.session.remove()
