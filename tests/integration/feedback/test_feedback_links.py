"""Victims' feedback links (issue 15, item 6): made once with the letters that carry them, put in
the letter and the email, used once, for 90 days, on a page that says nothing about the case."""

from __future__ import annotations

import base64
import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import finish
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain import feedback as rules
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.oversight import FeedbackAbout, FeedbackSource
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.feedback import services as feedback
from victims.feedback.models import FeedbackLink, FeedbackResponse
from victims.letters import sending, services
from victims.letters.models import Letter
from victims.people.models import Person

URL = re.compile(r"https?://[^\s]+/f/([0-9A-Z]{5}-[0-9A-Z]{5})")
ANSWERS = {"satisfaction": "4", "kept_informed": "yes", "felt_safer": "partly", "comments": "Thank you"}


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def team(make, database):
    unit = make.team(name="Bedford Victim Contact Unit")
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    case = make.case(
        vlo=vlo,
        crd=date(2027, 3, 1),
        led=date(2029, 3, 1),
        sed=date(2029, 3, 1),
        offender_last_name="Oddsworth",
    )
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    database.session.flush()
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    victim.first_name, victim.last_name = "Vivienne", "Quillfeather"
    database.session.flush()
    return {"team": unit, "vlo": vlo, "case": case, "victim": victim}


def draft(team, letter_type=LetterType.INITIAL_CONTACT) -> Letter:
    letter = services.start_draft(team["case"], team["victim"], letter_type, team["vlo"])
    texts = {s.key: finish(s) for s in letter.sections if not s.locked}
    services.save_draft(
        letter, texts, large_print=letter.large_print, channel=letter.channel, user=team["vlo"]
    )
    return letter


def links() -> list[FeedbackLink]:
    return list(db.session.scalars(select(FeedbackLink).order_by(FeedbackLink.id)))


def a_link(make, *, language="en", made_on=date(2026, 11, 25), reference="ref-test") -> str:
    """A link made as a letter's approval makes it; its grouped token."""
    unit = make.team()
    made = feedback.issue_link(
        letter_id=None,
        letter_type=LetterType.PRE_RELEASE.value,
        reference=reference,
        language=language,
        team_id=unit.id,
        region_id=unit.region_id,
        made_on=made_on,
    )
    db.session.flush()
    return rules.grouped(made.token)


# -- made once, with the letters that carry one ----------------------------------------------------


def test_a_posted_letter_carries_its_link_and_retries_make_no_second(team, today, fake_notify, poppler):
    import subprocess

    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    [link] = links()
    fake_notify.fail_next(1, status=503)
    assert sending.send(letter.id).status == "retry"
    assert sending.send(letter.id).status == "sent"
    assert sending.send(letter.id).status == "already_done"
    assert links() == [link]
    [posted] = fake_notify.letters()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=posted["pdf"], capture_output=True, check=True
    ).stdout.decode()
    token = URL.search(text).group(1)
    assert "Tell us what you think" in text and "until 23 February 2027" in text
    # Only the hash is stored: the token is in the letter, nowhere in the link's row.
    assert link.token_hash == rules.token_hash(rules.normalise(token))
    assert token.replace("-", "") not in repr(db.session.execute(select(FeedbackLink.__table__)).all())
    assert (link.about, link.language, link.team_id) == (
        FeedbackAbout.INITIAL_CONTACT,
        "en",
        team["team"].id,
    )
    assert link.expires_on == date(2027, 2, 23)


def test_an_email_carries_the_same_link_on_every_attempt(team, today, fake_notify):
    team["victim"].channel = "email"
    team["victim"].language = "cy"
    db.session.flush()
    letter = draft(team, LetterType.PRE_RELEASE)
    services.approve(letter, team["vlo"])
    db.session.flush()
    first = sending.email_body(letter)
    today.advance(days=3)  # a retry days later sends the same text, the same link
    assert sending.email_body(letter) == first
    assert sending.send(letter.id).status == "sent"
    [sent] = fake_notify.sent_to(team["victim"].email)
    assert sent["body"].strip() == first.strip()
    assert "Dywedwch wrthym beth yw eich barn" in first and "tan 23 Chwefror 2027" in first
    [link] = links()
    assert link.token_hash == rules.token_hash(rules.normalise(URL.search(first).group(1)))
    assert (link.about, link.language) == (FeedbackAbout.PRE_RELEASE, "cy")


def test_a_letter_approved_again_after_it_failed_keeps_its_one_link(team, today, fake_notify):
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    first_pdf = base64.b64decode(letter.pdf_base64)
    fake_notify.fail_next(1, status=400)
    assert sending.send(letter.id).status == "failed"
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.status == LetterStatus.FAILED
    today.advance(days=2)
    services.approve(letter, team["vlo"])
    db.session.flush()
    [link] = links()
    assert link.expires_on == date(2027, 2, 25)  # 90 days from the approval that stands
    assert base64.b64decode(letter.pdf_base64) != first_pdf


def test_other_letters_carry_no_link(team, today, fake_notify):
    letter = draft(team, LetterType.KEY_STAGE)
    services.approve(letter, team["vlo"])
    db.session.flush()
    assert links() == []
    assert "/f/" not in sending.email_body(letter)


def test_a_cancelled_letters_link_never_works(team, today, fake_notify, web):
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    token = URL.search(sending.email_body(letter)).group(1)
    fake_notify.fail_next(1, status=400)
    assert sending.send(letter.id).status == "failed"
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    services.cancel(letter, team["vlo"])
    db.session.flush()
    assert links() == []
    web().get(f"/f/{token}", status=404)


# -- the page -----------------------------------------------------------------------------------------


def test_a_victim_answers_once_and_a_second_time_is_refused(make, web, today):
    token = a_link(make)
    browser = web()
    page = browser.get(f"/f/{token}")
    csrf = browser.csrf_token(f"/f/{token}")
    assert "Tell us what you think of the Victim Contact Scheme" in page
    response = browser.post(f"/f/{token}", ANSWERS, status=302)
    assert "/f/thank-you" in response.headers["Location"]
    assert "Thank you for your feedback" in browser.get(response.headers["Location"])
    [stored] = db.session.scalars(select(FeedbackResponse)).all()
    assert (stored.satisfaction, stored.kept_informed, stored.felt_safer, stored.comments) == (
        4,
        "yes",
        "partly",
        "Thank you",
    )
    assert (stored.source, stored.about, stored.received_on) == (
        FeedbackSource.LINK,
        FeedbackAbout.PRE_RELEASE,
        date(2026, 11, 25),
    )
    # Used: the same neutral page as a token never made, and nothing more is stored.
    used = browser.get(f"/f/{token}", status=404)
    unknown = browser.get("/f/ZZZZZ-ZZZZZ", status=404)
    assert "This feedback link cannot be used" in used
    assert _main(used) == _main(unknown)
    assert browser._send("post", f"/f/{token}", data={**ANSWERS, "csrf_token": csrf}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1


def _main(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_the_token_is_read_however_it_is_typed(make, web, today):
    token = a_link(make)
    web().get(f"/f/{token.lower().replace('-', '')}")


def test_a_link_works_on_day_90_and_not_on_day_91(make, web, today):
    token = a_link(make, made_on=date(2026, 11, 25))
    today.set(datetime(2027, 2, 23, 12, 0, tzinfo=UTC))  # day 90
    web().get(f"/f/{token}")
    today.set(datetime(2027, 2, 24, 0, 30, tzinfo=UTC))  # day 91
    assert "This feedback link cannot be used" in web().get(f"/f/{token}", status=404)


def test_an_answer_sent_after_the_link_expired_is_not_stored(make, web, today):
    token = a_link(make, made_on=date(2026, 11, 25))
    today.set(datetime(2027, 2, 23, 22, 0, tzinfo=UTC))
    browser = web()
    data = {**ANSWERS, "csrf_token": browser.csrf_token(f"/f/{token}")}
    today.set(datetime(2027, 2, 24, 1, 0, tzinfo=UTC))
    assert browser._send("post", f"/f/{token}", data=data).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_the_page_is_in_the_letters_language_with_a_switch(make, web, today):
    token = a_link(make, language="cy")
    page = web().get(f"/f/{token}")
    assert '<html lang="cy"' in page
    assert "Dywedwch wrthym beth yw eich barn" in page and "Bodlon iawn" in page and "Nac ydw" in page
    assert f'href="/f/{token}?lang=en"' in page
    english = web().get(f"/f/{token}?lang=en")
    assert '<html lang="en"' in english and "Very satisfied" in english
    # A mistake is shown in Welsh, and nothing given is lost.
    browser = web()
    response = browser.post(f"/f/{token}", {"kept_informed": "yes", "comments": "Diolch"}, status=200)
    shown = response.get_data(as_text=True)
    assert "Mae problem" in shown and "Dewiswch pa mor fodlon ydych chi" in shown
    assert "<title>Gwall:" in shown
    assert "Diolch</textarea>" in shown and 'value="yes" checked' in shown


def test_the_page_shows_nothing_about_the_case(team, today, fake_notify, web):
    letter = draft(team)
    services.approve(letter, team["vlo"])
    db.session.flush()
    token = URL.search(sending.email_body(letter)).group(1)
    assert sending.send(letter.id).status == "sent"
    browser = web()
    pages = [browser.get(f"/f/{token}"), browser.get(f"/f/{token}?lang=cy")]
    response = browser.post(f"/f/{token}", {"comments": "x" * 2001}, status=200)
    pages.append(response.get_data(as_text=True))
    case = team["case"]
    for page in pages:
        for secret in (
            "Oddsworth",
            "X987654",
            "Vivienne",
            "Quillfeather",
            "Vera Liaison",
            "Bedford",
            team["team"].name,
            f"/cases/{case.id}",
        ):
            assert secret not in page
    assert "Your comments must be 2,000 characters or fewer" in pages[2]


def test_the_token_is_never_logged(make, web, today, caplog, app, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setitem(app.config, "FEEDBACK_PAGE_LIMIT", "8 per hour")
    token = a_link(make)
    browser = web()
    browser.get(f"/f/{token}")
    browser.post(f"/f/{token}", {"satisfaction": "9"}, status=200)
    browser.post(f"/f/{token}", ANSWERS, status=302)
    browser.get(f"/f/{token}", status=404)
    statuses = [browser._send("get", f"/f/{token}").status_code for _ in range(6)]
    assert 404 in statuses
    assert statuses[-1] == 429  # the limit, reached
    assert caplog.records  # the requests were logged, without the token
    for written in (token, token.replace("-", ""), token.lower()):
        assert written not in caplog.text


# -- the limit ----------------------------------------------------------------------------------------


def test_the_page_is_limited_per_client_on_get_and_post(make, web, today, app, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_PAGE_LIMIT", "3 per hour")
    monkeypatch.setitem(app.config, "FEEDBACK_POST_LIMIT", "2 per hour")
    token = a_link(make)
    browser = web()
    for _ in range(3):
        browser.get(f"/f/ZZZZZ-ZZZZ{_}", status=404)  # guessing counts
    assert browser._send("get", f"/f/{token}").status_code == 429
    other = browser.client.get(f"/f/{token}", environ_overrides={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200  # another client is not held back
    token_field = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', other.get_data(as_text=True))
    posts = [
        browser.client.post(
            f"/f/ZZZZZ-ZZZZ{n}",
            data={**ANSWERS, "csrf_token": token_field.group(1)},
            environ_overrides={"REMOTE_ADDR": "192.0.2.7"},
        ).status_code
        for n in range(3)
    ]
    assert posts == [404, 404, 429]


def test_a_post_without_its_csrf_token_is_refused(make, web, today):
    token = a_link(make)
    browser = web()
    assert browser._send("post", f"/f/{token}", data=ANSWERS).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_expiry_is_ninety_days_from_the_day_made(make, today):
    a_link(make, made_on=date(2026, 11, 25))
    [link] = links()
    assert link.expires_on - date(2026, 11, 25) == timedelta(days=90)


def test_the_development_servers_access_log_hides_the_token(app):
    dropping = next(
        f for f in logging.getLogger("werkzeug").filters if type(f).__name__ == "DropQueryStrings"
    )
    for line, shown in (
        ("GET /f/K7M2Q-X9PAB HTTP/1.1", "GET /f/[removed] HTTP/1.1"),
        ("POST /f/k7m2qx9pab?lang=cy HTTP/1.1", "POST /f/[removed]?[removed] HTTP/1.1"),
        ("GET /f/thank-you?lang=cy HTTP/1.1", "GET /f/thank-you?[removed] HTTP/1.1"),
        ("GET /cases/mine HTTP/1.1", "GET /cases/mine HTTP/1.1"),
    ):
        record = logging.LogRecord(
            "werkzeug", logging.INFO, __file__, 1, '"%s" %s %s', (line, "200", "-"), None
        )
        assert dropping.filter(record)
        assert record.getMessage() == f'"{shown}" 200 -'
