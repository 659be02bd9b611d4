"""The formats of the references and contact details people type, checked the same way by
forms, the API and the CSV import."""

from __future__ import annotations

import re

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
CRN = re.compile(r"^[A-Z][0-9]{6}$")  # nDelius case reference number
PRISON_NUMBER = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
TELEPHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
