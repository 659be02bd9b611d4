"""Problem documents (RFC 9457): application/problem+json, with every invalid field."""

from __future__ import annotations

from flask import Response, json

from victims.intake.schema import Problem

TYPES = "https://vcs.example/problems/"


def problem(
    status: int, title: str, detail: str | None = None, *, errors: list[Problem] = (), kind: str = ""
) -> Response:
    body: dict = {"type": TYPES + (kind or str(status)), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = [{"pointer": error.pointer or "/", "detail": error.detail} for error in errors]
    response = Response(json.dumps(body), status=status, mimetype="application/problem+json")
    return response


def invalid(errors: list[Problem]) -> Response:
    return problem(
        422,
        "Your request is not valid",
        f"{len(errors)} field{'s' if len(errors) != 1 else ''} must be corrected; nothing was stored.",
        errors=errors,
        kind="invalid-request",
    )
