"""Form pieces shared by every area: GOV.UK widgets and safe fields."""

from __future__ import annotations

import json
from datetime import date

from flask import current_app
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from markupsafe import Markup
from wtforms import DateField, IntegerField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, StopValidation


def _render_widget(self: GovFormBase, params: dict) -> Markup:
    """A widget's GOV.UK macro, drawn from its parameters alone. govuk-frontend-wtf draws each
    widget with Flask's render_template, which runs the page's context processors (the menu, the
    session timing) and signals for every field: 30 times on the new-case form."""
    return Markup(current_app.jinja_env.get_template(self.template).render(params=params))  # noqa: S704  (the macro's own escaped output)


def draw_widgets_without_page_context() -> None:
    """Called once as the app starts (victims.app)."""
    GovFormBase.render = _render_widget  # type: ignore[method-assign]


class SafeGovDateInput(GovDateInput):
    """GovDateInput raises when a crafted POST sends fewer than three parts; pad them."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = (list(field.raw_data) + ["", "", ""])[:3]
        return super().map_gov_params(field, **kwargs)


class BlankFilterDateInput(SafeGovDateInput):
    """A list's filter date (the contact log's "date from" and "date to"): drawn once while blank
    and kept. The GOV.UK date macro costs ~3 ms a field, and a blank field's HTML depends only on
    the form's own words (its name, label and hint); a field with a value or an error is drawn
    each time, so nothing anyone typed is kept. Only for forms whose labels name nobody."""

    _drawn: dict[tuple[str, str, str], Markup] = {}
    _LIMIT = 256

    def __call__(self, field, **kwargs):
        if (
            field.errors
            or field.data is not None
            or any((part or "").strip() for part in field.raw_data or ())
        ):
            return super().__call__(field, **kwargs)
        key = (field.id, str(field.label.text), json.dumps(kwargs, sort_keys=True, default=str))
        drawn = self._drawn.get(key)
        if drawn is None:
            if len(self._drawn) >= self._LIMIT:
                self._drawn.clear()
            drawn = self._drawn[key] = super().__call__(field, **kwargs)
        return drawn


class OptionalDate:
    """Like Optional(), but for three boxes: the date is left out only when all three are
    empty, so "day missing" is still reported rather than treated as no date at all."""

    field_flags = {"optional": True}

    def __call__(self, form, field):
        parts = field.raw_data or []
        if not any((part or "").strip() for part in parts):
            field.errors[:] = []
            raise StopValidation()


class RequiredDate:
    """The date must be given; a part-filled date gets its own message from the field."""

    field_flags = {"required": True}

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        parts = field.raw_data or []
        if not any((part or "").strip() for part in parts):
            field.errors[:] = []
            raise StopValidation(self.message)


class GovDateField(DateField):
    """Day, month and year boxes; a clear message for a date that does not exist."""

    widget = SafeGovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        parts = [part.strip() for part in (list(valuelist) + ["", "", ""])[:3]]
        if not any(parts):
            self.data = None
            return
        if not all(parts):
            self.data = None
            missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date") from None


def options(pairs, blank: str | None = None, *, leave_out: tuple = ()) -> list[SelectChoice]:
    """Choices for a select or radios: a Labelled enum or (value, label) pairs, with an
    optional first "Choose …" option whose value is empty."""
    if isinstance(pairs, type):
        pairs = pairs.choices()
    chosen = [SelectChoice(value, label) for value, label in pairs if value not in leave_out]
    return ([SelectChoice("", blank)] if blank else []) + chosen


# The largest whole number a column holds (32-bit).
LARGEST_WHOLE_NUMBER = 2**31 - 1


class WholeNumberField(IntegerField):
    """An integer field whose message for text that is not a whole number can be set.

    A number larger than any column holds is out of range before the validators run: WTForms'
    NumberRange asks math.isnan of it, which cannot turn an integer of hundreds of digits into a
    float (a 500). The message is the field's NumberRange's, so it reads as any number out of range."""

    def __init__(self, label=None, validators=None, *, not_a_number: str = "Enter a whole number", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_a_number = not_a_number

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.not_a_number) from None

    def pre_validate(self, form):
        if isinstance(self.data, int) and abs(self.data) > LARGEST_WHOLE_NUMBER:
            ranges = [check for check in self.validators if isinstance(check, NumberRange) and check.message]
            raise StopValidation(
                ranges[0].message if ranges else f"Enter a number no larger than {LARGEST_WHOLE_NUMBER:,}"
            )
