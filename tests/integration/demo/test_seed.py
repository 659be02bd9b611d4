"""`flask seed demo` at real scale (issue 14, item 9), on an empty migrated database of each kind:
caseloads in the 250–350 band (two above, the part-time VLO below), each team's queue, the
stages in a realistic mix (few due for closure), the workforce's training, reductions, leave and
recorded time; run again it only prints the sign-in details; it refuses production."""

from __future__ import annotations

from collections import Counter
from datetime import date

import click
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from victims import clock
from victims.cases.models import Case, CaseNeedRecord
from victims.demo import data
from victims.demo.data import load_demo
from victims.demo.staff import STAFF, email_of
from victims.domain.needs import Course, Need
from victims.domain.vocabulary import CaseStatus, Role
from victims.domain.workload import Band, Stage
from victims.extensions import db
from victims.staff.models import Absence, Reduction, Team, TrainingRecord, User
from victims.work.models import Task
from victims.workforce import queries as workforce
from victims.workforce.models import TimeRecord


def _load(app) -> list[str]:
    lines: list[str] = []
    load_demo(echo=lines.append)
    return lines


def test_the_demo_holds_real_caseloads_and_a_second_run_only_prints(migrated_app):
    upgrade()
    today = clock.today()
    lines = _load(migrated_app)
    assert "Demo data loaded." in lines

    # One line per VLO after the sign-in details: their name and open cases.
    held = lines[lines.index("Open cases held (VLO cases):") + 1 :]
    vlos = [first for role, first, _team, _skills in STAFF if role == Role.VLO]
    assert len(held) == len(vlos)
    counts = {line.split()[0]: int(line.split()[-1]) for line in held}
    assert set(counts) == set(vlos)
    bands = Counter("below" if n < 250 else "above" if n > 350 else "within" for n in counts.values())
    assert bands == {"within": 5, "above": 2, "below": 1}
    assert counts["Grace"] < 250
    assert all(260 <= n <= 340 for name, n in counts.items() if name not in ("Ben", "Farid", "Grace"))

    grace = db.session.scalars(select(User).where(User.email == email_of(Role.VLO, "Grace"))).one()
    assert grace.contracted_hours < 37
    phased = db.session.scalars(select(Reduction).where(Reduction.user_id == grace.id)).one()
    assert phased.starts_on <= today <= phased.ends_on

    stages: Counter[Stage] = Counter()
    for team in db.session.scalars(select(Team)):
        facts = workforce.facts_for_team(team.id, today)
        queue = [f for f in facts.values() if f.allocated_vlo_id is None]
        assert len(queue) >= 10
        queue_needs = Counter(need for f in queue for need in f.needs)
        assert queue_needs[Need.MAPPING] >= 1 and queue_needs[Need.DOMESTIC_ABUSE] >= 1
        assert any({Need.WELSH, Need.CHILD_VICTIMS} <= f.needs for f in queue)
        stages.update(f.load.stage for f in facts.values() if f.allocated_vlo_id is not None)
        workloads = workforce.team_workloads(team.id, today)
        assert {w.workload.band for w in workloads} >= {Band.WITHIN}
    total = sum(stages.values())
    assert set(stages) == set(Stage)  # every stage present
    assert stages[Stage.CUSTODY] + stages[Stage.CUSTODY_NEAR] > total * 0.5  # most in custody
    assert stages[Stage.PRE_RELEASE] > total * 0.07 and stages[Stage.LICENCE] > total * 0.12
    assert stages[Stage.PAROLE] > total * 0.02
    assert stages[Stage.CLOSURE_DUE] < total * 0.05  # few due for closure

    # Workforce: the five courses, some expired, one VLO without safeguarding children.
    records = db.session.scalars(select(TrainingRecord)).all()
    assert {record.course for record in records} == set(Course)
    assert any(record.expires_on is not None and record.expires_on < today for record in records)
    assert any(
        record.expires_on is not None and 0 <= (record.expires_on - today).days <= 60 for record in records
    )
    vlo_ids = {u.id for u in db.session.scalars(select(User).where(User.role == Role.VLO.value))}
    without = vlo_ids - {r.user_id for r in records if r.course == Course.SAFEGUARDING_CHILDREN}
    assert len(without) == 1
    leave = db.session.scalars(select(Absence)).one()
    assert leave.starts_on <= today <= leave.ends_on
    assert leave.cover_user_id in vlo_ids and leave.covered_at is not None
    # Recorded through the absence service: the one on leave has handed her open tasks to her cover.
    covered = db.session.scalars(select(Task).where(Task.covering_for_id == leave.user_id)).all()
    assert covered and all(task.assigned_to_id in (leave.cover_user_id, None) for task in covered)
    times = db.session.scalars(select(TimeRecord)).all()
    assert 200 <= len(times) <= 1000
    assert all((today - record.worked_on).days < 90 for record in times)
    needs = db.session.scalars(select(CaseNeedRecord)).all()
    assert sorted(n.need for n in needs) == sorted([Need.INTERPRETER, Need.HIGH_PROFILE])
    assert all(n.reason for n in needs)

    # Idempotent: the second run only prints the sign-in details (and the caseloads).
    cases = db.session.scalar(select(func.count(Case.id)))
    again = _load(migrated_app)
    assert "Demo data is already loaded." in again and "Demo data loaded." not in again
    assert db.session.scalar(select(func.count(Case.id))) == cases
    assert again[again.index("Open cases held (VLO cases):") + 1 :] == held
    open_cases = db.session.scalar(select(func.count(Case.id)).where(Case.status == CaseStatus.OPEN))
    assert open_cases > 2000


def test_the_demo_refuses_the_production_configuration(migrated_app):
    upgrade()
    migrated_app.config["ENV_NAME"] = "production"
    with pytest.raises(click.ClickException, match="production"):
        load_demo(echo=lambda line: None)
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_stage_mix_does_not_depend_on_the_day(migrated_app, monkeypatch):
    """Dates are counted from today: loaded on another day, the demo has the same few cases due
    for closure (not a pile of old sentences that ended)."""
    upgrade()
    monkeypatch.setattr(clock, "today", lambda: date(2029, 6, 15))
    # Only the background caseload matters here: a small one, without the hand-made examples.
    monkeypatch.setattr(data, "add_examples", lambda echo: None)
    monkeypatch.setattr(data, "add_event_examples", lambda echo: None)
    monkeypatch.setattr(data, "add_lifecycle_examples", lambda echo: None)
    monkeypatch.setattr(data, "add_workforce", lambda echo: None)
    load_demo(cases_per_vlo=60, echo=lambda line: None)
    stages: Counter[Stage] = Counter()
    for team in db.session.scalars(select(Team)):
        facts = workforce.facts_for_team(team.id, date(2029, 6, 15))
        stages.update(f.load.stage for f in facts.values() if f.allocated_vlo_id is not None)
    total = sum(stages.values())
    assert total == 8 * 60
    assert stages[Stage.CLOSURE_DUE] < total * 0.06
    assert stages[Stage.CUSTODY] > total * 0.3
