"""Password policy, after NCSC and NIST SP 800-63B: length, not composition.

A password must have at least 12 characters and must not be one of the commonest
passwords (the list shipped in ``victims/data/common-passwords.txt``).
"""

from __future__ import annotations

from collections.abc import Collection

MIN_LENGTH = 12
MAX_LENGTH = 256


def password_problems(password: str, common: Collection[str], *, email: str = "") -> list[str]:
    """Return the reasons a password is refused, in the words shown to the user."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be {MIN_LENGTH} characters or more")
    elif len(password) > MAX_LENGTH:
        problems.append(f"Password must be {MAX_LENGTH} characters or fewer")
    normalised = password.strip().casefold()
    if normalised in common:
        problems.append("Password is too common – choose a password that is harder to guess")
    elif email and normalised == email.strip().casefold():
        problems.append("Password must not be the email address of the account")
    return problems
