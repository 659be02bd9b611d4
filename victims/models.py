"""Imports every area's models so that metadata (Alembic, tests) sees all tables."""

from victims.admin.models import AccountRequest
from victims.api.models import ApiClient, IdempotencyRecord
from victims.audit.models import AuditEvent
from victims.auth.models import SignInAttempt, UserSession
from victims.cases.models import (
    Case,
    CaseNeedRecord,
    CaseStatusChange,
    CaseTransfer,
    ContactLogEntry,
    Offender,
    Sentence,
    SentenceDateChange,
)
from victims.compliance.models import ComplianceMonth
from victims.feedback.models import FeedbackLink, FeedbackResponse
from victims.imports.models import ReferralUpload
from victims.letters.models import Letter, LetterTemplate
from victims.notify.models import OutboxEmail, OutboxLetter
from victims.people.models import ContactLevelChange, Person
from victims.postcodes.models import Postcode
from victims.prerelease.models import (
    ConditionRequest,
    ExclusionZone,
    PreReleaseContact,
    ReleaseAddress,
    ZonePoint,
)
from victims.reminders.models import Reminder, ReminderStageRecord
from victims.snapshots.models import Snapshot
from victims.staff.models import (
    Absence,
    Reduction,
    Region,
    SavedListFilter,
    Team,
    TrainingRecord,
    User,
    UserSkill,
)
from victims.work.models import (
    CaseDeadline,
    DeadlineChange,
    NonWorkingDay,
    OffenderEventRecord,
    RuleSettingRecord,
    Task,
)
from victims.workforce.models import TimeRecord, WorkloadModelVersion

__all__ = [
    "Absence",
    "AccountRequest",
    "ApiClient",
    "AuditEvent",
    "Case",
    "CaseDeadline",
    "CaseNeedRecord",
    "CaseStatusChange",
    "CaseTransfer",
    "ComplianceMonth",
    "ConditionRequest",
    "ContactLevelChange",
    "ContactLogEntry",
    "DeadlineChange",
    "ExclusionZone",
    "FeedbackLink",
    "FeedbackResponse",
    "IdempotencyRecord",
    "Letter",
    "LetterTemplate",
    "NonWorkingDay",
    "Offender",
    "OffenderEventRecord",
    "OutboxEmail",
    "OutboxLetter",
    "Person",
    "Postcode",
    "PreReleaseContact",
    "Reduction",
    "ReferralUpload",
    "Region",
    "ReleaseAddress",
    "Reminder",
    "ReminderStageRecord",
    "RuleSettingRecord",
    "SavedListFilter",
    "Sentence",
    "SentenceDateChange",
    "SignInAttempt",
    "Snapshot",
    "Task",
    "Team",
    "TimeRecord",
    "TrainingRecord",
    "User",
    "UserSession",
    "UserSkill",
    "WorkloadModelVersion",
    "ZonePoint",
]
