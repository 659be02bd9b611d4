"""Issue 12, item 3, for letters: nothing unchecked is printed as if it could be issued. A letter
not yet approved prints only as a preview marked "DRAFT – NOT FOR ISSUE" on every page, and its
opening is audited as a preview; the approved letter (what Notify prints) carries no mark.

The frozen clock stands on Wednesday 25 November 2026."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.helpers import finish
from victims.audit.models import AuditEvent
from victims.domain.letters import LetterType
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.letters import services
from victims.people.models import Person

MARK = "DRAFT – NOT FOR ISSUE"


@pytest.fixture()
def letter(make, database, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    unit = make.team()
    vlo = make.user(Role.VLO, team=unit, name="Vera Liaison")
    vlo.phone = "01632 960 123"
    case = make.case(vlo=vlo, crd=date(2027, 3, 1))
    victim = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    draft = services.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
    # Long enough for a second page, so "every page" means something.
    texts = {section.key: finish(section) for section in draft.sections if not section.locked}
    texts["opening"] += "\n\n" + "He was sentenced for wounding. " * 50
    services.save_draft(draft, texts, large_print=False, channel="post", user=vlo)
    return draft, vlo


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    run = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return [" ".join(page.split()) for page in run.stdout.decode().split("\f") if page.strip()]


def test_a_draft_prints_marked_on_every_page_and_is_audited_as_a_preview(web, letter, tmp_path):
    draft, vlo = letter
    response = web(vlo)._send("get", f"/letters/{draft.id}/letter.pdf")
    assert response.status_code == 200
    pages = _pages(response.get_data(), tmp_path)
    assert len(pages) >= 2
    assert all(MARK in page for page in pages), pages
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["letter_pdf_viewed", "letter_address_viewed"]))
    )
    assert event.details.get("preview") is True


def test_the_approved_letter_carries_no_mark(letter, tmp_path):
    draft, vlo = letter
    assert services.approve(draft, vlo), services.check_letter(draft)
    pages = _pages(services.pdf_bytes(draft), tmp_path)
    assert pages and not any(MARK in page for page in pages)
    hidden = _pages(services.pdf_bytes(draft, address_hidden=True), tmp_path)
    assert not any(MARK in page for page in hidden)
