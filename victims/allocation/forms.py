"""Forms of the allocation screens. The plan's rows (a select and a reason per case) are read
from the request by the view: their number changes with the cases chosen."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length


class SuggestionForm(FlaskForm):
    """Allocate to the VLO whose button was pressed (`vlo`), with a reason when it overrides."""

    vlo = HiddenField()
    reason = TextAreaField(
        "Reason (needed if you choose someone without a needed skill or training, or above 100% capacity)",
        widget=GovCharacterCount(),
        validators=[Length(max=500, message="Reason must be 500 characters or fewer")],
    )
    version = HiddenField()


class PlanForm(FlaskForm):
    """Only the CSRF token: the rows are read from the request."""
