"""Reads of staff: the victim liaison officers of a team and what they can do."""

from __future__ import annotations

from sqlalchemy import select

from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.staff.models import User, UserSkill


def team_vlos(team_id: int | None) -> list[User]:
    """The team's active victim liaison officers, by name."""
    if team_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team_id, User.role == Role.VLO.value, User.active.is_(True))
            .order_by(User.name)
        )
    )


def team_vlo(user_id: int, team_id: int | None) -> User | None:
    """A victim liaison officer of the team, or None (another team's, or not a VLO)."""
    user = db.session.get(User, user_id)
    if user is None or team_id is None or user.team_id != team_id or user.role != Role.VLO:
        return None
    return user


def has_skill(user_id: int, skill: Skill) -> bool:
    statement = select(UserSkill.skill).where(UserSkill.user_id == user_id, UserSkill.skill == skill.value)
    return db.session.scalar(statement) is not None


def find_user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id is not None else None
