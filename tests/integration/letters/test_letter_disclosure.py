"""Issue 12: what people actually write is refused through the letter screen. Each example was
approved before the letter check used the one disclosure check (victims.domain.disclosure).

A VLO saves the words in a letter's opening through the real form, then asks to approve it: the
approval is refused, the letter stays a draft, and the page says what was found and where.
The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import post_with_token
from victims.audit.models import AuditEvent
from victims.cases.models import Offender, Sentence
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters.models import Letter
from victims.people.models import Person

NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def casework(make, database, today):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    # Released on Tuesday 31 August 2027; eligible for parole on Sunday 2 July 2028.
    case = make.case(vlo=vlo, crd=date(2027, 8, 31), ped=date(2028, 7, 2), led=date(2029, 3, 1))
    offender = database.session.get(Offender, database.session.get(Sentence, case.sentence_id).offender_id)
    offender.current_location = "HMP Chelmsford"
    database.session.flush()
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"vlo": vlo, "spo": spo, "case": case, "victim": victim}


def _write(browser, letter_path: str, opening: str) -> str:
    """Save the opening through the letter's form; the page as it then is."""
    page = browser.get(letter_path)
    browser.post(
        letter_path,
        {
            "section_opening": opening,
            "large_print": "no",
            "channel": "post",
            "version": VERSION.search(page).group(1),
        },
        status=302,
    )
    return browser.get(letter_path)


def _draft(web, casework, letter_type=LetterType.INITIAL_CONTACT):
    browser = web(casework["vlo"])
    response = browser.post(
        f"/cases/{casework['case'].id}/letters/new",
        {"letter_type": letter_type.value, "person": str(casework["victim"].id)},
        status=302,
    )
    return browser, response.headers["Location"]


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("He will be released on 31 Aug 2027.", "“31 Aug 2027” is the offender’s conditional release date"),
        ("He will be released on 31-08-2027.", "“31-08-2027” is the offender’s conditional release date"),
        ("He will be released on 31/08/27.", "“31/08/27” is the offender’s conditional release date"),
        ("He will be released on the 31st of August.", "“the 31st of August” is the offender’s conditional"),
        ("He will be released on August 31st.", "“August 31st” is the offender’s conditional release date"),
        ("He is in Chelmsford prison.", "“Chelmsford prison” names the offender’s prison (HMP Chelmsford)"),
        ("Mae yng Ngharchar EF Chelmsford.", "“Ngharchar EF Chelmsford” names the offender’s prison"),
        ("He is held at Carchar EF Chelmsford.", "“Carchar EF Chelmsford” names the offender’s prison"),
        (
            "His hearing may be on Sunday the second of July.",
            "“Sunday the second of July” is the offender’s parole",
        ),
    ],
)
def test_what_people_write_is_refused_through_the_letter_screen(web, casework, words, said):
    browser, letter_path = _draft(web, casework)
    letter_id = int(letter_path.rsplit("/", 1)[1])
    page = _write(browser, letter_path, f"Dear Jane,\n\n{words}")
    assert 'data-check="disclosure" data-passed="no"' in page
    assert f"“Opening”: {said}" in page  # what was found, and where
    assert "Approve and send" not in page

    # Approving anyway (a crafted request, or a page left open) is refused with the finding.
    version = VERSION.search(page).group(1)
    response = post_with_token(
        browser, f"/letters/{letter_id}/approve", {"version": version}, from_page=letter_path
    )
    assert response.status_code == 302
    page = browser.get(letter_path)
    assert "The letter has not passed the quality check." in page and said in page
    db.session.expire_all()
    assert db.session.get(Letter, letter_id).status == LetterStatus.DRAFT


def test_a_month_of_release_and_the_victims_own_town_pass(web, casework):
    browser, letter_path = _draft(web, casework)
    page = _write(browser, letter_path, "Dear Jane,\n\nHe is expected to be released in August 2027.")
    assert 'data-check="disclosure" data-passed="yes"' in page
    assert "Check before approving" not in page


def test_another_persons_town_on_its_own_must_be_acknowledged_by_a_senior_probation_officer(
    web, casework, make, fake_notify
):
    make.person(casework["case"], first_name="Olivia", last_name="Other", address_town="Marshallberg")
    browser, letter_path = _draft(web, casework)
    letter_id = int(letter_path.rsplit("/", 1)[1])
    page = _write(browser, letter_path, "Dear Jane,\n\nYou asked about Marshallberg.")
    assert 'data-check="disclosure" data-passed="yes"' in page
    assert "Check before approving" in page
    assert "“Opening”: “Marshallberg” is the town of Olivia Other’s address" in page
    assert "Send for countersigning" in page and "Approve and send" not in page

    # The VLO's approval sends it to an SPO, who must tick that they have checked it.
    version = VERSION.search(page).group(1)
    post_with_token(browser, f"/letters/{letter_id}/approve", {"version": version}, from_page=letter_path)
    db.session.expire_all()
    assert db.session.get(Letter, letter_id).status == LetterStatus.AWAITING_COUNTERSIGN

    spo = web(casework["spo"])
    page = spo.get(letter_path)
    assert "Check before approving" in page and "Marshallberg" in page
    version = VERSION.search(page).group(1)
    post_with_token(spo, f"/letters/{letter_id}/countersign", {"version": version}, from_page=letter_path)
    page = spo.get(letter_path)
    assert "Confirm you have checked" in page
    db.session.expire_all()
    assert db.session.get(Letter, letter_id).status == LetterStatus.AWAITING_COUNTERSIGN

    post_with_token(
        spo,
        f"/letters/{letter_id}/countersign",
        {"version": version, "acknowledged": "yes"},
        from_page=letter_path,
    )
    db.session.expire_all()
    assert db.session.get(Letter, letter_id).status == LetterStatus.APPROVED
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "letter_warnings_acknowledged")
    ).all()
    assert event.user_id == casework["spo"].id and event.details == {"warnings": 1}


def test_a_welsh_letter_is_refused_for_a_date_written_in_welsh(web, casework):
    casework["victim"].language = "cy"
    db.session.flush()
    browser, letter_path = _draft(web, casework)
    page = _write(browser, letter_path, "Annwyl Jane,\n\nBydd yn cael ei ryddhau ar yr 31ain o Awst.")
    assert 'data-check="disclosure" data-passed="no"' in page
    assert "“yr 31ain o Awst” is the offender’s conditional release date (31 August 2027)" in page
    assert "Say the month only: “Awst 2027”" in page
