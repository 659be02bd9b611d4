"""The words of managers' oversight (issue 15): the levels a figure is kept at, the feedback a
victim gives, and the rule that keeps small numbers from identifying anyone. Pure."""

from __future__ import annotations

from victims.domain.vocabulary import Labelled

# Fewer responses than this are shown as "fewer than 5", never as numbers or percentages.
SUPPRESS_BELOW = 5
# A feedback link works for this many days from the day it was made.
FEEDBACK_LINK_DAYS = 90
# Trends cover this many months.
TREND_MONTHS = 12


class Level(Labelled):
    """Where a figure belongs: the whole country, a region, a team, a VLO."""

    NATIONAL = "national", "National"
    REGION = "region", "Region"
    TEAM = "team", "Team"
    VLO = "vlo", "Victim liaison officer"


class FeedbackSource(Labelled):
    LINK = "link", "Online, from a link in a letter or email"
    CALL = "call", "Recorded by a VLO from a call"


class FeedbackAbout(Labelled):
    """The letter the feedback follows (or, from a call, the contact in general)."""

    INITIAL_CONTACT = "initial_contact", "Initial contact"
    PRE_RELEASE = "pre_release", "Pre-release contact"
    OUTCOME = "outcome", "Outcome of licence-condition requests"
    GENERAL = "general", "The service in general"


class Answer(Labelled):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"


def suppressed(count: int) -> bool:
    """True when a count of responses is too small to show (it could point to a person)."""
    return 0 < count < SUPPRESS_BELOW
