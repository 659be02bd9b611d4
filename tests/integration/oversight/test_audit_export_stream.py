"""The audit export streams every row of a trail longer than one batch, read to the end
through the real test client, and records itself once.

The file is written after the view has returned: the request's commit point has committed and
its session may already be gone, so nothing the file needs may depend on either."""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.helpers import signed_in
from tests.integration.oversight.test_audit import csv_rows
from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.oversight.queries import EXPORT_BATCH

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
EVENTS = EXPORT_BATCH * 2 + 37  # more than two batches, and a part batch


@pytest.fixture()
def long_trail(make, database, frozen_clock):
    frozen_clock.set(NOW)
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    database.session.execute(
        insert(AuditEvent),
        [
            {
                "at": NOW - timedelta(minutes=number),
                "user_id": vlo.id,
                "region_id": case.region_id,
                "action": "case_viewed",
                "record_type": "case",
                "record_id": case.id,
                "case_id": case.id,
                "reason": f"reason {number}",
                "flagged": False,
            }
            for number in range(EVENTS)
        ],
    )
    database.session.flush()
    return manager


def _exports(database, manager) -> int:
    return database.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "audit_exported", AuditEvent.user_id == manager.id)
    )


def _check_every_row(response):
    assert response.status_code == 200
    rows = csv_rows(response)  # reads the whole body
    assert len(rows) == EVENTS + 1
    assert [row[8] for row in rows[1:]] == [f"reason {number}" for number in range(EVENTS)]


def test_the_export_streams_every_row_through_the_browser(web, long_trail, database):
    browser = web(long_trail)

    response = browser._send("get", "/audit/export.csv?action=case_viewed")

    _check_every_row(response)
    assert _exports(database, long_trail) == 1


def test_the_export_streams_every_row_as_a_wsgi_server_runs_it(app, long_trail, database):
    """A WSGI server's thread has no app context: the request pushes its own and pops it (ending
    its database session) when the view returns, before the server reads the body. An empty
    contextvars.Context is such a thread."""
    browser = signed_in(app, long_trail)
    database.session.flush()

    server_thread = contextvars.Context()

    response = server_thread.run(browser.client.get, "/audit/export.csv?action=case_viewed")
    server_thread.run(response.get_data)  # the server reads the whole body

    _check_every_row(response)
    assert _exports(database, long_trail) == 1
