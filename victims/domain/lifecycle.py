"""A case's life: when the service proposes closing it, and the rules of closing, reopening
and transferring it. Plain values in, plain values out (the areas apply them).

When closure is due (docs/decisions.md, issue 13):

- the sentence has ended: the latest of the sentence expiry date (SED), the licence expiry date
  (LED) and the top-up supervision expiry date (TUSED) that are known is before today. The
  latest, because until every part of the sentence ends there is still something to tell a
  victim (a recall, a licence condition). A case with none of them known (life, IPP, a hospital
  order) is never proposed by date.
- every victim has opted out: the case has people, and every one of them (victims, bereaved
  relatives, parents or guardians) is on the opted-out level. A case with nobody on it is not
  proposed: its people may not be recorded yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from victims.domain.vocabulary import ClosureReason, ContactLevel, Labelled

# The dates that end a sentence, in the order the form shows them.
END_DATES = ("led", "sed", "tused")


class ClosureGround(Labelled):
    SENTENCE_ENDED = "sentence_ended", "the sentence and licence have ended"
    ALL_OPTED_OUT = "all_opted_out", "every victim has opted out"


class TransferStatus(Labelled):
    PENDING = "pending", "Waiting to be accepted"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The closure reason a proposal suggests.
SUGGESTED_REASON: Mapping[ClosureGround, ClosureReason] = {
    ClosureGround.SENTENCE_ENDED: ClosureReason.SENTENCE_ENDED,
    ClosureGround.ALL_OPTED_OUT: ClosureReason.VICTIM_DECLINED,
}


def sentence_ends(dates: Mapping[str, date | None]) -> date | None:
    """The last day of the sentence: the latest of LED, SED and TUSED that is known."""
    known = [day for name in END_DATES if (day := dates.get(name)) is not None]
    return max(known) if known else None


def closure_ground(
    dates: Mapping[str, date | None], contact_levels: Iterable[str], today: date
) -> ClosureGround | None:
    """Why the case is due for closure today, or None while it is not."""
    ends = sentence_ends(dates)
    if ends is not None and ends < today:
        return ClosureGround.SENTENCE_ENDED
    levels = list(contact_levels)
    if levels and all(level == ContactLevel.OPTED_OUT for level in levels):
        return ClosureGround.ALL_OPTED_OUT
    return None


def review_title(ground: ClosureGround) -> str:
    """The title of the task that asks someone to review the case for closure."""
    return f"Review the case for closure: {ground.label}"


@dataclass(frozen=True)
class CaseForClosure:
    """What the sweep knows of an open case."""

    id: int
    dates: Mapping[str, date | None]
    contact_levels: tuple[str, ...]
    review_open: bool  # it already has an open closure review


def due_for_closure(cases: Iterable[CaseForClosure], today: date) -> list[tuple[int, ClosureGround]]:
    """The cases whose closure the service should propose now: due, and with no open review
    (so the sweep can run any number of times a day and opens each review once)."""
    due = []
    for case in cases:
        if case.review_open:
            continue
        ground = closure_ground(case.dates, case.contact_levels, today)
        if ground is not None:
            due.append((case.id, ground))
    return due


_REASONS = {reason.value: reason for reason in ClosureReason}


def check_closure(reason: str, details: str) -> str | None:
    """What is wrong with a closure, or None. "Other" needs details."""
    chosen = _REASONS.get(reason)
    if chosen is None:
        return "Choose why the case is closing"
    if chosen is ClosureReason.OTHER and not details.strip():
        return "Enter why the case is closing"
    return None
