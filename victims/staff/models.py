from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.crypto import EncryptedText
from victims.domain.vocabulary import Role, Skill
from victims.extensions import db
from victims.types import UTCDateTime, Versioned, created_at_column


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class Team(db.Model):
    """A Victim Contact Unit in a region."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("region_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # The letterhead: where victims write to and the number they call (recorded by administrators).
    postal_address: Mapped[str | None] = mapped_column(Text)
    telephone: Mapped[str | None] = mapped_column(String(30))

    region: Mapped[Region] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<Team {self.id}>"

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in (self.postal_address or "").splitlines() if line.strip()]


class User(UserMixin, Versioned, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # National administrators and managers see all 12 regions (SPEC §1).
    national: Mapped[bool] = mapped_column(Boolean, default=False)
    contracted_hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), default=Decimal("37.0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText())
    # A password an administrator set: it must be replaced before any other page, and stops
    # working when it expires (a few days after it was set, or at its first full sign-in).
    password_must_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    password_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # The time-step of the last accepted code: a code cannot be used twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # The direct line a victim can call (it goes in letters, SPEC §6).
    phone: Mapped[str | None] = mapped_column(String(30))
    # An SPO can require a second person to approve this user's letters (a new starter).
    requires_countersign: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Reminders come in the service; by email too when the user chooses it.
    email_reminders: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Reminder emails wait for a working day unless the user chose weekends and bank holidays too.
    reminder_emails_any_day: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = created_at_column()
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    region: Mapped[Region] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    skills: Mapped[list[UserSkill]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="UserSkill.skill"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: an inactive user cannot sign in
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSkill(db.Model):
    __tablename__ = "user_skills"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(40), primary_key=True)

    @property
    def label(self) -> str:
        return Skill(self.skill).label
