"""Referrals that arrive at the same moment for one offender add each new victim once.

Eight referrals, sent together, each add the same new victim to an open case. Each request
finds the case's people, sees the victim is not there and adds them: without a lock, several
requests looked before any had committed and the victim was stored three times (issue 11).

Real parts: PostgreSQL (a database of the test's own, migrated by the real migrations, with real
commits: the rolled-back transaction of the other tests would put every request on one
connection) and eight requests in threads, each with its own session and connection, released
together by a barrier. Bounded: one referral and eight more, about 3 seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from tests.factories import Factory
from tests.helpers import keeping_default_celery_app, throwaway_postgres_database
from tests.integration.api.test_api import Api, referral
from victims import create_app
from victims.api.auth import create_client
from victims.cases.models import Case
from victims.extensions import db
from victims.people.models import Person

PARALLEL = 8
VERA = {
    "relationship": "victim",
    "first_name": "Vera",
    "last_name": "Referral",
    "address": {"line_1": "1 Referral Road", "town": "Cambridge", "postcode": "cb1 1aa"},
}
NINA = {**VERA, "first_name": "Nina", "last_name": "Newcomer"}


@pytest.fixture()
def service() -> Iterator:
    for url in throwaway_postgres_database("vcs_concurrent"):
        with keeping_default_celery_app():
            application = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with application.app_context():
            upgrade()
            yield application
            db.session.remove()
            db.engine.dispose()


def test_eight_referrals_at_once_add_a_new_victim_once(service):
    with service.app_context():
        team = Factory(db.session).team()
        _client, token = create_client("Cambridge Crown Court", team.region_id, team.id)
        db.session.commit()
    api = Api(service, token)
    first = api.post("/referrals", referral(victims=[VERA]))
    assert first.status_code == 201, first.get_json()

    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []

    def send() -> None:
        own = Api(service, token)  # a client, app context and session of its own
        barrier.wait(timeout=30)
        statuses.append(own.post("/referrals", referral(victims=[VERA, NINA])).status_code)

    threads = [threading.Thread(target=send) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * PARALLEL
    with service.app_context():
        [case] = db.session.scalars(select(Case)).all()
        names = sorted(db.session.scalars(select(Person.first_name).where(Person.case_id == case.id)).all())
    assert names == ["Nina", "Vera"]
