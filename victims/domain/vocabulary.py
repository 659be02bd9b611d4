"""The service's fixed vocabularies, with the words shown to people."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A StrEnum whose members carry the label shown on screen."""

    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Role(Labelled):
    VLO = "vlo", "Victim liaison officer"
    SPO = "spo", "Senior probation officer"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Administrator"


class Skill(Labelled):
    MAPPING = "mapping", "Exclusion-zone mapping"
    PAROLE = "parole", "Parole"
    RESTRICTED_PATIENTS = "restricted_patients", "Restricted patients"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse and stalking"
    BEREAVED = "bereaved", "Homicide and bereaved families"
    CHILD_VICTIMS = "child_victims", "Child victims"
    WELSH = "welsh", "Welsh language"


class Scheme(Labelled):
    STATUTORY = "statutory", "Statutory VCS"
    STATUTORY_MDO = "statutory_mdo", "Statutory VCS (mentally disordered offender)"
    DISCRETIONARY = "discretionary", "Discretionary"
    VNS = "vns", "Victim Notification Scheme"


class CaseStatus(Labelled):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClosureReason(Labelled):
    SENTENCE_ENDED = "sentence_ended", "Sentence or licence ended"
    VICTIM_DECLINED = "victim_declined", "All victims declined or opted out"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    TRANSFERRED = "transferred", "Transferred to another region"
    OFFENDER_DIED = "offender_died", "Offender died"
    OTHER = "other", "Other"


class OffenceCategory(Labelled):
    VIOLENT = "violent", "Violent"
    SEXUAL = "sexual", "Sexual"
    TERRORISM = "terrorism", "Terrorism"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    STALKING_HARASSMENT = "stalking_harassment", "Stalking or harassment"
    OTHER = "other", "Other"


class SentenceType(Labelled):
    DETERMINATE = "determinate", "Standard determinate sentence"
    EXTENDED = "extended", "Extended determinate sentence"
    SOPC = "sopc", "Sentence for offenders of particular concern"
    LIFE = "life", "Life sentence"
    IPP = "ipp", "Imprisonment for public protection"
    DTO = "dto", "Detention and training order"
    HMP = "hmp", "Detention at His Majesty's pleasure"
    HOSPITAL_RESTRICTED = "hospital_restricted", "Hospital order with restriction order"
    HOSPITAL_UNRESTRICTED = "hospital_unrestricted", "Hospital order without restriction"
    HOSPITAL_DIRECTION = "hospital_direction", "Hospital direction with limitation direction"
    TRANSFER_DIRECTION = "transfer_direction", "Transfer direction with restriction direction"
    COMMUNITY = "community", "Community or suspended sentence"


class Relationship(Labelled):
    VICTIM = "victim", "Victim"
    BEREAVED_RELATIVE = "bereaved_relative", "Bereaved relative"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian of a child victim"


class ContactLevel(Labelled):
    KEY_STAGES = "key_stages", "Key stages (all updates)"
    ANNUAL = "annual", "Annual letter"
    MONTH_OF_RELEASE = "month_of_release", "Month of release only"
    OPTED_OUT = "opted_out", "Opted out"


class Channel(Labelled):
    """How a person chose to be contacted. Letters go by post or email; a person who chose
    telephone is called, and their letters go by post (`letter_channel`)."""

    POST = "post", "Post"
    EMAIL = "email", "Email"
    TELEPHONE = "telephone", "Telephone"


def letter_channel(chosen: str) -> str:
    """How a letter to someone goes, from the channel they chose: telephone has no letters of
    its own, so their letters go by post."""
    return Channel.POST.value if chosen == Channel.TELEPHONE else chosen


class Language(Labelled):
    ENGLISH = "en", "English"
    WELSH = "cy", "Welsh"


class ContactMethod(Labelled):
    LETTER = "letter", "Letter"
    TELEPHONE = "telephone", "Telephone"
    EMAIL = "email", "Email"
    VISIT = "visit", "Home or office visit"
    MEETING = "meeting", "Meeting"


class Direction(Labelled):
    OUTBOUND = "outbound", "To the victim"
    INBOUND = "inbound", "From the victim"


class DateSource(Labelled):
    MANUAL = "manual", "Entered by a user"
    PRISON = "prison", "Prison record (NOMIS)"
    PROBATION = "probation", "Probation record (nDelius)"
    REFERRAL = "referral", "Referral"


# The release-related dates of SPEC §4, in the order people read them.
SENTENCE_DATES: dict[str, str] = {
    "crd": "Conditional release date (CRD)",
    "ard": "Automatic release date (ARD)",
    "ped": "Parole eligibility date (PED)",
    "hdced": "Home detention curfew eligibility date (HDCED)",
    "led": "Licence expiry date (LED)",
    "sed": "Sentence expiry date (SED)",
    "tused": "Top-up supervision expiry date (TUSED)",
    "prrd": "Post-recall release date (PRRD)",
}

REGIONS: list[tuple[str, str]] = [
    ("north_east", "North East"),
    ("north_west", "North West"),
    ("greater_manchester", "Greater Manchester"),
    ("yorkshire_humber", "Yorkshire and the Humber"),
    ("east_midlands", "East Midlands"),
    ("west_midlands", "West Midlands"),
    ("east_of_england", "East of England"),
    ("south_west", "South West"),
    ("south_central", "South Central"),
    ("london", "London"),
    ("kent_surrey_sussex", "Kent, Surrey and Sussex"),
    ("wales", "Wales"),
]
