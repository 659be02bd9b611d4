"""What the pre-release tests share: the day they run on, and a team with a case and its victim."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.vocabulary import Role, Skill
from victims.people.models import Person


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def team(make, database):
    """A VLO, a VLO who can map, an SPO, and a case (with its deadlines) and its victim."""
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    mapper = make.user(Role.VLO, team=unit, name="Mo Mapper", skills=(Skill.MAPPING.value,))
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"vlo": vlo, "mapper": mapper, "spo": spo, "case": case, "victim": victim, "team": unit}
