"""A required field given nothing but spaces is missing, and says so, instead of passing the
check and failing later: found by the form fuzz, a person's first name of spaces was a 500
(the database refused the empty name) and so were contracted hours of spaces (compared as
nothing). Elsewhere such a value was stored empty."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import signed_in
from tests.integration.admin.test_admin import admin, change_data, region  # noqa: F401
from tests.integration.cases.test_cases import _field_error, _valid_case
from tests.integration.people.test_people import _details_form, desk  # noqa: F401
from victims.cases.models import Case
from victims.domain.vocabulary import Role

SPACES = ["   ", "\t", "\u00a0\u2003", "\r\n"]


@pytest.mark.parametrize("blank", SPACES, ids=["spaces", "tab", "no-break-spaces", "line-break"])
@pytest.mark.parametrize(
    ("field", "message"),
    [("first_name", "Enter the first name"), ("last_name", "Enter the last name")],
)
def test_a_name_of_spaces_is_missing_when_details_are_changed(
    app,
    desk,  # noqa: F811
    database,
    frozen_clock,
    field,
    message,
    blank,
):
    browser = signed_in(app, desk["vlo"])
    browser.post(f"{desk['base']}/reveal", {"reason": "Victim phoned with a new address"}, status=200)

    response = browser.post(f"{desk['base']}/details", _details_form(**{field: blank}))

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), field) == message
    database.session.refresh(desk["victim"])
    assert (desk["victim"].first_name, desk["victim"].last_name) == ("Rita", "Reveal")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("offender_first_name", "Enter the offender’s first name"),
        ("offence", "Enter the offence"),
        ("first_name", "Enter the first name"),
    ],
)
def test_a_new_case_with_a_required_field_of_spaces_is_refused(
    app, make, database, frozen_clock, field, message
):
    response = signed_in(app, make.user(Role.VLO)).post("/cases/new", _valid_case(**{field: "   "}))

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), field) == message
    assert database.session.scalar(select(func.count()).select_from(Case)) == 0


def test_contracted_hours_of_spaces_are_missing(web, make, database, admin, region):  # noqa: F811
    vlo = make.user(Role.VLO, region=region)

    response = web(admin).post(f"/admin/users/{vlo.id}", change_data(vlo, contracted_hours=" " * 20))

    assert response.status_code == 200
    assert (
        _field_error(response.get_data(as_text=True), "contracted_hours") == "Enter contracted hours per week"
    )
