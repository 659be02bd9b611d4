"""Victims' contact details and contact-log summaries are encrypted at rest, under keys
that can rotate, and production refuses to start without them."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import text

from config import ProductionConfig
from tests.helpers import date_parts
from victims import crypto
from victims.domain.vocabulary import Role
from victims.people.models import Person

ADDRESS = "42 Ciphertext Crescent"
LINE_2 = "Flat Nine"
TOWN = "Plaintown"
POSTCODE = "PL4 1NT"
PHONE = "07700 900 123"
EMAIL = "hidden.victim@example.test"
SAFE_TIMES = "Weekday mornings, never voicemail"
SUMMARY = "Spoke about the move to Larkspur Avenue"


@pytest.fixture()
def keys():
    """Restore the application's keys after a test that changes them."""
    saved = (crypto._keys.fernet, crypto._keys.blind_index_key)
    yield
    crypto._keys.fernet, crypto._keys.blind_index_key = saved


def _raw_rows(session, table: str) -> list[str]:
    rows = session.execute(text(f"SELECT * FROM {table}")).all()  # noqa: S608  (fixed table names)
    return [" | ".join("" if value is None else str(value) for value in row) for row in rows]


def test_contact_details_are_not_stored_in_plain_text(web, make, database):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, victims=0)
    browser = web(vlo)
    browser.post(
        f"/cases/{case.id}/people/new",
        {
            "relationship": "victim",
            "first_name": "Petra",
            "last_name": "Cipherson",
            "address_line_1": ADDRESS,
            "address_line_2": LINE_2,
            "address_town": TOWN,
            "address_postcode": POSTCODE,
            "telephone": PHONE,
            "email": EMAIL,
            "contact_level": "key_stages",
            "channel": "post",
            "language": "en",
            "safe_contact_times": SAFE_TIMES,
        },
        status=302,
    )
    rows = _raw_rows(database.session, "people")
    assert any("Cipherson" in row for row in rows)  # the row is there (names are not encrypted)
    raw = "\n".join(rows)
    for secret in (ADDRESS, LINE_2, TOWN, POSTCODE, PHONE, EMAIL, SAFE_TIMES, "Ciphertext", "900 123"):
        assert secret not in raw, secret
        assert secret.lower() not in raw.lower(), secret

    # ...and the service reads them back.
    person = database.session.query(Person).filter_by(last_name="Cipherson").one()
    database.session.refresh(person)
    assert (person.address_line_1, person.address_postcode, person.telephone, person.email) == (
        ADDRESS,
        POSTCODE,
        PHONE,
        EMAIL,
    )
    stored = database.session.execute(
        text("SELECT address_line_1 FROM people WHERE id = :id"), {"id": person.id}
    ).scalar_one()
    assert crypto.decrypt(stored) == ADDRESS


def test_contact_log_summaries_are_encrypted(web, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    browser = web(vlo)
    today = frozen_clock.now.date()
    browser.post(
        f"/cases/{case.id}/contacts/new",
        {
            "occurred_on": date_parts(today),
            "occurred_time": "09:15",
            "method": "telephone",
            "direction": "outbound",
            "summary": SUMMARY,
        },
        status=302,
    )
    raw = "\n".join(_raw_rows(database.session, "contact_log_entries"))
    assert "telephone" in raw  # the entry is there
    assert "Larkspur" not in raw
    assert SUMMARY in browser.get(f"/cases/{case.id}/contacts")


def test_totp_secrets_are_encrypted(make, database):
    user = make.user(Role.VLO)
    raw = database.session.execute(
        text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user.id}
    ).scalar_one()
    assert raw != user.totp_secret
    assert crypto.decrypt(raw) == user.totp_secret


def test_each_encryption_is_different(keys):
    assert crypto.encrypt(ADDRESS) != crypto.encrypt(ADDRESS)  # no equality leaks from ciphertext


def test_a_token_from_another_key_is_refused(keys):
    token = crypto.encrypt(ADDRESS)
    crypto.configure([Fernet.generate_key().decode()], "another-blind-index-key")
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)


def test_key_rotation(make, database, keys):
    case = make.case(victims=0)
    person = make.person(case, address_line_1=ADDRESS, email=EMAIL)
    person_id = person.id
    old_key = crypto._keys.fernet._fernets[0]  # the application's current key
    old_token = database.session.execute(
        text("SELECT address_line_1 FROM people WHERE id = :id"), {"id": person_id}
    ).scalar_one()

    # A new key goes first; the old one stays to decrypt what is already stored.
    new_key = Fernet.generate_key().decode()
    crypto.configure([new_key, _key_text(old_key)], "test-blind-index-key")
    database.session.expire_all()
    assert database.session.get(Person, person_id).address_line_1 == ADDRESS

    # New writes use the new key only.
    fresh = crypto.encrypt(POSTCODE)
    assert Fernet(new_key.encode()).decrypt(fresh.encode()).decode() == POSTCODE
    with pytest.raises(InvalidToken):
        old_key.decrypt(fresh.encode())

    # rotate() re-encrypts a stored token under the new key.
    rotated = crypto.rotate(old_token)
    assert rotated != old_token
    assert Fernet(new_key.encode()).decrypt(rotated.encode()).decode() == ADDRESS

    # Without the old key, rows not yet rotated cannot be read (the contact details are loaded,
    # and decrypted, only when read: victims.people.models)...
    crypto.configure([new_key], "test-blind-index-key")
    database.session.expire_all()
    with pytest.raises(InvalidToken):
        _ = database.session.get(Person, person_id).address_line_1
    database.session.expunge_all()

    # ...so rotate every encrypted column (as a rotation job would), then retire the old key.
    crypto.configure([new_key, _key_text(old_key)], "test-blind-index-key")
    row = database.session.execute(
        text(f"SELECT {', '.join(ENCRYPTED)} FROM people WHERE id = :id"),  # noqa: S608
        {"id": person_id},
    ).one()
    for column, token in zip(ENCRYPTED, row, strict=True):
        if token is not None:
            database.session.execute(
                text(f"UPDATE people SET {column} = :token WHERE id = :id"),  # noqa: S608
                {"token": crypto.rotate(token), "id": person_id},
            )
    crypto.configure([new_key], "test-blind-index-key")
    database.session.expire_all()
    reread = database.session.get(Person, person_id)
    assert (reread.address_line_1, reread.email) == (ADDRESS, EMAIL)


ENCRYPTED = (
    "address_line_1",
    "address_line_2",
    "address_town",
    "address_postcode",
    "telephone",
    "email",
    "safe_contact_times",
)


def _key_text(fernet: Fernet) -> str:
    import base64

    return base64.urlsafe_b64encode(fernet._signing_key + fernet._encryption_key).decode()


def test_blind_index_is_keyed_and_normalised(keys):
    first = crypto.blind_index("Jane  SMITH")
    assert first == crypto.blind_index("jane smith")
    assert "jane" not in first
    crypto.configure([Fernet.generate_key().decode()], "a-different-blind-index-key")
    assert crypto.blind_index("jane smith") != first


# -- production refuses to start without keys ------------------------------------------

GOOD = {
    "SECRET_KEY": secrets.token_hex(32),
    "FIELD_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
    "BLIND_INDEX_KEY": secrets.token_hex(32),
    "NOTIFY_API_KEY": "live-" + "0" * 36 + "-" + "1" * 36,
    # The other settings production checks (tests/unit/test_config.py), set as a deployment sets them.
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://victims@db.internal/victims",
    "SESSION_COOKIE_SECURE": True,
    "REDIS_URL": "redis://redis.internal:6379/0",
    "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0",
}


def test_production_starts_with_proper_keys():
    ProductionConfig.check(dict(GOOD))  # does not raise


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"FIELD_ENCRYPTION_KEYS": []}, "FIELD_ENCRYPTION_KEYS must hold at least one Fernet key"),
        ({"FIELD_ENCRYPTION_KEYS": ["not-a-fernet-key"]}, "not a Fernet key"),
        ({"BLIND_INDEX_KEY": ""}, "BLIND_INDEX_KEY"),
        ({"BLIND_INDEX_KEY": "short"}, "BLIND_INDEX_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"NOTIFY_API_KEY": ""}, "NOTIFY_API_KEY"),
    ],
)
def test_production_refuses_to_start_without_keys(change, message):
    with pytest.raises(RuntimeError, match=message):
        ProductionConfig.check({**GOOD, **change})


def test_create_app_in_production_refuses_to_start_without_keys(monkeypatch):
    from victims import create_app

    saved = (crypto._keys.fernet, crypto._keys.blind_index_key)
    try:
        with pytest.raises(RuntimeError, match="Refusing to start"):
            create_app(
                "production",
                SQLALCHEMY_DATABASE_URI="sqlite://",
                SECRET_KEY="s" * 64,
                FIELD_ENCRYPTION_KEYS=[],
                BLIND_INDEX_KEY="b" * 64,
            )
    finally:
        crypto._keys.fernet, crypto._keys.blind_index_key = saved


def test_encryption_refuses_to_work_unconfigured(keys):
    crypto._keys.fernet = None
    with pytest.raises(RuntimeError):
        crypto.encrypt(ADDRESS)
    with pytest.raises(RuntimeError):
        crypto.configure([], "key")
