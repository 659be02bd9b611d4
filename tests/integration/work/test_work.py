"""Tasks and offender events: deadlines come with tasks for the allocated VLO or the team's
queue; events recorded on a case create their own task and deadline; a task done meets its
deadline, and a deadline met or cancelled closes its task.

Due dates are worked out by hand from the England and Wales calendar."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.helpers import date_parts, post_with_token, send, signed_in
from tests.integration.cases.test_cases import _dates_form, _valid_case
from victims import clock
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.vocabulary import Role
from victims.people.models import Person
from victims.refusals import Refused
from victims.staff.models import Team
from victims.work import services as work
from victims.work.models import CaseDeadline, OffenderEventRecord, Task

TODAY = date(2026, 11, 25)  # the frozen clock's day, a Wednesday


def _open_case_through_intake(app, user, **changes) -> int:
    form = _valid_case(
        sentence_date=date_parts(date(2025, 12, 2)),
        referral_received_on=date_parts(date(2025, 12, 18)),
        crd=date_parts(date(2027, 3, 1)),
        **changes,
    )
    response = signed_in(app, user).post("/cases/new", form, status=302)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _case_with_deadlines(make, database, vlo=None, team=None, **sentence):
    case = make.case(vlo=vlo, team=team, **sentence)
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    return case


def _tasks(session, case_id) -> dict[str, Task]:
    """The case's tasks by the code of their deadline (the newest task for each code)."""
    session.expire_all()
    rows = session.execute(
        select(CaseDeadline.code, Task)
        .join(Task, Task.deadline_id == CaseDeadline.id)
        .where(Task.case_id == case_id)
        .order_by(Task.id)
    ).all()
    return {code: task for code, task in rows}


def _task_row(page: str, task_id: int) -> str | None:
    return next((row for row in page.split("<tr") if f'data-task-id="{task_id}"' in row), None)


def _error_messages(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    if not summary:
        return []
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


def _event_form(kind="recall", occurred_on=TODAY, notes="", learned_on=None):
    """The event form as sent; the unit learned of the event today unless `learned_on` says."""
    learned = learned_on or clock.today()
    return {
        "kind": kind,
        "occurred_on": date_parts(occurred_on),
        "learned_on": date_parts(learned),
        "notes": notes,
    }


# Deadlines at intake -----------------------------------------------------------------------


def test_intake_by_a_vlo_gives_the_deadlines_tasks_for_that_vlo(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case_through_intake(app, vlo)
    tasks = _tasks(database.session, case_id)
    # The referral deadline is met by the referral arriving: nobody's task.
    assert set(tasks) == {"initial_contact", "pre_release_window", "licence_representations"}
    assert {code: task.title for code, task in tasks.items()} == {
        "initial_contact": "Make initial contact with the victims",
        "pre_release_window": "Start pre-release contact",
        "licence_representations": "Send licence-condition representations",
    }
    assert {task.assigned_to_id for task in tasks.values()} == {vlo.id}
    assert {task.team_id for task in tasks.values()} == {vlo.team_id}
    assert {task.status for task in tasks.values()} == {"open"}


def test_intake_by_an_spo_puts_the_tasks_in_the_team_queue(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    case_id = _open_case_through_intake(app, spo)
    tasks = _tasks(database.session, case_id)
    assert len(tasks) == 3
    assert {task.assigned_to_id for task in tasks.values()} == {None}
    assert {task.team_id for task in tasks.values()} == {spo.team_id}


def test_a_vns_case_gets_one_task(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case_through_intake(app, vlo, scheme="vns")
    assert list(_tasks(database.session, case_id)) == ["vns_initial_contact"]


# Offender events ---------------------------------------------------------------------------


def test_a_recall_recorded_on_a_friday_is_due_on_monday(app, make, database, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=UTC))  # Friday 27 November 2026
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    browser = signed_in(app, vlo)
    response = browser.post(
        f"/cases/{case.id}/events/new",
        _event_form("recall", date(2026, 11, 26), "Phone call from the offender manager"),
        status=302,
    )
    assert response.headers["Location"].endswith(f"/cases/{case.id}/deadlines#events")

    event = database.session.scalar(select(OffenderEventRecord).where(OffenderEventRecord.case_id == case.id))
    assert (event.kind, event.occurred_on, event.learned_on, event.recorded_by_id, event.source) == (
        "recall",
        date(2026, 11, 26),
        date(2026, 11, 27),
        vlo.id,
        "manual",
    )
    assert event.notes == "Phone call from the offender manager"
    deadline = database.session.scalar(select(CaseDeadline).where(CaseDeadline.event_id == event.id))
    # One working day after Friday 27 November 2026 is Monday 30 November 2026.
    assert (deadline.code, deadline.due_on, deadline.counted_from) == (
        "event_recall",
        date(2026, 11, 30),
        date(2026, 11, 27),
    )
    task = database.session.scalar(select(Task).where(Task.deadline_id == deadline.id))
    assert (task.title, task.assigned_to_id, task.event_id, task.status) == (
        "Tell the victim the offender has been recalled to prison",
        vlo.id,
        event.id,
        "open",
    )
    audit = database.session.scalar(select(AuditEvent).where(AuditEvent.action == "offender_event_recorded"))
    assert (audit.record_id, audit.case_id, audit.user_id) == (event.id, case.id, vlo.id)
    assert audit.details["kind"] == "recall"

    page = browser.get(f"/cases/{case.id}/deadlines")
    events = page.split('data-testid="events"', 1)[1].split("</table>", 1)[0]
    assert "Recalled to prison" in events and "26 November 2026" in events and vlo.name in events
    assert "Tell the victim the offender has been recalled to prison" in page


def test_an_event_deadline_skips_a_bank_holiday(app, make, database, frozen_clock):
    # Friday 22 May 2026; Monday 25 May is the spring bank holiday. One working day on is
    # Tuesday 26 May; a release (5 working days) is due Monday 1 June.
    frozen_clock.set(datetime(2026, 5, 22, 9, 0, tzinfo=UTC))
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    recall = work.record_event(case, "recall", date(2026, 5, 22), None, vlo)
    release = work.record_event(case, "release", date(2026, 5, 21), None, vlo)
    due = dict(
        database.session.execute(
            select(CaseDeadline.event_id, CaseDeadline.due_on).where(CaseDeadline.case_id == case.id)
        ).all()
    )
    assert due[recall.id] == date(2026, 5, 26)
    assert due[release.id] == date(2026, 6, 1)


def test_two_events_of_a_kind_make_two_tasks(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    work.record_event(case, "parole_review_listed", TODAY, None, vlo)
    work.record_event(case, "parole_review_listed", TODAY, None, vlo)
    tasks = database.session.scalars(select(Task).where(Task.case_id == case.id)).all()
    assert len(tasks) == 2 and len({task.deadline_id for task in tasks}) == 2


def test_an_event_on_an_unallocated_case_goes_to_the_queue(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    case = make.case(team=database.session.get(Team, spo.team_id))
    work.record_event(case, "release", TODAY, None, spo)
    task = database.session.scalar(select(Task).where(Task.case_id == case.id))
    assert (task.assigned_to_id, task.team_id) == (None, spo.team_id)


def test_a_future_date_is_refused(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    response = signed_in(app, vlo).post(
        f"/cases/{case.id}/events/new", _event_form(occurred_on=date(2026, 11, 26)), status=200
    )
    html = response.get_data(as_text=True)
    assert _error_messages(html) == ["Date it happened must be today or in the past"]
    assert 'id="occurred_on-error"' in html
    assert "<title>Error:" in html
    assert database.session.scalars(select(OffenderEventRecord)).all() == []
    assert database.session.scalars(select(Task).where(Task.case_id == case.id)).all() == []


def test_the_event_form_asks_for_what_and_when(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    browser = signed_in(app, vlo)
    page = browser.get(f"/cases/{case.id}/events/new")
    assert "Transferred to open conditions" in page and "Died in custody" in page
    assert "govuk-character-count" in page
    response = browser.post(f"/cases/{case.id}/events/new", {"notes": "x"}, status=200)
    assert _error_messages(response.get_data(as_text=True)) == [
        "Choose what happened",
        "Enter the date it happened",
        "Enter the date the unit learned of it",
    ]


def test_the_service_refuses_a_future_date_too(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    try:
        work.record_event(case, "recall", date(2026, 11, 26), None, vlo)
    except Refused as refused:
        assert refused.field == "occurred_on"
    else:
        raise AssertionError("a future date was accepted")


def test_events_cannot_be_recorded_on_a_closed_case_or_by_a_manager(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    closed = make.case(vlo=vlo, status="closed")
    signed_in(app, vlo).get(f"/cases/{closed.id}/events/new", status=404)
    manager = make.user(Role.MANAGER)
    case = make.case(vlo=vlo)
    signed_in(app, manager).get(f"/cases/{case.id}/events/new", status=403)
    page = signed_in(app, manager).get(f"/cases/{case.id}/deadlines")
    assert 'id="tasks"' in page  # the work section is there, without its buttons
    assert "Record an offender event" not in page and "Mark as done" not in page


# Tasks done --------------------------------------------------------------------------------


def _checking_task(database, case) -> Task:
    """Work no evidence meets (a referral passed on to check), which "Mark as done" meets."""
    work.open_work(case, "referral_passed_on", TODAY)
    return _tasks(database.session, case.id)["referral_passed_on"]


def test_marking_a_task_done_meets_its_deadline(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    task = _checking_task(database, case)
    browser = signed_in(app, vlo)
    assert _task_row(browser.get("/tasks/mine"), task.id) is not None

    response = browser.post(f"/tasks/{task.id}/done", {"back": "mine"}, status=302, form_path="/tasks/mine")
    assert response.headers["Location"].endswith("/tasks/mine")

    task = _tasks(database.session, case.id)["referral_passed_on"]
    assert (task.status, task.done_by_id) == ("done", vlo.id)
    deadline = database.session.get(CaseDeadline, task.deadline_id)
    assert (deadline.status, deadline.met_on) == ("met", TODAY)
    assert (deadline.met_how, deadline.met_by_id, deadline.days_late) == ("manual", vlo.id, 0)
    assert _task_row(browser.get("/tasks/mine"), task.id) is None
    audit = database.session.scalar(select(AuditEvent).where(AuditEvent.action == "task_done"))
    assert (audit.record_id, audit.case_id, audit.user_id) == (task.id, case.id, vlo.id)


def test_the_day_is_london_time(app, make, database, frozen_clock):
    # In summer time, 23:30 UTC on Tuesday 30 June 2026 is 00:30 on Wednesday 1 July in London.
    frozen_clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    vlo = make.user(Role.VLO)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    task = _checking_task(database, case)
    frozen_clock.set(datetime(2026, 7, 1, 22, 30, tzinfo=UTC))  # 23:30 on 1 July in London
    work.mark_done(task, vlo)
    assert database.session.get(CaseDeadline, task.deadline_id).met_on == date(2026, 7, 1)


def test_a_colleague_or_the_spo_can_mark_a_task_done_from_the_case_page(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    team = database.session.get(Team, vlo.team_id)
    colleague = make.user(Role.VLO, team=team)
    spo = make.user(Role.SPO, team=team)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    first, second = _checking_task(database, case), _checking_task(database, case)
    for user, task in ((colleague, first), (spo, second)):
        browser = signed_in(app, user)
        response = browser.post(
            f"/tasks/{task.id}/done", {"back": "case"}, status=302, form_path=f"/cases/{case.id}/deadlines"
        )
        assert response.headers["Location"].endswith(f"/cases/{case.id}/deadlines#tasks")
    database.session.expire_all()
    assert (database.session.get(Task, first.id).status, database.session.get(Task, first.id).done_by_id) == (
        "done",
        colleague.id,
    )
    assert database.session.get(Task, second.id).done_by_id == spo.id
    page = signed_in(app, vlo).get(f"/cases/{case.id}/deadlines")
    table = page.split('data-testid="tasks"', 1)[1].split("</table>", 1)[0]
    rows = [row for row in table.split("<tr")[2:]]
    # Open first, then the done ones. Work that evidence meets says what meets it, with no button.
    assert "Make initial contact with the victims" in rows[0] and "Mark as done" not in rows[0]
    assert "Done when an initial-contact letter is sent" in rows[0]
    assert all("Done" in row for row in rows[-2:])


def test_marking_a_closed_task_done_again_changes_nothing(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    task = _checking_task(database, case)
    _checking_task(database, case)  # another, so My tasks still has a form to take a token from
    browser = signed_in(app, vlo)
    browser.post(f"/tasks/{task.id}/done", status=302, form_path="/tasks/mine")
    browser.post(f"/tasks/{task.id}/done", status=302, form_path="/tasks/mine")
    assert (
        len(database.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_done")).all()) == 1
    )


def test_a_first_contact_meets_the_deadline_and_closes_its_task(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    person_id = database.session.scalar(select(Person.id).where(Person.case_id == case.id))
    contact = {
        "person": str(person_id),
        "occurred_on": date_parts(date(2026, 11, 20)),
        "occurred_time": "10:30",
        "method": "telephone",
        "direction": "outbound",
        "summary": "Explained the scheme.",
    }
    signed_in(app, vlo).post(f"/cases/{case.id}/contacts/new", contact, status=302)
    task = _tasks(database.session, case.id)["initial_contact"]
    assert (task.status, task.done_by_id) == ("done", vlo.id)
    assert database.session.get(CaseDeadline, task.deadline_id).met_on == date(2026, 11, 20)


def test_removing_the_release_date_cancels_the_tasks_of_the_cancelled_deadlines(
    app, make, database, frozen_clock
):
    vlo = make.user(Role.VLO)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    sentence = database.session.get(Sentence, case.sentence_id)
    sentence.crd = None
    database.session.flush()
    refresh_case_deadlines(case, sentence, "CRD removed")
    tasks = _tasks(database.session, case.id)
    assert tasks["pre_release_window"].status == "cancelled"
    assert tasks["licence_representations"].status == "cancelled"
    assert tasks["initial_contact"].status == "open"
    page = signed_in(app, vlo).get("/tasks/mine")
    assert _task_row(page, tasks["pre_release_window"].id) is None
    assert _task_row(page, tasks["initial_contact"].id) is not None
    case_page = signed_in(app, vlo).get(f"/cases/{case.id}/deadlines")
    assert "No longer needed" in case_page


def test_a_release_date_removed_on_the_dates_page_cancels_the_tasks(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case_through_intake(app, vlo)
    signed_in(app, vlo).post(f"/cases/{case_id}/dates", _dates_form(), status=302)
    tasks = _tasks(database.session, case_id)
    assert tasks["pre_release_window"].status == "cancelled"
    assert tasks["initial_contact"].status == "open"


# Scoping -----------------------------------------------------------------------------------


def test_another_teams_case_and_tasks_are_not_found(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    task = _tasks(database.session, case.id)["initial_contact"]
    outsider = make.user(Role.VLO)
    outside_spo = make.user(Role.SPO)
    browser = signed_in(app, outsider)
    browser.get(f"/cases/{case.id}/events/new", status=404)
    response = post_with_token(
        browser, f"/cases/{case.id}/events/new", _event_form(), from_page="/tasks/mine"
    )
    assert response.status_code == 404
    response = post_with_token(browser, f"/tasks/{task.id}/done", from_page="/tasks/mine")
    assert response.status_code == 404
    spo_browser = signed_in(app, outside_spo)
    spo_browser.get(f"/tasks/{task.id}/assign", status=404)
    response = post_with_token(
        spo_browser, f"/tasks/{task.id}/assign", {"vlo": str(outsider.id)}, from_page="/tasks/team"
    )
    assert response.status_code == 404
    database.session.expire_all()
    assert database.session.get(Task, task.id).status == "open"
    assert database.session.scalars(select(OffenderEventRecord)).all() == []


def test_my_tasks_and_team_work_are_for_their_roles(app, make, database, frozen_clock):
    vlo, spo, manager = make.user(Role.VLO), make.user(Role.SPO), make.user(Role.MANAGER)
    signed_in(app, spo).get("/tasks/mine", status=403)
    signed_in(app, vlo).get("/tasks/team", status=403)
    signed_in(app, manager).get("/tasks/team", status=403)
    assert 'href="/tasks/mine"' in signed_in(app, vlo).get("/tasks/mine")
    assert 'href="/tasks/team"' in signed_in(app, spo).get("/tasks/team")
    response = send(signed_in(app, manager), "get", f"/tasks/{1}/assign")
    assert response.status_code == 403


# Team work ---------------------------------------------------------------------------------


def test_team_work_lists_overdue_and_queued_tasks_and_assigning_moves_one(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    team = database.session.get(Team, spo.team_id)
    vlo = make.user(Role.VLO, team=team, name="Valerie Liaison")
    # Referral 10 March 2024: initial contact was due in April 2024 – long overdue today.
    allocated = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    unallocated = _case_with_deadlines(make, database, team=team, crd=date(2027, 3, 1))
    overdue_task = _tasks(database.session, allocated.id)["initial_contact"]
    on_track_task = _tasks(database.session, allocated.id)["licence_representations"]
    queued = _tasks(database.session, unallocated.id)
    elsewhere = _case_with_deadlines(make, database, vlo=make.user(Role.VLO), crd=date(2027, 3, 1))

    browser = signed_in(app, spo)
    page = browser.get("/tasks/team")
    overdue = page.split('id="overdue"', 1)[1].split('id="queue"', 1)[0]
    queue = page.split('id="queue"', 1)[1]
    row = _task_row(overdue, overdue_task.id)
    assert row and "Overdue" in row and "Valerie Liaison" in row
    assert _task_row(overdue, on_track_task.id) is None  # not overdue, and assigned
    assert _task_row(overdue, queued["initial_contact"].id) is not None  # overdue in the queue
    for task in queued.values():
        assert _task_row(queue, task.id) is not None
    assert _task_row(queue, overdue_task.id) is None
    for task in _tasks(database.session, elsewhere.id).values():
        assert _task_row(page, task.id) is None

    task = queued["pre_release_window"]
    form = browser.get(f"/tasks/{task.id}/assign")
    assert "Valerie Liaison" in form and "Start pre-release contact" in form
    response = browser.post(f"/tasks/{task.id}/assign", {"vlo": str(vlo.id)}, status=302)
    assert response.headers["Location"].endswith("/tasks/team")
    database.session.expire_all()
    assert database.session.get(Task, task.id).assigned_to_id == vlo.id
    audit = database.session.scalar(select(AuditEvent).where(AuditEvent.action == "task_assigned"))
    assert (audit.record_id, audit.case_id, audit.user_id) == (task.id, unallocated.id, spo.id)
    assert audit.details == {"from_user_id": None, "to_user_id": vlo.id}
    assert _task_row(browser.get("/tasks/team").split('id="queue"', 1)[1], task.id) is None
    mine = signed_in(app, vlo).get("/tasks/mine")
    assert _task_row(mine, task.id) is not None


def test_assigning_to_someone_outside_the_team_is_refused(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    team = database.session.get(Team, spo.team_id)
    case = _case_with_deadlines(make, database, team=team, crd=date(2027, 3, 1))
    task = _tasks(database.session, case.id)["initial_contact"]
    outsider = make.user(Role.VLO)
    response = signed_in(app, spo).post(f"/tasks/{task.id}/assign", {"vlo": str(outsider.id)}, status=200)
    assert _error_messages(response.get_data(as_text=True)) == ["Not a valid choice."]
    database.session.expire_all()
    assert database.session.get(Task, task.id).assigned_to_id is None


def test_reallocating_a_case_moves_its_open_tasks(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    team = database.session.get(Team, vlo.team_id)
    other = make.user(Role.VLO, team=team)
    case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
    work.meet(case.id, "initial_contact", TODAY, vlo, Evidence(EvidenceKind.CONTACT, 1))
    assert work.reassign_open_tasks(case, other) == 2
    tasks = _tasks(database.session, case.id)
    assert tasks["pre_release_window"].assigned_to_id == other.id
    assert tasks["licence_representations"].assigned_to_id == other.id
    assert tasks["initial_contact"].assigned_to_id == vlo.id  # done work stays with who did it


# Queries -----------------------------------------------------------------------------------


def test_my_tasks_queries_do_not_grow_with_the_tasks(app, make, database, frozen_clock, count_queries):
    def statements_for(tasks: int) -> int:
        vlo = make.user(Role.VLO)
        case = make.case(vlo=vlo)
        for _ in range(tasks):
            work.record_event(case, "release_date_change", TODAY, None, vlo)
        browser = signed_in(app, vlo)
        browser.get("/tasks/mine")  # warm the calendar cache
        with count_queries() as counter:
            page = browser.get("/tasks/mine")
        assert page.count('data-testid="what-meets"') == min(tasks, 25)
        assert f"{tasks} open tasks" in page
        return counter.count

    assert statements_for(5) == statements_for(50)


def test_team_work_queries_do_not_grow_with_the_tasks(app, make, database, frozen_clock, count_queries):
    def statements_for(cases: int) -> int:
        spo = make.user(Role.SPO)
        team = database.session.get(Team, spo.team_id)
        for _ in range(cases):
            _case_with_deadlines(make, database, team=team, crd=date(2027, 3, 1))
        browser = signed_in(app, spo)
        browser.get("/tasks/team")
        with count_queries() as counter:
            browser.get("/tasks/team")
        return counter.count

    assert statements_for(2) == statements_for(20)


def test_the_case_page_work_section_does_not_grow_with_the_tasks(
    app, make, database, frozen_clock, count_queries
):
    def statements_for(events: int) -> int:
        vlo = make.user(Role.VLO)
        case = _case_with_deadlines(make, database, vlo=vlo, crd=date(2027, 3, 1))
        for _ in range(events):
            work.record_event(case, "parole_decision", TODAY, "Note", vlo)
        browser = signed_in(app, vlo)
        browser.get(f"/cases/{case.id}/deadlines")
        with count_queries() as counter:
            page = browser.get(f"/cases/{case.id}/deadlines")
        assert 'data-testid="events"' in page
        return counter.count

    assert statements_for(1) == statements_for(12)
