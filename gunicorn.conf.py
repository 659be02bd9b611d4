"""gunicorn's settings for the web service (`make serve`; docs/operations.md).

gunicorn reads this file by itself when started from the project folder (`gunicorn` with no
arguments runs the service); `-c gunicorn.conf.py` says so explicitly. Every figure can be
changed from the environment, named beside it. Command-line options win over this file.

- Processes and threads: GUNICORN_WORKERS processes (default 2 per core) of GUNICORN_THREADS
  threads (default 2). A page costs ~20 ms of CPU in Python and waits on PostgreSQL for part of
  the rest: processes use the cores, a second thread per process fills the waits. Each thread
  holds at most one database connection at a time, so a machine opens at most
  workers × threads connections to the primary (and as many to the replica, if set).
- The application is loaded once, before the processes fork (`preload_app`): start-up errors
  (a bad setting, a broken letter text) stop the master at once, and the code is shared
  copy-on-write. Nothing connects before the fork; each process drops the master's (empty)
  connection pools anyway, and prints a letter about nobody so that its fonts are found before
  its first real letter (victims.letters.pdf.warm_up: ~0.7 s once, not on a person's click).
- Restarts: each process is replaced after GUNICORN_MAX_REQUESTS requests (± a random
  GUNICORN_MAX_REQUESTS_JITTER, so they do not all restart together), bounding slow growth.
- The access log names the method, the path without its query string (search terms are names),
  the status, the size and the time taken. A victim's feedback link (/f/<token>) is logged as
  /f/[removed], with no client address. Nothing else from the request is available to the log
  format, whatever GUNICORN_ACCESS_LOG_FORMAT says: not the query, cookies, headers or referrer.
- Behind a load balancer: gunicorn believes X-Forwarded-Proto only from FORWARDED_ALLOW_IPS
  (gunicorn's own variable; default: this machine only) — set it to the balancers' addresses.
  The client address the sign-in limits count comes from X-Forwarded-For through the app's
  ProxyFix (TRUSTED_PROXY_COUNT), not from gunicorn.
"""

from __future__ import annotations

import os

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


CORES = os.cpu_count() or 1

wsgi_app = "victims:create_app()"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2 * CORES)
threads = _int("GUNICORN_THREADS", 2)
preload_app = True

# A process silent this long is killed and replaced (gthread: its main loop, not a request).
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Longer than the load balancer's idle timeout (60 s on the common ones), so the balancer closes an
# idle connection first and never sends a request down one gunicorn has just closed (a 502).
keepalive = _int("GUNICORN_KEEPALIVE", 75)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# The heartbeat file on a memory file system, where there is one: a slow disk cannot stall it.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108  (tmpfs)

# gunicorn 27's control socket (one path per user by default) is not used: without this, two
# services on one machine, or the tests' two web processes, would contend for it.
control_socket_disable = True

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT", '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms pid=%(p)s'
)

FEEDBACK_PREFIX = "/f/"
FEEDBACK_THANKS = "/f/thank-you"


def loggable_path(path: str) -> str:
    """The path as the access log may show it: a feedback link's token removed."""
    if path.startswith(FEEDBACK_PREFIX) and path != FEEDBACK_THANKS:
        return FEEDBACK_PREFIX + "[removed]"
    return path


class AccessLogger(Logger):
    """gunicorn's logger, offering the access log format only what may be logged (see above)."""

    SAFE = ("t", "s", "m", "H", "b", "B", "T", "D", "M", "L", "p")

    def atoms(self, resp, req, environ, request_time):
        every = super().atoms(resp, req, environ, request_time)
        atoms = {name: every[name] for name in self.SAFE}
        path = loggable_path(environ.get("PATH_INFO") or "")
        feedback = path.startswith(FEEDBACK_PREFIX)
        atoms["U"] = path
        atoms["r"] = f"{every['m']} {path} {every['H']}"
        atoms["h"] = "-" if feedback else every["h"]  # a victim's address is not ours to keep
        return atoms


logger_class = AccessLogger


def when_ready(server):
    """In the master, once, before the first fork: load WeasyPrint and Pango (~0.4 s), so that
    every process shares them rather than loading its own."""
    if server.cfg.preload_app:
        import weasyprint  # noqa: F401, PLC0415


def post_fork(server, worker):
    """In each new process: drop connection pools copied from the master (they should be empty:
    nothing connects before the fork), then print a letter about nobody to warm the fonts."""
    from victims.extensions import db  # noqa: PLC0415  (the app is loaded by now)
    from victims.letters.pdf import warm_up  # noqa: PLC0415

    application = server.app.wsgi()
    with application.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
    if os.environ.get("GUNICORN_WARM_FONTS", "1") != "0":
        warm_up()
