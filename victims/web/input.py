"""Requests no person could send: a NUL character anywhere in the path, the query string, a form
field's name or value, or an uploaded file's name.

Nobody can type NUL, and PostgreSQL cannot store it in text (nor compare text with it): a NUL
that reached a query or an insert was a server error there, though SQLite took it. So it is
refused at the door, before any view, with 400. (The API's bodies are JSON, checked field by
field by victims.intake.schema.)
"""

from __future__ import annotations

from flask import Flask, abort, request

NUL = "\x00"


def _has_nul() -> bool:
    if NUL in request.path:
        return True
    for values in (request.args, request.form):
        for name, value in values.items(multi=True):
            if NUL in name or NUL in value:
                return True
    return any(
        NUL in name or NUL in (upload.filename or "") for name, upload in request.files.items(multi=True)
    )


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_nul():
        if _has_nul():
            abort(400)
