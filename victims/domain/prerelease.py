"""Pre-release work (SPEC §7): a victim's licence-condition requests, from their words to the
licence and back to the victim.

A request moves through fixed stages, one at a time, never skipping one:

    requested → drafted → checked (by an SPO) → sent (to the offender's probation practitioner)
              → included / not included (with the reason) → victim told

Pre-release work on a case is complete only when every request has an outcome and the victim
has been told it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

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
    """A step that is not the next one, or lacks what it needs; the message says which."""


@dataclass(frozen=True)
class StepInput:
    """What a step brings with it. Only the fields the step needs are looked at."""

    wording: str | None = None
    zone_ready: bool = True  # for an exclusion zone: its map has passed its checks and been countersigned
    practitioner_name: str | None = None
    practitioner_team: str | None = None
    reason: str | None = None
    told_how: str | None = None
    # Checking: the SPO has read a town named in the wording and accepts it (issue 12).
    town_acknowledged: bool = False


def next_stages(stage: Stage) -> tuple[Stage, ...]:
    return NEXT[stage]


def check_step(current: Stage, target: Stage, given: StepInput, condition: ConditionType) -> None:
    """Raise StepRefused unless `target` is the next stage from `current` with what it needs."""
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
    if target is Stage.TOLD and not (given.told_how or "").strip():
        raise StepRefused("Say how the victim was told the outcome")


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

    API = "api", "nDelius (through the API)"
    CSV = "csv", "A CSV upload"
    DATES_PAGE = "dates_page", "Entered on the dates page"
    ZONE_PAGE = "zone_page", "Entered on an exclusion-zone map"


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
