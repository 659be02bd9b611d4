"""One-time codes (RFC 6238) that really are one-time, with a step of drift either way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from victims.domain import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OTHER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
NOW = datetime(2026, 11, 25, 10, 0, 15, tzinfo=UTC)
STEP = int(NOW.timestamp()) // 30


def code_at(step: int, secret: str = SECRET) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def test_the_current_code_is_accepted_and_its_step_returned():
    assert totp.accepted_step(SECRET, code_at(STEP), NOW, None) == STEP


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_one_step_of_drift_either_way_is_accepted(offset):
    assert totp.accepted_step(SECRET, code_at(STEP + offset), NOW, None) == STEP + offset


@pytest.mark.parametrize("offset", [-3, -2, 2, 3])
def test_codes_further_away_are_refused(offset):
    assert totp.accepted_step(SECRET, code_at(STEP + offset), NOW, None) is None


def test_a_code_cannot_be_used_twice():
    step = totp.accepted_step(SECRET, code_at(STEP), NOW, None)
    assert totp.accepted_step(SECRET, code_at(STEP), NOW, step) is None
    # Nor a code from before the last one used (it was seen over a shoulder, say).
    assert totp.accepted_step(SECRET, code_at(STEP - 1), NOW, step) is None
    # The next one is fine.
    later = NOW + timedelta(seconds=30)
    assert totp.accepted_step(SECRET, code_at(STEP + 1), later, step) == STEP + 1


def test_a_used_step_does_not_block_a_later_step_with_the_same_digits(monkeypatch):
    """Refusal is by step, not by the digits: the same six digits at a later step are fine."""
    digits = code_at(STEP)
    monkeypatch.setattr(pyotp.TOTP, "generate_otp", lambda self, step: digits)
    assert totp.accepted_step(SECRET, digits, NOW, STEP - 1) == STEP
    assert totp.accepted_step(SECRET, digits, NOW, STEP) == STEP + 1


@pytest.mark.parametrize("typed", ["{code}", " {code} ", "{a} {b}", "{a}\t{b}"])
def test_spaces_in_the_code_are_ignored(typed):
    code = code_at(STEP)
    entered = typed.format(code=code, a=code[:3], b=code[3:])
    assert totp.accepted_step(SECRET, entered, NOW, None) == STEP


@pytest.mark.parametrize("bad", ["", "12345", "1234567", "abcdef", "12345a", "１２３４５６"])
def test_malformed_codes_are_refused(bad):
    assert totp.accepted_step(SECRET, bad, NOW, None) is None


def test_a_code_for_another_secret_is_refused():
    code = code_at(STEP, OTHER_SECRET)
    assert code not in {code_at(STEP + offset) for offset in (-1, 0, 1)}  # the test means something
    assert totp.accepted_step(SECRET, code, NOW, None) is None


def test_new_secrets_are_random_base32_of_160_bits():
    first, second = totp.new_secret(), totp.new_secret()
    assert first != second
    assert len(first) == 32
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_provisioning_uri_names_the_service_and_account():
    uri = totp.provisioning_uri(SECRET, "vlo@probation.example", "Victim contact casework")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={SECRET}" in uri
    assert "issuer=Victim%20contact%20casework" in uri
    assert "vlo%40probation.example" in uri
