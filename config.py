"""Configuration read from the environment.

The default (development) configuration needs nothing installed: SQLite under
``instance/`` and an embedded Celery broker on SQLite. Production refuses to start
with any setting that would make it unsafe (ProductionConfig.check names each one).
"""

from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent
MIN_KEY_LENGTH = 32
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _split_keys(value: str | None) -> list[str]:
    return [key.strip() for key in (value or "").split(",") if key.strip()]


def _guessable(value: str) -> str | None:
    """Why a key looks chosen by a person rather than drawn at random, or None.

    A heuristic against placeholders ("changeme…", one character repeated), not a proof of
    randomness: a repeated run of 8 characters (about one chance in 10^6 for a random 64-digit
    hex key) or fewer than 2.5 bits of entropy per character (random hex has about 3.6)."""
    if len(value) < MIN_KEY_LENGTH:
        return f"is shorter than {MIN_KEY_LENGTH} characters"
    runs = [value[start : start + 8] for start in range(len(value) - 7)]
    if len(set(runs)) < len(runs):
        return "repeats itself"
    counts = Counter(value).values()
    bits = -sum(count / len(value) * math.log2(count / len(value)) for count in counts)
    if bits < 2.5:
        return "uses too few different characters"
    return None


def _development_secrets() -> dict[str, str]:
    """Generate the development secrets once and keep them in instance/.

    Each line of ``instance/dev-secrets.env`` is NAME=value. The file is created with
    mode 0600 and is never committed (instance/ is ignored).
    """
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "dev-secrets.env"
    wanted = {
        "SECRET_KEY": lambda: secrets.token_hex(32),
        "FIELD_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
        "BLIND_INDEX_KEY": lambda: secrets.token_hex(32),
    }
    found: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            if "=" in line:
                name, value = line.split("=", 1)
                found[name.strip()] = value.strip()
    missing = {name: make() for name, make in wanted.items() if name not in found}
    if missing:
        found.update(missing)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.writelines(f"{name}={value}\n" for name, value in found.items())
    return found


class Config:
    ENV_NAME = "base"
    TESTING = False

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'victims.sqlite3'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # PostgreSQL only: how long a connection attempt may take (libpq counts at least 2 s).
    DATABASE_CONNECT_TIMEOUT_SECONDS = _env_int("DATABASE_CONNECT_TIMEOUT_SECONDS", 3)
    # PostgreSQL only: psycopg prepares a statement on the server after it has run this many times
    # on a connection (psycopg's default, 5, when unset). "off" never prepares: for a PgBouncer in
    # transaction mode older than 1.21, or without max_prepared_statements (docs/operations.md).
    DATABASE_PREPARE_THRESHOLD = os.environ.get("DATABASE_PREPARE_THRESHOLD", "")
    # A read replica (a hot standby) for the managers' oversight pages and their CSV exports
    # (victims.replica); none by default: everything reads from the primary. When it cannot be
    # reached those pages read from the primary, trying the replica again after this long.
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
    DATABASE_REPLICA_RETRY_SECONDS = _env_int("DATABASE_REPLICA_RETRY_SECONDS", 30)
    REDIS_URL = os.environ.get("REDIS_URL", "")

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Comma-separated Fernet keys; the first encrypts, all decrypt (rotation).
    FIELD_ENCRYPTION_KEYS = _split_keys(os.environ.get("FIELD_ENCRYPTION_KEYS"))
    # Key for keyed hashes (HMAC) used to look up values without storing them.
    BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "")

    SESSION_IDLE_TIMEOUT = timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=_env_int("SESSION_ABSOLUTE_HOURS", 12))
    # The "you will be signed out soon" warning appears this long before the idle timeout.
    SESSION_WARNING_BEFORE = timedelta(minutes=_env_int("SESSION_WARNING_MINUTES", 2))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT
    # A page read writes the session's last-seen time only if it is older than this (every form
    # sent writes it): one UPDATE per page saved, at the cost of the idle limit running from up to
    # this long before the last page read. The sign-out warning counts from the same time.
    SESSION_TOUCH_EVERY = timedelta(seconds=_env_int("SESSION_TOUCH_SECONDS", 30))

    SESSION_COOKIE_NAME = "vcs_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)

    # Guessing is slowed, never locked (victims.domain.throttling): per account, a few free wrong
    # passwords, then a wait that doubles from the first wait up to the longest; failures are
    # forgotten after the window or a success. Security codes get a smaller free budget.
    SIGN_IN_FREE_FAILURES = _env_int("SIGN_IN_FREE_FAILURES", 5)
    SECOND_FACTOR_FREE_FAILURES = _env_int("SECOND_FACTOR_FREE_FAILURES", 3)
    SIGN_IN_FIRST_WAIT = timedelta(seconds=_env_int("SIGN_IN_FIRST_WAIT_SECONDS", 30))
    SIGN_IN_LONGEST_WAIT = timedelta(minutes=_env_int("SIGN_IN_LONGEST_WAIT_MINUTES", 15))
    SIGN_IN_WINDOW = timedelta(hours=_env_int("SIGN_IN_WINDOW_HOURS", 24))
    # The owner's browser is known by a signed cookie set after a full sign-in: it is not made to
    # wait for failures from elsewhere until it has failed this many times itself.
    SIGN_IN_DEVICE_DAYS = _env_int("SIGN_IN_DEVICE_DAYS", 90)
    SIGN_IN_DEVICE_FREE_FAILURES = _env_int("SIGN_IN_DEVICE_FREE_FAILURES", 5)
    # Per client address (Flask-Limiter), counting only wrong passwords and wrong codes.
    SIGN_IN_ADDRESS_LIMIT = os.environ.get("SIGN_IN_ADDRESS_LIMIT", "20 per minute; 200 per hour")
    SECOND_FACTOR_ADDRESS_LIMIT = os.environ.get("SECOND_FACTOR_ADDRESS_LIMIT", "5 per minute; 30 per hour")
    # Shared by every web process: Redis when there is one. memory:// counts per process, so
    # production refuses it.
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://"
    )
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "victims-limits"
    # Redis down: sign-in goes on under the per-account waits, which live in the database.
    RATELIMIT_SWALLOW_ERRORS = True
    # A password an administrator set works for one sign-in within this many hours; a request
    # for a temporary password or a security-code reset waits this long for a second administrator.
    TEMPORARY_PASSWORD_HOURS = _env_int("TEMPORARY_PASSWORD_HOURS", 72)
    ACCOUNT_REQUEST_HOURS = _env_int("ACCOUNT_REQUEST_HOURS", 24)
    # How many proxies in front of the service append to X-Forwarded-For (the client address
    # the per-address limit counts); 0 reads the connection's own address.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # The largest request body accepted (the CSV import's 1 MB file and its form): anything
    # bigger is refused with 413 before it is read.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    CASELOAD_PAGE_SIZE = _env_int("CASELOAD_PAGE_SIZE", 25)
    # The service's own address, for links in emails.
    SERVICE_URL = os.environ.get("SERVICE_URL", "http://127.0.0.1:5000").rstrip("/")
    # A victim's feedback page (issue 15; its links, printed in letters, start with SERVICE_URL):
    # how often one client address may open it and send answers (Flask-Limiter's notation).
    FEEDBACK_PAGE_LIMIT = os.environ.get("FEEDBACK_PAGE_LIMIT", "30 per hour")
    FEEDBACK_POST_LIMIT = os.environ.get("FEEDBACK_POST_LIMIT", "10 per hour")

    # Reminders (victims.reminders). "Upcoming" starts this many working days before a deadline.
    REMINDER_UPCOMING_WORKING_DAYS = _env_int("REMINDER_UPCOMING_WORKING_DAYS", 5)
    REMINDER_SWEEP_SECONDS = _env_int("REMINDER_SWEEP_SECONDS", 600)
    # The most deadlines one sweep hands to the workers; the next sweep takes the rest.
    REMINDER_SWEEP_BATCH = _env_int("REMINDER_SWEEP_BATCH", 5000)
    # A sender holds an email this long; if it dies, another may take the email after it.
    REMINDER_EMAIL_LEASE_SECONDS = _env_int("REMINDER_EMAIL_LEASE_SECONDS", 120)
    # An email still waiting this long after its reminder is handed to a worker again by the sweep
    # (its first task was lost: the broker lost its data, or the worker died before sending).
    REMINDER_EMAIL_STALE_SECONDS = _env_int("REMINDER_EMAIL_STALE_SECONDS", 300)
    # A CSV import whose worker has not written its progress for this long is handed out again
    # (its worker died; the import's transaction died with it). A worker writes every second.
    IMPORT_STALE_SECONDS = _env_int("IMPORT_STALE_SECONDS", 300)
    REMINDER_EMAIL_MAX_ATTEMPTS = _env_int("REMINDER_EMAIL_MAX_ATTEMPTS", 6)
    # Seconds before the first retry of an email; each later retry waits twice as long.
    REMINDER_EMAIL_RETRY_SECONDS = _env_int("REMINDER_EMAIL_RETRY_SECONDS", 30)

    # A task that meets the database down tries again after a wait that doubles from the first
    # to the longest (spread at random by up to a quarter: victims.domain.backoff), at most
    # TASK_RETRY_MAX times (about 28 minutes in all); then its sweep hands the work out again.
    TASK_RETRY_FIRST_SECONDS = _env_int("TASK_RETRY_FIRST_SECONDS", 2)
    TASK_RETRY_LONGEST_SECONDS = _env_int("TASK_RETRY_LONGEST_SECONDS", 300)
    TASK_RETRY_MAX = _env_int("TASK_RETRY_MAX", 12)

    # Exclusion zones (victims.domain.geometry): how far the victim's home must be from the edge,
    # and the smallest and largest zone, so the map cannot give the address away.
    ZONE_MIN_DISTANCE_M = _env_int("ZONE_MIN_DISTANCE_M", 250)
    ZONE_MIN_AREA_KM2 = float(os.environ.get("ZONE_MIN_AREA_KM2", "0.5"))
    ZONE_MAX_AREA_KM2 = float(os.environ.get("ZONE_MAX_AREA_KM2", "250"))
    # The base map under exclusion zones, on screen (the browser fetches the tiles) and in the map
    # PDF (the server fetches them: victims.prerelease.basemap). Any XYZ tile service: its address
    # template with {z}, {x}, {y} (and {s} for a, b, c subdomains), any query included, e.g. OS Maps
    # API "https://api.os.uk/maps/raster/v1/zxy/Road_3857/{z}/{x}/{y}.png?key=…" (see
    # docs/operations.md). Empty: no base map, and printed maps say so. Production needs https.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    # The notice the provider's licence asks for, printed on the map and in its legend, e.g.
    # "Contains OS data © Crown copyright and database rights 2026 AC0000000000".
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
    # The provider's highest zoom: a printed map never asks for a tile above it.
    MAP_TILE_MAX_ZOOM = _env_int("MAP_TILE_MAX_ZOOM", 19)
    # Tiles fetched for printing are kept here, and used for this long before being fetched again.
    MAP_TILE_CACHE_DIR = os.environ.get("MAP_TILE_CACHE_DIR", str(INSTANCE_DIR / "tile-cache"))
    MAP_TILE_CACHE_SECONDS = _env_int("MAP_TILE_CACHE_SECONDS", 7 * 24 * 3600)
    # Each tile: how long to wait for it, and the most bytes it may have (a 256-pixel tile is ~50 kB).
    MAP_TILE_TIMEOUT_SECONDS = float(os.environ.get("MAP_TILE_TIMEOUT_SECONDS", "10"))
    MAP_TILE_MAX_BYTES = _env_int("MAP_TILE_MAX_BYTES", 1_000_000)

    # A geocoding service for full addresses on the zone page, where the deployment has one: the
    # OS Places API's find endpoint (https://api.os.uk/search/places/v1/find) and its key. Asked
    # by the server only, and only this URL; none by default (postcodes and coordinates only).
    GEOCODER_URL = os.environ.get("GEOCODER_URL", "")
    GEOCODER_KEY = os.environ.get("GEOCODER_KEY", "")
    GEOCODER_TIMEOUT_SECONDS = float(os.environ.get("GEOCODER_TIMEOUT_SECONDS", "5"))

    # GOV.UK Notify. Without a key, emails go to the development outbox (/dev/outbox).
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_REMINDER_TEMPLATE_ID = os.environ.get(
        "NOTIFY_REMINDER_TEMPLATE_ID", "8b6a3f0e-5a4c-4d55-9d8e-0c1f7a2b9e01"
    )
    NOTIFY_LETTER_EMAIL_TEMPLATE_ID = os.environ.get(
        "NOTIFY_LETTER_EMAIL_TEMPLATE_ID", "2f4c1d7a-9b3e-4e61-8a52-6d0c3b1e7f02"
    )
    # The email telling someone their password or security code was changed (no victim in it).
    NOTIFY_ACCOUNT_TEMPLATE_ID = os.environ.get(
        "NOTIFY_ACCOUNT_TEMPLATE_ID", "6c3e9a41-7d2b-4f08-b5a9-3e1d0c7f4a03"
    )
    # First or second class for letters sent by post.
    NOTIFY_POSTAGE = os.environ.get("NOTIFY_POSTAGE", "second")

    # Celery: Redis when REDIS_URL is set, otherwise kombu's SQLAlchemy transport on SQLite.
    CELERY = {
        "broker_url": os.environ.get("CELERY_BROKER_URL")
        or os.environ.get("REDIS_URL")
        or f"sqla+sqlite:///{INSTANCE_DIR / 'celery-broker.sqlite3'}",
        "result_backend": None,
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "timezone": "Europe/London",
        # A worker that loses the broker keeps trying to reach it, for as long as it takes
        # (kombu waits 2 s more each time, up to 30 s): an outage of minutes must not end it.
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        # Every task goes to this queue unless told otherwise (tests give each run its own).
        "task_default_queue": os.environ.get("CELERY_DEFAULT_QUEUE", "celery"),
        "beat_schedule_filename": str(INSTANCE_DIR / "celerybeat-schedule"),
        # Named tasks, found by name: the app never imports tasks/.
        "beat_schedule": {
            "end-expired-sessions": {
                "task": "housekeeping.end_expired_sessions",
                "schedule": float(_env_int("HOUSEKEEPING_INTERVAL_SECONDS", 900)),
            },
            "remind": {
                "task": "reminders.sweep",
                "schedule": float(_env_int("REMINDER_SWEEP_SECONDS", 600)),
            },
            "send-waiting-letters": {
                "task": "letters.sweep",
                "schedule": float(_env_int("REMINDER_SWEEP_SECONDS", 600)),
            },
            "hand-out-stalled-imports": {
                "task": "imports.sweep",
                "schedule": float(_env_int("IMPORT_SWEEP_SECONDS", 120)),
            },
            "follow-letters": {
                "task": "letters.follow_delivery",
                "schedule": float(_env_int("LETTER_DELIVERY_CHECK_SECONDS", 3600)),
            },
            # Daily: a sentence ends on a day, and the sweep opens each review once.
            "propose-closures": {
                "task": "lifecycle.propose_closures",
                "schedule": float(_env_int("CLOSURE_SWEEP_SECONDS", 86400)),
            },
            # Daily, early: cover starts for absences that begin today, and work comes back to
            # those whose absence ended yesterday (tasks.absences; recorded for today: at once).
            "absences-cover": {
                "task": "absences.sweep",
                "schedule": crontab(hour=_env_int("ABSENCE_SWEEP_HOUR", 5), minute=30),
            },
            # Daily, early: a child victim who turns 18 today is on their VLO's list by the morning.
            # Missed days are caught up (victims.domain.coming_of_age.CATCH_UP_DAYS).
            "child-victims-turning-18": {
                "task": "people.turning_18",
                "schedule": crontab(hour=_env_int("TURNING_18_HOUR", 6), minute=0),
            },
            # Nightly: every VLO's, team's and region's figures for the managers' trends (issue
            # 15). Taken again the same day (a retry, a second beat) it writes nothing.
            "snapshots-nightly": {
                "task": "snapshots.take",
                "schedule": crontab(hour=_env_int("SNAPSHOT_HOUR", 2), minute=0),
            },
        },
    }
    if CELERY["broker_url"].startswith("redis"):
        # A message a worker took but did not acknowledge (it died) comes back after this long.
        CELERY["broker_transport_options"] = {
            "visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 3600),
            # An unreachable Redis host fails a connection attempt in seconds, not minutes.
            "socket_connect_timeout": _env_int("REDIS_CONNECT_TIMEOUT_SECONDS", 5),
        }
        # One beat, however many instances run it: RedBeat keeps the schedule and a lock in
        # Redis (tasks.beat.RedBeatScheduler also puts them back if Redis lost its data).
        CELERY["beat_scheduler"] = "tasks.beat:RedBeatScheduler"
        CELERY["redbeat_redis_url"] = CELERY["broker_url"]
        CELERY["redbeat_lock_timeout"] = _env_int("BEAT_LOCK_TIMEOUT_SECONDS", 300)
        CELERY["redbeat_redis_options"] = {"retry_period": _env_int("BEAT_REDIS_RETRY_SECONDS", 600)}
        # While Redis is down beat skips its ticks, waiting longer each time up to the ceiling
        # (tasks.beat.RedBeatScheduler, victims.domain.backoff): it notices Redis is back within
        # that long, and never exits.
        CELERY["vcs_beat_redis_backoff_first"] = _env_int("BEAT_REDIS_BACKOFF_FIRST_SECONDS", 1)
        CELERY["vcs_beat_redis_backoff_longest"] = _env_int("BEAT_REDIS_BACKOFF_LONGEST_SECONDS", 30)

    @classmethod
    def check(cls, config: dict) -> None:
        """Raise if the configuration cannot run safely."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)

    @classmethod
    def check(cls, config: dict) -> None:
        generated = _development_secrets()
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = generated["SECRET_KEY"]
        if not config.get("FIELD_ENCRYPTION_KEYS"):
            config["FIELD_ENCRYPTION_KEYS"] = [generated["FIELD_ENCRYPTION_KEYS"]]
        if not config.get("BLIND_INDEX_KEY"):
            config["BLIND_INDEX_KEY"] = generated["BLIND_INDEX_KEY"]


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105  (tests only)
    FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    BLIND_INDEX_KEY = "test-blind-index-key"
    SESSION_COOKIE_SECURE = False
    PASSWORD_HASH_FAST = True  # cheaper argon2 parameters so the suite stays quick
    # Each test run counts on its own: never the Redis other runs (and engineers) share.
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    ENV_NAME = "production"
    # TLS ends at a load balancer (see the security headers in victims/app.py). Were there none,
    # a forged X-Forwarded-For could only dodge the per-address limit; with one and 0 here,
    # everyone would share the balancer's address and one attacker could use up its budget.
    TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 1)

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start with any setting that would make the service unsafe, naming each one."""
        problems = []
        for name in ("SECRET_KEY", "BLIND_INDEX_KEY"):
            weakness = _guessable(config.get(name) or "")
            if weakness:
                problems.append(
                    f"{name} {weakness}: set it to at least {MIN_KEY_LENGTH} random characters "
                    "(python -c 'import secrets; print(secrets.token_hex(32))')"
                )
        keys = config.get("FIELD_ENCRYPTION_KEYS") or []
        if not keys:
            problems.append("FIELD_ENCRYPTION_KEYS must hold at least one Fernet key")
        for key in keys:
            try:
                Fernet(key)
            except ValueError:
                problems.append("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key")
        if not config.get("NOTIFY_API_KEY"):
            problems.append("NOTIFY_API_KEY must be set: production sends through GOV.UK Notify")
        if config.get("SESSION_COOKIE_SECURE") is not True:
            problems.append("SESSION_COOKIE_SECURE must be true: the session cookie goes over HTTPS only")
        if config.get("DEBUG"):
            problems.append(
                "FLASK_DEBUG must be off: the debugger runs code a visitor sends, and HSTS is not sent"
            )
        if str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://"):
            problems.append(
                "REDIS_URL (or RATELIMIT_STORAGE_URI) must be set: sign-in limits per client address "
                "must be shared by every web process"
            )
        database = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
        if not database.startswith("postgresql"):
            problems.append("DATABASE_URL must point at PostgreSQL (postgresql+psycopg://…), not SQLite")
        tiles = str(config.get("MAP_TILE_URL") or "")
        if tiles and not tiles.startswith("https://"):
            problems.append("MAP_TILE_URL must be an https address: it may carry the provider's key")
        geocoder = str(config.get("GEOCODER_URL") or "")
        if geocoder and not geocoder.startswith("https://"):
            problems.append(
                "GEOCODER_URL must be an https address: it is sent victims' addresses and its key"
            )
        replica = str(config.get("DATABASE_REPLICA_URL") or "")
        if replica and not replica.startswith("postgresql"):
            problems.append("DATABASE_REPLICA_URL must point at PostgreSQL (a standby of DATABASE_URL)")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("VICTIMS_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown VICTIMS_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
