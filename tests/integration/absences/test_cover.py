"""Absence and cover on a real database: an absence recorded by the team's SPO moves the VLO's
open tasks to the cover (a map only to a cover who maps, else the queue), new tasks for their
cases follow, and everything still covered comes back on return, except a task an SPO gave to
someone else meanwhile."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from victims.absences import services as absences
from victims.absences.services import AbsenceDetails
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.cover import AbsenceKind
from victims.domain.vocabulary import Role, Skill
from victims.domain.work import TaskStatus
from victims.refusals import Refused
from victims.staff.models import Absence
from victims.work import services as work
from victims.work.models import CaseDeadline, Task

TODAY = date(2026, 11, 25)  # the frozen clock's day


@pytest.fixture()
def team(make, frozen_clock):
    team = make.team()
    return {
        "team": team,
        "spo": make.user(Role.SPO, team=team),
        "away": make.user(Role.VLO, team=team, name="Ada Away", skills=(Skill.MAPPING,)),
        "cover": make.user(Role.VLO, team=team, name="Cy Cover"),
        "mapper": make.user(Role.VLO, team=team, name="Max Mapper", skills=(Skill.MAPPING,)),
    }


def _case(make, database, vlo, **sentence):
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), **sentence)
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    return case


def _open_tasks(database, **where) -> list[Task]:
    database.session.expire_all()
    statement = select(Task).where(Task.status == TaskStatus.OPEN).order_by(Task.id)
    for name, value in where.items():
        statement = statement.where(getattr(Task, name) == value)
    return list(database.session.scalars(statement))


def _details(team, starts_on=TODAY, ends_on=None, cover="cover", kind=AbsenceKind.LEAVE):
    return AbsenceDetails(team["away"].id, kind, starts_on, ends_on, team[cover].id if cover else None)


def _due(database, task: Task) -> date:
    return database.session.get(CaseDeadline, task.deadline_id).due_on


def test_an_absence_from_today_moves_the_tasks_due_while_away_to_the_cover_at_once(make, database, team):
    case = _case(make, database, team["away"])
    until = TODAY + timedelta(days=4 + 7)  # a week past the last day
    everything = _open_tasks(database, assigned_to_id=team["away"].id)
    theirs = [t for t in everything if _due(database, t) <= until]
    later = [t for t in everything if _due(database, t) > until]
    assert theirs and later, "the case opened with tasks due soon and later"
    absences.record(_details(team, ends_on=TODAY + timedelta(days=4)), team["spo"])
    # Work due after they are back stays with them.
    assert [t.id for t in _open_tasks(database, assigned_to_id=team["away"].id)] == [t.id for t in later]
    moved = _open_tasks(database, covering_for_id=team["away"].id)
    assert [t.id for t in moved] == [t.id for t in theirs]
    assert {t.assigned_to_id for t in moved} == {team["cover"].id}
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "absence_cover_started")
    ).one()
    assert event.details == {
        "user_id": team["away"].id,
        "cover_user_id": team["cover"].id,
        "tasks": len(theirs),
        "to_queue": 0,
    }
    assert case.id  # the case stays the absent VLO's: only the tasks move


def test_a_map_goes_to_the_queue_when_the_cover_cannot_map(make, database, team):
    case = _case(make, database, team["away"])
    map_row = work.open_map_task(case, TODAY)
    map_task = database.session.scalars(select(Task).where(Task.deadline_id == map_row.id)).one()
    assert map_task.assigned_to_id == team["away"].id  # Ada maps
    absences.record(_details(team), team["spo"])
    database.session.expire_all()
    map_task = database.session.get(Task, map_task.id)
    assert (map_task.assigned_to_id, map_task.covering_for_id) == (None, team["away"].id)
    others = [t for t in _open_tasks(database, covering_for_id=team["away"].id) if t.id != map_task.id]
    assert others and {t.assigned_to_id for t in others} == {team["cover"].id}


def test_a_map_goes_to_a_cover_who_maps(make, database, team):
    case = _case(make, database, team["away"])
    map_row = work.open_map_task(case, TODAY)
    absences.record(_details(team, cover="mapper"), team["spo"])
    database.session.expire_all()
    map_task = database.session.scalars(select(Task).where(Task.deadline_id == map_row.id)).one()
    assert map_task.assigned_to_id == team["mapper"].id


def test_with_no_cover_named_the_work_goes_to_the_team_queue(make, database, team):
    _case(make, database, team["away"])
    absences.record(_details(team, cover=None, kind=AbsenceKind.SICKNESS), team["spo"])
    moved = _open_tasks(database, covering_for_id=team["away"].id)
    assert moved and {t.assigned_to_id for t in moved} == {None}


def test_a_new_task_for_their_case_during_the_absence_goes_to_the_cover(make, database, team):
    case = _case(make, database, team["away"])
    absences.record(_details(team), team["spo"])
    record = work.record_event(case, "recall", TODAY, None, team["spo"])
    [task] = _open_tasks(database, event_id=record.id)
    assert (task.assigned_to_id, task.covering_for_id) == (team["cover"].id, team["away"].id)
    map_row = work.open_map_task(case, TODAY)  # the cover cannot map: the queue, still Ada's
    map_task = database.session.scalars(select(Task).where(Task.deadline_id == map_row.id)).one()
    assert (map_task.assigned_to_id, map_task.covering_for_id) == (None, team["away"].id)


def test_a_planned_absence_moves_nothing_until_its_first_day(make, database, team):
    _case(make, database, team["away"])
    absence = absences.record(_details(team, starts_on=TODAY + timedelta(days=7)), team["spo"])
    assert _open_tasks(database, covering_for_id=team["away"].id) == []
    assert absences.sweep(TODAY) == ([], [])
    assert absences.sweep(TODAY + timedelta(days=7)) == ([absence.id], [])


def test_on_return_the_work_comes_back_except_what_an_spo_gave_to_someone_else(
    make, database, team, frozen_clock
):
    _case(make, database, team["away"])
    _case(make, database, team["away"])
    kept = {t.id for t in _open_tasks(database, assigned_to_id=team["away"].id)}
    absence = absences.record(_details(team, ends_on=TODAY + timedelta(days=2)), team["spo"])
    moved = _open_tasks(database, covering_for_id=team["away"].id)
    kept -= {t.id for t in moved}  # due after the return: never moved
    given = moved[0]
    work.assign(given, team["mapper"], team["spo"])  # an SPO gives one to someone else meanwhile
    assert given.covering_for_id is None  # theirs now: not cover any more
    frozen_clock.set(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))  # the day after the last day
    assert absences.sweep(date(2026, 11, 28)) == ([], [absence.id])
    assert absences.catch_up(absence.id, date(2026, 11, 28)) == (0, len(moved) - 1)
    database.session.expire_all()
    back = {t.id for t in _open_tasks(database, assigned_to_id=team["away"].id)}
    assert back == {t.id for t in moved[1:]} | kept
    assert database.session.get(Task, given.id).assigned_to_id == team["mapper"].id
    assert _open_tasks(database, covering_for_id=team["away"].id) == []
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "absence_cover_ended")
    ).one()
    assert event.details == {"user_id": team["away"].id, "tasks_back": len(moved) - 1, "tasks_stayed": 0}
    assert absences.catch_up(absence.id, date(2026, 11, 28)) == (0, 0)  # once only


def test_recording_the_return_brings_the_work_back_at_once(make, database, team, frozen_clock):
    _case(make, database, team["away"])
    frozen_clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    absence = absences.record(_details(team, starts_on=date(2026, 11, 23)), team["spo"])
    moved = _open_tasks(database, covering_for_id=team["away"].id)
    frozen_clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    absences.record_return(absence, team["spo"])
    database.session.expire_all()
    absence = database.session.get(Absence, absence.id)
    assert absence.ends_on == date(2026, 11, 24) and absence.returned_at is not None
    assert {t.id for t in _open_tasks(database, assigned_to_id=team["away"].id)} == {t.id for t in moved}


def test_cancelling_a_running_absence_brings_the_work_back(make, database, team):
    _case(make, database, team["away"])
    absence = absences.record(_details(team), team["spo"])
    assert _open_tasks(database, covering_for_id=team["away"].id)
    absences.cancel(absence, team["spo"])
    assert _open_tasks(database, covering_for_id=team["away"].id) == []
    assert _open_tasks(database, assigned_to_id=team["away"].id)
    assert database.session.get(Absence, absence.id).cancelled_at is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"cover": "away"}, "cover", "Choose someone other than the person who is away to cover"),
        (
            {"ends_on": TODAY - timedelta(days=1)},
            "ends_on",
            "The last day must be the same as or after the first day",
        ),
    ],
)
def test_refusals(make, database, team, change, field, message):
    with pytest.raises(Refused) as refused:
        absences.record(_details(team, **change), team["spo"])
    assert (refused.value.field, refused.value.message) == (field, message)


def test_a_cover_who_is_away_and_an_overlapping_absence_are_refused(make, database, team):
    cover_away = AbsenceDetails(team["cover"].id, AbsenceKind.LEAVE, TODAY + timedelta(days=3), None, None)
    absences.record(cover_away, team["spo"])
    with pytest.raises(Refused) as refused:
        absences.record(_details(team, ends_on=TODAY + timedelta(days=5)), team["spo"])
    assert refused.value.field == "cover"
    absences.record(_details(team, ends_on=TODAY + timedelta(days=2)), team["spo"])  # before then: fine
    with pytest.raises(Refused) as refused:
        absences.record(_details(team, starts_on=TODAY + timedelta(days=2), cover="mapper"), team["spo"])
    assert refused.value.field == "starts_on"


def test_only_the_teams_spo_records_for_a_vlo_of_their_team(make, database, team):
    other_spo = make.user(Role.SPO)
    with pytest.raises(Refused):
        absences.record(_details(team), other_spo)
    with pytest.raises(Refused):
        absences.record(_details(team), team["cover"])  # a VLO
    stranger = make.user(Role.VLO)
    with pytest.raises(Refused) as refused:
        absences.record(
            AbsenceDetails(team["away"].id, AbsenceKind.LEAVE, TODAY, None, stranger.id), team["spo"]
        )
    assert refused.value.field == "cover"


def test_a_task_moved_another_way_meanwhile_stays_where_it_is_on_return(make, database, team, frozen_clock):
    """The case was reallocated while its VLO was away: its tasks followed the case to its new
    VLO, and they stay there on return (no longer marked as cover)."""
    case = _case(make, database, team["away"])
    absence = absences.record(_details(team, ends_on=TODAY + timedelta(days=1)), team["spo"])
    moved = _open_tasks(database, covering_for_id=team["away"].id)
    case.allocated_vlo_id = team["mapper"].id
    work.reassign_open_tasks(case, team["mapper"])
    frozen_clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert absences.catch_up(absence.id, date(2026, 11, 27)) == (0, 0)
    database.session.expire_all()
    assert {t.assigned_to_id for t in _open_tasks(database, case_id=case.id)} == {team["mapper"].id}
    assert _open_tasks(database, covering_for_id=team["away"].id) == []
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "absence_cover_ended")
    ).one()
    assert event.details["tasks_stayed"] == len(moved)


def test_a_later_last_day_moves_the_work_now_due_while_away(make, database, team):
    _case(make, database, team["away"])
    absences.record(_details(team, ends_on=TODAY + timedelta(days=1)), team["spo"])
    before = len(_open_tasks(database, covering_for_id=team["away"].id))
    left = _open_tasks(database, assigned_to_id=team["away"].id)
    assert left, "work due after the short absence stayed with them"
    absence = database.session.scalars(select(Absence)).one()
    absences.change_end(absence, max(_due(database, t) for t in left), team["spo"])
    assert _open_tasks(database, assigned_to_id=team["away"].id) == []
    assert len(_open_tasks(database, covering_for_id=team["away"].id)) == before + len(left)
