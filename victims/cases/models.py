from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.crypto import EncryptedText
from victims.domain.evidence import ContactOutcome
from victims.domain.lifecycle import TransferStatus
from victims.domain.needs import Need
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    CaseStatus,
    ClosureReason,
    ContactMethod,
    Direction,
    OffenceCategory,
    Scheme,
    SentenceType,
)
from victims.extensions import db
from victims.staff.models import Region, Team, User
from victims.types import UTCDateTime, Versioned, created_at_column, enum_column


class Offender(Versioned, db.Model):
    __tablename__ = "offenders"

    id: Mapped[int] = mapped_column(primary_key=True)
    crn: Mapped[str] = mapped_column(String(7), unique=True)  # nDelius case reference number
    prison_number: Mapped[str | None] = mapped_column(String(7), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    # The current prison or probation office. Never disclosed to a victim.
    current_location: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = created_at_column()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Sentence(Versioned, db.Model):
    __tablename__ = "sentences"
    __table_args__ = (CheckConstraint("length_months IS NULL OR length_months > 0", name="length_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offender_id: Mapped[int] = mapped_column(ForeignKey("offenders.id"), index=True)
    offence: Mapped[str] = mapped_column(String(200))
    offence_category: Mapped[str] = mapped_column(String(30))
    sentence_type: Mapped[str] = mapped_column(String(30))
    # None for indeterminate sentences (life, IPP, HMP) and hospital orders.
    length_months: Mapped[int | None] = mapped_column(Integer)
    sentence_date: Mapped[date] = mapped_column(Date)
    court: Mapped[str | None] = mapped_column(String(200))
    crd: Mapped[date | None] = mapped_column(Date)
    ard: Mapped[date | None] = mapped_column(Date)
    ped: Mapped[date | None] = mapped_column(Date)
    hdced: Mapped[date | None] = mapped_column(Date)
    led: Mapped[date | None] = mapped_column(Date)
    sed: Mapped[date | None] = mapped_column(Date)
    tused: Mapped[date | None] = mapped_column(Date)
    prrd: Mapped[date | None] = mapped_column(Date)

    offender: Mapped[Offender] = relationship(lazy="raise")
    date_changes: Mapped[list[SentenceDateChange]] = relationship(
        lazy="raise", order_by="SentenceDateChange.changed_at.desc()"
    )

    @property
    def category_label(self) -> str:
        return OffenceCategory(self.offence_category).label

    @property
    def type_label(self) -> str:
        return SentenceType(self.sentence_type).label

    def dates(self) -> dict[str, date | None]:
        return {name: getattr(self, name) for name in SENTENCE_DATES}


class SentenceDateChange(db.Model):
    """Every change to a release-related date, with where the new value came from."""

    __tablename__ = "sentence_date_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id"), index=True)
    field: Mapped[str] = mapped_column(String(10))
    old_value: Mapped[date | None] = mapped_column(Date)
    new_value: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = created_at_column()
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The release-date change event that brought the new value (one entry for both), if any.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("offender_events.id"))

    changed_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def field_label(self) -> str:
        return SENTENCE_DATES[self.field]


class Case(Versioned, db.Model):
    """One offender's VCS case in one region, held by one team."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_team_id_status", "team_id", "status"),
        Index("ix_cases_allocated_vlo_id_status", "allocated_vlo_id", "status"),
        # The national and regional lists by next deadline read a page off these (issue 16).
        Index("ix_cases_status_next_due_on_id", "status", "next_due_on", "id"),
        Index("ix_cases_region_id_status_next_due_on_id", "region_id", "status", "next_due_on", "id"),
        CheckConstraint("(status = 'closed') = (closed_reason IS NOT NULL)", name="closed_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offender_id: Mapped[int] = mapped_column(ForeignKey("offenders.id"), index=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    scheme: Mapped[str] = mapped_column(String(20))
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "status", 10), default=CaseStatus.OPEN)
    closed_reason: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    allocated_vlo_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    referral_received_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
    # Eligibility as computed from the offence and sentence (victims.domain.eligibility), kept
    # beside `scheme`, the scheme in force, which differs only when an SPO overrode it.
    computed_scheme: Mapped[str | None] = mapped_column(String(20))  # None: not eligible
    eligibility_reason: Mapped[str | None] = mapped_column(Text)
    eligibility_basis: Mapped[str | None] = mapped_column(String(200))
    discretionary_offer: Mapped[bool] = mapped_column(Boolean, default=False)
    scheme_override_reason: Mapped[str | None] = mapped_column(Text)
    scheme_overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    scheme_overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Pre-release work marked complete (every licence-condition request has an outcome and the
    # victim has been told it: victims.domain.prerelease).
    prerelease_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    prerelease_completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The earliest due date of the case's open deadlines (None: none open), kept where deadlines
    # change so that lists ordered or filtered by the next deadline read one indexed column
    # rather than a min() over every open case's deadlines (issue 16).
    next_due_on: Mapped[date | None] = mapped_column(Date)

    offender: Mapped[Offender] = relationship(lazy="raise")
    sentence: Mapped[Sentence] = relationship(lazy="raise")
    region: Mapped[Region] = relationship(lazy="raise")
    team: Mapped[Team] = relationship(lazy="raise")
    allocated_vlo: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[allocated_vlo_id])
    scheme_overridden_by: Mapped[User | None] = relationship(
        lazy="raise", foreign_keys=[scheme_overridden_by_id]
    )
    # Person (victims.people.models) is named, not imported: people are recorded on cases, so
    # the people area sits below this one and this module must not import it.
    people: Mapped[list[Person]] = relationship(  # noqa: F821  (resolved by name when mapped)
        lazy="raise", back_populates="case", order_by="Person.id"
    )
    contacts: Mapped[list[ContactLogEntry]] = relationship(
        lazy="raise", order_by="ContactLogEntry.occurred_at.desc()"
    )

    @property
    def scheme_label(self) -> str:
        return Scheme(self.scheme).label

    @property
    def status_label(self) -> str:
        return CaseStatus(self.status).label

    @property
    def closed_reason_label(self) -> str | None:
        return ClosureReason(self.closed_reason).label if self.closed_reason else None


class CaseStatusChange(db.Model):
    """A case closed (with its reason) or reopened: the case keeps only its current state."""

    __tablename__ = "case_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus, "status", 10))
    closed_reason: Mapped[str | None] = mapped_column(String(30))  # ClosureReason, when closed
    # Why, in the words of whoever did it ("other" details, or why it reopened). It may name
    # people: encrypted at rest.
    details: Mapped[str | None] = mapped_column(EncryptedText())
    at: Mapped[datetime] = created_at_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User | None] = relationship(lazy="raise")

    @property
    def closed_reason_label(self) -> str | None:
        return ClosureReason(self.closed_reason).label if self.closed_reason else None


class CaseTransfer(db.Model):
    """An SPO's request to hand a case to another team (in any region), until that team's SPO
    accepts or declines it or the sender withdraws it. One pending request per case."""

    __tablename__ = "case_transfers"
    __table_args__ = (
        Index(
            "uq_case_transfers_case_id_pending",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_case_transfers_to_team_id_status", "to_team_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    from_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    to_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[TransferStatus] = mapped_column(
        enum_column(TransferStatus, "status", 10), default=TransferStatus.PENDING
    )
    # Why, as the SPOs wrote it: read by the other team, so it should name no victim.
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = created_at_column()
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    from_team: Mapped[Team] = relationship(lazy="raise", foreign_keys=[from_team_id])
    to_team: Mapped[Team] = relationship(lazy="raise", foreign_keys=[to_team_id])
    requested_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return TransferStatus(self.status).label


class ContactLogEntry(db.Model):
    __tablename__ = "contact_log_entries"
    __table_args__ = (
        Index("ix_contact_log_entries_case_id_occurred_at", "case_id", "occurred_at"),
        # The compliance pages count this month's returned letters live: only those rows.
        Index(
            "ix_contact_log_entries_returned_occurred_at",
            "occurred_at",
            postgresql_where=text("outcome = 'returned_mail'"),
            sqlite_where=text("outcome = 'returned_mail'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = created_at_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    # Made, attempted (no answer), or a letter or email that came back (victims.domain.evidence).
    outcome: Mapped[ContactOutcome] = mapped_column(
        enum_column(ContactOutcome, "outcome", 20), default=ContactOutcome.MADE
    )
    # What was said may identify the victim: encrypted at rest.
    summary: Mapped[str] = mapped_column(EncryptedText())

    user: Mapped[User] = relationship(lazy="raise")
    person: Mapped[Person | None] = relationship(lazy="raise")  # noqa: F821  (resolved by name)

    @property
    def method_label(self) -> str:
        return ContactMethod(self.method).label

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label

    @property
    def outcome_label(self) -> str:
        return ContactOutcome(self.outcome).label


class CaseNeedRecord(db.Model):
    """A need an SPO added to a case by hand, with a reason (issue 14): needs from the case's facts
    are derived, never stored. Removed by setting `removed_at` with a reason; kept for the record."""

    __tablename__ = "case_needs"
    __table_args__ = (
        # At most one need of a kind in force on a case.
        Index(
            "uq_case_needs_in_force",
            "case_id",
            "need",
            unique=True,
            postgresql_where=text("removed_at IS NULL"),
            sqlite_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    need: Mapped[Need] = mapped_column(enum_column(Need, "need", 30))
    # Why the case needs it: may say something of the victim, so it is encrypted.
    reason: Mapped[str] = mapped_column(EncryptedText())
    added_at: Mapped[datetime] = created_at_column()
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_reason: Mapped[str | None] = mapped_column(EncryptedText())

    added_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[added_by_id])
    removed_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[removed_by_id])
