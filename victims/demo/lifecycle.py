"""Cases' lives in the demo data, made through the services as a VLO and an SPO would: a few
closed cases with different reasons, the case whose licence expired in August 2026 proposed for
closure (with every other case whose sentence has ended, as the daily sweep would), and one
transfer waiting for the other team to accept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from victims import clock
from victims.cases import services as cases
from victims.cases.models import Case, Sentence
from victims.demo.staff import TEAMS
from victims.domain.lifecycle import sentence_ends
from victims.domain.vocabulary import CaseStatus, ClosureReason, DateSource, Role
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import Team, User

AUGUST_2026 = (date(2026, 8, 1), date(2026, 8, 31))
# (reason, details) for the cases closed in the demo, besides those whose sentence ended.
OTHER_CLOSURES = [
    (ClosureReason.OFFENDER_DIED, ""),
    (ClosureReason.NOT_ELIGIBLE, ""),
    (ClosureReason.OTHER, "Duplicate referral: the victims are on the case opened a week earlier"),
]


def _allocated_open_cases(team: Team) -> list[tuple[Case, Sentence]]:
    return list(
        db.session.execute(
            select(Case, Sentence)
            .join(Sentence, Case.sentence_id == Sentence.id)
            .where(
                Case.team_id == team.id, Case.status == CaseStatus.OPEN, Case.allocated_vlo_id.is_not(None)
            )
            .order_by(Case.id)
        ).tuples()
    )


def add_lifecycle_examples(echo) -> None:
    today = clock.today()
    bedford, norwich = (db.session.scalar(select(Team).where(Team.name == name)) for name in TEAMS)
    spo = db.session.scalar(select(User).where(User.team_id == bedford.id, User.role == Role.SPO.value))
    try:
        # Newest first: the first VLO's first cases carry the letter and pre-release examples.
        held = _allocated_open_cases(bedford)[::-1]
        # The licence that expired in August 2026: the case the sweep proposes for closure.
        august = next(
            (
                case
                for case, sentence in held
                if sentence.led and AUGUST_2026[0] <= sentence.led <= AUGUST_2026[1]
            ),
            None,
        )
        if august is None:  # make one, as a probation record's update would
            august, sentence = held[0]
            cases.change_sentence_dates(
                sentence,
                {"led": date(2026, 8, 14), "sed": date(2026, 8, 14)},
                DateSource.PROBATION,
                None,
                august,
            )
        # Closed: three whose sentence has ended, then one for each other reason.
        ended = [
            case
            for case, sentence in held
            if case.id != august.id and (end := sentence_ends(sentence.dates())) and end < today
        ][:3]
        others = [case for case, _sentence in held if case.id != august.id and case not in ended]
        for case in ended:
            cases.close_case(
                case, ClosureReason.SENTENCE_ENDED, "", db.session.get(User, case.allocated_vlo_id)
            )
        for case, (reason, details) in zip(others[:3], OTHER_CLOSURES, strict=False):
            cases.close_case(case, reason, details, spo)
        # One transfer waiting for Norwich to accept.
        moving = others[3]
        cases.request_transfer(
            moving, norwich, "The offender's probation supervision has moved to Norfolk", spo
        )
        db.session.commit()
        # What the daily sweep does: a review for every open case due one.
        after = 0
        while (batch := cases.propose_closures(after, 500))[0] is not None:
            after = batch[0]
            db.session.commit()
    except (Refused, IndexError) as problem:
        db.session.rollback()
        echo(f"Demo closures and transfers skipped: {problem}")
