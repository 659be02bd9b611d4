"""Telephone as a person's chosen channel (issue 13, item 7): they can choose it wherever a
channel is chosen (the preferences and person forms, the API, the CSV import); their letters go
by post, and the letter's check says so as a note: nothing is refused, nothing to acknowledge.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import finish, signed_in
from tests.integration.api.test_api import Api, referral
from tests.integration.imports.test_imports import csv_bytes, row, run_import, upload
from tests.integration.imports.test_imports import worker as worker
from victims.api.auth import create_client
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import sending, services
from victims.people.models import Person


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    return frozen_clock


@pytest.fixture()
def desk(make, database):
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    victim.telephone = "01632 960 999"
    database.session.flush()
    return {"team": unit, "vlo": vlo, "case": case, "victim": victim}


def _draft(desk):
    letter = services.start_draft(desk["case"], desk["victim"], LetterType.INITIAL_CONTACT, desk["vlo"])
    texts = {s.key: finish(s) for s in letter.sections if not s.locked}
    services.save_draft(
        letter, texts, large_print=letter.large_print, channel=letter.channel, user=desk["vlo"]
    )
    return letter


def test_a_victim_who_prefers_telephone_gets_letters_by_post_with_a_note(app, desk, today, fake_notify):
    victim = desk["victim"]
    browser = signed_in(app, desk["vlo"])
    browser.post(
        f"/cases/{desk['case'].id}/people/{victim.id}/preferences",
        {
            "contact_level": "key_stages",
            "channel": "telephone",
            "language": "en",
            "version": str(victim.version),
        },
        status=302,
    )
    db.session.refresh(victim)
    assert victim.channel == "telephone"
    assert "Telephone (letters go by post), in English" in browser.get(f"/cases/{desk['case'].id}/people")

    letter = _draft(desk)
    assert letter.channel == "post"  # telephone has no letters of its own
    results = {result.code: result for result in services.check_letter(letter)}
    assert all(result.passed for result in results.values())
    note = f"{victim.full_name} prefers telephone: this letter goes by post to their postal address."
    assert results["choices"].notes and results["choices"].notes[0].startswith(note)
    assert services.warnings_in(list(results.values())) == []  # information, not for an SPO
    page = browser.get(f"/letters/{letter.id}")
    assert 'data-testid="check-notes"' in page and note in page.replace("&#39;", "'")

    # A VLO approves it as any other letter, and it goes by post.
    assert services.approve(letter, desk["vlo"]) is True
    db.session.flush()
    assert sending.send(letter.id).status == "sent"
    assert len(fake_notify.letters()) == 1
    assert letter.status == LetterStatus.SENT


def test_by_email_to_someone_who_prefers_telephone_is_refused(desk, today):
    desk["victim"].channel = "telephone"
    db.session.flush()
    letter = _draft(desk)
    services.save_draft(
        letter,
        {s.key: s.body for s in letter.sections if not s.locked},
        large_print=False,
        channel="email",
        user=desk["vlo"],
    )
    results = {result.code: result for result in services.check_letter(letter)}
    assert not results["choices"].passed
    assert "prefers telephone, and their letters go by post" in results["choices"].problems[0]


def test_telephone_needs_a_number_and_an_address_in_the_person_form(app, desk, database):
    browser = signed_in(app, desk["vlo"])
    path = f"/cases/{desk['case'].id}/people/new"
    form = {
        "relationship": "bereaved_relative",
        "first_name": "Tel",
        "last_name": "Ephone",
        "contact_level": "annual",
        "channel": "telephone",
        "language": "en",
    }
    page = browser.post(path, form, status=200).get_data(as_text=True)
    assert "Enter a telephone number, or choose post or email" in page
    assert "Enter address line 1" in page
    form.update(
        telephone="01632 960 555",
        address_line_1="3 Ring Road",
        address_town="Testbury",
        address_postcode="TE3 3ST",
    )
    browser.post(path, form, status=302)
    added = database.session.scalars(select(Person).where(Person.last_name == "Ephone")).one()
    assert added.channel == "telephone"


def test_the_api_accepts_telephone_with_a_number_and_an_address(app, database, make, frozen_clock):
    team = make.team()
    _client, token = create_client("Cambridge Crown Court", team.region_id, team.id)
    api = Api(app, token)
    body = referral()
    body["victims"][0]["preferences"] = {"channel": "telephone"}
    refused = api.post("/referrals", body)
    assert refused.status_code == 422
    pointers = {error["pointer"] for error in refused.get_json()["errors"]}
    assert pointers == {"/victims/0/telephone"}
    body["victims"][0]["telephone"] = "01632 960 777"
    assert api.post("/referrals", body).status_code == 201
    victim = database.session.scalars(select(Person).where(Person.last_name == "Referral")).one()
    assert victim.channel == "telephone"


def test_the_csv_import_accepts_telephone(app, database, make, worker, frozen_clock):
    spo = make.user(Role.SPO, make.team())
    browser = signed_in(app, spo)
    preview = upload(browser, csv_bytes([row(victim_channel="Telephone", victim_telephone="01632 960 888")]))
    assert "Import" in preview
    run_import(browser, worker, preview)
    victim = database.session.scalars(select(Person).where(Person.last_name == "Referral")).one()
    assert victim.channel == "telephone"
