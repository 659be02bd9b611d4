"""Filters for the audit trail: a GET form, so no CSRF token (it changes nothing)."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from victims.audit import labels
from victims.oversight.queries import TrailFilters
from victims.web.forms import GovDateField

CASE_NUMBER = re.compile(r"[0-9]{1,10}")
LARGEST_ID = 2**31 - 1  # an INTEGER column: a larger number cannot match, and PostgreSQL refuses it


class TrailFilterForm(FlaskForm):
    class Meta:
        csrf = False

    # Choices are checked in validate_* below, with messages in the service's words.
    user = SelectField("User", widget=GovSelect(), validate_choice=False)
    action = SelectField("Action", widget=GovSelect(), validate_choice=False)
    case = StringField("Case number", widget=GovTextInput())
    # No Optional(): it looks only at the day box, so it would hide "must include a day".
    # GovDateField already treats three empty boxes as "no date".
    date_from = GovDateField("Date from")
    date_to = GovDateField("Date to")

    def __init__(self, formdata, users: list[tuple[int, str]], **kwargs):
        super().__init__(formdata, **kwargs)
        self.user.choices = [SelectChoice("", "Anyone")] + [
            SelectChoice(str(user_id), label) for user_id, label in users
        ]
        self.action.choices = [SelectChoice("", "Any action")] + [
            SelectChoice(code, label) for code, label in labels.action_choices()
        ]

    def validate_user(self, field):
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a user from the list")

    def validate_action(self, field):
        if field.data and field.data not in labels.ACTIONS:
            raise ValidationError("Choose an action from the list")

    def validate_case(self, field):
        value = (field.data or "").strip()
        if not value:
            return
        if not CASE_NUMBER.fullmatch(value) or int(value) > LARGEST_ID:
            raise ValidationError("Case number must be a number, like 1234")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Date to must be the same as or after date from")

    def filters(self) -> TrailFilters:
        """The filters to apply; call only after validate() has passed."""
        case = (self.case.data or "").strip()
        return TrailFilters(
            user_id=int(self.user.data) if self.user.data else None,
            action=self.action.data or None,
            case_id=int(case) if case else None,
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )
