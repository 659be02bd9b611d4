"""Requests traced to the letter (issue 17): every stage of a licence-condition request shows who
did it and when; "victim told" names the letter sent or the contact made that told them, and
nothing else; the outcome letter is drafted with each outcome, cannot go while one is missing,
and sending it marks the requests it reported told.

The frozen clock starts on Wednesday 25 November 2026 at 10:00 (London is on GMT)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import SNAPSHOTS
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.queries import case_for_change
from victims.cases.services import add_contact
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.letters import DeliveryStatus, LetterStatus, LetterType
from victims.domain.prerelease import ORDER, ConditionType, Stage, StepInput
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import queries as letter_queries
from victims.letters import sending, template_versions
from victims.letters import services as letters
from victims.letters.models import Letter, LetterTemplate
from victims.people.models import Person
from victims.prerelease import queries as prerelease_queries
from victims.prerelease import services
from victims.prerelease.models import ConditionRequest
from victims.refusals import Refused
from victims.work.models import CaseDeadline

NO_CONTACT = "Not to contact the victim directly or indirectly."
NAMED_PEOPLE = "Not to contact Mr Example's brother."
REASON = "The standard conditions already cover it"


def _team(make, database, language: str = "en", name: str = "Bedford Victim Contact Unit"):
    unit = make.team(name=name)
    email = "vera.liaison@probation.example" if name.startswith("Bedford") else None  # in the snapshot
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison", email=email)
    vlo.phone = "01632 960 123"
    other = make.user(Role.VLO, team=unit, name="Ola Other")
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    case = make.case(
        vlo=vlo, victims=0, offender_last_name="Example", crd=date(2027, 3, 1), led=date(2029, 3, 1)
    )
    victim = make.person(case, first_name="Jane", last_name="Sample", language=language)
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    return {"vlo": vlo, "other": other, "spo": spo, "case": case, "victim": victim, "unit": unit}


@pytest.fixture()
def team(make, database):
    return _team(make, database)


def _request(team, wording=NO_CONTACT, *, person=None, to=Stage.INCLUDED, reason=REASON, by=None, clock=None):
    """A request taken to `to` through the services, each step an hour after the last when a
    clock is given, by the users in `by` (stage → user; the case's VLO otherwise, the SPO checks)."""
    by = by or {}
    vlo, spo = team["vlo"], team["spo"]
    kind = ConditionType.NO_CONTACT_NAMED if wording == NAMED_PEOPLE else ConditionType.NO_CONTACT_VICTIM
    request = services.add_request(
        team["case"], person or team["victim"], kind, "Keep him away", by.get(Stage.REQUESTED, vlo)
    )
    steps = [
        (Stage.DRAFTED, StepInput(wording=wording), vlo),
        (Stage.CHECKED, StepInput(), spo),
        (Stage.SENT, StepInput(practitioner_name="Pat Practitioner", practitioner_team="Bedford"), vlo),
        (to, StepInput(reason=reason), vlo) if to in (Stage.INCLUDED, Stage.NOT_INCLUDED) else None,
    ]
    for item in steps:
        if item is None or ORDER[item[0]] > ORDER[to]:
            break
        if clock is not None:
            clock.advance(hours=1)
        stage, given, user = item
        services.step(request, stage, given, by.get(stage, user))
    return request


def _contact(team, *, at=None, outcome="made", person=None, case=None, user=None):
    case = case or team["case"]
    db.session.flush()
    db.session.expire(case)  # its people as they are now
    return add_contact(
        case_for_change(case.id, team["vlo"]),
        occurred_at=at or datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
        method="telephone",
        direction="outbound",
        summary="Told her about the licence.",
        person_id=(person or team["victim"]).id,
        user=user or team["vlo"],
        outcome=outcome,
    )


def _sent_letter(team, letter_type=LetterType.KEY_STAGE, person=None) -> Letter:
    """A letter drafted, approved and sent through the fake Notify."""
    letter = letters.start_draft(team["case"], person or team["victim"], letter_type, team["vlo"])
    if letter_type is not LetterType.LICENCE_CONDITIONS_OUTCOME:
        texts = {s.key: (s.body + "\n\nWritten by the VLO.").strip() for s in letter.sections if not s.locked}
        letters.save_draft(letter, texts, large_print=False, channel="post", user=team["vlo"])
    assert letters.approve(letter, team["vlo"]) is True, letters.check_letter(letter)
    db.session.flush()
    assert sending.send(letter.id).status == "sent"
    db.session.expire_all()
    return db.session.get(Letter, letter.id)


def _failed(letter) -> dict[str, tuple[str, ...]]:
    return {result.code: result.problems for result in letters.check_letter(letter) if not result.passed}


def _reload(request) -> ConditionRequest:
    db.session.expire_all()
    return db.session.get(ConditionRequest, request.id)


# -- who did each stage, and when ------------------------------------------------------------------


def _timeline(page: str) -> dict[str, tuple[str, str]]:
    """stage → (byline, date) as the request page's MOJ timeline shows them."""
    items = re.findall(
        r'data-stage="(\w+)">.*?data-testid="step-by">(.*?)</p>.*?data-testid="step-when">(.*?)</p>',
        page,
        re.S,
    )
    return {stage: (by.strip(), re.sub(r"<[^>]+>", "", when).strip()) for stage, by, when in items}


def test_every_stage_shows_who_did_it_and_when_on_the_request_and_the_case(team, today, web):
    other, spo = team["other"], team["spo"]
    request = _request(
        team,
        to=Stage.NOT_INCLUDED,
        by={Stage.DRAFTED: other, Stage.NOT_INCLUDED: other, Stage.SENT: spo},
        clock=today,
    )
    today.advance(hours=1)  # 15:00: a call made at 14:30 told her; recorded now, by the SPO
    call = _contact(team, at=datetime(2026, 11, 25, 14, 30, tzinfo=UTC))
    services.step(request, Stage.TOLD, StepInput(told_by=prerelease_queries.contact_telling(call)), spo)
    db.session.flush()

    browser = web(team["vlo"])
    page = browser.get(f"/conditions/{request.id}")
    timeline = _timeline(page)
    assert list(timeline) == [
        "told",
        "not_included",
        "sent",
        "checked",
        "drafted",
        "requested",
    ]  # latest first
    assert timeline == {
        "told": ("by Sam Senior (senior probation officer)", "25 November 2026 at 3:00pm"),
        "not_included": ("by Ola Other (victim liaison officer)", "25 November 2026 at 2:00pm"),
        "sent": ("by Sam Senior (senior probation officer)", "25 November 2026 at 1:00pm"),
        "checked": ("by Sam Senior (senior probation officer)", "25 November 2026 at 12:00pm"),
        "drafted": ("by Ola Other (victim liaison officer)", "25 November 2026 at 11:00am"),
        "requested": ("by Vera Liaison (victim liaison officer)", "25 November 2026 at 10:00am"),
    }
    assert f"Reason: {REASON}" in page and "To Pat Practitioner (Bedford)" in page
    told = page.split('data-testid="told-by">')[1].split("</p>")[0]
    assert f'href="/cases/{team["case"].id}/contacts#contact-{call.id}"' in told
    assert "Contact log: Telephone to the victim, 25 November 2026" in told
    assert "Told her about the licence" not in page  # the entry is named, its summary stays in the log
    # The contact log has the anchor the link goes to.
    assert f'id="contact-{call.id}"' in browser.get(f"/cases/{team['case'].id}/contacts")

    section = browser.get(f"/cases/{team['case'].id}/pre-release")
    latest = section.split('data-testid="request-latest">')[1].split("</td>")[0]
    assert "Victim told the outcome" in latest
    assert "Sam Senior (senior probation officer), 25 November 2026 at 3:00pm" in latest


def test_a_row_from_before_issue_17_shows_the_day_and_its_typed_words(team, today, web):
    request = _request(team)
    request.stage, request.told_on, request.told_by_id = Stage.TOLD, date(2026, 11, 26), team["vlo"].id
    request.told_how = "Telephone call"
    request.outcome_at = None  # recorded before the time was kept
    db.session.flush()
    page = web(team["vlo"]).get(f"/conditions/{request.id}")
    timeline = _timeline(page)
    assert timeline["told"] == ("by Vera Liaison (victim liaison officer)", "26 November 2026")
    assert timeline["included"][1] == "25 November 2026"
    assert "Telephone call (26 November 2026)" in page


def _page_statements(app, count_queries, user, path):
    from tests.helpers import signed_in

    browser = signed_in(app, user)
    browser.get(path)
    with count_queries() as counter:
        page = browser.get(path)
    return counter.count, page


def test_the_request_page_reads_as_many_statements_however_many_people_and_letters(
    app, team, today, count_queries, make
):
    """Who did each step is read in one statement, and the letters and contacts to choose from in
    one each, however many there are."""
    by_one = _request(team, to=Stage.INCLUDED)
    by_many = _request(
        team,
        to=Stage.INCLUDED,
        by={Stage.REQUESTED: team["other"], Stage.DRAFTED: make.user(Role.VLO, team=team["unit"])},
    )
    one, _ = _page_statements(app, count_queries, team["vlo"], f"/conditions/{by_one.id}")
    many, _ = _page_statements(app, count_queries, team["vlo"], f"/conditions/{by_many.id}")
    assert one == many
    for _ in range(3):
        _contact(team)
    _sent_letter(team)
    _sent_letter(team)
    after, page = _page_statements(app, count_queries, team["vlo"], f"/conditions/{by_one.id}")
    assert page.count('name="told_by"') == 5
    assert after == one, "the letters and contacts to choose from are read per row"


# -- "victim told" names the letter or contact -----------------------------------------------------


def _tell(browser, request, value):
    return browser.post(
        f"/conditions/{request.id}/told", {"told_by": value}, form_path=f"/conditions/{request.id}"
    )


def test_told_by_a_letter_sent_to_them_is_chosen_on_the_page_and_linked(team, today, web):
    request = _request(team)
    today.advance(days=1)
    call = _contact(team, at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    letter = _sent_letter(team)  # a key-stage letter: any letter sent to them may have told them
    browser = web(team["vlo"])
    page = browser.get(f"/conditions/{request.id}")
    choices = re.findall(r'name="told_by" type="radio" value="([^"]+)"', page)
    assert choices == [f"letter:{letter.id}", f"contact:{call.id}"]  # letters first
    assert f"Letter {letter.id}: Key-stage update, sent 26 November 2026" in page

    response = _tell(browser, request, f"letter:{letter.id}")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    request = _reload(request)
    assert (request.stage, request.told_letter_id, request.told_contact_id) == ("told", letter.id, None)
    assert request.told_on == date(2026, 11, 26) and request.told_by_id == team["vlo"].id
    assert request.told_how == f"Letter {letter.id}: Key-stage update, sent 26 November 2026"
    page = browser.get(f"/conditions/{request.id}")
    assert f'href="/letters/{letter.id}"' in page.split('data-testid="told-by">')[1].split("</p>")[0]
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "condition_request_told")
    ).all()
    assert event.details == {"from": "included", "to": "told", "letter": letter.id}


def test_told_by_a_contact_made_with_them_on_the_page(team, today, web):
    request = _request(team, to=Stage.NOT_INCLUDED)
    call = _contact(team, at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # the outcome's day counts
    response = _tell(web(team["spo"]), request, f"contact:{call.id}")
    assert response.status_code == 302
    request = _reload(request)
    assert (request.stage, request.told_contact_id, request.told_letter_id) == ("told", call.id, None)
    assert request.told_by_id == team["spo"].id
    assert (
        db.session.scalar(
            select(CaseDeadline.status).where(
                CaseDeadline.case_id == team["case"].id, CaseDeadline.code == "licence_outcome"
            )
        )
        == "met"
    )


def _refusals(team, today, make, database):
    """Crafted choices, each with the words of its refusal."""
    victim, case = team["victim"], team["case"]
    before = _contact(team, at=datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # the day before the outcome
    elsewhere = _team(make, database, name="Luton Victim Contact Unit")
    their_letter = _sent_letter(elsewhere)
    their_call = _contact(elsewhere)
    attempt = _contact(team, outcome="attempted")
    sister = make.person(case, first_name="Sal", last_name="Sister")
    sisters_call = _contact(team, person=sister)
    draft = letters.start_draft(case, victim, LetterType.KEY_STAGE, team["vlo"])
    return {
        f"letter:{their_letter.id}": "with the person who made the request, on this case",
        f"contact:{their_call.id}": "with the person who made the request, on this case",
        f"contact:{sisters_call.id}": "with the person who made the request",
        f"letter:{draft.id}": "Choose a letter that has been sent",
        f"contact:{attempt.id}": "Choose a contact that was made",
        f"contact:{before.id}": "from 25 November 2026 or later",
        "letter:999999999": "Choose the letter or contact that told the victim the outcome",
        "contact:abc": "Choose the letter or contact that told the victim the outcome",
        "": "Choose the letter or contact that told the victim the outcome",
    }


def test_a_crafted_letter_or_contact_is_refused_with_a_field_error(team, today, web, make, database):
    request = _request(team)
    letter_before = _sent_letter(team)  # sent on the outcome's day: that counts
    refusals = _refusals(team, today, make, database)
    browser = web(team["vlo"])
    for value, words in refusals.items():
        response = (
            _tell(browser, request, value)
            if value
            else browser.post(f"/conditions/{request.id}/told", {}, form_path=f"/conditions/{request.id}")
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400, value
        summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
        assert words in summary and 'href="#told_by"' in page, (value, summary)
        assert 'id="told_by-error"' in page and words in page.split('id="told_by-error"')[1][:400]
        assert _reload(request).stage == "included", value
    assert letter_before.id  # a letter sent the outcome's day stays a choice
    assert f'value="letter:{letter_before.id}"' in browser.get(f"/conditions/{request.id}")


def test_a_letter_sent_before_the_outcome_cannot_have_told_them(team, today, web):
    early = _sent_letter(team)  # 25 November
    today.advance(days=1)
    request = _request(team)  # its outcome on 26 November
    browser = web(team["vlo"])
    assert f'value="letter:{early.id}"' not in browser.get(f"/conditions/{request.id}")
    response = _tell(browser, request, f"letter:{early.id}")
    assert response.status_code == 400
    assert "from 26 November 2026 or later" in response.get_data(as_text=True)
    with pytest.raises(Refused, match="from 26 November 2026 or later") as refused:
        services.step(request, Stage.TOLD, StepInput(told_by=letter_queries.telling(early)), team["vlo"])
    assert refused.value.field == "told_by"


def test_a_letter_that_came_back_or_was_never_delivered_cannot_have_told_them(team, today, web):
    request = _request(team)
    browser = web(team["vlo"])
    for status in (DeliveryStatus.RETURNED_LETTER, DeliveryStatus.PERMANENT_FAILURE):
        letter = _sent_letter(team)
        letter.delivery_status = status
        db.session.flush()
        assert f'value="letter:{letter.id}"' not in browser.get(f"/conditions/{request.id}")
        assert _tell(browser, request, f"letter:{letter.id}").status_code == 400, status
        assert _reload(request).stage == "included"
    delivered = _sent_letter(team)
    delivered.delivery_status = DeliveryStatus.DELIVERED
    db.session.flush()
    assert f'value="letter:{delivered.id}"' in browser.get(f"/conditions/{request.id}")


# -- the outcome letter ----------------------------------------------------------------------------


def _outcome_requests(team, clock):
    """Three of the victim's requests: one included, one not (with its reason), one an exclusion
    zone included. The zone's own steps (map, countersigning) are tested in test_prerelease: here
    only what the letter says of it matters, so a request is made one."""
    included = _request(team, NO_CONTACT)
    not_included = _request(team, NAMED_PEOPLE, to=Stage.NOT_INCLUDED)
    zone = _request(team, "Not to enter the area marked on the attached map.")
    zone.condition_type = ConditionType.EXCLUSION_ZONE.value
    db.session.flush()
    return included, not_included, zone


EXPECTED = {
    "en": [
        "The condition “Not to contact the victim directly or indirectly” is in the licence.",
        "The condition “Not to contact Mr Example's brother” is not in the licence. The reason given "
        f"was: {REASON}.",
        "The exclusion zone is in the licence: ((offender_name)) must not enter the area shown on its map.",
    ],
    "cy": [
        "Mae’r amod “Not to contact the victim directly or indirectly” yn y drwydded.",
        "Nid yw’r amod “Not to contact Mr Example's brother” yn y drwydded. Y rheswm a roddwyd oedd: "
        f"{REASON}.",
        "Mae’r parth gwahardd yn y drwydded: rhaid i ((offender_name)) beidio â mynd i mewn i’r ardal a "
        "ddangosir ar ei fap.",
    ],
}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_outcome_letter_is_drafted_with_each_outcome_and_matches_its_snapshot(
    make, database, frozen_clock, language
):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    team = _team(make, database, language)
    _outcome_requests(team, frozen_clock)
    _request(team, "Not to go to the victim's work.", to=Stage.CHECKED)  # not sent: not reported
    letter = letters.start_draft(
        team["case"], team["victim"], LetterType.LICENCE_CONDITIONS_OUTCOME, team["vlo"]
    )
    [section] = [s for s in letter.sections if s.key == "your_requests"]
    assert section.body.split("\n\n")[:3] == EXPECTED[language]
    assert "work" not in section.body
    assert _failed(letter) == {}  # every outcome reported; the wording discloses nothing
    text = f"{letter.title}\n\n{sending.email_body(letter)}\n"
    assert "((" not in text and "Example" in text  # the offender's name filled in
    assert "area marked on the attached map" not in text  # the zone by its map, not its wording
    snapshot = SNAPSHOTS / f"letter_conditions_outcome_{language}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(text)
    assert text == snapshot.read_text()


def test_the_check_fails_while_a_sent_request_has_no_outcome_and_passes_once_reported(team, today):
    done = _request(team, NO_CONTACT)
    waiting = _request(team, NAMED_PEOPLE, to=Stage.SENT)
    letter = letters.start_draft(
        team["case"], team["victim"], LetterType.LICENCE_CONDITIONS_OUTCOME, team["vlo"]
    )
    [problem] = _failed(letter)["outcomes"]
    assert f"request {waiting.id} (No contact with named people)" in problem and "no outcome" in problem
    with pytest.raises(Refused, match="has not passed the quality check"):
        letters.approve(letter, team["vlo"])

    services.step(waiting, Stage.NOT_INCLUDED, StepInput(reason=REASON), team["vlo"])
    [problem] = _failed(letter)["outcomes"]  # drafted before the outcome came
    assert f"does not give the outcome of request {waiting.id}" in problem
    sentence = EXPECTED["en"][1]
    assert f"add to “Your requests”: “{sentence}”" in problem

    # The VLO writes it in themselves (in their own spacing and case), or starts a new draft.
    [section] = [s for s in letter.sections if s.key == "your_requests"]
    letters.save_draft(
        letter,
        {"your_requests": section.body + "\n\n" + sentence.upper().replace(" ", "  ")},
        large_print=False,
        channel="post",
        user=team["vlo"],
    )
    assert "outcomes" not in _failed(letter)
    again = letters.start_draft(
        team["case"], team["victim"], LetterType.LICENCE_CONDITIONS_OUTCOME, team["vlo"]
    )
    assert _failed(again) == {}
    assert done.id


def test_an_outcome_edited_out_fails_the_check(team, today):
    request = _request(team, NO_CONTACT)
    letter = letters.start_draft(
        team["case"], team["victim"], LetterType.LICENCE_CONDITIONS_OUTCOME, team["vlo"]
    )
    letters.save_draft(
        letter,
        {"your_requests": "Your conditions were considered carefully."},
        large_print=False,
        channel="post",
        user=team["vlo"],
    )
    [problem] = _failed(letter)["outcomes"]
    assert f"request {request.id}" in problem


def test_a_template_without_your_requests_cannot_send_an_outcome_letter(team, today, fake_notify):
    """The check looks for the outcomes in the whole letter, whatever the template: an
    administrator's version without the section (or one written into the database) cannot send
    an outcome letter that does not report them."""
    _request(team, NO_CONTACT)
    template = template_versions.current_template(LetterType.LICENCE_CONDITIONS_OUTCOME, "en")
    db.session.add(
        LetterTemplate(
            letter_type=template.letter_type,
            language="en",
            version=template.version + 1,
            title=template.title,
            sections_data=[
                {"key": s.key, "heading": s.heading, "body": s.body, "locked": s.locked}
                for s in template.sections
                if s.key != "your_requests"
            ],
        )
    )
    db.session.flush()
    letter = letters.start_draft(
        team["case"], team["victim"], LetterType.LICENCE_CONDITIONS_OUTCOME, team["vlo"]
    )
    assert "outcomes" in _failed(letter)
    with pytest.raises(Refused, match="has not passed the quality check"):
        letters.approve(letter, team["vlo"])


def test_an_outcome_recorded_after_approval_stops_the_letter_when_it_is_about_to_go(team, today, fake_notify):
    _request(team, NO_CONTACT)
    late = _request(team, NAMED_PEOPLE, to=Stage.CHECKED)  # not yet sent: the letter may go without it
    letter = letters.start_draft(
        team["case"], team["victim"], LetterType.LICENCE_CONDITIONS_OUTCOME, team["vlo"]
    )
    assert letters.approve(letter, team["vlo"]) is True
    services.step(
        late, Stage.SENT, StepInput(practitioner_name="Pat", practitioner_team="Bedford"), team["vlo"]
    )
    db.session.flush()
    assert sending.send(letter.id).status == "refused"
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == LetterStatus.FAILED
    assert fake_notify.letters() == []
    assert _reload(late).stage == "sent"


def test_sending_the_outcome_letter_marks_the_requests_it_reported_told(team, today, fake_notify, make):
    victim, vlo = team["victim"], team["vlo"]
    included, not_included, zone = _outcome_requests(team, today)
    already = _request(team, NO_CONTACT)
    call = _contact(team)
    services.step(already, Stage.TOLD, StepInput(told_by=prerelease_queries.contact_telling(call)), vlo)
    sister = make.person(team["case"], first_name="Sal", last_name="Sister")
    hers = _request(team, NO_CONTACT, person=sister)
    today.advance(days=1)

    letter = _sent_letter(team, LetterType.LICENCE_CONDITIONS_OUTCOME)
    told = {r.id: _reload(r) for r in (included, not_included, zone)}
    for request in told.values():
        assert (request.stage, request.told_letter_id) == ("told", letter.id)
        assert request.told_on == date(2026, 11, 26) and request.told_by_id == letter.approved_by_id == vlo.id
        assert (
            request.told_how
            == f"Letter {letter.id}: Outcome of licence-condition requests, sent 26 November 2026"
        )
    assert (_reload(already).told_contact_id, _reload(already).told_letter_id) == (call.id, None)
    assert _reload(hers).stage == "included"  # another person's: not in this letter
    events = [
        event
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "condition_request_told")
        )
        if event.details.get("automatic")
    ]
    assert sorted(event.record_id for event in events) == sorted(told)
    assert all(event.user_id == vlo.id and event.details["letter"] == letter.id for event in events)
    assert victim.id

    # Pre-release work completes once the sister has been told too.
    case = case_for_change(team["case"].id, vlo)
    with pytest.raises(Refused, match=f"Request {hers.id}"):
        services.complete(case, vlo)
    sisters_call = _contact(team, person=sister, at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    services.step(
        _reload(hers), Stage.TOLD, StepInput(told_by=prerelease_queries.contact_telling(sisters_call)), vlo
    )
    services.complete(case_for_change(team["case"].id, vlo), vlo)
    assert case_for_change(team["case"].id, vlo).prerelease_completed_at is not None


def test_the_outcome_letter_to_a_parent_reports_and_tells_the_childs_requests(team, today, fake_notify, make):
    child = make.person(
        team["case"],
        first_name="Kim",
        last_name="Child",
        date_of_birth=date(2015, 1, 1),
        relationship_="victim",
    )
    parent = make.person(
        team["case"],
        first_name="Pam",
        last_name="Parent",
        relationship_="parent_guardian",
        acting_for_id=child.id,
    )
    request = _request(team, NO_CONTACT, person=child)
    letter = _sent_letter(team, LetterType.LICENCE_CONDITIONS_OUTCOME, person=parent)
    assert EXPECTED["en"][0] in json.dumps(json.loads(letter.sections_json), ensure_ascii=False)
    assert (_reload(request).stage, _reload(request).told_letter_id) == ("told", letter.id)
    assert db.session.get(Person, parent.id).acting_for_id == child.id
