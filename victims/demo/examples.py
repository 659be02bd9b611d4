"""Letters and pre-release work in the demo data, made through the services as a VLO and an SPO
would (so they are what the service itself makes)."""

from __future__ import annotations

import json
import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from victims import clock
from victims.cases import services as case_services
from victims.cases.models import Case
from victims.demo import postcodes as demo_postcodes
from victims.demo.staff import STAFF, TEAMS, email_of
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.prerelease import AddressSource, ConditionType, Stage, StepInput
from victims.domain.vocabulary import CaseStatus, Role, Skill
from victims.extensions import db
from victims.letters import sending as letter_sending
from victims.letters import services as letters
from victims.letters.models import Letter
from victims.people.models import Person
from victims.prerelease import release_address
from victims.prerelease import services as prerelease
from victims.prerelease import zones as prerelease_zones
from victims.prerelease.models import ExclusionZone
from victims.refusals import Refused
from victims.staff.models import Team, User, UserSkill

# A zone about 2 km across around Bedford town centre (lon, lat), and a home inside it, away from
# its middle and its edge.
DEMO_ZONE = {
    "type": "Polygon",
    "coordinates": [
        [[-0.4814, 52.1269], [-0.4520, 52.1269], [-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]
    ],
}
DEMO_DESCRIPTION = "Bounded by the ring road to the north and east, and the river to the south."


# A free section with guidance is written as its guidance asks, not left as the template has it
# (the letter check refuses that).
OFFENCE = "You were the victim of a serious offence, and the offender was sentenced to prison for it."


def _writable_victim(case_id: int):
    """An adult victim on the case who asked for letters by post (demo victims vary)."""
    today = date.today()
    for person in db.session.scalars(select(Person).where(Person.case_id == case_id).order_by(Person.id)):
        adult = person.date_of_birth is None or (today.year - person.date_of_birth.year) > 18
        if (
            person.relationship_ == "victim"
            and adult
            and person.contact_level == "key_stages"
            and person.channel == "post"  # the examples' letters go by post
            and not person.contact_lost
            and person.address_line_1
            and person.address_postcode
        ):
            return person
    return None


def _contact_lost_and_regained(case: Case, person: Person, vlo: User, note) -> None:
    """An initial-contact letter sent and returned (contact lost, initial contact open again),
    then the victim reached by telephone: contact regained, and that call meets initial contact."""
    letter = letters.start_draft(case, person, LetterType.INITIAL_CONTACT, vlo)
    texts = {
        s.key: OFFENCE if s.guidance else note.sub("You were the victim of a serious offence.", s.body)
        for s in letter.sections
        if not s.locked
    }
    letters.save_draft(letter, texts, large_print=letter.large_print, channel="post", user=vlo)
    letters.approve(letter, vlo)
    db.session.commit()
    letter_sending.send(letter.id)
    letter = db.session.get(Letter, letter.id)
    if letter.status != LetterStatus.SENT:
        return
    letter_sending.record_returned(letter, vlo)
    db.session.commit()
    case_services.add_contact(
        db.session.scalars(select(Case).where(Case.id == case.id).options(selectinload(Case.people))).one(),
        occurred_at=clock.utcnow(),
        method="telephone",
        direction="outbound",
        outcome="made",
        summary="Reached her by telephone: she has moved, and will send her new address in writing.",
        person_id=person.id,
        user=vlo,
    )
    db.session.commit()


def add_examples(echo) -> None:
    """In each team, on the first VLO's first cases: a letter sent, pre-release contact, requests at
    several stages, and (in Bedford) an exclusion-zone map waiting for the SPO to countersign."""
    note = re.compile(r"\[[^\[\]\n]{2,}\]")
    for index, team_name in enumerate(TEAMS):
        team = db.session.scalar(select(Team).where(Team.name == team_name))
        vlo_name = next(
            first for role, first, team_index, _ in STAFF if role == Role.VLO and team_index == index
        )
        vlo = db.session.scalar(select(User).where(User.email == email_of(Role.VLO, vlo_name)))
        spo = db.session.scalar(select(User).where(User.team_id == team.id, User.role == Role.SPO.value))
        mapper = db.session.scalar(
            select(User)
            .join(UserSkill)
            .where(
                User.team_id == team.id, User.role == Role.VLO.value, UserSkill.skill == Skill.MAPPING.value
            )
        )
        cases = db.session.scalars(
            select(Case)
            .where(Case.allocated_vlo_id == vlo.id, Case.status == CaseStatus.OPEN)
            .order_by(Case.id)
            .limit(12)
        ).all()
        usable = [(case, person) for case in cases if (person := _writable_victim(case.id)) is not None][:3]
        try:
            if usable:
                case, person = usable[0]
                letter = letters.start_draft(case, person, LetterType.INITIAL_CONTACT, vlo)
                texts = {
                    s.key: OFFENCE
                    if s.guidance
                    else note.sub("You were the victim of a serious offence.", s.body)
                    for s in letter.sections
                    if not s.locked
                }
                letters.save_draft(letter, texts, large_print=letter.large_print, channel="post", user=vlo)
                letters.approve(letter, vlo)
                db.session.commit()
                letter_sending.send(letter.id)
            if len(usable) > 1:
                case, person = usable[1]
                prerelease.record_contact(
                    case,
                    person,
                    contacted_on=date.today(),
                    method="telephone",
                    said="Worried about meeting him in town after release.",
                    concerns="Her route to work",
                    wants_conditions=True,
                    user=vlo,
                )
                request = prerelease.add_request(
                    case, person, ConditionType.NO_CONTACT_VICTIM, "I never want him to contact me.", vlo
                )
                prerelease.step(request, Stage.DRAFTED, StepInput(wording="Not to contact the victim."), vlo)
                prerelease.step(request, Stage.CHECKED, StepInput(), spo)
                if index == 0 and mapper is not None:
                    zone_request = prerelease.add_request(
                        case, person, ConditionType.EXCLUSION_ZONE, "Keep him out of the town centre.", vlo
                    )
                    zone = db.session.get(ExclusionZone, zone_request.zone_id)
                    prerelease_zones.save_zone(
                        zone,
                        prerelease_zones.ZoneForm(
                            title="Bedford town centre",
                            zone=json.dumps(DEMO_ZONE),
                            description=DEMO_DESCRIPTION,
                            points={"home": demo_postcodes.VICTIM_HOME},
                        ),
                        mapper,
                    )
                    # The offender's proposed release address, as nDelius sends it: in Kempston,
                    # outside the zone, so the map passes its checks against it.
                    release_address.record(
                        case,
                        "14 Bedford Road",
                        demo_postcodes.RELEASE_ADDRESS,
                        date.today(),
                        AddressSource.API,
                        None,
                    )
                    prerelease_zones.submit_zone(zone, mapper)
            db.session.commit()
        except Refused as refused:
            db.session.rollback()
            echo(f"Demo example skipped in {team_name}: {refused}")
        # A victim written to by post on a case the examples above leave alone.
        by_post = [
            (case, person)
            for case in cases[len(usable) :]
            if (person := _writable_victim(case.id)) is not None and person.channel == "post"
        ]
        if index == 0 and by_post:
            try:
                _contact_lost_and_regained(*by_post[0], vlo, note)
            except Refused as refused:
                db.session.rollback()
                echo(f"Demo example of contact lost and regained skipped: {refused}")
