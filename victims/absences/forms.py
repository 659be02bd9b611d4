"""The SPO's absence forms: who is away, what kind (no health details), the days, who covers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from victims.domain.cover import AbsenceKind
from victims.web.forms import GovDateField, OptionalDate, RequiredDate, options

QUEUE = "queue"


class AbsenceForm(FlaskForm):
    user_id = SelectField(
        "Who is away?", widget=GovSelect(), validators=[InputRequired(message="Choose who is away")]
    )
    kind = RadioField(
        "What kind of absence?",
        choices=options(AbsenceKind),
        widget=GovRadioInput(),
        description="Only the kind is kept: do not record anything about anyone’s health",
        validators=[InputRequired(message="Choose what kind of absence it is")],
    )
    starts_on = GovDateField(
        "First day away",
        description="For example, 27 3 2027",
        validators=[RequiredDate("Enter the first day away")],
    )
    ends_on = GovDateField(
        "Last day away (optional)",
        description="Leave empty if it is not known yet. For example, 3 4 2027",
        validators=[OptionalDate()],
    )
    cover = SelectField(
        "Who covers their tasks?",
        widget=GovSelect(),
        description="A map goes to the team’s queue unless the person covering has the mapping skill",
        validators=[InputRequired(message="Choose who covers, or the team’s queue")],
    )
    submit = SubmitField("Record absence", widget=GovSubmitInput())

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be the same as or after the first day")


class EndForm(FlaskForm):
    """A new last day for an absence (empty: not known yet)."""

    version = HiddenField()
    ends_on = GovDateField(
        "Last day away",
        description="If they are back today, enter yesterday’s date. Leave empty if it is not known yet",
        validators=[OptionalDate()],
    )
    submit = SubmitField("Change last day", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Confirm", widget=GovSubmitInput())
