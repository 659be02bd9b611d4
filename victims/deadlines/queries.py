from __future__ import annotations

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from victims.deadlines.models import CANCELLED, MET, OPEN, CaseDeadline, DeadlineChange
from victims.extensions import db

STATUS_ORDER = sql_case({OPEN: 0, MET: 1, CANCELLED: 2}, value=CaseDeadline.status)


def for_case(case_id: int) -> list[CaseDeadline]:
    """A case's deadlines, open ones first by date, each with its history."""
    return list(
        db.session.scalars(
            select(CaseDeadline)
            .where(CaseDeadline.case_id == case_id)
            .options(selectinload(CaseDeadline.changes).joinedload(DeadlineChange.changed_by))
            .order_by(STATUS_ORDER, CaseDeadline.due_on)
        )
    )


def next_open_due_on():
    """A correlated subquery for a case list: the earliest open deadline of each case."""
    from victims.cases.models import Case

    return (
        select(func.min(CaseDeadline.due_on))
        .where(CaseDeadline.case_id == Case.id, CaseDeadline.status == OPEN)
        .correlate(Case)
        .scalar_subquery()
    )
