"""A name or address line too long for the envelope window is a failed quality check that says
what to shorten: the letter cannot be approved, and its preview sends the VLO to that check
instead of failing with a server error."""

from __future__ import annotations

import pytest

from tests.helpers import post_with_token
from tests.integration.letters.test_letters import draft, failed_checks, team, today  # noqa: F401
from victims.domain.letters import LetterStatus
from victims.extensions import db
from victims.letters import services
from victims.letters.models import Letter
from victims.refusals import Refused

LONG_FIRST = "Bartholomew Maximilian Alexander Fitzgerald"
LONG_LAST = "Wolstenholme-Whitworth-Montgomery-Smythe"
LONG_LINE = "Flat 1204, The Old Wellington Mill Riverside Apartments, Gardens and Marina Walk"


@pytest.fixture()
def long_name(team):  # noqa: F811
    victim = team["victim"]
    victim.first_name, victim.last_name = LONG_FIRST, LONG_LAST
    db.session.flush()
    return victim


def test_a_name_too_long_for_the_window_fails_the_check_saying_what_to_shorten(team, today, long_name):  # noqa: F811
    letter = draft(team)

    [problem] = failed_checks(letter)["address"]

    assert problem.startswith(f"{LONG_FIRST} {LONG_LAST}’s name is too long for the envelope window")
    assert "Shorten it to about" in problem and "characters" in problem
    with pytest.raises(Refused, match="quality check"):
        services.approve(letter, team["vlo"])
    assert letter.status == LetterStatus.DRAFT and letter.pdf_base64 is None


def test_an_address_line_too_long_for_the_window_is_named(team, today):  # noqa: F811
    team["victim"].address_line_1 = LONG_LINE
    db.session.flush()
    letter = draft(team)

    [problem] = failed_checks(letter)["address"]

    assert problem.startswith("The address line “Flat 1204, The Old Wellington Mill…” is too long")
    assert "Shorten it to about" in problem


def test_the_preview_shows_the_problem_instead_of_a_server_error(team, today, long_name, web):  # noqa: F811
    letter = draft(team)
    db.session.flush()
    browser = web(team["vlo"])

    response = browser._send("get", f"/letters/{letter.id}/letter.pdf")

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/letters/{letter.id}")
    page = browser.get(f"/letters/{letter.id}")
    assert "do not fit the envelope window" in page
    assert 'data-check="address" data-passed="no"' in page
    assert "name is too long for the envelope window" in page


def test_approving_through_the_page_is_refused_not_a_server_error(team, today, long_name, web):  # noqa: F811
    letter = draft(team)
    db.session.flush()
    browser = web(team["vlo"])

    response = post_with_token(
        browser,
        f"/letters/{letter.id}/approve",
        {"version": str(letter.version)},
        from_page=f"/letters/{letter.id}",
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).status == LetterStatus.DRAFT


def test_a_long_email_address_is_written_over_lines_on_an_email_letters_pdf(team, today):  # noqa: F811
    victim = team["victim"]
    victim.channel = "email"
    victim.email = "bartholomew.maximilian.wolstenholme-whitworth@a-very-long-domain-name.example.com"
    db.session.flush()
    letter = draft(team)

    assert "address" not in failed_checks(letter)
    services.approve(letter, team["vlo"])
    assert letter.status == LetterStatus.APPROVED and letter.pdf_base64
