"""The compliance page's period: a preset, or a range typed as GOV.UK date inputs. Read from the
query string (GET), so no CSRF; a period that does not parse falls back to last month, with the
form's errors shown."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SubmitField
from wtforms.validators import ValidationError

from victims.domain.compliance import Period, Preset, preset_period
from victims.web.forms import GovDateField, OptionalDate, options

DEFAULT = Preset.LAST_MONTH
# A custom period is at most this long: the figures are for management, not archaeology.
LONGEST_DAYS = 3 * 366


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    period = RadioField("Period", choices=options(Preset), widget=GovRadioInput(), default=DEFAULT.value)
    starts_on = GovDateField("From", description="For example, 1 4 2026", validators=[OptionalDate()])
    ends_on = GovDateField("To", description="For example, 30 6 2026", validators=[OptionalDate()])
    submit = SubmitField("Show", widget=GovSubmitInput())

    def validate_starts_on(self, field):
        if self.period.data == Preset.CUSTOM and field.data is None and not field.errors:
            raise ValidationError("Enter the first day of the period")

    def validate_ends_on(self, field):
        if self.period.data != Preset.CUSTOM:
            return
        if field.data is None:
            if not field.errors:
                raise ValidationError("Enter the last day of the period")
            return
        if self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("The last day must be the same as or after the first day")
        if self.starts_on.data and (field.data - self.starts_on.data).days > LONGEST_DAYS:
            raise ValidationError("The period must be 3 years or shorter")


def _iso(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def read_period(args: MultiDict, today: date) -> tuple[PeriodForm, Period]:
    """The period the query string asks for. Links carry `period=custom&from=…&to=…` (ISO dates);
    the form sends the date inputs' parts."""
    chosen = args.get("period", "")
    if chosen == Preset.CUSTOM and "starts_on" not in args:
        starts_on, ends_on = _iso(args.get("from")), _iso(args.get("to"))
        if starts_on and ends_on and starts_on <= ends_on and (ends_on - starts_on).days <= LONGEST_DAYS:
            form = PeriodForm(formdata=None, period=chosen, starts_on=starts_on, ends_on=ends_on)
            return form, Period(starts_on, ends_on)
        chosen = ""
    if chosen in Preset._value2member_map_ and chosen != Preset.CUSTOM and "starts_on" not in args:
        return PeriodForm(formdata=None, period=chosen), preset_period(Preset(chosen), today)
    if "period" not in args:
        return PeriodForm(formdata=None), preset_period(DEFAULT, today)
    form = PeriodForm(args)
    if form.validate():
        if form.period.data == Preset.CUSTOM:
            return form, Period(form.starts_on.data, form.ends_on.data)
        return form, preset_period(Preset(form.period.data), today)
    return form, preset_period(DEFAULT, today)


def period_args(period: Period) -> dict[str, str]:
    """The query string that brings the same period back (links to the cases, children, CSV)."""
    if period.preset != Preset.CUSTOM:
        return {"period": period.preset.value}
    return {
        "period": Preset.CUSTOM.value,
        "from": period.starts_on.isoformat(),
        "to": period.ends_on.isoformat(),
    }
