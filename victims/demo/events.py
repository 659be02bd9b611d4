"""Offender events in the demo data (issue 13), recorded through the services as a VLO and a
prison system would: an event the unit learned of weeks after it happened, a parole decision with
its reconsideration window, and a release-date change sent by the prison with its new dates."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from victims.cases import services as cases
from victims.cases.models import Case, Sentence
from victims.demo.staff import email_of
from victims.domain.deadlines import OffenderEvent
from victims.domain.vocabulary import CaseStatus, DateSource, Role, Scheme
from victims.extensions import db
from victims.refusals import Refused
from victims.staff.models import User
from victims.work.services import EventDetails

# Chloe has the parole skill: her cases get the parole decision.
VLO = "Chloe"


def add_event_examples(echo) -> None:
    vlo = db.session.scalar(select(User).where(User.email == email_of(Role.VLO, VLO)))
    if vlo is None:
        return
    today = date.today()
    found = db.session.scalars(
        select(Case)
        .join(Sentence, Case.sentence_id == Sentence.id)
        .where(
            Case.allocated_vlo_id == vlo.id,
            Case.status == CaseStatus.OPEN,
            Case.scheme == Scheme.STATUTORY.value,
            Sentence.crd > today + timedelta(days=400),
        )
        .options(joinedload(Case.sentence))
        .order_by(Case.id)
        .limit(3)
    ).all()
    if len(found) < 3:
        echo("Demo events skipped: not enough long statutory cases")
        return
    late, paroled, moved = found
    try:
        # Moved to open conditions five weeks ago; the prison told the unit today. The task counts
        # from today, so the late news still gets its full ten working days.
        cases.record_case_events(
            [
                cases.CaseEvent(
                    late,
                    EventDetails(
                        OffenderEvent.OPEN_CONDITIONS,
                        today - timedelta(weeks=5),
                        today,
                        "The prison's notice arrived five weeks after the move.",
                    ),
                )
            ],
            vlo,
            "manual",
        )
        # An extended sentence: the Parole Board refused release six days ago; the unit heard
        # yesterday. The reconsideration window closes 21 days after the decision itself.
        paroled.sentence.sentence_type = "extended"
        db.session.flush()
        cases.record_case_events(
            [
                cases.CaseEvent(
                    paroled,
                    EventDetails(
                        OffenderEvent.PAROLE_DECISION,
                        today - timedelta(days=6),
                        today - timedelta(days=1),
                        "Release refused; next review in 12 months.",
                    ),
                )
            ],
            vlo,
            "manual",
        )
        # The prison recalculated the release date (SDS40): one event, with the new date.
        cases.record_case_events(
            [
                cases.CaseEvent(
                    moved,
                    EventDetails(
                        OffenderEvent.RELEASE_DATE_CHANGE, today, today, "Recalculated under SDS40."
                    ),
                    {"crd": moved.sentence.crd - timedelta(days=120)},
                    DateSource.PRISON.value,
                )
            ],
            None,
            "NOMIS",
        )
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        echo(f"Demo events skipped: {refused}")
