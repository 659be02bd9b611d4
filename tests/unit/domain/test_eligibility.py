"""Eligibility for the Victim Contact Scheme (SPEC §3), and an SPO's override."""

from __future__ import annotations

import pytest

from victims.domain.eligibility import (
    HOSPITAL_DIRECTION_BASIS,
    NOT_ELIGIBLE_BASIS,
    RESTRICTED_HOSPITAL_BASIS,
    STATUTORY_BASIS,
    TRANSFER_DIRECTION_BASIS,
    UNRESTRICTED_HOSPITAL_BASIS,
    VNS_BASIS,
    Eligibility,
    EligibilityDecision,
    OverrideNotAllowedError,
    decide_eligibility,
    override,
)
from victims.domain.vocabulary import OffenceCategory as O
from victims.domain.vocabulary import Role, Scheme
from victims.domain.vocabulary import SentenceType as S

STATUTORY = Scheme.STATUTORY
MDO = Scheme.STATUTORY_MDO
VNS = Scheme.VNS

CASES: list[tuple[O, S, int | None, Scheme | None, bool, str]] = [
    # Statutory VCS: violent, sexual or terrorism with custody of 12 months or more.
    (O.VIOLENT, S.DETERMINATE, 12, STATUTORY, False, STATUTORY_BASIS),
    (O.VIOLENT, S.DETERMINATE, 48, STATUTORY, False, STATUTORY_BASIS),
    (O.SEXUAL, S.DETERMINATE, 30, STATUTORY, False, STATUTORY_BASIS),
    (O.TERRORISM, S.DETERMINATE, 12, STATUTORY, False, STATUTORY_BASIS),
    (O.SEXUAL, S.EXTENDED, 96, STATUTORY, False, STATUTORY_BASIS),
    (O.TERRORISM, S.SOPC, 72, STATUTORY, False, STATUTORY_BASIS),
    (O.VIOLENT, S.DTO, 12, STATUTORY, False, STATUTORY_BASIS),
    (O.SEXUAL, S.DTO, 24, STATUTORY, False, STATUTORY_BASIS),
    # Indeterminate sentences need no length (any length given, such as a tariff, is ignored).
    (O.VIOLENT, S.LIFE, None, STATUTORY, False, STATUTORY_BASIS),
    (O.VIOLENT, S.LIFE, 6, STATUTORY, False, STATUTORY_BASIS),
    (O.SEXUAL, S.IPP, None, STATUTORY, False, STATUTORY_BASIS),
    (O.VIOLENT, S.HMP, None, STATUTORY, False, STATUTORY_BASIS),
    # Just under the threshold: not statutory.
    (O.VIOLENT, S.DETERMINATE, 11, None, False, NOT_ELIGIBLE_BASIS),
    (O.SEXUAL, S.DTO, 10, None, False, NOT_ELIGIBLE_BASIS),
    (O.TERRORISM, S.DETERMINATE, 0, None, False, NOT_ELIGIBLE_BASIS),
    # Domestic abuse, stalking and harassment: VNS under 12 months (discretionary offer
    # possible), statutory at 12 months or more.
    (O.DOMESTIC_ABUSE, S.DETERMINATE, 6, VNS, True, VNS_BASIS),
    (O.DOMESTIC_ABUSE, S.DETERMINATE, 11, VNS, True, VNS_BASIS),
    (O.STALKING_HARASSMENT, S.DETERMINATE, 4, VNS, True, VNS_BASIS),
    (O.STALKING_HARASSMENT, S.DTO, 8, VNS, True, VNS_BASIS),
    (O.DOMESTIC_ABUSE, S.DETERMINATE, 12, STATUTORY, False, STATUTORY_BASIS),
    (O.STALKING_HARASSMENT, S.DETERMINATE, 30, STATUTORY, False, STATUTORY_BASIS),
    (O.DOMESTIC_ABUSE, S.LIFE, None, STATUTORY, False, STATUTORY_BASIS),
    # No custody: not eligible.
    (O.VIOLENT, S.COMMUNITY, None, None, False, NOT_ELIGIBLE_BASIS),
    (O.DOMESTIC_ABUSE, S.COMMUNITY, 18, None, False, NOT_ELIGIBLE_BASIS),
    # Other offences: never eligible, whatever the sentence.
    (O.OTHER, S.DETERMINATE, 60, None, False, NOT_ELIGIBLE_BASIS),
    (O.OTHER, S.LIFE, None, None, False, NOT_ELIGIBLE_BASIS),
    (O.OTHER, S.HOSPITAL_RESTRICTED, None, None, False, NOT_ELIGIBLE_BASIS),
    # Mentally disordered offenders.
    (O.VIOLENT, S.HOSPITAL_RESTRICTED, None, MDO, False, RESTRICTED_HOSPITAL_BASIS),
    (O.SEXUAL, S.HOSPITAL_UNRESTRICTED, None, MDO, False, UNRESTRICTED_HOSPITAL_BASIS),
    (O.TERRORISM, S.HOSPITAL_DIRECTION, 60, MDO, False, HOSPITAL_DIRECTION_BASIS),
    (O.VIOLENT, S.HOSPITAL_DIRECTION, None, MDO, False, HOSPITAL_DIRECTION_BASIS),
    (O.VIOLENT, S.TRANSFER_DIRECTION, 36, MDO, False, TRANSFER_DIRECTION_BASIS),
    (O.SEXUAL, S.TRANSFER_DIRECTION, 9, None, False, NOT_ELIGIBLE_BASIS),
]


@pytest.mark.parametrize(("offence", "sentence", "months", "scheme", "discretionary", "basis"), CASES)
def test_decide_eligibility(
    offence: O,
    sentence: S,
    months: int | None,
    scheme: Scheme | None,
    discretionary: bool,
    basis: str,
) -> None:
    result = decide_eligibility(offence, sentence, months)
    assert result.scheme == scheme
    assert result.eligible is (scheme is not None)
    assert result.discretionary_offer is discretionary
    assert result.basis == basis
    assert result.reason.endswith(".")
    assert result.reason[0].isupper()


def test_reasons_are_plain_english() -> None:
    statutory = decide_eligibility(O.VIOLENT, S.DETERMINATE, 48)
    assert statutory.reason == (
        "A violent offence with a standard determinate sentence of 48 months (12 months or more): "
        "the victim is entitled to the statutory Victim Contact Scheme."
    )
    life = decide_eligibility(O.SEXUAL, S.LIFE, None)
    assert life.reason.startswith("A sexual offence with a life sentence (indeterminate): ")
    restricted = decide_eligibility(O.VIOLENT, S.HOSPITAL_RESTRICTED, None)
    assert restricted.reason.startswith("A violent offence with a hospital order and a restriction order: ")
    other = decide_eligibility(O.OTHER, S.DETERMINATE, 60)
    assert other.reason.startswith("The offence is not violent, sexual, terrorism, domestic abuse,")
    dto = decide_eligibility(O.VIOLENT, S.DTO, 12)
    assert "a detention and training order of 12 months" in dto.reason

    vns = decide_eligibility(O.STALKING_HARASSMENT, S.DETERMINATE, 6)
    assert "Victim Notification Scheme" in vns.reason
    assert "An SPO may instead offer the discretionary Victim Contact Scheme" in vns.reason

    short = decide_eligibility(O.VIOLENT, S.DETERMINATE, 11)
    assert "under 12 months" in short.reason
    assert "not eligible" in short.reason
    assert "high-risk" in short.reason

    assert "one month" not in decide_eligibility(O.VIOLENT, S.DETERMINATE, 1).reason
    assert "of 1 month " in decide_eligibility(O.VIOLENT, S.DETERMINATE, 1).reason

    hospital = decide_eligibility(O.VIOLENT, S.HOSPITAL_DIRECTION, 36)
    assert "a prison sentence of 36 months and a hospital direction with a limitation direction" in (
        hospital.reason
    )
    assert "mentally disordered offenders" in hospital.reason
    transfer = decide_eligibility(O.VIOLENT, S.TRANSFER_DIRECTION, 36)
    assert "and a transfer to hospital with a restriction direction" in transfer.reason

    domestic = decide_eligibility(O.DOMESTIC_ABUSE, S.DETERMINATE, 24)
    assert "treated as violent offences" in domestic.reason


@pytest.mark.parametrize(
    ("sentence", "months", "message"),
    [
        (S.DETERMINATE, None, "needs its length"),
        (S.DTO, None, "needs its length"),
        (S.DETERMINATE, -1, "negative"),
    ],
)
def test_bad_input_is_refused(sentence: S, months: int | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decide_eligibility(O.VIOLENT, sentence, months)


def test_discretionary_is_never_computed() -> None:
    for offence, sentence, months, *_rest in CASES:
        assert decide_eligibility(offence, sentence, months).scheme is not Scheme.DISCRETIONARY


def test_an_spo_can_offer_the_discretionary_scheme_keeping_the_computed_answer() -> None:
    computed = decide_eligibility(O.DOMESTIC_ABUSE, S.DETERMINATE, 6)
    decision = override(
        computed, Scheme.DISCRETIONARY, "  High risk of further abuse on release.  ", Role.SPO
    )
    assert decision.scheme is Scheme.DISCRETIONARY
    assert decision.overridden
    assert decision.computed == computed
    assert decision.computed.scheme is Scheme.VNS
    assert decision.override is not None
    assert decision.override.reason == "High risk of further abuse on release."
    assert decision.reason == "Decided by an SPO: High risk of further abuse on release."


def test_an_spo_can_override_to_not_eligible() -> None:
    computed = decide_eligibility(O.VIOLENT, S.DETERMINATE, 24)
    decision = override(computed, None, "The offence was recorded in the wrong category.", Role.SPO)
    assert decision.scheme is None
    assert decision.computed.scheme is Scheme.STATUTORY


@pytest.mark.parametrize("role", [Role.VLO, Role.MANAGER, Role.ADMIN])
def test_only_an_spo_can_override(role: Role) -> None:
    computed = decide_eligibility(O.VIOLENT, S.DETERMINATE, 6)
    with pytest.raises(OverrideNotAllowedError):
        override(computed, Scheme.DISCRETIONARY, "High risk.", role)


@pytest.mark.parametrize("reason", ["", "   ", "\n"])
def test_an_override_needs_a_reason(reason: str) -> None:
    computed = decide_eligibility(O.VIOLENT, S.DETERMINATE, 6)
    with pytest.raises(ValueError, match="reason"):
        override(computed, Scheme.DISCRETIONARY, reason, Role.SPO)


def test_an_override_must_change_the_scheme() -> None:
    computed = decide_eligibility(O.VIOLENT, S.DETERMINATE, 24)
    with pytest.raises(ValueError, match="nothing to override"):
        override(computed, Scheme.STATUTORY, "Agreed.", Role.SPO)


def test_without_an_override_the_computed_answer_stands() -> None:
    computed = Eligibility(Scheme.STATUTORY, "Because.", STATUTORY_BASIS)
    decision = EligibilityDecision(computed)
    assert decision.scheme is Scheme.STATUTORY
    assert decision.reason == "Because."
    assert not decision.overridden
