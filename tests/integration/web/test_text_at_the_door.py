"""Text at the door (victims.web.input). NUL, which nobody can type and PostgreSQL cannot store
or compare in text, is refused with 400 wherever a browser can put it: a form field's value or
name, the query string, the path and an uploaded file's name (on SQLite it was stored, on
PostgreSQL it was a server error). Other control characters and direction overrides are removed
from every form value before any view reads it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import date_parts, send, signed_in
from victims.cases.models import ContactLogEntry
from victims.domain.vocabulary import Role
from victims.people.models import Person


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


def test_direction_overrides_and_pasted_controls_are_removed_from_form_text(
    app, database, make, frozen_clock
):
    """U+202E printed a surname reversed in a letter's address; a pasted escape sequence is noise.
    Both are removed at the door, so what is stored (and printed) is what the person read."""
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, victims=0)
    form = {
        "relationship": "bereaved_relative",
        "first_name": "Bea\x1b[31m",
        "last_name": "\u202eReaved\u202c",
        "address_line_1": "2 Family\u2066 Close",
        "address_town": "Testbury",
        "address_postcode": "TE2 2ST",
        "contact_level": "annual",
        "channel": "post",
        "language": "en",
    }

    response = signed_in(app, vlo).post(f"/cases/{case.id}/people/new", form)

    assert response.status_code == 302
    person = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    stored = (person.first_name, person.last_name, person.address_line_1)
    assert stored == ("Bea[31m", "Reaved", "2 Family Close")


def test_right_to_left_marks_a_name_may_need_are_kept(app, database, make, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, victims=0)
    form = {
        "relationship": "bereaved_relative",
        "first_name": "\u200fنور",
        "last_name": "Reaved",
        "address_line_1": "2 Family Close",
        "address_town": "Testbury",
        "address_postcode": "TE2 2ST",
        "contact_level": "annual",
        "channel": "post",
        "language": "en",
    }

    assert signed_in(app, vlo).post(f"/cases/{case.id}/people/new", form).status_code == 302
    person = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    assert person.first_name == "\u200fنور"
