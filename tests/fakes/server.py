"""A local HTTP service for a fake of an outside service: a werkzeug server on a loopback port in a
thread of the test's process, answering with the fake's `_app`, and made to fail on purpose.

A fake is a dataclass that inherits this and defines `_app(environ, start_response)`, calling
`_next_failure()` first to answer a failure `fail_next` asked for."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from werkzeug.serving import make_server


@dataclass
class LocalServer:
    host: str = "127.0.0.1"
    port: int = 0
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._server = make_server(self.host, self.port, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        """Serve in this thread until killed (a fake run as a process of its own)."""
        self._server.serve_forever()

    def fail_next(self, count: int, status: int = 500) -> None:
        """The next `count` requests are answered with `status`, as a failing service would."""
        with self._lock:
            self._failures.extend([status] * count)

    def _next_failure(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _app(self, environ, start_response):
        raise NotImplementedError
