"""The Victim Contact Scheme casework service. The application is assembled in victims.app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """The Flask application (`flask --app victims` finds it here)."""
    # Imported when called, not at the top: this file runs first whenever any part of the
    # package is imported, and `import victims.domain` must not load Flask and every area.
    from victims.app import create_app as assemble  # noqa: PLC0415

    return assemble(config_name, **overrides)


__all__ = ["create_app"]
