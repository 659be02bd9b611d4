"""The calibration screens (issue 14)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("calibration", __name__, url_prefix="/calibration")
