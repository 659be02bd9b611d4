"""An optional field given nothing but spaces: WTForms' Optional() takes spaces for nothing and
stops every other check, the choice list's included, so the value went on as it was and failed
where it was used. Found by the form fuzz: a contact "with" a person of spaces, or at a time of
spaces, and a guardian acting for a child of spaces, were each a 500."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.helpers import date_parts, signed_in
from tests.integration.cases.test_cases import _field_error, _valid_case
from tests.integration.people.test_people import _person_form, desk  # noqa: F401
from victims.cases.models import Case, ContactLogEntry
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


def test_a_contact_with_a_person_of_spaces_is_refused(app, database, vlo_and_case):
    vlo, case = vlo_and_case

    response = signed_in(app, vlo).post(f"/cases/{case.id}/contacts/new", contact(person=" "))

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "person") == "Not a valid choice."
    assert database.session.scalar(select(func.count()).select_from(ContactLogEntry)) == 0


@pytest.mark.parametrize("blank", [" ", "\r\n", "\t"])
def test_a_contact_time_of_spaces_is_no_time(app, database, vlo_and_case, blank):
    vlo, case = vlo_and_case

    response = signed_in(app, vlo).post(f"/cases/{case.id}/contacts/new", contact(occurred_time=blank))

    assert response.status_code == 302
    entry = database.session.scalars(select(ContactLogEntry)).one()
    assert (entry.occurred_at.hour, entry.occurred_at.minute) == (0, 0)


def test_a_guardian_acting_for_a_child_of_spaces_is_refused(app, desk, database, frozen_clock):  # noqa: F811
    browser = signed_in(app, desk["vlo"])

    response = browser.post(
        f"/cases/{desk['case'].id}/people/new", _person_form(relationship="parent_guardian", acting_for=" ")
    )

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "acting_for") == "Not a valid choice."
    assert (
        database.session.scalar(select(func.count()).select_from(Person).where(Person.last_name == "Reaved"))
        == 0
    )


def test_an_spos_offer_of_a_scheme_of_spaces_is_refused_at_the_choice(app, make, database, frozen_clock):
    response = signed_in(app, make.user(Role.SPO)).post(
        "/cases/new", _valid_case(offer_scheme=" ", offer_reason="A high-risk case")
    )

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "offer_scheme") == "Not a valid choice."
    assert database.session.scalar(select(func.count()).select_from(Case)) == 0
