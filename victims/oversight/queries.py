"""Reads of the audit trail, always scoped to what the reader may see.

A manager sees their region's trail (every region if national); an SPO sees the flagged
address reveals on their own team's cases. Rows carry ids and staff names only: nothing
here ever loads a victim's details.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, false, literal_column, select, true
from sqlalchemy.orm import Session

from victims.audit.labels import REVEAL_ACTIONS, action_label, record_type_label
from victims.audit.models import AuditEvent
from victims.cases.models import Case
from victims.clock import LONDON
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.lists import Page, paginate
from victims.staff.models import Region, User


@dataclass(frozen=True)
class TrailFilters:
    user_id: int | None = None
    action: str | None = None
    case_id: int | None = None
    date_from: date | None = None  # dates in England and Wales, both ends included
    date_to: date | None = None

    def as_details(self) -> dict:
        """For the export's own audit event: ids, codes and dates only."""
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in asdict(self).items()
            if value is not None
        }


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user_id: int | None
    user_name: str | None
    action: str
    record_type: str
    record_id: int | None
    case_id: int | None
    reason: str | None
    flagged: bool
    details: dict | None = None

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def record_label(self) -> str:
        kind = record_type_label(self.record_type)
        return kind if self.record_id is None else f"{kind} {self.record_id}"


def _columns() -> Select:
    # One query with the user's name joined in: no query per row.
    return select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.user_id,
        User.name.label("user_name"),
        AuditEvent.action,
        AuditEvent.record_type,
        AuditEvent.record_id,
        AuditEvent.case_id,
        AuditEvent.reason,
        AuditEvent.flagged,
        AuditEvent.details,
    ).outerjoin(User, AuditEvent.user_id == User.id)


def _row(row) -> AuditRow:
    return AuditRow(**row._mapping)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(UTC)


def _trail_statement(viewer: User, filters: TrailFilters) -> Select:
    statement = _columns()
    if viewer.role != Role.MANAGER:
        return statement.where(false())
    if not viewer.national:
        statement = statement.where(AuditEvent.region_id == viewer.region_id)
    if filters.user_id is not None:
        statement = statement.where(AuditEvent.user_id == filters.user_id)
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if filters.case_id is not None:
        statement = statement.where(AuditEvent.case_id == filters.case_id)
    if filters.date_from is not None:
        statement = statement.where(AuditEvent.at >= _start_of(filters.date_from))
    if filters.date_to is not None and filters.date_to < date.max:
        statement = statement.where(AuditEvent.at < _start_of(filters.date_to + timedelta(days=1)))
    return statement


def _page(statement: Select, page: int, per_page: int, *, by_case: bool = False) -> Page[AuditRow]:
    """Newest first; a count and the page, whatever the size of the trail. The count reads the
    events' ids under the same conditions, without the user's name (joined on its primary key:
    one row per event), so that an index can answer it without reading the events' rows;
    `by_case`: the conditions name the event's case, joined the same way."""
    order = (AuditEvent.at.desc(), AuditEvent.id.desc())
    count = select(AuditEvent.id)
    if by_case:
        count = count.join(Case, AuditEvent.case_id == Case.id)
    if statement.whereclause is not None:
        count = count.where(statement.whereclause)
    return paginate(statement, page=page, per_page=per_page, order_by=order, row=_row, count=count)


def trail(viewer: User, filters: TrailFilters, *, page: int = 1, per_page: int = 50) -> Page[AuditRow]:
    return _page(_trail_statement(viewer, filters), page, per_page)


EXPORT_BATCH = 500


def trail_for_export(viewer: User, filters: TrailFilters, *, batch: int = EXPORT_BATCH) -> Iterator[AuditRow]:
    """Every matching event, newest first, fetched in batches so a long trail never sits in memory.

    The rows are read while the file is written, after the view has returned: by then the
    request has committed and its app context may have been popped, ending its session and
    detaching the viewer. So the statement is built now, from the viewer as loaded, and the rows
    are read in a session of their own on the same database, closed when the file ends (or the
    download is abandoned)."""
    statement = _trail_statement(viewer, filters).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return _read_in_own_session(statement.execution_options(yield_per=batch), db.session.get_bind())


def _read_in_own_session(statement: Select, bind) -> Iterator[AuditRow]:
    with Session(bind) as session:
        for row in session.execute(statement):
            yield _row(row)


def flagged_reveals(viewer: User, *, page: int = 1, per_page: int = 50) -> Page[AuditRow]:
    """Flagged sightings and changes of contact details on the SPO's own team's cases."""
    if viewer.role != Role.SPO:
        return _page(_columns().where(false()), page, per_page)
    if viewer.team_id is None:
        return _page(_columns().where(false()), page, per_page)
    # The team alone scopes it (a team is in one region): `scope`'s second condition, on the
    # region, made the planner guess too few cases and read the events' region index instead.
    statement = (
        _columns()
        .join(Case, AuditEvent.case_id == Case.id)
        .where(
            Case.team_id == viewer.team_id,
            # The condition of the index ix_audit_events_flagged_reveals, constants written in
            # so that the planner can match it whatever the parameters.
            AuditEvent.flagged == true(),
            AuditEvent.action.in_([literal_column(f"'{action}'") for action in REVEAL_ACTIONS]),
        )
    )
    return _page(statement, page, per_page, by_case=True)


def users_to_filter_by(viewer: User) -> list[tuple[int, str]]:
    """Everyone in the manager's region (every region if national), for the "User" filter."""
    statement = select(User.id, User.name, User.active, Region.name.label("region_name")).join(
        Region, User.region_id == Region.id
    )
    if not viewer.national:
        statement = statement.where(User.region_id == viewer.region_id)
    users = []
    for row in db.session.execute(statement.order_by(User.name, User.id)):
        label = f"{row.name} ({row.region_name})" if viewer.national else row.name
        users.append((row.id, label if row.active else f"{label} – deactivated"))
    return users
