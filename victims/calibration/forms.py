"""The calibration's forms: the report's period, and adopting the suggested weights."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from victims.web.forms import GovDateField, RequiredDate
from victims.web.validators import Required

REASON_MAX = 1000


class PeriodForm(FlaskForm):
    """Read from the query string (GET): no CSRF."""

    class Meta:
        csrf = False

    starts_on = GovDateField("From", validators=[RequiredDate("Enter the first day of the period")])
    ends_on = GovDateField("To", validators=[RequiredDate("Enter the last day of the period")])
    submit = SubmitField("Show", widget=GovSubmitInput())

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be the same as or after the first day")


class AdoptForm(FlaskForm):
    """The period travels as the report's date parts (hidden); the model version reviewed, too."""

    model = HiddenField()
    reason = TextAreaField(
        "Why are you adopting these weights?",
        description="For example, what the recorded time showed and who agreed the change",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter why you are adopting these weights"),
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Adopt as a new version of the model", widget=GovSubmitInput())
