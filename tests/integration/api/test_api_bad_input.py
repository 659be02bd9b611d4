"""Bodies no client should send still get a problem document naming the field, never a server
error: nesting that would exhaust the JSON parser's recursion, numbers too long to read, text
that cannot be stored."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from tests.integration.api.test_api import Api, referral
from victims.api.auth import create_client
from victims.cases.models import Case


@pytest.fixture()
def api(app, database, make):
    team = make.team()
    _client, token = create_client("Cambridge Crown Court", team.region_id, team.id)
    return Api(app, token)


@pytest.fixture()
def case_id(api, frozen_clock):
    return api.post("/referrals", referral()).get_json()["id"]


def send(api, path: str, raw: str | bytes):
    return api._send("post", path, data=raw, headers={"Content-Type": "application/json"})


def errors(response) -> list[dict]:
    assert response.content_type == "application/problem+json"
    return response.get_json()["errors"]


def cases(database) -> int:
    return database.session.scalar(select(func.count()).select_from(Case))


@pytest.mark.parametrize("closed", [False, True], ids=["unclosed", "closed"])
@pytest.mark.parametrize("path", ["/referrals", "/cases/{case_id}/events"])
def test_a_hundred_thousand_nested_lists_are_refused_with_the_field(api, case_id, database, path, closed):
    body = "[" * 100_000 + ("]" * 100_000 if closed else "")

    response = send(api, path.format(case_id=case_id), body)

    assert response.status_code == 422
    [error] = errors(response)
    assert re.fullmatch(r"(/0)+", error["pointer"])  # where the nesting went too deep
    assert "nested" in error["detail"]
    assert cases(database) == 1


def test_deep_nesting_inside_a_referral_names_the_field_it_is_under(api, database, frozen_clock):
    body = json.dumps(referral())[:-1] + ', "victims": ' + '[{"x": ' * 50 + "1" + "}]" * 50 + "}"

    response = send(api, "/referrals", body)

    assert response.status_code == 422
    [error] = errors(response)
    assert error["pointer"].startswith("/victims/0/x/0/x/")
    assert cases(database) == 0


def test_a_5000_digit_number_is_refused_with_its_field(api, database, frozen_clock):
    body = json.dumps(referral())
    body = body.replace('"length_months": 48', '"length_months": ' + "9" * 5000)

    response = send(api, "/referrals", body)

    assert response.status_code == 422
    assert errors(response) == [
        {"pointer": "/sentence/length_months", "detail": "must be a number of at most 20 digits"}
    ]
    assert cases(database) == 0


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("Vera\x00", "must not contain control characters"),
        ("Vera\x1b[31m", "must not contain control characters"),
        ("Vera\ud800", "must be text in Unicode: it has a character that cannot be stored"),
        ("\u202eareV", "must not contain characters that change the direction text is shown in"),
    ],
    ids=["nul", "escape", "lone-surrogate", "right-to-left-override"],
)
def test_text_that_cannot_be_stored_is_refused_with_its_field(api, database, frozen_clock, text, detail):
    body = json.dumps(referral()).replace('"Vera"', json.dumps(text))

    response = send(api, "/referrals", body)

    assert response.status_code == 422
    assert errors(response) == [{"pointer": "/victims/0/first_name", "detail": detail}]
    assert cases(database) == 0


def test_an_email_address_with_nul_is_refused_with_its_field(api, database, frozen_clock):
    body = referral()
    body["victims"][0]["email"] = "vera\x00@example.test"

    response = send(api, "/referrals", json.dumps(body))

    assert response.status_code == 422
    refused = {"pointer": "/victims/0/email", "detail": "must not contain control characters"}
    assert refused in errors(response)
    assert cases(database) == 0


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b'{"a": NaN}', b'{"a": Infinity}', b"\xff\xfe{}", b'{"a": "\xc3"}'],
    ids=["empty", "unfinished", "nan", "infinity", "not-utf-8", "broken-utf-8"],
)
def test_a_body_that_is_not_json_is_a_bad_request(api, database, raw):
    response = send(api, "/referrals", raw)

    assert response.status_code == 400
    assert response.get_json()["title"] == "The body must be JSON"
