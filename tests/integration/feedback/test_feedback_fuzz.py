"""The victim's feedback page (no sign-in) never fails on what a form can send: generated and
oversized answers get the page back with its errors, or the thanks; never a server error, and a
refusal stores nothing."""

from __future__ import annotations

from datetime import date

from hypothesis import given

from tests.conftest import Browser
from tests.integration.web.fuzzing import (
    FUZZ,
    check_response,
    fingerprint,
    form_data,
    forms_on,
    plausible_data,
    rolled_back,
)
from victims.domain import feedback as rules
from victims.domain.letters import LetterType
from victims.extensions import db
from victims.feedback import services


def test_no_generated_answer_causes_a_server_error(app, make, database, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_PAGE_LIMIT", "100000 per hour")
    monkeypatch.setitem(app.config, "FEEDBACK_POST_LIMIT", "100000 per hour")
    unit = make.team()
    made = services.issue_link(
        letter_id=None,
        letter_type=LetterType.LICENCE_CONDITIONS_OUTCOME.value,
        reference="fuzz-reference",
        language="cy",
        team_id=unit.id,
        region_id=unit.region_id,
        made_on=date.today(),
    )
    db.session.flush()
    path = f"/f/{rules.grouped(made.token)}"
    browser = Browser(app)
    html = browser.get(path)
    [form] = forms_on(html, path)
    with browser.client.session_transaction() as session:
        cookies = dict(session)

    def fresh() -> Browser:
        other = Browser(app)
        with other.client.session_transaction() as session:
            session.update(cookies)
        return other

    with rolled_back():  # as a person fills it in: taken (so the examples reach the form)
        assert fresh()._send("post", path, data=plausible_data(form)).status_code == 302

    @given(data=form_data(form))
    @FUZZ
    def run(data):
        with rolled_back():
            before = fingerprint()
            response = fresh()._send("post", path, data=data)
            check_response(response, before, fingerprint, f"POST {path} with {data!r:.2000}")

    run()
    for name in ("comments", "satisfaction", "lang"):
        for value in ("é" * 5001, "9" * 400):
            with rolled_back():
                before = fingerprint()
                response = fresh()._send("post", path, data={**plausible_data(form), name: value})
                check_response(response, before, fingerprint, f"POST {path} with {name} too large")
