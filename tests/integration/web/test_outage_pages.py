"""What people and load balancers get while the database or the broker is down: /health says
which, in JSON; a page is the service's own "unavailable" page in the GOV.UK layout, drawn
without the database (it used to load the user from it, and fail into Werkzeug's bare text)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest
import redis

from tests.helpers import keeping_default_celery_app
from victims import create_app
from victims.api.auth import TOKEN_PREFIX
from victims.extensions import db

WERKZEUG_BARE = "<title>500 Internal Server Error</title>"


def _closed_port() -> int:
    """A port nothing listens on: a service that is down refuses connections there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis is required (REQUIRE_SERVICES=1) but unreachable at {url}: {error}")
        pytest.skip(f"Redis unreachable at {url}: {error}")
    return url


@pytest.fixture()
def make_app(app) -> Iterator:
    """Applications of the test's own, their connections closed afterwards."""
    made = []

    def make(*, database: str, broker: str | None = None):
        overrides = {"PROPAGATE_EXCEPTIONS": False, "SQLALCHEMY_DATABASE_URI": database}  # as in production
        if broker:
            overrides["CELERY"] = {**app.config["CELERY"], "broker_url": broker}
        with keeping_default_celery_app():
            made.append(create_app("testing", **overrides))
        return made[-1]

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        client = application.extensions.get("health_redis")
        if client is not None:
            client.close()


@pytest.fixture()
def database_down(make_app):
    return make_app(database=f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/gone")


def test_health_is_json_and_200_when_all_is_well(app, make_app):
    fine = make_app(database=app.config["SQLALCHEMY_DATABASE_URI"], broker=_redis_url())
    response = fine.test_client().get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}, "down": []}


def test_health_names_the_database_when_it_is_down(database_down):
    started = time.monotonic()
    response = database_down.test_client().get("/health")
    assert response.status_code == 503
    assert response.is_json
    assert response.json["down"] == ["database"]
    assert response.json["checks"]["database"] == "down"
    assert time.monotonic() - started < 5


def test_health_names_the_broker_when_it_is_down(app, make_app):
    down = make_app(
        database=app.config["SQLALCHEMY_DATABASE_URI"], broker=f"redis://127.0.0.1:{_closed_port()}/0"
    )
    started = time.monotonic()
    response = down.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["down"] == ["broker"]
    assert response.json["checks"] == {"database": "ok", "broker": "down"}
    assert time.monotonic() - started < 3  # a 1 s connect timeout, no retries


@pytest.mark.parametrize("path", ["/", "/cases", "/no-such-page"])
def test_a_signed_in_page_during_a_database_outage_is_the_services_own(database_down, path):
    client = database_down.test_client()
    with client.session_transaction() as session:
        session["sid"] = "a-session-the-service-cannot-look-up-now"
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code in {503, 404}, html
    assert WERKZEUG_BARE not in html
    assert 'class="govuk-header' in html
    assert "Victim contact casework – GOV.UK</title>" in html
    if response.status_code == 503:
        assert "Sorry, the service is unavailable" in html
        assert "Signed in as" not in html


def test_the_api_during_a_database_outage_answers_a_problem_document(database_down):
    headers = {"Authorization": f"Bearer {TOKEN_PREFIX}unknown"}
    response = database_down.test_client().get("/api/v1/cases/1", headers=headers)
    assert response.status_code == 503
    assert response.is_json
