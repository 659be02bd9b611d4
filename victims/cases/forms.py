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
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from victims.cases.queries import ContactFilters
from victims.clock import LONDON
from victims.domain.eligibility import Eligibility, decide_eligibility
from victims.domain.evidence import RECORDED_OUTCOMES, ContactOutcome
from victims.domain.needs import Need
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    ClosureReason,
    ContactMethod,
    DateSource,
    Direction,
    OffenceCategory,
    Scheme,
    SentenceType,
)
from victims.people.forms import PersonFieldsMixin, PreferencesFieldsMixin
from victims.web import validators
from victims.web.forms import (
    BlankFilterDateInput,
    GovDateField,
    OptionalDate,
    RequiredDate,
    WholeNumberField,
    options,
)
from victims.web.validators import Required

# Sentences with no length to give.
INDETERMINATE = {
    "life",
    "ipp",
    "hmp",
    "hospital_restricted",
    "hospital_unrestricted",
}
# A hospital or transfer direction goes with a prison sentence: its length is given when the
# sentence is determinate, and left empty when it is indeterminate.
LENGTH_OPTIONAL = {"hospital_direction", "transfer_direction"}


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
        validators=[Required(message="Enter the offender’s CRN"), validators.crn],
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
        validators=[Required(message="Enter the offender’s first name"), Length(max=100)],
    )
    offender_last_name = StringField(
        "Offender’s last name",
        widget=GovTextInput(),
        validators=[Required(message="Enter the offender’s last name"), Length(max=100)],
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
        validators=[Required(message="Enter the offence"), Length(max=200)],
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
    length_months = WholeNumberField(
        "Sentence length in months",
        not_a_number="Enter the sentence length as a whole number of months, like 18",
        description=(
            "Leave empty for life, IPP, detention at His Majesty’s pleasure and hospital orders. "
            "For a hospital or transfer direction, the length of the prison sentence "
            "(empty if it is indeterminate)"
        ),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=1200, message="Enter a length between 1 and 1,200 months"),
        ],
    )
    sentence_date = _date("Sentence date", required="Enter the sentence date")
    court = StringField("Court (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    # The case. The scheme is worked out from the offence and sentence; only an SPO may offer a
    # different one, with a reason. These two fields are removed for everyone else.
    offer_scheme = RadioField(
        "Offer a different scheme (SPO decision)",
        description=(
            "The scheme is worked out from the offence and sentence. Choose another only if the "
            "victim should be offered it anyway, for example a discretionary offer or a high-risk case."
        ),
        choices=options(Scheme, "No – use the scheme worked out from the offence and sentence"),
        default="",
        widget=GovRadioInput(),
        validators=[Optional(strip_whitespace=False)],  # spaces are not "no": see ContactForm.person
    )
    offer_reason = TextAreaField(
        "Reason for offering this scheme",
        description="Needed when you choose a different scheme. Kept with the case and in the audit trail.",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=1000, message="Reason must be 1,000 characters or fewer")],
    )
    referral_received_on = _date(
        "Date the referral was received", required="Enter the date the referral was received"
    )
    submit = SubmitField("Open case", widget=GovSubmitInput())

    def __init__(self, *args, spo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.spo = spo
        if not spo:
            del self.offer_scheme
            del self.offer_reason

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.check_contact_details(self.channel.data)
        self.check_length_given()
        self.check_eligibility()
        if self.relationship.data == "parent_guardian":
            self.relationship.errors = list(self.relationship.errors) + [
                "Record the child victim first, then add their parent or guardian from the case page"
            ]
        return ok and not self.errors

    def eligibility(self) -> Eligibility | None:
        """The scheme worked out from the offence and sentence, once they are valid."""
        fields = (self.offence_category, self.sentence_type, self.length_months)
        if any(field.errors for field in fields) or not (
            self.offence_category.data and self.sentence_type.data
        ):
            return None
        try:
            return decide_eligibility(
                OffenceCategory(self.offence_category.data),
                SentenceType(self.sentence_type.data),
                self.length_months.data,
            )
        except ValueError:  # input the fields' own checks report
            return None

    def chosen_scheme(self) -> tuple[str | None, str]:
        """An SPO's choice of a different scheme and its reason; (None, "") when none."""
        if not self.spo:
            return None, ""
        return self.offer_scheme.data or None, (self.offer_reason.data or "").strip()

    def check_eligibility(self) -> None:
        computed = self.eligibility()
        if computed is None:
            return
        scheme, reason = self.chosen_scheme()
        if not self.spo:
            if not computed.eligible:
                _add_error(
                    self.offence_category,
                    f"{computed.reason} If the offence and sentence are right, ask an SPO to open the case.",
                )
            return
        if not computed.eligible and scheme is None:
            _add_error(
                self.offer_scheme,
                f"{computed.reason} Choose a scheme to offer anyway, or check the offence and sentence.",
            )
        elif scheme is not None and computed.scheme == scheme:
            _add_error(
                self.offer_scheme,
                f"‘{Scheme(scheme).label}’ is the scheme worked out from the offence and sentence – "
                "choose ‘No’ to use it",
            )
        if scheme is not None and not reason:
            _add_error(self.offer_reason, "Enter the reason for offering this scheme")
        if scheme is None and reason and computed.eligible:
            _add_error(self.offer_scheme, "Choose the scheme to offer, or delete the reason")

    def check_length_given(self) -> None:
        # Not an inline validator: Optional() stops the chain on an empty field before
        # validate_length_months runs, so an empty length would pass for a determinate sentence.
        field, kind = self.length_months, self.sentence_type.data
        needs_length = kind and kind not in INDETERMINATE | LENGTH_OPTIONAL
        if needs_length and field.data is None and not field.errors:
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


def _add_error(field, message: str) -> None:
    field.errors = list(field.errors) + [message]


class SentenceDatesForm(SentenceDatesMixin, FlaskForm):
    source = SelectField(
        "Where do the new dates come from?",
        choices=options(DateSource, "Choose a source"),
        widget=GovSelect(),
        validators=[InputRequired(message="Choose where the new dates come from")],
    )
    version = HiddenField()
    submit = SubmitField("Save dates", widget=GovSubmitInput())


class ReleaseAddressForm(FlaskForm):
    """The offender's proposed release address, on the dates page (issue 17). The field names
    are the section's own: the page holds the dates form too."""

    release_street = StringField(
        "House number and street (optional)",
        widget=GovTextInput(),
        validators=[Optional()],
    )
    # What is required, and the rules of each field, are the service's (every problem at once,
    # as the API and a CSV upload are told them): the form only reads a date that exists.
    release_postcode = StringField("Postcode", widget=GovTextInput(), validators=[Optional()])
    release_given_on = _date(
        "Date the address was given",
        description="The day the probation practitioner or nDelius gave it, for example 27 3 2026",
    )
    release_submit = SubmitField("Save release address", widget=GovSubmitInput())


class WithdrawReleaseAddressForm(FlaskForm):
    withdraw = SubmitField("Withdraw the proposed release address", widget=GovSubmitInput())


class SchemeForm(FlaskForm):
    scheme = RadioField(
        "Scheme",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the scheme")],
    )
    reason = TextAreaField(
        "Reason for the change",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter the reason for changing the scheme"),
            Length(max=1000, message="Reason must be 1,000 characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Change scheme", widget=GovSubmitInput())


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
            Required(message="Enter the reason for this allocation"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Allocate case", widget=GovSubmitInput())


class ContactForm(FlaskForm):
    # Spaces are not "no choice": plain Optional() takes them for nothing and skips the choice check.
    person = SelectField(
        "Who was the contact with?", widget=GovSelect(), validators=[Optional(strip_whitespace=False)]
    )
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
    # An attempt with no answer is documented too: it meets the initial-contact deadline
    # (victims.domain.evidence). Left out of a post, it means contact was made.
    outcome = RadioField(
        "Was contact made?",
        choices=options([(outcome.value, outcome.label) for outcome in RECORDED_OUTCOMES]),
        default=ContactOutcome.MADE.value,
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    summary = TextAreaField(
        "Summary",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter a summary of the contact"),
            Length(max=5000, message="Summary must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add contact", widget=GovSubmitInput())

    def validate_occurred_time(self, field):
        try:
            _clock_time(field.data)
        except ValueError:
            raise ValidationError("Enter a real time, like 14:30") from None

    def occurred_at(self) -> datetime:
        clock_time = _clock_time(self.occurred_time.data) or time(0, 0)
        return datetime.combine(self.occurred_on.data, clock_time, tzinfo=LONDON)


def _clock_time(text: str | None) -> time | None:
    """The time typed, like 14:30, or None when none was (spaces are none); ValueError when it is
    not a time. One reading for the check and the value, so they cannot disagree."""
    text = (text or "").strip()
    if not text:
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _why(label: str, required: str | None, hint: str | None = None) -> TextAreaField:
    checks = [Required(message=required)] if required else [Optional()]
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        description=hint or "",
        validators=[*checks, Length(max=1000, message=f"{label} must be 1,000 characters or fewer")],
    )


class CloseCaseForm(FlaskForm):
    reason = RadioField(
        "Why is the case closing?",
        choices=options(ClosureReason),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose why the case is closing")],
    )
    # Required for "Other" (victims.domain.lifecycle.check_closure).
    details = _why("Details", None, "Needed if you chose “Other”. Do not name a victim.")
    version = HiddenField()
    submit = SubmitField("Close case", widget=GovSubmitInput())


class ReopenCaseForm(FlaskForm):
    reason = _why("Why is the case reopening?", "Enter why the case is reopening")
    version = HiddenField()
    submit = SubmitField("Reopen case", widget=GovSubmitInput())


class TransferForm(FlaskForm):
    team = SelectField(
        "Team to take the case",
        widget=GovSelect(),
        validators=[InputRequired(message="Choose another team to take the case")],
    )
    reason = _why(
        "Why should the case move?",
        "Enter why the case should move",
        "The receiving team reads this before they decide. Do not name a victim.",
    )
    submit = SubmitField("Ask the team to take the case", widget=GovSubmitInput())


class TransferDecisionForm(FlaskForm):
    decision = RadioField(
        "Will your team take the case?",
        choices=options([("accept", "Yes, accept the case"), ("decline", "No, decline it")]),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose whether your team will take the case")],
    )
    reason = _why("Reason for declining", None, "Needed if you decline. The sending team will read it.")
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class ContactFilterForm(FlaskForm):
    """The contact log's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    # Choices are checked below, with messages in the service's words.
    method = SelectField("Type", widget=GovSelect(), validate_choice=False)
    person = SelectField("Person", widget=GovSelect(), validate_choice=False)
    # No Optional(): GovDateField already treats three empty boxes as "no date".
    date_from = GovDateField("Date from", widget=BlankFilterDateInput())
    date_to = GovDateField("Date to", widget=BlankFilterDateInput())

    def __init__(self, formdata, people: list[tuple[int, str]], **kwargs):
        super().__init__(formdata, **kwargs)
        self.method.choices = options(ContactMethod, "Any type")
        self.person.choices = options([(str(person_id), name) for person_id, name in people], "Anyone")

    def validate_method(self, field):
        if field.data and field.data not in dict(ContactMethod.choices()):
            raise ValidationError("Choose a type of contact from the list")

    def validate_person(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a person from the list")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Date to must be the same as or after date from")

    def filters(self) -> ContactFilters:
        """The filters to apply; call only after validate() has passed."""
        return ContactFilters(
            method=self.method.data or None,
            person_id=int(self.person.data) if self.person.data else None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )


# --- Case needs added by hand (issue 14, item 3) ----------------------------------------------------


class AddNeedForm(FlaskForm):
    need = RadioField(
        "Which need does the case have?",
        choices=options(Need),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Required(message="Choose a need")],
    )
    reason = TextAreaField(
        "Why does the case need this?",
        description="Kept with the case. Say what you know, not more than you need.",
        widget=GovCharacterCount(),
        validators=[Required(message="Enter why the case needs this"), Length(max=1000)],
    )
    submit = SubmitField("Add need", widget=GovSubmitInput())

    def validate_need(self, field) -> None:
        if field.data not in {need.value for need in Need}:
            raise ValidationError("Choose a need from the list")


class RemoveNeedForm(FlaskForm):
    reason = TextAreaField(
        "Why does the case no longer need this?",
        widget=GovCharacterCount(),
        validators=[Required(message="Enter why the case no longer needs this"), Length(max=1000)],
    )
    submit = SubmitField("Remove need", widget=GovSubmitInput())
