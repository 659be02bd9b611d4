"""A case's life (issue 13): closed with a reason by its VLO or an SPO of its team, its open work
closing with it as "case closed"; reopened by an SPO, the scheme's deadlines coming back;
transferred to another team when that team's SPO accepts; and proposed for closure when the
sentence has ended or every victim has opted out."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.helpers import signed_in
from victims.audit.models import AuditEvent
from victims.cases import services
from victims.cases.models import Case, CaseStatusChange, CaseTransfer, Sentence
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.vocabulary import Role
from victims.people.models import Person
from victims.refusals import Refused
from victims.staff.models import Team
from victims.work import services as work
from victims.work.models import CaseDeadline, DeadlineChange, Task

TODAY = date(2026, 11, 25)  # the frozen clock's day


def _case_with_work(make, database, vlo=None, team=None, **sentence):
    """A case with its scheme's deadlines and tasks (release in 2027: pre-release work open),
    and a recall recorded today (an offender event's task)."""
    sentence.setdefault("crd", date(2027, 9, 1))
    case = make.case(vlo=vlo, team=team, **sentence)
    services.refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    work.record_event(case, "recall", TODAY, None, None)
    return case


def _deadlines(session, case_id) -> dict[str, CaseDeadline]:
    """The newest deadline of each rule."""
    session.expire_all()
    rows = session.scalars(
        select(CaseDeadline).where(CaseDeadline.case_id == case_id).order_by(CaseDeadline.id)
    )
    return {row.code: row for row in rows}


def _tasks(session, case_id) -> list[Task]:
    session.expire_all()
    return list(session.scalars(select(Task).where(Task.case_id == case_id).order_by(Task.id)))


def _actions(session, case_id) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)
        )
    )


def _version(case_id) -> str:
    """The case's version as a form opened now carries it."""
    from victims.extensions import db

    db.session.expire_all()
    return str(db.session.get(Case, case_id).version)


def _close(browser, case_id, reason="sentence_ended", details="", status=302):
    data = {"reason": reason, "details": details, "version": _version(case_id)}
    return browser.post(f"/cases/{case_id}/close", data, status=status)


def _reopen(browser, case_id, reason, status=302):
    data = {"reason": reason, "version": _version(case_id)}
    return browser.post(f"/cases/{case_id}/reopen", data, status=status)


# Closing -----------------------------------------------------------------------------------------


def test_a_reopen_from_a_page_someone_else_changed_since_shows_the_conflict(
    app, make, database, frozen_clock
):
    vlo = make.user(Role.VLO)
    spo = make.user(Role.SPO, team=database.session.get(Team, vlo.team_id))
    case = _case_with_work(make, database, vlo=vlo)
    _close(signed_in(app, spo), case.id)
    stale = _version(case.id)
    _reopen(signed_in(app, spo), case.id, "Closed by mistake")
    browser = signed_in(app, spo)
    _close(browser, case.id)
    # The page was opened before the case was reopened and closed again: a conflict, not a reopen.
    browser.post(f"/cases/{case.id}/reopen", {"reason": "Again", "version": stale}, status=409)
    database.session.expire_all()
    assert database.session.get(Case, case.id).status == "closed"  # the stale reopen changed nothing


def test_the_vlo_closes_a_case_and_its_open_work_closes_as_case_closed(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = _case_with_work(make, database, vlo=vlo)
    first_contact = _deadlines(database.session, case.id)["initial_contact"]
    # Met before closing: stays met.
    work.meet_deadline(first_contact, TODAY, vlo, Evidence(EvidenceKind.CONTACT))
    browser = signed_in(app, vlo)
    assert "Close case" in browser.get(f"/cases/{case.id}")

    response = _close(browser, case.id)
    assert response.headers["Location"].endswith(f"/cases/{case.id}")

    database.session.expire_all()
    case = database.session.get(Case, case.id)
    assert (case.status, case.closed_reason, case.closed_at is not None) == ("closed", "sentence_ended", True)
    deadlines = _deadlines(database.session, case.id)
    assert deadlines["initial_contact"].status == "met"
    assert deadlines["referral"].status == "met"
    for code in ("pre_release_window", "licence_representations", "event_recall"):
        assert deadlines[code].status == "closed", code
        history = database.session.scalars(
            select(DeadlineChange).where(DeadlineChange.deadline_id == deadlines[code].id)
        ).all()
        assert [(change.reason, change.new_due_on, change.changed_by_id) for change in history] == [
            ("Case closed", None, vlo.id)
        ]
    statuses = {task.title: task.status for task in _tasks(database.session, case.id)}
    assert statuses["Make initial contact with the victims"] == "done"
    assert statuses["Start pre-release contact"] == "closed"
    assert statuses["Tell the victim the offender has been recalled to prison"] == "closed"
    assert "case_closed" in _actions(database.session, case.id)
    audit = database.session.scalar(select(AuditEvent).where(AuditEvent.action == "case_closed"))
    assert (audit.user_id, audit.details["reason"]) == (vlo.id, "sentence_ended")
    change = database.session.scalar(select(CaseStatusChange).where(CaseStatusChange.case_id == case.id))
    assert (change.status, change.closed_reason, change.user_id) == ("closed", "sentence_ended", vlo.id)

    page = browser.get(f"/cases/{case.id}")
    assert "This case is closed: Sentence or licence ended" in page
    assert "Case closed" in page or "closed" in page
    assert "Close case" not in page and "Reopen case" not in page  # a VLO cannot reopen


def test_other_needs_details_and_they_are_kept(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = _case_with_work(make, database, vlo=vlo)
    browser = signed_in(app, vlo)
    page = _close(browser, case.id, reason="other", details="  ", status=200).get_data(as_text=True)
    assert "Enter why the case is closing" in page
    assert database.session.get(Case, case.id).status == "open"

    _close(browser, case.id, reason="other", details="Duplicate of another case")
    page = browser.get(f"/cases/{case.id}")
    assert "This case is closed: Other" in page and "Duplicate of another case" in page


def test_who_may_close(app, make, database, frozen_clock):
    team = make.team()
    vlo, colleague, spo = make.user(Role.VLO, team), make.user(Role.VLO, team), make.user(Role.SPO, team)
    case = _case_with_work(make, database, vlo=vlo)
    # Another VLO of the team may read the case but not close it.
    assert "Close case" not in signed_in(app, colleague).get(f"/cases/{case.id}")
    signed_in(app, colleague).get(f"/cases/{case.id}/close", status=404)
    try:
        services.close_case(case, "sentence_ended", "", colleague)
    except Refused as refused:
        assert "victim liaison officer or an SPO" in refused.message
    else:
        raise AssertionError("a VLO not allocated the case closed it")
    # A manager reads; another team's SPO does not even find the case.
    signed_in(app, make.user(Role.MANAGER)).get(f"/cases/{case.id}/close", status=403)
    signed_in(app, make.user(Role.SPO)).get(f"/cases/{case.id}/close", status=404)
    # An SPO of the team may.
    _close(signed_in(app, spo), case.id, reason="offender_died")
    database.session.expire_all()
    assert database.session.get(Case, case.id).closed_reason == "offender_died"
    # Closed once is closed.
    signed_in(app, spo).get(f"/cases/{case.id}/close", status=404)


def test_a_closed_case_leaves_caseload_and_task_lists_but_search_finds_it(app, make, database, frozen_clock):
    team = make.team()
    vlo, spo = make.user(Role.VLO, team), make.user(Role.SPO, team)
    case = _case_with_work(make, database, vlo=vlo, offender_last_name="Closedson")
    _case_with_work(make, database, vlo=vlo, offender_last_name="Openshaw")
    browser = signed_in(app, vlo)
    assert "Closedson" in browser.get("/cases/mine")
    _close(browser, case.id)

    caseload = browser.get("/cases/mine")
    assert "Closedson" not in caseload and "Openshaw" in caseload
    assert "1 open case." in caseload
    tasks = browser.get("/tasks/mine")
    assert "Closedson" not in tasks and "Openshaw" in tasks
    found = browser.get("/cases/mine?q=Closedson")
    assert "Closedson" in found and 'govuk-tag--grey">Closed<' in found
    closed_only = browser.get("/cases/mine?status=closed")
    assert "Closedson" in closed_only and "Openshaw" not in closed_only
    team_cases = signed_in(app, spo).get("/cases/team")
    assert "Closedson" not in team_cases and "Openshaw" in team_cases
    region = signed_in(app, make.user(Role.MANAGER)).get("/cases/region")
    assert "Closedson" not in region and "Openshaw" in region


def test_a_closed_case_refuses_new_work(app, make, database, frozen_clock):
    team = make.team()
    vlo, spo = make.user(Role.VLO, team), make.user(Role.SPO, team)
    other = make.user(Role.VLO, team)
    case = _case_with_work(make, database, vlo=vlo)
    services.close_case(case, "sentence_ended", "", vlo)
    browser = signed_in(app, spo)
    for path in ("events/new", "letters/new", "transfer", "scheme", "close"):
        browser.get(f"/cases/{case.id}/{path}", status=404)
    page = browser.post(
        f"/cases/{case.id}/allocate",
        {"vlo": str(other.id), "reason": "Cover", "version": _version(case.id)},
        status=200,
    )
    assert "The case is closed: reopen it before allocating it" in page.get_data(as_text=True)
    # Dates may still change (a prison's record), but open no work on a closed case.
    before = len(_deadlines(database.session, case.id))
    sentence = database.session.get(Sentence, case.sentence_id)
    services.change_sentence_dates(sentence, {"crd": date(2027, 3, 1)}, "prison", None, case)
    deadlines = _deadlines(database.session, case.id)
    assert len(deadlines) == before and all(row.status != "open" for row in deadlines.values())
    try:
        work.record_event(case, "recall", TODAY, None, vlo)
    except Refused as refused:
        assert "closed" in refused.message
    else:
        raise AssertionError("an event was recorded on a closed case")


def test_work_started_before_closing_cannot_go_on_after_it(app, make, database, frozen_clock):
    """A letter drafted, or a licence-condition request made, before the case closed cannot be
    approved or moved on after it: the service says why."""
    from victims.domain.letters import LetterType
    from victims.domain.prerelease import ConditionType, Stage, StepInput
    from victims.letters import services as letters
    from victims.prerelease import services as prerelease

    vlo = make.user(Role.VLO)
    case = _case_with_work(make, database, vlo=vlo)
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
    request = prerelease.add_request(case, victim, ConditionType.NO_CONTACT_VICTIM, "No contact", vlo)
    services.close_case(case, "victim_declined", "", vlo)

    attempts = {
        "approve": lambda: letters.approve(letter, vlo),
        "step": lambda: prerelease.step(
            request, Stage.DRAFTED, StepInput(wording="Not to contact her."), vlo
        ),
        "add": lambda: prerelease.add_request(case, victim, ConditionType.NO_CONTACT_VICTIM, "Again", vlo),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
        except Refused as refused:
            assert refused.message.startswith("The case is closed: reopen it before"), name
        else:
            raise AssertionError(f"{name} went ahead on a closed case")


# Reopening --------------------------------------------------------------------------------------


def test_an_spo_reopens_and_the_scheme_deadlines_come_back(app, make, database, frozen_clock):
    team = make.team()
    vlo, spo = make.user(Role.VLO, team), make.user(Role.SPO, team)
    case = _case_with_work(make, database, vlo=vlo)
    services.close_case(case, "not_eligible", "", spo)
    signed_in(app, vlo).get(f"/cases/{case.id}/reopen", status=403)
    browser = signed_in(app, spo)
    assert "Reopen case" in browser.get(f"/cases/{case.id}")
    page = _reopen(browser, case.id, " ", status=200).get_data(as_text=True)
    assert "Enter why the case is reopening" in page

    _reopen(browser, case.id, "Found eligible after all")
    database.session.expire_all()
    case = database.session.get(Case, case.id)
    assert (case.status, case.closed_reason, case.closed_at, case.allocated_vlo_id) == (
        "open",
        None,
        None,
        vlo.id,
    )
    deadlines = _deadlines(database.session, case.id)
    # The scheme's open again (new rows, with tasks for the VLO); the recall's stays closed.
    assert deadlines["pre_release_window"].status == "open"
    assert deadlines["licence_representations"].status == "open"
    assert deadlines["event_recall"].status == "closed"
    open_tasks = [task for task in _tasks(database.session, case.id) if task.status == "open"]
    assert {task.title for task in open_tasks} == {
        "Make initial contact with the victims",
        "Start pre-release contact",
        "Send licence-condition representations",
    }
    assert all(task.assigned_to_id == vlo.id for task in open_tasks)
    assert _actions(database.session, case.id)[-1] == "case_reopened"
    history = browser.get(f"/cases/{case.id}")
    assert "Closed and reopened (2)" in history and "Found eligible after all" in history


# Transfers ---------------------------------------------------------------------------------------


def _two_regions(make):
    here, there = make.team(), make.team(make.region("wales"), name="Cardiff VLO team")
    return (
        here,
        there,
        make.user(Role.VLO, here),
        make.user(Role.SPO, here),
        make.user(Role.SPO, there),
    )


def test_a_transfer_to_another_region_is_accepted_there(app, make, database, frozen_clock):
    here, there, vlo, spo, receiving = _two_regions(make)
    case = _case_with_work(make, database, vlo=vlo, offender_last_name="Movers")
    browser = signed_in(app, spo)
    page = browser.get(f"/cases/{case.id}/transfer")
    assert "Cardiff VLO team (Wales)" in page
    browser.post(
        f"/cases/{case.id}/transfer", {"team": str(there.id), "reason": "Offender moved to Wales"}, status=302
    )
    assert "Waiting for Cardiff VLO team (Wales) to accept this case" in browser.get(f"/cases/{case.id}")

    # The receiving SPO sees the request, without any victim's details, but not the case itself.
    receiver = signed_in(app, receiving)
    receiver.get(f"/cases/{case.id}", status=404)
    team_work = receiver.get("/tasks/team")
    assert "Cases waiting for you to accept (1)" in team_work and "Movers" in team_work
    transfer = database.session.scalar(select(CaseTransfer).where(CaseTransfer.case_id == case.id))
    decision_page = receiver.get(f"/cases/transfers/{transfer.id}")
    surnames = database.session.scalars(select(Person.last_name).where(Person.case_id == case.id)).all()
    for surname in surnames:
        assert surname not in team_work and surname not in decision_page
    assert "Offender moved to Wales" in decision_page
    # Nobody else may decide it.
    signed_in(app, spo).get(f"/cases/transfers/{transfer.id}", status=404)

    receiver.post(f"/cases/transfers/{transfer.id}", {"decision": "accept"}, status=302)
    database.session.expire_all()
    case = database.session.get(Case, case.id)
    assert (case.team_id, case.region_id, case.allocated_vlo_id) == (there.id, there.region_id, None)
    open_tasks = [task for task in _tasks(database.session, case.id) if task.status == "open"]
    assert open_tasks and all((t.team_id, t.assigned_to_id) == (there.id, None) for t in open_tasks)
    assert database.session.get(CaseTransfer, transfer.id).status == "accepted"
    receiver.get(f"/cases/{case.id}")
    assert f"/cases/{case.id}" in receiver.get("/cases/team?show=unallocated")
    # The sending team no longer sees it.
    signed_in(app, spo).get(f"/cases/{case.id}", status=404)
    assert "Movers" not in signed_in(app, vlo).get("/cases/mine")
    events = database.session.execute(
        select(AuditEvent.action, AuditEvent.region_id).where(
            AuditEvent.case_id == case.id, AuditEvent.action.like("case_transfer%")
        )
    ).all()
    assert set(events) >= {
        ("case_transfer_requested", here.region_id),
        ("case_transfer_accepted", there.region_id),
    }
    away = database.session.scalar(select(AuditEvent).where(AuditEvent.action == "case_transferred_away"))
    assert away.region_id == here.region_id


def test_a_transfer_declined_or_withdrawn_leaves_the_case_where_it_was(app, make, database, frozen_clock):
    here, there, vlo, spo, receiving = _two_regions(make)
    case = _case_with_work(make, database, vlo=vlo)
    browser = signed_in(app, spo)
    browser.post(f"/cases/{case.id}/transfer", {"team": str(there.id), "reason": "Moved"}, status=302)
    # One at a time, and a case waiting to move cannot close.
    try:
        services.request_transfer(case, there, "Again", spo)
    except Refused as refused:
        assert "already waiting" in refused.message
    else:
        raise AssertionError("two transfers pending")
    try:
        services.close_case(case, "sentence_ended", "", spo)
    except Refused as refused:
        assert "withdraw the transfer first" in refused.message
    else:
        raise AssertionError("a case waiting to move was closed")
    transfer = database.session.scalar(select(CaseTransfer).where(CaseTransfer.case_id == case.id))
    receiver = signed_in(app, receiving)
    page = receiver.post(f"/cases/transfers/{transfer.id}", {"decision": "decline", "reason": ""}, status=200)
    assert "Enter why your team cannot take the case" in page.get_data(as_text=True)
    receiver.post(
        f"/cases/transfers/{transfer.id}", {"decision": "decline", "reason": "Not our area"}, status=302
    )
    database.session.expire_all()
    assert (
        database.session.get(Case, case.id).team_id,
        database.session.get(CaseTransfer, transfer.id).status,
    ) == (
        here.id,
        "declined",
    )
    assert "declined to take this case" in browser.get(f"/cases/{case.id}")
    receiver.get(f"/cases/transfers/{transfer.id}", status=404)  # decided

    browser.post(f"/cases/{case.id}/transfer", {"team": str(there.id), "reason": "Moved again"}, status=302)
    second = database.session.scalar(
        select(CaseTransfer).where(CaseTransfer.case_id == case.id, CaseTransfer.status == "pending")
    )
    browser.post(
        f"/cases/{case.id}/transfers/{second.id}/withdraw", {}, status=302, form_path=f"/cases/{case.id}"
    )
    database.session.expire_all()
    assert database.session.get(CaseTransfer, second.id).status == "withdrawn"
    assert "Cases waiting for you to accept" not in receiver.get("/tasks/team")
    assert _actions(database.session, case.id).count("case_transfer_withdrawn") == 1
    # Only an SPO of the case's team transfers it.
    signed_in(app, vlo).get(f"/cases/{case.id}/transfer", status=403)


# Closure proposed ---------------------------------------------------------------------------------


def _reviews(session, case_id) -> list[Task]:
    return [task for task in _tasks(session, case_id) if task.title.startswith("Review the case for closure")]


def test_the_sweep_proposes_closure_once_for_ended_sentences_and_opted_out_victims(
    app, make, database, frozen_clock
):
    team = make.team()
    vlo = make.user(Role.VLO, team)
    ended = make.case(vlo=vlo, led=date(2026, 8, 14), sed=date(2026, 8, 14))
    running = make.case(vlo=vlo, led=date(2026, 8, 14), sed=date(2027, 8, 14))
    unallocated = make.case(team=team, led=date(2025, 1, 6), sed=date(2025, 1, 6))
    opted_out = make.case(vlo=vlo, victims=0, sed=date(2030, 1, 1))
    make.person(opted_out, contact_level="opted_out")
    already_closed = make.case(vlo=vlo, status="closed", sed=date(2020, 1, 1))

    after, total = 0, 0
    while True:  # small batches, as the daily task runs it
        last, opened = services.propose_closures(after, 2)
        if last is None:
            break
        after, total = last, total + opened
    assert total >= 3  # other tests' cases may be due too: ours are checked one by one
    [review] = _reviews(database.session, ended.id)
    assert (review.title, review.assigned_to_id, review.team_id) == (
        "Review the case for closure: the sentence and licence have ended",
        vlo.id,
        team.id,
    )
    assert _reviews(database.session, running.id) == []
    [queued] = _reviews(database.session, unallocated.id)
    assert queued.assigned_to_id is None
    [opted] = _reviews(database.session, opted_out.id)
    assert opted.title == "Review the case for closure: every victim has opted out"
    assert _reviews(database.session, already_closed.id) == []

    # Run again: nothing new.
    last, opened = services.propose_closures(0, 10_000)
    assert len(_reviews(database.session, ended.id)) == 1
    assert (
        database.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "case_closure_proposed", AuditEvent.case_id == ended.id
            )
        )
        == 1
    )

    # The SPO's Team work counts them and links to the list.
    spo = make.user(Role.SPO, team)
    page = signed_in(app, spo).get("/tasks/team")
    assert "3 cases due for closure" in page
    due = signed_in(app, spo).get("/cases/team?show=closure_due")
    assert f'/cases/{ended.id}"' in due and f'/cases/{running.id}"' not in due

    # Closing the case closes its review.
    services.close_case(ended, "sentence_ended", "", vlo)
    [review] = _reviews(database.session, ended.id)
    assert review.status == "closed"


def test_opting_out_the_last_victim_proposes_closure_at_once(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, victims=0, sed=date(2030, 1, 1))
    first, second = make.person(case), make.person(case)
    browser = signed_in(app, vlo)
    browser.post(f"/cases/{case.id}/people/{first.id}/opt-out", {"reason": "Wants no contact"}, status=302)
    assert _reviews(database.session, case.id) == []
    browser.post(f"/cases/{case.id}/people/{second.id}/opt-out", {"reason": ""}, status=302)
    [review] = _reviews(database.session, case.id)
    assert review.title == "Review the case for closure: every victim has opted out"


def test_the_transfer_table_allows_one_pending_request_per_case(app, make, database, frozen_clock):
    """The database, not only the service, holds one pending transfer per case."""
    here, there, vlo, spo, _receiving = _two_regions(make)
    case = make.case(vlo=vlo)
    services.request_transfer(case, there, "Moved", spo)
    nested = database.session.begin_nested()
    database.session.add(
        CaseTransfer(
            case_id=case.id,
            from_team_id=here.id,
            to_team_id=there.id,
            reason="Twice",
            requested_by_id=spo.id,
        )
    )
    try:
        database.session.flush()
    except IntegrityError:
        nested.rollback()
    else:
        raise AssertionError("a second pending transfer was stored")
    assert database.session.get(Team, there.id) is not None
