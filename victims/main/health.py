"""/health: is the service able to work? Cheap enough for a load balancer to poll every few
seconds, and quick to answer when something is down: the database is asked `SELECT 1` (its
connection attempt gives up after DATABASE_CONNECT_TIMEOUT_SECONDS), Redis is pinged with a
1-second connect and read timeout and no retries. Nothing here reads a user or a case."""

from __future__ import annotations

import contextlib
import logging

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import text

from victims import replica
from victims.extensions import db
from victims.outages import DATABASE_DOWN

log = logging.getLogger(__name__)
REDIS_TIMEOUT_SECONDS = 1.0
OK, DOWN, NOT_CHECKED = "ok", "down", "not checked"


def database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except DATABASE_DOWN as error:
        log.warning("Health: the database is unreachable (%s)", type(error).__name__)
        with contextlib.suppress(*DATABASE_DOWN):
            db.session.rollback()
        return DOWN
    db.session.rollback()  # ends the read: the request's commit point has nothing to do
    return OK


def broker() -> str:
    """The Celery broker, when it is Redis (the embedded SQLite broker of `make run` is a file
    beside the database, not something that goes down on its own)."""
    url = current_app.config["CELERY"]["broker_url"]
    if not url.startswith(("redis://", "rediss://")):
        return NOT_CHECKED
    try:
        _redis_client(current_app._get_current_object(), url).ping()  # type: ignore[attr-defined]
    except redis.exceptions.RedisError as error:
        log.warning("Health: the broker is unreachable (%s)", type(error).__name__)
        return DOWN
    return OK


def _redis_client(app: Flask, url: str) -> redis.Redis:
    """One client per app, so that polling reuses its connection rather than opening new ones."""
    client = app.extensions.get("health_redis")
    if client is None:
        client = app.extensions["health_redis"] = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
    return client


def report() -> tuple[dict, int]:
    """The JSON answer and its status: 200 when all is well, 503 naming what is down."""
    checks = {"database": database(), "broker": broker()}
    down = [name for name, state in checks.items() if state == DOWN]
    body = {"status": "unavailable" if down else "ok", "checks": checks, "down": down}
    if replica.configured():
        # Reported, never "down" for the load balancer: without its replica the service reads the
        # oversight pages from the primary (victims.replica).
        body["replica"] = replica.status()
    return body, 503 if down else 200
