"""One disclosure check for every document the service makes (issue 12): what a text gives
away of protected dates, the offender's prison, addresses, telephone numbers and email
addresses, each finding in words a VLO can act on.

Pure: the caller passes in what is protected and the text; nothing here knows about Flask or
the database. See docs/decisions.md, "One disclosure check (issue 12)".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from victims.domain.disclosure.contacts import Whereabouts, find_whereabouts
from victims.domain.disclosure.dates import ProtectedDate, find_dates
from victims.domain.disclosure.findings import Finding, Kind, Severity
from victims.domain.disclosure.places import PRISONS, Prison, find_prisons, prison_named


@dataclass(frozen=True)
class Protected:
    """Everything a document must not give away."""

    dates: tuple[ProtectedDate, ...] = ()
    prisons: tuple[str, ...] = ()  # as the case names them: "HMP Chelmsford"
    whereabouts: tuple[Whereabouts, ...] = ()  # the victim's, or the offender's release address


def find_disclosures(text: str, protected: Protected) -> list[Finding]:
    """Every finding in the text, in the order they appear."""
    findings = (
        find_dates(text, protected.dates)
        + find_prisons(text, protected.prisons)
        + find_whereabouts(text, protected.whereabouts)
    )
    return sorted(findings, key=lambda finding: (finding.start, finding.end))


def refusals(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop a document going out until its words change."""
    return [finding for finding in findings if finding.severity is Severity.REFUSAL]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings a senior probation officer must acknowledge before the document goes out."""
    return [finding for finding in findings if finding.severity is Severity.WARNING]


__all__ = [
    "PRISONS",
    "Finding",
    "Kind",
    "Prison",
    "Protected",
    "ProtectedDate",
    "Severity",
    "Whereabouts",
    "find_dates",
    "find_disclosures",
    "find_prisons",
    "find_whereabouts",
    "prison_named",
    "refusals",
    "warnings",
]
