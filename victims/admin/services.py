"""Managing staff accounts: create, change, deactivate, and sign-in resets that two
administrators agree. Flushes, never commits.

Every change is written to the audit trail. Details carry field names, roles, ids and
skills – never a password, and never a name or email address.

Initial passwords: the administrator sets a new user's first password and passes it on out
of band (in person or by telephone, never by email: a password in an inbox outlives its use).
It works for one sign-in within TEMPORARY_PASSWORD_HOURS and must then be replaced; the new user
sets up their second factor at that sign-in too.

Resets (victims.domain.accounts): no administrator alone can give someone a new password or
clear their second factor, or they could sign in as that person and act in their name. One
administrator asks, with a reason; a different one, who is not the person either, approves.
A temporary password is made by the service at approval and shown once, to the approver, so
the administrator who asked never learns it. The person is told by email.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from victims import clock
from victims.admin import notices, queries
from victims.admin.models import AccountRequest
from victims.audit import services as audit
from victims.auth import services as auth
from victims.domain import accounts
from victims.domain.accounts import AccountChange, RequestStatus
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.refusals import Refused
from victims.staff import services as staff
from victims.staff.models import Team, User, UserSkill

# Roles that work inside a team, and roles that may hold the national view (SPEC §1).
TEAM_ROLES = frozenset({Role.VLO.value, Role.SPO.value})
NATIONAL_ROLES = frozenset({Role.ADMIN.value, Role.MANAGER.value})
STANDARD_HOURS = Decimal("37.0")
MIN_HOURS = Decimal("1")
MAX_HOURS = Decimal("60")

EMAIL_TAKEN = "An account with this email address already exists"
REASON_NEEDED = "Give a reason, and say how you checked who was asking"


@dataclass(frozen=True)
class UserDetails:
    """What an administrator decides about a user's work."""

    role: str
    team: Team | None
    skills: frozenset[str] = field(default_factory=frozenset)
    contracted_hours: Decimal = STANDARD_HOURS
    national: bool = False


def can_manage(admin: User, user: User) -> bool:
    """Only a national administrator may change a national account (no escalation from a region)."""
    return admin.national or not user.national


def _check(details: UserDetails, region_id: int) -> None:
    if details.role not in {role.value for role in Role}:
        raise Refused("Choose a role", "role")
    if details.role in TEAM_ROLES and details.team is None:
        raise Refused(f"Choose a team for a {Role(details.role).label.lower()}", "team")
    if details.team is not None and details.team.region_id != region_id:
        raise Refused("Choose a team in the user’s region", "team")
    unknown = details.skills - {skill.value for skill in Skill}
    if unknown:
        raise Refused("Choose skills from the list", "skills")
    if not MIN_HOURS <= details.contracted_hours <= MAX_HOURS:
        raise Refused("Contracted hours must be between 1 and 60", "contracted_hours")
    if details.national and details.role not in NATIONAL_ROLES:
        raise Refused("Only managers and administrators can have the national view", "national")


def _check_password(password: str, email: str) -> None:
    problems = auth.check_new_password(password, email=email)
    if problems:
        raise Refused(problems[0], "password")


def _snapshot(user: User) -> dict:
    """The audit-safe values of a user's work settings."""
    return {
        "role": user.role,
        "team_id": user.team_id,
        "skills": sorted(skill.skill for skill in user.skills),
        "contracted_hours": str(user.contracted_hours),
        "national": bool(user.national),
    }


def create_user(
    *, name: str, email: str, region_id: int, details: UserDetails, password: str, admin: User
) -> User:
    email = auth.normalise_email(email)
    _check(details, region_id)
    if queries.email_taken(email):
        raise Refused(EMAIL_TAKEN, "email")
    _check_password(password, email)
    user = User(
        name=name.strip(),
        email=email,
        role=details.role,
        region_id=region_id,
        team_id=details.team.id if details.team else None,
        national=details.national and details.role in NATIONAL_ROLES,
        contracted_hours=details.contracted_hours,
        active=True,
        password_hash=auth.hash_password(password),
        # The administrator chose it: one sign-in, then the user chooses their own.
        password_must_change=True,
        password_expires_at=auth.temporary_password_expiry(),
        totp_secret=None,
        totp_confirmed=False,  # enrols a second factor at first sign-in
    )
    user.skills = [UserSkill(skill=skill) for skill in sorted(details.skills)]
    try:
        with db.session.begin_nested():  # a race on the same email loses only this insert
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        if queries.email_taken(email):
            raise Refused(EMAIL_TAKEN, "email") from None
        raise
    audit.record(
        "user_created",
        "user",
        user.id,
        region_id=region_id,
        details={"fields": ["name", "email", "role", "team", "skills", "contracted_hours", "national"]}
        | _snapshot(user),
        user=admin,
    )
    return user


def change_user(user: User, details: UserDetails, admin: User) -> list[str]:
    """Apply the details; returns the names of the fields that changed (empty: nothing saved)."""
    if not can_manage(admin, user):
        raise Refused("Only a national administrator can change a national account", "role")
    if user.id == admin.id and details.role != user.role:
        raise Refused("You cannot change your own role – ask another administrator", "role")
    _check(details, user.region_id)
    before = _snapshot(user)
    changed = []
    if details.role != user.role:
        user.role = details.role
        changed.append("role")
    team_id = details.team.id if details.team else None
    if team_id != user.team_id:
        user.team_id = team_id
        changed.append("team")
    if any(staff.replace_skills(user, details.skills)):
        changed.append("skills")
    if details.contracted_hours != user.contracted_hours:
        user.contracted_hours = details.contracted_hours
        changed.append("contracted_hours")
    national = details.national and details.role in NATIONAL_ROLES
    if national != bool(user.national) and (admin.national or not national):
        user.national = national
        changed.append("national")
    if not changed:
        return []
    # Skills live in their own table: make sure the user's row (and so its version) moves too,
    # or a second administrator's stale form would not be noticed.
    flag_modified(user, "contracted_hours")
    db.session.flush()
    audit.record(
        "user_changed",
        "user",
        user.id,
        region_id=user.region_id,
        details={"fields": changed, "before": before, "after": _snapshot(user)},
        user=admin,
    )
    return changed


def deactivate(user: User, admin: User) -> int:
    """Stop the user signing in and end every session they have; returns how many ended."""
    if user.id == admin.id:
        raise Refused("You cannot deactivate your own account – ask another administrator")
    if not can_manage(admin, user):
        raise Refused("Only a national administrator can deactivate a national account")
    if not user.active:
        return 0
    user.active = False
    user.deactivated_at = clock.utcnow()
    ended = auth.end_all_sessions(user, "deactivated")
    db.session.flush()
    audit.record(
        "user_deactivated",
        "user",
        user.id,
        region_id=user.region_id,
        details={"fields": ["active"], "sessions_ended": ended},
        user=admin,
    )
    return ended


def reactivate(user: User, admin: User) -> bool:
    if not can_manage(admin, user):
        raise Refused("Only a national administrator can reactivate a national account")
    if user.active:
        return False
    user.active = True
    user.deactivated_at = None
    db.session.flush()
    audit.record(
        "user_reactivated",
        "user",
        user.id,
        region_id=user.region_id,
        details={"fields": ["active"]},
        user=admin,
    )
    return True


# -- resets that two administrators agree ---------------------------------------------------------


@dataclass(frozen=True)
class Approval:
    temporary_password: str | None  # shown once, to the approver; None for a security-code reset
    emailed: bool  # whether Notify took the email telling the user


def request_change(user: User, change: AccountChange, reason: str, admin: User) -> AccountRequest:
    """Ask for a temporary password or a security-code reset; nothing changes until a second
    administrator approves."""
    if not can_manage(admin, user):
        raise Refused("Only a national administrator can ask for this for a national account", "reason")
    refused = accounts.request_refused(admin_id=admin.id, user_id=user.id)
    if refused:
        raise Refused(refused, "reason")
    reason = reason.strip()
    if not reason:
        raise Refused(REASON_NEEDED, "reason")
    now = clock.utcnow()
    if queries.request_waiting(user.id, change, now):
        raise Refused(f"A request for a {change.label.lower()} is already waiting for approval", "reason")
    request = AccountRequest(
        user_id=user.id,
        change=change,
        status=RequestStatus.PENDING,
        reason=reason,
        requested_by_id=admin.id,
        requested_at=now,
        expires_at=now + timedelta(hours=current_app.config["ACCOUNT_REQUEST_HOURS"]),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        "account_change_requested",
        "user",
        user.id,
        region_id=user.region_id,
        reason=reason,
        details={"change": change.value, "request_id": request.id},
        user=admin,
    )
    return request


def _decide(request: AccountRequest, status: RequestStatus, admin: User) -> None:
    """Compare-and-set: of two administrators deciding at once, one wins; the other is refused."""
    decided = db.session.execute(
        update(AccountRequest)
        .where(AccountRequest.id == request.id, AccountRequest.status == RequestStatus.PENDING)
        .values(status=status, decided_by_id=admin.id, decided_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise Refused("Someone else decided this request at the same moment. Check it and try again.")
    db.session.refresh(request)


def approve_request(request: AccountRequest, admin: User) -> Approval:
    """Make the change a second administrator agrees to, and tell the user."""
    user = request.user
    if not can_manage(admin, user):
        raise Refused("Only a national administrator can approve this for a national account")
    refused = accounts.approval_refused(
        approver_id=admin.id,
        requester_id=request.requested_by_id,
        user_id=user.id,
        status=request.status,
        expires_at=request.expires_at,
        now=clock.utcnow(),
    )
    if refused:
        raise Refused(refused)
    _decide(request, RequestStatus.APPROVED, admin)
    temporary = None
    if request.change == AccountChange.TEMPORARY_PASSWORD:
        temporary = accounts.temporary_password()
        ended = auth.set_temporary_password(user, temporary)
        action, fields = "password_reset", ["password"]
    else:
        ended = auth.reset_second_factor(user)
        action, fields = "second_factor_reset", ["totp_secret", "totp_confirmed"]
    audit.record(
        action,
        "user",
        user.id,
        region_id=user.region_id,
        details={
            "fields": fields,
            "sessions_ended": ended,
            "request_id": request.id,
            "requested_by_id": request.requested_by_id,
            "approved_by_id": admin.id,
        },
        user=admin,
    )
    emailed = notices.tell_of_approval(
        user,
        request.change,
        requested_by=request.requested_by,
        approved_by=admin,
        request_id=request.id,
        expires_at=user.password_expires_at,
    )
    if not emailed:
        audit.record(
            "account_email_failed",
            "user",
            user.id,
            region_id=user.region_id,
            details={"request_id": request.id},
            user=admin,
        )
    return Approval(temporary_password=temporary, emailed=emailed)


def cancel_request(request: AccountRequest, admin: User) -> None:
    """Any administrator who may manage the user, the one who asked included, can cancel."""
    if not can_manage(admin, request.user):
        raise Refused("Only a national administrator can cancel this for a national account")
    refused = accounts.cancellation_refused(
        status=request.status, expires_at=request.expires_at, now=clock.utcnow()
    )
    if refused:
        raise Refused(refused)
    _decide(request, RequestStatus.CANCELLED, admin)
    audit.record(
        "account_change_cancelled",
        "user",
        request.user_id,
        region_id=request.user.region_id,
        details={"change": request.change.value, "request_id": request.id},
        user=admin,
    )


def set_team_letterhead(team: Team, postal_address: str, telephone: str, admin: User) -> None:
    """The unit's postal address and telephone number, as its letters print them."""
    lines = [" ".join(line.split()) for line in postal_address.splitlines() if line.strip()]
    team.postal_address = "\n".join(lines)
    team.telephone = " ".join(telephone.split())
    db.session.flush()
    audit.record("team_letterhead_changed", "team", team.id, region_id=team.region_id, user=admin)
