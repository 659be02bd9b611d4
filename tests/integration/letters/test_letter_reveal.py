"""A letter carries the victim's address (or email address), so its PDF is a reveal: before one,
the PDF shows the address block hidden; after a reveal of the letter's recipient (with a reason),
the whole PDF, each opening recorded and flagged for the SPO when the user is not the allocated VLO.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import base64
import re
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import finish
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services
from victims.people.models import Person

pytestmark = pytest.mark.usefixtures("poppler")

ADDRESS = "41 Quiet Orchard Row"
POSTCODE = "QO4 1RW"
EMAIL = "orchard.victim@example.test"
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
    case = make.case(vlo=vlo, victims=0, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    victim = make.person(
        case, address_line_1=ADDRESS, address_town="Testbury", address_postcode=POSTCODE, email=EMAIL
    )
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    return {
        "vlo": vlo,
        "colleague": make.user(Role.VLO, team=unit, name="Colin League"),
        "spo": make.user(Role.SPO, team=unit, name="Sam Senior"),
        "case": case,
        "victim": victim,
    }


def _draft(team, writer="vlo"):
    letter = services.start_draft(team["case"], team["victim"], LetterType.INITIAL_CONTACT, team[writer])
    texts = {s.key: finish(s) for s in letter.sections if not s.locked}
    services.save_draft(letter, texts, large_print=False, channel=letter.channel, user=team[writer])
    db.session.flush()
    return letter


def _text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def _open(browser, letter_id: int):
    response = browser._send("get", f"/letters/{letter_id}/letter.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response


def _reveal(browser, letter_id: int, reason: str = "Checking the address before it goes"):
    response = browser.post(f"/letters/{letter_id}/reveal", {"reason": reason}, status=302)
    assert response.headers["Location"] == f"/letters/{letter_id}"
    return response


def _events(*actions: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id))
    )


def test_a_colleagues_preview_hides_the_address_until_they_give_a_reason(team, today, web):
    letter = _draft(team, writer="colleague")
    browser = web(team["colleague"])

    page = browser.get(f"/letters/{letter.id}")
    assert "address hidden" in page and ADDRESS not in page
    assert f'href="/letters/{letter.id}/reveal"' in page
    reveal_page = browser.get(f"/letters/{letter.id}/reveal")
    assert "This case is not allocated to you" in reveal_page and ADDRESS not in reveal_page

    hidden = _text(_open(browser, letter.id).data)
    assert ADDRESS not in hidden and POSTCODE not in hidden and "Testbury" not in hidden
    assert "Address hidden" in hidden
    assert team["victim"].full_name in hidden  # who it is to is not hidden
    assert "If the offender contacts you" in hidden  # the rest of the letter is all there
    # A draft: its PDF is a preview, and audited as one.
    [viewed] = _events("letter_pdf_viewed")
    assert viewed.flagged is False and viewed.details == {"address": "hidden", "preview": True}

    _reveal(browser, letter.id)
    [revealed] = _events("contact_details_revealed")
    assert revealed.flagged is True and revealed.reason == "Checking the address before it goes"
    assert revealed.details == {"for": f"letter {letter.id}"}

    shown = _text(_open(browser, letter.id).data)
    assert ADDRESS in shown and POSTCODE in shown
    assert "Address hidden" not in shown
    [seen] = _events("letter_address_viewed")
    assert (seen.user_id, seen.record_id, seen.flagged) == (team["colleague"].id, letter.id, True)

    # Both the reveal (with its reason) and the opening are on the SPO's reveals page.
    reveals = web(team["spo"]).get("/audit/reveals")
    assert "Checking the address before it goes" in reveals
    assert "Saw the address on a letter’s PDF" in reveals
    assert ADDRESS not in reveals


def test_the_reveal_lasts_ten_minutes(team, today, web):
    letter = _draft(team)
    browser = web(team["vlo"])
    _reveal(browser, letter.id)
    assert ADDRESS in _text(_open(browser, letter.id).data)
    today.advance(minutes=11)
    assert ADDRESS not in _text(_open(browser, letter.id).data)


def test_the_allocated_vlo_also_reveals_first_and_is_not_flagged(team, today, web):
    letter = _draft(team)
    browser = web(team["vlo"])
    assert ADDRESS not in _text(_open(browser, letter.id).data)
    _reveal(browser, letter.id, "Posting the initial letter")
    assert ADDRESS in _text(_open(browser, letter.id).data)
    assert [event.flagged for event in _events("contact_details_revealed", "letter_address_viewed")] == [
        False,
        False,
    ]
    assert "Posting the initial letter" not in web(team["spo"]).get("/audit/reveals")


def test_a_sent_letters_pdf_is_hidden_too_and_whole_after_a_reveal(team, today, web):
    letter = _draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    approved = base64.b64decode(letter.pdf_base64)
    assert ADDRESS in _text(approved)

    browser = web(team["colleague"])
    hidden = _open(browser, letter.id)
    assert hidden.data != approved
    assert ADDRESS not in _text(hidden.data) and "Address hidden" in _text(hidden.data)
    assert "If the offender contacts you" in _text(hidden.data)

    _reveal(browser, letter.id)
    assert _open(browser, letter.id).data == approved  # the exact PDF approved
    assert [event.flagged for event in _events("letter_address_viewed")] == [True]


def test_a_letter_by_email_hides_the_email_address_the_same_way(team, today, web):
    team["victim"].channel = "email"
    db.session.flush()
    letter = _draft(team)
    browser = web(team["colleague"])
    hidden = _text(_open(browser, letter.id).data)
    assert EMAIL not in hidden and "orchard.victim" not in hidden
    assert "hidden" in hidden
    _reveal(browser, letter.id)
    assert EMAIL in _text(_open(browser, letter.id).data)


def test_a_reveal_of_someone_else_on_the_case_shows_nothing_of_this_letter(team, today, web, make):
    other = make.person(team["case"], first_name="Other")
    letter = _draft(team)
    browser = web(team["vlo"])
    path = f"/cases/{team['case'].id}/people/{other.id}/reveal"
    browser.post(path, {"reason": "Calling the other victim"}, status=200)
    assert ADDRESS not in _text(_open(browser, letter.id).data)


def test_a_reveal_needs_a_reason_and_only_caseworkers_of_the_team_can_give_one(team, today, web, make):
    letter = _draft(team)
    browser = web(team["colleague"])
    response = browser.post(f"/letters/{letter.id}/reveal", {"reason": ""}, status=200)
    assert "Enter why you need to see the address" in response.get_data(as_text=True)
    assert _events("contact_details_revealed") == []
    web(make.user(Role.VLO)).get(f"/letters/{letter.id}/reveal", status=404)
    manager = make.user(Role.MANAGER, region=make.region())
    web(manager).get(f"/letters/{letter.id}/reveal", status=403)


def test_a_person_moved_after_drafting_is_still_hidden(team, today, web):
    """The PDF is made from the facts kept with the letter: a reveal is of the person it is to."""
    letter = _draft(team)
    person = db.session.get(Person, team["victim"].id)
    person.address_line_1 = "2 New Place"
    db.session.flush()
    hidden = _text(_open(web(team["colleague"]), letter.id).data)
    assert ADDRESS not in hidden and "2 New Place" not in hidden
