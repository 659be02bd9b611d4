"""The filters of a case list (issue 14, item 8): My caseload, Team cases and, later, the
allocation queue share these pieces.

A case's stage and needs are derived from its facts, so they cannot be filtered in SQL. A list
reads the facts of the VLO's or team's open cases once (a fixed number of statements, see
victims.workforce.queries), filters their ids here, and pages the list by those ids. Within a group
the options chosen are alternatives (any of them); groups narrow each other (all of them). The
count beside an option is how many cases match it together with the other groups' choices.

A user's choices are remembered per list (SavedListFilter) as a query string of the filters only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from victims import clock
from victims.domain.needs import Need
from victims.domain.vocabulary import Scheme
from victims.domain.workload import Stage
from victims.extensions import db
from victims.staff.models import SavedListFilter
from victims.workforce.queries import CaseFacts

# The marker a filter form and its tags send: the choices in the query string are the user's
# (save them, even when none); a link without it (a sort, a page) leaves the saved ones alone.
APPLIED = "filters"
UNALLOCATED = "none"

# The stages as a list filters them: custody near release is still custody.
STAGE_OPTIONS: list[tuple[str, str]] = [
    ("custody", "In custody"),
    ("pre_release", "Pre-release"),
    ("parole", "Parole"),
    ("licence", "On licence"),
    ("closure_due", "Closure due"),
]
STAGE_OF: dict[Stage, str] = {
    Stage.CUSTODY: "custody",
    Stage.CUSTODY_NEAR: "custody",
    Stage.PRE_RELEASE: "pre_release",
    Stage.PAROLE: "parole",
    Stage.LICENCE: "licence",
    Stage.CLOSURE_DUE: "closure_due",
}
DUE_OPTIONS: list[tuple[str, str]] = [("overdue", "Overdue"), ("this_week", "Due this week")]


@dataclass(frozen=True)
class ListedCase:
    """What filtering needs of one open case."""

    case_id: int
    stage: str
    scheme: str
    needs: frozenset[Need]
    allocated_vlo_id: int | None
    overdue: bool = False  # an open deadline due before today
    due_this_week: bool = False  # an open deadline due from today to Sunday
    closure_review: bool = False  # a "review the case for closure" task open


@dataclass(frozen=True)
class Group:
    """One set of checkboxes: its query-string name, legend, options and how a case matches one."""

    name: str
    legend: str
    options: list[tuple[str, str]]
    test: Callable[[ListedCase, str], bool]


def _due(item: ListedCase, value: str) -> bool:
    return item.overdue if value == "overdue" else item.due_this_week


def _vlo(item: ListedCase, value: str) -> bool:
    if value == UNALLOCATED:
        return item.allocated_vlo_id is None
    return str(item.allocated_vlo_id) == value


def groups(vlos: Iterable[tuple[int, str]] | None = None) -> list[Group]:
    """The filter groups of a list; `vlos` (id, name) adds "Allocated to" (Team cases)."""
    found = [
        Group("due", "Deadlines", DUE_OPTIONS, _due),
        Group("stage", "Stage", STAGE_OPTIONS, lambda item, value: item.stage == value),
        Group("scheme", "Scheme", Scheme.choices(), lambda item, value: item.scheme == value),
        Group("need", "Needs", Need.choices(), lambda item, value: Need(value) in item.needs),
    ]
    if vlos is not None:
        options = [(UNALLOCATED, "Unallocated")] + [(str(user_id), name) for user_id, name in vlos]
        found.append(Group("vlo", "Allocated to", options, _vlo))
    return found


Chosen = dict[str, frozenset[str]]


def parse(args: Mapping[str, object], list_groups: list[Group]) -> Chosen:
    """The options chosen in a query string (a MultiDict or a dict of lists); unknown values are
    dropped, so a hand-made URL cannot break the list."""
    chosen: Chosen = {}
    for group in list_groups:
        getlist = getattr(args, "getlist", None)
        raw = getlist(group.name) if getlist else args.get(group.name, [])  # type: ignore[misc]
        values = [raw] if isinstance(raw, str) else list(raw or [])
        allowed = {value for value, _ in group.options}
        picked = frozenset(value for value in values if value in allowed)
        if picked:
            chosen[group.name] = picked
    return chosen


def matches(item: ListedCase, chosen: Chosen, list_groups: list[Group], leave_out: str | None = None) -> bool:
    for group in list_groups:
        if group.name == leave_out or group.name not in chosen:
            continue
        if not any(group.test(item, value) for value in chosen[group.name]):
            return False
    return True


def matching_ids(items: Iterable[ListedCase], chosen: Chosen, list_groups: list[Group]) -> list[int]:
    return [item.case_id for item in items if matches(item, chosen, list_groups)]


def counts(
    items: Iterable[ListedCase], chosen: Chosen, list_groups: list[Group]
) -> dict[str, dict[str, int]]:
    """For every option: the cases that match it and the other groups' choices."""
    items = list(items)
    found: dict[str, dict[str, int]] = {}
    for group in list_groups:
        others = [item for item in items if matches(item, chosen, list_groups, leave_out=group.name)]
        found[group.name] = {
            value: sum(1 for item in others if group.test(item, value)) for value, _ in group.options
        }
    return found


def query_string(chosen: Chosen, list_groups: list[Group]) -> str:
    """The choices as a query string, in the groups' and options' order (stable to compare)."""
    pairs = [
        (group.name, value)
        for group in list_groups
        for value, _ in group.options
        if value in chosen.get(group.name, ())
    ]
    return urlencode(pairs)


def from_query_string(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in parse_qsl(text or ""):
        found.setdefault(name, []).append(value)
    return found


# --- The cases a list filters -------------------------------------------------------------------


def week_ends(today: date) -> date:
    """The Sunday of today's week (Monday to Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def listed_cases(facts: Mapping[int, CaseFacts], today: date) -> list[ListedCase]:
    """The facts read once for the list (with each case's open deadlines summed up: no further
    statement). `today`: the day the facts were read for."""
    sunday = week_ends(today)
    return [
        ListedCase(
            case_id=case_id,
            stage=STAGE_OF[fact.load.stage],
            scheme=fact.scheme,
            needs=fact.needs,
            allocated_vlo_id=fact.allocated_vlo_id,
            overdue=fact.earliest_open_due is not None and fact.earliest_open_due < today,
            due_this_week=fact.next_open_due is not None and fact.next_open_due <= sunday,
            closure_review=fact.stage_facts.closure_review_open,
        )
        for case_id, fact in facts.items()
    ]


# --- What the filter panel shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShownOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class ShownGroup:
    name: str
    legend: str
    options: list[ShownOption]


@dataclass(frozen=True)
class Panel:
    """The filter panel of a list: the groups with counts, and the tags of what is chosen."""

    groups: list[ShownGroup]
    chosen: Chosen
    # (group legend, [(option label, query string without it)]) for each group with choices
    tags: list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.chosen)


def panel(
    items: Iterable[ListedCase],
    chosen: Chosen,
    list_groups: list[Group],
    kept: Mapping[str, str] | None = None,
) -> Panel:
    """`kept`: the list's other arguments (search, sort, status) that a tag's link keeps."""
    items = list(items)
    numbers = counts(items, chosen, list_groups)
    shown = [
        ShownGroup(
            name=group.name,
            legend=group.legend,
            options=[
                ShownOption(value, label, numbers[group.name][value], value in chosen.get(group.name, ()))
                for value, label in group.options
            ],
        )
        for group in list_groups
    ]
    base = [(name, value) for name, value in (kept or {}).items() if value]
    tags = []
    for group in list_groups:
        if group.name not in chosen:
            continue
        items_of_group = []
        for value, label in group.options:
            if value not in chosen[group.name]:
                continue
            without = dict(chosen) | {group.name: chosen[group.name] - {value}}
            params = base + from_pairs(query_string(without, list_groups)) + [(APPLIED, "1")]
            items_of_group.append((label, params))
        tags.append((group.legend, items_of_group))
    return Panel(groups=shown, chosen=chosen, tags=tags)


def from_pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text or "")


# --- Remembered choices ------------------------------------------------------------------------------


def saved(user_id: int, list_name: str) -> str | None:
    return db.session.scalar(
        select(SavedListFilter.query).where(
            SavedListFilter.user_id == user_id, SavedListFilter.list_name == list_name
        )
    )


def remember(user_id: int, list_name: str, text: str) -> None:
    """Keep the user's choices for the list (none chosen: forget them). Flushes."""
    record = db.session.get(SavedListFilter, (user_id, list_name))
    if not text:
        if record is not None:
            db.session.delete(record)
            db.session.flush()
        return
    if record is None:
        try:
            # The same user's two tabs at once: the second insert loses, and the first choice stands.
            with db.session.begin_nested():
                db.session.add(SavedListFilter(user_id=user_id, list_name=list_name, query=text))
                db.session.flush()
        except IntegrityError:
            pass
        return
    if record.query != text:
        record.query = text
        record.saved_at = clock.utcnow()
        db.session.flush()


def forget(user_id: int, list_name: str) -> None:
    db.session.execute(
        delete(SavedListFilter).where(
            SavedListFilter.user_id == user_id, SavedListFilter.list_name == list_name
        )
    )
