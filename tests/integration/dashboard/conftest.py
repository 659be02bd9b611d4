"""A team of three VLOs with known cases, for the balance figures, pages and snapshots."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.factories import Factory
from victims.domain.cover import AbsenceKind
from victims.domain.vocabulary import Role
from victims.domain.workload import DEFAULT_WEIGHTS, ReductionKind, Weights
from victims.staff.models import Absence, Reduction
from victims.workforce import services

TODAY = date(2026, 11, 25)  # the frozen clock's day


def small_model(make: Factory) -> None:
    """A target of 100 points, so capacity percentages are easy to check by hand."""
    admin = make.user(Role.ADMIN, national=True)
    data = DEFAULT_WEIGHTS.to_json() | {"target_points": 100}
    assert services.adopt_weights(Weights.from_json(data), "Tests", admin) == 2


def three_vlos(make: Factory, session, region=None) -> dict:
    """Ann (37 h): on licence (6), pre-release with two victims (14 + 2), in custody (4): 3 cases,
    4 victims, 26 points of 100 = 26%. Bob (18.5 h): on licence with a Welsh speaker (6 + 2):
    1 case, 1 victim, 8 points of 50 = 16%. Cat (37 h less 36 h of training): on licence (6):
    1 case, 1 victim, 6 points of 3 = 200%, away on leave with Ann covering. One case nobody holds."""
    team = make.team(region, name="Bedford")
    ann = make.user(Role.VLO, team, name="Ann Full")
    bob = make.user(Role.VLO, team, name="Bob Part")
    cat = make.user(Role.VLO, team, name="Cat Over")
    bob.contracted_hours = Decimal("18.5")
    spo = make.user(Role.SPO, team, name="Sam Senior")
    make.case(vlo=ann)
    make.case(vlo=ann, victims=2, crd=date(2027, 3, 1))
    make.case(vlo=ann, crd=date(2028, 6, 1), led=date(2030, 1, 1), sed=date(2030, 1, 1))
    welsh = make.case(vlo=bob, victims=0)
    make.person(welsh, language="cy")
    make.case(vlo=cat)
    make.case(team=team)
    make.case(vlo=ann, status="closed")  # closed: weighs nothing
    session.add(
        Reduction(user_id=cat.id, kind=ReductionKind.TRAINING, hours=Decimal(36), starts_on=date(2026, 1, 1))
    )
    session.add(
        Absence(
            user_id=cat.id,
            kind=AbsenceKind.LEAVE,
            starts_on=date(2026, 11, 24),
            ends_on=date(2026, 11, 27),
            cover_user_id=ann.id,
            recorded_at=datetime(2026, 11, 1, tzinfo=UTC),
            recorded_by_id=spo.id,
        )
    )
    session.flush()
    return {"team": team, "ann": ann, "bob": bob, "cat": cat, "spo": spo}


@pytest.fixture()
def team(make, database, frozen_clock):
    small_model(make)
    return three_vlos(make, database.session)
