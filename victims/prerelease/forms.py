from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from victims.domain.prerelease import ConditionType
from victims.domain.vocabulary import ContactMethod
from victims.web.forms import GovDateField, RequiredDate, options
from victims.web.validators import Required


class ContactForm(FlaskForm):
    person = RadioField(
        "Who was it with?", choices=[], widget=GovRadioInput(), validators=[InputRequired("Choose who")]
    )
    contacted_on = GovDateField(
        "Date of the contact",
        validators=[RequiredDate("Enter the date of the contact")],
        description="For example, 27 3 2026",
    )
    method = RadioField(
        "How",
        choices=options(ContactMethod),
        widget=GovRadioInput(),
        validators=[InputRequired("Choose how")],
    )
    said = TextAreaField(
        "What the victim said",
        widget=GovCharacterCount(),
        validators=[
            Required("Enter what the victim said"),
            Length(max=2000, message="What the victim said must be 2,000 characters or fewer"),
        ],
    )
    concerns = TextAreaField(
        "Their concerns (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message="Concerns must be 2,000 characters or fewer")],
    )
    wants_conditions = RadioField(
        "Did they ask for licence conditions?",
        choices=options([("yes", "Yes"), ("no", "No")]),
        widget=GovRadioInput(),
        validators=[InputRequired("Say whether they asked for licence conditions")],
    )
    submit = SubmitField("Record the contact", widget=GovSubmitInput())


class RequestForm(FlaskForm):
    person = RadioField(
        "Whose request is it?",
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose whose request it is")],
    )
    condition_type = RadioField(
        "Which condition?",
        choices=options(ConditionType),
        widget=GovRadioInput(),
        validators=[InputRequired("Choose the condition")],
    )
    victim_words = TextAreaField(
        "What they asked for, in their words",
        widget=GovCharacterCount(),
        validators=[
            Required("Enter what the victim asked for, in their words"),
            Length(max=2000, message="Their words must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add the request", widget=GovSubmitInput())


class TokenForm(FlaskForm):
    """Only the CSRF token: the step forms' fields are read by the view and checked by the service."""
