"""Text input at the door, before any view: one boundary for every form.

- A NUL character anywhere in the path, the query string, a form field's name or value, or an
  uploaded file's name is refused with 400. Nobody can type NUL, and PostgreSQL cannot store it
  in text (nor compare text with it).
- Other characters nobody means to type — control characters pasted in, direction overrides
  that would print a surname reversed in a letter's address — are removed from every form value
  (victims.domain.text), so no view, form or service ever sees them.

(The API's bodies are JSON, checked field by field by victims.intake.schema, which refuses them.)
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.datastructures import ImmutableMultiDict

from victims.domain.text import cleaned

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
    def refuse_nul_and_clean_the_rest():
        if _has_nul():
            abort(400)
        if request.form:
            # Werkzeug keeps the parsed form on the request: what every view reads from now on.
            request.form = ImmutableMultiDict(
                [(name, cleaned(value)) for name, value in request.form.items(multi=True)]
            )
