"""Letters to victims (SPEC §6): their types, the sections every template must keep, and the
quality check a letter must pass before it can be approved and sent.

Pure rules: the service gathers the facts (`LetterFacts`), this module says what is wrong and
how to put it right. Nothing here knows about Flask or the database.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from victims.domain.vocabulary import ContactLevel, Labelled, Relationship


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
    failed (Notify refused it, or it failed a check when it was about to go); cancelled."""

    DRAFT = "draft", "Draft"
    AWAITING_COUNTERSIGN = "awaiting_countersign", "Waiting for countersigning"
    APPROVED = "approved", "Approved, sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Not sent"
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
            "they may be able to apply for a restraining order or a non-molestation order",
            (("restraining order",), ("non-molestation order",)),
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
            "they may be able to apply for a restraining order or a non-molestation order",
            (
                ("gorchymyn atal", "orchymyn atal", "restraining order"),
                ("gorchymyn rhag molestu", "orchymyn rhag molestu", "non-molestation order"),
            ),
        ),
    ),
}


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).lower()


def missing_points(body: str, language: str) -> list[Point]:
    """The points of the unwanted-contact section that this (unfilled) text does not make."""
    text = _normal(body)
    return [
        point
        for point in UNWANTED_CONTACT_POINTS[language]
        if not all(any(_normal(word) in text for word in group) for group in point.groups)
    ]


def placeholders_in(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Text with its ((placeholders)) filled in; an unknown one is left as it is, so the check
    can point at it."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


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
        if "((release_date))" in section.body:
            problems.append("A letter may give the month of release, never the date")
    return problems


# -- the quality check -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """The person a letter goes to, and what they chose."""

    person_id: int
    name: str
    relationship: Relationship
    contact_level: ContactLevel
    channel: str  # "post" or "email"
    language: str
    large_print: bool
    contact_lost: bool
    has_postal_address: bool
    has_email: bool
    # For a victim: whether they are under 18 today (their letters go to a parent or guardian).
    is_child: bool = False


@dataclass(frozen=True)
class LetterFacts:
    """Everything the quality check looks at, gathered by the service."""

    letter_type: LetterType
    language: str
    large_print: bool
    channel: str
    recipient: Recipient
    sections: Sequence[Section]  # as drafted, placeholders unfilled
    template_sections: Sequence[Section]  # the template version the letter was drafted from
    drafted_facts: Mapping[str, str]  # the case as it was when drafted or last refreshed
    current_facts: Mapping[str, str]  # the case as it is now
    filled_text: str  # every section, filled, as it will be printed
    # Things the victim must not be told: exact release dates, the prison, the release address,
    # and other people's names and addresses on the case.
    release_dates: Iterable[date] = ()
    secret_places: Iterable[str] = ()
    other_people: Iterable[str] = ()


@dataclass(frozen=True)
class CheckResult:
    code: str
    title: str
    passed: bool
    problems: tuple[str, ...] = field(default_factory=tuple)  # what is wrong, and how to fix it


FACT_LABELS: Mapping[str, str] = {
    "recipient_name": "the recipient’s name",
    "address": "the recipient’s address",
    "email": "the recipient’s email address",
    "victim_name": "the victim’s name",
    "offender_name": "the offender’s name",
    "release_month": "the month of release",
    "vlo_name": "the victim liaison officer",
    "vlo_phone": "the victim liaison officer’s telephone number",
    "vlo_email": "the victim liaison officer’s email address",
    "unit_name": "the unit’s name",
}

_MONTHS = {
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
    return f"{_MONTHS[language][day.month - 1]} {day.year}"


def long_date(day: date, language: str) -> str:
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def date_spellings(day: date) -> list[str]:
    """The ways a date may be written in a letter, in English or Welsh."""
    spellings = [
        day.isoformat(),
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day}-{day.month}-{day.year}",
    ]
    for names in _MONTHS.values():
        month = names[day.month - 1]
        spellings += [f"{day.day} {month}", f"{day.day:02d} {month}", f"{month} {day.day}"]
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    spellings.append(f"{day.day}{suffix} {_MONTHS['en'][day.month - 1]}")
    return spellings


def _contains(text: str, needle: str) -> bool:
    """Whether `needle` appears in `text` as a whole (not inside a longer word or number)."""
    needle = _normal(needle).strip()
    if not needle:
        return False
    return re.search(r"(?<![\w/.-])" + re.escape(needle) + r"(?![\w/])", text) is not None


def check(facts: LetterFacts) -> list[CheckResult]:
    """Every check of SPEC §6, in the order the page shows them. A letter can be approved only
    when every result has passed."""
    return [
        _mandatory_sections(facts),
        _finished(facts),
        _matches_case(facts),
        _no_disclosure(facts),
        _respects_choices(facts),
        _right_recipient(facts),
        _reachable(facts),
    ]


def _result(code: str, title: str, problems: list[str]) -> CheckResult:
    return CheckResult(code, title, not problems, tuple(problems))


def _mandatory_sections(facts: LetterFacts) -> CheckResult:
    problems = []
    drafted = {section.key: section for section in facts.sections}
    for required in (section for section in facts.template_sections if section.locked):
        section = drafted.get(required.key)
        if section is None:
            problems.append(f"“{required.heading}” is missing. Start a new draft from the current template.")
        elif (section.heading, section.body) != (required.heading, required.body):
            problems.append(
                f"“{required.heading}” has been changed. Locked sections cannot be edited: start a new draft."
            )
        elif not _normal(section.body).strip():
            problems.append(f"“{required.heading}” is empty. Start a new draft from the current template.")
    if facts.letter_type in NEEDS_UNWANTED_CONTACT:
        section = drafted.get(UNWANTED_CONTACT)
        if section is None or not any(
            s.key == UNWANTED_CONTACT and s.locked for s in facts.template_sections
        ):
            problems.append(
                "The letter has no “If the offender contacts you” section. Every initial-contact and "
                "pre-release letter must have it: start a new draft from the current template."
            )
        else:
            for point in missing_points(section.body, facts.language):
                problems.append(f"“{section.heading}” does not tell the victim: {point.description}.")
            if not facts.current_facts.get("vlo_phone"):
                problems.append(
                    "The victim liaison officer has no direct telephone number, which "
                    f"“{section.heading}” must give. Add it under “Your details”, then refresh the letter."
                )
    for section in facts.sections:
        unknown = placeholders_in(section.body) - PLACEHOLDERS.keys()
        if unknown:
            problems.append(
                f"“{section.heading}” has a placeholder the service cannot fill: {sorted(unknown)[0]}."
            )
    return _result("sections", "Mandatory sections are present, unedited and complete", problems)


_NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")


def _finished(facts: LetterFacts) -> CheckResult:
    """The template's [notes in square brackets] are for the writer: none may be left."""
    problems = []
    for section in facts.sections:
        note = _NOTE.search(section.body)
        if note:
            problems.append(
                f"“{section.heading}” still has “{note.group(0)}”. "
                "Replace it with what the victim needs to know."
            )
    return _result("finished", "Every note in square brackets has been replaced", problems)


def _matches_case(facts: LetterFacts) -> CheckResult:
    changed = [
        FACT_LABELS.get(key, key)
        for key in sorted(set(facts.drafted_facts) | set(facts.current_facts))
        if facts.drafted_facts.get(key) != facts.current_facts.get(key)
    ]
    problems = []
    if changed:
        problems.append(
            "The case record has changed since this letter was drafted ("
            + ", ".join(changed)
            + "). Refresh the letter, read it again, then approve it."
        )
    return _result("case", "Names, address and dates match the case record", problems)


def _no_disclosure(facts: LetterFacts) -> CheckResult:
    text = _normal(facts.filled_text)
    problems = []
    for day in facts.release_dates:
        if any(_contains(text, spelling) for spelling in date_spellings(day)):
            problems.append(
                f"The letter gives an exact release date ({long_date(day, 'en')}). Give the month only: "
                "use ((release_month))."
            )
            break
    for place in facts.secret_places:
        if _contains(text, place):
            problems.append(
                "The letter names the offender’s prison or release address. Remove it: victims are not "
                "told where the offender is held or will live."
            )
            break
    for other in facts.other_people:
        if _contains(text, other):
            problems.append(
                "The letter gives another person’s details from the case. Remove them: each victim is "
                "told only about their own contact."
            )
            break
    return _result("disclosure", "Nothing is disclosed that the victim must not be told", problems)


def _respects_choices(facts: LetterFacts) -> CheckResult:
    recipient = facts.recipient
    problems = []
    if facts.language != recipient.language:
        wanted = "Welsh" if recipient.language == "cy" else "English"
        problems.append(f"{recipient.name} asked for letters in {wanted}. Start a new draft in {wanted}.")
    if facts.large_print != recipient.large_print:
        wanted = "large print" if recipient.large_print else "standard print"
        problems.append(f"{recipient.name} asked for {wanted}. Change the print size.")
    if facts.channel != recipient.channel:
        wanted = "by email" if recipient.channel == "email" else "by post"
        problems.append(f"{recipient.name} asked for letters {wanted}. Change how the letter is sent.")
    if recipient.contact_level not in ALLOWED_LEVELS[facts.letter_type]:
        problems.append(
            f"{recipient.name}’s contact level is “{recipient.contact_level.label}”, which does not "
            f"include a {facts.letter_type.label.lower()} letter. Do not send it, or record a change "
            "of contact level the victim asked for."
        )
    return CheckResult(
        "choices",
        "The victim’s language, print size, channel and contact level are respected",
        not problems,
        tuple(problems),
    )


def _right_recipient(facts: LetterFacts) -> CheckResult:
    problems = []
    if facts.recipient.relationship == Relationship.VICTIM and facts.recipient.is_child:
        problems.append(
            f"{facts.recipient.name} is under 18. Letters about a child victim go to their parent or "
            "guardian: add one to the case and write to them."
        )
    return _result("recipient", "A child victim’s letter goes to their parent or guardian", problems)


def _reachable(facts: LetterFacts) -> CheckResult:
    recipient = facts.recipient
    problems = []
    if recipient.contact_lost:
        problems.append(
            f"{recipient.name} is flagged “contact lost”: letters have come back. Find a new way to reach "
            "them and update their details first."
        )
    if facts.channel == "post" and not recipient.has_postal_address:
        problems.append(f"There is no postal address for {recipient.name}. Add it, or send by email.")
    if facts.channel == "email" and not recipient.has_email:
        problems.append(f"There is no email address for {recipient.name}. Add it, or send by post.")
    return _result("reachable", "The recipient can be reached", problems)
