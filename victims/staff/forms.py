from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from victims.auth.services import check_new_password
from victims.domain.needs import Course
from victims.domain.vocabulary import Skill
from victims.web.forms import GovDateField, OptionalDate, RequiredDate, options
from victims.web.validators import Required, not_in_future

POLICY_HINT = (
    "At least 12 characters and not a common password. Three or more random words are "
    "easy to remember and hard to guess."
)

# A UK telephone number: 10 or 11 digits once spaces, brackets and dashes are taken out,
# starting 0, or +44 and 9 or 10 digits.
_UK_PHONE = re.compile(r"^(0\d{9,10}|\+44\d{9,10})$")


def uk_phone(_form, field) -> None:
    digits = re.sub(r"[\s()\-]", "", field.data or "")
    if not _UK_PHONE.match(digits):
        raise ValidationError("Enter a UK telephone number, like 01632 960 001 or +44 1632 960 001")


class DetailsForm(FlaskForm):
    phone = StringField(
        "Your direct telephone number",
        description="Letters give it to victims, so they can reach you without going through a switchboard.",
        widget=GovTextInput(),
        validators=[Required(message="Enter your direct telephone number"), uk_phone],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


def _policy(form, field) -> None:
    problems = check_new_password(field.data or "", email=form.email)
    if problems:
        raise ValidationError(problems[0])


class _Proof:
    """Declared first, so the page and its error summary list these first."""

    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), Length(max=256)],
    )
    code = StringField(
        "Security code",
        description="The 6-digit code shown in your authenticator app",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the security code"), Length(max=20)],
    )


class _NewPassword(FlaskForm):
    password = PasswordField(
        "New password",
        description=POLICY_HINT,
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password"), Length(max=256), _policy],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter the new password again"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email


class ChooseNewPasswordForm(_NewPassword):
    """In place of a password an administrator set: the user gave it, with a code, moments ago."""

    submit = SubmitField("Save password", widget=GovSubmitInput())


class OwnPasswordForm(_Proof, _NewPassword):
    """A change of one's own password: the current one and a security code prove it is them."""

    submit = SubmitField("Change password", widget=GovSubmitInput())


class SkillsForm(FlaskForm):
    skills = SelectMultipleField(
        "Skills",
        description="Select all that apply",
        choices=options(Skill),
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    submit = SubmitField("Save skills", widget=GovSubmitInput())

    def validate_skills(self, field) -> None:
        allowed = {skill.value for skill in Skill}
        if any(value not in allowed for value in field.data or ()):
            raise ValidationError("Choose skills from the list")


class TrainingForm(FlaskForm):
    course = RadioField(
        "Course",
        choices=options(Course),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[Required(message="Choose a course")],
    )
    completed_on = GovDateField(
        "Date completed",
        description="For example, 27 3 2026",
        validators=[RequiredDate("Enter the date the course was completed"), not_in_future],
    )
    expires_on = GovDateField(
        "Date it expires (optional)",
        description="Leave blank if it does not expire",
        validators=[OptionalDate()],
    )
    submit = SubmitField("Add training record", widget=GovSubmitInput())

    def validate_course(self, field) -> None:
        if field.data not in {course.value for course in Course}:
            raise ValidationError("Choose a course")

    def validate_expires_on(self, field) -> None:
        if field.data and self.completed_on.data and field.data <= self.completed_on.data:
            raise ValidationError("The expiry date must be after the date completed")


class RemoveTrainingForm(FlaskForm):
    reason = TextAreaField(
        "Why are you removing this record?",
        description="For example, it was entered in error. Kept in the audit trail.",
        widget=GovTextArea(),
        validators=[Required(message="Enter why you are removing this record"), Length(max=500)],
    )
    submit = SubmitField("Remove record", widget=GovSubmitInput())
