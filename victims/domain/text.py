"""Characters nobody means to type into a field, and what the service does with them.

- Control characters (C0 and C1, but for tab and line breaks) come from pasting, not typing;
  NUL cannot even be stored in PostgreSQL's text.
- Direction overrides and isolates (U+202A–U+202E, U+2066–U+2069) make text display in an order
  other than the one it is stored in: a surname with U+202E printed reversed in a letter's
  address. Names and addresses never need them; the direction marks U+200E and U+200F, which
  right-to-left names may, are kept.
- Lone UTF-16 surrogates (JSON's \\u escapes can carry them) cannot be encoded at all.

Forms have these removed at the door (victims.web.input; NUL is refused there outright); the API
and the CSV import refuse them at their field (victims.intake.schema), so a system learns what
it sent wrong.
"""

from __future__ import annotations

import re

DIRECTION_OVERRIDES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_OVERRIDE = re.compile(f"[{DIRECTION_OVERRIDES}]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a piece of text cannot be kept as it is, or None."""
    if _SURROGATE.search(value):
        return "must be text in Unicode: it has a character that cannot be stored"
    if _CONTROL.search(value):
        return "must not contain control characters"
    if _OVERRIDE.search(value):
        return "must not contain characters that change the direction text is shown in"
    return None


def cleaned(value: str) -> str:
    """The text without control characters (but tab and line breaks), direction overrides or
    lone surrogates."""
    return _SURROGATE.sub("", _OVERRIDE.sub("", _CONTROL.sub("", value)))
