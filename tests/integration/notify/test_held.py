"""When GOV.UK Notify already has something under a letter's or email's reference, it counts as
sent only if it is that letter or email; anything else holds it for the team's SPO, who checks
and sends it again under a new reference. Nothing held is sent or recorded as sent.

How Notify comes to have something else under a row's reference: rows made before references
were random carry `letter-<id>` or `reminder-<id>`, which a restored database (or a second one on
the same Notify service) also gives to other rows. The tests put the other row's send there
through the real client, as that other database would have.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tests.helpers import finish, post_with_token
from victims.audit.models import AuditEvent
from victims.cases.models import ContactLogEntry, Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.reminders import EmailStatus
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.letters import sending, services
from victims.letters.models import Letter
from victims.notify.gateway import gateway
from victims.notify.models import OutboxEmail, OutboxLetter
from victims.people.models import Person
from victims.reminders import services as reminders
from victims.reminders.models import Reminder
from victims.work.models import CaseDeadline, Task

NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def team(make, database):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    vlo.email_reminders = True
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"team": unit, "vlo": vlo, "spo": spo, "case": case, "victim": victim, "make": make}


def approved(team, person=None, case=None) -> Letter:
    letter = services.start_draft(
        case or team["case"], person or team["victim"], LetterType.INITIAL_CONTACT, team["vlo"]
    )
    texts = {s.key: finish(s) for s in letter.sections if not s.locked}
    services.save_draft(letter, texts, large_print=False, channel=letter.channel, user=team["vlo"])
    assert services.approve(letter, team["vlo"])
    db.session.flush()
    return letter


def another_victims_letter(team) -> Letter:
    """A letter to someone else, on another case: what another database sent under the reference."""
    case = team["make"].case(vlo=team["vlo"], crd=date(2027, 3, 1))
    other = db.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return approved(team, other, case)


def audited(record_type: str, record_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.record_type == record_type, AuditEvent.record_id == record_id)
            .order_by(AuditEvent.id)
        )
    )


def initial_contact_status(case_id: int) -> str:
    return db.session.scalar(
        select(CaseDeadline.status).where(
            CaseDeadline.case_id == case_id, CaseDeadline.code == "initial_contact"
        )
    )


def contact_log(case_id: int) -> list[str]:
    return list(db.session.scalars(select(ContactLogEntry.summary).where(ContactLogEntry.case_id == case_id)))


# -- letters ----------------------------------------------------------------------------------------


def test_a_letter_whose_reference_notify_has_for_another_letter_is_held_until_an_spo_sends_it_again(
    team, today, fake_notify, poppler, web, make
):
    letter = approved(team)
    other = another_victims_letter(team)
    gateway().send_letter(pdf=services.pdf_bytes(other), reference=letter.reference)

    assert sending.send(letter.id).status == "held"
    assert len(fake_notify.letters()) == 1  # only the other letter: nothing more went
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert (letter.status, letter.notify_id, letter.sent_at) == (LetterStatus.HELD, None, None)
    assert "to another address" in letter.problem
    assert team["victim"].last_name not in letter.problem
    # Nothing says it went: no contact-log entry, the initial-contact deadline still open.
    assert contact_log(letter.case_id) == []
    assert initial_contact_status(letter.case_id) == "open"
    assert audited("letter", letter.id)[-1] == "letter_held"
    # Nobody sends it again by themselves: not the sweep, not a retried task.
    assert letter_queries.letters_to_resend() == []
    assert sending.send(letter.id).status == "already_done"

    # The team's SPO sees it, with its reference to look for in Notify and why it is held.
    spo = web(team["spo"])
    page = spo.get("/tasks/team")
    assert "Letters and emails held for you to check (1)" in page
    assert letter.reference in page and "to another address" in page
    assert "held for you to check" not in web(make.user(Role.SPO)).get("/tasks/team")
    assert "Held: needs checking" in spo.get(f"/letters/{letter.id}")

    old_reference = letter.reference
    response = spo.post(f"/letters/{letter.id}/send-again", form_path="/tasks/team", status=302)
    assert response.headers["Location"].endswith("/tasks/team#held")
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == LetterStatus.APPROVED and letter.reference != old_reference
    assert audited("letter", letter.id)[-1] == "letter_sent_again"

    assert sending.send(letter.id).status == "sent"
    mine = [item for item in fake_notify.letters() if item["reference"] == letter.reference]
    assert len(mine) == 1 and len(fake_notify.letters()) == 2
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).notify_id == mine[0]["id"]
    assert contact_log(letter.case_id) == [f"Initial contact letter sent by post (letter {letter.id})."]
    assert initial_contact_status(letter.case_id) == "met"


def test_only_the_teams_spo_sends_a_held_letter_again(team, today, fake_notify, poppler, web, make):
    letter = approved(team)
    gateway().send_letter(pdf=services.pdf_bytes(another_victims_letter(team)), reference=letter.reference)
    assert sending.send(letter.id).status == "held"
    assert post_with_token(web(make.user(Role.SPO)), f"/letters/{letter.id}/send-again").status_code == 404
    assert post_with_token(web(team["vlo"]), f"/letters/{letter.id}/send-again").status_code == 403
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == LetterStatus.HELD


def test_a_letter_that_is_not_held_cannot_be_sent_again(team, today, web):
    letter = approved(team)
    response = post_with_token(web(team["spo"]), f"/letters/{letter.id}/send-again")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == LetterStatus.APPROVED


def test_a_letter_notify_has_not_read_yet_is_looked_at_again_until_it_has(
    team, today, fake_notify, poppler, app
):
    """A sender posted the letter and died; Notify has not yet read its address from the PDF."""
    fake_notify.read_letter_addresses = False
    letter = approved(team)
    assert sending._claim(letter.id)
    gateway().send_letter(pdf=services.pdf_bytes(letter), reference=letter.reference)
    today.advance(seconds=app.config["REMINDER_EMAIL_LEASE_SECONDS"] + 1)

    waiting = sending.send(letter.id)
    assert (waiting.status, waiting.retry_in) == ("retry", app.config["REMINDER_EMAIL_RETRY_SECONDS"] * 2)
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == LetterStatus.APPROVED

    fake_notify.read_addresses()
    assert sending.send(letter.id).status == "sent"
    [posted] = fake_notify.letters()
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).notify_id == posted["id"]


def test_a_letter_notify_never_reads_is_held_after_the_last_attempt(
    team, today, fake_notify, poppler, app, monkeypatch
):
    monkeypatch.setitem(app.config, "REMINDER_EMAIL_MAX_ATTEMPTS", 2)
    fake_notify.read_letter_addresses = False
    letter = approved(team)
    gateway().send_letter(pdf=services.pdf_bytes(letter), reference=letter.reference)
    assert sending.send(letter.id).status == "retry"
    assert sending.send(letter.id).status == "held"
    db.session.expire_all()
    assert "has not read its address" in db.session.get(Letter, letter.id).problem
    assert len(fake_notify.letters()) == 1


def test_a_letter_notify_had_before_it_was_approved_is_not_that_letter(team, today, fake_notify, poppler):
    """Notify took the first version while the sender thought it down; the letter was then
    recorded as failed, changed and approved again. What Notify has is the old version."""
    letter = approved(team)
    gateway().send_letter(pdf=services.pdf_bytes(letter), reference=letter.reference)
    letter.status = LetterStatus.FAILED
    db.session.flush()
    today.advance(hours=2)
    texts = {s.key: "Changed after it failed." for s in letter.sections if not s.locked}
    services.save_draft(letter, texts, large_print=False, channel="post", user=team["vlo"])
    assert services.approve(letter, team["vlo"])
    db.session.flush()

    assert sending.send(letter.id).status == "held"
    db.session.expire_all()
    assert "sent before this one was ready to go" in db.session.get(Letter, letter.id).problem


def test_a_letter_by_email_found_with_other_text_is_held(team, today, fake_notify):
    victim = team["victim"]
    victim.channel = "email"
    db.session.flush()
    letter = approved(team)
    gateway().send_email(
        template="letter",
        email_address=victim.email,
        personalisation={"subject": letter.title, "body": "Another letter's text."},
        reference=letter.reference,
    )
    assert sending.send(letter.id).status == "held"
    assert len(fake_notify.sent_to(victim.email)) == 1
    db.session.expire_all()
    assert "with other text" in db.session.get(Letter, letter.id).problem


def test_a_letter_by_email_found_the_same_is_sent_once(team, today, fake_notify):
    """The sender died after Notify took the email: what it finds is this letter."""
    victim = team["victim"]
    victim.channel = "email"
    db.session.flush()
    letter = approved(team)
    today.advance(days=1)  # the email's text is dated as the letter was approved, not as it went
    gateway().send_email(
        template="letter",
        email_address=victim.email,
        personalisation={"subject": letter.title, "body": sending.email_body(letter)},
        reference=letter.reference,
    )
    assert sending.send(letter.id).status == "sent"
    [sent] = fake_notify.sent_to(victim.email)
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).notify_id == sent["id"]


# -- reminder emails -------------------------------------------------------------------------------


def a_reminder(team) -> Reminder:
    case = team["make"].case(vlo=team["vlo"])
    deadline = CaseDeadline(
        case_id=case.id,
        code="initial_contact",
        due_on=date(2026, 11, 25),
        counted_from=date(2026, 11, 11),
        rule_version=1,
        rule_number=10,
    )
    db.session.add(deadline)
    db.session.flush()
    db.session.add(
        Task(
            case_id=case.id,
            team_id=case.team_id,
            deadline_id=deadline.id,
            title="Make initial contact with the victims",
            assigned_to_id=team["vlo"].id,
        )
    )
    db.session.flush()
    [reminder_id] = reminders.remind(deadline.id)
    return db.session.get(Reminder, reminder_id, options=[joinedload(Reminder.recipient)])


def test_a_reminder_email_whose_reference_notify_has_for_another_email_is_held_until_sent_again(
    team, today, fake_notify, web, make
):
    reminder = a_reminder(team)
    gateway().send_email(
        template="reminder",
        email_address="someone.else@probation.example",
        personalisation=reminders.personalisation(reminder),
        reference=reminder.reference,
    )

    assert reminders.send_email(reminder.id).status == "held"
    vlo_email = team["vlo"].email
    assert fake_notify.sent_to(vlo_email) == []
    db.session.expire_all()
    reminder = db.session.get(Reminder, reminder.id)
    assert reminder.email_status == EmailStatus.HELD and reminder.email_notification_id is None
    assert "to another email address" in reminder.email_error
    assert audited("reminder", reminder.id) == ["reminder_email_held"]
    held = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reminder_email_held")).one()
    assert (held.user_id, held.region_id) == (None, team["team"].region_id)  # on the region's trail
    assert reminders.send_email(reminder.id).status == "already_done"

    spo = web(team["spo"])
    page = spo.get("/tasks/team")
    assert "Letters and emails held for you to check (1)" in page
    assert reminder.reference in page and "Reminder email to Vera Liaison" in page
    assert "Reminder emails that could not be sent" not in page  # held is not failed
    assert post_with_token(web(make.user(Role.SPO)), f"/reminders/{reminder.id}/try-again").status_code == 404

    old_reference = reminder.reference
    response = spo.post(f"/reminders/{reminder.id}/try-again", form_path="/tasks/team", status=302)
    assert response.headers["Location"].endswith("/tasks/team#held")
    db.session.expire_all()
    reminder = db.session.get(Reminder, reminder.id)
    assert reminder.email_status == EmailStatus.PENDING and reminder.reference != old_reference
    assert audited("reminder", reminder.id)[-1] == "reminder_email_sent_again"

    assert reminders.send_email(reminder.id).status == "sent"
    [sent] = fake_notify.sent_to(vlo_email)
    assert sent["reference"] == reminder.reference


def test_a_reminder_email_found_with_another_stage_is_held(team, today, fake_notify):
    reminder = a_reminder(team)
    personalisation = {**reminders.personalisation(reminder), "stage": "Overdue"}
    gateway().send_email(
        template="reminder",
        email_address=team["vlo"].email,
        personalisation=personalisation,
        reference=reminder.reference,
    )
    assert reminders.send_email(reminder.id).status == "held"
    db.session.expire_all()
    assert "with another subject" in db.session.get(Reminder, reminder.id).email_error


# -- the development outbox (no Notify key) ------------------------------------------------------------


def test_in_the_development_outbox_too_only_the_rows_own_send_counts(team, today, app, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "")
    # Another email under the reminder's reference: held.
    reminder = a_reminder(team)
    gateway().send_email(
        template="reminder",
        email_address="someone.else@probation.example",
        personalisation=reminders.personalisation(reminder),
        reference=reminder.reference,
    )
    assert reminders.send_email(reminder.id).status == "held"

    # The letter a dead sender left in the outbox: it is this letter, so it counts as sent.
    letter = approved(team)
    gateway().send_letter(pdf=services.pdf_bytes(letter), reference=letter.reference)
    assert sending.send(letter.id).status == "sent"
    assert len(db.session.scalars(select(OutboxLetter)).all()) == 1

    # Another letter's PDF under a letter's reference: held.
    held = approved(team)
    gateway().send_letter(pdf=services.pdf_bytes(another_victims_letter(team)), reference=held.reference)
    assert sending.send(held.id).status == "held"
    db.session.expire_all()
    assert "with another PDF" in db.session.get(Letter, held.id).problem
    assert db.session.scalars(select(OutboxEmail.email_address)).all() == ["someone.else@probation.example"]


def test_the_held_list_is_the_spos_only_and_waits_for_nobody_else(team, today, fake_notify, web):
    reminder = a_reminder(team)
    gateway().send_email(
        template="reminder",
        email_address="someone.else@probation.example",
        personalisation=reminders.personalisation(reminder),
        reference=reminder.reference,
    )
    reminders.send_email(reminder.id)
    today.advance(days=1)
    # The sweep hands out emails waiting too long; a held one is not waiting, it is a person's.
    now = reminders.clock.utcnow()
    assert reminders.queries.emails_to_resend(now, now + timedelta(days=1), 100) == []
    assert "held for you to check" not in web(team["vlo"]).get("/tasks/mine")
