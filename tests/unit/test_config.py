"""Production refuses settings that would make it unsafe, each with a message naming the setting."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet

from config import ProductionConfig


def good() -> dict:
    """What a production deployment sets (as app.config holds it)."""
    return {
        "SECRET_KEY": secrets.token_hex(32),
        "FIELD_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "BLIND_INDEX_KEY": secrets.token_urlsafe(32),
        "NOTIFY_API_KEY": "live-" + "0" * 36 + "-" + "1" * 36,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://victims@db.internal/victims",
        "SESSION_COOKIE_SECURE": True,
        "DEBUG": False,
        "REDIS_URL": "redis://redis.internal:6379/0",
        "RATELIMIT_STORAGE_URI": "redis://redis.internal:6379/0",
    }


def refusal(**change) -> str:
    with pytest.raises(RuntimeError) as refused:
        ProductionConfig.check({**good(), **change})
    return str(refused.value)


def test_production_starts_with_strong_settings():
    ProductionConfig.check(good())  # does not raise


@pytest.mark.parametrize(
    "key",
    [
        secrets.token_hex(16),  # 32 hex characters: 128 random bits
        secrets.token_hex(32),
        secrets.token_urlsafe(32),
        Fernet.generate_key().decode(),
    ],
)
def test_real_random_keys_are_accepted(key):
    ProductionConfig.check({**good(), "SECRET_KEY": key, "BLIND_INDEX_KEY": key})


def test_an_insecure_session_cookie_is_refused():
    assert "SESSION_COOKIE_SECURE must be true" in refusal(SESSION_COOKIE_SECURE=False)


def test_debug_mode_is_refused():
    message = refusal(DEBUG=True)
    assert "FLASK_DEBUG" in message


def test_flask_debug_in_the_environment_is_refused_by_create_app(monkeypatch):
    """FLASK_DEBUG=1 reaches the configuration through Flask itself (and would turn HSTS off)."""
    from victims import create_app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    settings = good()
    settings.pop("DEBUG")
    with pytest.raises(RuntimeError, match="FLASK_DEBUG"):
        create_app("production", **settings)


WEAK_KEYS = [
    "s" * 64,  # one repeated character
    "ab" * 32,  # a repeated pair
    "changeme-" * 5,  # a repeated word
    "passwordpasswordpasswordpassword1",
    "0123456701234567012345670123456701234567",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
]


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_a_low_entropy_secret_key_is_refused(key):
    assert "SECRET_KEY" in refusal(SECRET_KEY=key)


@pytest.mark.parametrize("key", WEAK_KEYS)
def test_a_low_entropy_blind_index_key_is_refused(key):
    assert "BLIND_INDEX_KEY" in refusal(BLIND_INDEX_KEY=key)


@pytest.mark.parametrize("setting", ["SECRET_KEY", "BLIND_INDEX_KEY"])
def test_a_short_key_is_refused(setting):
    assert setting in refusal(**{setting: secrets.token_hex(15)})


@pytest.mark.parametrize(
    "url",
    ["sqlite:///instance/victims.sqlite3", "sqlite://", "sqlite+pysqlite:///tmp/x.db", ""],
)
def test_sqlite_is_refused(url):
    assert "DATABASE_URL" in refusal(SQLALCHEMY_DATABASE_URI=url)


def test_every_problem_is_named_at_once():
    message = refusal(
        SESSION_COOKIE_SECURE=False, DEBUG=True, SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    for setting in ("SESSION_COOKIE_SECURE", "FLASK_DEBUG", "SECRET_KEY", "DATABASE_URL"):
        assert setting in message


@pytest.mark.parametrize("storage", ["memory://", "", None])
def test_limits_kept_in_one_process_memory_are_refused(storage):
    """Each web process would count on its own: the per-address limit must live in Redis."""
    assert "REDIS_URL" in refusal(RATELIMIT_STORAGE_URI=storage)


def test_behind_a_load_balancer_by_default():
    from config import Config

    assert ProductionConfig.TRUSTED_PROXY_COUNT == 1
    assert Config.TRUSTED_PROXY_COUNT == 0


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", {}),
        ("off", {"prepare_threshold": None}),
        ("None", {"prepare_threshold": None}),
        ("0", {"prepare_threshold": 0}),
    ],
)
def test_the_prepare_threshold_reaches_psycopg_for_a_pooler(setting, expected):
    """DATABASE_PREPARE_THRESHOLD=off: no server-side prepared statements (PgBouncer in
    transaction mode without max_prepared_statements); unset: psycopg's own default."""
    from victims.app import _postgres_connect_args

    args = _postgres_connect_args(
        {"DATABASE_CONNECT_TIMEOUT_SECONDS": 3, "DATABASE_PREPARE_THRESHOLD": setting}
    )
    assert args == {"connect_timeout": 3, **expected}


def test_a_replica_must_be_postgresql_in_production():
    ProductionConfig.check(
        good() | {"DATABASE_REPLICA_URL": "postgresql+psycopg://victims@replica.internal/victims"}
    )
    with pytest.raises(RuntimeError, match="DATABASE_REPLICA_URL must point at PostgreSQL"):
        ProductionConfig.check(good() | {"DATABASE_REPLICA_URL": "sqlite:///replica.sqlite3"})


def test_a_map_provider_over_plain_http_is_refused_in_production():
    assert "MAP_TILE_URL must be an https address" in refusal(
        MAP_TILE_URL="http://api.os.uk/maps/raster/v1/zxy/Road_3857/{z}/{x}/{y}.png?key=k"
    )
    ProductionConfig.check(good() | {"MAP_TILE_URL": "https://api.os.uk/{z}/{x}/{y}.png?key=k"})
    ProductionConfig.check(good() | {"MAP_TILE_URL": ""})  # no base map is allowed


def test_a_geocoder_over_plain_http_is_refused_in_production():
    assert "GEOCODER_URL must be an https address" in refusal(
        GEOCODER_URL="http://api.os.uk/search/places/v1/find"
    )
    ProductionConfig.check(good() | {"GEOCODER_URL": "https://api.os.uk/search/places/v1/find"})
    ProductionConfig.check(good() | {"GEOCODER_URL": ""})  # none is allowed
