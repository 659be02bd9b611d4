"""Intake: one way in for referrals, whether a VLO types one (the New case form), a court or prison
system sends one (the API), or an SPO imports a file of them (the CSV import). Flush, never commit.

- `open_case` opens a case with its first victims (the form, and `receive` below);
- `check` validates a referral as data (the API's and the CSV file's) with every problem;
- `receive` turns a validated referral into a case, or adds new victims to the open case;
- `receive_all` does so for every referral of an import, recorded as one import.

A refusal from `receive` names the field as a JSON pointer into the referral (Refused.field).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from victims.audit import services as audit
from victims.cases import queries as case_queries
from victims.cases import services as cases
from victims.cases.models import Case
from victims.extensions import db
from victims.intake.definitions import REFERRAL, SENTENCE_DATE_FIELDS
from victims.intake.schema import Problem, validate
from victims.people import services as people
from victims.people.models import Person
from victims.refusals import Refused
from victims.staff.models import Team, User

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
) -> Case:
    """Open a case (victims.cases.services.open_case) with its victims, the first first."""
    case = cases.open_case(
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


def has_open_case(crn: str, region_id: int) -> bool:
    offender = case_queries.find_offender_by_crn(crn)
    return offender is not None and case_queries.open_case_for_offender(offender.id, region_id) is not None


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
        if prefs.channel == "post" and not victim.get("address"):
            refusals.append(
                Refused("is required to contact this victim by post", f"/victims/{index}/address")
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


def receive(
    data: dict, *, region_id: int, default_team_id: int | None, user: User | None = None
) -> tuple[Case, bool]:
    """The case for a validated referral, and whether it was opened now (False: an open case was
    found, and only victims it did not have yet were added).

    The case goes to the referral's team (which must be in `region_id`) or else to
    `default_team_id`; `user` is who brought it in (None through the API)."""
    team_id = _team(data.get("team_id"), region_id, default_team_id)
    refusals = victim_refusals(data["victims"])
    if refusals:
        raise refusals[0]
    offender, sentence = data["offender"], data["sentence"]
    existing = case_queries.find_offender_by_crn(offender["crn"])
    if existing is not None:
        case = case_queries.open_case_for_offender(existing.id, region_id)
        if case is not None:
            _add_new_victims(case, data["victims"], user)
            return case, False
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
        )
    except Refused as refused:
        raise Refused(refused.message, _POINTERS.get(refused.field or "", "/sentence")) from None
    return case, True


def _add_new_victims(case: Case, victims: list[dict], user: User | None) -> None:
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


class ReferralRefused(Refused):
    """One referral of several could not be received: which one (its index), and why."""

    def __init__(self, index: int, refused: Refused):
        super().__init__(refused.message, refused.field)
        self.index = index


def receive_all(referrals: list[dict], user: User, *, rows: int) -> Received:
    """Every referral of an import into the user's team, or ReferralRefused for the first that
    cannot be (the caller rolls back, so nothing is half done). Recorded as one import of `rows`
    rows."""
    if user.team_id is None:
        raise Refused("Only a member of a team can import referrals")
    opened = found = 0
    for index, data in enumerate(referrals):
        try:
            _case, created = receive(data, region_id=user.region_id, default_team_id=user.team_id, user=user)
        except Refused as refused:
            raise ReferralRefused(index, refused) from None
        opened, found = (opened + 1, found) if created else (opened, found + 1)
    result = Received(len(referrals), opened, found)
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
        },
        user=user,
    )
    return result
