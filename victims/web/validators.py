"""Field checks shared by forms, each with a message a person can act on."""

from __future__ import annotations

import re

from wtforms.validators import InputRequired, StopValidation, ValidationError

from victims import clock
from victims.domain.formats import CRN, EMAIL, POSTCODE, PRISON_NUMBER, TELEPHONE


class Required(InputRequired):
    """A required text field: like InputRequired, but nothing but spaces is nothing. InputRequired
    only asks that something was sent, so a name of spaces passed, was stripped to nothing, and
    failed later (a name the database refused, hours compared as nothing) or was stored empty."""

    def __call__(self, form, field):
        super().__call__(form, field)
        given = field.raw_data[0] if field.raw_data else ""
        if isinstance(given, str) and not given.strip():
            field.errors[:] = []
            raise StopValidation(self.message or field.gettext("This field is required."))


class Pattern:
    def __init__(self, pattern: re.Pattern, message: str, upper: bool = False):
        self.pattern, self.message, self.upper = pattern, message, upper

    def __call__(self, form, field):
        if not field.data:
            return
        value = field.data.strip()
        if self.upper:
            value = value.upper()
        if not self.pattern.match(value):
            raise ValidationError(self.message)


def postcode(form, field):
    Pattern(POSTCODE, "Enter a real postcode, like AA1 1AA", upper=True)(form, field)


def crn(form, field):
    Pattern(CRN, "Enter a CRN in the correct format, like X123456", upper=True)(form, field)


def prison_number(form, field):
    Pattern(PRISON_NUMBER, "Enter a prison number in the correct format, like A1234BC", upper=True)(
        form, field
    )


def telephone(form, field):
    Pattern(TELEPHONE, "Enter a telephone number, like 01632 960 001 or 07700 900 982")(form, field)


def email(form, field):
    Pattern(EMAIL, "Enter an email address in the correct format, like name@example.com")(form, field)


def not_in_future(form, field):
    if field.data and field.data > clock.today():
        raise ValidationError(f"{field.label.text} must be today or in the past")
