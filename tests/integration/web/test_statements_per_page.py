"""Statements per page (issue 16): the pages a VLO opens every day read the same number of
statements with 5 cases as with 50, and every page, a form's included, counts the unread
notifications once (the menu's badge), however many widgets the form draws."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import signed_in
from victims.cases import services as cases
from victims.cases.models import Sentence
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.letters import services as letters
from victims.people.models import Person
from victims.reminders import services as reminders

UNREAD_COUNT = re.compile(r"SELECT count\(\*\).*\bFROM reminders\b.*read_at IS NULL", re.S | re.I)


@pytest.fixture()
def today(frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    return frozen_clock


def _statements(app, count_queries, user, path: str) -> tuple[list[str], str]:
    browser = signed_in(app, user)
    browser.get(path)  # warm up: the first request loads templates and caches statements
    with count_queries() as counter:
        page = browser.get(path)
    return counter.statements, page


def _victim(database, case) -> Person:
    people = select(Person).where(Person.case_id == case.id).order_by(Person.id)
    return database.session.scalars(people).first()


def _caseload(make, database, vlo, size: int, made: list) -> None:
    """Cases for the VLO until there are `size`, each with its deadlines and tasks, a reminder for
    its overdue initial contact and a draft letter."""
    while len(made) < size:
        case = make.case(vlo=vlo, victims=1 + len(made) % 2, crd=date(2027, 3, 1))
        cases.refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "Case opened", vlo)
        letters.start_draft(case, _victim(database, case), LetterType.KEY_STAGE, vlo)
        made.append(case)
    for deadline_id in reminders.sweep().deadline_ids:
        reminders.remind(deadline_id)


def test_the_pages_a_vlo_opens_read_as_many_statements_with_5_cases_as_with_50(
    app, make, database, today, count_queries, monkeypatch
):
    monkeypatch.setitem(app.config, "CASELOAD_PAGE_SIZE", 100)  # every row on one page
    vlo = make.user(Role.VLO)
    made: list = []
    counts: dict[int, dict[str, int]] = {}
    for size in (5, 50):
        _caseload(make, database, vlo, size, made)
        first = made[0]
        letter = letters.start_draft(first, _victim(database, first), LetterType.KEY_STAGE, vlo)
        pages = {
            "My caseload": "/cases/mine",
            "My tasks": "/tasks/mine",
            "Notifications": "/notifications",
            "Contact log": f"/cases/{first.id}/contacts",
            "Letters": f"/cases/{first.id}/letters",
            "New letter": f"/cases/{first.id}/letters/new",
            "A letter": f"/letters/{letter.id}",
        }
        counts[size] = {}
        for name, path in pages.items():
            statements, _page = _statements(app, count_queries, vlo, path)
            counts[size][name] = len(statements)
            assert len([s for s in statements if UNREAD_COUNT.search(s)]) == 1, (name, statements)
        assert f"{size} open cases" in _statements(app, count_queries, vlo, "/cases/mine")[1]
    assert counts[5] == counts[50], counts


FORM_PAGES = [
    "/cases/new",
    "/cases/{case}/people/new",
    "/cases/{case}/contacts/new",
    "/cases/{case}/dates",
    "/cases/{case}/events/new",
    "/cases/{case}/letters/new",
    "/cases/{case}/conditions/new",
    "/cases/{case}/prerelease/contact",
    "/cases/{case}/close",
    "/cases/{case}/people/{person}/preferences",
    "/cases/{case}/people/{person}/opt-out",
    "/cases/{case}/people/{person}/reveal",
    "/letters/{letter}",
    "/account/notifications",
    "/account/details",
    "/account/password",
]


@pytest.mark.parametrize("form_page", FORM_PAGES)
def test_a_form_page_counts_the_unread_notifications_once(
    app, make, database, today, count_queries, form_page
):
    vlo = make.user(Role.VLO)
    made: list = []
    _caseload(make, database, vlo, 1, made)
    case = made[0]
    person = _victim(database, case)
    letter = letters.start_draft(case, person, LetterType.KEY_STAGE, vlo)
    path = form_page.format(case=case.id, person=person.id, letter=letter.id)
    statements, page = _statements(app, count_queries, vlo, path)
    assert "<form" in page
    assert len([s for s in statements if UNREAD_COUNT.search(s)]) == 1, statements
    assert 'data-testid="unread-badge"' in page  # and the badge shows what it counted
