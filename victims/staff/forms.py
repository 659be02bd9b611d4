from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError

from victims.web.validators import Required

# A UK telephone number: 10 or 11 digits once spaces, brackets and dashes are taken out,
# starting 0, or +44 and 9 or 10 digits.
_UK_PHONE = re.compile(r"^(0\d{9,10}|\+44\d{9,10})$")


def uk_phone(_form, field) -> None:
    digits = re.sub(r"[\s()\-]", "", field.data or "")
    if not _UK_PHONE.match(digits):
        raise ValidationError("Enter a UK telephone number, like 01632 960 001 or +44 1632 960 001")


class DetailsForm(FlaskForm):
    phone = StringField(
        "Your direct telephone number",
        description="Letters give it to victims, so they can reach you without going through a switchboard.",
        widget=GovTextInput(),
        validators=[Required(message="Enter your direct telephone number"), uk_phone],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
