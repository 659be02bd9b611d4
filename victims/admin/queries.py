"""Reads for the administrator's pages, always scoped to the regions the administrator may manage.

A user in another region is simply not found (404), never "forbidden".
"""

from __future__ import annotations

from datetime import datetime

from flask import abort
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from victims.admin.models import AccountRequest
from victims.domain.accounts import AccountChange, RequestStatus
from victims.extensions import db
from victims.lists import Page, contains, paginate
from victims.staff.models import Region, Team, User


def scope(statement: Select, admin: User) -> Select:
    """Limit a select over User to the users the administrator may see."""
    return statement if admin.national else statement.where(User.region_id == admin.region_id)


def list_users(admin: User, *, search: str | None = None, page: int = 1, per_page: int = 25) -> Page[User]:
    """One page of users: a count, the page, and one query for their skills, however many users."""
    statement = scope(select(User), admin)
    if search:
        like = contains(search.strip())
        statement = statement.where(
            or_(User.name.ilike(like, escape="\\"), User.email.ilike(like, escape="\\"))
        )
    return paginate(
        statement,
        page=page,
        per_page=per_page,
        order_by=(User.name, User.id),
        entities=True,
        load=(joinedload(User.team), joinedload(User.region), selectinload(User.skills)),
    )


def user_for_change(user_id: int, admin: User) -> User:
    """A user the administrator may manage, with what the pages show; 404 otherwise."""
    statement = scope(select(User).where(User.id == user_id), admin).options(
        joinedload(User.team), joinedload(User.region), selectinload(User.skills)
    )
    user = db.session.scalars(statement).unique().one_or_none()
    if user is None:
        abort(404)
    return user


def regions_for(admin: User) -> list[Region]:
    statement = select(Region).order_by(Region.name)
    if not admin.national:
        statement = statement.where(Region.id == admin.region_id)
    return list(db.session.scalars(statement))


def teams_in(region_ids: list[int]) -> list[Team]:
    """Teams of the given regions, with their region loaded for labels."""
    if not region_ids:
        return []
    return list(
        db.session.scalars(
            select(Team)
            .join(Region, Team.region_id == Region.id)
            .where(Team.region_id.in_(region_ids))
            .options(joinedload(Team.region))
            .order_by(Region.name, Team.name)
        )
    )


def email_taken(email: str, *, except_user_id: int | None = None) -> bool:
    statement = select(User.id).where(User.email == email)
    if except_user_id is not None:
        statement = statement.where(User.id != except_user_id)
    return db.session.scalar(statement) is not None


# -- requests for a temporary password or a security-code reset ---------------------------------


def _requests(admin: User) -> Select:
    """Requests about users the administrator may see, with the people the pages name."""
    statement = (
        select(AccountRequest)
        .join(User, AccountRequest.user_id == User.id)
        .options(
            joinedload(AccountRequest.user),
            joinedload(AccountRequest.requested_by),
            joinedload(AccountRequest.decided_by),
        )
    )
    return scope(statement, admin)


def account_request_for(request_id: int, admin: User) -> AccountRequest:
    """A request about a user in the administrator's regions; 404 otherwise."""
    request = (
        db.session.scalars(_requests(admin).where(AccountRequest.id == request_id)).unique().one_or_none()
    )
    if request is None:
        abort(404)
    return request


def waiting_requests(admin: User, now: datetime, user_id: int | None = None) -> list[AccountRequest]:
    """Requests still waiting for approval (not expired), oldest first."""
    statement = _requests(admin).where(
        AccountRequest.status == RequestStatus.PENDING, AccountRequest.expires_at > now
    )
    if user_id is not None:
        statement = statement.where(AccountRequest.user_id == user_id)
    return list(
        db.session.scalars(statement.order_by(AccountRequest.requested_at, AccountRequest.id)).unique()
    )


def request_waiting(user_id: int, change: AccountChange, now: datetime) -> bool:
    statement = select(AccountRequest.id).where(
        AccountRequest.user_id == user_id,
        AccountRequest.change == change,
        AccountRequest.status == RequestStatus.PENDING,
        AccountRequest.expires_at > now,
    )
    return db.session.scalar(statement) is not None
