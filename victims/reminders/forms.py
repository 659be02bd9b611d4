from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from victims.web.forms import options

EMAIL_CHOICES = options([("no", "In the service only"), ("yes", "In the service and by email")])


class SettingsForm(FlaskForm):
    email = RadioField(
        "How do you want to get reminders of deadlines?",
        description=(
            "Reminders always appear under Notifications. "
            "An email goes to your work address as well if you choose it."
        ),
        choices=EMAIL_CHOICES,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how you want to get reminders")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
