"""The filter panel's counts in one pass over the cases say what the rule says: beside each option,
the cases that match it and every other group's choices (issue 14, item 8), counted here the
slow way, case by case and option by option, as the oracle."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from victims.domain.needs import Need
from victims.workforce import filters
from victims.workforce.filters import ListedCase

VLOS = [(7, "Ann"), (8, "Bob")]
GROUPS = filters.groups(VLOS)

cases = st.builds(
    ListedCase,
    case_id=st.integers(1, 10_000),
    stage=st.sampled_from([value for value, _ in filters.STAGE_OPTIONS]),
    scheme=st.sampled_from([value for value, _ in GROUPS[2].options]),
    needs=st.frozensets(st.sampled_from(list(Need))),
    allocated_vlo_id=st.sampled_from([None, 7, 8, 9]),  # 9: a VLO no longer in the team's options
    overdue=st.booleans(),
    due_this_week=st.booleans(),
    closure_review=st.booleans(),
)
chosen = st.dictionaries(
    st.sampled_from([group.name for group in GROUPS]),
    st.frozensets(st.sampled_from(["overdue", "this_week", "custody", "licence", "none", "7", "welsh"])),
).map(lambda found: filters.parse({name: sorted(values) for name, values in found.items()}, GROUPS))


def _has(item: ListedCase, group: str, value: str) -> bool:
    """Whether the case has an option, as the filters' rule words it."""
    if group == "due":
        return item.overdue if value == "overdue" else item.due_this_week
    if group == "stage":
        return item.stage == value
    if group == "scheme":
        return item.scheme == value
    if group == "need":
        return Need(value) in item.needs
    return item.allocated_vlo_id is None if value == "none" else str(item.allocated_vlo_id) == value


def _matches(item, picked, leave_out=None) -> bool:
    return all(
        any(_has(item, name, value) for value in values)
        for name, values in picked.items()
        if name != leave_out
    )


def _slow_counts(items, picked):
    found = {}
    for group in GROUPS:
        others = [item for item in items if _matches(item, picked, leave_out=group.name)]
        found[group.name] = {
            value: sum(1 for item in others if _has(item, group.name, value)) for value, _ in group.options
        }
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(cases, max_size=30), chosen)
def test_one_pass_counts_as_the_rule_does(items, picked):
    assert filters.counts(items, picked, GROUPS) == _slow_counts(items, picked)
    assert filters.matching_ids(items, picked, GROUPS) == [
        item.case_id for item in items if _matches(item, picked)
    ]


def test_a_case_that_fails_one_group_counts_in_that_group_alone():
    item = ListedCase(case_id=1, stage="custody", scheme="statutory", needs=frozenset(), allocated_vlo_id=7)
    picked = {"stage": frozenset({"licence"})}

    found = filters.counts([item], picked, GROUPS)

    assert found["stage"]["custody"] == 1
    assert found["vlo"]["7"] == 0  # it does not match the stage chosen
