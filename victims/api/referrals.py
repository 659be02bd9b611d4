"""Turning a validated referral into a case: the same intake as the web form.

Used by the API (no user: the case waits in the team's queue) and by the CSV import
(the SPO who imported it)."""

from __future__ import annotations

from sqlalchemy import select

from victims.cases import services as cases
from victims.cases.models import Case
from victims.cases.queries import find_offender_by_crn, open_case_for_offender
from victims.extensions import db
from victims.people import services as people
from victims.people.models import Person
from victims.staff.models import Team, User


class ReferralRefused(Exception):
    def __init__(self, pointer: str, detail: str):
        super().__init__(detail)
        self.pointer, self.detail = pointer, detail


def _person(victim: dict) -> tuple[people.PersonDetails, people.Preferences]:
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


def victim_refusals(victims: list[dict]) -> list[ReferralRefused]:
    """Every reason the victims of a validated referral cannot be recorded as given."""
    refusals = []
    for index, victim in enumerate(victims):
        _details, prefs = _person(victim)
        if prefs.channel == "post" and not victim.get("address"):
            refusals.append(
                ReferralRefused(f"/victims/{index}/address", "is required to contact this victim by post")
            )
        if prefs.channel == "email" and not victim.get("email"):
            refusals.append(
                ReferralRefused(f"/victims/{index}/email", "is required to contact this victim by email")
            )
    return refusals


def _check_victims(victims: list[dict]) -> None:
    refusals = victim_refusals(victims)
    if refusals:
        raise refusals[0]


def _team(team_id: int | None, region_id: int, default_team_id: int | None) -> int:
    chosen = team_id or default_team_id
    if chosen is None:
        raise ReferralRefused("/team_id", "is required: this client has no Victim Contact Unit of its own")
    team = db.session.get(Team, chosen)
    if team is None or team.region_id != region_id:
        raise ReferralRefused("/team_id", "must be a Victim Contact Unit in this client's region")
    return team.id


def receive(
    data: dict, *, region_id: int, default_team_id: int | None, user: User | None = None
) -> tuple[Case, bool]:
    """The case for a referral, and whether it was opened now (False: an open case was found,
    and only victims it did not have yet were added).

    The case goes to the referral's team (which must be in `region_id`) or else to
    `default_team_id`; `user` is who brought it in (None through the API)."""
    team_id = _team(data.get("team_id"), region_id, default_team_id)
    _check_victims(data["victims"])
    offender, sentence = data["offender"], data["sentence"]
    existing = find_offender_by_crn(offender["crn"])
    if existing is not None:
        case = open_case_for_offender(existing.id, region_id)
        if case is not None:
            _add_new_victims(case, data["victims"], user)
            return case, False
    first, first_preferences = _person(data["victims"][0])
    try:
        case = cases.open_case(
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
            first_person=first,
            first_preferences=first_preferences,
            user=user,
        )
    except cases.ChangeRefused as refused:
        pointer = {"offence_category": "/sentence/offence_category", "crn": "/offender/crn"}.get(
            refused.field or "", "/sentence"
        )
        raise ReferralRefused(pointer, refused.message) from None
    for victim in data["victims"][1:]:
        details, preferences = _person(victim)
        people.add_person(case, details, user, preferences, new_case=True)
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
