"""The quality check a letter must pass before it can be approved and sent (SPEC §6).

Pure rules: the service gathers the facts (`LetterFacts`), this module says what is wrong and
how to put it right. Nothing here knows about Flask or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from victims.domain.disclosure import Finding, Kind, Protected, Severity, find_disclosures
from victims.domain.disclosure.normalise import apart, fold, quoted, tokens, words
from victims.domain.letters import (
    ALLOWED_LEVELS,
    NEEDS_UNWANTED_CONTACT,
    PLACEHOLDERS,
    UNWANTED_CONTACT,
    YOUR_REQUESTS,
    LetterType,
    Section,
    guidance_sentences,
    missing_points,
    normalised,
    placeholders_in,
)
from victims.domain.vocabulary import Channel, ContactLevel, Relationship


@dataclass(frozen=True)
class Recipient:
    """The person a letter goes to, and what they chose."""

    person_id: int
    name: str
    relationship: Relationship
    contact_level: ContactLevel
    channel: str  # what they chose: "post", "email" or "telephone" (letters then go by post)
    language: str
    large_print: bool
    contact_lost: bool
    has_postal_address: bool
    has_email: bool
    # For a victim: whether they are under 18 today (their letters go to a parent or guardian).
    is_child: bool = False
    # For a parent or guardian: the name of the victim they act for when that victim has turned
    # 18 (victims.domain.coming_of_age), whose letters now go to them directly.
    acts_for_adult: str | None = None


@dataclass(frozen=True)
class RequestReport:
    """One of the recipient's licence-condition requests (theirs, or of the victim they act for),
    as the outcome letter must report it (issue 17)."""

    name: str  # "request 4 (No contact with named people)"
    sent: bool  # sent to the offender's probation practitioner
    # How the letter reports its outcome (victims.domain.letters.outcome_sentence), unfilled as
    # the sections are; None while it has no outcome.
    sentence: str | None


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
    # What will be printed or sent, filled: (where, text) for the title and each section, e.g.
    # ("“Opening”", "Dear Jane, ..."). The disclosure check reads each and says where it found what.
    printed: Sequence[tuple[str, str]]
    # What the victim must not be told (victims.domain.disclosure): the exact release dates, the
    # offender's prison, the release address and other people's addresses and contact details.
    protected: Protected = field(default_factory=Protected)
    # Other people on the case, by name: each victim is told only about their own contact.
    other_names: Iterable[str] = ()
    # The address block as it will print (the recipient's name first), and for each line too
    # wide for the envelope window even in the smallest print, its index and about how many of
    # its characters fit. Measuring is the PDF's business; the service passes the result in.
    address_lines: Sequence[str] = ()
    address_too_wide: Mapping[int, int] = field(default_factory=dict)
    # What the unit's letterhead lacks ("postal address", "telephone number"): victims must be
    # able to write to and call the Victim Contact Unit.
    letterhead_missing: Sequence[str] = ()
    # The recipient's licence-condition requests: an outcome letter reports every outcome.
    requests: Sequence[RequestReport] = ()


@dataclass(frozen=True)
class CheckResult:
    code: str
    title: str
    passed: bool
    problems: tuple[str, ...] = field(default_factory=tuple)  # what is wrong, and how to fix it
    # What the approver must read and acknowledge before the letter goes (a town named on its own).
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # What the writer should know, with nothing wrong and nothing to acknowledge (a person who
    # prefers telephone gets this letter by post).
    notes: tuple[str, ...] = field(default_factory=tuple)


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


def check(facts: LetterFacts) -> list[CheckResult]:
    """Every check of SPEC §6, in the order the page shows them, and for an outcome letter that
    it reports every outcome (issue 17). A letter can be approved only when every result has
    passed."""
    results = [
        _mandatory_sections(facts),
        _finished(facts),
        _matches_case(facts),
        _no_disclosure(facts),
        _respects_choices(facts),
        _right_recipient(facts),
        _reachable(facts),
        _address_fits(facts),
    ]
    if facts.letter_type is LetterType.LICENCE_CONDITIONS_OUTCOME:
        results.append(_outcomes_reported(facts))
    return results


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
        elif not normalised(section.body).strip():
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
    if facts.letterhead_missing:
        problems.append(
            f"The letterhead has no {' or '.join(facts.letterhead_missing)} for the Victim Contact Unit. "
            "Ask an administrator to add it under Administration, Teams."
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
    """The template's guidance is for the writer and never prints: no [note in square brackets]
    may be left, nor any sentence of a section's guidance, however it is spaced or cased."""
    problems = []
    guidance = {section.key: guidance_sentences(section.guidance) for section in facts.template_sections}
    template = {section.key: section.body for section in facts.template_sections}
    for section in facts.sections:
        note = _NOTE.search(section.body)
        if note:
            problems.append(
                f"“{section.heading}” still has “{note.group(0)}”. "
                "Replace it with what the victim needs to know."
            )
        asked = guidance.get(section.key, ())
        if not section.locked and asked and words(section.body) == words(template.get(section.key, "")):
            # The guidance asks the writer for something the template cannot know.
            empty = "is empty" if not section.body.strip() else "is as the template has it"
            problems.append(f"“{section.heading}” {empty}. Write what its guidance asks: {' '.join(asked)}")
        body = words(section.body)
        for sentence in asked:
            if _within(body, words(sentence)):
                problems.append(
                    f"“{section.heading}” still has the template’s guidance “{sentence}”. Guidance is for "
                    "you, not the victim: replace it with what it asks for."
                )
                break
    return _result("finished", "The template’s guidance and [notes] have been replaced", problems)


def contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """Whether the words of `needle` come, in order and together, in the words of `haystack`."""
    return _within(haystack, needle)


def _within(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    n = len(needle)
    return n > 0 and any(tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))


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
    """One disclosure check (victims.domain.disclosure) over the title and each section as they
    will print: every refusal fails the check; a warning (a town named on its own) is listed for
    the approver to acknowledge."""
    problems: list[str] = []
    warned: list[str] = []
    names = [name for name in facts.other_names if words(name)]
    for where, text in facts.printed:
        for finding in find_disclosures(text, facts.protected) + _names(text, names):
            (problems if finding.refused else warned).append(f"{where}: {finding.message}")
    return CheckResult(
        "disclosure",
        "Nothing is disclosed that the victim must not be told",
        not problems,
        tuple(problems),
        tuple(warned),
    )


def _names(text: str, names: Iterable[str]) -> list[Finding]:
    """Another person on the case named in full (folded as the disclosure check folds text)."""
    found = tokens(fold(text))
    findings = []
    for name in names:
        needle = words(name)
        n = len(needle)
        for i in range(len(found) - n + 1):
            if all(
                found[i + k].text == word and (k == 0 or apart(found[i + k].gap))
                for k, word in enumerate(needle)
            ):
                start, end = found[i].start, found[i + n - 1].end
                said = quoted(text, start, end)
                findings.append(
                    Finding(
                        Kind.NAME,
                        Severity.REFUSAL,
                        said,
                        start,
                        end,
                        f"“{said}” is another person on the case. Remove it: each victim is told only "
                        "about their own contact.",
                    )
                )
    return findings


def _respects_choices(facts: LetterFacts) -> CheckResult:
    recipient = facts.recipient
    problems = []
    if facts.language != recipient.language:
        wanted = "Welsh" if recipient.language == "cy" else "English"
        problems.append(f"{recipient.name} asked for letters in {wanted}. Start a new draft in {wanted}.")
    if facts.large_print != recipient.large_print:
        wanted = "large print" if recipient.large_print else "standard print"
        problems.append(f"{recipient.name} asked for {wanted}. Change the print size.")
    notes = []
    if recipient.channel == Channel.TELEPHONE:
        if facts.channel == Channel.POST:
            notes.append(
                f"{recipient.name} prefers telephone: this letter goes by post to their postal address. "
                "Consider calling them as well."
            )
        else:
            problems.append(
                f"{recipient.name} prefers telephone, and their letters go by post. Change how the "
                "letter is sent."
            )
    elif facts.channel != recipient.channel:
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
        notes=tuple(notes),
    )


def _right_recipient(facts: LetterFacts) -> CheckResult:
    problems = []
    if facts.recipient.relationship == Relationship.VICTIM and facts.recipient.is_child:
        problems.append(
            f"{facts.recipient.name} is under 18. Letters about a child victim go to their parent or "
            "guardian: add one to the case and write to them."
        )
    if facts.recipient.relationship == Relationship.PARENT_GUARDIAN and facts.recipient.acts_for_adult:
        adult = facts.recipient.acts_for_adult
        problems.append(
            f"{adult} has turned 18: write to them directly, not to {facts.recipient.name}, and ask "
            f"{adult} their preferences again."
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


SMALLEST_ADDRESS_PT = 8  # Notify's own size for addresses: the PDF shrinks an address no further


def _address_fits(facts: LetterFacts) -> CheckResult:
    """Each line of the address block must fit the envelope window's width in the smallest print:
    the PDF would otherwise print it where the window hides it (and refuses to)."""
    problems = []
    name = facts.recipient.name
    smallest = f"even in the smallest print ({SMALLEST_ADDRESS_PT} pt)"
    for index, fits in sorted(facts.address_too_wide.items()):
        line = facts.address_lines[index]
        if index == 0:
            problems.append(
                f"{name}’s name is too long for the envelope window, {smallest}: it has {len(line)} "
                f"characters. Shorten it to about {fits} characters in their details (for example, "
                "use initials for middle names), then refresh the letter."
            )
        else:
            problems.append(
                f"The address line “{_shown(line)}” is too long for the envelope window, {smallest}: "
                f"it has {len(line)} characters. Shorten it to about {fits} characters in {name}’s "
                "details, then refresh the letter."
            )
    return _result("address", "The name and address fit in the envelope window", problems)


def _shown(line: str, most: int = 36) -> str:
    """The start of a long line, cut between words, to say which line is meant."""
    if len(line) <= most:
        return line
    shown = ""
    for word in line.split():
        if len(shown) + len(word) + 1 > most:
            break
        shown = f"{shown} {word}" if shown else word
    return (shown or line[:most]).rstrip(" ,;") + "…"


def _outcomes_reported(facts: LetterFacts) -> CheckResult:
    """An outcome letter reports the outcome of every request the recipient has sent to the
    probation practitioner (issue 17): it fails while one of them has no outcome yet, or when
    the letter does not say one that has (drafted before it came, or edited out). Whatever the
    template: the outcomes are looked for in every section, so no version of the template can
    remove the check."""
    title = "The letter reports the outcome of every licence-condition request"
    heading = next(
        (section.heading for section in facts.sections if section.key == YOUR_REQUESTS), "Your requests"
    )
    text = words("\n\n".join(section.body for section in facts.sections))
    problems = []
    for request in facts.requests:
        if request.sentence is None:
            if request.sent:
                problems.append(
                    f"The outcome of {request.name} is not known yet: it was sent to the probation "
                    "practitioner and has no outcome recorded. Record its outcome, then start a new "
                    "draft, or wait for it before sending this letter."
                )
        elif not _within(text, words(request.sentence)):
            problems.append(
                f"The letter does not give the outcome of {request.name}. Start a new draft, or add "
                f"to “{heading}”: “{request.sentence}”"
            )
    return _result("outcomes", title, problems)
