from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from victims.domain.deadlines import OffenderEvent
from victims.web import validators
from victims.web.forms import GovDateField, RequiredDate, options
from victims.web.validators import Required

NOTES_MAX = 2000


class EventForm(FlaskForm):
    kind = RadioField(
        "What happened?",
        choices=options(OffenderEvent),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose what happened")],
    )
    occurred_on = GovDateField(
        "Date it happened",
        description="For example, 27 3 2026",
        validators=[RequiredDate("Enter the date it happened")],
    )
    learned_on = GovDateField(
        "Date the unit learned of it",
        description="Today, unless the news reached the unit earlier. The task’s deadline counts "
        "from this date, or from the date it happened if that is later",
        validators=[RequiredDate("Enter the date the unit learned of it")],
    )
    notes = TextAreaField(
        "Notes (optional)",
        description="Where the news came from, and anything the victim liaison officer needs to know",
        widget=GovCharacterCount(),
        validators=[
            Optional(),
            Length(max=NOTES_MAX, message=f"Notes must be {NOTES_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Record event", widget=GovSubmitInput())

    def validate_occurred_on(self, field):
        validators.not_in_future(self, field)

    def validate_learned_on(self, field):
        validators.not_in_future(self, field)
        occurred = None if self.occurred_on.errors else self.occurred_on.data
        if field.data and occurred and field.data < occurred:
            raise ValidationError(
                "The date the unit learned of it must be the same as or after the date it happened"
            )


class AssignTaskForm(FlaskForm):
    vlo = SelectField(
        "Victim liaison officer",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose a victim liaison officer")],
    )
    submit = SubmitField("Assign task", widget=GovSubmitInput())


REASON_MAX = 1000


class MeetDeadlineForm(FlaskForm):
    """An SPO marks a deadline met by hand: when, and why the service did not see the evidence."""

    met_on = GovDateField(
        "Date it was met",
        description="The day the work was done, for example 27 3 2026",
        validators=[RequiredDate("Enter the date it was met")],
    )
    reason = TextAreaField(
        "Why are you marking it as met?",
        description="Say what was done and why it is not in the contact log or the letters",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter why you are marking it as met"),
            Length(max=REASON_MAX, message=f"Reason must be {REASON_MAX:,} characters or fewer"),
        ],
    )
    submit = SubmitField("Mark as met", widget=GovSubmitInput())

    def validate_met_on(self, field):
        validators.not_in_future(self, field)
