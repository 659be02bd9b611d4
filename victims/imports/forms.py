from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField


class UploadForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        widget=GovFileInput(),
        validators=[FileRequired("Select a CSV file")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    """Only the CSRF token: the file is the one kept when it was checked."""
