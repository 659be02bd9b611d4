"""Forms of the workload screens: the model's numbers, and a VLO's reductions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import DecimalField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from victims.domain.needs import Need
from victims.domain.workload import COMPLEXITY_NEEDS, ReductionKind, Stage, Weights, WorkItem, weight_names
from victims.web.forms import GovDateField, OptionalDate, RequiredDate, WholeNumberField, options
from victims.web.validators import Required

REASON_MAX = 500
NOTES_MAX = 500


def field_name(weight: str) -> str:
    """A weight's dotted key as a form field's name ("stage_points.custody" → "stage_points__custody")."""
    return weight.replace(".", "__")


def weight_label(weight: str) -> str:
    """What a number of the model is, in words."""
    group, _, sub = weight.partition(".")
    if group == "stage_points":
        return f"Stage: {Stage(sub).label}"
    if group == "need_points":
        return Need(sub).label
    if group == "item_points":
        return WorkItem(sub).label
    return {
        "additional_person": "Each further victim or family member",
        "target_points": "Target for a full-time VLO",
        "standard_hours": "Standard full-time hours a week",
    }[weight]


def weight_value(weights: Weights, weight: str):
    """One number of a version, by its dotted key."""
    group, _, sub = weight.partition(".")
    value = weights.to_json()[group]
    return value[sub] if sub else value


def weight_unit(weight: str) -> str:
    return "hours" if weight == "standard_hours" else "points"


# The model's numbers in groups, as the screen shows them.
GROUPS: list[tuple[str, list[str]]] = [
    ("Points for each open case by its stage", [f"stage_points.{s.value}" for s in Stage]),
    ("Points for more people", ["additional_person"]),
    ("Points for what makes a case harder", [f"need_points.{n.value}" for n in COMPLEXITY_NEEDS]),
    ("Points for active work", [f"item_points.{i.value}" for i in WorkItem]),
    ("What a VLO can carry", ["target_points", "standard_hours"]),
]


class HoursField(DecimalField):
    """Hours: a number; its range and places are the service's to check (with its messages)."""

    def __init__(self, label=None, validators=None, *, not_a_number: str, **kwargs):
        kwargs.setdefault("places", None)  # show 37 as "37" and 37.5 as "37.5", not "37.00"
        super().__init__(label, validators, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            value = Decimal(valuelist[0].strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or abs(value) > 10_000:
            self.data = None
            raise ValueError(self.not_a_number)
        self.data = value


class WeightsForm(FlaskForm):
    """A field for every number of the model (made in `weights_form`), and the reason."""

    reason = TextAreaField(
        "Why are the numbers changing?",
        description="For example, the review of recorded time in March. It is recorded with the new version.",
        widget=GovCharacterCount(),
        validators=[
            Required(message="Enter why the numbers are changing"),
            Length(max=REASON_MAX, message=f"The reason must be {REASON_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Save as a new version", widget=GovSubmitInput())

    def weight_fields(self):
        return [getattr(self, field_name(name)) for name in weight_names()]

    def weights(self) -> Weights:
        """The numbers as given (the form has validated each is a number)."""
        data: dict = {"stage_points": {}, "need_points": {}, "item_points": {}}
        for name in weight_names():
            value = getattr(self, field_name(name)).data
            group, _, sub = name.partition(".")
            if sub:
                data[group][sub] = value
            else:
                data[group] = str(value) if name == "standard_hours" else value
        return Weights.from_json(data)

    def show(self, weights: Weights) -> None:
        json = weights.to_json()
        for name in weight_names():
            group, _, sub = name.partition(".")
            value = json[group][sub] if sub else json[group]
            getattr(self, field_name(name)).data = (
                Decimal(format(Decimal(value).normalize(), "f")) if name == "standard_hours" else value
            )


def weights_form(*args, **kwargs) -> WeightsForm:
    """A WeightsForm with a field for every number the model has (declared before the reason)."""

    class Form(WeightsForm):
        pass

    for name in weight_names():
        label = weight_label(name)
        if name == "standard_hours":
            field = HoursField(
                label,
                widget=GovTextInput(),
                validators=[InputRequired(message="Enter the standard hours")],
                not_a_number="Standard hours must be a number, like 37 or 37.5",
            )
        else:
            field = WholeNumberField(
                label,
                widget=GovTextInput(),
                validators=[InputRequired(message=f"Enter the points for ‘{label}’")],
                not_a_number=f"Points for ‘{label}’ must be a whole number",
            )
        setattr(Form, field_name(name), field)
    form = Form(*args, **kwargs)
    # Show the numbers first and the reason last, whatever order the fields were declared in.
    order = [field_name(name) for name in weight_names()] + ["reason", "submit", "csrf_token"]
    form._fields = {key: form._fields[key] for key in order if key in form._fields}
    return form


class ReductionForm(FlaskForm):
    kind = RadioField(
        "What is the reduction for?",
        choices=options(ReductionKind),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[InputRequired(message="Choose what the reduction is for")],
    )
    hours = HoursField(
        "Hours a week",
        description="The hours a week taken off case work, for example 7.5",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the hours a week")],
        not_a_number="Hours a week must be a number, like 7.5",
    )
    starts_on = GovDateField(
        "Starts on", description="For example, 3 3 2027", validators=[RequiredDate("Enter the start date")]
    )
    ends_on = GovDateField(
        "Ends on (optional)",
        description="The last day. Leave it empty if the reduction has no end date yet",
        validators=[OptionalDate()],
    )
    notes = TextAreaField(
        "Notes (optional)",
        widget=GovCharacterCount(),
        validators=[
            Optional(),
            Length(max=NOTES_MAX, message=f"Notes must be {NOTES_MAX} characters or fewer"),
        ],
    )
    submit = SubmitField("Record reduction", widget=GovSubmitInput())

    def validate_kind(self, field):
        if field.data not in {kind.value for kind in ReductionKind}:
            raise ValidationError("Choose what the reduction is for")


class EndReductionForm(FlaskForm):
    ends_on = GovDateField(
        "Last day of the reduction",
        description="For example, 3 3 2027",
        validators=[RequiredDate("Enter the last day of the reduction")],
    )
    submit = SubmitField("End reduction", widget=GovSubmitInput())
