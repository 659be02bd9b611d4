"""Test data with sensible defaults; every argument can be overridden."""

from __future__ import annotations

import itertools
from datetime import date

import pyotp
from sqlalchemy import select

from victims.auth.services import hash_password
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence
from victims.domain.vocabulary import Role
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Region, Team, User, UserSkill

PASSWORD = "a-long-test-passphrase"
_numbers = itertools.count(100001)
_password_hash: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _password_hash:
        _password_hash[password] = hash_password(password)
    return _password_hash[password]


class Factory:
    def __init__(self, session):
        self.session = session

    def _add(self, record):
        self.session.add(record)
        self.session.flush()
        return record

    def region(self, code: str = "east_of_england") -> Region:
        return self.session.scalar(select(Region).where(Region.code == code))

    def team(self, region: Region | None = None, name: str | None = None) -> Team:
        region = region or self.region()
        return self._add(
            Team(
                region_id=region.id,
                name=name or f"Team {next(_numbers)}",
                postal_address="PO Box 1234\nBedford\nMK40 1AA",
                telephone="0300 123 4567",
            )
        )

    def user(
        self,
        role: Role = Role.VLO,
        team: Team | None = None,
        region: Region | None = None,
        *,
        email: str | None = None,
        name: str | None = None,
        enrolled: bool = True,
        active: bool = True,
        skills: tuple = (),
        national: bool = False,
    ) -> User:
        if team is None and role in (Role.VLO, Role.SPO):
            team = self.team(region)
        region_id = team.region_id if team else (region or self.region()).id
        number = next(_numbers)
        user = User(
            email=email or f"{role.value}{number}@probation.example",
            name=name or f"{role.label} {number}",
            role=role.value,
            region_id=region_id,
            team_id=team.id if team else None,
            password_hash=_hash(PASSWORD),
            totp_secret=pyotp.random_base32() if enrolled else None,
            totp_confirmed=enrolled,
            active=active,
            national=national,
        )
        user.skills = [UserSkill(skill=skill) for skill in skills]
        return self._add(user)

    def case(
        self,
        team: Team | None = None,
        vlo: User | None = None,
        *,
        offender_last_name: str | None = None,
        crn: str | None = None,
        victims: int = 1,
        status: str = "open",
        **sentence_fields,
    ) -> Case:
        team = team or (self.session.get(Team, vlo.team_id) if vlo else self.team())
        number = next(_numbers)
        offender = self._add(
            Offender(
                crn=crn or f"T{number}",
                prison_number=f"A{number % 10000:04d}BC",
                first_name="John",
                last_name=offender_last_name or f"Offender{number}",
                date_of_birth=date(1980, 1, 1),
                current_location="HMP Testshire",
            )
        )
        fields = {
            "offence": "Wounding with intent",
            "offence_category": "violent",
            "sentence_type": "determinate",
            "length_months": 48,
            "sentence_date": date(2024, 3, 1),
            "crd": date(2026, 2, 1),
            "led": date(2028, 3, 1),
            "sed": date(2028, 3, 1),
        }
        fields.update(sentence_fields)
        sentence = self._add(Sentence(offender_id=offender.id, **fields))
        case = self._add(
            Case(
                offender_id=offender.id,
                sentence_id=sentence.id,
                region_id=team.region_id,
                team_id=team.id,
                scheme="statutory",
                status=status,
                closed_reason="other" if status == "closed" else None,
                referral_received_on=date(2024, 3, 10),
                allocated_vlo_id=vlo.id if vlo else None,
            )
        )
        for _ in range(victims):
            self.person(case)
        return case

    def person(self, case: Case, **overrides) -> Person:
        number = next(_numbers)
        fields = {
            "relationship_": "victim",
            "first_name": "Jane",
            "last_name": f"Victim{number}",
            "date_of_birth": date(1985, 6, 15),
            "address_line_1": f"{number} Test Street",
            "address_town": "Testbury",
            "address_postcode": "TE1 1ST",
            "telephone": "01632 960 001",
            "email": f"victim{number}@example.com",
            "contact_level": "key_stages",
            "channel": "post",
            "language": "en",
        }
        fields.update(overrides)
        person = self._add(Person(case_id=case.id, **fields))
        vlo_id = case.allocated_vlo_id
        if vlo_id:
            self._add(ContactLevelChange(person_id=person.id, user_id=vlo_id, new_level=person.contact_level))
        return person

    def contact(self, case: Case, user: User, **overrides) -> ContactLogEntry:
        from victims import clock

        fields = {
            "occurred_at": clock.utcnow(),
            "method": "telephone",
            "direction": "outbound",
            "summary": "Explained the scheme.",
        }
        fields.update(overrides)
        return self._add(ContactLogEntry(case_id=case.id, user_id=user.id, **fields))
