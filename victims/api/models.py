from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from victims.extensions import db
from victims.types import UTCDateTime, created_at_column


class ApiClient(db.Model):
    """A system allowed to call the API, tied to one region. The bearer token is shown once;
    only its SHA-256 is kept."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    # The Victim Contact Unit that receives this client's referrals unless one is named.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdempotencyRecord(db.Model):
    """The response given to a request with an Idempotency-Key, replayed for a repeat."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("client_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    # Ids and dates only: what the API returns never holds a victim's contact details.
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()
