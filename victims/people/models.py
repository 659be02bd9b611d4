from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column, relationship

from victims.crypto import EncryptedText
from victims.domain import coming_of_age
from victims.domain.vocabulary import Channel, ContactLevel, Language, Relationship
from victims.extensions import db
from victims.staff.models import User
from victims.types import Versioned, created_at_column

# The fields that identify where or how to reach a person: encrypted, hidden until revealed.
CONTACT_DETAIL_FIELDS = (
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
    "telephone",
    "email",
)
# Loaded together, and only when first read: a page that lists people (the case page, the letters)
# never reads, so never decrypts, where they live; reading one of them (a reveal, a letter being
# printed) loads the person's whole group in one statement.
HIDDEN_GROUP = "contact_details"


def _hidden() -> MappedColumn[Any]:
    return mapped_column(EncryptedText(), deferred=True, deferred_group=HIDDEN_GROUP)


class Person(Versioned, db.Model):
    """A victim, a bereaved relative, or the parent or guardian of a child victim."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(
            "(relationship = 'parent_guardian') = (acting_for_id IS NOT NULL)",
            name="guardian_acts_for_child",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    relationship_: Mapped[str] = mapped_column("relationship", String(20))
    # For a parent or guardian: the child victim they receive information for.
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100), index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)

    address_line_1: Mapped[str | None] = _hidden()
    address_line_2: Mapped[str | None] = _hidden()
    address_town: Mapped[str | None] = _hidden()
    address_postcode: Mapped[str | None] = _hidden()
    telephone: Mapped[str | None] = _hidden()
    email: Mapped[str | None] = _hidden()
    safe_contact_times: Mapped[str | None] = _hidden()

    contact_level: Mapped[str] = mapped_column(String(20), default=ContactLevel.KEY_STAGES.value)
    channel: Mapped[str] = mapped_column(String(10), default=Channel.POST.value)
    language: Mapped[str] = mapped_column(String(2), default=Language.ENGLISH.value)
    large_print: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_lost: Mapped[bool] = mapped_column(Boolean, default=False)
    # When contact was last lost (a letter or email came back) and, after that, regained (new
    # contact details, or a contact made). Every loss and regain is in the audit trail.
    # Indexed: the compliance pages count this month's losses and regains live.
    contact_lost_on: Mapped[date | None] = mapped_column(Date, index=True)
    contact_regained_on: Mapped[date | None] = mapped_column(Date, index=True)
    # The day the "has turned 18" task was opened for this child victim (at most once).
    turned_18_alerted_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()

    # Case (victims.cases.models) is named, not imported: the cases area builds on this one.
    case: Mapped[Case] = relationship(lazy="raise", back_populates="people")  # noqa: F821  (by name)
    acting_for: Mapped[Person | None] = relationship(lazy="raise", remote_side=[id])
    level_changes: Mapped[list[ContactLevelChange]] = relationship(
        lazy="raise", order_by="ContactLevelChange.at.desc()"
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def relationship_label(self) -> str:
        return Relationship(self.relationship_).label

    @property
    def contact_level_label(self) -> str:
        return ContactLevel(self.contact_level).label

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def language_label(self) -> str:
        return Language(self.language).label

    @property
    def opted_out(self) -> bool:
        return self.contact_level == ContactLevel.OPTED_OUT

    @property
    def eighteenth_birthday(self) -> date | None:
        return coming_of_age.eighteenth_birthday(self.date_of_birth) if self.date_of_birth else None

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class ContactLevelChange(db.Model):
    """The history of a person's contact-level choices, opting out and back in included."""

    __tablename__ = "contact_level_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    at: Mapped[datetime] = created_at_column()
    # None when the choice came with a referral through the API.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    old_level: Mapped[str | None] = mapped_column(String(20))
    new_level: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship(lazy="raise")

    @property
    def new_level_label(self) -> str:
        return ContactLevel(self.new_level).label

    @property
    def old_level_label(self) -> str | None:
        return ContactLevel(self.old_level).label if self.old_level else None
