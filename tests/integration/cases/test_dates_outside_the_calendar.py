"""Deadlines are counted on a calendar of working days that covers a fixed span of years. A case
sentenced long ago is counted on it like any other; a date its deadlines cannot be counted from
(a release date centuries ahead) is refused at its field, by the form, the API and the sentence
dates page alike, and nothing is stored. Both used to be a server error (OutsideCalendarError).
"""

from __future__ import annotations

import re

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


# The fault run's own examples: the scheme's long-running cases. Each was a server error on the
# API, the new-case form and the sentence dates page; now each is a case with its deadlines
# (those already past are history, not errors).
OLD_SENTENCES = {
    "life-2005": {"sentence_type": "life", "sentence_date": "2005-06-14", "dates": {"ped": "2021-06-14"}},
    "ipp-1999": {"sentence_type": "ipp", "sentence_date": "1999-03-22", "dates": {"ped": "2003-03-22"}},
    "ped-2008": {"sentence_type": "extended", "sentence_date": "2006-09-04", "dates": {"ped": "2008-09-04"}},
}


def _parts(iso: str) -> list[str]:
    year, month, day = iso.split("-")
    return [str(int(day)), str(int(month)), year]


@pytest.mark.parametrize("example", OLD_SENTENCES.values(), ids=OLD_SENTENCES.keys())
def test_an_old_sentence_is_accepted_by_the_api_with_its_deadlines(api, database, frozen_clock, example):
    body = referral()
    body["sentence"].update(sentence_type=example["sentence_type"], sentence_date=example["sentence_date"])
    body["sentence"]["dates"] = example["dates"]
    if example["sentence_type"] in {"life", "ipp"}:
        body["sentence"].pop("length_months")

    response = api.post("/referrals", body)

    assert response.status_code == 201, response.get_data(as_text=True)
    sentence = database.session.scalars(select(Sentence)).one()
    assert sentence.ped.isoformat() == example["dates"]["ped"]
    assert database.session.scalars(select(CaseDeadline)).all()


@pytest.mark.parametrize("example", OLD_SENTENCES.values(), ids=OLD_SENTENCES.keys())
def test_an_old_sentence_is_accepted_by_the_new_case_form(app, make, database, frozen_clock, example):
    life_like = example["sentence_type"] in {"life", "ipp"}
    form = _valid_case(
        sentence_type=example["sentence_type"],
        length_months=None if life_like else "120",
        sentence_date=_parts(example["sentence_date"]),
        crd=None,
        ped=_parts(example["dates"]["ped"]),
    )

    response = signed_in(app, make.user(Role.VLO)).post("/cases/new", form)

    assert response.status_code == 302, _field_errors(response)
    sentence = database.session.scalars(select(Sentence)).one()
    assert (sentence.sentence_date.isoformat(), sentence.ped.isoformat()) == (
        example["sentence_date"],
        example["dates"]["ped"],
    )


def test_the_sentence_dates_page_takes_a_parole_eligibility_date_of_2008(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    sentence = database.session.get(Sentence, case.sentence_id)

    response = signed_in(app, vlo).post(
        f"/cases/{case.id}/dates",
        {"ped": ["4", "9", "2008"], "source": "prison", "version": str(sentence.version)},
        form_path=f"/cases/{case.id}/dates",
    )

    assert response.status_code == 302, _field_errors(response)
    database.session.expire_all()
    assert database.session.get(Sentence, case.sentence_id).ped.isoformat() == "2008-09-04"


def _field_errors(response) -> list[str]:
    return re.findall(
        r'govuk-error-message">\s*(?:<[^>]+>[^<]*</span>)?\s*([^<]*)', response.get_data(as_text=True)
    )
