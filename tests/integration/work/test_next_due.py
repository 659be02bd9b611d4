"""Each case keeps the due date of its earliest open deadline (`cases.next_due_on`, issue 16):
the lists by next deadline read it, so every path that opens, meets, cancels, reopens, closes or
re-dates deadlines must keep it. One test per path, then a random walk over all of them."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from victims.cases import services as cases
from victims.cases.models import Case, Sentence
from victims.demo import bulk
from victims.domain import deadlines as rules
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.vocabulary import ClosureReason, Role
from victims.domain.work import DeadlineStatus
from victims.work import services as work
from victims.work.models import CaseDeadline

TODAY = date(2026, 11, 25)


def _earliest_open(session, case_id: int) -> date | None:
    return session.scalar(
        select(func.min(CaseDeadline.due_on)).where(
            CaseDeadline.case_id == case_id, CaseDeadline.status == DeadlineStatus.OPEN
        )
    )


def _kept(session, case_id: int) -> date | None:
    return session.scalar(select(Case.next_due_on).where(Case.id == case_id))


def _with_sentence(session, case: Case) -> Case:
    """The case as reopening reads it (with its sentence)."""
    statement = select(Case).where(Case.id == case.id).options(joinedload(Case.sentence))
    return session.scalar(statement.execution_options(populate_existing=True))


def _assert_kept(session) -> None:
    """next_due_on == min(open due_on) for every case (None for one with none open)."""
    session.flush()
    wrong = {
        case_id: (kept, _earliest_open(session, case_id))
        for case_id, kept in session.execute(select(Case.id, Case.next_due_on))
        if kept != _earliest_open(session, case_id)
    }
    assert not wrong, wrong


@pytest.fixture()
def team_world(make, database, frozen_clock):
    team = make.team()
    vlo = make.user(Role.VLO, team=team)
    spo = make.user(Role.SPO, team=team)
    database.session.commit()
    return team, vlo, spo


def _opened(make, database, vlo, **dates) -> Case:
    case = make.case(vlo=vlo, victims=1, **dates)
    cases.refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "opened")
    return case


def test_opening_a_case_keeps_its_earliest_open_deadline(make, database, team_world):
    _team, vlo, _spo = team_world
    case = _opened(make, database, vlo, crd=date(2027, 6, 1))
    assert _kept(database.session, case.id) is not None
    assert _kept(database.session, case.id) == _earliest_open(database.session, case.id)
    _assert_kept(database.session)


def test_moving_and_removing_release_dates(make, database, team_world):
    _team, vlo, _spo = team_world
    case = _opened(make, database, vlo, crd=date(2027, 6, 1))
    sentence = database.session.get(Sentence, case.sentence_id)
    before = _kept(database.session, case.id)
    cases.change_sentence_dates(sentence, {"crd": date(2027, 1, 4)}, "manual", vlo, case)
    _assert_kept(database.session)
    cases.change_sentence_dates(sentence, {"crd": None}, "manual", vlo, case)  # cancels its work
    _assert_kept(database.session)
    assert before is not None


def test_meeting_and_reopening_deadlines(make, database, team_world):
    _team, vlo, _spo = team_world
    case = _opened(make, database, vlo, crd=date(2027, 6, 1))
    first = database.session.scalars(
        select(CaseDeadline)
        .where(CaseDeadline.case_id == case.id, CaseDeadline.status == DeadlineStatus.OPEN)
        .order_by(CaseDeadline.due_on)
    ).first()
    assert _kept(database.session, case.id) == first.due_on
    work.meet_deadline(first, TODAY, vlo, Evidence(EvidenceKind.LETTER, 77))
    assert _kept(database.session, case.id) == _earliest_open(database.session, case.id)
    _assert_kept(database.session)
    work.reopen_met_by(case, (EvidenceKind.LETTER,), 77, "The letter came back", None)
    assert _kept(database.session, case.id) == _earliest_open(database.session, case.id)
    _assert_kept(database.session)


def test_offender_events_and_other_work(make, database, team_world):
    _team, vlo, _spo = team_world
    case = _opened(make, database, vlo, crd=date(2030, 6, 1))
    work.record_event(case, rules.OffenderEvent.RECALL, TODAY, None, vlo)
    _assert_kept(database.session)
    work.open_work(case, rules.CLOSURE_DUE, TODAY - timedelta(days=60))  # overdue: now the earliest
    assert _kept(database.session, case.id) == _earliest_open(database.session, case.id) < TODAY
    _assert_kept(database.session)


def test_closing_and_reopening_the_case(make, database, team_world):
    _team, vlo, spo = team_world
    case = _opened(make, database, vlo, crd=date(2027, 6, 1))
    cases.close_case(case, ClosureReason.SENTENCE_ENDED.value, "", vlo)
    assert _kept(database.session, case.id) is None
    _assert_kept(database.session)
    cases.reopen_case(_with_sentence(database.session, case), "Licence extended", spo)
    assert _kept(database.session, case.id) is not None
    _assert_kept(database.session)


def test_a_bulk_of_demo_meetings(make, database, team_world):
    _team, vlo, _spo = team_world
    made = [_opened(make, database, vlo, crd=date(2027, 6, 1) + timedelta(days=30 * n)) for n in range(3)]
    met = bulk.meet_history(
        {
            case.id: [
                bulk.Meeting("initial_contact", TODAY, Evidence(EvidenceKind.MANUAL), vlo.id, "On paper")
            ]
            for case in made
        }
    )
    assert met == 3
    _assert_kept(database.session)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_sequence_of_changes_keeps_it(make, database, team_world, seed):
    """A random walk over every path that changes deadlines, on a few cases; the invariant is
    checked for every case after each step."""
    _team, vlo, spo = team_world
    rnd = random.Random(seed)
    made = [_opened(make, database, vlo, crd=date(2027, 3, 1) + timedelta(days=45 * n)) for n in range(4)]
    letters = iter(range(1000, 2000))
    for _step in range(30):
        case = rnd.choice(made)
        database.session.refresh(case)
        sentence = database.session.get(Sentence, case.sentence_id)
        open_rows = list(
            database.session.scalars(
                select(CaseDeadline).where(
                    CaseDeadline.case_id == case.id, CaseDeadline.status == DeadlineStatus.OPEN
                )
            )
        )
        action = rnd.choice(["dates", "drop_date", "meet", "letter", "reopen", "event", "work", "close"])
        if case.status != "open":
            cases.reopen_case(_with_sentence(database.session, case), "Back again", spo)
        elif action == "dates":
            day = TODAY + timedelta(days=rnd.randint(-100, 900))
            cases.change_sentence_dates(sentence, {"crd": day}, "manual", vlo, case)
        elif action == "drop_date":
            cases.change_sentence_dates(sentence, {"crd": None}, "manual", vlo, case)
        elif action == "meet" and open_rows:
            work.meet_deadline(rnd.choice(open_rows), TODAY, vlo, Evidence(EvidenceKind.MANUAL))
        elif action == "letter":
            work.meet_with(case.id, Evidence(EvidenceKind.LETTER, next(letters)), TODAY, None)
        elif action == "reopen":
            work.reopen_met_by(case, (EvidenceKind.LETTER,), rnd.randint(1000, 1010), "Came back", None)
        elif action == "event":
            kind = rnd.choice([rules.OffenderEvent.RECALL, rules.OffenderEvent.RELEASE])
            work.record_event(case, kind, TODAY - timedelta(days=rnd.randint(0, 30)), None, vlo)
        elif action == "work":
            work.open_work(case, rules.CLOSURE_DUE, TODAY + timedelta(days=rnd.randint(-60, 60)))
        elif action == "close":
            cases.close_case(case, ClosureReason.SENTENCE_ENDED.value, "", vlo)
        _assert_kept(database.session)
