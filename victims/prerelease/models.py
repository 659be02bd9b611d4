from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.crypto import EncryptedText
from victims.domain.prerelease import ConditionType, Stage, ZoneStatus
from victims.extensions import db
from victims.staff.models import User
from victims.types import UTCDateTime, Versioned, created_at_column, enum_column


class PreReleaseContact(db.Model):
    """Pre-release contact with a victim: what they said, their concerns, what they ask for."""

    __tablename__ = "prerelease_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    contacted_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    # The victim's words: encrypted at rest.
    said: Mapped[str] = mapped_column(EncryptedText())
    concerns: Mapped[str | None] = mapped_column(EncryptedText())
    wants_conditions: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = created_at_column()
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User] = relationship(lazy="raise")


class ConditionRequest(Versioned, db.Model):
    """A victim's request for a licence condition, traced from their words to the licence and
    back to them (victims.domain.prerelease)."""

    __tablename__ = "condition_requests"
    __table_args__ = (Index("ix_condition_requests_case_id_stage", "case_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    condition_type: Mapped[str] = mapped_column(String(30))
    # What the victim asked for, in their words (may identify them: encrypted).
    victim_words: Mapped[str] = mapped_column(EncryptedText())
    # The wording proposed for the licence: goes to the probation practitioner and the offender.
    wording: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[Stage] = mapped_column(enum_column(Stage, "stage", 20), default=Stage.REQUESTED)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("exclusion_zones.id"))
    requested_at: Mapped[datetime] = created_at_column()
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    # When the later steps were recorded (issue 17; None on rows from before): each *_on is the
    # day it happened, which for "told" is the day of the letter or contact that told them.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    practitioner_name: Mapped[str | None] = mapped_column(String(120))
    practitioner_team: Mapped[str | None] = mapped_column(String(120))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    told_on: Mapped[date | None] = mapped_column(Date)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    told_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # How, in words: typed by hand before issue 17 (kept and shown); since, derived from the
    # letter or contact below ("Letter 42: …"), never its content.
    told_how: Mapped[str | None] = mapped_column(String(200))
    # What told the victim the outcome (issue 17): the letter sent, or the contact recorded.
    told_letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    told_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact_log_entries.id"))

    @property
    def stage_enum(self) -> Stage:
        return Stage(self.stage)

    @property
    def type_enum(self) -> ConditionType:
        return ConditionType(self.condition_type)


class ExclusionZone(Versioned, db.Model):
    """An exclusion zone's polygons (GeoJSON, WGS 84) and the written description of its boundary.

    The zone itself goes to the offender; the points it is checked against (the victim's home,
    work or school; the offender's release address) never leave the service: they are kept,
    encrypted, in `ZonePoint` and never drawn on the map."""

    __tablename__ = "exclusion_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    geojson: Mapped[dict | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ZoneStatus] = mapped_column(
        enum_column(ZoneStatus, "status", 20), default=ZoneStatus.DRAFT
    )
    checks: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    countersigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    countersigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    points: Mapped[list[ZonePoint]] = relationship(lazy="raise", order_by="ZonePoint.id")


class ZonePoint(db.Model):
    """A place the zone is checked against: entered as a postcode (its centre from the postcode
    table, then perhaps dragged to the exact spot), an address (a configured geocoder) or typed
    coordinates."""

    __tablename__ = "zone_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("exclusion_zones.id"), index=True)
    # home, work, school (the victim's: must be inside, and not revealed) or release_address
    # (the offender's proposed release address: must be outside).
    kind: Mapped[str] = mapped_column(String(20))
    # "lat,lon": encrypted, as it locates a victim or the offender's release address.
    coordinates: Mapped[str] = mapped_column(EncryptedText())
    # The postcode the place was entered as, shown back after a reveal: encrypted, as it locates.
    postcode: Mapped[str | None] = mapped_column(EncryptedText())
    # How the coordinates were found (PointSource): None for places recorded before issue 17.
    source: Mapped[str | None] = mapped_column(String(20))


class ReleaseAddress(db.Model):
    """The offender's proposed release address, as each source gave it (issue 17): the case's
    current one is its latest row, and every exclusion zone on the case is checked against it.

    Kept encrypted: it must never reach the victim, and it locates the offender. A row whose
    postcode is None records that the proposed address was withdrawn."""

    __tablename__ = "release_addresses"
    __table_args__ = (Index("ix_release_addresses_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # House number and street (optional), and the postcode.
    street: Mapped[str | None] = mapped_column(EncryptedText())
    postcode: Mapped[str | None] = mapped_column(EncryptedText())
    # "lat,lon": the postcode's centre, or the exact spot the VLO moved it to.
    coordinates: Mapped[str | None] = mapped_column(EncryptedText())
    # Where it came from (victims.domain.prerelease.AddressSource): the API, a CSV upload, the
    # dates page or the zone page; and the date the source gave for it.
    source: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = created_at_column()
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recorded_by: Mapped[User | None] = relationship(lazy="raise")


POINT_KINDS = {
    "home": "The victim’s home",
    "work": "The victim’s work",
    "school": "The victim’s school",
    "release_address": "The offender’s proposed release address",
}
