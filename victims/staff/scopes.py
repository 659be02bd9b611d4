"""Where a manager's figures are drawn from (issue 15): the whole country, a region, a team or a
VLO, and whether a viewer may see it. One home for the drill-down: the balance, compliance,
feedback and trend pages, the exports and the monthly report all take a `Scope`.

A national manager sees every scope; a regional manager their own region and what is in it.
Anything else is a 404, as everywhere in the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from victims.domain.oversight import Level
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.staff.models import Region, Team, User


@dataclass(frozen=True)
class Scope:
    level: Level
    subject_id: int | None  # None: national
    name: str
    region_id: int | None = None
    team_id: int | None = None
    vlo_id: int | None = None

    @property
    def key(self) -> str:
        """ "national", "region:3", "team:12", "vlo:40": how a scope travels in a query string."""
        return self.level.value if self.subject_id is None else f"{self.level.value}:{self.subject_id}"

    @property
    def child_level(self) -> Level | None:
        return {Level.NATIONAL: Level.REGION, Level.REGION: Level.TEAM, Level.TEAM: Level.VLO}.get(self.level)


NATIONAL = Scope(Level.NATIONAL, None, "England and Wales")


def parse_key(text: str | None) -> tuple[Level, int | None] | None:
    """A scope key as written in a query string, or None when it is not one."""
    if not text:
        return None
    level_text, _, number = text.partition(":")
    try:
        level = Level(level_text)
    except ValueError:
        return None
    if level == Level.NATIONAL:
        return (level, None) if not number else None
    if not (number.isascii() and number.isdigit()) or len(number) > 12:
        return None
    return level, int(number)


def home_scope(viewer: User) -> Scope:
    """Where a manager's oversight opens: the country for a national manager, else their region."""
    if viewer.national:
        return NATIONAL
    return scope_for(viewer, Level.REGION, viewer.region_id)


def scope_for(viewer: User, level: Level, subject_id: int | None) -> Scope:
    """The scope, if the viewer (a manager) may see it; else 404."""
    if viewer.role != Role.MANAGER.value:
        abort(404)
    if level == Level.NATIONAL:
        if not viewer.national:
            abort(404)
        return NATIONAL
    if subject_id is None:
        abort(404)
    if level == Level.REGION:
        region = db.session.get(Region, subject_id)
        if region is None:
            abort(404)
        scope = Scope(level, region.id, region.name, region_id=region.id)
    elif level == Level.TEAM:
        team = db.session.get(Team, subject_id)
        if team is None:
            abort(404)
        scope = Scope(level, team.id, team.name, region_id=team.region_id, team_id=team.id)
    else:
        vlo = db.session.get(User, subject_id)
        if vlo is None or vlo.role != Role.VLO.value:
            abort(404)
        scope = Scope(level, vlo.id, vlo.name, region_id=vlo.region_id, team_id=vlo.team_id, vlo_id=vlo.id)
    if not viewer.national and scope.region_id != viewer.region_id:
        abort(404)
    return scope


def scope_from_key(viewer: User, text: str | None) -> Scope:
    """The scope a query string names, or the viewer's home scope when it names none; 404 when it
    names one the viewer may not see."""
    parsed = parse_key(text)
    if parsed is None:
        if text:
            abort(404)
        return home_scope(viewer)
    return scope_for(viewer, *parsed)


def trail(scope: Scope, viewer: User) -> list[Scope]:
    """The scopes above this one that the viewer may open, from the top: breadcrumbs."""
    found: list[Scope] = []
    if viewer.national and scope.level != Level.NATIONAL:
        found.append(NATIONAL)
    if scope.level in (Level.TEAM, Level.VLO) and scope.region_id is not None:
        found.append(scope_for(viewer, Level.REGION, scope.region_id))
    if scope.level == Level.VLO and scope.team_id is not None:
        found.append(scope_for(viewer, Level.TEAM, scope.team_id))
    return found


def children(scope: Scope) -> list[Scope]:
    """The scopes one level down, by name: regions, a region's teams, a team's active VLOs."""
    if scope.level == Level.NATIONAL:
        return [
            Scope(Level.REGION, row.id, row.name, region_id=row.id)
            for row in db.session.execute(select(Region.id, Region.name).order_by(Region.name))
        ]
    if scope.level == Level.REGION:
        return [
            Scope(Level.TEAM, row.id, row.name, region_id=scope.region_id, team_id=row.id)
            for row in db.session.execute(
                select(Team.id, Team.name).where(Team.region_id == scope.region_id).order_by(Team.name)
            )
        ]
    if scope.level == Level.TEAM:
        return [
            Scope(Level.VLO, row.id, row.name, region_id=row.region_id, team_id=scope.team_id, vlo_id=row.id)
            for row in db.session.execute(
                select(User.id, User.name, User.region_id)
                .where(User.team_id == scope.team_id, User.role == Role.VLO.value, User.active.is_(True))
                .order_by(User.name)
            )
        ]
    return []
