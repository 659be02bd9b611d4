"""gunicorn.conf.py: what the access log may show, and the figures taken from the environment."""

from __future__ import annotations

import importlib.util
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from tests.helpers import PROJECT

FORMAT = '%(h)s "%(r)s" %(s)s %(q)s %(f)s %({cookie}i)s %({x-search}i)s %(U)s'


def _load(monkeypatch, **env: str):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", PROJECT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _line(module, path: str, query: str = "") -> str:
    config = Config()
    config.set("access_log_format", FORMAT)
    config.set("accesslog", "-")  # access logging on
    logger = module.AccessLogger(config)
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger.access_log.addHandler(Keep())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_REFERER": "https://elsewhere.example/?q=Jane+Smith",
    }
    request = SimpleNamespace(headers=[("COOKIE", "vcs_session=secret"), ("X-SEARCH", "Jane Smith")])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    return records[-1].getMessage()


def test_the_access_log_shows_no_query_string_header_or_referrer(monkeypatch):
    line = _line(_load(monkeypatch), "/cases", "q=Jane+Smith")
    assert line.startswith('192.0.2.7 "GET /cases HTTP/1.1" 200')
    assert "Jane" not in line and "secret" not in line and "elsewhere" not in line


@pytest.mark.parametrize("path", ["/f/abcdefghijklmnop", "/f/abcdefghijklmnop/"])
def test_a_feedback_link_is_logged_without_its_token_or_the_victims_address(monkeypatch, path):
    line = _line(_load(monkeypatch), path, "lang=cy")
    assert line.startswith('- "GET /f/[removed] HTTP/1.1" 200')
    assert "abcdefghijklmnop" not in line and "192.0.2.7" not in line


def test_processes_and_threads_follow_the_cores_unless_set(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    module = _load(monkeypatch)
    assert (module.workers, module.threads, module.preload_app) == (6, 2, True)
    module = _load(monkeypatch, GUNICORN_WORKERS="5", GUNICORN_THREADS="4", GUNICORN_MAX_REQUESTS="50")
    assert (module.workers, module.threads, module.max_requests) == (5, 4, 50)
    assert module.max_requests_jitter > 0 and module.timeout > 0 and module.keepalive > 60
