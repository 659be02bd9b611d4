"""Peaks ahead (issue 14, item 2) and the SPO's own workload (item 6).

Peaks: the work falling due on a set of cases in the next 30 and 90 days (pre-release windows
opening, licence-condition representations due, parole hearings, licence ends), and the points
projected week by week for 12 weeks. Read from the case facts (`victims.workforce.queries`) and
one more statement for the open deadlines, whatever the number of cases.

The SPO's own workload: what waits for the SPO of a team, counted in one statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from victims.cases.models import Case
from victims.domain import deadlines as rules
from victims.domain.deadlines import OffenderEvent, event_code
from victims.domain.letters import LetterStatus
from victims.domain.prerelease import Stage as RequestStage
from victims.domain.prerelease import ZoneStatus
from victims.domain.vocabulary import CaseStatus, Labelled, Role
from victims.domain.work import DeadlineStatus, TaskStatus
from victims.domain.workload import Weights, project_points
from victims.extensions import db
from victims.letters.models import Letter
from victims.lists import among
from victims.prerelease.models import ConditionRequest, ExclusionZone
from victims.staff.models import User
from victims.work.models import CaseDeadline, Task
from victims.workforce.queries import CaseFacts

HORIZONS = (30, 90)
WEEKS = 12


class PeakKind(Labelled):
    PRE_RELEASE = "pre_release", "Pre-release windows opening"
    REPRESENTATIONS = "representations", "Representations due"
    PAROLE = "parole", "Parole hearings"
    LICENCE_END = "licence_end", "Licence ends"


# The open deadlines that mark each kind of peak.
PEAK_CODES: dict[str, PeakKind] = {
    rules.PRE_RELEASE_WINDOW: PeakKind.PRE_RELEASE,
    rules.LICENCE_REPRESENTATIONS: PeakKind.REPRESENTATIONS,
    event_code(OffenderEvent.PAROLE_REVIEW_LISTED): PeakKind.PAROLE,
    event_code(OffenderEvent.TRIBUNAL_HEARING_LISTED): PeakKind.PAROLE,
}


@dataclass(frozen=True)
class PeakItem:
    kind: PeakKind
    case_id: int
    due_on: date
    what: str  # "Pre-release window opens", "Parole eligibility date", …


@dataclass
class Peaks:
    """Work falling due on some cases from today: each item, and counts within a horizon."""

    today: date
    items: list[PeakItem] = field(default_factory=list)

    def within(self, days: int, kind: PeakKind | None = None) -> list[PeakItem]:
        last = self.today + timedelta(days=days)
        return sorted(
            (i for i in self.items if i.due_on <= last and (kind is None or i.kind == kind)),
            key=lambda i: (i.due_on, i.case_id),
        )

    def count(self, days: int, kind: PeakKind | None = None) -> int:
        return len(self.within(days, kind))

    def by_kind(self, days: int) -> list[tuple[PeakKind, list[PeakItem]]]:
        return [(kind, self.within(days, kind)) for kind in PeakKind]


def peaks_for(facts: dict[int, CaseFacts], today: date) -> dict[int | None, Peaks]:
    """Peaks by allocated VLO (None: the unallocated cases), for the next 90 days."""
    last = today + timedelta(days=max(HORIZONS))
    found: dict[int | None, Peaks] = defaultdict(lambda: Peaks(today))
    owner = {case_id: fact.allocated_vlo_id for case_id, fact in facts.items()}
    if not facts:
        return found
    for case_id, code, due_on in db.session.execute(
        select(CaseDeadline.case_id, CaseDeadline.code, CaseDeadline.due_on).where(
            among(CaseDeadline.case_id, facts.keys()),
            CaseDeadline.status == DeadlineStatus.OPEN,
            CaseDeadline.code.in_(list(PEAK_CODES)),
            CaseDeadline.due_on >= today,
            CaseDeadline.due_on <= last,
        )
    ):
        kind = PEAK_CODES[code]
        what = {
            PeakKind.PRE_RELEASE: "Pre-release window opens",
            PeakKind.REPRESENTATIONS: "Representations due",
            PeakKind.PAROLE: "Parole or tribunal hearing work due",
        }[kind]
        found[owner[case_id]].items.append(PeakItem(kind, case_id, due_on, what))
    for case_id, fact in facts.items():
        ped, led = fact.dates.get("ped"), fact.dates.get("led")
        if ped is not None and today <= ped <= last:
            found[owner[case_id]].items.append(
                PeakItem(PeakKind.PAROLE, case_id, ped, "Parole eligibility date")
            )
        if led is not None and today <= led <= last:
            found[owner[case_id]].items.append(PeakItem(PeakKind.LICENCE_END, case_id, led, "Licence ends"))
    return found


def team_peaks(by_vlo: dict[int | None, Peaks], today: date) -> Peaks:
    """The whole team's peaks: every VLO's and the unallocated cases'."""
    return Peaks(today, [item for peaks in by_vlo.values() for item in peaks.items])


def projection(facts: Iterable[CaseFacts], today: date, weights: Weights) -> list[tuple[date, int]]:
    """Points week by week for 12 weeks, each case's stage read again on each week's day."""
    return project_points(facts, today, weights, weeks=WEEKS)


# --- The SPO's own workload --------------------------------------------------------------------


@dataclass(frozen=True)
class SpoWorkload:
    letters_to_countersign: int
    zones_to_check: int
    requests_to_check: int
    unallocated_cases: int
    queue_tasks: int
    escalations: int  # the team's overdue tasks
    team_size: int  # active VLOs

    @property
    def checking(self) -> int:
        return self.letters_to_countersign + self.zones_to_check + self.requests_to_check

    @property
    def allocations_pending(self) -> int:
        return self.unallocated_cases + self.queue_tasks


def spo_workload(team_id: int, today: date) -> SpoWorkload:
    """What waits for a team's SPO, in one statement (managers count it for every team)."""
    team_cases = select(Case.id).where(Case.team_id == team_id).scalar_subquery()
    open_tasks = select(func.count(Task.id)).join(Case, Case.id == Task.case_id)
    open_tasks = open_tasks.where(
        Task.team_id == team_id, Task.status == TaskStatus.OPEN, Case.status == CaseStatus.OPEN
    )
    row = db.session.execute(
        select(
            select(func.count(Letter.id))
            .where(Letter.case_id.in_(team_cases), Letter.status == LetterStatus.AWAITING_COUNTERSIGN)
            .scalar_subquery(),
            select(func.count(ExclusionZone.id))
            .where(ExclusionZone.case_id.in_(team_cases), ExclusionZone.status == ZoneStatus.SUBMITTED)
            .scalar_subquery(),
            select(func.count(ConditionRequest.id))
            .where(ConditionRequest.case_id.in_(team_cases), ConditionRequest.stage == RequestStage.DRAFTED)
            .scalar_subquery(),
            select(func.count(Case.id))
            .where(Case.team_id == team_id, Case.status == CaseStatus.OPEN, Case.allocated_vlo_id.is_(None))
            .scalar_subquery(),
            open_tasks.where(Task.assigned_to_id.is_(None)).scalar_subquery(),
            open_tasks.join(CaseDeadline, CaseDeadline.id == Task.deadline_id)
            .where(CaseDeadline.due_on < today)
            .scalar_subquery(),
            select(func.count(User.id))
            .where(User.team_id == team_id, User.role == Role.VLO.value, User.active.is_(True))
            .scalar_subquery(),
        )
    ).one()
    return SpoWorkload(*(int(value or 0) for value in row))
