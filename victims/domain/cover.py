"""Absence and cover (issue 14, item 5): a VLO away on planned leave or sick has their due tasks
and reminders handled by a named cover VLO or the team's queue, and gets them back on return.

Pure rules: the service passes the days in.
"""

from __future__ import annotations

from victims.domain.vocabulary import Labelled


class AbsenceKind(Labelled):
    LEAVE = "leave", "Planned leave"
    SICKNESS = "sickness", "Sickness"
    LONG_TERM = "long_term", "Long-term absence"
    LEAVING = "leaving", "Leaving the team"
