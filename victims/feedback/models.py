"""Feedback links and responses. A response keeps its team and region, what it was about and
its answers; it keeps no case, person or link, so no report can attribute it to a victim."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from victims.crypto import EncryptedText
from victims.domain.oversight import Answer, FeedbackAbout, FeedbackSource
from victims.extensions import db
from victims.types import UTCDateTime, created_at_column, enum_column


class FeedbackLink(db.Model):
    """A single-use link sent with a letter. Only the token's hash is kept: the token itself is
    in the letter (whose PDF is encrypted) and nowhere else."""

    __tablename__ = "feedback_links"
    __table_args__ = (Index("ix_feedback_links_letter_id", "letter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    about: Mapped[FeedbackAbout] = mapped_column(enum_column(FeedbackAbout, "about", 20))
    # The language the victim chose for letters: the page opens in it.
    language: Mapped[str] = mapped_column(String(2))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime] = created_at_column()
    expires_on: Mapped[date] = mapped_column(Date)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FeedbackResponse(db.Model):
    __tablename__ = "feedback_responses"
    __table_args__ = (
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_1_to_5"),
        Index("ix_feedback_responses_region_id_received_on", "region_id", "received_on"),
        Index("ix_feedback_responses_team_id_received_on", "team_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    source: Mapped[FeedbackSource] = mapped_column(enum_column(FeedbackSource, "source", 10))
    about: Mapped[FeedbackAbout] = mapped_column(enum_column(FeedbackAbout, "about", 20))
    language: Mapped[str] = mapped_column(String(2))
    satisfaction: Mapped[int] = mapped_column(Integer)
    kept_informed: Mapped[Answer | None] = mapped_column(enum_column(Answer, "kept_informed", 10))
    felt_safer: Mapped[Answer | None] = mapped_column(enum_column(Answer, "felt_safer", 10))
    # What the victim wrote (or said): it may name them, so it is encrypted.
    comments: Mapped[str | None] = mapped_column(EncryptedText())
    received_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = created_at_column()
