"""Pre-release work: contact with the victim, and their licence-condition requests step by step.
Exclusion zones, their maps and the representation document are victims.prerelease.zones.

What leaves for the probation practitioner (and so, in time, the offender) is the wording of
each condition and the maps, never the victim's address or contact details: the representation
document is checked for them before it is made.
"""

from __future__ import annotations

import re
from datetime import date

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case, ContactLogEntry
from victims.domain import deadlines as deadline_rules
from victims.domain import disclosure
from victims.domain import prerelease as rules
from victims.domain.disclosure import Finding, Protected, Whereabouts, find_disclosures
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.prerelease import (
    ConditionType,
    OutcomeTold,
    Stage,
    StepInput,
    Telling,
    ToldKind,
    ZoneStatus,
)
from victims.domain.vocabulary import CaseStatus, ContactMethod, Direction, Relationship, Role
from victims.extensions import db
from victims.people import queries as people_queries
from victims.people.models import Person
from victims.prerelease import queries
from victims.prerelease.models import (
    ConditionRequest,
    ExclusionZone,
    PreReleaseContact,
)
from victims.refusals import Refused
from victims.staff.models import User
from victims.work import queries as work_queries
from victims.work import services as work

WORDS_MAX = 2000


def same_team(case: Case, user: User) -> None:
    """Pre-release work is done by the case's team, on an open case."""
    if user.role not in (Role.VLO, Role.SPO) or user.team_id != case.team_id:
        raise Refused("Only the case’s team can do this")
    if case.status != CaseStatus.OPEN:
        raise Refused("The case is closed: reopen it before changing its pre-release work")


# -- pre-release contact --------------------------------------------------------------------------------


def record_contact(
    case: Case,
    person: Person,
    *,
    contacted_on: date,
    method: str,
    said: str,
    concerns: str | None,
    wants_conditions: bool,
    user: User,
) -> PreReleaseContact:
    same_team(case, user)
    if person.case_id != case.id:
        raise Refused("Choose a person on this case", field="person")
    if contacted_on > clock.today():
        raise Refused("The date of the contact must be today or in the past", field="contacted_on")
    contact = PreReleaseContact(
        case_id=case.id,
        person_id=person.id,
        contacted_on=contacted_on,
        method=method,
        said=said.strip(),
        concerns=(concerns or "").strip() or None,
        wants_conditions=wants_conditions,
        recorded_at=clock.utcnow(),
        recorded_by_id=user.id,
    )
    db.session.add(contact)
    asks = "asked for licence conditions" if wants_conditions else "asked for no licence conditions"
    db.session.add(
        ContactLogEntry(
            case_id=case.id,
            person_id=person.id,
            occurred_at=clock.utcnow(),
            recorded_at=clock.utcnow(),
            user_id=user.id,
            method=method,
            direction=Direction.OUTBOUND.value,
            summary=_summary(method, asks, said),
        )
    )
    db.session.flush()
    work.meet(
        case.id,
        deadline_rules.PRE_RELEASE_WINDOW,
        contacted_on,
        user,
        Evidence(EvidenceKind.PRE_RELEASE_CONTACT, contact.id),
    )
    audit.record(
        "prerelease_contact_recorded",
        "prerelease_contact",
        contact.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"person_id": person.id, "wants_conditions": wants_conditions},
        user=user,
    )
    return contact


def _summary(method: str, asks: str, said: str) -> str:
    how = ContactMethod(method).label.lower()
    return f"Pre-release contact ({how}): the victim {asks}. {said.strip()}"[:2000]


# -- requests --------------------------------------------------------------------------------------


def add_request(
    case: Case, person: Person, condition_type: ConditionType, victim_words: str, user: User
) -> ConditionRequest:
    same_team(case, user)
    if person.case_id != case.id:
        raise Refused("Choose a person on this case", field="person")
    if not victim_words.strip():
        raise Refused("Enter what the victim asked for, in their words", field="victim_words")
    request = ConditionRequest(
        case_id=case.id,
        person_id=person.id,
        condition_type=condition_type.value,
        victim_words=victim_words.strip(),
        stage=Stage.REQUESTED.value,
        requested_at=clock.utcnow(),
        requested_by_id=user.id,
    )
    if condition_type is ConditionType.EXCLUSION_ZONE:
        zone = ExclusionZone(
            case_id=case.id,
            title="Exclusion zone",
            status=ZoneStatus.DRAFT,
            created_at=clock.utcnow(),
            created_by_id=user.id,
        )
        db.session.add(zone)
        db.session.flush()
        request.zone_id = zone.id
        work.open_map_task(case, clock.today())
    db.session.add(request)
    db.session.flush()
    audit.record(
        "condition_requested",
        "condition_request",
        request.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"condition_type": condition_type.value, "person_id": person.id},
        user=user,
    )
    return request


def zone_ready(request: ConditionRequest) -> bool:
    if request.zone_id is None:
        return False
    zone = queries.zone(request.zone_id)
    return zone is not None and zone.status == ZoneStatus.COUNTERSIGNED


def outcome_told(request: ConditionRequest) -> OutcomeTold | None:
    """What a letter or contact must follow to have told the victim this request's outcome: the
    request's case, its person or whoever acts for them, on or after the outcome's day."""
    if request.outcome_on is None:
        return None
    everyone = people_queries.people_of_case(request.case_id)
    people = {request.person_id} | {
        person.id for person in everyone if person.acting_for_id == request.person_id
    }
    return OutcomeTold(case_id=request.case_id, people=frozenset(people), on=request.outcome_on)


def step(
    request: ConditionRequest, target: Stage, given: StepInput, user: User, *, on: date | None = None
) -> None:
    """Move a request to its next stage, dated and attributed."""
    case = db.session.get(Case, request.case_id)
    same_team(case, user)
    current = request.stage_enum
    redraft = target is Stage.DRAFTED and current in rules.REDRAFTABLE
    if not redraft:
        try:
            outcome = outcome_told(request) if target is Stage.TOLD else None
            rules.check_step(current, target, given, request.type_enum, outcome)
        except rules.StepRefused as refused:
            raise Refused(str(refused), field=refused.field) from None
    if target is Stage.CHECKED:
        if user.role != Role.SPO:
            raise Refused("Only a senior probation officer can check the wording")
        if request.type_enum is ConditionType.EXCLUSION_ZONE and not zone_ready(request):
            raise Refused(
                "The exclusion-zone map must pass its checks and be countersigned before the request "
                "is checked"
            )
        findings = findings_in(case, request.wording)
        refused = refusal_message(findings)
        if refused:
            raise Refused(refused + " Send the wording back to be redrafted.", field="wording")
        if disclosure.warnings(findings) and not given.town_acknowledged:
            raise Refused(
                "The wording names the town where a person on the case lives. Confirm that naming it "
                "is needed and does not help locate them.",
                field="town_acknowledged",
            )
        acknowledged = bool(disclosure.warnings(findings))
    if target is Stage.DRAFTED:
        wording = (given.wording or "").strip()
        if not wording:
            raise Refused("Enter the proposed wording of the condition", field="wording")
        if len(wording) > WORDS_MAX:
            raise Refused(f"The wording must be {WORDS_MAX} characters or fewer", field="wording")
        refused = refusal_message(findings_in(case, wording))
        if refused:
            raise Refused(refused, field="wording")
    now = clock.utcnow()
    today = on or clock.today()
    if target is not Stage.CHECKED:
        acknowledged = False
    if target is Stage.DRAFTED:
        request.wording = (given.wording or "").strip()
        request.drafted_at, request.drafted_by_id = now, user.id
        request.checked_at = request.checked_by_id = None
    elif target is Stage.CHECKED:
        request.checked_at, request.checked_by_id = now, user.id
    elif target is Stage.SENT:
        request.sent_on, request.sent_at, request.sent_by_id = today, now, user.id
        request.practitioner_name = (given.practitioner_name or "").strip()
        request.practitioner_team = (given.practitioner_team or "").strip()
    elif target in (Stage.INCLUDED, Stage.NOT_INCLUDED):
        request.outcome_on, request.outcome_at, request.outcome_by_id = today, now, user.id
        reason = (given.reason or "").strip() if target is Stage.NOT_INCLUDED else ""
        request.outcome_reason = reason or None
    elif target is Stage.TOLD and given.told_by is not None:
        _record_told(case, request, given.told_by, user)
        return
    request.stage = target.value
    db.session.flush()
    _deadlines_after(case, request, target, today, user)
    details: dict[str, object] = {"from": current.value, "to": target.value}
    if target is Stage.CHECKED and acknowledged:
        # That the SPO read and accepted a town named in the wording; never which town.
        details["town_acknowledged"] = True
    audit.record(
        f"condition_request_{target.value}",
        "condition_request",
        request.id,
        case_id=case.id,
        region_id=case.region_id,
        details=details,
        user=user,
    )


def _record_told(
    case: Case, request: ConditionRequest, telling: Telling, user: User, *, automatic: bool = False
) -> None:
    """The victim was told the outcome by `telling` (already checked against the request): on
    the day of the letter or contact, recorded now, by `user`. Its name goes in `told_how`, never
    its content."""
    current = request.stage_enum
    request.told_on = telling.on
    request.told_at, request.told_by_id = clock.utcnow(), user.id
    request.told_letter_id = telling.id if telling.kind is ToldKind.LETTER else None
    request.told_contact_id = telling.id if telling.kind is ToldKind.CONTACT else None
    request.told_how = telling.description[:200] or None
    request.stage = Stage.TOLD.value
    db.session.flush()
    _deadlines_after(case, request, Stage.TOLD, telling.on or clock.today(), user)
    details: dict[str, object] = {"from": current.value, "to": Stage.TOLD.value}
    details[telling.kind.value] = telling.id  # which letter or contact-log entry, never its content
    if automatic:
        details["automatic"] = True
    audit.record(
        "condition_request_told",
        "condition_request",
        request.id,
        case_id=case.id,
        region_id=case.region_id,
        details=details,
        user=user,
    )


def told_by_letter(requests: list[ConditionRequest], letter: Telling, sender: User) -> list[int]:
    """An outcome letter has been sent: every request it reported whose outcome the victim had
    not yet been told is now told, by that letter, recorded as its sender (audited as automatic).
    A request the letter cannot have told (another person's, or the letter came before the
    outcome) is left as it is. The ids of the requests marked told."""
    marked = []
    for request in requests:
        if request.stage_enum not in (Stage.INCLUDED, Stage.NOT_INCLUDED):
            continue
        if rules.told_refusal(outcome_told(request), letter) is not None:
            continue
        case = db.session.get(Case, request.case_id)
        _record_told(case, request, letter, sender, automatic=True)
        marked.append(request.id)
    return marked


def _deadlines_after(case: Case, request: ConditionRequest, target: Stage, today: date, user: User) -> None:
    """Representations are sent when every request has gone; the outcome deadline starts with the
    first outcome and is met when the victim has been told every outcome. The evidence is the
    request whose step completed them."""
    requests = queries.requests_of_case(case.id)
    if target is Stage.SENT and all(rules.ORDER[r.stage_enum] >= rules.ORDER[Stage.SENT] for r in requests):
        evidence = Evidence(EvidenceKind.REPRESENTATIONS_SENT, request.id)
        work.meet(case.id, deadline_rules.LICENCE_REPRESENTATIONS, today, user, evidence)
    if (
        target in (Stage.INCLUDED, Stage.NOT_INCLUDED)
        and work_queries.open_deadline(case.id, deadline_rules.LICENCE_OUTCOME) is None
    ):
        work.open_work(case, deadline_rules.LICENCE_OUTCOME, today)
    everyone_told = all(r.stage_enum is Stage.TOLD for r in requests)
    if target is Stage.TOLD and everyone_told:
        work.meet(
            case.id,
            deadline_rules.LICENCE_OUTCOME,
            today,
            user,
            Evidence(EvidenceKind.OUTCOME_TOLD, request.id),
        )


def complete(case: Case, user: User) -> None:
    """Mark pre-release work complete: refused until every request has an outcome the victim
    has been told."""
    same_team(case, user)
    problems = rules.completion_problems(
        (f"Request {request.id} ({request.type_enum.label})", request.stage_enum)
        for request in queries.requests_of_case(case.id)
    )
    if problems:
        raise Refused("Pre-release work cannot be marked complete: " + "; ".join(problems))
    case.prerelease_completed_at = clock.utcnow()
    case.prerelease_completed_by_id = user.id
    db.session.flush()
    audit.record(
        "prerelease_completed", "case", case.id, case_id=case.id, region_id=case.region_id, user=user
    )


# -- what must never reach the practitioner --------------------------------------------------------
#
# One check (victims.domain.disclosure) for every word that goes to the offender's side: the
# wording of a condition, a zone's title and description, the map PDF and the representation
# document. It protects every person on the case: their address lines, town, postcode, telephone
# number and email address, however they are written.


_WHOSE = {
    Relationship.VICTIM.value: "the victim",
    Relationship.BEREAVED_RELATIVE.value: "the bereaved relative",
    Relationship.PARENT_GUARDIAN.value: "the parent or guardian",
}


def protected_of(case: Case) -> Protected:
    """Where the people on the case live and how to reach them: never for the offender's side."""
    whereabouts = []
    for person in people_queries.people_of_case(case.id):
        whose = _WHOSE.get(person.relationship_, "the victim")
        whereabouts.append(
            Whereabouts(
                whose=whose,
                place="address",
                lines=tuple(line for line in (person.address_line_1, person.address_line_2) if line),
                town=person.address_town or "",
                postcode=person.address_postcode or "",
                phones=(person.telephone,) if person.telephone else (),
                emails=(person.email,) if person.email else (),
            )
        )
    return Protected(whereabouts=tuple(whereabouts))


def findings_in(case: Case, *texts: str | None) -> list[Finding]:
    """What the texts, read together as one document, give away of the people on the case."""
    text = "\n\n".join(t for t in texts if t and t.strip())
    return find_disclosures(text, protected_of(case)) if text else []


# The domain's message repeats the protected value it matched ("… of the victim’s address
# (L7K 9WN)"); the screen gives only the writer's own words, so a person who has not revealed the
# address learns nothing from the error but that their words must go.
_ECHO = re.compile(r"(’s [a-z ]*address) \([^()]*\)")


def shown(finding: Finding) -> str:
    return _ECHO.sub(r"\1", finding.message)


def refusal_message(findings: list[Finding]) -> str | None:
    """The refused findings as one error message (None: nothing refused)."""
    refused = disclosure.refusals(findings)
    if not refused:
        return None
    return " ".join(shown(finding) for finding in refused)


def warning_messages(findings: list[Finding]) -> list[str]:
    return [shown(finding) for finding in disclosure.warnings(findings)]
