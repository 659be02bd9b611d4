from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from victims.domain.vocabulary import Channel, ContactLevel, Language, Relationship
from victims.people.services import PersonDetails, Preferences
from victims.web import validators
from victims.web.forms import GovDateField, OptionalDate, options
from victims.web.validators import Required


class ContactDetailsMixin:
    address_line_1 = StringField(
        "Address line 1", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    address_line_2 = StringField(
        "Address line 2 (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    address_town = StringField(
        "Town or city", widget=GovTextInput(), validators=[Optional(), Length(max=100)]
    )
    address_postcode = StringField(
        "Postcode", widget=GovTextInput(), validators=[Optional(), validators.postcode]
    )
    telephone = StringField(
        "Telephone (optional)", widget=GovTextInput(), validators=[Optional(), validators.telephone]
    )
    email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=254), validators.email],
    )

    def check_contact_details(self, channel: str | None) -> None:
        """Post needs a whole address; email needs an email address; telephone needs a telephone
        number and a whole address (their letters go by post)."""
        address_given = any(
            (getattr(self, name).data or "").strip()
            for name in ("address_line_1", "address_line_2", "address_town", "address_postcode")
        )
        if channel in (Channel.POST, Channel.TELEPHONE) or address_given:
            for name, message in (
                ("address_line_1", "Enter address line 1, typically the building and street"),
                ("address_town", "Enter the town or city"),
                ("address_postcode", "Enter the postcode"),
            ):
                field = getattr(self, name)
                if not (field.data or "").strip() and not field.errors:
                    field.errors = list(field.errors) + [message]
        if channel == Channel.EMAIL and not (self.email.data or "").strip() and not self.email.errors:
            self.email.errors = list(self.email.errors) + ["Enter an email address, or choose post"]
        if (
            channel == Channel.TELEPHONE
            and not (self.telephone.data or "").strip()
            and not self.telephone.errors
        ):
            self.telephone.errors = list(self.telephone.errors) + [
                "Enter a telephone number, or choose post or email"
            ]

    def cleaned_postcode(self) -> str | None:
        value = (self.address_postcode.data or "").strip().upper()
        if not value:
            return None
        value = value.replace(" ", "")
        return f"{value[:-3]} {value[-3:]}"


class PersonFieldsMixin(ContactDetailsMixin):
    relationship = RadioField(
        "Relationship to the case",
        choices=options(Relationship),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose the person’s relationship to the case")],
    )
    first_name = StringField(
        "First name",
        widget=GovTextInput(),
        validators=[Required(message="Enter the first name"), Length(max=100)],
    )
    last_name = StringField(
        "Last name",
        widget=GovTextInput(),
        validators=[Required(message="Enter the last name"), Length(max=100)],
    )
    date_of_birth = GovDateField(
        "Date of birth (optional)",
        description="Needed for child victims, so the service can flag their 18th birthday",
        validators=[OptionalDate(), validators.not_in_future],
    )


class PreferencesFieldsMixin:
    contact_level = RadioField(
        "Contact level",
        choices=options(ContactLevel),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how often they want to hear from us")],
    )
    channel = RadioField(
        "How should we contact them?",
        choices=options(Channel),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose post, email or telephone")],
    )
    language = RadioField(
        "Language for letters",
        choices=options(Language),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose English or Welsh")],
    )
    large_print = BooleanField("Letters in large print", widget=GovCheckboxInput())
    safe_contact_times = TextAreaField(
        "Safe times to contact them (optional)",
        description="For example, weekday mornings only; do not leave voicemail",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=500, message="Safe contact times must be 500 characters or fewer"),
        ],
    )


class PersonForm(PersonFieldsMixin, PreferencesFieldsMixin, FlaskForm):
    # Spaces are not "no choice": plain Optional() takes them for nothing and skips the choice check.
    acting_for = SelectField(
        "Child victim they act for", widget=GovSelect(), validators=[Optional(strip_whitespace=False)]
    )
    submit = SubmitField("Add person", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.check_contact_details(self.channel.data)
        if self.relationship.data == Relationship.PARENT_GUARDIAN and not self.acting_for.data:
            self.acting_for.errors = list(self.acting_for.errors) + [
                "Choose the child victim this person acts for"
            ]
        return ok and not self.errors


class PersonDetailsForm(ContactDetailsMixin, FlaskForm):
    first_name = PersonFieldsMixin.first_name
    last_name = PersonFieldsMixin.last_name
    date_of_birth = PersonFieldsMixin.date_of_birth
    reason = TextAreaField(
        "Reason for the change",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter the reason for the change"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    version = HiddenField()
    submit = SubmitField("Save details", widget=GovSubmitInput())
    channel_for_check: str | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.check_contact_details(self.channel_for_check)
        return ok and not self.errors


class PreferencesForm(PreferencesFieldsMixin, FlaskForm):
    version = HiddenField()
    submit = SubmitField("Save preferences", widget=GovSubmitInput())

    def validate_contact_level(self, field):
        if field.data == ContactLevel.OPTED_OUT and field.object_data != ContactLevel.OPTED_OUT:
            raise ValidationError("To opt someone out, use ‘Opt out’ so the reason is recorded")
        if field.object_data == ContactLevel.OPTED_OUT and field.data != ContactLevel.OPTED_OUT:
            raise ValidationError("To opt someone back in, use ‘Opt back in’ so the change is recorded")


class RevealForm(FlaskForm):
    reason = TextAreaField(
        "Why do you need to see the address and contact details?",
        description="This is recorded. Your senior officer can see it.",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Enter why you need to see the address and contact details"),
            Length(min=5, max=500, message="Reason must be between 5 and 500 characters"),
        ],
    )
    submit = SubmitField("Show address", widget=GovSubmitInput())


class OptOutForm(FlaskForm):
    reason = TextAreaField(
        "Reason (optional)",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    submit = SubmitField("Opt out", widget=GovSubmitInput())


class OptInForm(FlaskForm):
    contact_level = RadioField(
        "How often do they want to hear from us?",
        choices=options(ContactLevel, leave_out=(ContactLevel.OPTED_OUT,)),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose how often they want to hear from us")],
    )
    reason = TextAreaField(
        "Reason (optional)",
        widget=GovCharacterCount(),
        validators=[Optional(), Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    submit = SubmitField("Opt back in", widget=GovSubmitInput())


def person_details_from(form) -> PersonDetails:
    return PersonDetails(
        relationship=form.relationship.data if hasattr(form, "relationship") else "",
        first_name=form.first_name.data.strip(),
        last_name=form.last_name.data.strip(),
        date_of_birth=form.date_of_birth.data,
        address_line_1=form.address_line_1.data,
        address_line_2=form.address_line_2.data,
        address_town=form.address_town.data,
        address_postcode=form.cleaned_postcode(),
        telephone=form.telephone.data,
        email=(form.email.data or "").strip() or None,
        acting_for_id=int(form.acting_for.data)
        if getattr(form, "acting_for", None) and form.acting_for.data
        else None,
    )


def preferences_from(form) -> Preferences:
    """The preferences chosen; safe times to contact are None when the form left them out (they
    are hidden until a reveal, and the caller keeps the stored ones)."""
    times = form.safe_contact_times
    return Preferences(
        contact_level=form.contact_level.data,
        channel=form.channel.data,
        language=form.language.data,
        large_print=bool(form.large_print.data),
        safe_contact_times=times.data if times is not None else None,
    )
