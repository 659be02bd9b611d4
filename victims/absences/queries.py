"""Reads of absences: who is away on a day, and with whom covering."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select

from victims.extensions import db
from victims.staff.models import Absence


def absent_on(user_ids: Iterable[int], day: date) -> dict[int, Absence]:
    """The absence (not cancelled) each of these users is on during the day, if any."""
    chosen = list(user_ids)
    if not chosen:
        return {}
    records = db.session.scalars(
        select(Absence)
        .where(
            Absence.user_id.in_(chosen),
            Absence.cancelled_at.is_(None),
            Absence.starts_on <= day,
            or_(Absence.ends_on.is_(None), Absence.ends_on >= day),
        )
        .order_by(Absence.starts_on)
    )
    return {record.user_id: record for record in records}
