from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.validators import InputRequired

from victims.domain.letters import LetterType
from victims.web.forms import options


class NewLetterForm(FlaskForm):
    letter_type = RadioField(
        "Which letter?",
        choices=options(LetterType),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the type of letter")],
    )
    person = RadioField(
        "Who is it to?",
        choices=[],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose who the letter is to")],
    )
    submit = SubmitField("Start the letter", widget=GovSubmitInput())


class OptionsForm(FlaskForm):
    """The letter's print size and channel (the free sections come as section_<key> fields), and
    the version of the letter the form was opened at (victims.web.conflicts)."""

    version = HiddenField()

    large_print = RadioField(
        "Print size",
        choices=options([("no", "Standard print"), ("yes", "Large print")]),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the print size")],
    )
    channel = RadioField(
        "Send it",
        choices=options([("post", "By post"), ("email", "By email")]),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how to send the letter")],
    )
