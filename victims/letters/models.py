from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victims.crypto import EncryptedText
from victims.domain.letters import EDITABLE, DeliveryStatus, LetterStatus, LetterType, Section
from victims.extensions import db
from victims.notify.references import REFERENCE_LENGTH, new_reference
from victims.staff.models import User
from victims.types import UTCDateTime, Versioned, created_at_column, enum_column


def sections_to_json(sections: list[Section]) -> list[dict]:
    """Sections as kept in JSON. A section's guidance (for the writer, never printed) is a key of
    its own, so adding it changed no table: older sections simply have none."""
    return [
        {"key": s.key, "heading": s.heading, "body": s.body, "locked": s.locked}
        | ({"guidance": s.guidance} if s.guidance else {})
        for s in sections
    ]


def sections_from_json(data: list[dict]) -> list[Section]:
    return [
        Section(
            item["key"], item["heading"], item["body"], bool(item.get("locked")), item.get("guidance") or ""
        )
        for item in data
    ]


class LetterTemplate(db.Model):
    """One version of the template of a letter type in one language. Version 1 is the built-in
    template (victims.letters.defaults); an administrator's edit adds the next version."""

    __tablename__ = "letter_templates"
    __table_args__ = (UniqueConstraint("letter_type", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_type: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    sections_data: Mapped[list] = mapped_column("sections", JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def sections(self) -> list[Section]:
        return sections_from_json(self.sections_data)

    @property
    def type_label(self) -> str:
        return LetterType(self.letter_type).label


class Letter(Versioned, db.Model):
    """A letter to one person on a case: drafted from a template version, checked, sent once."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_case_id_status", "case_id", "status"),
        Index("ix_letters_status_sent_at", "status", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    letter_type: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(10))
    template_id: Mapped[int] = mapped_column(ForeignKey("letter_templates.id"))
    title: Mapped[str] = mapped_column(String(200))
    # The sections as drafted (JSON), and the case's facts when drafted or last refreshed (JSON):
    # both may identify the victim, so both are encrypted.
    sections_json: Mapped[str] = mapped_column(EncryptedText())
    facts_json: Mapped[str] = mapped_column(EncryptedText())
    status: Mapped[LetterStatus] = mapped_column(
        enum_column(LetterStatus, "status", 30), default=LetterStatus.DRAFT
    )
    created_at: Mapped[datetime] = created_at_column()
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = created_at_column()
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    countersigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    countersigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The check results when it was approved (codes and outcomes only).
    checks: Mapped[dict | None] = mapped_column(JSON)
    # The exact PDF that was (or will be) sent, base64, encrypted: it holds the address.
    pdf_base64: Mapped[str | None] = mapped_column(EncryptedText())
    letter_date: Mapped[str | None] = mapped_column(String(40))
    # The GOV.UK Notify reference: random and made with the row, so that a retried send finds
    # what an earlier attempt sent and never another letter's (victims.notify.references).
    reference: Mapped[str] = mapped_column(
        String(REFERENCE_LENGTH), unique=True, default=lambda: new_reference("letter")
    )
    send_claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    send_attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notify_id: Mapped[str | None] = mapped_column(String(64))
    delivery_status: Mapped[DeliveryStatus | None] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status", 40)
    )
    delivery_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Why it was not sent or was held, or came back (words for staff, never the letter's content).
    problem: Mapped[str | None] = mapped_column(String(300))

    created_by: Mapped[User] = relationship(lazy="raise", foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[approved_by_id])
    countersigned_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[countersigned_by_id])
    template: Mapped[LetterTemplate] = relationship(lazy="raise")

    @property
    def sections(self) -> list[Section]:
        return sections_from_json(json.loads(self.sections_json))

    @sections.setter
    def sections(self, value: list[Section]) -> None:
        self.sections_json = json.dumps(sections_to_json(value), ensure_ascii=False)

    @property
    def facts(self) -> dict[str, str]:
        return json.loads(self.facts_json)

    @facts.setter
    def facts(self, value: dict[str, str]) -> None:
        self.facts_json = json.dumps(value, ensure_ascii=False, sort_keys=True)

    @property
    def type_enum(self) -> LetterType:
        return LetterType(self.letter_type)

    @property
    def status_label(self) -> str:
        return LetterStatus(self.status).label

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE
