"""Field encryption at rest and keyed look-up hashes.

Victims' addresses and contact details are stored as Fernet tokens (AES-128-CBC with
HMAC-SHA256) under keys held outside the database. MultiFernet lets keys rotate: the
first key encrypts, every key decrypts. A blind index (HMAC-SHA256 under a separate key)
lets the service find a value without storing it in plain text.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator


class _Keys:
    fernet: MultiFernet | None = None
    blind_index_key: bytes = b""


_keys = _Keys()


def configure(encryption_keys: list[str], blind_index_key: str) -> None:
    if not encryption_keys:
        raise RuntimeError("No field-encryption key is configured")
    _keys.fernet = MultiFernet([Fernet(key) for key in encryption_keys])
    _keys.blind_index_key = blind_index_key.encode()


def _fernet() -> MultiFernet:
    if _keys.fernet is None:
        raise RuntimeError("Field encryption is not configured; call victims.crypto.configure()")
    return _keys.fernet


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """Re-encrypt a token under the current first key."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def blind_index(value: str) -> str:
    """A keyed hash of a normalised value, for equality look-ups."""
    normalised = " ".join(value.split()).casefold()
    return hmac.new(_keys.blind_index_key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """A text column stored encrypted; Python sees plain text, the database a token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return None
        return encrypt(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt(value)


BlindIndex = String(64)
