"""A child victim turning 18 (issue 13, item 7): on the 18th birthday the daily sweep opens one
task for the case's VLO (or the team's queue) to write to them directly and ask their
preferences again; from that day their letters go to them, not to their parent or guardian.

The clock is frozen; the demo's child turns 18 on Saturday 5 December 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.helpers import finish, signed_in
from victims.audit.models import AuditEvent
from victims.cases import services as cases
from victims.domain.deadlines import TURNED_18
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.letters import services as letters
from victims.people.models import Person
from victims.work.models import CaseDeadline, Task

BORN = date(2008, 12, 5)
BIRTHDAY = date(2026, 12, 5)
TITLE = "A child victim has turned 18: write to them directly from now on and ask their preferences again"


def _on(frozen_clock, day: date) -> None:
    frozen_clock.set(datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC))


def _family(make, vlo=None, **case_fields):
    case = make.case(vlo=vlo, victims=0, **case_fields)
    child = make.person(case, first_name="Kit", last_name="Young", date_of_birth=BORN)
    guardian = make.person(
        case, relationship_="parent_guardian", first_name="Pat", last_name="Young", acting_for_id=child.id
    )
    return case, child, guardian


def _turned_18_tasks(session, case_id: int) -> list[tuple[Task, CaseDeadline]]:
    session.expire_all()
    return session.execute(
        select(Task, CaseDeadline)
        .join(CaseDeadline, Task.deadline_id == CaseDeadline.id)
        .where(Task.case_id == case_id, CaseDeadline.code == TURNED_18)
    ).all()


def test_the_sweep_opens_one_task_on_the_birthday_and_never_again(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case, child, _guardian = _family(make, vlo=vlo)

    _on(frozen_clock, date(2026, 12, 4))
    assert cases.alert_victims_turning_18(date(2026, 12, 4)) == []
    assert _turned_18_tasks(database.session, case.id) == []

    assert cases.alert_victims_turning_18(BIRTHDAY) == [child.id]
    [(task, deadline)] = _turned_18_tasks(database.session, case.id)
    assert task.title == TITLE and child.first_name not in task.title  # titles are shown outside
    assert task.assigned_to_id == vlo.id
    assert deadline.counted_from == BIRTHDAY
    assert deadline.due_on == date(2026, 12, 18)  # 10 working days after Saturday 5 December
    database.session.refresh(child)
    assert child.turned_18_alerted_on == BIRTHDAY

    # Again the same day, the next day, within the catch-up window: nothing more.
    for day in (BIRTHDAY, date(2026, 12, 6), date(2026, 12, 10)):
        assert cases.alert_victims_turning_18(day) == []
    assert len(_turned_18_tasks(database.session, case.id)) == 1
    events = database.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "child_victim_turned_18", AuditEvent.record_id == child.id
        )
    ).all()
    assert len(events) == 1 and events[0].user_id is None and events[0].details is None


def test_the_task_goes_to_the_team_queue_when_nobody_is_allocated(app, make, database, frozen_clock):
    team = make.team()
    case, _child, _ = _family(make, team=team)
    cases.alert_victims_turning_18(BIRTHDAY)
    [(task, _deadline)] = _turned_18_tasks(database.session, case.id)
    assert task.assigned_to_id is None and task.team_id == team.id


def test_a_missed_birthday_is_caught_up_but_an_adult_recorded_late_is_not(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case, child, _ = _family(make, vlo=vlo)
    long_ago = make.person(case, first_name="Old", date_of_birth=date(2008, 10, 1))  # 18 in October
    not_a_victim = make.person(case, relationship_="bereaved_relative", date_of_birth=BORN)
    closed, closed_child, _ = _family(make, vlo=vlo, status="closed")
    assert cases.alert_victims_turning_18(date(2026, 12, 9)) == [child.id]  # beat stopped for 4 days
    database.session.expire_all()
    assert database.session.get(Person, long_ago.id).turned_18_alerted_on is None
    assert database.session.get(Person, not_a_victim.id).turned_18_alerted_on is None
    assert database.session.get(Person, closed_child.id).turned_18_alerted_on is None
    assert _turned_18_tasks(database.session, closed.id) == []


def test_the_sweep_is_on_the_beat_schedule_daily(app):
    """The task itself (tasks/people.py) is three lines around alert_victims_turning_18; that a
    real worker knows every scheduled task is test_celery_worker's check. Importing `tasks` here
    would build a second app with its own database connection."""
    [entry] = [e for e in app.config["CELERY"]["beat_schedule"].values() if e["task"] == "people.turning_18"]
    schedule = entry["schedule"]
    assert schedule.hour == {6} and schedule.minute == {0} and len(schedule.day_of_week) == 7


def test_from_the_birthday_letters_go_to_the_victim_not_the_guardian(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    vlo.phone = "01632 960 123"
    case, child, guardian = _family(make, vlo=vlo, crd=date(2027, 3, 1))

    def failed(person, day):
        _on(frozen_clock, day)
        letter = letters.start_draft(case, person, LetterType.KEY_STAGE, vlo)
        texts = {s.key: finish(s) for s in letter.sections if not s.locked}
        letters.save_draft(letter, texts, large_print=letter.large_print, channel=letter.channel, user=vlo)
        results = {result.code: result for result in letters.check_letter(letter)}
        return {code: result.problems for code, result in results.items() if not result.passed}

    the_day_before = date(2026, 12, 4)
    assert "recipient" in failed(child, the_day_before)  # a child: to the guardian
    assert "recipient" not in failed(guardian, the_day_before)
    assert "recipient" not in failed(child, BIRTHDAY)  # 18: to them
    problems = failed(guardian, BIRTHDAY)["recipient"]
    assert problems == (
        "Kit Young has turned 18: write to them directly, not to Pat Young, and ask Kit Young their "
        "preferences again.",
    )


def test_the_people_section_says_when_a_child_turns_18_and_that_they_have(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case, _child, _ = _family(make, vlo=vlo)
    _on(frozen_clock, date(2026, 11, 29))
    page = signed_in(app, vlo).get(f"/cases/{case.id}/people")
    assert "Turns 18 on 5 December 2026" in page
    cases.alert_victims_turning_18(BIRTHDAY)
    _on(frozen_clock, BIRTHDAY)
    browser = signed_in(app, vlo)
    page = browser.get(f"/cases/{case.id}/people")
    assert "Turned 18 on 5 December 2026: write to them directly" in page
    assert "Child: information goes to a parent or guardian" not in page
    summary = browser.get(f"/cases/{case.id}")
    assert TITLE in summary  # what needs doing next
