"""Forms for managing staff accounts.

Choices are checked here with GOV.UK messages (``validate_choice=False`` switches off
WTForms' own "Not a valid choice"), so a crafted POST gets a page of errors, never a 500.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation, ValidationError

from victims.admin.services import MAX_HOURS, MIN_HOURS, NATIONAL_ROLES, TEAM_ROLES, UserDetails
from victims.auth.services import check_new_password
from victims.domain.vocabulary import Role, Skill
from victims.staff.models import Region, Team, User
from victims.web import validators
from victims.web.conflicts import ConflictRow
from victims.web.forms import GovDateField, RequiredDate, WholeNumberField, options
from victims.web.validators import Required

POLICY_HINT = (
    "At least 12 characters and not a common password. Three or more random words are "
    "easy to pass on and hard to guess."
)


class OneOf:
    """The submitted value (or every value, for checkboxes) must be one of the field's choices."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        allowed = {choice.value for choice in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in allowed for value in values if value not in (None, "")):
            raise StopValidation(self.message)


class HoursField(DecimalField):
    """Contracted hours per week: a number with at most one decimal place."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", 1)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            value = Decimal(valuelist[0].strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.data = None
            raise ValueError("Contracted hours must be a number, like 37 or 22.5")
        self.data = value


def check_hours(form, field):
    if field.data is None:
        return
    if not MIN_HOURS <= field.data <= MAX_HOURS:
        raise ValidationError("Contracted hours must be between 1 and 60")
    if field.data != field.data.quantize(Decimal("0.1")):
        raise ValidationError("Contracted hours can have no more than 1 decimal place, like 22.5")


class _WhoFields:
    """Who the new user is (declared first so the page and error summary list them first)."""

    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            Required(message="Enter the user’s full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = StringField(
        "Email address",
        description="Their work email address. They will use it to sign in.",
        widget=GovTextInput(),
        validators=[
            Required(message="Enter the user’s email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            validators.email,
        ],
    )
    region = SelectField(
        "Region",
        validate_choice=False,
        widget=GovSelect(),
        validators=[InputRequired(message="Choose a region"), OneOf("Choose a region from the list")],
    )


class UserWorkFields(FlaskForm):
    """Role, team, skills, hours and the national view: shared by the new-user and change forms.

    ``teams`` are the teams the user may join; ``national_allowed`` says whether the
    administrator may give the national view (only a national administrator may).
    """

    role = RadioField(
        "Role",
        description="This decides what they can see and do",
        choices=options(Role),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose a role"), OneOf("Choose a role from the list")],
    )
    team = SelectField(
        "Team",
        description="Victim liaison officers and senior probation officers must be in a team",
        validate_choice=False,
        widget=GovSelect(),
        validators=[OneOf("Choose a team from the list")],
    )
    skills = SelectMultipleField(
        "Skills and training (optional)",
        description="Select all that apply",
        choices=options(Skill),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[OneOf("Choose skills from the list")],
    )
    contracted_hours = HoursField(
        "Contracted hours per week",
        description="For example, 37 or 22.5",
        widget=GovTextInput(),
        validators=[Required(message="Enter contracted hours per week"), check_hours],
    )
    national = BooleanField(
        "National view – can see all 12 regions",
        description="Only for managers and administrators who work nationally",
        widget=GovCheckboxInput(),
    )

    def __init__(
        self, *args, teams: list[Team], national_allowed: bool, team_labels_region: bool = False, **kw
    ):
        super().__init__(*args, **kw)
        self.teams = {str(team.id): team for team in teams}
        self.team.choices = options(
            [
                (str(team.id), f"{team.name} ({team.region.name})" if team_labels_region else team.name)
                for team in teams
            ],
            blank="No team",
        )
        if not national_allowed:
            del self.national

    def validate_team(self, field):
        if self.role.data in TEAM_ROLES and not field.data:
            raise ValidationError(f"Choose a team for a {Role(self.role.data).label.lower()}")

    def validate_national(self, field):
        if field.data and self.role.data and self.role.data not in NATIONAL_ROLES:
            raise ValidationError("Only managers and administrators can have the national view")

    def chosen_team(self) -> Team | None:
        return self.teams.get(self.team.data or "")

    def details(self) -> UserDetails:
        return UserDetails(
            role=self.role.data,
            team=self.chosen_team(),
            skills=frozenset(self.skills.data or ()),
            contracted_hours=self.contracted_hours.data,
            national=bool(self.national.data) if self.national is not None else False,
        )

    def show(self, user: User) -> None:
        """Fill the fields from a saved user (GET)."""
        self.role.data = user.role
        self.team.data = str(user.team_id) if user.team_id else ""
        self.skills.data = [skill.skill for skill in user.skills]
        self.contracted_hours.data = user.contracted_hours
        if self.national is not None:
            self.national.data = bool(user.national)


def check_password(form, field):
    problems = check_new_password(field.data or "", email=form.email.data or "")
    if problems:
        raise ValidationError(problems[0])


def _password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        description=POLICY_HINT,
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a password"), check_password],
    )


class NewUserForm(_WhoFields, UserWorkFields):
    password = _password_field("Initial password")
    submit = SubmitField("Create user", widget=GovSubmitInput())

    def __init__(self, *args, regions: list[Region], **kw):
        super().__init__(*args, team_labels_region=len(regions) > 1, **kw)
        self.regions = {str(region.id): region for region in regions}
        self.region.choices = options(
            [(str(region.id), region.name) for region in regions], "Choose a region"
        )
        if len(regions) == 1:  # a regional administrator adds users to their own region only
            del self.region

    def validate_team(self, field):
        super().validate_team(field)
        team = self.chosen_team()
        region_id = self.region_id()
        if team is not None and region_id is not None and team.region_id != region_id:
            raise ValidationError("Choose a team in the region you chose")

    def region_id(self) -> int | None:
        if self.region is None:
            return next(iter(self.regions.values())).id if self.regions else None
        region = self.regions.get(self.region.data or "")
        return region.id if region else None


class ChangeUserForm(UserWorkFields):
    version = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def conflicts_with(self, user: User) -> list[ConflictRow]:
        """What another administrator saved that differs from what this one is saving."""
        saved, yours = _describe_user(user), self._describe()
        return [
            ConflictRow(getattr(self, name).label.text, saved[name], yours[name])
            for name in yours
            if saved[name] != yours[name]
        ]

    def _describe(self) -> dict[str, str]:
        team = self.chosen_team()
        described = {
            "role": _role_label(self.role.data),
            "team": team.name if team else "No team",
            "skills": _skills_text(self.skills.data or ()),
            "contracted_hours": _hours_text(self.contracted_hours.data),
        }
        if self.national is not None:
            described["national"] = "Yes" if self.national.data else "No"
        return described


def _role_label(value: str | None) -> str:
    return Role(value).label if value in set(Role) else "Not given"


def _skills_text(values) -> str:
    labels = [skill.label for skill in Skill if skill.value in set(values)]
    return ", ".join(labels) or "None"


def _hours_text(value: Decimal | None) -> str:
    return "Not given" if value is None else f"{value.normalize():f}"


def _describe_user(user: User) -> dict[str, str]:
    return {
        "role": _role_label(user.role),
        "team": user.team.name if user.team else "No team",
        "skills": _skills_text(skill.skill for skill in user.skills),
        "contracted_hours": _hours_text(user.contracted_hours),
        "national": "Yes" if user.national else "No",
    }


class AskForm(FlaskForm):
    """Ask for a temporary password or a security-code reset, for a second administrator to approve."""

    reason = TextAreaField(
        "Why is this needed?",
        description="Say how you checked it is really them asking, for example by calling back on a "
        "number you already had. Another administrator will read this before they approve it.",
        widget=GovCharacterCount(),
        validators=[
            InputRequired(message="Give a reason, and say how you checked who was asking"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Ask for approval", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button behind a confirmation page; the label is set by the view."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class RuleNumberForm(FlaskForm):
    number = WholeNumberField(
        "Number",
        widget=GovTextInput(),
        validators=[
            Required(message="Enter a whole number"),
            NumberRange(min=0, max=3650, message="Enter a number between 0 and 3,650"),
        ],
    )
    reason = TextAreaField(
        "Reason for the change",
        description="For example, the regional agreement that sets this number. It is recorded.",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter the reason for the change"),
            Length(max=500, message="Reason must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Save number", widget=GovSubmitInput())


class NonWorkingDayForm(FlaskForm):
    day = GovDateField("Date", validators=[RequiredDate("Enter the date")])
    description = StringField(
        "Description",
        description="For example, office closed for a move",
        widget=GovTextInput(),
        validators=[
            Required(message="Enter a description"),
            Length(max=200, message="Description must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Add non-working day", widget=GovSubmitInput())


class TeamLetterheadForm(FlaskForm):
    """What a Victim Contact Unit's letters print at the top: its postal address and telephone."""

    postal_address = TextAreaField(
        "Postal address",
        description="Where victims can write to the unit. Put each line of the address on its own line.",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter the unit’s postal address"),
            Length(max=300, message="The postal address must be 300 characters or fewer"),
        ],
    )
    telephone = StringField(
        "Telephone number",
        description="The number victims call, for example 0300 047 1234.",
        widget=GovTextInput(),
        validators=[
            Required(message="Enter the unit’s telephone number"),
            Length(max=30, message="The telephone number must be 30 characters or fewer"),
        ],
    )
    submit = SubmitField("Save letterhead", widget=GovSubmitInput())

    def validate_postal_address(self, field) -> None:
        lines = [line for line in (field.data or "").splitlines() if line.strip()]
        if len(lines) > 6:
            raise ValidationError("The postal address must be 6 lines or fewer")

    def validate_telephone(self, field) -> None:
        digits = [char for char in field.data or "" if char.isdigit()]
        if len(digits) < 10 or any(not (char.isdigit() or char in " +()-") for char in field.data):
            raise ValidationError("Enter a telephone number, like 0300 047 1234")
