"""Pre-release work (SPEC §7): a victim's licence-condition requests, from their words to the
licence and back to the victim.

A request moves through fixed stages, one at a time, never skipping one:

    requested → drafted → checked (by an SPO) → sent (to the offender's probation practitioner)
              → included / not included (with the reason) → victim told

Pre-release work on a case is complete only when every request has an outcome and the victim
has been told it. "Told" names what told them (issue 17): a letter sent to them, or a contact
made with them, on or after the day the outcome was recorded (`told_refusal`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from victims.domain.vocabulary import Labelled

# Someone not heard from for this long is offered pre-release contact again.
QUIET_AFTER = timedelta(days=365)


class ConditionType(Labelled):
    """The licence conditions a victim can ask for (the Ministry of Justice licence service)."""

    NO_CONTACT_VICTIM = "no_contact_victim", "No contact or approach: the victim or their family"
    NO_CONTACT_NAMED = "no_contact_named", "No contact with named people"
    EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone (not to enter the area on the attached map)"
    NAMED_PLACE = "named_place", "Not to enter a named address, premises or road"
    EVENT_EXCLUSION = "event_exclusion", "Event exclusion zone"
    RESIDE_IN_REGION = "reside_in_region", "Reside in a region"


class Stage(Labelled):
    REQUESTED = "requested", "Requested"
    DRAFTED = "drafted", "Wording drafted"
    CHECKED = "checked", "Checked by an SPO"
    SENT = "sent", "Sent to the probation practitioner"
    INCLUDED = "included", "Included in the licence"
    NOT_INCLUDED = "not_included", "Not included in the licence"
    TOLD = "told", "Victim told the outcome"


ORDER: dict[Stage, int] = {
    Stage.REQUESTED: 0,
    Stage.DRAFTED: 1,
    Stage.CHECKED: 2,
    Stage.SENT: 3,
    Stage.INCLUDED: 4,
    Stage.NOT_INCLUDED: 4,
    Stage.TOLD: 5,
}

# The one step each stage may take (an outcome is either of two).
NEXT: dict[Stage, tuple[Stage, ...]] = {
    Stage.REQUESTED: (Stage.DRAFTED,),
    Stage.DRAFTED: (Stage.CHECKED,),
    Stage.CHECKED: (Stage.SENT,),
    Stage.SENT: (Stage.INCLUDED, Stage.NOT_INCLUDED),
    Stage.INCLUDED: (Stage.TOLD,),
    Stage.NOT_INCLUDED: (Stage.TOLD,),
    Stage.TOLD: (),
}

# A drafted wording may be changed (going back to "drafted") until it has been sent.
REDRAFTABLE = frozenset({Stage.DRAFTED, Stage.CHECKED})


class StepRefused(ValueError):
    """A step that is not the next one, or lacks what it needs; the message says which, and
    `field` the form field it is about (None: the step as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class ToldKind(Labelled):
    LETTER = "letter", "Letter"
    CONTACT = "contact", "Contact"


@dataclass(frozen=True)
class Telling:
    """A letter or a contact-log entry that may have told a person the outcome of their request,
    as the service found it by its id (whatever case it is on: the rules below say whether it
    can be the one)."""

    kind: ToldKind
    id: int
    case_id: int
    person_id: int | None
    # The day the letter was sent or the contact happened (None: a letter not sent).
    on: date | None
    # A letter: sent. A contact: made (not only attempted, nor a letter or email that came back).
    happened: bool
    # A letter of the "Outcome of licence-condition requests" type: listed first.
    outcome_letter: bool = False
    # How it is named on the page and in `told_how` ("Letter 42: Outcome of …"): never its content.
    description: str = ""
    # The moment it was sent or happened, and for a contact whether it is a letter or email to
    # the person (as the service logs each letter it sends, at the moment it sends it).
    at: datetime | None = None
    by_letter_or_email: bool = False

    @property
    def choice(self) -> str:
        """Its value in the form: "letter:42", "contact:17"."""
        return f"{self.kind.value}:{self.id}"


def parse_choice(value: str | None) -> tuple[ToldKind, int] | None:
    """A form's "letter:42" or "contact:17" (None for anything else)."""
    kind, _, number = (value or "").partition(":")
    found = next((member for member in ToldKind if member.value == kind), None)
    if found is None or not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    return found, int(number)


@dataclass(frozen=True)
class OutcomeTold:
    """What telling a request's outcome must follow: its case, the people who may be told (the
    person who made the request and whoever acts for them), and the day the outcome came."""

    case_id: int
    people: frozenset[int]
    on: date


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def told_refusal(outcome: OutcomeTold | None, telling: Telling | None) -> str | None:
    """Why `telling` cannot be what told the victim the outcome, or None when it can: a letter
    sent to them, or a contact made with them, on this case, on or after the outcome's day."""
    if outcome is None:
        return "The request has no outcome to tell"
    if telling is None:
        return "Choose the letter or contact that told the victim the outcome"
    if telling.case_id != outcome.case_id or telling.person_id not in outcome.people:
        return "Choose a letter or contact with the person who made the request, on this case"
    if not telling.happened:
        if telling.kind is ToldKind.LETTER:
            return "Choose a letter that has been sent"
        return "Choose a contact that was made, not one only attempted or that came back"
    if telling.on is None or telling.on < outcome.on:
        return (
            f"Choose a letter or contact from {_long_date(outcome.on)} or later: the outcome was "
            "recorded that day"
        )
    return None


def told_choices(outcome: OutcomeTold, tellings: Iterable[Telling]) -> list[Telling]:
    """The letters and contacts that can be chosen as what told the victim: outcome letters
    first, then other letters, then contacts, each newest first. The contact-log entry the
    service wrote when it sent one of the letters is that letter: it is listed once, as the letter."""
    usable = [telling for telling in tellings if told_refusal(outcome, telling) is None]
    sent = {(t.person_id, t.at) for t in usable if t.kind is ToldKind.LETTER and t.at is not None}
    usable = [
        t
        for t in usable
        if not (t.kind is ToldKind.CONTACT and t.by_letter_or_email and (t.person_id, t.at) in sent)
    ]
    return sorted(
        usable,
        key=lambda t: (
            not (t.kind is ToldKind.LETTER and t.outcome_letter),
            t.kind is not ToldKind.LETTER,
            -(t.on or date.min).toordinal(),
            -t.id,
        ),
    )


@dataclass(frozen=True)
class StepInput:
    """What a step brings with it. Only the fields the step needs are looked at."""

    wording: str | None = None
    zone_ready: bool = True  # for an exclusion zone: its map has passed its checks and been countersigned
    practitioner_name: str | None = None
    practitioner_team: str | None = None
    reason: str | None = None
    # Telling: the letter or contact that told the victim (checked against `OutcomeTold`).
    told_by: Telling | None = None
    # Checking: the SPO has read a town named in the wording and accepts it (issue 12).
    town_acknowledged: bool = False


def next_stages(stage: Stage) -> tuple[Stage, ...]:
    return NEXT[stage]


def check_step(
    current: Stage,
    target: Stage,
    given: StepInput,
    condition: ConditionType,
    outcome: OutcomeTold | None = None,
) -> None:
    """Raise StepRefused unless `target` is the next stage from `current` with what it needs.
    Telling the outcome needs `outcome`, what the letter or contact must follow."""
    if target not in NEXT[current]:
        allowed = " or ".join(f"“{stage.label}”" for stage in NEXT[current]) or "nothing: it is finished"
        raise StepRefused(f"The request is at “{current.label}”: the next step is {allowed}")
    if target is Stage.DRAFTED and not (given.wording or "").strip():
        raise StepRefused("Enter the proposed wording of the condition")
    if target is Stage.CHECKED and condition is ConditionType.EXCLUSION_ZONE and not given.zone_ready:
        raise StepRefused(
            "The exclusion-zone map must pass its checks and be countersigned before the request is checked"
        )
    if target is Stage.SENT and not (
        (given.practitioner_name or "").strip() and (given.practitioner_team or "").strip()
    ):
        raise StepRefused("Enter the probation practitioner’s name and team")
    if target is Stage.NOT_INCLUDED and not (given.reason or "").strip():
        raise StepRefused("Enter the reason the condition was not included")
    if target is Stage.TOLD:
        refusal = told_refusal(outcome, given.told_by)
        if refusal:
            raise StepRefused(refusal, field="told_by")


def has_outcome(stage: Stage) -> bool:
    return ORDER[stage] >= ORDER[Stage.INCLUDED]


def completion_problems(stages: Iterable[tuple[str, Stage]]) -> list[str]:
    """Why pre-release work cannot be marked complete: each request (by its description) still
    without an outcome, or whose outcome the victim has not been told. Empty when complete."""
    problems = []
    for name, stage in stages:
        if not has_outcome(stage):
            problems.append(f"{name}: no outcome yet (it is at “{stage.label}”)")
        elif stage is not Stage.TOLD:
            problems.append(f"{name}: the victim has not been told the outcome")
    return problems


class PointSource(Labelled):
    """How a place's coordinates were found (issue 17)."""

    POSTCODE = "postcode", "The postcode’s centre"
    MOVED = "moved", "Moved on the map to the exact spot"
    ADDRESS = "address", "Looked up from the address"
    COORDINATES = "coordinates", "Typed as latitude and longitude"


class AddressSource(Labelled):
    """Where the offender's proposed release address came from (issue 17)."""

    API = "api", "nDelius, through the API"
    CSV = "csv", "A CSV upload"
    DATES_PAGE = "dates_page", "Entered on the dates page"


class ZoneStatus(Labelled):
    """An exclusion-zone map: drawn and checked by its maker, then countersigned by an SPO."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for an SPO to check it"
    COUNTERSIGNED = "countersigned", "Checked and countersigned"


@dataclass(frozen=True)
class Contactable:
    """What decides whether a person on a case should be offered pre-release contact again."""

    person_id: int
    opted_out: bool
    contact_lost: bool
    last_heard_from: datetime | None  # the last contact they made with the service


def to_offer_contact_again(people: Iterable[Contactable], now: datetime) -> list[tuple[int, str]]:
    """The people to consider offering contact again before release, with why: they opted out,
    contact with them was lost, or they have not been heard from in the last 12 months."""
    quiet_since = now - QUIET_AFTER
    found = []
    for person in people:
        if person.opted_out:
            found.append((person.person_id, "Opted out"))
        elif person.contact_lost:
            found.append((person.person_id, "Contact lost"))
        elif person.last_heard_from is None or person.last_heard_from < quiet_since:
            found.append((person.person_id, "Not heard from in the last 12 months"))
    return found
