"""A bounded load test on loopback: mixed VLO traffic against gunicorn on the loaded data set,
then the same load against a bare Flask endpoint (bench/bare.py) under the same gunicorn settings.

gunicorn runs the service in production settings (2 workers; the repository's gunicorn.conf.py when
there is one) on 127.0.0.1:5065, the bare app on 127.0.0.1:5070. Several VLOs of the loaded set
sign in over HTTP once each (their demo password and security-code secret, looked up by email) and
locust (its own process, headless, BENCH_LOAD_USERS users at BENCH_LOAD_RATE requests a second
each, for BENCH_LOAD_SECONDS) replays their morning: bench/locustfile.py. Reported from locust's
CSV: requests a second, p50/p95/p99, errors; and the CPU time of gunicorn's master and workers
(from /proc through psutil, before and after) divided by the requests served.

Nothing leaves the machine: every address is 127.0.0.1, and each run stops by itself.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psutil
import pyotp
import requests
from sqlalchemy import text

from victims.extensions import db

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SERVICE_PORT = int(os.environ.get("BENCH_PORT", "5065"))
BARE_PORT = int(os.environ.get("BENCH_BARE_PORT", "5070"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "40"))
RATE = float(os.environ.get("BENCH_LOAD_RATE", "3"))  # requests a second per user: 120 offered
SESSIONS = int(os.environ.get("BENCH_LOAD_VLOS", "20"))  # VLOs signed in
WORKERS = 2
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
OWN_REDIS_PORT = 6395  # a Redis of the load test's own, when none answers at REDIS_URL


@contextlib.contextmanager
def redis_url(echo=print):
    """REDIS_URL when a Redis answers there, else a redis-server of our own (no persistence) on
    loopback for the length of the test: production settings keep sign-in limits in Redis."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pass
    else:
        yield REDIS_URL
        return
    echo(f"No Redis at {REDIS_URL}: starting one on 127.0.0.1:{OWN_REDIS_PORT}")
    server = subprocess.Popen(  # noqa: S603  (Debian's redis-server, fixed arguments)
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(OWN_REDIS_PORT),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{OWN_REDIS_PORT}/0"
    try:
        for _ in range(50):
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.RedisError:
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _environment(url: str, keys: dict, redis: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "TEST_DATABASE_URL"}
    }
    env.update(
        VICTIMS_ENV="production",
        DATABASE_URL=url,
        REDIS_URL=redis,
        SECRET_KEY=keys["SECRET_KEY"],
        FIELD_ENCRYPTION_KEYS=",".join(keys["FIELD_ENCRYPTION_KEYS"]),
        BLIND_INDEX_KEY=keys["BLIND_INDEX_KEY"],
        NOTIFY_API_KEY="bench-never-sends",  # production insists on one; the load sends nothing
        # Every simulated VLO signs in from 127.0.0.1, once each.
        SIGN_IN_ADDRESS_LIMIT="1000 per minute",
        SECOND_FACTOR_ADDRESS_LIMIT="1000 per minute",
        TRUSTED_PROXY_COUNT="0",  # no load balancer in front: the peer address is the client's
    )
    return env


def _gunicorn(app: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn")]
    if (ROOT / "gunicorn.conf.py").exists():
        command += ["-c", str(ROOT / "gunicorn.conf.py")]
    command += ["-w", str(WORKERS), "-b", f"127.0.0.1:{port}", app]
    with log.open("a") as output:
        process = subprocess.Popen(  # noqa: S603  (the venv's gunicorn, our settings)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2, allow_redirects=False)
            return process
        except requests.RequestException:
            time.sleep(0.5)
    _stop(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn's master stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _cpu_seconds(process: subprocess.Popen) -> tuple[float, int]:
    """User + system CPU of the master, its live workers and the workers it has reaped (gunicorn
    replaces a worker after max_requests: its CPU then counts in the master's children times),
    and how many processes are live."""
    master = psutil.Process(process.pid)
    times = master.cpu_times()
    total, count = times.user + times.system + times.children_user + times.children_system, 1
    for each in master.children(recursive=True):
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:  # exited between the listing and now: counted when reaped
            continue
        total += times.user + times.system
        count += 1
    return total, count


def _sign_in(base: str, email: str, password: str, secret: str) -> dict[str, str]:
    """Sign in through the pages as a person does; the cookies that then carry the session."""
    cookies: dict[str, str] = {}

    def call(method: str, path: str, **data) -> str:
        response = requests.request(
            method, base + path, data=data or None, cookies=cookies, allow_redirects=False, timeout=30
        )
        cookies.update(response.cookies.get_dict())
        return response.text

    def token(page: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    call("POST", "/sign-in", csrf_token=token(call("GET", "/sign-in")), email=email, password=password)
    page = call("GET", "/sign-in/security-code")
    call("POST", "/sign-in/security-code", csrf_token=token(page), code=pyotp.TOTP(secret).now())
    if "vcs_session" not in cookies or "Sign in" in call("GET", "/cases/mine")[:3000]:
        raise RuntimeError(f"could not sign in as {email}")
    return cookies


def _vlos(app) -> list[dict]:
    """VLOs of the loaded set with open cases (their emails and up to 50 of their cases)."""
    from victims.demo.staff import demo_password, demo_totp_secret

    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT u.id, u.email, array_agg(c.id ORDER BY c.id) AS cases FROM users u "
                "JOIN cases c ON c.allocated_vlo_id = u.id AND c.status = 'open' "
                "WHERE u.role = 'vlo' AND u.active GROUP BY u.id, u.email ORDER BY u.id LIMIT :n"
            ),
            {"n": SESSIONS},
        ).all()
        db.session.remove()
    return [
        {
            "user_id": row.id,
            "email": row.email,
            "password": demo_password(row.email),
            "secret": demo_totp_secret(row.email),
            "cases": list(row.cases)[:: max(1, len(row.cases) // 50)][:50],
        }
        for row in rows
    ]


def _locust(host: str, folder: Path, env: dict, name: str) -> dict:
    prefix = folder / name
    subprocess.run(  # noqa: S603  (the venv's locust, our file, loopback host)
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "--run-time",
            f"{SECONDS}s",
            "--stop-timeout",
            "5",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,  # locust exits 1 when any request failed: the CSV says which
        stdout=subprocess.DEVNULL,
        stderr=(folder / f"{name}.log").open("w"),
        timeout=SECONDS + 120,
    )
    with (folder / f"{name}_stats.csv").open() as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    return rows


def _figures(name: str, stats: dict, cpu: float, processes: int) -> dict:
    total = stats["Aggregated"]
    requests_ = int(total["Request Count"])
    return {
        "name": name,
        "requests": requests_,
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "cpu_ms_per_request": cpu * 1000 / requests_ if requests_ else None,
        "processes": processes,
        "by_page": {
            key: {
                "requests": int(row["Request Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
            }
            for key, row in stats.items()
            if key != "Aggregated"
        },
    }


def _measure(app_spec: str, port: int, env: dict, folder: Path, name: str, locust_env: dict) -> dict:
    server = _gunicorn(app_spec, port, env, folder / f"{name}-gunicorn.log")
    try:
        before, _ = _cpu_seconds(server)
        stats = _locust(f"http://127.0.0.1:{port}", folder, locust_env, name)
        after, processes = _cpu_seconds(server)
    finally:
        _stop(server)
    return _figures(name, stats, after - before, processes)


def run(app, url: str, keys: dict, echo=print) -> list[dict]:
    """The service's figures and the bare endpoint's, in that order."""
    vlos = _vlos(app)
    with redis_url(echo) as redis, tempfile.TemporaryDirectory(prefix="bench-load-") as name:
        env = _environment(url, keys, redis)
        folder = Path(name)
        echo(
            f"Load test: {USERS} users at {RATE:g} requests/s each for {SECONDS} s, "
            f"{len(vlos)} VLOs signed in, gunicorn {WORKERS} workers"
        )
        server = _gunicorn("victims:create_app()", SERVICE_PORT, env, folder / "signin-gunicorn.log")
        try:
            base = f"http://127.0.0.1:{SERVICE_PORT}"
            sessions = [
                {
                    "user_id": vlo["user_id"],
                    "cases": vlo["cases"],
                    "cookies": _sign_in(base, vlo["email"], vlo["password"], vlo["secret"]),
                }
                for vlo in vlos
            ]
        finally:
            _stop(server)  # started afresh below, so its CPU counts the load alone
        (folder / "sessions.json").write_text(json.dumps(sessions))
        locust_env = {
            **os.environ,
            "BENCH_SESSIONS": str(folder / "sessions.json"),
            "BENCH_LOAD_RATE": str(RATE),
        }
        service = _measure("victims:create_app()", SERVICE_PORT, env, folder, "service", locust_env)
        bare = _measure("bench.bare:app", BARE_PORT, env, folder, "bare", {**locust_env, "BENCH_BARE": "1"})
    if service["cpu_ms_per_request"] and bare["cpu_ms_per_request"]:
        service["cpu_ratio_to_bare"] = service["cpu_ms_per_request"] / bare["cpu_ms_per_request"]
    for figures in (service, bare):
        echo(
            f"  {figures['name']:<8}{figures['rps']:>7.1f} req/s  p50 {figures['p50_ms']:.0f}  "
            f"p95 {figures['p95_ms']:.0f}  p99 {figures['p99_ms']:.0f} ms  "
            f"{figures['failures']} errors of {figures['requests']}  "
            f"{figures['cpu_ms_per_request'] or 0:.2f} ms CPU/request"
        )
    return [service, bare]
