from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.crypto import EncryptedText
from victims.domain.cover import AbsenceKind
from victims.domain.needs import Course
from victims.domain.vocabulary import Role, Skill
from victims.domain.workload import ReductionKind
from victims.extensions import db
from victims.types import UTCDateTime, Versioned, created_at_column, enum_column


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
    # Read only when a code is checked or a new one set up: not decrypted on every page.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText(), deferred=True)
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


class Reduction(db.Model):
    """Hours a week taken off a VLO's case work for a while: part-time working, training, union
    duties, a phased return (issue 14). Ended early by setting `ends_on`; never deleted, so the
    workload on any past day can be explained."""

    __tablename__ = "staff_reductions"
    __table_args__ = (
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[ReductionKind] = mapped_column(enum_column(ReductionKind, "kind", 20))
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[created_by_id])


class TrainingRecord(db.Model):
    """A course a member of staff completed, and when it expires (None: it does not)."""

    __tablename__ = "training_records"
    __table_args__ = (
        UniqueConstraint("user_id", "course", "completed_on"),
        CheckConstraint("expires_on IS NULL OR expires_on > completed_on", name="expires_after_completed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course: Mapped[Course] = mapped_column(enum_column(Course, "course", 30))
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    recorded_at: Mapped[datetime] = created_at_column()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[recorded_by_id])


class Absence(Versioned, db.Model):
    """Planned leave or sickness (no health details: only the kind and the days). While it runs,
    the VLO's due tasks go to `cover_user` or, with none named, to the team's queue; they come
    back on return. `covered_at` and `returned_at` say when the service moved them."""

    __tablename__ = "absences"
    __table_args__ = (CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[AbsenceKind] = mapped_column(enum_column(AbsenceKind, "kind", 20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # None: not known yet
    cover_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = created_at_column()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    covered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="raise", foreign_keys=[user_id])
    cover_user: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[cover_user_id])


class SavedListFilter(db.Model):
    """The filters a user last chose on a list (My caseload, Team cases, the allocation queue),
    as the query string, so the list opens as they left it."""

    __tablename__ = "saved_list_filters"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = created_at_column()
