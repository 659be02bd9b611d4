"""NUL, which nobody can type and PostgreSQL cannot store or compare in text, is refused with
400 wherever a browser can put it: a form field's value or name, the query string, the path and
an uploaded file's name. On SQLite such a request was accepted (and the NUL stored); on
PostgreSQL it was a server error."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import date_parts, send, signed_in
from victims.cases.models import ContactLogEntry
from victims.domain.vocabulary import Role


@pytest.fixture()
def vlo_and_case(make, frozen_clock):
    vlo = make.user(Role.VLO)
    return vlo, make.case(vlo=vlo)


def contact(**changes) -> dict:
    return {
        "person": "",
        "occurred_on": date_parts(date(2026, 11, 20)),
        "occurred_time": "14:30",
        "method": "letter",
        "direction": "outbound",
        "summary": "Sent the initial letter",
        **changes,
    }


@pytest.mark.parametrize(
    "changes",
    [{"summary": "Sent\x00 the letter"}, {"occurred_time": "\x00"}, {"extra\x00name": "x"}],
    ids=["value", "short-value", "name"],
)
def test_a_form_with_nul_is_refused_and_stores_nothing(app, database, vlo_and_case, changes):
    vlo, case = vlo_and_case

    response = signed_in(app, vlo).post(f"/cases/{case.id}/contacts/new", contact(**changes))

    assert response.status_code == 400
    assert database.session.scalar(select(func.count()).select_from(ContactLogEntry)) == 0


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "sort=%00", "%00=1"])
def test_a_query_string_with_nul_is_refused(app, vlo_and_case, query):
    vlo, _case = vlo_and_case

    assert send(signed_in(app, vlo), "get", f"/cases/mine?{query}").status_code == 400


def test_a_path_with_nul_is_refused(app, vlo_and_case):
    vlo, _case = vlo_and_case

    assert (
        send(signed_in(app, vlo), "get", "/admin/letter-templates/initial_contact/e%00n").status_code == 400
    )


def test_an_uploaded_file_name_with_nul_is_refused(app, make, frozen_clock):
    browser = signed_in(app, make.user(Role.SPO))
    token = browser.csrf_token("/imports/referrals")

    response = send(
        browser,
        "post",
        "/imports/referrals",
        data={"csrf_token": token, "file": (io.BytesIO(b"offender_crn\r\n"), "referrals\x00.csv")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
