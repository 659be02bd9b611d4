"""The read replica: where managers' oversight pages read when DATABASE_REPLICA_URL is set.

The dashboards, compliance figures, feedback report and their CSV exports read a great deal and
change nothing but their own audit record, and a few seconds' lag does not change what they show.
So, when a replica is configured, the code that builds those pages runs inside `reads()`: its
plain SELECTs go to the replica's engine (victims.extensions.RoutingSession), while everything
else — who is signed in, whether they may see the page, the audit record of an export — stays on
the primary. Without DATABASE_REPLICA_URL `reads()` changes nothing.

Nothing is ever written through the replica: the session sends only SELECTs there, and every
replica transaction is made read-only (`SET TRANSACTION READ ONLY`, per transaction so that a
pooler in transaction mode keeps nothing between them; `PRAGMA query_only` for a SQLite stand-in).

A replica that cannot be reached is not an outage: `reads()` checks out a connection first (the
pool's pre-ping), and if that fails the pages read from the primary instead, for
DATABASE_REPLICA_RETRY_SECONDS before the replica is tried again. The change is logged once each
way (no URL, no person: the error's type only). A replica that fails in the middle of a page gives
that page the usual "service unavailable" answer; the next one reads from the primary.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from sqlalchemy import event

from victims.extensions import REPLICA, db, reading_replica
from victims.outages import DATABASE_DOWN

log = logging.getLogger(__name__)

UP, DOWN, NOT_CONFIGURED = "ok", "down", "not configured"


class _State:
    """Per process: until when the replica is left alone, after it could not be reached."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.down_until = 0.0  # time.monotonic()
        self.down = False


def configure(app: Flask) -> None:
    """Add the replica's engine as a Flask-SQLAlchemy bind, before db.init_app (called by the app
    factory). The engine takes the primary's options (pre-ping) and connection arguments (connect
    timeout, prepare threshold)."""
    url = app.config.get("DATABASE_REPLICA_URL")
    if not url:
        return
    primary = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    options = {key: value for key, value in primary.items() if key != "connect_args"}
    if url.startswith("postgresql"):
        options["connect_args"] = dict(app.config["POSTGRES_CONNECT_ARGS"])  # as the primary's
    binds = dict(app.config.get("SQLALCHEMY_BINDS") or {})
    binds[REPLICA] = {"url": url, **options}
    app.config["SQLALCHEMY_BINDS"] = binds
    app.extensions["replica_state"] = _State()


def init_engine(app: Flask) -> None:
    """Make every replica transaction read-only (after db.init_app, in an app context)."""
    engine = db.engines.get(REPLICA)
    if engine is None:
        return
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _query_only(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only=ON")
            cursor.close()

    else:

        @event.listens_for(engine, "begin")
        def _read_only(connection):
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")


def configured() -> bool:
    return REPLICA in db.engines


def _usable() -> bool:
    """Whether the replica answers now (a pooled connection passes its pre-ping), remembering a
    failure for DATABASE_REPLICA_RETRY_SECONDS so a replica that is down costs one connection
    attempt per process in that time, not one per page."""
    if not configured():
        return False
    state: _State = current_app.extensions["replica_state"]
    if state.down and time.monotonic() < state.down_until:
        return False
    try:
        with db.engines[REPLICA].connect():
            pass
    except DATABASE_DOWN as error:
        with state.lock:
            state.down_until = time.monotonic() + current_app.config["DATABASE_REPLICA_RETRY_SECONDS"]
            if not state.down:
                state.down = True
                log.warning(
                    "The read replica is unreachable (%s): oversight pages read from the primary "
                    "and try the replica again in %s s",
                    type(error).__name__,
                    current_app.config["DATABASE_REPLICA_RETRY_SECONDS"],
                )
        return False
    if state.down:
        with state.lock:
            if state.down:
                state.down = False
                log.warning("The read replica is reachable again: oversight pages read from it")
    return True


@contextmanager
def reads() -> Iterator[bool]:
    """Within this block the session's plain SELECTs go to the replica, if one is configured and
    reachable (the block is told which: True for the replica). Never write inside it expecting to
    read your write back: the write goes to the primary, the read to the replica."""
    token = reading_replica.set(_usable())
    try:
        yield reading_replica.get()
    finally:
        reading_replica.reset(token)


def status() -> str:
    """For /health: "ok", "down" or "not configured" (a replica down is not an outage)."""
    if not configured():
        return NOT_CONFIGURED
    return UP if _usable() else DOWN
