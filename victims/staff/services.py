"""Changes staff make to their own details and their team's. Flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from victims.audit import services as audit
from victims.domain.needs import Course
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.refusals import Refused
from victims.staff import queries
from victims.staff.models import TrainingRecord, User, UserSkill


def change_own_phone(user: User, phone: str) -> None:
    """The direct line letters give victims (SPEC §6)."""
    user.phone = phone.strip()
    db.session.flush()
    audit.record("own_details_changed", "user", user.id, details={"fields": ["phone"]}, user=user)


def set_countersigning(vlo: User, required: bool, spo: User) -> None:
    """An SPO requires (or stops requiring) a second person to approve a VLO's letters."""
    if spo.role != Role.SPO or vlo.role != Role.VLO or vlo.team_id != spo.team_id:
        raise Refused("Choose a victim liaison officer in your team")
    vlo.requires_countersign = required
    db.session.flush()
    audit.record(
        "countersigning_required" if required else "countersigning_stopped",
        "user",
        vlo.id,
        details={"requires_countersign": required},
        user=spo,
    )


# --- Skills and training (issue 14, item 3) --------------------------------------------------------
# Audit details carry the skills, the course and its dates only: never a name or a reason about a
# person beyond the keeper's own words on removing a record.


def replace_skills(user: User, skills: Iterable[str]) -> tuple[list[str], list[str]]:
    """The one home for changing a user's skills (the administrator's user form uses it too):
    keep the rows still wanted, add the new ones. Returns (added, removed) skill values."""
    wanted = set(skills)
    unknown = wanted - {skill.value for skill in Skill}
    if unknown:
        raise Refused("Choose skills from the list", "skills")
    current = {skill.skill for skill in user.skills}
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if added or removed:
        user.skills = [skill for skill in user.skills if skill.skill in wanted] + [
            UserSkill(skill=skill) for skill in added
        ]
        # Skills live in their own table: move the user's row (and so its version) too.
        flag_modified(user, "contracted_hours")
    return added, removed


def change_skills(user: User, skills: Iterable[str], keeper: User) -> bool:
    """An SPO (their team's VLOs) or an administrator (their scope) sets a user's skills."""
    if not queries.may_keep_records_of(keeper, user):
        raise Refused("You cannot change this person’s skills")
    added, removed = replace_skills(user, skills)
    if not added and not removed:
        return False
    db.session.flush()
    audit.record(
        "skills_changed",
        "user",
        user.id,
        region_id=user.region_id,
        details={"added": added, "removed": removed, "skills": sorted(skill.skill for skill in user.skills)},
        user=keeper,
    )
    return True


def _training_details(record: TrainingRecord) -> dict:
    return {
        "course": record.course.value,
        "completed_on": record.completed_on.isoformat(),
        "expires_on": record.expires_on.isoformat() if record.expires_on else None,
    }


def add_training(
    user: User,
    *,
    course: Course,
    completed_on: date,
    expires_on: date | None,
    keeper: User,
    today: date,
) -> TrainingRecord:
    if not queries.may_keep_records_of(keeper, user):
        raise Refused("You cannot record training for this person")
    if course not in set(Course):
        raise Refused("Choose a course", "course")
    if completed_on > today:
        raise Refused("The date completed must be today or in the past", "completed_on")
    if expires_on is not None and expires_on <= completed_on:
        raise Refused("The expiry date must be after the date completed", "expires_on")
    record = TrainingRecord(
        user_id=user.id,
        course=course,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by_id=keeper.id,
    )
    try:
        with db.session.begin_nested():  # the same course on the same day twice loses only this insert
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        raise Refused(f"{course.label} completed on that day is already recorded", "completed_on") from None
    audit.record(
        "training_recorded",
        "training_record",
        record.id,
        region_id=user.region_id,
        details={"user_id": user.id} | _training_details(record),
        user=keeper,
    )
    return record


def remove_training(record: TrainingRecord, user: User, reason: str, keeper: User) -> None:
    """Take out a record entered in error: deleted, with the reason and what it said kept in the
    audit trail."""
    if not queries.may_keep_records_of(keeper, user) or record.user_id != user.id:
        raise Refused("You cannot remove this record")
    reason = reason.strip()
    if not reason:
        raise Refused("Enter why you are removing this record", "reason")
    details = {"user_id": user.id} | _training_details(record)
    record_id = record.id
    db.session.delete(record)
    db.session.flush()
    audit.record(
        "training_removed",
        "training_record",
        record_id,
        region_id=user.region_id,
        reason=reason,
        details=details,
        user=keeper,
    )
