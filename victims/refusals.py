"""The one error a service raises when the rules do not allow a change."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A change the rules do not allow: the message to show, and the form field it is about
    (None when it is about the whole page)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def show_on(self, form: Any, default: str) -> None:
        """Put the message on the form field it is about (or on `default` when the form has no
        such field), where the GOV.UK error summary and the field's error message show it."""
        field = getattr(form, self.field, None) if self.field else None
        if field is None or not hasattr(field, "errors"):
            field = getattr(form, default)
        # Before validation WTForms keeps a field's errors as an empty tuple.
        field.errors = [*field.errors, self.message]
