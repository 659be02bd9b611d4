"""What the disclosure check found: each finding says what was written, where, what it gives
away, and what to do about it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    # The document cannot go out until the words are changed.
    REFUSAL = "refusal"
    # The document may go out once a senior probation officer has read the words and
    # acknowledged them (a town named on its own).
    WARNING = "warning"


class Kind(enum.Enum):
    DATE = "date"
    PRISON = "prison"
    POSTCODE = "postcode"
    HOUSE_NUMBER = "house_number"
    STREET = "street"
    TOWN = "town"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"  # another person on a case, named in full (the letter check's own finding)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    severity: Severity
    quoted: str  # the writer's own words, as written (entities and all, on one line)
    start: int  # offsets of those words in the text that was checked
    end: int
    message: str  # for the VLO: what the words give away and what to write instead

    @property
    def refused(self) -> bool:
        return self.severity is Severity.REFUSAL
