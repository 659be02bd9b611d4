"""A local stand-in for GOV.UK Notify that speaks its API (v2), for tests.

The service talks to it through the real `notifications-python-client`, pointed here with
`base_url`. It checks what Notify checks that matters to us: the API key's JSON Web Token
(HS256, `iss` the service id, `iat` within 30 seconds), the template id, every placeholder
filled in, a valid email address. It renders emails from the service's own copies of the
templates (victims.notify.templates), keyed by the ids the service is configured with.

It answers questions about what it holds as Notify does (GET /v2/notifications, by reference, and
/v2/notifications/<id>): an email's address, subject and body; a precompiled letter's postage
and, once read, its address. Like Notify, it reads a letter's address from the PDF's address block
(here with poppler's `pdftotext`); until then the first line is "Provided as PDF". Its times come
from the service's clock (victims.clock), so a frozen clock in a test is Notify's clock too, as
in life, where Notify refuses requests signed more than 30 seconds away from its own.

Knobs for fault tests:
- `fail_next(n, status)`: the next n sends answer `status` (500, 429, 400...) without sending;
- `hold_seconds`: a send is recorded, then the answer is held this long (a sender killed in
  that time has had its email taken by Notify without knowing it);
- `read_letter_addresses`: False keeps letters unread ("Provided as PDF") until
  `read_addresses()`, as Notify is until its checks of the PDF have run.

Run on its own (for a worker in another process): `python -m tests.fakes.notify PORT KEY FILE`
serves until killed and writes each accepted notification as a JSON line to FILE.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from victims import clock
from victims.letters import pdf as layout
from victims.notify.templates import EMAIL_TEMPLATES, EmailTemplate

SERVICE_ID = "5a9fb0e1-2c51-4a5b-9d3c-1e2f3a4b5c6d"
SECRET = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
API_KEY = f"vcs_test-{SERVICE_ID}-{SECRET}"
REMINDER_TEMPLATE_ID = "8b6a3f0e-5a4c-4d55-9d8e-0c1f7a2b9e01"
LETTER_EMAIL_TEMPLATE_ID = "2f4c1d7a-9b3e-4e61-8a52-6d0c3b1e7f02"
ACCOUNT_TEMPLATE_ID = "6c3e9a41-7d2b-4f08-b5a9-3e1d0c7f4a03"
TEMPLATE_IDS = {
    "reminder": REMINDER_TEMPLATE_ID,
    "letter": LETTER_EMAIL_TEMPLATE_ID,
    "account": ACCOUNT_TEMPLATE_ID,
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NOT_READ = "Provided as PDF"  # Notify's first address line of a precompiled letter until it is read
_POINTS_PER_MM = 72 / 25.4


def read_address(pdf: bytes) -> list[str] | None:
    """The lines in page 1's address block, as Notify reads them; None without pdftotext."""
    if shutil.which("pdftotext") is None:
        return None
    box = {
        "-x": layout.ADDRESS_LEFT_MM,
        "-y": layout.ADDRESS_TOP_MM,
        "-W": layout.ADDRESS_RIGHT_MM - layout.ADDRESS_LEFT_MM,
        "-H": layout.ADDRESS_BOTTOM_MM - layout.ADDRESS_TOP_MM,
    }
    crop = [part for flag, mm in box.items() for part in (flag, str(round(mm * _POINTS_PER_MM)))]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-r", "72", *crop, file.name, "-"],
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout.decode()
    return [line.strip() for line in text.splitlines() if line.strip()]


def _error(status: int, kind: str, message: str) -> Response:
    body = {"status_code": status, "errors": [{"error": kind, "message": message}]}
    return Response(json.dumps(body), status=status, mimetype="application/json")


@dataclass
class FakeNotify:
    service_id: str = SERVICE_ID
    secret: str = SECRET
    templates: dict[str, EmailTemplate] = field(
        default_factory=lambda: {TEMPLATE_IDS[name]: template for name, template in EMAIL_TEMPLATES.items()}
    )
    hold_seconds: float = 0.0
    read_letter_addresses: bool = True
    log_path: str | None = None
    notifications: list[dict] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    api_key = API_KEY

    # -- knobs ----------------------------------------------------------------------------------

    def fail_next(self, times: int, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def reset(self) -> None:
        with self._lock:
            self.notifications.clear()
            self.requests.clear()
            self._failures.clear()
            self.hold_seconds = 0.0
            self.read_letter_addresses = True

    def sent_to(self, email_address: str) -> list[dict]:
        with self._lock:
            return [item for item in self.notifications if item.get("email_address") == email_address]

    def letters(self) -> list[dict]:
        with self._lock:
            return [item for item in self.notifications if item["type"] == "letter"]

    def read_addresses(self) -> None:
        """Notify's checks of the letters waiting for them have run: their addresses are read."""
        with self._lock:
            waiting = [
                item for item in self.notifications if item["type"] == "letter" and not item["address"]
            ]
        for item in waiting:
            self._read(item)

    @staticmethod
    def _read(item: dict) -> None:
        lines = read_address(item["pdf"])
        if lines:
            item["address"] = lines
            item["status"] = "created"

    def set_status(self, notification_id: str, status: str) -> None:
        """What Notify would report later: delivered, permanent-failure..."""
        with self._lock:
            for item in self.notifications:
                if item["id"] == notification_id:
                    item["status"] = status

    # -- the API --------------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.requests.append((request.method, request.path))
        problem = self._authenticate(request)
        response = problem or self._route(request)
        return response(environ, start_response)

    def _authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header.removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return _error(403, "AuthError", "Invalid token: API key not found")
        if claims.get("iss") != self.service_id:
            return _error(403, "AuthError", "Invalid token: service not found")
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return _error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return None

    def _route(self, request: Request) -> Response:
        if request.method == "POST" and request.path == "/v2/notifications/email":
            return self._send_email(request)
        if request.method == "POST" and request.path == "/v2/notifications/letter":
            return self._send_letter(request)
        if request.method == "GET" and request.path == "/v2/notifications":
            return self._list(request)
        match = re.fullmatch(r"/v2/notifications/([0-9a-f-]{36})", request.path)
        if request.method == "GET" and match:
            found = [item for item in self.notifications if item["id"] == match.group(1)]
            if not found:
                return _error(404, "NoResultFound", "No result found")
            return Response(json.dumps(self._public(found[0])), mimetype="application/json")
        return _error(404, "NotFound", "Not found")

    def _send_email(self, request: Request) -> Response:
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure == 429:
            return _error(
                429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"
            )
        if failure is not None and failure >= 500:
            return _error(failure, "Exception", "Internal server error")
        if failure is not None:
            return _error(
                failure, "BadRequestError", "Can’t send to this recipient using a team-only API key"
            )
        data = request.get_json(silent=True) or {}
        errors = []
        address = data.get("email_address")
        if not isinstance(address, str) or not _EMAIL.match(address):
            errors.append({"error": "ValidationError", "message": "email_address Not a valid email address"})
        template = self.templates.get(str(data.get("template_id")))
        if template is None:
            errors.append({"error": "BadRequestError", "message": "Template not found"})
        personalisation = data.get("personalisation") or {}
        if template is not None:
            missing = template.placeholders() - set(personalisation)
            if missing:
                message = f"Missing personalisation: {', '.join(sorted(missing))}"
                errors.append({"error": "BadRequestError", "message": message})
        if errors:
            body = {"status_code": 400, "errors": errors}
            return Response(json.dumps(body), status=400, mimetype="application/json")
        subject, body = template.render(personalisation)
        notification = {
            "id": str(uuid.uuid4()),
            "type": "email",
            "reference": data.get("reference"),
            "email_address": address,
            "template_id": data["template_id"],
            "subject": subject,
            "body": body,
            "personalisation": personalisation,
            "created_at": clock.utcnow().isoformat(),
            "status": "created",
        }
        with self._lock:
            self.notifications.append(notification)
        if self.log_path:
            with open(self.log_path, "a") as log:
                log.write(json.dumps(notification) + "\n")
        if self.hold_seconds:
            time.sleep(self.hold_seconds)
        template_uri = f"{request.host_url}services/{self.service_id}/templates/{notification['template_id']}"
        response = {
            "id": notification["id"],
            "reference": notification["reference"],
            "content": {"subject": subject, "body": body, "from_email": "vcs@notifications.service.gov.uk"},
            "uri": f"{request.host_url}v2/notifications/{notification['id']}",
            "template": {
                "id": notification["template_id"],
                "version": 1,
                "uri": template_uri,
            },
            "scheduled_for": None,
        }
        return Response(json.dumps(response), status=201, mimetype="application/json")

    def _send_letter(self, request: Request) -> Response:
        """A precompiled letter: a base64 PDF and a reference (both required by Notify)."""
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None and failure >= 500:
            return _error(failure, "Exception", "Internal server error")
        if failure is not None:
            return _error(failure, "BadRequestError", "Letter content is not a valid PDF")
        data = request.get_json(silent=True) or {}
        errors = []
        if not data.get("reference"):
            errors.append({"error": "ValidationError", "message": "reference is a required property"})
        try:
            pdf = base64.b64decode(data.get("content") or "", validate=True)
        except (ValueError, TypeError):
            pdf = b""
        if not pdf.startswith(b"%PDF"):
            errors.append({"error": "ValidationError", "message": "Letter content is not a valid PDF"})
        postage = data.get("postage", "second")
        if postage not in ("first", "second", "economy", "europe", "rest-of-world"):
            errors.append(
                {"error": "ValidationError", "message": "postage invalid. It must be first, second..."}
            )
        if errors:
            body = {"status_code": 400, "errors": errors}
            return Response(json.dumps(body), status=400, mimetype="application/json")
        notification = {
            "id": str(uuid.uuid4()),
            "type": "letter",
            "reference": data["reference"],
            "pdf": pdf,
            "postage": postage,
            "template_id": "",
            "subject": "Pre-compiled PDF",
            "body": "",
            "address": None,
            "created_at": clock.utcnow().isoformat(),
            "status": "pending-virus-check",
        }
        if self.read_letter_addresses:
            self._read(notification)
        with self._lock:
            self.notifications.append(notification)
        if self.hold_seconds:
            time.sleep(self.hold_seconds)
        response = {"id": notification["id"], "reference": notification["reference"], "postage": postage}
        return Response(json.dumps(response), status=201, mimetype="application/json")

    def _list(self, request: Request) -> Response:
        reference = request.args.get("reference")
        kind = request.args.get("template_type")
        with self._lock:
            found = [
                self._public(item)
                for item in reversed(self.notifications)
                if (reference is None or item["reference"] == reference) and kind in (None, item["type"])
            ]
        body = {"notifications": found, "links": {"current": request.url}}
        return Response(json.dumps(body), mimetype="application/json")

    @staticmethod
    def _public(item: dict) -> dict:
        """A notification as Notify's API describes it (its `serialize()`)."""
        public = {
            "id": item["id"],
            "reference": item["reference"],
            "email_address": item.get("email_address"),
            "phone_number": None,
            "type": item["type"],
            "status": item["status"],
            "template": {"id": item["template_id"], "version": 1, "uri": ""},
            "body": item["body"],
            "subject": item["subject"],
            "created_at": item["created_at"],
            "postage": item.get("postage"),
        }
        keys = ("line_1", "line_2", "line_3", "line_4", "line_5", "line_6", "postcode")
        lines = dict.fromkeys(keys)
        if item["type"] == "letter":
            # Six lines and the postcode, the last line read (Notify's address_line_7).
            address = item["address"] or [NOT_READ]
            head, last = (address[:-1], address[-1]) if len(address) > 1 else (address, None)
            lines.update(zip(keys[:-1], head, strict=False))
            lines["postcode"] = last
        public.update(lines)
        return public


class RunningFake:
    """A FakeNotify served on a free port of 127.0.0.1 in a background thread."""

    def __init__(self, fake: FakeNotify | None = None, port: int = 0):
        self.fake = fake or FakeNotify()
        self._server = make_server("127.0.0.1", port, self.fake, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RunningFake:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def main(argv: list[str]) -> None:
    port, log_path = int(argv[1]), argv[2]
    hold = float(argv[3]) if len(argv) > 3 else 0.0
    running = RunningFake(FakeNotify(log_path=log_path, hold_seconds=hold), port=port)
    print(running.url, flush=True)
    running._server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
