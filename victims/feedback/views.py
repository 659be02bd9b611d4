"""The feedback page a victim opens from a link (no sign-in), the form a VLO fills in after a
call, and the reports per team and region."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("feedback", __name__)
