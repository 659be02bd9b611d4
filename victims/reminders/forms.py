from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from victims.web.forms import options

EMAIL_CHOICES = options([("no", "In the service only"), ("yes", "In the service and by email")])
DAY_CHOICES = options(
    [
        ("working", "On working days only"),
        ("any", "On any day, including weekends and bank holidays"),
    ]
)


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
    days = RadioField(
        "When can reminder emails come?",
        description=(
            "On working days only, an email for something that becomes due or overdue on a weekend "
            "or a bank holiday in England and Wales comes on the next working day."
        ),
        choices=DAY_CHOICES,
        default="working",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose when reminder emails can come")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
