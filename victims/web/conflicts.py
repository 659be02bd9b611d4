"""Concurrent edits: the second save is refused, shows what changed, and loses nothing."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm

from victims.formatting import govuk_date


@dataclass(frozen=True)
class ConflictRow:
    label: str
    saved: str
    yours: str


def _text(value) -> str:
    if value is None or value == "":
        return "Not given"
    if hasattr(value, "strftime"):
        return govuk_date(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def stale(form: FlaskForm, record) -> bool:
    """True if the record changed since the form was opened."""
    return str(record.version) != (form.version.data or "")


def conflict_rows(form: FlaskForm, record, names: list[str]) -> list[ConflictRow]:
    """Fields where what is now saved differs from what this user is trying to save."""
    rows = []
    for name in names:
        field = getattr(form, name)
        saved = getattr(record, name)
        yours = field.data
        if isinstance(yours, str):
            yours = yours.strip() or None
        if saved != yours:
            rows.append(ConflictRow(field.label.text, _text(saved), _text(yours)))
    return rows


def take_current_version(form: FlaskForm, record) -> None:
    """Keep the user's values but let the next save go on top of what is now saved."""
    form.version.data = str(record.version)
