"""A letter's forms carry the version they showed (issue 11, item 4).

Two people saving the same draft, or approving a letter a colleague has just changed, must not
lose text or send words nobody read: a form opened at an older version is refused with a 409
that shows the letter as it is now (and, for an edit, the text the user had, kept in the form).

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import finish, signed_in
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.letters import services
from victims.letters.models import Letter
from victims.people.models import Person

NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def team(make, database, today):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    colleague = make.user(Role.VLO, team=unit, name="Colin Colleague")
    colleague.phone = "01632 960 456"
    spo = make.user(Role.SPO, team=unit, name="Sam Senior")
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    return {"vlo": vlo, "colleague": colleague, "spo": spo, "case": case, "victim": victim}


def finished_draft(team) -> Letter:
    """A draft that passes the check: the template's [notes] written over, as a VLO would."""
    letter = services.start_draft(team["case"], team["victim"], LetterType.INITIAL_CONTACT, team["vlo"])
    texts = {s.key: finish(s) for s in letter.sections if not s.locked}
    services.save_draft(letter, texts, large_print=False, channel="post", user=team["vlo"])
    return letter


def opening(letter: Letter) -> str:
    return next(s.body for s in letter.sections if s.key == "opening")


def fresh(database, letter_id: int) -> Letter:
    database.session.expire_all()
    return database.session.get(Letter, letter_id)


def shown_version(page: str, letter: Letter) -> str:
    """The version every form on the page carries (the record's, if the page carries none)."""
    found = set(VERSION.findall(page))
    assert len(found) <= 1, found
    return found.pop() if found else str(letter.version)


def edit_form(page: str, letter: Letter, opening_text: str) -> dict:
    return {
        "section_opening": opening_text,
        "large_print": "no",
        "channel": "post",
        "version": shown_version(page, letter),
    }


def action(browser, path: str, page: str, letter: Letter):
    """Press a button on the letter page as it was shown: its form's token and version."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return browser._send("post", path, data={"csrf_token": token, "version": shown_version(page, letter)})


def cells(html: str) -> list[str]:
    table = re.search(r'<table class="govuk-table app-conflict-table">.*?</table>', html, re.S).group(0)
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", table, re.S)
    ]


# -- two saves from the same opened version ------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_the_first_text_survives(
    app, team, database
):
    letter = finished_draft(team)
    path = f"/letters/{letter.id}"
    mine, theirs = signed_in(app, team["vlo"]), signed_in(app, team["colleague"])
    my_page, their_page = mine.get(path), theirs.get(path)  # both open the same version

    theirs.post(path, edit_form(their_page, letter, "Dear Jane,\n\nTheir words."), status=302)
    response = mine.post(path, edit_form(my_page, letter, "Dear Jane,\n\nMy words."))

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this while you were editing" in html
    assert cells(html)[3:] == ["Opening", "Dear Jane,\n\nTheir words.", "Dear Jane,\n\nMy words."]
    assert opening(fresh(database, letter.id)) == "Dear Jane,\n\nTheir words."
    # What I typed is still in the form, which now carries the version saved, so that saving
    # again (knowingly) puts my words on top of theirs.
    assert "Dear Jane,\n\nMy words.</textarea>" in html
    current = fresh(database, letter.id).version
    assert VERSION.findall(html) == [str(current)]
    assert "Approve and send" not in html  # not with unsaved words in the boxes
    mine.post(path, edit_form(html, letter, "Dear Jane,\n\nMy words."), status=302)
    assert opening(fresh(database, letter.id)) == "Dear Jane,\n\nMy words."


def test_a_save_without_a_version_changes_nothing(app, team, database):
    letter = finished_draft(team)
    before = opening(letter)
    form = {"section_opening": "Crafted.", "large_print": "no", "channel": "post"}
    response = signed_in(app, team["vlo"]).post(f"/letters/{letter.id}", form)
    assert response.status_code == 409
    assert opening(fresh(database, letter.id)) == before


# -- approving and countersigning exactly what was read ------------------------------------------


def test_approving_after_a_colleagues_edit_is_refused_and_shows_the_letter_as_it_is_now(app, team, database):
    letter = finished_draft(team)
    path = f"/letters/{letter.id}"
    approver, editor = signed_in(app, team["vlo"]), signed_in(app, team["colleague"])
    page = approver.get(path)
    assert "Approve and send" in page
    editor.post(path, edit_form(editor.get(path), letter, "Dear Jane,\n\nWords you never saw."), status=302)

    response = action(approver, f"{path}/approve", page, letter)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This letter has changed since you opened it" in html
    assert "Nothing has been approved or sent" in html
    assert "Words you never saw." in html  # the text as it is now, to read before approving
    letter = fresh(database, letter.id)
    assert (letter.status, letter.approved_by_id, letter.pdf_base64) == (LetterStatus.DRAFT, None, None)
    approvals = select(AuditEvent).where(AuditEvent.action == "letter_approved")
    assert database.session.scalars(approvals).all() == []
    # The page now carries the version it shows: approving that goes through.
    assert action(approver, f"{path}/approve", html, letter).status_code == 302
    assert fresh(database, letter.id).status == LetterStatus.APPROVED


def test_an_approval_without_a_version_approves_nothing(app, team, database):
    letter = finished_draft(team)
    browser = signed_in(app, team["vlo"])
    page = browser.get(f"/letters/{letter.id}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = browser._send("post", f"/letters/{letter.id}/approve", data={"csrf_token": token})
    assert response.status_code == 409
    assert fresh(database, letter.id).status == LetterStatus.DRAFT


def test_countersigning_a_letter_changed_since_it_was_opened_is_refused(app, team, database):
    team["vlo"].requires_countersign = True
    database.session.flush()
    letter = finished_draft(team)
    services.approve(letter, team["vlo"])
    database.session.flush()
    path = f"/letters/{letter.id}"
    spo = signed_in(app, team["spo"])
    page = spo.get(path)
    assert "Countersign and send" in page
    assert "Written by the VLO." in page  # the SPO reads the text they countersign
    # Meanwhile another SPO returns it, its writer rewrites it and sends it for countersigning again.
    services.send_back(letter, team["spo"])
    texts = {"opening": "Dear Jane,\n\nRewritten after it was returned."}
    services.save_draft(letter, texts, large_print=False, channel="post", user=team["vlo"])
    services.approve(letter, team["vlo"])
    database.session.flush()
    assert letter.status == LetterStatus.AWAITING_COUNTERSIGN

    response = action(spo, f"{path}/countersign", page, letter)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This letter has changed since you opened it" in html
    assert "It has not been countersigned" in html
    assert "Rewritten after it was returned." in html
    letter = fresh(database, letter.id)
    assert (letter.status, letter.countersigned_by_id) == (LetterStatus.AWAITING_COUNTERSIGN, None)
    assert action(spo, f"{path}/countersign", html, letter).status_code == 302
    assert fresh(database, letter.id).status == LetterStatus.APPROVED


@pytest.mark.parametrize(
    ("button", "not_done"),
    [("refresh", "It has not been refreshed"), ("cancel", "It has not been cancelled")],
)
def test_the_other_buttons_on_a_changed_draft_are_refused_too(app, team, database, button, not_done):
    letter = finished_draft(team)
    path = f"/letters/{letter.id}"
    mine, theirs = signed_in(app, team["vlo"]), signed_in(app, team["colleague"])
    page = mine.get(path)
    theirs.post(path, edit_form(theirs.get(path), letter, "Dear Jane,\n\nChanged."), status=302)
    version = fresh(database, letter.id).version
    response = action(mine, f"{path}/{button}", page, letter)
    assert response.status_code == 409
    assert not_done in response.get_data(as_text=True)
    letter = fresh(database, letter.id)
    assert (letter.status, letter.version) == (LetterStatus.DRAFT, version)


def test_returning_a_letter_changed_since_it_was_opened_is_refused(app, team, database):
    team["vlo"].requires_countersign = True
    database.session.flush()
    letter = finished_draft(team)
    services.approve(letter, team["vlo"])
    database.session.flush()
    path = f"/letters/{letter.id}"
    spo = signed_in(app, team["spo"])
    page = spo.get(path)
    services.send_back(letter, team["spo"])
    services.approve(letter, team["vlo"])
    database.session.flush()
    response = action(spo, f"{path}/send-back", page, letter)
    assert response.status_code == 409
    assert "It has not been returned" in response.get_data(as_text=True)
    assert fresh(database, letter.id).status == LetterStatus.AWAITING_COUNTERSIGN
