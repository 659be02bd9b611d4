"""Evidence: what meets a deadline (issue 13).

A deadline is met by the thing it asks for, not by someone saying it is done: initial contact by
an initial-contact letter sent, a contact recorded or an attempt documented; the pre-release window
by a pre-release contact; representations by their being sent; the outcome by telling the victim;
an offender event's task by a contact or letter on or after the day it counts from; a lost contact
by new contact details or a successful contact; the map by its countersigning. A senior probation
officer may meet any deadline by hand, with a reason.

Each met deadline keeps how it was met and how many working days late it was (0: on time).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from victims.domain import deadlines as rules
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.vocabulary import Labelled


class EvidenceKind(Labelled):
    """How a deadline was met; the label completes "Met … by …"."""

    INITIAL_LETTER = "initial_letter", "an initial-contact letter sent"
    LETTER = "letter", "a letter sent"
    CONTACT = "contact", "a contact recorded"
    ATTEMPT = "attempt", "an attempt to make contact, documented"
    PRE_RELEASE_CONTACT = "prerelease_contact", "a pre-release contact"
    REPRESENTATIONS_SENT = "representations", "the representations sent"
    OUTCOME_TOLD = "outcome_told", "telling the victim the outcome"
    NEW_DETAILS = "new_details", "new contact details recorded"
    MAP_SIGNED = "map_signed", "the map countersigned"
    REFERRAL = "referral", "the referral arriving"
    MANUAL = "manual", "a senior probation officer, by hand"
    # Deadlines met before the service kept evidence (migration 0018).
    UNRECORDED = "unrecorded", "marking it done (before evidence was kept)"


class ContactOutcome(Labelled):
    """What came of a contact in the contact log. People record the first two; the service writes
    the others when a letter or email comes back."""

    MADE = "made", "Contact made"
    ATTEMPTED = "attempted", "Attempted, no answer"
    RETURNED_MAIL = "returned_mail", "Returned mail"
    BOUNCED_EMAIL = "bounced_email", "Bounced email"


# The outcomes a person records on the contact form.
RECORDED_OUTCOMES = (ContactOutcome.MADE, ContactOutcome.ATTEMPTED)


@dataclass(frozen=True)
class Evidence:
    """The thing that met a deadline: its kind and the id of the record (a letter, a contact log
    entry, a pre-release contact, a request, a person, a map); None for a meeting by hand."""

    kind: EvidenceKind
    id: int | None = None


_INITIAL = frozenset({EvidenceKind.INITIAL_LETTER, EvidenceKind.CONTACT, EvidenceKind.ATTEMPT})
_AFTER_EVENT = frozenset({EvidenceKind.INITIAL_LETTER, EvidenceKind.LETTER, EvidenceKind.CONTACT})

# Which evidence meets each rule. A rule not here is met only by hand (its task's "Mark as done").
MET_BY: Mapping[str, frozenset[EvidenceKind]] = {
    rules.REFERRAL: frozenset({EvidenceKind.REFERRAL}),
    rules.INITIAL_CONTACT: _INITIAL,
    rules.INITIAL_CONTACT_FROM_SENTENCE: _INITIAL,
    rules.VNS_INITIAL_CONTACT: _INITIAL,
    rules.PRE_RELEASE_WINDOW: frozenset({EvidenceKind.PRE_RELEASE_CONTACT}),
    rules.LICENCE_REPRESENTATIONS: frozenset({EvidenceKind.REPRESENTATIONS_SENT}),
    rules.LICENCE_OUTCOME: frozenset({EvidenceKind.OUTCOME_TOLD}),
    rules.CONTACT_LOST: frozenset({EvidenceKind.NEW_DETAILS, EvidenceKind.CONTACT}),
    rules.ZONE_MAP: frozenset({EvidenceKind.MAP_SIGNED}),
    **{rule.code: _AFTER_EVENT for rule in rules.EVENT_RULES},
    # Writing to a victim who has turned 18, or speaking to them, on or after the birthday.
    rules.TURNED_18: _AFTER_EVENT,
}

# Rules whose evidence must come on or after the day the deadline counts from (the day the unit
# learnt of the event, or the birthday): a letter sent before it cannot have told the victim of it.
_ONLY_AFTER = frozenset(rule.code for rule in rules.EVENT_RULES) | {rules.TURNED_18}

# What a VLO reads on a task that evidence meets, instead of a "Mark as done" button.
_WHAT_MEETS: Mapping[frozenset[EvidenceKind], str] = {
    _INITIAL: (
        "Done when an initial-contact letter is sent, or a contact or an attempt is added to the contact log"
    ),
    _AFTER_EVENT: "Done when a letter is sent or a contact is added to the contact log",
    MET_BY[rules.PRE_RELEASE_WINDOW]: "Done when a pre-release contact is recorded",
    MET_BY[rules.LICENCE_REPRESENTATIONS]: "Done when the representations are sent to the practitioner",
    MET_BY[rules.LICENCE_OUTCOME]: "Done when the victim has been told the outcome of every request",
    MET_BY[rules.CONTACT_LOST]: "Done when new contact details are recorded or a contact is made",
    MET_BY[rules.ZONE_MAP]: "Done when the map is countersigned",
    MET_BY[rules.REFERRAL]: "Done when the referral arrives",
}


def met_by_evidence(code: str) -> bool:
    """Whether evidence meets deadlines of this rule (so nobody marks them done but an SPO)."""
    return code in MET_BY


def what_meets(code: str) -> str | None:
    """What meets a deadline of this rule, in words for its task; None if only a person can."""
    kinds = MET_BY.get(code)
    return None if kinds is None else _WHAT_MEETS[kinds]


def meets(code: str, evidence: EvidenceKind, on: date, counted_from: date) -> bool:
    """Whether evidence of this kind, dated `on`, meets a deadline of this rule counted from
    `counted_from`. A senior probation officer's meeting by hand meets any."""
    if evidence is EvidenceKind.MANUAL:
        return True
    if evidence not in MET_BY.get(code, frozenset()):
        return False
    return code not in _ONLY_AFTER or on >= counted_from


def working_days_late(due: date, met_on: date, calendar: WorkingDayCalendar) -> int:
    """How many working days after its due date a deadline was met: 0 when on or before it.
    Met the next working day after the due date is 1 day late, whatever weekend lies between."""
    if met_on <= due:
        return 0
    return calendar.working_days_between(due, met_on)


def met_words(days_late: int | None) -> str:
    """ "Met on time" or "Met 3 working days late" (the date is shown beside it); plain "Met" when
    lateness is not known (None)."""
    if days_late is None:
        return "Met"
    if days_late == 0:
        return "Met on time"
    return f"Met {days_late} working day{'s' if days_late != 1 else ''} late"
