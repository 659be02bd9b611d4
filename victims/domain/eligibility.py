"""Which scheme a victim is offered, decided from the offence and the sentence (SPEC §3).

The computed answer always carries its reason in plain English and the basis for it (the
statute or policy). Only an SPO can override it, with a recorded reason; the override and the
computed answer are both kept (`EligibilityDecision`).

Decisions taken here (also in docs/decisions.md):

- **Discretionary is never computed.** SPEC §3 makes the discretionary scheme an SPO's decision,
  so the computed scheme is never `Scheme.DISCRETIONARY`. Instead `discretionary_offer` is True
  where SPEC names the group (domestic abuse, stalking or harassment with custody under 12
  months), and the reason says an SPO may offer the scheme. An SPO records the offer with
  `override(...)`. High-risk cases of any other kind can be offered it the same way.
- **Domestic abuse, stalking and harassment under 12 months: VNS.** Such a victim is computed
  into the Victim Notification Scheme, with `discretionary_offer` set so the SPO sees that the
  fuller discretionary scheme can be offered instead.
- **Domestic abuse, stalking and harassment with 12 months or more** are treated like violent
  offences (the statutory scheme, or the mentally disordered offender scheme), because
  offences in these groups that attract such sentences (stalking involving fear of violence,
  assaults) are violent offences; an SPO overrides where the particular offence is not.
- **A determinate sentence needs its length**; a missing or negative length is a caller error
  (ValueError), not "not eligible", so bad input never silently loses a victim the scheme.
  Lengths are whole months, rounded down (11 months 3 weeks is under 12).
- **Hospital and transfer directions.** A hospital direction (Mental Health Act 1983 s.45A, always
  given with a limitation direction) or a transfer direction (s.47) with a restriction direction
  (s.49) puts the case in the mentally disordered offender scheme when the prison sentence is
  one of 12 months or more (or indeterminate). They are recorded as the sentence types
  HOSPITAL_DIRECTION and TRANSFER_DIRECTION, for which `months` is the length of the prison
  sentence (None when it is indeterminate or not known). A transfer without a restriction
  direction is recorded as the prison sentence itself, which decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from victims.domain.vocabulary import OffenceCategory, Role, Scheme, SentenceType

THRESHOLD_MONTHS = 12

STATUTORY_BASIS = "Domestic Violence, Crime and Victims Act 2004 ss.35 and 45; Victims' Code Right 11"
RESTRICTED_HOSPITAL_BASIS = "Domestic Violence, Crime and Victims Act 2004 ss.36–38"
UNRESTRICTED_HOSPITAL_BASIS = (
    "Domestic Violence, Crime and Victims Act 2004 s.36 (as amended by the Mental Health Act 2007), "
    "ss.37A and 38A; Victims' Code"
)
HOSPITAL_DIRECTION_BASIS = "Domestic Violence, Crime and Victims Act 2004 ss.39–41"
TRANSFER_DIRECTION_BASIS = "Domestic Violence, Crime and Victims Act 2004 ss.42–44"
VNS_BASIS = "Victim Notification Scheme (Ministry of Justice pilot, 2022); Victim Contact Scheme policy"
NOT_ELIGIBLE_BASIS = "Domestic Violence, Crime and Victims Act 2004 s.35; Victims' Code Right 11"

STATUTORY_OFFENCES = frozenset({OffenceCategory.VIOLENT, OffenceCategory.SEXUAL, OffenceCategory.TERRORISM})
DOMESTIC_OFFENCES = frozenset({OffenceCategory.DOMESTIC_ABUSE, OffenceCategory.STALKING_HARASSMENT})

INDETERMINATE = frozenset({SentenceType.LIFE, SentenceType.IPP, SentenceType.HMP})
DETERMINATE_CUSTODY = frozenset(
    {SentenceType.DETERMINATE, SentenceType.EXTENDED, SentenceType.SOPC, SentenceType.DTO}
)
DIRECTIONS = frozenset({SentenceType.HOSPITAL_DIRECTION, SentenceType.TRANSFER_DIRECTION})

_OFFENCE_WORDS: dict[OffenceCategory, str] = {
    OffenceCategory.VIOLENT: "a violent offence",
    OffenceCategory.SEXUAL: "a sexual offence",
    OffenceCategory.TERRORISM: "a terrorism offence",
    OffenceCategory.DOMESTIC_ABUSE: "a domestic abuse offence",
    OffenceCategory.STALKING_HARASSMENT: "a stalking or harassment offence",
    OffenceCategory.OTHER: "an offence in the other category",
}

_SENTENCE_WORDS: dict[SentenceType, str] = {
    SentenceType.DETERMINATE: "a standard determinate sentence",
    SentenceType.EXTENDED: "an extended determinate sentence",
    SentenceType.SOPC: "a sentence for offenders of particular concern",
    SentenceType.LIFE: "a life sentence",
    SentenceType.IPP: "a sentence of imprisonment for public protection",
    SentenceType.DTO: "a detention and training order",
    SentenceType.HMP: "detention at His Majesty's pleasure",
    SentenceType.HOSPITAL_RESTRICTED: "a hospital order and a restriction order",
    SentenceType.HOSPITAL_UNRESTRICTED: "a hospital order and no restriction order",
    SentenceType.COMMUNITY: "a community or suspended sentence",
}

_HOSPITAL_DIRECTION_WORDS = " and a hospital direction with a limitation direction"
_TRANSFER_DIRECTION_WORDS = " and a transfer to hospital with a restriction direction"
_SPO_HIGH_RISK = (
    " An SPO may still offer the discretionary scheme if the case is high-risk, with a recorded reason."
)


@dataclass(frozen=True)
class Eligibility:
    """The computed answer: the scheme (None if not eligible), why, and on what basis."""

    scheme: Scheme | None
    reason: str
    basis: str
    # SPEC §3 names this case's group for a discretionary offer by an SPO.
    discretionary_offer: bool = False

    @property
    def eligible(self) -> bool:
        return self.scheme is not None


@dataclass(frozen=True)
class SchemeOverride:
    """An SPO's choice of scheme (None: not eligible), with the reason they recorded."""

    scheme: Scheme | None
    reason: str


@dataclass(frozen=True)
class EligibilityDecision:
    """The computed answer and any SPO override, both kept; the override wins."""

    computed: Eligibility
    override: SchemeOverride | None = None

    @property
    def overridden(self) -> bool:
        return self.override is not None

    @property
    def scheme(self) -> Scheme | None:
        return self.override.scheme if self.override is not None else self.computed.scheme

    @property
    def reason(self) -> str:
        if self.override is not None:
            return f"Decided by an SPO: {self.override.reason}"
        return self.computed.reason


class OverrideNotAllowedError(PermissionError):
    """Someone other than an SPO tried to override the computed scheme."""


def override(computed: Eligibility, scheme: Scheme | None, reason: str, role: Role) -> EligibilityDecision:
    """An SPO's override of the computed scheme, keeping the computed answer beside it."""
    if role is not Role.SPO:
        raise OverrideNotAllowedError("only an SPO can override the computed scheme")
    reason = reason.strip()
    if not reason:
        raise ValueError("enter the reason for choosing a different scheme")
    if scheme == computed.scheme:
        raise ValueError("the chosen scheme is the computed one; there is nothing to override")
    return EligibilityDecision(computed=computed, override=SchemeOverride(scheme=scheme, reason=reason))


def decide_eligibility(offence: OffenceCategory, sentence: SentenceType, months: int | None) -> Eligibility:
    """The scheme for a victim of this offence and sentence, with the reason and its basis.

    `months` is the custodial term in whole months (None for an indeterminate sentence; ignored
    for life, IPP, detention at His Majesty's pleasure and hospital orders).
    """
    _check_input(sentence, months)
    offence_words = _OFFENCE_WORDS[offence]
    sentence_words = _describe_sentence(sentence, months)
    facts = f"{_capitalise(offence_words)} with {sentence_words}"

    if offence is OffenceCategory.OTHER:
        return Eligibility(
            None,
            "The offence is not violent, sexual, terrorism, domestic abuse, stalking or harassment, "
            "so the victim is not eligible for the Victim Contact Scheme." + _SPO_HIGH_RISK,
            NOT_ELIGIBLE_BASIS,
        )

    treated_as_violent = (
        " Domestic abuse, stalking and harassment offences are treated as violent offences here."
        if offence in DOMESTIC_OFFENCES
        else ""
    )

    if sentence is SentenceType.HOSPITAL_RESTRICTED:
        return Eligibility(
            Scheme.STATUTORY_MDO,
            f"{facts}: the victim is entitled to the statutory scheme for victims of mentally "
            "disordered offenders, including a say in the conditions of discharge." + treated_as_violent,
            RESTRICTED_HOSPITAL_BASIS,
        )
    if sentence is SentenceType.HOSPITAL_UNRESTRICTED:
        return Eligibility(
            Scheme.STATUTORY_MDO,
            f"{facts}: the victim is entitled to the statutory scheme for victims of mentally "
            "disordered offenders, which covers hospital orders without a restriction order too."
            + treated_as_violent,
            UNRESTRICTED_HOSPITAL_BASIS,
        )

    relevant = _relevant_custody(sentence, months)
    if relevant and sentence is SentenceType.HOSPITAL_DIRECTION:
        return Eligibility(
            Scheme.STATUTORY_MDO,
            f"{facts}: the victim is entitled to the statutory scheme for victims of mentally "
            "disordered offenders." + treated_as_violent,
            HOSPITAL_DIRECTION_BASIS,
        )
    if relevant and sentence is SentenceType.TRANSFER_DIRECTION:
        return Eligibility(
            Scheme.STATUTORY_MDO,
            f"{facts}: the victim is entitled to the statutory scheme for victims of mentally "
            "disordered offenders." + treated_as_violent,
            TRANSFER_DIRECTION_BASIS,
        )
    if relevant:
        length = "indeterminate" if sentence in INDETERMINATE or months is None else "12 months or more"
        return Eligibility(
            Scheme.STATUTORY,
            f"{facts} ({length}): the victim is entitled to the statutory Victim Contact Scheme."
            + treated_as_violent,
            STATUTORY_BASIS,
        )

    if sentence is SentenceType.COMMUNITY:
        return Eligibility(
            None,
            f"{facts}: there is no custody and so no release to tell the victim about; the victim is "
            "not eligible." + _SPO_HIGH_RISK,
            NOT_ELIGIBLE_BASIS,
        )

    # Custody under 12 months.
    if offence in DOMESTIC_OFFENCES:
        return Eligibility(
            Scheme.VNS,
            f"{facts} (custody under 12 months): the victim is in the Victim Notification Scheme. "
            "An SPO may instead offer the discretionary Victim Contact Scheme, with a recorded reason.",
            VNS_BASIS,
            discretionary_offer=True,
        )
    return Eligibility(
        None,
        f"{facts} (custody under 12 months): the statutory scheme needs custody of 12 months or more, "
        "so the victim is not eligible." + _SPO_HIGH_RISK,
        NOT_ELIGIBLE_BASIS,
    )


def _check_input(sentence: SentenceType, months: int | None) -> None:
    if months is not None and months < 0:
        raise ValueError("the sentence length cannot be negative")
    if sentence in DETERMINATE_CUSTODY and months is None:
        raise ValueError("a determinate sentence needs its length in months")


def _relevant_custody(sentence: SentenceType, months: int | None) -> bool:
    """A prison or detention sentence of 12 months or more, or an indeterminate one."""
    if sentence in INDETERMINATE:
        return True
    if sentence in DIRECTIONS:
        return months is None or months >= THRESHOLD_MONTHS
    if sentence in DETERMINATE_CUSTODY:
        return months is not None and months >= THRESHOLD_MONTHS
    return False


def _describe_sentence(sentence: SentenceType, months: int | None) -> str:
    length = ""
    if months is not None and sentence in DETERMINATE_CUSTODY | DIRECTIONS:
        length = f" of {months} month" if months == 1 else f" of {months} months"
    if sentence is SentenceType.HOSPITAL_DIRECTION:
        return f"a prison sentence{length}{_HOSPITAL_DIRECTION_WORDS}"
    if sentence is SentenceType.TRANSFER_DIRECTION:
        return f"a prison sentence{length}{_TRANSFER_DIRECTION_WORDS}"
    return _SENTENCE_WORDS[sentence] + length


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
