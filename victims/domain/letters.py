"""Letters to victims (SPEC §6): their types and statuses, the sections every template must keep,
placeholders, and dates as letters write them. The quality check a letter must pass before it
can be approved and sent is victims.domain.letter_check.

Pure rules: nothing here knows about Flask or the database.

Decisions (also in docs/decisions.md):

- A template is a list of named sections. A **locked** section is mandatory for its letter type
  and nobody drafting a letter can change it; an administrator can reword it in a new version of
  the template, but cannot remove or empty it, and the "If the offender contacts you" section
  must still make every point of SPEC §6 (`UNWANTED_CONTACT_POINTS`).
- Placeholders are written ((like_this)), as in GOV.UK Notify templates, and are filled from the
  case when the letter is drafted or refreshed (`fill`). A letter names the month of release,
  never the day.
- Which letters a contact level may receive (`ALLOWED_LEVELS`): "key stages" everything;
  "annual" the annual letter, initial contact, pre-release, the outcome of their licence-condition
  requests and case closure; "month of release only" initial contact, pre-release, the outcome
  of their requests and case closure; "opted out" nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from victims.domain.vocabulary import ContactLevel, Labelled


class LetterType(Labelled):
    INITIAL_CONTACT = "initial_contact", "Initial contact"
    PRE_RELEASE = "pre_release", "Pre-release"
    KEY_STAGE = "key_stage", "Key-stage update"
    ANNUAL = "annual", "Annual letter"
    RECALL = "recall", "Recall"
    LICENCE_END = "licence_end", "Licence end"
    PAROLE = "parole", "Parole"
    LICENCE_CONDITIONS_OUTCOME = "conditions_outcome", "Outcome of licence-condition requests"
    CASE_CLOSURE = "case_closure", "Case closure"


class LetterStatus(Labelled):
    """A letter's life: drafted and edited; waiting for a second person when its writer must have
    letters countersigned; approved (its PDF made, its sending queued); sent (Notify took it);
    failed (Notify refused it, or it failed a check when it was about to go); held (Notify already
    had something else under its reference: neither sent nor recorded as sent until a person has
    checked, victims.domain.already_sent); cancelled."""

    DRAFT = "draft", "Draft"
    AWAITING_COUNTERSIGN = "awaiting_countersign", "Waiting for countersigning"
    APPROVED = "approved", "Approved, sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"
    HELD = "held", "Held: needs checking"
    CANCELLED = "cancelled", "Cancelled"


EDITABLE = frozenset({LetterStatus.DRAFT, LetterStatus.FAILED})


class DeliveryStatus(Labelled):
    """What became of a sent letter or email: GOV.UK Notify's statuses for letters and emails,
    and returned mail (recorded here by a person: Notify does not know of it)."""

    CREATED = "created", "Created"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    PERMANENT_FAILURE = "permanent-failure", "Not delivered"
    TEMPORARY_FAILURE = "temporary-failure", "Not delivered yet"
    TECHNICAL_FAILURE = "technical-failure", "Not sent: a technical problem"
    PENDING_VIRUS_CHECK = "pending-virus-check", "Being checked"
    VIRUS_SCAN_FAILED = "virus-scan-failed", "Not sent: failed the virus check"
    VALIDATION_FAILED = "validation-failed", "Not sent: failed Notify's checks"
    ACCEPTED = "accepted", "Accepted for printing"
    RECEIVED = "received", "Received by the printer"
    CANCELLED = "cancelled", "Cancelled"
    RETURNED_LETTER = "returned-letter", "Returned"


# Nothing more will happen to a notification in one of these.
FINAL_DELIVERY = frozenset(
    {
        DeliveryStatus.DELIVERED,
        DeliveryStatus.PERMANENT_FAILURE,
        DeliveryStatus.TEMPORARY_FAILURE,
        DeliveryStatus.TECHNICAL_FAILURE,
        DeliveryStatus.VALIDATION_FAILED,
        DeliveryStatus.VIRUS_SCAN_FAILED,
        DeliveryStatus.CANCELLED,
        DeliveryStatus.RECEIVED,
        DeliveryStatus.RETURNED_LETTER,
    }
)
# The victim cannot be reached the way the letter went.
CONTACT_LOST_DELIVERY = frozenset({DeliveryStatus.PERMANENT_FAILURE})
# A letter or email sent that never reached its reader: it has told them nothing.
NOT_RECEIVED = frozenset(
    {
        DeliveryStatus.PERMANENT_FAILURE,
        DeliveryStatus.TEMPORARY_FAILURE,
        DeliveryStatus.TECHNICAL_FAILURE,
        DeliveryStatus.VALIDATION_FAILED,
        DeliveryStatus.VIRUS_SCAN_FAILED,
        DeliveryStatus.CANCELLED,
        DeliveryStatus.RETURNED_LETTER,
    }
)


UNWANTED_CONTACT = "unwanted_contact"
# The letter types that must carry the "If the offender contacts you" section (SPEC §6).
NEEDS_UNWANTED_CONTACT = frozenset({LetterType.INITIAL_CONTACT, LetterType.PRE_RELEASE})

_ALL_BUT_OPTED_OUT = frozenset({ContactLevel.KEY_STAGES, ContactLevel.ANNUAL, ContactLevel.MONTH_OF_RELEASE})
ALLOWED_LEVELS: Mapping[LetterType, frozenset[ContactLevel]] = {
    LetterType.INITIAL_CONTACT: _ALL_BUT_OPTED_OUT,
    LetterType.PRE_RELEASE: _ALL_BUT_OPTED_OUT,
    LetterType.LICENCE_CONDITIONS_OUTCOME: _ALL_BUT_OPTED_OUT,
    LetterType.CASE_CLOSURE: _ALL_BUT_OPTED_OUT,
    LetterType.ANNUAL: frozenset({ContactLevel.KEY_STAGES, ContactLevel.ANNUAL}),
    LetterType.KEY_STAGE: frozenset({ContactLevel.KEY_STAGES}),
    LetterType.RECALL: frozenset({ContactLevel.KEY_STAGES}),
    LetterType.LICENCE_END: frozenset({ContactLevel.KEY_STAGES}),
    LetterType.PAROLE: frozenset({ContactLevel.KEY_STAGES}),
}

PLACEHOLDERS: Mapping[str, str] = {
    "recipient_name": "the name of the person the letter goes to",
    "victim_name": "the victim's name (for a parent or guardian, the child's)",
    "offender_name": "the offender's name",
    "vlo_name": "the victim liaison officer's name",
    "vlo_phone": "the victim liaison officer's direct telephone number",
    "vlo_email": "the victim liaison officer's email address",
    "unit_name": "the Victim Contact Unit's name",
    "release_month": "the month of the offender's earliest release (never the day)",
    "today": "the date of the letter",
}
_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")


@dataclass(frozen=True)
class Section:
    """A section of a template or of a drafted letter."""

    key: str
    heading: str
    body: str
    locked: bool = False
    # What the writer is asked to do in the section ("Give the offence and the sentence."): shown
    # beside the box as a hint, never part of the body, so it can never print or be sent.
    guidance: str = ""


@dataclass(frozen=True)
class Point:
    """Something the unwanted-contact section must tell the victim. It is made when every
    group has at least one of its words (case and apostrophes ignored)."""

    key: str
    description: str
    groups: tuple[tuple[str, ...], ...]


_VLO_POINT = Point(
    "vlo",
    "the VLO's name and direct contact details",
    (("((vlo_name))",), ("((vlo_phone))", "((vlo_email))")),
)
# A victim does not apply for a restraining order: a criminal court makes one when it sentences
# the offender or acquits them. A victim can apply to a family court for a non-molestation order.
ORDERS = (
    "a criminal court can make a restraining order when it sentences or acquits the offender, and "
    "they can apply to a family court for a non-molestation order"
)
UNWANTED_CONTACT_POINTS: Mapping[str, tuple[Point, ...]] = {
    "en": (
        Point("emergency", "call 999 in an emergency, otherwise the police on 101", (("999",), ("101",))),
        Point(
            "upcs",
            "the Unwanted Prisoner Contact Service, 0300 060 6699, victim.helpline@justice.gov.uk",
            (("unwanted prisoner contact service",), ("0300 060 6699",), ("victim.helpline@justice.gov.uk",)),
        ),
        Point(
            "licence",
            "contact after release may breach the licence and lead to recall to prison",
            (("licence",), ("recall",)),
        ),
        Point(
            "vlo",
            "the VLO's name and direct contact details",
            (("((vlo_name))",), ("((vlo_phone))", "((vlo_email))")),
        ),
        Point(
            "orders",
            ORDERS,
            (("restraining order",), ("criminal court",), ("non-molestation order",), ("family court",)),
        ),
    ),
    "cy": (
        Point("emergency", "call 999 in an emergency, otherwise the police on 101", (("999",), ("101",))),
        Point(
            "upcs",
            "the Unwanted Prisoner Contact Service, 0300 060 6699, victim.helpline@justice.gov.uk",
            (
                ("gwasanaeth cyswllt digroeso gan garcharorion", "unwanted prisoner contact service"),
                ("0300 060 6699",),
                ("victim.helpline@justice.gov.uk",),
            ),
        ),
        Point(
            "licence",
            "contact after release may breach the licence and lead to recall to prison",
            # Welsh mutates a word's first letter after some words ("ar drwydded", "ei alw'n ôl"),
            # so each word is accepted in its mutated forms too.
            (("trwydded", "drwydded", "nhrwydded"), ("galw'n ôl", "alw'n ôl", "adalw")),
        ),
        Point(
            "vlo",
            "the VLO's name and direct contact details",
            (("((vlo_name))",), ("((vlo_phone))", "((vlo_email))")),
        ),
        Point(
            "orders",
            ORDERS,
            (
                ("gorchymyn atal", "orchymyn atal", "restraining order"),
                ("llys troseddol", "lys troseddol", "criminal court"),
                ("gorchymyn rhag molestu", "orchymyn rhag molestu", "non-molestation order"),
                ("llys teulu", "lys teulu", "family court"),
            ),
        ),
    ),
}


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).lower()


def missing_points(body: str, language: str) -> list[Point]:
    """The points of the unwanted-contact section that this (unfilled) text does not make."""
    text = normalised(body)
    return [
        point
        for point in UNWANTED_CONTACT_POINTS[language]
        if not all(any(normalised(word) in text for word in group) for group in point.groups)
    ]


def _words(text: str) -> str:
    """Text as words only, for comparing sentences however they are spaced, cased or punctuated."""
    return " " + " ".join(re.findall(r"\w+", normalised(text))) + " "


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def guidance_sentences(guidance: str) -> list[str]:
    """A section's guidance as sentences of three words or more: any of them left in a letter
    fails the check."""
    sentences = (" ".join(part.split()) for part in _SENTENCE_END.split(guidance))
    return [sentence for sentence in sentences if len(sentence.split()) >= 3]


def placeholders_in(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Text with its ((placeholders)) filled in; an unknown one is left as it is, so the check
    can point at it."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


# -- the outcome letter's report of each request (issue 17) ------------------------------------------

# The section of the outcome letter the requests' outcomes are drafted into.
YOUR_REQUESTS = "your_requests"
# The outcome letter's table in each language's file (victims/letters/texts) with the sentences
# below: [conditions_outcome.outcomes].
REQUEST_OUTCOMES = "outcomes"


@dataclass(frozen=True)
class OutcomeSentences:
    """How the outcome letter reports a request, in one language. {wording} is the condition's
    wording as it went to the probation practitioner, {reason} the reason recorded for leaving
    it out. An exclusion zone is reported by its map, never by the places its wording or map
    name (they may locate the victim)."""

    included: str  # {wording}
    not_included: str  # {wording} and {reason}
    zone_included: str
    zone_not_included: str  # {reason}


# The slots each sentence must have, and no others.
OUTCOME_SLOTS: Mapping[str, frozenset[str]] = {
    "included": frozenset({"wording"}),
    "not_included": frozenset({"wording", "reason"}),
    "zone_included": frozenset(),
    "zone_not_included": frozenset({"reason"}),
}
_SLOT = re.compile(r"\{([a-z_]+)\}")


def slots_in(text: str) -> set[str]:
    return set(_SLOT.findall(text))


def outcome_sentence(
    sentences: OutcomeSentences, *, zone: bool, included: bool, wording: str, reason: str
) -> str:
    """One request's outcome as the letter reports it. The wording and reason go in as they were
    recorded, on one line (they are quoted, never read for slots)."""
    if zone:
        template = sentences.zone_included if included else sentences.zone_not_included
    else:
        template = sentences.included if included else sentences.not_included
    values = {"wording": " ".join(wording.split()).rstrip(".").strip(), "reason": " ".join(reason.split())}
    sentence = _SLOT.sub(lambda match: values.get(match.group(1), match.group(0)), template).strip()
    return sentence if sentence.endswith((".", "!", "?", "”", '"', ")")) else sentence + "."


# -- templates --------------------------------------------------------------------------------------


def template_problems(
    letter_type: LetterType, language: str, sections: Sequence[Section], required: Sequence[Section]
) -> list[str]:
    """What is wrong with a proposed version of a template, given the sections the type must keep
    (`required`: the locked sections of the built-in template). Empty when it can be saved."""
    problems = []
    by_key = {section.key: section for section in sections}
    if len(by_key) != len(sections):
        problems.append("Each section must have a different name")
    for needed in required:
        section = by_key.get(needed.key)
        if section is None:
            problems.append(f"The section “{needed.heading}” is mandatory and cannot be removed")
            continue
        if not section.locked:
            problems.append(f"The section “{needed.heading}” is mandatory and must stay locked")
        if not section.body.strip() or not section.heading.strip():
            problems.append(f"The section “{needed.heading}” cannot be empty")
    if letter_type in NEEDS_UNWANTED_CONTACT and UNWANTED_CONTACT in by_key:
        for point in missing_points(by_key[UNWANTED_CONTACT].body, language):
            problems.append(f"“{by_key[UNWANTED_CONTACT].heading}” must tell the victim: {point.description}")
    for section in sections:
        unknown = placeholders_in(section.heading + section.body) - PLACEHOLDERS.keys()
        if unknown:
            names = ", ".join(f"(({name}))" for name in sorted(unknown))
            problems.append(f"“{section.heading}” uses placeholders the service does not know: {names}")
        body = _words(section.body)
        if any(_words(sentence) in body for sentence in guidance_sentences(section.guidance)):
            problems.append(
                f"“{section.heading}” has its guidance in its text. Guidance is for the writer and is "
                "never printed: keep it in the guidance box only"
            )
        if "((release_date))" in section.body:
            problems.append("A letter may give the month of release, never the date")
    return problems


# -- dates as letters write them ---------------------------------------------------------------

MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "cy": [
        "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
        "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
    ],
}  # fmt: skip


def month_name(day: date, language: str) -> str:
    return f"{MONTHS[language][day.month - 1]} {day.year}"


def long_date(day: date, language: str) -> str:
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"
