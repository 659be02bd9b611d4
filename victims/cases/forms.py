from __future__ import annotations

from datetime import datetime, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from victims import validators
from victims.clock import LONDON
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    ContactMethod,
    DateSource,
    Direction,
    OffenceCategory,
    Scheme,
    SentenceType,
)
from victims.forms import GovDateField, OptionalDate, RequiredDate, options
from victims.people.forms import PersonFieldsMixin, PreferencesFieldsMixin

INDETERMINATE = {
    "life",
    "ipp",
    "hmp",
    "hospital_restricted",
    "hospital_unrestricted",
    "hospital_direction",
    "transfer_direction",
}


def _date(label: str, required: str | None = None, **kwargs) -> GovDateField:
    checks = [RequiredDate(required)] if required else [OptionalDate()]
    return GovDateField(label, validators=checks, **kwargs)


class SentenceDatesMixin:
    crd = _date(SENTENCE_DATES["crd"])
    ard = _date(SENTENCE_DATES["ard"])
    ped = _date(SENTENCE_DATES["ped"])
    hdced = _date(SENTENCE_DATES["hdced"])
    led = _date(SENTENCE_DATES["led"])
    sed = _date(SENTENCE_DATES["sed"])
    tused = _date(SENTENCE_DATES["tused"])
    prrd = _date(SENTENCE_DATES["prrd"])

    def sentence_dates(self) -> dict:
        return {name: getattr(self, name).data for name in SENTENCE_DATES}


class NewCaseForm(SentenceDatesMixin, PersonFieldsMixin, PreferencesFieldsMixin, FlaskForm):
    # The offender
    crn = StringField(
        "CRN",
        description="The case reference number from nDelius, like X123456",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the offender’s CRN"), validators.crn],
    )
    prison_number = StringField(
        "Prison number (optional)",
        description="Like A1234BC",
        widget=GovTextInput(),
        validators=[Optional(), validators.prison_number],
    )
    offender_first_name = StringField(
        "Offender’s first name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the offender’s first name"), Length(max=100)],
    )
    offender_last_name = StringField(
        "Offender’s last name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the offender’s last name"), Length(max=100)],
    )
    offender_date_of_birth = GovDateField(
        "Offender’s date of birth",
        validators=[OptionalDate(), validators.not_in_future],
    )
    current_location = StringField(
        "Current prison or probation office (optional)",
        description="Never shared with a victim",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    # The sentence
    offence = StringField(
        "Offence",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the offence"), Length(max=200)],
    )
    offence_category = SelectField(
        "Offence category",
        choices=options(OffenceCategory, "Choose a category"),
        widget=GovSelect(),
        validators=[InputRequired(message="Choose the offence category")],
    )
    sentence_type = SelectField(
        "Sentence type",
        choices=options(SentenceType, "Choose a sentence type"),
        widget=GovSelect(),
        validators=[InputRequired(message="Choose the sentence type")],
    )
    length_months = IntegerField(
        "Sentence length in months",
        description="Leave empty for life, IPP, detention at His Majesty’s pleasure and hospital orders",
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=1200, message="Enter a length between 1 and 1,200 months"),
        ],
    )
    sentence_date = _date("Sentence date", required="Enter the sentence date")
    court = StringField("Court (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    # The case
    scheme = RadioField(
        "Scheme",
        choices=options(Scheme),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the scheme")],
    )
    referral_received_on = _date(
        "Date the referral was received", required="Enter the date the referral was received"
    )
    submit = SubmitField("Open case", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.check_contact_details(self.channel.data)
        self.check_length_given()
        if self.relationship.data == "parent_guardian":
            self.relationship.errors = list(self.relationship.errors) + [
                "Record the child victim first, then add their parent or guardian from the case page"
            ]
        return ok and not self.errors

    def check_length_given(self) -> None:
        # Not an inline validator: Optional() stops the chain on an empty field before
        # validate_length_months runs, so an empty length would pass for a determinate sentence.
        field, kind = self.length_months, self.sentence_type.data
        if kind and kind not in INDETERMINATE and field.data is None and not field.errors:
            field.errors = list(field.errors) + ["Enter the sentence length in months"]

    def validate_length_months(self, field):
        kind = self.sentence_type.data
        if kind in INDETERMINATE and field.data is not None:
            raise ValidationError("Leave the length empty for an indeterminate sentence or hospital order")

    def validate_sentence_date(self, field):
        validators.not_in_future(self, field)

    def validate_referral_received_on(self, field):
        validators.not_in_future(self, field)
        if field.data and self.sentence_date.data and field.data < self.sentence_date.data:
            raise ValidationError("The referral date must be the same as or after the sentence date")


class SentenceDatesForm(SentenceDatesMixin, FlaskForm):
    source = SelectField(
        "Where do the new dates come from?",
        choices=options(DateSource, "Choose a source"),
        widget=GovSelect(),
        validators=[InputRequired(message="Choose where the new dates come from")],
    )
    version = HiddenField()
    submit = SubmitField("Save dates", widget=GovSubmitInput())


class AllocateForm(FlaskForm):
    vlo = SelectField(
        "Victim liaison officer",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose a victim liaison officer")],
    )
    reason = TextAreaField(
        "Reason for this allocation",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter the reason for this allocation"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Allocate case", widget=GovSubmitInput())


class ContactForm(FlaskForm):
    person = SelectField("Who was the contact with?", widget=GovSelect(), validators=[Optional()])
    occurred_on = GovDateField("Date of contact", validators=[RequiredDate("Enter the date of the contact")])
    occurred_time = StringField(
        "Time (optional)",
        description="Use the 24-hour clock, like 14:30",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=5)],
    )
    method = RadioField(
        "How",
        choices=options(ContactMethod),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how the contact was made")],
    )
    direction = RadioField(
        "Direction",
        choices=options(Direction),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose who made the contact")],
    )
    summary = TextAreaField(
        "Summary",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter a summary of the contact"),
            Length(max=5000, message="Summary must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add contact", widget=GovSubmitInput())

    def validate_occurred_time(self, field):
        if field.data:
            try:
                hours, minutes = field.data.strip().split(":")
                time(int(hours), int(minutes))
            except ValueError:
                raise ValidationError("Enter a real time, like 14:30") from None

    def occurred_at(self) -> datetime:
        clock_time = time(0, 0)
        if self.occurred_time.data:
            hours, minutes = self.occurred_time.data.strip().split(":")
            clock_time = time(int(hours), int(minutes))
        return datetime.combine(self.occurred_on.data, clock_time, tzinfo=LONDON)
