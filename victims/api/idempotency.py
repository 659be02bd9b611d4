"""Idempotency-Key: a retried referral gets the answer the first one got, and never a second case.

The key's row is written first, in a savepoint, so a second request with the same key waits for
the first to finish and then replays its answer; the same key with a different body is refused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from victims.api.models import IdempotencyRecord
from victims.extensions import db


def earlier(client_id: int, key: str) -> IdempotencyRecord | None:
    """The record of an earlier request with this key from this client."""
    return db.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.client_id == client_id, IdempotencyRecord.key == key
        )
    )


def take(client_id: int, key: str, digest: str) -> IdempotencyRecord | None:
    """Write the key's row for this request, or None when another request holds the key (it
    committed first: its answer is then `earlier`)."""
    record = IdempotencyRecord(client_id=client_id, key=key, request_hash=digest, status=0, body={})
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        db.session.rollback()
        return None
    return record
