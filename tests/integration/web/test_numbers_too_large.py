"""A whole number too large for any column (found by the form fuzz with 400 digits) is out of the
field's range, with the range's own message, instead of a 500: WTForms' NumberRange asks
math.isnan of it, which cannot convert so large an integer to a float."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.helpers import signed_in
from tests.integration.cases.test_cases import _field_error, _valid_case
from victims.cases.models import Case
from victims.domain.vocabulary import Role

HUGE = ["9" * 400, "-" + "9" * 400, "2147483648", "99999999999"]


@pytest.mark.parametrize("number", HUGE)
def test_a_rule_number_too_large_is_out_of_range(web, make, number):
    browser = web(make.user(Role.ADMIN, national=True))

    response = browser.post(
        "/admin/deadline-rules/initial_contact",
        {"number": number, "reason": "Regional agreement"},
        status=200,
    )

    assert _field_error(response.get_data(as_text=True), "number") == "Enter a number between 0 and 3,650"


@pytest.mark.parametrize("number", HUGE)
def test_a_sentence_length_too_large_is_refused(app, make, database, frozen_clock, number):
    response = signed_in(app, make.user(Role.VLO)).post("/cases/new", _valid_case(length_months=number))

    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), "length_months")
    assert database.session.scalar(select(func.count()).select_from(Case)) == 0
