"""Needs an SPO adds to a case by hand, with a reason, and removes with a reason (issue 14,
item 3); and each need of a case in words, so the case page can say why it needs it.

Needs from the case's facts are derived (victims.workforce.queries) and cannot be removed: change
the facts instead. The reasons are kept encrypted on the record and never go into the audit
trail (they may say something of the victim): the trail has the need, the case and who.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case, CaseNeedRecord
from victims.domain.needs import Need, NeedFacts, derived_needs, ordered
from victims.domain.vocabulary import CaseStatus, Role
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User

# Why each derived need is there, in words.
DERIVED_WHY: dict[Need, str] = {
    Need.WELSH: "Someone on the case prefers Welsh",
    Need.CHILD_VICTIMS: "A victim is under 18, or a parent or guardian acts for one",
    Need.BEREAVED: "A bereaved relative is on the case",
    Need.RESTRICTED_PATIENTS: "The offender is a restricted patient (a hospital order with restrictions, "
    "or a hospital or transfer direction)",
    Need.DOMESTIC_ABUSE: "The offence is domestic abuse, stalking or harassment",
    Need.PAROLE: "The sentence has a parole review (an indeterminate or extended sentence, a parole "
    "eligibility date, or a review listed)",
    Need.MAPPING: "An exclusion zone has been asked for and its map is not yet countersigned",
}


@dataclass(frozen=True)
class ShownNeed:
    """One need of a case as the case page shows it."""

    need: Need
    derived_why: str | None  # from the case's facts: why, in words
    record: CaseNeedRecord | None  # added by hand: the reason, who and when
    added_by_name: str | None = None

    @property
    def removable(self) -> bool:
        return self.record is not None


def needs_in_force(case_id: int) -> list[tuple[CaseNeedRecord, str]]:
    """The needs added by hand and not removed, each with who added it: one statement."""
    rows = db.session.execute(
        select(CaseNeedRecord, User.name)
        .join(User, User.id == CaseNeedRecord.added_by_id)
        .where(CaseNeedRecord.case_id == case_id, CaseNeedRecord.removed_at.is_(None))
        .order_by(CaseNeedRecord.added_at)
    ).all()
    return [(record, name) for record, name in rows]


@cache
def in_force_count() -> ColumnElement:
    """How many needs added by hand are in force on a case (correlated): the case page reads
    needs_in_force only when there are some."""
    return (
        select(func.count(CaseNeedRecord.id))
        .where(CaseNeedRecord.case_id == Case.id, CaseNeedRecord.removed_at.is_(None))
        .correlate(Case)
        .scalar_subquery()
    )


def shown_needs(
    need_facts: NeedFacts | None, case_id: int, in_force: list[tuple[CaseNeedRecord, str]] | None = None
) -> list[ShownNeed]:
    """Every need of the case, in the vocabulary's order: derived ones with why, hand-added ones
    with their record. A need both derived and added by hand shows both. `in_force`: the needs
    added by hand, if the caller has already read them (needs_in_force)."""
    derived = derived_needs(need_facts) if need_facts is not None else frozenset()
    records = needs_in_force(case_id) if in_force is None else in_force
    manual = {record.need: (record, name) for record, name in records}
    shown = []
    for need in ordered(derived | set(manual)):
        record, name = manual.get(need, (None, None))
        shown.append(
            ShownNeed(
                need=need,
                derived_why=DERIVED_WHY.get(need) if need in derived else None,
                record=record,
                added_by_name=name,
            )
        )
    return shown


def need_record_for(case_id: int, record_id: int) -> CaseNeedRecord | None:
    return db.session.scalar(
        select(CaseNeedRecord).where(
            CaseNeedRecord.id == record_id,
            CaseNeedRecord.case_id == case_id,
            CaseNeedRecord.removed_at.is_(None),
        )
    )


def _check_spo(case: Case, spo: User) -> None:
    if spo.role != Role.SPO or spo.team_id != case.team_id:
        raise Refused("Only a senior probation officer of the case’s team can change its needs")
    if case.status != CaseStatus.OPEN:
        raise Refused("The case is closed")


def _already(need: Need) -> Refused:
    return Refused(f"The case already has “{need.label}” added by hand", "need")


def add_need(case: Case, need: Need | str, reason: str, spo: User) -> CaseNeedRecord:
    _check_spo(case, spo)
    try:
        need = Need(need)
    except ValueError:
        raise Refused("Choose a need from the list", "need") from None
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Enter why the case needs this", "reason")
    if any(record.need == need for record, _ in needs_in_force(case.id)):
        raise _already(need)
    record = CaseNeedRecord(case_id=case.id, need=need, reason=reason, added_by_id=spo.id)
    try:
        # Two SPOs adding the same need at once: the partial unique index refuses the second.
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:
        raise _already(need) from None
    audit.record(
        "case_need_added",
        "case_need",
        record.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"need": need.value},
        user=spo,
    )
    return record


def remove_need(
    case: Case, record: CaseNeedRecord, reason: str, spo: User, now: datetime | None = None
) -> None:
    _check_spo(case, spo)
    if record.case_id != case.id or record.removed_at is not None:
        raise Refused("This need has already been removed")
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Enter why the case no longer needs this", "reason")
    record.removed_at = now or clock.utcnow()
    record.removed_by_id = spo.id
    record.removed_reason = reason
    db.session.flush()
    audit.record(
        "case_need_removed",
        "case_need",
        record.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"need": record.need.value},
        user=spo,
    )
