"""Letters from draft to sent: the quality check blocks every letter that fails it, whatever the
path (the form, a crafted request, an edited template, a tampered record), and a letter that
passes is sent once through GOV.UK Notify (a local fake behind the real client), logged, and
followed up when it comes back.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import SNAPSHOTS, finish, post_with_token
from victims.cases.models import ContactLogEntry, Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.letters import UNWANTED_CONTACT, LetterStatus, LetterType, Section
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.letters import sending, services, template_versions
from victims.letters.models import Letter, LetterTemplate
from victims.people.models import Person
from victims.prerelease.models import ReleaseAddress
from victims.refusals import Refused
from victims.work.models import CaseDeadline, Task


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def team(make, database):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"team": unit, "vlo": vlo, "spo": spo, "case": case, "victim": victim}


NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")


def draft(team, letter_type=LetterType.INITIAL_CONTACT, person=None, *, finished=True) -> Letter:
    """A draft, with the template's [notes in square brackets] written over as a VLO would."""
    letter = services.start_draft(team["case"], person or team["victim"], letter_type, team["vlo"])
    if finished:
        texts = {s.key: finish(s) for s in letter.sections if not s.locked}
        services.save_draft(
            letter, texts, large_print=letter.large_print, channel=letter.channel, user=team["vlo"]
        )
    return letter


def failed_checks(letter) -> dict[str, tuple[str, ...]]:
    return {result.code: result.problems for result in services.check_letter(letter) if not result.passed}


# -- a letter that passes goes once ----------------------------------------------------------------


def test_an_initial_contact_letter_is_drafted_checked_approved_and_sent_once(team, today, fake_notify):
    letter = draft(team)
    assert letter.language == "en" and letter.channel == "post"
    unwanted = next(s for s in letter.sections if s.key == UNWANTED_CONTACT)
    assert unwanted.locked and "0300 060 6699" in unwanted.body
    assert failed_checks(letter) == {}

    assert services.approve(letter, team["vlo"]) is True
    assert letter.status == LetterStatus.APPROVED and letter.pdf_base64
    db.session.flush()

    assert sending.send(letter.id).status == "sent"
    assert sending.send(letter.id).status == "already_done"  # a retried task
    [posted] = fake_notify.letters()
    # Its own reference, random: never made from the id, which a restored database hands out again.
    assert re.fullmatch(r"letter-[0-9a-f]{32}", letter.reference)
    assert posted["reference"] == letter.reference
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert posted["pdf"] == base64.b64decode(letter.pdf_base64)  # the exact PDF approved
    assert (letter.status, letter.notify_id) == (LetterStatus.SENT, posted["id"])
    logged = db.session.scalars(
        select(ContactLogEntry).where(ContactLogEntry.case_id == letter.case_id)
    ).all()
    assert [entry.summary for entry in logged] == [
        f"Initial contact letter sent by post (letter {letter.id})."
    ]
    met = db.session.scalar(
        select(CaseDeadline.status).where(
            CaseDeadline.case_id == letter.case_id, CaseDeadline.code == "initial_contact"
        )
    )
    assert met == "met"


def test_a_letter_by_email_goes_through_notify_email_with_its_text(team, today, fake_notify):
    victim = team["victim"]
    victim.channel = "email"
    db.session.flush()
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert sending.send(letter.id).status == "sent"
    [sent] = fake_notify.sent_to(victim.email)
    assert sent["reference"] == letter.reference
    assert "If the offender contacts you" in sent["body"]
    assert "Vera Liaison" in sent["body"] and "01632 960 123" in sent["body"]


def test_a_sender_that_died_after_notify_took_the_letter_does_not_post_a_second(
    team, today, fake_notify, app
):
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert sending._claim(letter.id)
    from victims.notify.gateway import gateway

    gateway().send_letter(pdf=services.pdf_bytes(letter), reference=letter.reference)
    assert sending.send(letter.id).status == "busy"
    assert letter_queries.letters_to_resend() == []  # held, and just approved
    today.advance(seconds=app.config["REMINDER_EMAIL_STALE_SECONDS"] + 1)  # longer than the lease
    assert letter_queries.letters_to_resend() == [letter.id]
    assert sending.send(letter.id).status == "sent"
    assert len(fake_notify.letters()) == 1


def test_notify_down_is_retried_and_a_refusal_is_shown(team, today, fake_notify):
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    fake_notify.fail_next(1, status=503)
    assert sending.send(letter.id).status == "retry"
    fake_notify.fail_next(1, status=400)
    assert sending.send(letter.id).status == "failed"
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == LetterStatus.FAILED
    assert letter.problem == "GOV.UK Notify answered 400 (BadRequestError)"
    assert fake_notify.letters() == []


# -- no path sends a letter without "If the offender contacts you" --------------------------------


def test_a_crafted_post_cannot_change_or_empty_a_locked_section(team, today, web):
    letter = draft(team)
    before = next(s for s in letter.sections if s.key == UNWANTED_CONTACT)
    browser = web(team["vlo"])
    browser.post(
        f"/letters/{letter.id}",
        {
            f"section_{UNWANTED_CONTACT}": "",
            "section_sign_off": "Bye",
            "section_opening": "Dear Jane, hello.",
            "large_print": "no",
            "channel": "post",
            "version": str(letter.version),
        },
        status=302,
    )
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert next(s for s in letter.sections if s.key == UNWANTED_CONTACT) == before
    assert next(s for s in letter.sections if s.key == "opening").body == "Dear Jane, hello."
    assert failed_checks(letter) == {}


def test_an_administrator_cannot_save_a_template_without_the_section(team, today, make):
    admin = make.user(Role.ADMIN)
    template = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    without = [s for s in template.sections if s.key != UNWANTED_CONTACT]
    with pytest.raises(Refused, match="is mandatory and cannot be removed"):
        template_versions.save_template_version(
            LetterType.INITIAL_CONTACT, "en", template.title, without, "x", admin
        )
    emptied = [
        Section(s.key, s.heading, "" if s.key == UNWANTED_CONTACT else s.body, s.locked)
        for s in template.sections
    ]
    with pytest.raises(Refused, match="cannot be empty"):
        template_versions.save_template_version(
            LetterType.INITIAL_CONTACT, "en", template.title, emptied, "x", admin
        )
    no_999 = [
        Section(
            s.key,
            s.heading,
            s.body.replace("999", "the police") if s.key == UNWANTED_CONTACT else s.body,
            s.locked,
        )
        for s in template.sections
    ]
    with pytest.raises(Refused, match="call 999"):
        template_versions.save_template_version(
            LetterType.INITIAL_CONTACT, "en", template.title, no_999, "x", admin
        )
    reworded = [
        Section(
            s.key, s.heading, s.body + "\n\nWe are here to help." if s.key == "opening" else s.body, s.locked
        )
        for s in template.sections
    ]
    saved = template_versions.save_template_version(
        LetterType.INITIAL_CONTACT, "en", template.title, reworded, "y", admin
    )
    assert saved.version == template.version + 1
    assert template_versions.current_template(LetterType.INITIAL_CONTACT, "en").id == saved.id


def test_a_template_tampered_with_in_the_database_cannot_produce_a_letter_that_goes(team, today, fake_notify):
    template = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    tampered = LetterTemplate(
        letter_type=template.letter_type,
        language="en",
        version=template.version + 1,
        title=template.title,
        sections_data=[
            {"key": s.key, "heading": s.heading, "body": s.body, "locked": s.locked}
            for s in template.sections
            if s.key != UNWANTED_CONTACT
        ],
    )
    db.session.add(tampered)
    db.session.flush()
    letter = draft(team)
    assert "If the offender contacts you" in " ".join(failed_checks(letter)["sections"])
    with pytest.raises(Refused, match="has not passed the quality check"):
        services.approve(letter, team["vlo"])


def test_a_letter_tampered_with_after_approval_is_refused_when_it_is_about_to_go(team, today, fake_notify):
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    sections = [s for s in letter.sections if s.key != UNWANTED_CONTACT]
    data = json.dumps(
        [{"key": s.key, "heading": s.heading, "body": s.body, "locked": s.locked} for s in sections]
    )
    letter.sections_json = data  # as if written straight into the database
    db.session.flush()
    assert sending.send(letter.id).status == "refused"
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == LetterStatus.FAILED
    assert "failed the quality check" in letter.problem
    assert fake_notify.letters() == []


# -- each check, failing and fixed --------------------------------------------------------------------


def test_a_letter_drafted_before_the_victim_moved_must_be_refreshed(team, today):
    letter = draft(team)
    team["victim"].address_line_1 = "99 New Road"
    db.session.flush()
    [problem] = failed_checks(letter)["case"]
    assert "the recipient’s address" in problem and "Refresh the letter" in problem
    services.refresh(letter, team["vlo"])
    assert "case" not in failed_checks(letter)


def test_a_release_date_change_after_drafting_must_be_refreshed(team, today, database):
    letter = draft(team, LetterType.PRE_RELEASE)
    sentence = database.session.get(Sentence, team["case"].sentence_id)
    sentence.crd = date(2027, 5, 3)
    database.session.flush()
    assert "the month of release" in failed_checks(letter)["case"][0]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("The offender will be released on 1 March 2027.", "conditional release date (1 March 2027)"),
        ("The offender will be released on 01/03/2027.", "conditional release date (1 March 2027)"),
        ("He is held at HMP Testshire.", "names the offender’s prison (HMP Testshire)"),
    ],
)
def test_nothing_the_victim_must_not_be_told(team, today, words, expected):
    letter = draft(team)
    services.save_draft(
        letter, {"opening": f"Dear Jane,\n\n{words}"}, large_print=False, channel="post", user=team["vlo"]
    )
    assert expected in failed_checks(letter)["disclosure"][0]


def test_another_victims_details_are_not_disclosed(team, today, make):
    other = make.person(team["case"], first_name="Olivia", last_name="Other")
    letter = draft(team)
    services.save_draft(
        letter,
        {"opening": "Dear Jane,\n\nOlivia Other was also told."},
        large_print=False,
        channel="post",
        user=team["vlo"],
    )
    assert "“Olivia Other” is another person on the case" in failed_checks(letter)["disclosure"][0]
    assert other.id


@pytest.mark.parametrize(
    "words",
    ["He is to live at 14 Bedford Road on release.", "He will be released to an address in MK42 7AB."],
)
def test_the_offenders_release_address_is_never_told_to_the_victim(team, today, database, words):
    database.session.add(
        ReleaseAddress(
            case_id=team["case"].id,
            street="14 Bedford Road",
            postcode="MK42 7AB",
            source="api",
            given_on=date(2026, 11, 20),
        )
    )
    database.session.flush()
    letter = draft(team)
    assert "disclosure" not in failed_checks(letter)
    services.save_draft(
        letter, {"opening": f"Dear Jane,\n\n{words}"}, large_print=False, channel="post", user=team["vlo"]
    )
    assert "the offender’s release address" in failed_checks(letter)["disclosure"][0]
    # Changed, then withdrawn: the address given before is still never told (he may go there).
    for postcode in ("MK40 1AA", None):
        database.session.add(
            ReleaseAddress(
                case_id=team["case"].id, postcode=postcode, source="api", given_on=date(2026, 11, 24)
            )
        )
        database.session.flush()
        assert "the offender’s release address" in failed_checks(letter)["disclosure"][0]


def test_the_victims_choices_are_respected(team, today):
    victim = team["victim"]
    victim.contact_level = "month_of_release"
    db.session.flush()
    letter = draft(team, LetterType.KEY_STAGE)
    assert "Month of release only" in failed_checks(letter)["choices"][0]
    victim.contact_level = "key_stages"
    db.session.flush()
    services.save_draft(letter, {}, large_print=True, channel="email", user=team["vlo"])
    problems = failed_checks(letter)["choices"]
    assert any("standard print" in problem for problem in problems)
    assert any("by post" in problem for problem in problems)


def test_an_opted_out_victim_gets_no_initial_contact_letter(team, today):
    team["victim"].contact_level = "opted_out"
    db.session.flush()
    assert "Opted out" in failed_checks(draft(team))["choices"][0]


def test_a_child_victims_letter_goes_to_a_parent_or_guardian(team, today, make):
    child = make.person(team["case"], first_name="Kit", date_of_birth=date(2012, 1, 1))
    letter = draft(team, person=child)
    assert "under 18" in failed_checks(letter)["recipient"][0]
    guardian = make.person(
        team["case"], relationship_="parent_guardian", acting_for_id=child.id, first_name="Pat"
    )
    letter = draft(team, person=guardian)
    assert "recipient" not in failed_checks(letter)
    assert letter.facts["victim_name"] == child.full_name


def test_a_victim_flagged_contact_lost_gets_no_letter(team, today):
    team["victim"].contact_lost = True
    db.session.flush()
    assert "contact lost" in failed_checks(draft(team))["reachable"][0]


def test_a_vlo_without_a_direct_line_cannot_send_the_unwanted_contact_section(team, today):
    team["vlo"].phone = None
    db.session.flush()
    assert "no direct telephone number" in " ".join(failed_checks(draft(team))["sections"])


def test_welsh_letters_come_from_the_welsh_template(team, today, fake_notify):
    team["victim"].language = "cy"
    db.session.flush()
    letter = draft(team)
    assert letter.language == "cy"
    assert "Os bydd y troseddwr yn cysylltu â chi" in [s.heading for s in letter.sections]
    assert failed_checks(letter) == {}
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert sending.send(letter.id).status == "sent"


# -- countersigning --------------------------------------------------------------------------------------


def test_a_new_starters_letter_waits_for_an_spo_to_countersign(team, today, fake_notify, web, make):
    team["vlo"].requires_countersign = True
    db.session.flush()
    letter = draft(team)
    assert services.approve(letter, team["vlo"]) is False
    assert letter.status == LetterStatus.AWAITING_COUNTERSIGN
    db.session.flush()
    assert sending.send(letter.id).status == "already_done"  # not approved: nothing goes
    assert fake_notify.letters() == []

    other_spo = make.user(Role.SPO)
    assert post_with_token(web(other_spo), f"/letters/{letter.id}/countersign").status_code == 404
    assert post_with_token(web(team["vlo"]), f"/letters/{letter.id}/countersign").status_code == 403
    page = web(team["spo"]).get("/tasks/team")
    assert f"Initial contact letter {letter.id}" in page

    services.countersign(letter, team["spo"])
    assert (letter.status, letter.countersigned_by_id) == (LetterStatus.APPROVED, team["spo"].id)
    db.session.flush()
    assert sending.send(letter.id).status == "sent"


def test_nobody_countersigns_their_own_letter(team, today, make):
    spo = team["spo"]
    spo.requires_countersign = True
    db.session.flush()
    letter = draft({**team, "vlo": spo})
    services.approve(letter, spo)
    with pytest.raises(Refused, match="Someone other than"):
        services.countersign(letter, spo)


def test_an_spo_chooses_whose_letters_need_countersigning(team, web, make):
    spo = web(team["spo"])
    spo.post(f"/team/countersigning/{team['vlo'].id}/on", form_path="/team/countersigning", status=302)
    db.session.expire_all()
    assert db.session.get(type(team["vlo"]), team["vlo"].id).requires_countersign is True
    stranger = make.user(Role.VLO)
    response = post_with_token(web(team["spo"]), f"/team/countersigning/{stranger.id}/on")
    assert response.status_code == 404


# -- after sending ------------------------------------------------------------------------------------------


def _sent(team) -> Letter:
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    sending.send(letter.id)
    db.session.expire_all()
    return db.session.get(Letter, letter.id)


def _contact_lost_tasks(case_id) -> list[str]:
    return list(
        db.session.scalars(
            select(Task.title)
            .join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
            .where(Task.case_id == case_id, CaseDeadline.code == "contact_lost")
        )
    )


def test_a_bounced_email_flags_contact_lost_and_makes_a_task(team, today, fake_notify):
    team["victim"].channel = "email"
    db.session.flush()
    letter = _sent(team)
    assert letter_queries.letters_to_follow() == [letter.id]
    fake_notify.set_status(letter.notify_id, "permanent-failure")
    assert sending.follow_delivery(letter.id) == "permanent-failure"
    db.session.expire_all()
    assert db.session.get(Person, team["victim"].id).contact_lost is True
    assert _contact_lost_tasks(letter.case_id) == [
        "Find a new way to reach the victim: a letter or email came back"
    ]
    assert letter_queries.letters_to_follow() == []


def test_returned_mail_is_recorded_from_the_letter_page(team, today, fake_notify, web):
    letter = _sent(team)
    browser = web(team["vlo"])
    page = browser.get(f"/letters/{letter.id}")
    assert "Record that it came back" in page
    browser.post(f"/letters/{letter.id}/returned", form_path=f"/letters/{letter.id}", status=302)
    db.session.expire_all()
    assert db.session.get(Person, team["victim"].id).contact_lost is True
    assert len(_contact_lost_tasks(letter.case_id)) == 1
    assert letter_queries.letters_to_follow() == []  # Notify is not asked about it again


# -- the screens ---------------------------------------------------------------------------------------


def test_the_vlo_drafts_from_the_case_page_and_sees_each_check(team, today, web):
    browser = web(team["vlo"])
    case_id = team["case"].id
    assert "Write a letter" in browser.get(f"/cases/{case_id}/letters")
    page = browser.post(f"/cases/{case_id}/letters/new", {}, status=200).get_data(as_text=True)
    assert "Choose the type of letter" in page and "Choose who the letter is to" in page
    response = browser.post(
        f"/cases/{case_id}/letters/new",
        {"letter_type": "initial_contact", "person": str(team["victim"].id)},
        status=302,
    )
    letter_path = response.headers["Location"]
    page = browser.get(letter_path)
    assert "If the offender contacts you" in page and "Locked" in page
    assert 'data-check="finished" data-passed="no"' in page  # the template's notes to the VLO
    assert page.count('data-passed="yes"') == 7
    assert "Approve and send" not in page

    letter_id = int(letter_path.rsplit("/", 1)[1])
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    browser.post(
        letter_path,
        {
            "section_opening": "Dear Jane,\n\nHe is at HMP Testshire.",
            "large_print": "no",
            "channel": "post",
            "version": version,
        },
        status=302,
    )
    page = browser.get(letter_path)
    assert 'data-check="disclosure" data-passed="no"' in page
    assert "Approve and send" not in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = post_with_token(
        browser, f"/letters/{letter_id}/approve", {"version": version}, from_page=letter_path
    )
    assert response.status_code == 302
    assert db.session.get(Letter, letter_id).status == "draft"

    pdf = browser._send("get", f"/letters/{letter_id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_another_teams_vlo_cannot_see_the_letter(team, today, web, make):
    letter = draft(team)
    db.session.flush()
    web(make.user(Role.VLO)).get(f"/letters/{letter.id}", status=404)
    web(make.user(Role.VLO)).get(f"/letters/{letter.id}/letter.pdf", status=404)


# -- administrators' template editing ----------------------------------------------------------------


def test_a_national_administrator_rewords_a_template_but_cannot_empty_a_locked_section(web, make):
    admin = make.user(Role.ADMIN, national=True)
    browser = web(admin)
    path = "/admin/letter-templates/initial_contact/en"
    page = browser.get(path)
    assert "If the offender contacts you" in page and "Locked" in page
    template = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    fields = {"title": template.title, "note": "Clearer opening"}
    for section in template.sections:
        fields[f"heading_{section.key}"] = section.heading
        fields[f"body_{section.key}"] = section.body
    crafted = {**fields, f"body_{UNWANTED_CONTACT}": ""}
    page = browser.post(path, crafted, status=200).get_data(as_text=True)
    assert "cannot be empty" in page
    assert template_versions.current_template(LetterType.INITIAL_CONTACT, "en").version == template.version

    fields["body_opening"] = fields["body_opening"] + "\n\nWe are here to help you."
    browser.post(path, fields, status=302)
    db.session.expire_all()
    newest = template_versions.current_template(LetterType.INITIAL_CONTACT, "en")
    assert newest.version == template.version + 1
    assert newest.sections[0].body.endswith("We are here to help you.")


def test_a_regional_administrator_cannot_change_templates(web, make):
    web(make.user(Role.ADMIN)).get("/admin/letter-templates", status=403)


def test_an_email_letter_to_someone_with_no_postal_address_has_a_pdf(team, today, web):
    victim = team["victim"]
    victim.channel = "email"
    victim.address_line_1 = victim.address_town = victim.address_postcode = None
    db.session.flush()
    letter = draft(team)
    assert services.check_letter(letter) and services.passes(services.check_letter(letter))
    services.approve(letter, team["vlo"])
    assert services.pdf_bytes(letter).startswith(b"%PDF")


def test_without_a_notify_key_letters_go_to_the_development_outbox(team, today, app, monkeypatch):
    from victims.notify.models import OutboxLetter

    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "")
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert sending.send(letter.id).status == "sent"
    assert sending.send(letter.id).status == "already_done"
    [kept] = db.session.scalars(select(OutboxLetter)).all()
    assert kept.reference == letter.reference
    assert base64.b64decode(kept.pdf_base64) == services.pdf_bytes(letter)


# -- snapshots of rendered letters ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("letter_type", [LetterType.INITIAL_CONTACT, LetterType.PRE_RELEASE])
def test_rendered_letters_match_their_snapshots(make, database, today, language, letter_type):
    """The text of a letter as it is sent, in English and Welsh, from fixed case facts."""
    import os

    unit = make.team(name="Bedford Victim Contact Unit")
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison", email="vera.liaison@probation.example")
    vlo.phone = "01632 960 123"
    case = make.case(vlo=vlo, victims=0, offender_last_name="Example", crd=date(2027, 3, 1))
    victim = make.person(case, first_name="Jane", last_name="Sample", language=language)
    letter = services.start_draft(case, victim, letter_type, vlo)
    text = f"{letter.title}\n\n{sending.email_body(letter)}\n"
    snapshot = SNAPSHOTS / f"letter_{letter_type.value}_{language}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(text)
    assert text == snapshot.read_text()


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("letter_type", list(LetterType))
def test_every_letter_type_can_be_written_checked_and_sent_in_both_languages(
    team, today, fake_notify, language, letter_type
):
    team["victim"].language = language
    db.session.flush()
    letter = draft(team, letter_type)
    assert failed_checks(letter) == {}
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert sending.send(letter.id).status == "sent"
    [posted] = fake_notify.letters()
    assert posted["pdf"].startswith(b"%PDF")
