"""An administrator's settings for deadlines: rule numbers (versioned) and extra non-working
days. Every change is audited. Flushes, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from victims import clock
from victims.audit import services as audit
from victims.domain import deadlines as rules
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User
from victims.work.models import NonWorkingDay, RuleSettingRecord
from victims.work.queries import current_rules

UNIT_WORDS = {
    rules.Unit.WORKING_DAYS: "working days",
    rules.Unit.CALENDAR_DAYS: "days",
    rules.Unit.WEEKS: "weeks",
    rules.Unit.MONTHS: "months",
}
MAX_NUMBER = 3650


@dataclass(frozen=True)
class RuleRow:
    code: str
    name: str
    number: int
    default: int
    version: int
    unit_words: str
    side: str
    counted_from: str


def rule_rows() -> list[RuleRow]:
    ruleset = current_rules()
    return [
        RuleRow(
            code=code,
            name=setting.rule.name,
            number=setting.number,
            default=setting.rule.default,
            version=setting.version,
            unit_words=UNIT_WORDS[setting.rule.unit],
            side=setting.rule.side.value,
            counted_from=setting.rule.anchor.value.replace("_", " "),
        )
        for code, setting in ruleset.items()
    ]


def set_rule_number(code: str, number: int, reason: str, user: User) -> int | None:
    """Store a new version of a rule's number; returns it, or None if the number is unchanged.

    Deadlines already worked out keep the version that produced them until their dates change
    (docs/decisions.md)."""
    if code not in rules.RULES_BY_CODE:
        raise Refused("Choose a deadline rule", "code")
    if not 0 <= number <= MAX_NUMBER:
        raise Refused(f"Enter a number between 0 and {MAX_NUMBER:,}", "number")
    current = current_rules()[code]
    if number == current.number:
        return None
    version = current.version + 1
    db.session.add(
        RuleSettingRecord(
            code=code, number=number, version=version, changed_at=clock.utcnow(), changed_by_id=user.id
        )
    )
    db.session.flush()
    audit.record(
        "deadline_rule_changed",
        "deadline_rule",
        None,
        reason=reason,
        details={"code": code, "from": current.number, "to": number, "version": version},
        user=user,
    )
    return version


def add_non_working_day(day: date, description: str, user: User) -> NonWorkingDay:
    if db.session.get(NonWorkingDay, day) is not None:
        raise Refused("That day is already a non-working day", "day")
    record = NonWorkingDay(day=day, description=description, added_at=clock.utcnow(), added_by_id=user.id)
    db.session.add(record)
    db.session.flush()
    audit.record(
        "non_working_day_added",
        "non_working_day",
        None,
        details={"day": day.isoformat()},
        reason=description,
        user=user,
    )
    return record


def remove_non_working_day(day: date, user: User) -> bool:
    record = db.session.get(NonWorkingDay, day)
    if record is None:
        return False
    db.session.delete(record)
    db.session.flush()
    audit.record(
        "non_working_day_removed", "non_working_day", None, details={"day": day.isoformat()}, user=user
    )
    return True
