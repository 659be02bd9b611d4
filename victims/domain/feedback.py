"""Victims' feedback links (issue 15, item 6), the pure part: the token a victim types from a
letter, what is kept of it, how long it works, and the summary figures with small numbers hidden.

A token is 10 characters from Crockford's base32 alphabet (digits and capitals without I, L, O
and U), 50 bits, shown as two groups of five: `K7M2Q-X9PAB`. Typing it back is forgiving: case,
spaces and hyphens do not matter, and O is read as 0, I and L as 1, as Crockford's scheme says.
Only the SHA-256 of the normalised token is stored (victims.feedback.models.FeedbackLink).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from victims.domain.oversight import FEEDBACK_LINK_DAYS, Answer, suppressed

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
TOKEN_LENGTH = 10  # 10 characters of 5 bits: 50 bits
TOKEN_BITS = 5 * TOKEN_LENGTH
GROUP = 5
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def token_from(secret: bytes, reference: str) -> str:
    """The letter's token: 50 bits of an HMAC of its (random, unique) Notify reference under a key
    of the service. Made again from the same letter it is the same token, so every attempt at
    sending a letter sends the same text, and no token needs keeping anywhere."""
    digest = hmac.new(secret, b"feedback-link:" + reference.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - TOKEN_BITS)
    return "".join(ALPHABET[(number >> (5 * (TOKEN_LENGTH - 1 - i))) & 31] for i in range(TOKEN_LENGTH))


def normalise(typed: str) -> str | None:
    """The token as typed, in its one written form; None when it cannot be a token."""
    text = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(text) != TOKEN_LENGTH or any(character not in ALPHABET for character in text):
        return None
    return text


def grouped(token: str) -> str:
    """As printed: `K7M2Q-X9PAB`."""
    return f"{token[:GROUP]}-{token[GROUP:]}"


def token_hash(token: str) -> str:
    """What is stored: the SHA-256 of the normalised token, in hex."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def expires_on(made_on: date) -> date:
    """The last day a link works: made on 1 March, it works until 30 May (day 90) inclusive."""
    return made_on + timedelta(days=FEEDBACK_LINK_DAYS)


def works_on(expiry: date, today: date) -> bool:
    return today <= expiry


# -- the summary -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """What a group of responses adds up to (counted by the database)."""

    responses: int = 0
    satisfaction_total: int = 0
    informed_yes: int = 0
    informed_answered: int = 0
    safer_yes: int = 0
    safer_answered: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.responses + other.responses,
            self.satisfaction_total + other.satisfaction_total,
            self.informed_yes + other.informed_yes,
            self.informed_answered + other.informed_answered,
            self.safer_yes + other.safer_yes,
            self.safer_answered + other.safer_answered,
        )


def tally(answers: Iterable[tuple[int, Answer | None, Answer | None]]) -> Tally:
    """The tally of (satisfaction, kept informed, felt safer) answers: for tests and the demo."""
    total = Tally()
    for satisfaction, informed, safer in answers:
        total += Tally(
            1,
            satisfaction,
            int(informed == Answer.YES),
            int(informed is not None),
            int(safer == Answer.YES),
            int(safer is not None),
        )
    return total


@dataclass(frozen=True)
class Figures:
    """One group's figures, or only that it is too small to show (`hidden`). A hidden group shows
    no number at all, not even its count of responses."""

    responses: int
    hidden: bool
    average_satisfaction: float | None = None
    kept_informed_percent: int | None = None
    felt_safer_percent: int | None = None


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def figures(counted: Tally, *, hide: bool = False) -> Figures:
    """Responses, average satisfaction (1 to 5, one decimal), % kept informed and % felt safer
    (answers "Yes" of those who answered; "Not sure" is an answer). Hidden when there are fewer
    than 5 responses, or when `hide` says so (complementary suppression)."""
    count = counted.responses
    if count and (hide or suppressed(count)):
        return Figures(count, hidden=True)
    if not count:
        return Figures(0, hidden=False)
    return Figures(
        count,
        hidden=False,
        average_satisfaction=round(counted.satisfaction_total / count, 1),
        kept_informed_percent=percent(counted.informed_yes, counted.informed_answered),
        felt_safer_percent=percent(counted.safer_yes, counted.safer_answered),
    )


def complementary(counts: Sequence[int]) -> set[int]:
    """Which of a total's parts to hide (their positions) so that no part too small to show can
    be worked out by subtracting the parts shown from the total shown. Every part under 5 is
    hidden; when that leaves exactly one hidden, the smallest part still shown is hidden with it,
    so the difference is the sum of two groups and names neither. (An empty part shows "none" and
    reveals nothing; the total itself is hidden by the same rule when it is under 5.)"""
    hidden = {i for i, count in enumerate(counts) if suppressed(count)}
    if len(hidden) == 1:
        shown = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count > 0)
        if shown:
            hidden.add(shown[0][1])
    return hidden
