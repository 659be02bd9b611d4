"""Password policy: length, not composition; the commonest passwords refused."""

from __future__ import annotations

import pytest

from victims.domain.passwords import MAX_LENGTH, MIN_LENGTH, password_problems

COMMON = frozenset({"password1234", "qwertyuiop123"})
TOO_SHORT = f"Password must be {MIN_LENGTH} characters or more"
TOO_LONG = f"Password must be {MAX_LENGTH} characters or fewer"
TOO_COMMON = "Password is too common – choose a password that is harder to guess"
IS_EMAIL = "Password must not be the email address of the account"


@pytest.mark.parametrize(
    ("password", "problems"),
    [
        ("correct horse battery staple", []),
        ("a" * MIN_LENGTH, []),  # no composition rules: length is what counts
        ("a" * (MIN_LENGTH - 1), [TOO_SHORT]),
        ("", [TOO_SHORT]),
        ("a" * MAX_LENGTH, []),
        ("a" * (MAX_LENGTH + 1), [TOO_LONG]),
        ("password1234", [TOO_COMMON]),
        ("PASSWORD1234", [TOO_COMMON]),  # case makes no difference
        ("  password1234  ", [TOO_COMMON]),  # nor do spaces around it
        ("qwerty", [TOO_SHORT]),  # short and not in the list
    ],
)
def test_password_problems(password, problems):
    assert password_problems(password, COMMON) == problems


def test_short_and_common_gives_both_reasons():
    assert password_problems("password", {"password"}) == [TOO_SHORT, TOO_COMMON]


def test_password_may_not_be_the_email_address():
    email = "jane.officer@probation.example"
    assert password_problems(email, COMMON, email=email) == [IS_EMAIL]
    assert password_problems(email.upper(), COMMON, email=email) == [IS_EMAIL]
    assert password_problems(email + "!", COMMON, email=email) == []
    assert password_problems(email, COMMON) == []  # only checked when the email is known


def test_the_shipped_list_of_common_passwords_is_used():
    from victims.auth.services import common_passwords

    common = common_passwords()
    assert len(common) >= 1000
    assert all(entry == entry.casefold() for entry in common)
    long_common = next(entry for entry in sorted(common) if len(entry) >= MIN_LENGTH)
    assert TOO_COMMON in password_problems(long_common.upper(), common)
