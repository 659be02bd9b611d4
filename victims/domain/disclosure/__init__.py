"""One disclosure check for every document the service makes (issue 12): what a text gives
away of protected dates, the offender's prison, addresses, telephone numbers and email
addresses, each finding in words a VLO can act on.

Pure: the caller passes in what is protected and the text; nothing here knows about Flask or
the database. See docs/decisions.md, "One disclosure check (issue 12)".
"""

from __future__ import annotations

from victims.domain.disclosure.contacts import Whereabouts, find_whereabouts
from victims.domain.disclosure.dates import ProtectedDate, find_dates
from victims.domain.disclosure.findings import Finding, Kind, Severity

__all__ = ["Finding", "Kind", "ProtectedDate", "Severity", "Whereabouts", "find_dates", "find_whereabouts"]
