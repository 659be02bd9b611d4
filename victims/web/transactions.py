"""One commit per request, at its end, and only if the request succeeded."""

from __future__ import annotations

from flask import Flask, g

from victims.extensions import db


def keep_changes_on_error() -> None:
    """Commit this request's changes although it answers with an error status: a failed
    sign-in attempt must still be counted, or the lock-out could be beaten."""
    g.keep_changes_on_error = True


def init_commit_point(app: Flask) -> None:
    @app.after_request
    def commit(response):
        if response.status_code < 400 or g.get("keep_changes_on_error"):
            db.session.commit()
        else:
            db.session.rollback()
        return response
