"""Deadlines met by evidence, and contact that can be regained (issue 13).

The frozen day is Wednesday 25 November 2026. The factory's case was referred on 10 March 2024, so
its initial contact (20 working days) was due on Tuesday 9 April 2024 (Good Friday 29 March and
Easter Monday 1 April 2024 are not working days); working days late were counted by hand."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests.helpers import date_parts, post_with_token, signed_in
from tests.integration.api.test_api import Api
from tests.integration.letters import test_letters
from victims.api.auth import create_client
from victims.audit.models import AuditEvent
from victims.cases.models import ContactLogEntry
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import sending, services
from victims.letters.models import Letter
from victims.people.models import Person
from victims.work import services as work
from victims.work.models import CaseDeadline, DeadlineChange, Task

# The letters tests' team (a VLO with a direct line, an SPO, a case with a victim) and frozen day.
team, today = test_letters.team, test_letters.today
draft, _sent = test_letters.draft, test_letters._sent

TODAY = date(2026, 11, 25)
INITIAL_DUE = date(2024, 4, 9)


def _deadline(case_id: int, code: str) -> CaseDeadline:
    db.session.expire_all()
    return db.session.scalars(
        select(CaseDeadline)
        .where(CaseDeadline.case_id == case_id, CaseDeadline.code == code)
        .order_by(CaseDeadline.id.desc())
    ).first()


def _task(deadline_id: int) -> Task:
    return db.session.scalar(select(Task).where(Task.deadline_id == deadline_id))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _contact(person_id: int, **changes) -> dict:
    form = {
        "person": str(person_id),
        "occurred_on": date_parts(TODAY),
        "occurred_time": "09:30",
        "method": "telephone",
        "direction": "outbound",
        "outcome": "made",
        "summary": "Explained the scheme.",
    }
    form.update(changes)
    return form


def _error_messages(html: str) -> list[str]:
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    if not summary:
        return []
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


# -- late and on time --------------------------------------------------------------------------------


def test_a_late_initial_contact_is_reported_as_late_with_what_met_it(team, today):
    case, victim = team["case"], team["victim"]
    browser = _browser(team["vlo"])
    browser.post(f"/cases/{case.id}/contacts/new", _contact(victim.id), status=302)
    row = _deadline(case.id, "initial_contact")
    entry = db.session.scalar(select(ContactLogEntry).where(ContactLogEntry.case_id == case.id))
    # 9 April 2024 → 25 November 2026: every weekday between, less the bank holidays after the due day.
    assert (row.status, row.met_on, row.met_how, row.met_evidence_id) == ("met", TODAY, "contact", entry.id)
    assert row.days_late == _weekdays_after(INITIAL_DUE, TODAY) - _bank_holidays_after(INITIAL_DUE, TODAY)
    assert row.days_late > 600
    assert row.met_by_id == team["vlo"].id
    page = _text(browser.get(f"/cases/{case.id}/deadlines"))
    assert f"Met {row.days_late} working days late, 25 November 2026" in page
    assert "By a contact recorded (Vera Liaison)" in page


def test_a_contact_on_the_due_day_is_on_time(team, today, database):
    case = team["case"]
    row = _deadline(case.id, "initial_contact")
    row.due_on = TODAY  # as if referred 20 working days ago
    database.session.flush()
    _browser(team["vlo"]).post(f"/cases/{case.id}/contacts/new", _contact(team["victim"].id), status=302)
    row = _deadline(case.id, "initial_contact")
    assert (row.status, row.days_late) == ("met", 0)
    assert "Met on time, 25 November 2026" in _text(_browser(team["vlo"]).get(f"/cases/{case.id}/deadlines"))


def test_a_documented_attempt_meets_initial_contact_and_shows_in_the_log(team, today):
    case = team["case"]
    browser = _browser(team["vlo"])
    browser.post(
        f"/cases/{case.id}/contacts/new",
        _contact(team["victim"].id, outcome="attempted", summary="Rang twice; no answer, no voicemail."),
        status=302,
    )
    row = _deadline(case.id, "initial_contact")
    assert (row.status, row.met_how) == ("met", "attempt")
    entry = db.session.scalar(select(ContactLogEntry).where(ContactLogEntry.case_id == case.id))
    assert entry.outcome == "attempted"
    assert "Attempted, no answer" in browser.get(f"/cases/{case.id}/contacts")


def test_an_attempt_from_the_victim_makes_no_sense_and_is_refused(team, today):
    case = team["case"]
    response = _browser(team["vlo"]).post(
        f"/cases/{case.id}/contacts/new",
        _contact(team["victim"].id, outcome="attempted", direction="inbound"),
        status=200,
    )
    assert _error_messages(response.get_data(as_text=True)) == [
        "Only an attempt to contact the victim can go unanswered"
    ]
    assert _deadline(case.id, "initial_contact").status == "open"


def test_a_key_stage_letter_does_not_meet_initial_contact_but_meets_an_events_task(team, today):
    case = team["case"]
    recall = work.record_event(case, "recall", TODAY, None, team["vlo"])
    before = work.record_event(case, "release", TODAY, None, team["vlo"])
    # Evidence dated before the day an event's task counts from does not meet it.
    assert (
        work.meet(case.id, "event_release", date(2026, 11, 24), None, Evidence(EvidenceKind.LETTER, 1))
        is False
    )
    letter = draft(team, letter_type=LetterType.KEY_STAGE)
    services.approve(letter, team["vlo"])
    db.session.flush()
    sending.send(letter.id)
    assert _deadline(case.id, "initial_contact").status == "open"
    for event in (recall, before):
        row = db.session.scalar(select(CaseDeadline).where(CaseDeadline.event_id == event.id))
        assert (row.status, row.met_how, row.met_evidence_id) == ("met", "letter", letter.id)


def test_a_vlo_cannot_mark_done_what_evidence_meets(team, today):
    case = team["case"]
    row = _deadline(case.id, "initial_contact")
    task = _task(row.id)
    browser = _browser(team["vlo"])
    mine = browser.get("/tasks/mine")
    row_html = next(part for part in mine.split("<tr") if f'data-task-id="{task.id}"' in part)
    assert "Mark as done" not in row_html
    assert "Done when an initial-contact letter is sent, or a contact or an attempt is added" in row_html
    response = post_with_token(browser, f"/tasks/{task.id}/done", from_page=f"/cases/{case.id}")
    assert response.status_code == 302
    assert _deadline(case.id, "initial_contact").status == "open"
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_done")).all() == []


# -- an SPO by hand --------------------------------------------------------------------------------


def test_only_an_spo_of_the_team_marks_a_deadline_met_by_hand_with_a_reason(team, today, make):
    case = team["case"]
    row = _deadline(case.id, "initial_contact")
    path = f"/deadlines/{row.id}/meet"
    _browser(team["vlo"]).get(path, status=403)
    _browser(make.user(Role.SPO)).get(path, status=404)  # another team's SPO

    spo = _browser(team["spo"])
    case_page = spo.get(f"/cases/{case.id}/deadlines")
    assert f'href="{path}"' in case_page
    form = spo.get(path)
    assert "Mark as met" in form and "Done when an initial-contact letter is sent" in form

    response = spo.post(path, {"met_on": date_parts(TODAY), "reason": "  "}, status=200)
    html = response.get_data(as_text=True)
    assert _error_messages(html) == ["Enter why you are marking it as met"]
    assert 'id="reason-error"' in html and "<title>Error:" in html
    response = spo.post(path, {"met_on": date_parts(date(2026, 11, 26)), "reason": "Met"}, status=200)
    assert _error_messages(response.get_data(as_text=True)) == [
        "Date it was met must be today or in the past"
    ]
    assert _deadline(case.id, "initial_contact").status == "open"

    reason = "Visited the victim at the police station on 2 May 2024; notes on paper"
    spo.post(path, {"met_on": date_parts(date(2024, 5, 2)), "reason": reason}, status=302)
    row = _deadline(case.id, "initial_contact")
    # 9 April → 2 May 2024: 10–12, 15–19, 22–26, 29–30 April and 1–2 May (the early May bank
    # holiday was 6 May): 17 working days.
    assert (row.status, row.met_on, row.met_how, row.met_reason, row.met_by_id, row.days_late) == (
        "met",
        date(2024, 5, 2),
        "manual",
        reason,
        team["spo"].id,
        17,
    )
    assert _task(row.id).status == "done"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deadline_met_by_hand")).all()
    assert (event.reason, event.user_id, event.case_id) == (reason, team["spo"].id, case.id)
    page = _text(spo.get(f"/cases/{case.id}/deadlines"))
    assert "Met 17 working days late, 2 May 2024" in page
    assert "a senior probation officer, by hand (Sam Senior)" in page and reason in page
    # Met, it has nothing left to meet.
    spo.get(path, status=404)


# -- returned mail and bounced email ----------------------------------------------------------------


def test_a_returned_letter_reopens_initial_contact_and_keeps_the_meeting_in_history(team, today):
    case = team["case"]
    letter = _sent(team)
    row = _deadline(case.id, "initial_contact")
    assert (row.status, row.met_how, row.met_evidence_id) == ("met", "initial_letter", letter.id)
    days_late = row.days_late
    task = _task(row.id)
    assert task.status == "done"

    browser = _browser(team["vlo"])
    browser.post(f"/letters/{letter.id}/returned", form_path=f"/letters/{letter.id}", status=302)

    row = _deadline(case.id, "initial_contact")
    assert (row.status, row.met_on, row.met_how, row.met_evidence_id, row.days_late) == (
        "open",
        None,
        None,
        None,
        None,
    )
    task = _task(row.id)
    assert (task.status, task.done_at, task.done_by_id) == ("open", None, None)
    [change] = db.session.scalars(select(DeadlineChange).where(DeadlineChange.deadline_id == row.id)).all()
    assert (change.was_met_on, change.was_met_how, change.was_met_evidence_id, change.was_days_late) == (
        TODAY,
        "initial_letter",
        letter.id,
        days_late,
    )
    assert change.changed_by_id == team["vlo"].id
    returned = db.session.scalar(
        select(ContactLogEntry).where(
            ContactLogEntry.case_id == case.id, ContactLogEntry.outcome == "returned_mail"
        )
    )
    assert returned is not None and returned.person_id == team["victim"].id
    assert "Returned mail" in _text(browser.get(f"/cases/{case.id}/contacts"))
    page = _text(browser.get(f"/cases/{case.id}/deadlines"))
    assert f"Reopened: letter {letter.id} came back (returned mail)" in page
    assert (
        f"It had been met {days_late} working days late, 25 November 2026, by an initial-contact letter sent"
        in page
    )
    assert "Contact lost since 25 November 2026" in _text(browser.get(f"/cases/{case.id}/people"))
    reopened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "deadline_reopened")).all()
    assert [event.record_id for event in reopened] == [row.id]


def test_a_bounced_email_reopens_what_it_met_and_is_in_the_contact_log(team, today, fake_notify):
    team["victim"].channel = "email"
    db.session.flush()
    letter = _sent(team)
    assert _deadline(team["case"].id, "initial_contact").status == "met"
    fake_notify.set_status(letter.notify_id, "permanent-failure")
    sending.follow_delivery(letter.id)
    assert _deadline(team["case"].id, "initial_contact").status == "open"
    outcomes = db.session.scalars(
        select(ContactLogEntry.outcome)
        .where(ContactLogEntry.case_id == team["case"].id)
        .order_by(ContactLogEntry.id)
    ).all()
    assert outcomes == ["made", "bounced_email"]  # the letter sent, then it bounced


# -- contact regained --------------------------------------------------------------------------------


def test_contact_lost_then_regained_by_new_details_and_the_next_letter_passes_and_sends(
    team,
    today,
    fake_notify,
):
    case, victim = team["case"], team["victim"]
    letter = _sent(team)
    browser = _browser(team["vlo"])
    browser.post(f"/letters/{letter.id}/returned", form_path=f"/letters/{letter.id}", status=302)
    assert db.session.get(Person, victim.id).contact_lost is True
    blocked = draft(team)
    assert not services.passes(services.check_letter(blocked))
    lost = _deadline(case.id, "contact_lost")
    assert (lost.status, lost.person_id) == ("open", victim.id)

    base = f"/cases/{case.id}/people/{victim.id}"
    browser.post(f"{base}/reveal", {"reason": "Victim phoned with a new address"}, status=200)
    db.session.expire_all()
    victim = db.session.get(Person, victim.id)
    browser.post(
        f"{base}/details",
        {
            "first_name": victim.first_name,
            "last_name": victim.last_name,
            "date_of_birth": date_parts(victim.date_of_birth),
            "address_line_1": "10 New Road",
            "address_town": "Newtown",
            "address_postcode": "NT1 1NT",
            "telephone": victim.telephone,
            "email": victim.email,
            "reason": "Victim moved house",
            "version": str(victim.version),
        },
        status=302,
    )
    db.session.expire_all()
    victim = db.session.get(Person, victim.id)
    assert victim.address_line_1 == "10 New Road"
    assert (victim.contact_lost, victim.contact_lost_on, victim.contact_regained_on) == (False, TODAY, TODAY)
    lost = _deadline(case.id, "contact_lost")
    assert (lost.status, lost.met_how, lost.met_evidence_id) == ("met", "new_details", victim.id)
    assert _task(lost.id).status == "done"
    [regained] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact_regained")).all()
    assert regained.details == {"how": "new_details", "lost_on": TODAY.isoformat()}
    assert "Regained 25 November 2026 (lost 25 November 2026)" in _text(
        browser.get(f"/cases/{case.id}/people")
    )

    # The next letter passes the check and goes.
    services.cancel(blocked, team["vlo"])
    letter = draft(team)
    assert services.passes(services.check_letter(letter))
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert sending.send(letter.id).status == "sent"
    assert db.session.get(Letter, letter.id).status == LetterStatus.SENT
    # And it met the initial contact that the returned letter had reopened.
    assert _deadline(case.id, "initial_contact").met_evidence_id == letter.id


def test_a_contact_made_regains_contact_but_an_attempt_does_not(team, today, fake_notify):
    case, victim = team["case"], team["victim"]
    letter = _sent(team)
    _browser(team["vlo"]).post(
        f"/letters/{letter.id}/returned", form_path=f"/letters/{letter.id}", status=302
    )
    browser = _browser(team["vlo"])
    browser.post(f"/cases/{case.id}/contacts/new", _contact(victim.id, outcome="attempted"), status=302)
    assert db.session.get(Person, victim.id).contact_lost is True
    assert _deadline(case.id, "contact_lost").status == "open"
    # The victim rings in: contact made, from them.
    browser.post(f"/cases/{case.id}/contacts/new", _contact(victim.id, direction="inbound"), status=302)
    db.session.expire_all()
    assert db.session.get(Person, victim.id).contact_lost is False
    lost = _deadline(case.id, "contact_lost")
    assert (lost.status, lost.met_how) == ("met", "contact")


def test_regaining_one_person_does_not_meet_anothers_lost_contact(team, today, make, fake_notify):
    case = team["case"]
    other = make.person(case, first_name="Other")
    for person in (team["victim"], other):
        person.contact_lost = True
        work.open_work(case, "contact_lost", TODAY, person_id=person.id)
    db.session.flush()
    _browser(team["vlo"]).post(
        f"/cases/{case.id}/contacts/new", _contact(team["victim"].id, direction="inbound"), status=302
    )
    db.session.expire_all()
    rows = db.session.scalars(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.code == "contact_lost")
    ).all()
    assert {row.person_id: row.status for row in rows} == {team["victim"].id: "met", other.id: "open"}
    assert db.session.get(Person, other.id).contact_lost is True


# -- the API ------------------------------------------------------------------------------------------


def test_the_api_case_document_carries_each_deadlines_state(team, today, app, database):
    case = team["case"]
    _browser(team["vlo"]).post(f"/cases/{case.id}/contacts/new", _contact(team["victim"].id), status=302)
    _client, token = create_client("Probation system", team["team"].region_id, team["team"].id)
    body = Api(app, token).get(f"/cases/{case.id}").get_json()
    by_code = {row["code"]: row for row in body["deadlines"]}
    initial = by_code["initial_contact"]
    late = _deadline(case.id, "initial_contact").days_late
    assert (initial["state"], initial["met_on"], initial["days_late"], initial["met_how"]) == (
        "met",
        "2026-11-25",
        late,
        "contact",
    )
    assert by_code["referral"]["met_how"] == "referral"
    representations = by_code["licence_representations"]  # due 4 January 2027
    assert (representations["state"], representations["met_on"], representations["days_late"]) == (
        "open",
        None,
        None,
    )
    # The pre-release window opened (1 September 2026) and nobody has made pre-release contact.
    assert by_code["pre_release_window"]["state"] == "overdue"


# -- helpers -----------------------------------------------------------------------------------------


def _browser(user):
    from flask import current_app

    return signed_in(current_app, user)


def _weekdays_after(first: date, last: date) -> int:
    from datetime import timedelta

    day, count = first, 0
    while day < last:
        day += timedelta(days=1)
        count += day.weekday() < 5
    return count


def _bank_holidays_after(first: date, last: date) -> int:
    import holidays

    return sum(
        1
        for day in holidays.GB(subdiv="ENG", years=range(first.year, last.year + 1))
        if first < day <= last and day.weekday() < 5
    )
