"""API clients: created from the command line, the token printed once, kept as a SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from victims import clock
from victims.api.models import ApiClient
from victims.extensions import db

TOKEN_PREFIX = "vcs_"  # noqa: S105  (a marker on every token, not a secret)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_client(name: str, region_id: int, team_id: int | None) -> tuple[ApiClient, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    client = ApiClient(name=name, region_id=region_id, team_id=team_id, token_hash=_hash(token))
    db.session.add(client)
    db.session.flush()
    return client, token


def client_for_token(token: str) -> ApiClient | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    client = db.session.scalar(select(ApiClient).where(ApiClient.token_hash == _hash(token)))
    if client is None or client.revoked_at is not None:
        return None
    return client


def revoke(client: ApiClient) -> None:
    client.revoked_at = clock.utcnow()
    db.session.flush()
