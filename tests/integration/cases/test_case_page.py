"""The case page shows the case, its people, deadlines, tasks, events, letters and pre-release
work: a fixed number of statements however much of each the case has."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.helpers import signed_in
from victims.cases import queries as case_queries
from victims.cases import services as cases
from victims.cases.models import Sentence
from victims.domain.letters import LetterType
from victims.domain.prerelease import ConditionType
from victims.domain.vocabulary import Role
from victims.letters import services as letters
from victims.prerelease import services as prerelease
from victims.work import services as work

# Measured: the user's session (read, then touched); the case with its offender, sentence, team,
# region and VLOs, then its people, contact log, date history and contact-level history; the
# audit event for the view; deadlines and their history; tasks; events; letters; the pre-release
# dates, contacts, zones, last contacts and requests; the unread count; the extra non-working
# days; the case's transfer waiting (or last declined) and its closures and reopenings. Any of
# these repeated per row would make the large case read more than the small one.
MOST_STATEMENTS = 21


def _statements(app, make, database, count_queries, size: int) -> int:
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, victims=size, crd=date(2027, 3, 1))
    cases.refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "Case opened", vlo)
    case = case_queries.case_for_change(case.id, vlo)  # with its people, as the pages load it
    people = list(case.people)
    for number in range(size):
        person = people[number % len(people)]
        cases.add_contact(
            case,
            occurred_at=datetime(2026, 11, 20, 10, number, tzinfo=UTC),
            method="telephone",
            direction="inbound",
            summary="Called about the scheme.",
            person_id=person.id,
            user=vlo,
        )
        work.record_event(case, "parole_review_listed", date(2026, 11, 20), None, vlo)
        letters.start_draft(case, person, LetterType.KEY_STAGE, vlo)
        prerelease.add_request(case, person, ConditionType.NO_CONTACT_VICTIM, "No contact, please.", vlo)
    browser = signed_in(app, vlo)
    browser.get(f"/cases/{case.id}")
    with count_queries() as counter:
        page = browser.get(f"/cases/{case.id}")
    assert page.count("No contact, please.") == 0  # the victim's words stay on the request's own page
    return counter.count


def test_the_case_page_reads_a_fixed_number_of_statements(app, make, database, frozen_clock, count_queries):
    small = _statements(app, make, database, count_queries, 1)
    large = _statements(app, make, database, count_queries, 8)
    assert small == large
    assert large <= MOST_STATEMENTS, large
