"""Schemathesis generates requests from the published OpenAPI document, valid and invalid
ones, and sends them to the real application: no input may produce a server error.

(Driven through Hypothesis directly: schemathesis' pytest plugin does not run on pytest 9.)
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from victims.api.auth import create_client

EXAMPLES = 40


@pytest.fixture()
def token(make, database):
    team = make.team()
    _client, token = create_client("Fuzzing client", team.region_id, team.id)
    return token


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=lambda mode: mode.value)
def test_no_generated_request_causes_a_server_error(app, database, token, mode):
    operations = _operations(app)
    assert {operation.label for operation in operations} == {
        "POST /referrals",
        "GET /cases/{case_id}",
        "POST /cases/{case_id}/events",
        "POST /events",
        "PUT /cases/{case_id}/release-address",
        "DELETE /cases/{case_id}/release-address",
    }
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            with app.app_context():
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
                )

        run()
