"""The intake API: bearer tokens per region, referrals that open (or find) cases with their
deadlines, idempotency, offender events, and problem documents listing every bad field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from victims.api.auth import create_client
from victims.cases.models import Case
from victims.people.models import Person
from victims.work.models import CaseDeadline, Task


class Api:
    def __init__(self, app, token: str | None):
        self.app, self.token = app, token
        self.client = app.test_client()

    def _send(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        with self.app.app_context():
            return getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._send("get", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self._send("post", path, json=body, **kwargs)


@pytest.fixture()
def team(make):
    return make.team()


@pytest.fixture()
def api(app, database, make, team):
    _client, token = create_client("Cambridge Crown Court", team.region_id, team.id)
    return Api(app, token)


def referral(**changes) -> dict:
    body = {
        "offender": {
            "crn": "X654321",
            "first_name": "Simon",
            "last_name": "Referred",
            "prison_number": "A1234BC",
        },
        "sentence": {
            "offence": "Wounding with intent",
            "offence_category": "violent",
            "sentence_type": "determinate",
            "length_months": 48,
            "sentence_date": "2025-12-02",
            "court": "Cambridge Crown Court",
            "dates": {"crd": "2027-03-01"},
        },
        "received_on": "2025-12-18",
        "victims": [
            {
                "relationship": "victim",
                "first_name": "Vera",
                "last_name": "Referral",
                "address": {"line_1": "1 Referral Road", "town": "Cambridge", "postcode": "cb1 1aa"},
            }
        ],
    }
    body.update(changes)
    return body


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_referral_opens_a_case_with_its_deadlines(api, database, team, frozen_clock):
    response = api.post("/referrals", referral())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["crn"] == "X654321" and body["team_id"] == team.id
    assert body["scheme"] == "statutory"
    assert "12 months or more" in body["eligibility"]["reason"]
    due = {deadline["code"]: deadline["due_on"] for deadline in body["deadlines"]}
    # 20 working days after Thursday 18 December 2025, over Christmas and New Year.
    assert due["initial_contact"] == "2026-01-20"
    assert due["licence_representations"] == "2027-01-04"
    assert "Referral Road" not in response.get_data(as_text=True)  # never returned

    case = database.session.get(Case, body["id"])
    assert case.allocated_vlo_id is None  # waits in the team's queue
    tasks = database.session.scalars(select(Task).where(Task.case_id == case.id)).all()
    assert tasks and all(task.assigned_to_id is None for task in tasks)
    person = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    assert person.address_postcode == "CB1 1AA"

    again = api.get(f"/cases/{case.id}")
    assert again.status_code == 200 and again.get_json()["deadlines"] == body["deadlines"]


def test_a_referral_says_what_was_done_with_it(api, app, database, make, team, frozen_clock):
    """Opened, added to the client's team's case, or passed on to the team that holds it."""
    assert api.post("/referrals", referral()).get_json()["referral_outcome"] == "opened"
    assert api.post("/referrals", referral()).get_json()["referral_outcome"] == "added"
    other_team = make.team(make.region())
    _client, token = create_client("Another court", other_team.region_id, other_team.id)
    elsewhere = referral()
    elsewhere["victims"][0]["first_name"] = "Wendy"
    response = Api(app, token).post("/referrals", elsewhere)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["referral_outcome"], body["team_id"]) == ("passed_on", team.id)
    names = database.session.scalars(select(Person.first_name).where(Person.case_id == body["id"])).all()
    assert "Wendy" not in names
    passed = database.session.scalars(
        select(Task).where(Task.case_id == body["id"], Task.title.contains("outside"))
    )
    assert [task.assigned_to_id for task in passed] == [None]  # the holding team's queue


def test_a_crn_recorded_for_another_offender_is_refused(api, database, make, team, frozen_clock):
    make.case(team=team, crn="X654321", offender_last_name="Somebody")
    response = api.post("/referrals", referral())
    assert response.status_code == 422
    errors = {error["pointer"]: error["detail"] for error in response.get_json()["errors"]}
    assert errors == {
        "/offender/crn": "This CRN is recorded for another offender: check the CRN, the surname and the date "
        "of birth"
    }
    assert _count(database.session, Person) == 1  # the factory's victim only


def test_the_same_referral_twice_with_a_key_creates_one_case(api, database, frozen_clock):
    first = api.post("/referrals", referral(), headers={"Idempotency-Key": "ref-1"})
    second = api.post("/referrals", referral(), headers={"Idempotency-Key": "ref-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    assert _count(database.session, Case) == 1

    reused = api.post("/referrals", referral(received_on="2025-12-19"), headers={"Idempotency-Key": "ref-1"})
    assert reused.status_code == 409
    assert reused.content_type == "application/problem+json"


def test_a_second_referral_for_the_same_offender_finds_the_case(api, database, frozen_clock):
    api.post("/referrals", referral())
    more = referral()
    more["victims"].append(
        {
            "relationship": "bereaved_relative",
            "first_name": "Bob",
            "last_name": "Relative",
            "email": "bob@example.test",
            "preferences": {"channel": "email"},
        }
    )
    response = api.post("/referrals", more)
    assert response.status_code == 200
    assert _count(database.session, Case) == 1
    names = database.session.scalars(select(Person.first_name).order_by(Person.id)).all()
    assert names == ["Vera", "Bob"]


def test_every_invalid_field_is_listed_and_nothing_is_stored(api, database, frozen_clock):
    body = referral(received_on="2025-02-30", surprise=1)
    body["offender"]["crn"] = "123"
    body["sentence"]["offence_category"] = "fraud"
    body["sentence"]["length_months"] = "four"
    body["victims"][0]["address"]["postcode"] = "nope"
    del body["victims"][0]["last_name"]
    response = api.post("/referrals", body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    errors = {error["pointer"]: error["detail"] for error in response.get_json()["errors"]}
    assert errors == {
        "/received_on": "must be a real date",
        "/surprise": "is not a field this API accepts",
        "/offender/crn": "must be a CRN like X123456",
        "/sentence/offence_category": errors["/sentence/offence_category"],
        "/sentence/length_months": "must be a whole number",
        "/victims/0/address/postcode": "must be a real postcode, like AA1 1AA",
        "/victims/0/last_name": "is required",
    }
    assert errors["/sentence/offence_category"].startswith("must be one of:")
    assert _count(database.session, Case) == 0


def test_a_victim_who_is_not_eligible_is_refused_with_the_reason(api, database, frozen_clock):
    body = referral()
    body["sentence"].update(offence="Theft", offence_category="other")
    response = api.post("/referrals", body)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["pointer"] == "/sentence/offence_category"
    assert _count(database.session, Case) == 0


def test_not_json_and_no_token(app, api, database):
    assert api._send("post", "/referrals", data="x", content_type="text/plain").status_code == 400
    anonymous = Api(app, None).post("/referrals", referral())
    assert anonymous.status_code == 401
    assert anonymous.content_type == "application/problem+json"
    assert Api(app, "vcs_not-a-token").get("/cases/1").status_code == 401


def test_a_client_sees_only_its_own_region(app, api, database, make, frozen_clock):
    other_team = make.team(make.region("wales"))
    _client, token = create_client("Cardiff Crown Court", other_team.region_id, other_team.id)
    case_id = api.post("/referrals", referral()).get_json()["id"]
    stranger = Api(app, token)
    assert stranger.get(f"/cases/{case_id}").status_code == 404
    assert (
        stranger.post(f"/cases/{case_id}/events", {"kind": "recall", "occurred_on": "2025-12-20"}).status_code
        == 404
    )
    # …and cannot send referrals to another region's team.
    wrong = stranger.post("/referrals", referral(team_id=api_team_id(database, case_id)))
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"][0]["pointer"] == "/team_id"


def api_team_id(database, case_id: int) -> int:
    return database.session.get(Case, case_id).team_id


def test_an_offender_event_creates_a_task_with_its_deadline(api, database, frozen_clock):
    frozen_clock.set(frozen_clock.now.replace(year=2026, month=11, day=27))  # a Friday
    case_id = api.post("/referrals", referral()).get_json()["id"]
    response = api.post(f"/cases/{case_id}/events", {"kind": "recall", "occurred_on": "2026-11-26"})
    assert response.status_code == 201
    due = {d["code"]: d["due_on"] for d in response.get_json()["deadlines"]}
    assert due["event_recall"] == "2026-11-30"  # 1 working day after Friday: Monday
    row = database.session.scalars(select(CaseDeadline).where(CaseDeadline.code == "event_recall")).one()
    assert row.event_id is not None

    bad = api.post(f"/cases/{case_id}/events", {"kind": "escape", "occurred_on": "2099-01-01"})
    assert bad.status_code == 422
    assert {e["pointer"] for e in bad.get_json()["errors"]} == {"/kind", "/occurred_on"}


def test_the_openapi_document_is_public_and_describes_the_endpoints(app, database):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {
        "/referrals",
        "/cases/{case_id}",
        "/cases/{case_id}/events",
        "/events",
        "/cases/{case_id}/release-address",
    }
    assert set(document["paths"]["/cases/{case_id}/release-address"]) == {"put", "delete"}
    release_schema = document["components"]["schemas"]["ReleaseAddress"]
    assert release_schema["required"] == ["postcode"] and release_schema["additionalProperties"] is False
    referral_schema = document["components"]["schemas"]["Referral"]
    assert referral_schema["required"] == ["offender", "sentence", "received_on", "victims"]
    assert referral_schema["additionalProperties"] is False


def test_unknown_api_paths_answer_with_problem_documents(api):
    response = api.get("/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_tokens_are_stored_hashed(api, database):
    stored = database.session.execute(text("SELECT token_hash FROM api_clients")).scalar_one()
    assert api.token not in stored and len(stored) == 64


def test_dates_are_today_or_earlier_where_they_must_be(api, database, frozen_clock):
    response = api.post("/referrals", referral(received_on=date(2099, 1, 1).isoformat()))
    assert response.get_json()["errors"] == [
        {"pointer": "/received_on", "detail": "must be today or in the past"}
    ]
