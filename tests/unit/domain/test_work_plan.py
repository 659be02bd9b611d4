"""Work (SPEC §5): which deadlines a case's scheme has, the task each opens, and what changes when
the case's facts change (victims.domain.work.plan_case_deadlines, which the service applies).

Every expected date was worked out by hand from the published bank holidays (England and Wales)
and Python's calendar, not from the code under test.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest

from victims.domain import deadlines as dl
from victims.domain.calendar import WorkingDayCalendar
from victims.domain.deadlines import DeadlineChange, DeadlineInputs, OffenderEvent, RuleSet, Urgency, urgency
from victims.domain.vocabulary import Scheme
from victims.domain.work import (
    CODES_BY_SCHEME,
    INITIAL_CONTACT_CODES,
    TASK_TITLES,
    DeadlineStatus,
    StoredDeadline,
    TaskStatus,
    WorkPlan,
    plan_case_deadlines,
    task_status_when_closed,
    task_title,
)

CAL = WorkingDayCalendar.england(2020, 2030)
RULES = RuleSet.defaults()
D = date
OPEN, MET, CANCELLED = DeadlineStatus.OPEN, DeadlineStatus.MET, DeadlineStatus.CANCELLED


# The 2024 change of release point, on a 4-year standard determinate sentence that started on
# Friday 1 March 2024 (as in test_deadlines.py): the CRD is 1 March 2026 at 50% and Monday
# 6 October 2025 at 40%. The referral arrived on Monday 11 March 2024.
SENTENCE = D(2024, 3, 1)
REFERRED = D(2024, 3, 11)
CRD_AT_50 = D(2026, 3, 1)
CRD_AT_40 = D(2025, 10, 6)
SED = D(2028, 2, 29)
AT_50 = DeadlineInputs(SENTENCE, REFERRED, {"crd": CRD_AT_50, "sed": SED})
AT_40 = DeadlineInputs(SENTENCE, REFERRED, {"crd": CRD_AT_40, "sed": SED})
# A later SED is not a release date: nothing derived from release moves.
AT_50_LATER_SED = DeadlineInputs(SENTENCE, REFERRED, {"crd": CRD_AT_50, "sed": D(2029, 1, 1)})
# An HDCED of Monday 1 December 2025 becomes known: it is now the earliest release date.
AT_HDCED = DeadlineInputs(SENTENCE, REFERRED, {"crd": CRD_AT_50, "hdced": D(2025, 12, 1)})
# No release date known (yet, or any more).
NO_RELEASE = DeadlineInputs(SENTENCE, REFERRED, {"sed": SED})

# The dates, by hand:
# Referral: 10 working days after Friday 1 March 2024 → Friday 15 March.
REFERRAL_DUE = D(2024, 3, 15)
# Initial contact: 20 working days after Monday 11 March 2024, across Easter (Good Friday
# 29 March, Easter Monday 1 April): 12–15, 18–22, 25–28 March (13), 2–5 April (17), 8, 9, 10 April
# → Wednesday 10 April.
CONTACT_DUE = D(2024, 4, 10)
# The same at 30 working days (a number changed by an administrator): 11, 12, 15–19, 22, 23,
# 24 April → Wednesday 24 April.
CONTACT_DUE_AT_30 = D(2024, 4, 24)
# VNS initial contact: 15 working days after Friday 1 March 2024: 4–8, 11–15, 18–22 March
# → Friday 22 March.
VNS_DUE = D(2024, 3, 22)
# At 50%: 6 months before Sunday 1 March 2026 is Monday 1 September 2025; 8 weeks before is Sunday
# 4 January 2026 → Monday 5 January.
WINDOW_AT_50, REPS_AT_50 = D(2025, 9, 1), D(2026, 1, 5)
# At 40%: 6 months before Monday 6 October 2025 is Sunday 6 April 2025 → Monday 7 April; 8 weeks
# before is Monday 11 August 2025.
WINDOW_AT_40, REPS_AT_40 = D(2025, 4, 7), D(2025, 8, 11)
# With the HDCED: 6 months before Monday 1 December 2025 is Sunday 1 June 2025 → Monday 2 June;
# 8 weeks before is Monday 6 October 2025.
WINDOW_AT_HDCED, REPS_AT_HDCED = D(2025, 6, 2), D(2025, 10, 6)


def held(
    row_id: int,
    code: str,
    due: date,
    status: DeadlineStatus = OPEN,
    *,
    version: int = 1,
    event_id: int | None = None,
) -> StoredDeadline:
    return StoredDeadline(row_id, code, due, version, status, event_id)


# A statutory case at 50%, its deadlines opened and first contact made.
HELD_AT_50 = (
    held(1, "referral", REFERRAL_DUE, MET),
    held(2, "initial_contact", CONTACT_DUE, MET),
    held(3, "pre_release_window", WINDOW_AT_50),
    held(4, "licence_representations", REPS_AT_50),
)
# The same case at 40%.
HELD_AT_40 = (
    held(1, "referral", REFERRAL_DUE, MET),
    held(2, "initial_contact", CONTACT_DUE, MET),
    held(3, "pre_release_window", WINDOW_AT_40),
    held(4, "licence_representations", REPS_AT_40),
)
# Deadlines that are not the scheme's: an offender event's (a recall recorded on Wednesday
# 24 December 2025, due in one working day) and other work's (a letter came back).
NOT_THE_SCHEMES = (
    held(20, "event_recall", D(2025, 12, 29), event_id=9),
    held(21, "contact_lost", D(2025, 10, 20)),
)


class Plan(NamedTuple):
    """A WorkPlan reduced to what the table checks: opened (code, due, met_on), moved (stored id,
    code, new due, rule version), cancelled (stored ids) and changes (code, old due, new due)."""

    opened: tuple[tuple[str, date, date | None], ...] = ()
    moved: tuple[tuple[int, str, date, int], ...] = ()
    cancelled: tuple[int, ...] = ()
    changes: tuple[DeadlineChange, ...] = ()


def outline(plan: WorkPlan) -> Plan:
    return Plan(
        opened=tuple((o.deadline.code, o.deadline.due, o.met_on) for o in plan.opened),
        moved=tuple((id_, d.code, d.due, d.rule_version) for id_, d in plan.moved),
        cancelled=plan.cancelled,
        changes=plan.changes,
    )


def change(code: str, old: date | None, new: date | None) -> DeadlineChange:
    return DeadlineChange(code, old, new)


NEW_STATUTORY_CASE = Plan(
    opened=(
        # The referral deadline is met by the referral arriving: it opens met, on that day.
        ("referral", REFERRAL_DUE, REFERRED),
        ("initial_contact", CONTACT_DUE, None),
        ("pre_release_window", WINDOW_AT_50, None),
        ("licence_representations", REPS_AT_50, None),
    ),
    changes=(
        change("referral", None, REFERRAL_DUE),
        change("initial_contact", None, CONTACT_DUE),
        change("pre_release_window", None, WINDOW_AT_50),
        change("licence_representations", None, REPS_AT_50),
    ),
)

PLANS = [
    # -- a new case opens its scheme's deadlines ----------------------------------------------------
    pytest.param(Scheme.STATUTORY, AT_50, (), RULES, NEW_STATUTORY_CASE, id="new statutory case"),
    pytest.param(Scheme.STATUTORY_MDO, AT_50, (), RULES, NEW_STATUTORY_CASE, id="new statutory MDO case"),
    pytest.param(
        Scheme.STATUTORY,
        NO_RELEASE,
        (),
        RULES,
        Plan(
            opened=(("referral", REFERRAL_DUE, REFERRED), ("initial_contact", CONTACT_DUE, None)),
            changes=(change("referral", None, REFERRAL_DUE), change("initial_contact", None, CONTACT_DUE)),
        ),
        id="new statutory case with no release date yet opens what can be counted",
    ),
    pytest.param(
        Scheme.DISCRETIONARY,
        AT_50,
        (),
        RULES,
        Plan(
            opened=(
                ("initial_contact", CONTACT_DUE, None),
                ("pre_release_window", WINDOW_AT_50, None),
                ("licence_representations", REPS_AT_50, None),
            ),
            changes=(
                change("initial_contact", None, CONTACT_DUE),
                change("pre_release_window", None, WINDOW_AT_50),
                change("licence_representations", None, REPS_AT_50),
            ),
        ),
        id="new discretionary case has no referral deadline",
    ),
    pytest.param(
        Scheme.VNS,
        AT_50,
        (),
        RULES,
        Plan(
            opened=(("vns_initial_contact", VNS_DUE, None),),
            changes=(change("vns_initial_contact", None, VNS_DUE),),
        ),
        id="new VNS case opens only the VNS initial contact, release date or not",
    ),
    # -- release dates change -----------------------------------------------------------------------
    pytest.param(
        Scheme.STATUTORY,
        AT_40,
        HELD_AT_50,
        RULES,
        Plan(
            moved=(
                (3, "pre_release_window", WINDOW_AT_40, 1),
                (4, "licence_representations", REPS_AT_40, 1),
            ),
            changes=(
                change("pre_release_window", WINDOW_AT_50, WINDOW_AT_40),
                change("licence_representations", REPS_AT_50, REPS_AT_40),
            ),
        ),
        id="release moved from 50% to 40% moves the open deadlines counted from it",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        HELD_AT_40,
        RULES,
        Plan(
            moved=(
                (3, "pre_release_window", WINDOW_AT_50, 1),
                (4, "licence_representations", REPS_AT_50, 1),
            ),
            changes=(
                change("pre_release_window", WINDOW_AT_40, WINDOW_AT_50),
                change("licence_representations", REPS_AT_40, REPS_AT_50),
            ),
        ),
        id="and back from 40% to 50%",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_HDCED,
        HELD_AT_50,
        RULES,
        Plan(
            moved=(
                (3, "pre_release_window", WINDOW_AT_HDCED, 1),
                (4, "licence_representations", REPS_AT_HDCED, 1),
            ),
            changes=(
                change("pre_release_window", WINDOW_AT_50, WINDOW_AT_HDCED),
                change("licence_representations", REPS_AT_50, REPS_AT_HDCED),
            ),
        ),
        id="an earlier release date becoming known moves them",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_40,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE),
            held(3, "pre_release_window", WINDOW_AT_50, MET),
            held(4, "licence_representations", REPS_AT_50),
        ),
        RULES,
        Plan(
            moved=((4, "licence_representations", REPS_AT_40, 1),),
            changes=(change("licence_representations", REPS_AT_50, REPS_AT_40),),
        ),
        id="a met deadline is never moved",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (held(1, "referral", REFERRAL_DUE, MET), held(2, "initial_contact", CONTACT_DUE)),
        RULES,
        Plan(
            opened=(
                ("pre_release_window", WINDOW_AT_50, None),
                ("licence_representations", REPS_AT_50, None),
            ),
            changes=(
                change("pre_release_window", None, WINDOW_AT_50),
                change("licence_representations", None, REPS_AT_50),
            ),
        ),
        id="a release date becoming known opens the deadlines counted from it",
    ),
    pytest.param(
        Scheme.STATUTORY,
        NO_RELEASE,
        HELD_AT_50 + NOT_THE_SCHEMES,
        RULES,
        Plan(
            cancelled=(3, 4),
            changes=(
                change("pre_release_window", WINDOW_AT_50, None),
                change("licence_representations", REPS_AT_50, None),
            ),
        ),
        id="a release date removed cancels the open deadlines counted from it",
    ),
    pytest.param(
        Scheme.STATUTORY,
        NO_RELEASE,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, MET),
            held(3, "pre_release_window", WINDOW_AT_50, MET),
            held(4, "licence_representations", REPS_AT_50, MET),
        ),
        RULES,
        Plan(),
        id="a release date removed leaves met deadlines alone",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_40,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, MET),
            held(3, "pre_release_window", WINDOW_AT_50, CANCELLED),
            held(4, "licence_representations", REPS_AT_50, CANCELLED),
        ),
        RULES,
        Plan(
            opened=(
                ("pre_release_window", WINDOW_AT_40, None),
                ("licence_representations", REPS_AT_40, None),
            ),
            changes=(
                change("pre_release_window", None, WINDOW_AT_40),
                change("licence_representations", None, REPS_AT_40),
            ),
        ),
        id="a release date known again opens the cancelled deadlines afresh",
    ),
    pytest.param(
        Scheme.STATUTORY,
        NO_RELEASE,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, MET),
            held(3, "pre_release_window", WINDOW_AT_50, CANCELLED),
            held(4, "licence_representations", REPS_AT_50, CANCELLED),
        ),
        RULES,
        Plan(),
        id="a cancelled deadline that still cannot be counted stays cancelled",
    ),
    # -- the scheme changes -------------------------------------------------------------------------
    pytest.param(
        Scheme.VNS,
        AT_50,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE),
            held(3, "pre_release_window", WINDOW_AT_50),
            held(4, "licence_representations", REPS_AT_50),
            *NOT_THE_SCHEMES,
        ),
        RULES,
        Plan(
            opened=(("vns_initial_contact", VNS_DUE, None),),
            # The old scheme's open deadlines, by code; the met referral and the event's and
            # other work's deadlines stay.
            cancelled=(2, 4, 3),
            changes=(
                change("initial_contact", CONTACT_DUE, None),
                change("licence_representations", REPS_AT_50, None),
                change("pre_release_window", WINDOW_AT_50, None),
                change("vns_initial_contact", None, VNS_DUE),
            ),
        ),
        id="statutory to VNS cancels the old scheme's open deadlines and opens the new one's",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (held(1, "vns_initial_contact", VNS_DUE), *NOT_THE_SCHEMES),
        RULES,
        Plan(
            opened=NEW_STATUTORY_CASE.opened,
            cancelled=(1,),
            changes=(change("vns_initial_contact", VNS_DUE, None), *NEW_STATUTORY_CASE.changes),
        ),
        id="VNS to statutory",
    ),
    pytest.param(
        Scheme.DISCRETIONARY,
        AT_50,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE),
            held(3, "pre_release_window", WINDOW_AT_50),
            held(4, "licence_representations", REPS_AT_50),
        ),
        RULES,
        Plan(),
        id="statutory to discretionary keeps the shared deadlines and the met referral",
    ),
    pytest.param(
        Scheme.VNS,
        AT_50,
        (
            held(1, "vns_initial_contact", VNS_DUE, MET),
            # Whatever its code, a deadline an offender event opened is not the scheme's to cancel.
            held(7, "pre_release_window", WINDOW_AT_50, event_id=9),
        ),
        RULES,
        Plan(),
        id="a scheme change never cancels an offender event's deadline",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, CANCELLED),
            held(3, "pre_release_window", WINDOW_AT_50, CANCELLED),
            held(4, "licence_representations", REPS_AT_50, CANCELLED),
            held(5, "vns_initial_contact", VNS_DUE),
            *NOT_THE_SCHEMES,
        ),
        RULES,
        Plan(
            opened=(
                ("initial_contact", CONTACT_DUE, None),
                ("pre_release_window", WINDOW_AT_50, None),
                ("licence_representations", REPS_AT_50, None),
            ),
            cancelled=(5,),
            changes=(
                change("vns_initial_contact", VNS_DUE, None),
                change("initial_contact", None, CONTACT_DUE),
                change("pre_release_window", None, WINDOW_AT_50),
                change("licence_representations", None, REPS_AT_50),
            ),
        ),
        id="back to statutory opens the cancelled deadlines afresh",
    ),
    # -- the rules change ---------------------------------------------------------------------------
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE),
            held(3, "pre_release_window", WINDOW_AT_50),
            held(4, "licence_representations", REPS_AT_50),
        ),
        RULES.with_number("initial_contact", 30),
        Plan(
            moved=((2, "initial_contact", CONTACT_DUE_AT_30, 2),),
            changes=(change("initial_contact", CONTACT_DUE, CONTACT_DUE_AT_30),),
        ),
        id="a changed rule number alone moves the open deadline to the new version",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE),
            held(3, "pre_release_window", WINDOW_AT_50),
            held(4, "licence_representations", REPS_AT_50),
        ),
        RuleSet.from_numbers({"initial_contact": (20, 2)}),
        Plan(
            moved=((2, "initial_contact", CONTACT_DUE, 2),),
            changes=(change("initial_contact", CONTACT_DUE, CONTACT_DUE),),
        ),
        id="a new rule version with the same date still moves it, to record the version",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        HELD_AT_50,
        RULES.with_number("initial_contact", 30).with_number("referral", 5),
        Plan(),
        id="a changed rule leaves met deadlines alone",
    ),
    # -- history: several rows of one rule ----------------------------------------------------------
    pytest.param(
        Scheme.STATUTORY,
        AT_40,
        (
            held(12, "pre_release_window", WINDOW_AT_50),
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, MET),
            held(3, "pre_release_window", WINDOW_AT_HDCED, CANCELLED),
            held(13, "licence_representations", REPS_AT_50),
            held(4, "licence_representations", REPS_AT_HDCED, CANCELLED),
        ),
        RULES,
        Plan(
            moved=(
                (12, "pre_release_window", WINDOW_AT_40, 1),
                (13, "licence_representations", REPS_AT_40, 1),
            ),
            changes=(
                change("pre_release_window", WINDOW_AT_50, WINDOW_AT_40),
                change("licence_representations", REPS_AT_50, REPS_AT_40),
            ),
        ),
        id="the newest row of a rule counts (highest id, whatever the order)",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (
            held(12, "pre_release_window", WINDOW_AT_50),
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, MET),
            held(3, "pre_release_window", WINDOW_AT_HDCED, CANCELLED),
            held(13, "licence_representations", REPS_AT_50),
            held(4, "licence_representations", REPS_AT_HDCED, CANCELLED),
        ),
        RULES,
        Plan(),
        id="an older cancelled row neither reopens nor moves",
    ),
    pytest.param(
        Scheme.STATUTORY,
        AT_50,
        (
            held(1, "referral", REFERRAL_DUE, MET),
            held(2, "initial_contact", CONTACT_DUE, MET),
            held(3, "pre_release_window", WINDOW_AT_50),
            # Cancelled when the release date was removed, opened afresh, cancelled again.
            held(4, "licence_representations", REPS_AT_HDCED, CANCELLED),
            held(9, "licence_representations", REPS_AT_40, CANCELLED),
        ),
        RULES,
        Plan(
            opened=(("licence_representations", REPS_AT_50, None),),
            changes=(change("licence_representations", None, REPS_AT_50),),
        ),
        id="the newest row cancelled: the rule opens afresh",
    ),
    # -- nothing moved ------------------------------------------------------------------------------
    pytest.param(Scheme.STATUTORY, AT_50, HELD_AT_50, RULES, Plan(), id="nothing changed"),
    pytest.param(
        Scheme.STATUTORY,
        AT_50_LATER_SED,
        HELD_AT_50 + NOT_THE_SCHEMES,
        RULES,
        Plan(),
        id="a date that is not a release date changes nothing",
    ),
    pytest.param(
        Scheme.VNS,
        AT_40,
        (held(1, "vns_initial_contact", VNS_DUE), *NOT_THE_SCHEMES),
        RULES,
        Plan(),
        id="a VNS case's release date moving changes nothing",
    ),
]


@pytest.mark.parametrize(("scheme", "inputs", "stored", "rules", "expected"), PLANS)
def test_plan_case_deadlines(
    scheme: Scheme,
    inputs: DeadlineInputs,
    stored: tuple[StoredDeadline, ...],
    rules: RuleSet,
    expected: Plan,
) -> None:
    plan = plan_case_deadlines(scheme, inputs, stored, rules, CAL)
    assert outline(plan) == expected
    if expected == Plan():
        assert plan == WorkPlan()
    # Every date the plan gives is a working day, and the whole computed deadline comes with it.
    for deadline in [o.deadline for o in plan.opened] + [d for _id, d in plan.moved]:
        assert CAL.is_working_day(deadline.due)
        assert deadline == dl.compute(deadline.code, deadline.counted_from, rules, CAL)
    # Only the referral deadline opens met.
    assert all((o.met_on is not None) == (o.deadline.code == "referral") for o in plan.opened)
    # Each stored row is moved or cancelled at most once, and never both.
    touched = [id_ for id_, _d in plan.moved] + list(plan.cancelled)
    assert len(touched) == len(set(touched))


def test_openings_and_moves_carry_the_whole_deadline() -> None:
    [_referral, _contact, window, representations] = plan_case_deadlines(
        Scheme.STATUTORY, AT_40, (), RULES, CAL
    ).opened
    # 6 months before Monday 6 October 2025 reached Sunday 6 April 2025: moved to Monday 7 April.
    assert window.deadline.due == WINDOW_AT_40
    assert window.deadline.moved_from == D(2025, 4, 6)
    assert window.deadline.counted_from == CRD_AT_40
    assert (window.deadline.number, window.deadline.rule_version) == (6, 1)
    assert window.met_on is None
    assert representations.deadline.moved_from is None

    [(window_id, moved_window), (reps_id, moved_reps)] = plan_case_deadlines(
        Scheme.STATUTORY, AT_50, HELD_AT_40, RULES, CAL
    ).moved
    assert (window_id, moved_window.counted_from, moved_window.moved_from) == (3, CRD_AT_50, None)
    # 8 weeks before Sunday 1 March 2026 reached Sunday 4 January: moved to Monday 5 January.
    assert (reps_id, moved_reps.counted_from, moved_reps.moved_from) == (4, CRD_AT_50, D(2026, 1, 4))


def test_changes_read_as_plain_tuples() -> None:
    plan = plan_case_deadlines(Scheme.STATUTORY, AT_40, HELD_AT_50, RULES, CAL)
    code, old, new = plan.changes[0]
    assert (code, old, new) == ("pre_release_window", WINDOW_AT_50, WINDOW_AT_40)


def test_a_release_date_moved_earlier_makes_a_deadline_overdue_at_once() -> None:
    today = D(2025, 9, 15)
    assert urgency(REPS_AT_50, today, CAL) is Urgency.ON_TRACK
    plan = plan_case_deadlines(Scheme.STATUTORY, AT_40, HELD_AT_50, RULES, CAL)
    moved = {deadline.code: deadline for _id, deadline in plan.moved}
    representations = moved["licence_representations"]
    assert representations.due == REPS_AT_40
    assert representations.due < today
    assert urgency(representations.due, today, CAL) is Urgency.OVERDUE
    assert urgency(moved["pre_release_window"].due, today, CAL) is Urgency.OVERDUE


# -- which rules a scheme has, and the tasks they open -------------------------------------------


def test_every_scheme_has_its_rules() -> None:
    assert set(CODES_BY_SCHEME) == set(Scheme)
    case_rules = {rule.code for rule in dl.CASE_RULES}
    for scheme, codes in CODES_BY_SCHEME.items():
        assert set(codes) <= case_rules, scheme
        assert len(set(codes)) == len(codes), scheme
        # One first contact, whatever the scheme.
        assert len(set(codes) & set(INITIAL_CONTACT_CODES)) == 1, scheme
    assert CODES_BY_SCHEME[Scheme.STATUTORY] == (
        "referral",
        "initial_contact",
        "pre_release_window",
        "licence_representations",
    )
    assert CODES_BY_SCHEME[Scheme.STATUTORY_MDO] == CODES_BY_SCHEME[Scheme.STATUTORY]
    assert CODES_BY_SCHEME[Scheme.DISCRETIONARY] == (
        "initial_contact",
        "pre_release_window",
        "licence_representations",
    )
    assert CODES_BY_SCHEME[Scheme.VNS] == ("vns_initial_contact",)
    assert INITIAL_CONTACT_CODES == ("initial_contact", "vns_initial_contact")


def test_every_rule_with_a_task_is_a_known_rule() -> None:
    assert set(TASK_TITLES) <= set(dl.RULES_BY_CODE)
    assert all(title.strip() for title in TASK_TITLES.values())


def test_the_referral_deadline_is_nobodys_task() -> None:
    assert task_title("referral") is None
    # Every other deadline a scheme opens is work for a VLO.
    for codes in CODES_BY_SCHEME.values():
        for code in codes:
            assert (task_title(code) is None) == (code == "referral"), code


def test_every_offender_event_opens_a_task_named_by_its_rule() -> None:
    for event in OffenderEvent:
        code = dl.event_code(event)
        assert task_title(code) == dl.RULES_BY_CODE[code].name, event
    # Other work opens a task too.
    for rule in dl.WORK_RULES:
        assert task_title(rule.code) is not None, rule.code


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("referral", None),
        ("initial_contact", "Make initial contact with the victims"),
        ("initial_contact_from_sentence", "Make initial contact with the victims"),
        ("vns_initial_contact", "Make initial contact with the victims (Victim Notification Scheme)"),
        ("pre_release_window", "Start pre-release contact"),
        ("licence_representations", "Send licence-condition representations"),
        ("licence_outcome", "Tell the victim the outcome of their licence-condition requests"),
        ("contact_lost", "Find a new way to reach the victim: a letter or email came back"),
        ("zone_map", "Make the exclusion-zone map (needs the mapping skill)"),
        ("event_recall", "Tell the victim the offender has been recalled to prison"),
        ("event_death_in_custody", "Tell the victim the offender has died in custody"),
        ("no_such_rule", None),
    ],
)
def test_task_title(code: str, title: str | None) -> None:
    assert task_title(code) == title


@pytest.mark.parametrize(
    ("deadline", "task"),
    [
        (DeadlineStatus.MET, TaskStatus.DONE),
        (DeadlineStatus.CANCELLED, TaskStatus.CANCELLED),
        (DeadlineStatus.CASE_CLOSED, TaskStatus.CASE_CLOSED),
    ],
)
def test_a_task_closes_with_its_deadline(deadline: DeadlineStatus, task: TaskStatus) -> None:
    assert task_status_when_closed(deadline) is task


def test_an_open_deadline_does_not_close_its_task() -> None:
    with pytest.raises(ValueError, match="open deadline"):
        task_status_when_closed(DeadlineStatus.OPEN)


def test_the_words_for_statuses() -> None:
    assert dict(DeadlineStatus.choices()) == {
        "open": "Open",
        "met": "Met",
        "cancelled": "Cancelled",
        "closed": "Case closed",
    }
    assert dict(TaskStatus.choices()) == {
        "open": "Open",
        "done": "Done",
        "cancelled": "No longer needed",
        "closed": "Case closed",
    }
    # The status columns hold 10 characters.
    assert all(len(status.value) <= 10 for status in (*DeadlineStatus, *TaskStatus))


def test_a_reopened_case_gets_its_scheme_deadlines_back_but_not_those_met() -> None:
    """Deadlines closed with the case are treated like cancelled ones: when the case reopens
    (the planner runs again), the scheme's deadlines open again; those met stay met, and an
    offender event's deadline closed with the case stays closed."""
    closed = DeadlineStatus.CASE_CLOSED
    stored = (
        held(1, "referral", REFERRAL_DUE, MET),
        held(2, "initial_contact", CONTACT_DUE, MET),
        held(3, "pre_release_window", WINDOW_AT_50, closed),
        held(4, "licence_representations", REPS_AT_50, closed),
        held(5, "event_recall", D(2025, 1, 6), closed, event_id=9),
    )
    plan = plan_case_deadlines(Scheme.STATUTORY, AT_50, stored, RULES, CAL)
    assert outline(plan) == Plan(
        opened=(("pre_release_window", WINDOW_AT_50, None), ("licence_representations", REPS_AT_50, None)),
        changes=(
            change("pre_release_window", None, WINDOW_AT_50),
            change("licence_representations", None, REPS_AT_50),
        ),
    )
