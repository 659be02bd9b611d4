"""Lists people page through and search: one way to page, one way to search text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select

from victims.extensions import db

Row = TypeVar("Row")


# A list counts its rows up to this many and then says "more than 10,000": counting every row of
# a national list (2.5 million audit events) costs more than showing a page of it (issue 16).
COUNT_CAP = 10_000


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list. `total` is exact unless `capped`: then the list has more than
    COUNT_CAP rows, `total` is COUNT_CAP + 1, and how many pages there are is not known."""

    rows: list[Row]
    total: int
    page: int
    per_page: int
    capped: bool = False

    @property
    def pages(self) -> int:
        """How many pages there are; for a capped count, how many the count reached."""
        return max(1, -(-self.total // self.per_page))

    @property
    def total_text(self) -> str:
        """The total as a page says it: "1,234", or "more than 10,000"."""
        return f"more than {COUNT_CAP:,}" if self.capped else f"{self.total:,}"

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.capped and len(self.rows) == self.per_page)


def paginate(
    statement: Select,
    *,
    page: int,
    per_page: int,
    order_by: Sequence[Any],
    row: Callable[[Any], Row] | None = None,
    entities: bool = False,
    load: Sequence[Any] = (),
    count: Select | None = None,
) -> Page[Row]:
    """One page of what `statement` selects, in `order_by` order: two queries, a count (capped at
    COUNT_CAP + 1 rows, so it stops early on a long list) and the page, however long the list. A
    page number before the start gives the first page, and one past the end the last; past the
    end of a list longer than the cap (a page number typed in) costs a full count, to find it.
    `entities` reads whole mapped objects (with `load` options for what the page shows of them)
    rather than rows; `row` turns each into what the page lists. `count`: a select of the same
    rows without what only the page shows (joins to names), cheaper to count."""
    unordered = (statement if count is None else count).order_by(None)
    total = (
        db.session.scalar(select(func.count()).select_from(unordered.limit(COUNT_CAP + 1).subquery())) or 0
    )
    capped = total > COUNT_CAP
    page = max(1, page) if capped else min(max(1, page), max(1, -(-total // per_page)))
    found = _rows(statement, order_by, load, entities, page, per_page)
    if capped and not found and page > 1:
        total = db.session.scalar(select(func.count()).select_from(unordered.subquery())) or 0
        capped = False  # counted in full: the exact total
        page = max(1, -(-total // per_page))
        found = _rows(statement, order_by, load, entities, page, per_page)
    return Page(
        rows=[row(item) if row else item for item in found],
        total=total,
        page=page,
        per_page=per_page,
        capped=capped,
    )


def _rows(
    statement: Select, order_by: Sequence[Any], load: Sequence[Any], entities: bool, page: int, per_page: int
) -> Sequence[Any]:
    query = statement.options(*load).order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
    return db.session.scalars(query).unique().all() if entities else db.session.execute(query).all()


def contains(term: str) -> str:
    """A LIKE pattern for text containing `term` as typed, its % and _ taken literally
    (use with `escape="\\\\"`)."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
