"""Intake: one way in for referrals, whether a VLO types one (the New case form), a court or prison
system sends one (the API), or an SPO imports a file of them (the CSV import). Flush, never commit.

- `open_case` opens a case with its first victims (the form, and `receive` below);
- `check` validates a referral as data (the API's and the CSV file's) with every problem;
- `receive` turns a validated referral into a case, adds new victims to the team's open case, or
  passes it on to the team that holds the offender's case;
- `receive_all` does so for every referral of an import, recorded as one import.

A referral whose CRN is recorded for another offender (surname and date of birth) is refused.
Intake never adds victims to another team's case: that team is given a task to check the
referral, which shows only that one arrived. A refusal from `receive` names the field as a JSON
pointer into the referral (Refused.field).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from victims import clock
from victims.audit import services as audit
from victims.cases import queries as case_queries
from victims.cases import services as cases
from victims.cases.models import Case, Offender
from victims.domain.deadlines import REFERRAL_PASSED_ON, OffenderEvent
from victims.extensions import db
from victims.intake.definitions import REFERRAL, SENTENCE_DATE_FIELDS
from victims.intake.schema import Problem, validate
from victims.people import services as people
from victims.people.models import Person
from victims.refusals import Refused
from victims.staff.models import Team, User
from victims.work import queries as work_queries
from victims.work import services as work
from victims.work.models import OffenderEventRecord

# The sentence fields eligibility is worked out from: when one is wrong, it is not worked out.
ELIGIBILITY_POINTERS = frozenset(
    {"/sentence/offence_category", "/sentence/sentence_type", "/sentence/length_months"}
)
Victim = tuple[people.PersonDetails, people.Preferences]


def open_case(
    *,
    offender: cases.OffenderDetails,
    sentence: cases.SentenceDetails,
    referral_received_on: date,
    team_id: int,
    region_id: int,
    victims: list[Victim],
    user: User | None,
    offer_scheme: str | None = None,
    offer_reason: str | None = None,
    known_offender: Offender | cases.NotLookedUp | None = cases.NOT_LOOKED_UP,
) -> Case:
    """Open a case (victims.cases.services.open_case) with its victims, the first first."""
    case = cases.open_case(
        known_offender=known_offender,
        offender=offender,
        sentence=sentence,
        referral_received_on=referral_received_on,
        team_id=team_id,
        region_id=region_id,
        user=user,
        offer_scheme=offer_scheme,
        offer_reason=offer_reason,
    )
    for details, preferences in victims:
        people.add_person(case, details, user, preferences, new_case=True)
    return case


# -- referrals as data ---------------------------------------------------------------------------------


def check(referral: Any) -> tuple[dict | None, list[Problem]]:
    """The referral validated, and every reason it cannot be received as it is: its fields
    (victims.intake.definitions.REFERRAL), and how its victims can be reached."""
    data, problems = validate(REFERRAL, referral)
    if not problems:
        problems = [Problem(refused.field or "/", refused.message) for refused in victim_refusals(data)]
    return data, problems


def not_eligible(data: dict | None, wrong: set[str] | frozenset[str] = frozenset()) -> str | None:
    """Why the referral's offence and sentence are in no scheme, or None when they are, or when
    they are not given well enough to tell (missing, or among the `wrong` pointers)."""
    sentence = (data or {}).get("sentence") or {}
    if wrong & ELIGIBILITY_POINTERS or not (
        sentence.get("offence_category") and sentence.get("sentence_type")
    ):
        return None
    try:
        computed = cases.assess(
            sentence["offence_category"], sentence["sentence_type"], sentence.get("length_months")
        )
    except Refused as refused:
        return refused.message
    return None if computed.eligible else f"Not eligible: {computed.reason}"


def dates_problem(data: dict) -> Problem | None:
    """A date of a validated, eligible referral that its case's deadlines could not be counted
    from (victims.work.services.check_countable), at its pointer; None when they can be."""
    sentence = data["sentence"]
    try:
        computed = cases.assess(
            sentence["offence_category"], sentence["sentence_type"], sentence.get("length_months")
        )
    except Refused:
        return None  # not eligible: said elsewhere
    if computed.scheme is None:
        return None
    try:
        cases.check_countable(
            computed.scheme, sentence["sentence_date"], data["received_on"], sentence.get("dates") or {}
        )
    except Refused as refused:
        return Problem(_POINTERS.get(refused.field or "", "/sentence"), refused.message)
    return None


def identity_problem(offender: dict, known: Known | None = None) -> str | None:
    """Why a validated referral's offender is not the one already recorded under its CRN, or
    None (no one is recorded under it, or it is the same offender). `known`: looked up already."""
    if known is not None:
        existing = known.offenders.get(offender["crn"].upper())
    else:
        existing = case_queries.find_offender_by_crn(offender["crn"])
    if existing is None:
        return None
    try:
        cases.check_identity(existing, offender["last_name"], offender.get("date_of_birth"))
    except Refused as refused:
        return refused.message
    return None


def has_open_case_in_team(crn: str, region_id: int, team_id: int, known: Known | None = None) -> bool:
    """Whether the team holds an open case for the CRN (another team's case is not said)."""
    if known is not None:
        offender = known.offenders.get(crn.upper())
        case = known.open_cases.get(offender.id) if offender is not None else None
    else:
        offender = case_queries.find_offender_by_crn(crn)
        case = case_queries.open_case_for_offender(offender.id, region_id) if offender is not None else None
    return case is not None and case.team_id == team_id


def _person(victim: dict) -> Victim:
    address = victim.get("address") or {}
    postcode = address.get("postcode")
    if postcode:
        compact = postcode.replace(" ", "")
        postcode = f"{compact[:-3]} {compact[-3:]}"
    prefs = victim.get("preferences") or {}
    channel = prefs.get("channel") or ("email" if victim.get("email") and not address else "post")
    return (
        people.PersonDetails(
            relationship=victim["relationship"],
            first_name=victim["first_name"],
            last_name=victim["last_name"],
            date_of_birth=victim.get("date_of_birth"),
            address_line_1=address.get("line_1"),
            address_line_2=address.get("line_2"),
            address_town=address.get("town"),
            address_postcode=postcode,
            telephone=victim.get("telephone"),
            email=victim.get("email"),
        ),
        people.Preferences(
            contact_level=prefs.get("contact_level") or "key_stages",
            channel=channel,
            language=prefs.get("language") or "en",
            large_print=bool(prefs.get("large_print")),
            safe_contact_times=None,
        ),
    )


def victim_refusals(victims_or_referral: list[dict] | dict) -> list[Refused]:
    """Every reason the victims of a validated referral cannot be recorded as given."""
    victims = victims_or_referral["victims"] if isinstance(victims_or_referral, dict) else victims_or_referral
    refusals = []
    for index, victim in enumerate(victims):
        _details, prefs = _person(victim)
        if prefs.channel in ("post", "telephone") and not victim.get("address"):
            how = "by post" if prefs.channel == "post" else "by telephone (their letters go by post)"
            refusals.append(Refused(f"is required to contact this victim {how}", f"/victims/{index}/address"))
        if prefs.channel == "telephone" and not victim.get("telephone"):
            refusals.append(
                Refused("is required to contact this victim by telephone", f"/victims/{index}/telephone")
            )
        if prefs.channel == "email" and not victim.get("email"):
            refusals.append(Refused("is required to contact this victim by email", f"/victims/{index}/email"))
    return refusals


def _team(team_id: int | None, region_id: int, default_team_id: int | None) -> int:
    chosen = team_id or default_team_id
    if chosen is None:
        raise Refused("is required: this client has no Victim Contact Unit of its own", "/team_id")
    team = db.session.get(Team, chosen)
    if team is None or team.region_id != region_id:
        raise Refused("must be a Victim Contact Unit in this client's region", "/team_id")
    return team.id


# Where a refusal of the case's own rules points in a referral.
_POINTERS = {
    "offence_category": "/sentence/offence_category",
    "crn": "/offender/crn",
    "sentence_date": "/sentence/sentence_date",
    "referral_received_on": "/received_on",
    **{key: f"/sentence/dates/{key}" for key in SENTENCE_DATE_FIELDS},
}


class Outcome(StrEnum):
    OPENED = "opened"  # a new case
    ADDED = "added"  # the team's open case, with the victims it did not have yet
    PASSED_ON = "passed_on"  # another team holds the case: a task for it to check the referral


@dataclass
class Known:
    """What an import's referrals find, looked up for the whole file in three queries instead
    of three for each referral: the offenders under its CRNs (locked, as `receive` locks one),
    their open cases in the region, and the names of those cases' people."""

    offenders: dict[str, Offender]
    open_cases: dict[int, Case]
    names: dict[int, set[tuple[str, str]]]

    @classmethod
    def look_up(cls, crns: list[str], region_id: int, *, lock: bool = True) -> Known:
        """`lock=False` for a preview, which writes nothing."""
        offenders = {record.crn: record for record in case_queries.offenders_by_crn(crns, lock=lock)}
        open_cases = {
            case.offender_id: case
            for case in case_queries.open_cases_for_offenders([o.id for o in offenders.values()], region_id)
        }
        names: dict[int, set[tuple[str, str]]] = {case.id: set() for case in open_cases.values()}
        for case_id, first, last in db.session.execute(
            select(Person.case_id, Person.first_name, Person.last_name).where(Person.case_id.in_(names))
        ):
            names[case_id].add((first.casefold(), last.casefold()))
        return cls(offenders, open_cases, names)


def receive(
    data: dict,
    *,
    region_id: int,
    default_team_id: int | None,
    user: User | None = None,
    known: Known | None = None,
) -> tuple[Case, Outcome]:
    """The case for a validated referral, and what was done with it.

    The referral goes to its team (which must be in `region_id`) or else to `default_team_id`;
    `user` is who brought it in (None through the API); `known` is what an import looked up for
    all its referrals at once."""
    team_id = _team(data.get("team_id"), region_id, default_team_id)
    refusals = victim_refusals(data["victims"])
    if refusals:
        raise refusals[0]
    offender, sentence = data["offender"], data["sentence"]
    # Locked before the case's people are read, so two referrals cannot both find a victim
    # missing and both add them. A new offender has no row to lock: the unique CRN lets only
    # one of two referrals open the case, and the other is asked to send it again.
    if known is not None:
        existing = known.offenders.get(offender["crn"].upper())
    else:
        existing = case_queries.lock_offender_by_crn(offender["crn"])
    if existing is not None:
        try:
            cases.check_identity(existing, offender["last_name"], offender.get("date_of_birth"))
        except Refused as refused:
            raise Refused(refused.message, "/offender/crn") from None
        if known is not None:
            case = known.open_cases.get(existing.id)
        else:
            case = case_queries.open_case_for_offender(existing.id, region_id)
        if case is not None and case.team_id == team_id:
            differences = dates_differences(case, sentence.get("dates") or {})
            if differences:
                raise DatesDiffer(case.id, differences)
            _add_new_victims(case, data["victims"], user, known.names[case.id] if known is not None else None)
            return case, Outcome.ADDED
        if case is not None:
            _pass_on(case, user)
            return case, Outcome.PASSED_ON
    try:
        case = open_case(
            offender=cases.OffenderDetails(
                crn=offender["crn"],
                prison_number=offender.get("prison_number"),
                first_name=offender["first_name"],
                last_name=offender["last_name"],
                date_of_birth=offender.get("date_of_birth"),
                current_location=None,
            ),
            sentence=cases.SentenceDetails(
                offence=sentence["offence"],
                offence_category=sentence["offence_category"],
                sentence_type=sentence["sentence_type"],
                length_months=sentence.get("length_months"),
                sentence_date=sentence["sentence_date"],
                court=sentence.get("court"),
                dates=sentence.get("dates") or {},
            ),
            referral_received_on=data["received_on"],
            team_id=team_id,
            region_id=region_id,
            victims=[_person(victim) for victim in data["victims"]],
            user=user,
            known_offender=existing if known is not None else cases.NOT_LOOKED_UP,
        )
    except Refused as refused:
        raise Refused(refused.message, _POINTERS.get(refused.field or "", "/sentence")) from None
    return case, Outcome.OPENED


class DatesDiffer(Refused):
    """A repeated referral for the team's open case gives release dates other than the case's.
    Dates change through a release-date change event (which recomputes every deadline and keeps
    its source), never silently through a referral; `differences` are the referral's pointers
    with what the case holds."""

    def __init__(self, case_id: int, differences: list[Problem]):
        super().__init__(
            "The case for this CRN already holds other release dates: record a release-date change "
            "with the new dates instead of referring the case again",
            "/sentence/dates",
        )
        self.case_id = case_id
        self.differences = differences


def dates_differences(case: Case, dates: dict) -> list[Problem]:
    """The referral's release dates that differ from those the case holds (a date the referral
    leaves out is not a difference), at their pointers."""
    held = case.sentence
    return [
        Problem(
            f"/sentence/dates/{name}",
            f"differs from the date the case holds ({held_value.isoformat() if held_value else 'none'})",
        )
        for name in SENTENCE_DATE_FIELDS
        if name in dates and dates[name] != (held_value := getattr(held, name))
    ]


def repeated_dates_problem(data: dict, known: Known) -> str | None:
    """Why a validated referral for the team's open case (has_open_case_in_team) cannot be
    received: the release dates it gives differ from the case's (the import's preview says so
    before anything is imported)."""
    offender = known.offenders.get(data["offender"]["crn"].upper())
    case = known.open_cases.get(offender.id) if offender is not None else None
    if case is None:
        return None
    # Only the dates given well: a row with a wrong date already says so.
    given = ((data.get("sentence") or {}).get("dates")) or {}
    differences = dates_differences(case, {name: day for name, day in given.items() if day is not None})
    if not differences:
        return None
    names = ", ".join(problem.pointer.rsplit("/", 1)[-1] for problem in differences)
    return (
        f"The open case for this CRN holds other release dates ({names}): record a release-date "
        "change on the case instead, or give the dates it holds"
    )


def _pass_on(case: Case, user: User | None) -> None:
    """Another team holds the offender's case: it is given a task to check the referral. Nothing
    of the referral is added to the case, and the task names no victim."""
    work.open_work(case, REFERRAL_PASSED_ON, clock.today(), to_queue=True)
    audit.record(
        "referral_passed_on",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"from_team_id": user.team_id if user is not None else None},
        user=user,
    )


def _add_new_victims(
    case: Case, victims: list[dict], user: User | None, names: set[tuple[str, str]] | None = None
) -> None:
    known = names
    if known is None:
        known = {
            (first.casefold(), last.casefold())
            for first, last in db.session.execute(
                select(Person.first_name, Person.last_name).where(Person.case_id == case.id)
            )
        }
    for victim in victims:
        if (victim["first_name"].casefold(), victim["last_name"].casefold()) not in known:
            details, preferences = _person(victim)
            people.add_person(case, details, user, preferences, new_case=True)


@dataclass(frozen=True)
class Received:
    referrals: int
    cases_opened: int
    cases_found: int
    passed_on: int = 0


class ReferralRefused(Refused):
    """One referral of several could not be received: which one (its index), and why."""

    def __init__(self, index: int, refused: Refused):
        super().__init__(refused.message, refused.field)
        self.index = index


def receive_all(
    referrals: list[dict], user: User, *, rows: int, progress: Callable[[int], None] | None = None
) -> Received:
    """Every referral of an import into the user's team, or ReferralRefused for the first that
    cannot be (the caller rolls back, so nothing is half done). Recorded as one import of `rows`
    rows. `progress` is told how many referrals are done as it goes."""
    if user.team_id is None:
        raise Refused("Only a member of a team can import referrals")
    outcomes = []
    known = Known.look_up([data["offender"]["crn"].upper() for data in referrals], user.region_id)
    # One calendar and one rule set for the whole import; its events written with each flush.
    with work_queries.settings_fixed(), audit.batched():
        for index, data in enumerate(referrals):
            try:
                _case, outcome = receive(
                    data, region_id=user.region_id, default_team_id=user.team_id, user=user, known=known
                )
            except Refused as refused:
                raise ReferralRefused(index, refused) from None
            outcomes.append(outcome)
            if progress is not None:
                progress(index + 1)
    result = Received(
        len(referrals),
        outcomes.count(Outcome.OPENED),
        outcomes.count(Outcome.ADDED),
        outcomes.count(Outcome.PASSED_ON),
    )
    audit.record(
        "referrals_imported",
        "referral_import",
        None,
        region_id=user.region_id,
        details={
            "rows": rows,
            "referrals": result.referrals,
            "cases_opened": result.cases_opened,
            "cases_found": result.cases_found,
            "passed_on": result.passed_on,
        },
        user=user,
    )
    return result


# -- offender events through the API -----------------------------------------------------------------


def case_event(case: Case, event: dict) -> cases.CaseEvent:
    """A validated event (victims.intake.definitions.EVENT) for a case; the unit learned of it
    today unless it says otherwise."""
    return cases.CaseEvent(
        case,
        work.EventDetails(
            OffenderEvent(event["kind"]),
            event["occurred_on"],
            event.get("learned_on") or clock.today(),
            event.get("notes"),
        ),
        event.get("dates"),
        event.get("source"),
    )


def event_problems(item: cases.CaseEvent, prefix: str = "") -> list[Problem]:
    """Every reason a validated event cannot be recorded, at its pointer under `prefix`."""
    with work_queries.settings_fixed():
        return [
            Problem(f"{prefix}/{refused.field or 'kind'}", refused.message)
            for refused in cases.case_event_problems(item)
        ]


def check_events(events: list[dict], region_id: int) -> tuple[list[cases.CaseEvent], list[Problem]]:
    """A validated bulk of events (BULK_EVENTS' items) found on their cases, and every reason any
    cannot be recorded, by index and field. Each CRN must have an open case in the region
    (another region's is not said to exist); a case may have one release-date change per request.
    A fixed number of queries however many events."""
    found = case_queries.open_cases_by_crn([event["crn"] for event in events], region_id)
    items: list[cases.CaseEvent] = []
    problems: list[Problem] = []
    date_changes: dict[int, int] = {}
    with work_queries.settings_fixed():
        for index, event in enumerate(events):
            case = found.get(event["crn"])
            if case is None:
                problems.append(Problem(f"/events/{index}/crn", "has no open case in this client's region"))
                continue
            item = case_event(case, event)
            if item.details.kind is OffenderEvent.RELEASE_DATE_CHANGE:
                first = date_changes.setdefault(case.id, index)
                if first != index:
                    problems.append(
                        Problem(
                            f"/events/{index}/crn",
                            f"has another release-date change in this request (/events/{first}): "
                            "send one, with every new date",
                        )
                    )
                    continue
            problems += event_problems(item, f"/events/{index}")
            items.append(item)
    return items, problems


def receive_events(items: list[cases.CaseEvent], source: str) -> list[OffenderEventRecord]:
    """Record checked events (check_events), all of them or, refused, none (the caller rolls
    back): one calendar and rule set for all, and their audit events written together."""
    with work_queries.settings_fixed(), audit.batched():
        records = cases.record_case_events(items, None, source)
        db.session.flush()
    return records
