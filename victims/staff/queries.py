"""Reads of staff: the victim liaison officers of a team and what they can do."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from victims.domain.needs import Course, TrainingHeld, valid_courses
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.staff.models import Team, TrainingRecord, User, UserSkill


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


# --- Skills and training (issue 14, item 3) --------------------------------------------------------


def skills_and_courses(
    user_ids: Iterable[int], on: date
) -> dict[int, tuple[frozenset[Skill], frozenset[Course]]]:
    """Each user's skills and the courses in date on the day: two statements however many users
    (allocation ranks VLOs with it). Every asked-for user is in the answer, with empty sets if
    they hold nothing."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    skills = skills_of(ids)
    held = training_held(ids)
    return {
        user_id: (frozenset(skills.get(user_id, ())), valid_courses(held.get(user_id, ()), on))
        for user_id in ids
    }


def skills_of(user_ids: Iterable[int]) -> dict[int, frozenset[Skill]]:
    """Each user's skills, in one statement."""
    found: dict[int, set[Skill]] = defaultdict(set)
    for user_id, skill in db.session.execute(
        select(UserSkill.user_id, UserSkill.skill).where(UserSkill.user_id.in_(list(user_ids)))
    ):
        found[user_id].add(Skill(skill))
    return {user_id: frozenset(skills) for user_id, skills in found.items()}


def training_held(user_ids: Iterable[int]) -> dict[int, list[TrainingHeld]]:
    """Every training record of these users as the domain reads them, in one statement."""
    found: dict[int, list[TrainingHeld]] = defaultdict(list)
    for user_id, course, completed_on, expires_on in db.session.execute(
        select(
            TrainingRecord.user_id,
            TrainingRecord.course,
            TrainingRecord.completed_on,
            TrainingRecord.expires_on,
        ).where(TrainingRecord.user_id.in_(list(user_ids)))
    ):
        found[user_id].append(TrainingHeld(Course(course), completed_on, expires_on))
    return found


def training_records(user_id: int) -> list[TrainingRecord]:
    """A user's training records, course by course, newest first."""
    return list(
        db.session.scalars(
            select(TrainingRecord)
            .where(TrainingRecord.user_id == user_id)
            .order_by(TrainingRecord.course, TrainingRecord.completed_on.desc(), TrainingRecord.id)
        )
    )


def may_keep_records_of(keeper: User, user: User) -> bool:
    """SPOs keep their own team's VLOs' skills and training; administrators everyone in their
    scope (national: everyone, else their region)."""
    if keeper.role == Role.SPO:
        return user.role == Role.VLO and keeper.team_id is not None and user.team_id == keeper.team_id
    if keeper.role == Role.ADMIN:
        return keeper.national or user.region_id == keeper.region_id
    return False


def staff_member_for(user_id: int, keeper: User) -> User | None:
    """A member of staff whose skills and training the keeper keeps, with skills and team; None
    for anyone else (the page answers 404)."""
    user = db.session.scalars(
        select(User).where(User.id == user_id).options(selectinload(User.skills), joinedload(User.team))
    ).one_or_none()
    if user is None or not may_keep_records_of(keeper, user):
        return None
    return user


def training_record_for(record_id: int, user_id: int) -> TrainingRecord | None:
    return db.session.scalar(
        select(TrainingRecord).where(TrainingRecord.id == record_id, TrainingRecord.user_id == user_id)
    )


def team_for_viewer(team_id: int, viewer: User) -> Team | None:
    """A team whose skills-and-training matrix the viewer may see: an SPO their own; a manager
    the teams of their region (national: all); an administrator those in their scope."""
    team = db.session.get(Team, team_id)
    if team is None:
        return None
    if viewer.role == Role.SPO:
        return team if viewer.team_id == team.id else None
    if viewer.role in (Role.MANAGER, Role.ADMIN):
        return team if viewer.national or team.region_id == viewer.region_id else None
    return None


def teams_in_scope(viewer: User) -> list[Team]:
    statement = select(Team).order_by(Team.name)
    if not viewer.national:
        statement = statement.where(Team.region_id == viewer.region_id)
    return list(db.session.scalars(statement))
