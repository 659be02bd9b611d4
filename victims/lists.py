"""Lists people page through and search: one way to page, one way to search text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from victims.extensions import db

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate(
    statement: Select,
    *,
    page: int,
    per_page: int,
    order_by: Sequence[Any],
    row: Callable[[Any], Row] | None = None,
    entities: bool = False,
    load: Sequence[Any] = (),
) -> Page[Row]:
    """One page of what `statement` selects, in `order_by` order: two queries, a count and the
    page, however long the list. A page number past the end gives the last page, and one before
    the start the first. `entities` reads whole mapped objects (with `load` options for what
    the page shows of them) rather than rows; `row` turns each into what the page lists."""
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    query = statement.options(*load).order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
    found = db.session.scalars(query).unique().all() if entities else db.session.execute(query).all()
    return Page(
        rows=[row(item) if row else item for item in found], total=total, page=page, per_page=per_page
    )


def contains(term: str) -> str:
    """A LIKE pattern for text containing `term` as typed, its % and _ taken literally
    (use with `escape="\\\\"`)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
