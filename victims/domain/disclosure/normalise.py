"""Text as the disclosure check reads it: the same folding for what is protected (the needle)
and what is written (the haystack), with a way back to the writer's own words.

Folding, character by character so that every folded character remembers where it came from:
HTML entities decoded (repeatedly: "&amp;#39;" is an apostrophe), Unicode NFKC, case-folded,
accents dropped ("ŵ" is "w": Welsh is often typed without them), digits of any script as ASCII
digits, every dash a hyphen, every apostrophe "'", "&" the word "and", and any run of spacing
one space. Punctuation is kept in the folded text (numeric dates need their separators) but the
tokens below are only the words and the numbers; what lies between two tokens is their `gap`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass

_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_DASHES = frozenset("‐‑‒–—―−﹘﹣－")
_APOSTROPHES = frozenset("'’‘`´ʼʻ′")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")


@dataclass(frozen=True)
class Folded:
    """The folded text, and for each of its characters the offset in the original it came from
    (one more entry than characters: the original's length, for spans that end the text)."""

    original: str
    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's span for the folded text's [start, end)."""
        if end <= start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + _width(self.original, self.origin[end - 1])


def _width(original: str, at: int) -> int:
    """How many original characters the character (or entity) at `at` is."""
    if at < len(original) and original[at] == "&":
        entity = _ENTITY.match(original, at)
        if entity:
            return entity.end() - at
    return 1


@dataclass(frozen=True)
class Token:
    """A word or a number of the folded text. `start`/`end` are offsets in the original text;
    `gap` is the folded text between the previous token and this one ("" when they touch)."""

    text: str
    start: int
    end: int
    gap: str
    index: int

    @property
    def is_number(self) -> bool:
        return self.text.isdigit()


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _DASHES:
        return "-"
    if char in _APOSTROPHES:
        return "'"
    if char == "&":
        return " and "
    if char.isspace():
        return " "
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    out = []
    for part in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", char).casefold()):
        if unicodedata.combining(part):
            continue
        if part in _DASHES:
            part = "-"
        elif part in _APOSTROPHES:
            part = "'"
        out.append(part)
    return "".join(out)


def _decoded(original: str) -> list[tuple[str, int]]:
    """The original as (character, offset) pairs with HTML entities decoded, double-encoded ones
    ("&amp;#39;") too."""
    pairs: list[tuple[str, int]] = []
    at = 0
    while at < len(original):
        entity = _ENTITY.match(original, at) if original[at] == "&" else None
        if entity is None:
            pairs.append((original[at], at))
            at += 1
            continue
        value, end = html.unescape(entity.group(0)), entity.end()
        if value == entity.group(0):  # not an entity Python knows: the writer's own "&"
            pairs.append((original[at], at))
            at += 1
            continue
        while value == "&":
            again = _ENTITY.match("&" + original[end:])
            if again is None or html.unescape(again.group(0)) == again.group(0):
                break
            value, end = html.unescape(again.group(0)), end + again.end() - 1
        pairs.extend((char, at) for char in value)
        at = end
    return pairs


def fold(original: str) -> Folded:
    chars: list[str] = []
    origin: list[int] = []
    for char, at in _decoded(original):
        for part in _fold_char(char):
            if part == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(part)
            origin.append(at)
    origin.append(len(original))
    return Folded(original, "".join(chars), tuple(origin))


def tokens(folded: Folded) -> list[Token]:
    found: list[Token] = []
    previous = 0
    for match in _TOKEN.finditer(folded.text):
        start, end = folded.span(match.start(), match.end())
        found.append(Token(match.group(0), start, end, folded.text[previous : match.start()], len(found)))
        previous = match.end()
    return found


def words(text: str) -> tuple[str, ...]:
    """A needle's words and numbers, folded the same way as the text it is looked for in."""
    return tuple(token.text for token in tokens(fold(text)))


def quoted(original: str, start: int, end: int) -> str:
    """The writer's own words at [start, end), on one line."""
    return " ".join(original[start:end].split())


@functools.lru_cache(maxsize=1024)
def apart(gap: str) -> bool:
    """Whether two words are next to each other: only spacing and light punctuation between."""
    stripped = gap.replace(" ", "")
    return len(stripped) <= 2 and all(char in ",.-/'" for char in stripped)
