"""Calibration of the workload model (issue 14, item 7): the minutes VLOs record against what
the model's points say, by case stage and kind of work.

Pure rules: the recorded minutes and the model's weights are passed in.
"""

from __future__ import annotations

from victims.domain.vocabulary import Labelled

# The one-click amounts, in minutes; any other whole number of minutes may be typed.
QUICK_MINUTES: tuple[int, ...] = (5, 15, 30, 60)
MAX_MINUTES = 8 * 60


class TimeKind(Labelled):
    CONTACT = "contact", "Contact"
    LETTER = "letter", "Letter"
    TASK = "task", "Task"
    CONDITION_REQUEST = "condition_request", "Licence-condition request"
    ZONE_MAP = "zone_map", "Exclusion-zone map"
    OTHER = "other", "Other case work"
