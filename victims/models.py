"""Imports every area's models so that metadata (Alembic, tests) sees all tables."""

from victims.admin.models import AccountRequest
from victims.api.models import ApiClient, IdempotencyRecord
from victims.audit.models import AuditEvent
from victims.auth.models import SignInAttempt, UserSession
from victims.cases.models import (
    Case,
    CaseStatusChange,
    CaseTransfer,
    ContactLogEntry,
    Offender,
    Sentence,
    SentenceDateChange,
)
from victims.imports.models import ReferralUpload
from victims.letters.models import Letter, LetterTemplate
from victims.notify.models import OutboxEmail, OutboxLetter
from victims.people.models import ContactLevelChange, Person
from victims.prerelease.models import ConditionRequest, ExclusionZone, PreReleaseContact, ZonePoint
from victims.reminders.models import Reminder, ReminderStageRecord
from victims.staff.models import Region, Team, User, UserSkill
from victims.work.models import (
    CaseDeadline,
    DeadlineChange,
    NonWorkingDay,
    OffenderEventRecord,
    RuleSettingRecord,
    Task,
)

__all__ = [
    "AccountRequest",
    "ApiClient",
    "AuditEvent",
    "Case",
    "CaseDeadline",
    "CaseStatusChange",
    "CaseTransfer",
    "ConditionRequest",
    "ContactLevelChange",
    "ContactLogEntry",
    "DeadlineChange",
    "ExclusionZone",
    "IdempotencyRecord",
    "Letter",
    "LetterTemplate",
    "NonWorkingDay",
    "Offender",
    "OffenderEventRecord",
    "OutboxEmail",
    "OutboxLetter",
    "Person",
    "PreReleaseContact",
    "ReferralUpload",
    "Region",
    "Reminder",
    "ReminderStageRecord",
    "RuleSettingRecord",
    "Sentence",
    "SentenceDateChange",
    "SignInAttempt",
    "Task",
    "Team",
    "User",
    "UserSession",
    "UserSkill",
    "ZonePoint",
]
