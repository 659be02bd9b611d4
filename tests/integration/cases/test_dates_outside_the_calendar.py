"""Deadlines are counted on a calendar of working days that covers a fixed span of years. A case
sentenced long ago is counted on it like any other; a date its deadlines cannot be counted from
(a release date centuries ahead) is refused at its field, by the form, the API and the sentence
dates page alike, and nothing is stored. Both used to be a server error (OutsideCalendarError).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from tests.integration.api.test_api import Api, referral
from tests.integration.cases.test_cases import _count, _field_error, _valid_case
from victims.api.auth import create_client
from victims.cases.models import Case, Sentence
from victims.domain.vocabulary import Role
from victims.work.models import CaseDeadline

TOO_FAR = "Enter a date between 1 January 1900 and 31 December"


@pytest.fixture()
def api(app, database, make):
    team = make.team()
    _client, token = create_client("Cambridge Crown Court", team.region_id, team.id)
    return Api(app, token)


def test_a_case_sentenced_before_the_calendars_old_span_gets_its_deadlines(api, database, frozen_clock):
    body = referral()
    body["sentence"]["sentence_date"] = "1994-05-04"  # a life sentence's tariff can run for decades

    response = api.post("/referrals", body)

    assert response.status_code == 201, response.get_data(as_text=True)
    referral_deadline = database.session.scalar(select(CaseDeadline).where(CaseDeadline.code == "referral"))
    assert referral_deadline.counted_from.year == 1994


@pytest.mark.parametrize("crd", ["2999-12-31", "9999-12-31"])
def test_a_release_date_no_deadline_can_be_counted_from_is_refused_by_the_api(
    api, database, frozen_clock, crd
):
    body = referral()
    body["sentence"]["dates"] = {"crd": crd}

    response = api.post("/referrals", body)

    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["pointer"] == "/sentence/dates/crd"
    assert error["detail"].startswith(TOO_FAR)
    assert _count(database.session, Case) == 0


def test_the_new_case_form_refuses_it_at_the_field(app, make, database, frozen_clock):
    response = signed_in(app, make.user(Role.VLO)).post("/cases/new", _valid_case(crd=["31", "12", "2999"]))

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "crd").startswith(TOO_FAR)
    assert _count(database.session, Case) == 0


def test_the_new_case_form_refuses_a_sentence_date_before_1900(app, make, database, frozen_clock):
    form = _valid_case(sentence_date=["1", "3", "1850"], referral_received_on=["10", "3", "2024"])

    response = signed_in(app, make.user(Role.VLO)).post("/cases/new", form)

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "sentence_date").startswith(TOO_FAR)
    assert _count(database.session, Case) == 0


def test_the_sentence_dates_page_refuses_it_and_changes_nothing(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    browser = signed_in(app, vlo)
    sentence = database.session.get(Sentence, case.sentence_id)
    before = (sentence.crd, sentence.version)

    response = browser.post(
        f"/cases/{case.id}/dates",
        {"crd": ["31", "12", "2999"], "source": "prison", "version": str(sentence.version)},
        form_path=f"/cases/{case.id}/dates",
    )

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "crd").startswith(TOO_FAR)
    database.session.expire_all()
    sentence = database.session.get(Sentence, case.sentence_id)
    assert (sentence.crd, sentence.version) == before
