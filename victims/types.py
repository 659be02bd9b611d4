"""Column types and mixins shared by every area's models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum, Integer, bindparam
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key
from sqlalchemy.types import TypeDecorator

from victims import clock


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def created_at_column() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), default=clock.utcnow, nullable=False)


class Versioned:
    """Optimistic locking: an UPDATE whose version no longer matches changes nothing
    and raises StaleDataError, so a second save cannot overwrite the first."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


def update_versioned(session: Session, model: type, changes: list[tuple[int, int, dict[str, Any]]]) -> None:
    """UPDATE many rows of a Versioned model by id in one executemany per set of columns, where
    the ORM sends one UPDATE per row (it checks each row's version that way): each row changes
    only if its version is still the one read, and StaleDataError is raised (the caller rolls
    back) if any has changed meanwhile. `changes`: (id, version read, new values by attribute).
    An object of a changed row already in the session is given the new values, unmodified."""
    table = model.__table__  # type: ignore[attr-defined]
    groups: dict[tuple[str, ...], list[tuple[int, int, dict[str, Any]]]] = {}
    for change in changes:
        groups.setdefault(tuple(sorted(change[2])), []).append(change)
    for columns, group in groups.items():
        statement = (
            table.update()
            .where(table.c.id == bindparam("p_id"), table.c.version == bindparam("p_version"))
            .values(version=bindparam("p_new_version"), **{name: bindparam(f"p_{name}") for name in columns})
        )
        result = session.execute(
            statement,
            [
                {"p_id": id_, "p_version": version, "p_new_version": version + 1}
                | {f"p_{name}": value for name, value in values.items()}
                for id_, version, values in group
            ],
        )
        if result.rowcount != len(group):  # type: ignore[attr-defined]
            raise StaleDataError(f"{table.name}: a row changed while it was being updated")
    for id_, version, values in changes:
        loaded = session.identity_map.get(identity_key(model, id_))
        if loaded is not None:
            for name, value in {**values, "version": version + 1}.items():
                set_committed_value(loaded, name, value)


def enum_column(vocabulary: type[StrEnum], name: str, length: int) -> Enum:
    """A column holding one of a vocabulary's values: read back as the enum's members, and refused
    by the database (a CHECK constraint named after the column) when a value is not one of them."""
    return Enum(
        vocabulary,
        name=name,
        length=length,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )
