"""Reads the workload pages need beside the case facts: whose workload a person may see, the
teams a manager may choose, a VLO's reductions as recorded, and each case's offender (name and
CRN only: no victim's details are read)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from victims.cases.models import Case, Offender
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.staff.models import Reduction, Team, User


def vlo_for(user_id: int, viewer: User) -> User:
    """A VLO whose workload the viewer may see, else 404: themselves (a VLO), their team's (an
    SPO), their region's (a manager; national: any), their region's (an administrator, for the
    reductions; national: any)."""
    vlo = db.session.get(User, user_id)
    if vlo is None or vlo.role != Role.VLO.value:
        abort(404)
    role = viewer.role
    if role == Role.VLO.value:
        allowed = vlo.id == viewer.id
    elif role == Role.SPO.value:
        allowed = viewer.team_id is not None and vlo.team_id == viewer.team_id
    else:  # managers and administrators: their region, or every region if national
        allowed = viewer.national or vlo.region_id == viewer.region_id
    if not allowed:
        abort(404)
    return vlo


def team_for(team_id: int, viewer: User) -> Team:
    """A team whose workload the viewer may see, else 404."""
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    if viewer.role == Role.SPO.value:
        allowed = viewer.team_id == team.id
    else:
        allowed = viewer.national or team.region_id == viewer.region_id
    if not allowed:
        abort(404)
    return team


def teams_for_manager(viewer: User) -> list[Team]:
    statement = select(Team).order_by(Team.name)
    if not viewer.national:
        statement = statement.where(Team.region_id == viewer.region_id)
    return list(db.session.scalars(statement))


def reduction_records(user_id: int) -> list[Reduction]:
    """A VLO's reductions as recorded (with notes), the latest start first."""
    return list(
        db.session.scalars(
            select(Reduction)
            .where(Reduction.user_id == user_id)
            .order_by(Reduction.starts_on.desc(), Reduction.id.desc())
        )
    )


def reduction_record(reduction_id: int, user_id: int) -> Reduction:
    record = db.session.get(Reduction, reduction_id)
    if record is None or record.user_id != user_id:
        abort(404)
    return record


@dataclass(frozen=True)
class CaseLabel:
    case_id: int
    offender_name: str
    crn: str


def case_labels(case_ids: Iterable[int]) -> dict[int, CaseLabel]:
    """The offender's name and CRN of each case, in one statement."""
    chosen = list(case_ids)
    if not chosen:
        return {}
    rows = db.session.execute(
        select(Case.id, Offender.first_name, Offender.last_name, Offender.crn)
        .join(Offender, Offender.id == Case.offender_id)
        .where(Case.id.in_(chosen))
    )
    return {row.id: CaseLabel(row.id, f"{row.first_name} {row.last_name}", row.crn) for row in rows}


def spos_of(team_id: int) -> list[str]:
    """The names of the team's active SPOs."""
    return list(
        db.session.scalars(
            select(User.name)
            .where(User.team_id == team_id, User.role == Role.SPO.value, User.active.is_(True))
            .order_by(User.name)
        )
    )


def user_names(user_ids: Iterable[int]) -> dict[int, str]:
    chosen = list(user_ids)
    if not chosen:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(chosen))).tuples().all())
