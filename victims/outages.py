"""What a service that is down looks like from here, for the code that rides it out: the
error page drawn without the database, /health, and the tasks' retries."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

# What a database that is down, restarting or unreachable raises through SQLAlchemy; worth
# trying again later (so are the other operational errors: a deadlock, SQLite being locked).
DATABASE_DOWN: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

_NO_SQLSTATE = object()
# SQLSTATE classes of a server that cannot be reached or is going away: connection exceptions
# (08…) and operator intervention (57P01 admin shutdown, 57P02 crash, 57P03 cannot connect now).
_DOWN_SQLSTATES = ("08", "57P")
_SQLITE_DOWN = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN"}


def is_database_down(error: BaseException | None) -> bool:
    """Whether an error says the database could not be reached, rather than that our SQL was
    wrong (SQLite reports a missing table as an OperationalError too)."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    original = error.orig
    sqlstate = getattr(original, "sqlstate", _NO_SQLSTATE)
    if sqlstate is None:  # psycopg: the client never got an answer from a server
        return True
    if isinstance(sqlstate, str):
        return sqlstate.startswith(_DOWN_SQLSTATES)
    return getattr(original, "sqlite_errorname", None) in _SQLITE_DOWN
