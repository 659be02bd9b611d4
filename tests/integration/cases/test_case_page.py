"""The case page, in sections (summary, people, dates and deadlines, contact log, letters,
pre-release, history): each shows the case header and its own part, in a fixed number of
statements however much of each the case has, and only to those who may see the case."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from tests.helpers import date_parts, signed_in
from victims.cases import queries as case_queries
from victims.cases import services as cases
from victims.cases.models import Sentence
from victims.domain.letters import LetterType
from victims.domain.needs import Need
from victims.domain.prerelease import ConditionType
from victims.domain.vocabulary import Role
from victims.letters import services as letters
from victims.prerelease import services as prerelease
from victims.staff.models import Team
from victims.work import services as work
from victims.workforce import needs as case_needs

# Measured, for each section: the user's session, the case with its header (offender, team, VLO)
# and what the section shows of it, the audit event for the view, then the section's own reads.
# Any of these repeated per row would make the large case read more than the small one.
MOST_STATEMENTS = {
    # summary: + its sentence, region and people, and in the same statement whether it has a
    # transfer waiting (or last declined), closures and reopenings, needs added by hand, a review
    # listed or a zone map waiting; the next deadlines with how many are open; the non-working
    # days (for the deadline tags); the unread count. The transfer, the closures and the needs
    # added by hand are read only when the case has them (SUMMARY_WITH_EVERYTHING).
    "": 6,
    "/people": 6,  # + people, their contact-level history and whom they act for
    "/deadlines": 10,  # + sentence and its date history; deadlines and their history; tasks; events
    "/contacts": 6,  # + people (for the filter); the contact log with who and whom
    "/letters": 5,  # + letters with their recipients
    "/pre-release": 10,  # + people; the pre-release dates, contacts, zones, last contacts, requests
    "/history": 6,  # + a count and a page of the audit trail
}
SECTIONS = tuple(MOST_STATEMENTS)
# The summary of a case with a transfer declined, a closure and reopening and a need added by
# hand: one more statement for each.
SUMMARY_WITH_EVERYTHING = MOST_STATEMENTS[""] + 3
# Issue 16's ceiling for any section of the case page.
CASE_PAGE_CEILING = 12


def _busy_case(make, database, size: int):
    """A case with `size` of everything each section lists."""
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
    return case, vlo


def _statements(app, browser, case, section: str, count_queries) -> tuple[int, str]:
    browser.get(f"/cases/{case.id}{section}")
    with count_queries() as counter:
        page = browser.get(f"/cases/{case.id}{section}")
    assert page.count("No contact, please.") == 0  # the victim's words stay on the request's own page
    return counter.count, page


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_reads_a_fixed_number_of_statements(
    app, make, database, frozen_clock, count_queries, section
):
    small_case, vlo = _busy_case(make, database, 1)
    large_case, other = _busy_case(make, database, 8)
    small, _ = _statements(app, signed_in(app, vlo), small_case, section, count_queries)
    large, page = _statements(app, signed_in(app, other), large_case, section, count_queries)
    assert small == large
    assert large <= MOST_STATEMENTS[section] <= CASE_PAGE_CEILING, large
    # The header and the sections on every page, the current one marked.
    assert large_case.offender.crn in page
    assert page.count('class="moj-sub-navigation__link"') == len(SECTIONS)
    assert re.search(rf'aria-current="page" href="/cases/{large_case.id}{section}"', page)


def test_the_summary_reads_a_transfer_closures_and_needs_only_when_the_case_has_them(
    app, make, database, frozen_clock, count_queries
):
    case, vlo = _busy_case(make, database, 2)
    spo = make.user(Role.SPO, team=database.session.get(Team, vlo.team_id))
    other_spo = make.user(Role.SPO)
    browser = signed_in(app, spo)
    read, plain = _statements(app, browser, case, "", count_queries)
    assert read == MOST_STATEMENTS[""]
    assert 'data-testid="status-history"' not in plain and 'data-testid="transfer-declined"' not in plain
    record = case_queries.case_for_change(case.id, spo)
    cases.close_case(record, "other", "Moved away", spo)
    cases.reopen_case(record, "Came back to the area", spo)
    transfer = cases.request_transfer(record, database.session.get(Team, other_spo.team_id), "Moving", spo)
    cases.decline_transfer(transfer, record, "No room this month", other_spo)
    case_needs.add_need(record, Need.INTERPRETER, "Asked for one", spo)
    browser.get(f"/cases/{case.id}")
    with count_queries() as counter:
        page = browser.get(f"/cases/{case.id}")
    assert counter.count == SUMMARY_WITH_EVERYTHING, counter.statements
    assert 'data-testid="status-history"' in page and "Moved away" in page  # closed and reopened
    assert "No room this month" in page  # the declined transfer, for the sending team's SPO
    assert f"Added by hand by {spo.name}" in page and "Asked for one" in page


@pytest.mark.parametrize("section", SECTIONS)
def test_another_regions_or_teams_case_is_not_found_in_any_section(app, make, database, section):
    case = make.case()
    elsewhere = make.region("london")
    for outsider in (make.user(Role.VLO), make.user(Role.SPO), make.user(Role.MANAGER, region=elsewhere)):
        signed_in(app, outsider).get(f"/cases/{case.id}{section}", status=404)
    signed_in(app, make.user(Role.ADMIN)).get(f"/cases/{case.id}{section}", status=403)


def test_the_summary_puts_what_needs_doing_next_first_overdue_first(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2027, 3, 1))
    cases.refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "Case opened", vlo)
    page = signed_in(app, vlo).get(f"/cases/{case.id}")
    table = page.split('data-testid="next"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tbody", 1)[1].split("<tr")[1:]
    dues = [re.search(r"(\d+ \w+ \d{4})", row).group(1) for row in rows]
    assert dues == sorted(dues, key=lambda text: datetime.strptime(text, "%d %B %Y"))
    # The initial contact (due from the referral, already overdue on the frozen day) comes first,
    # and every row links to its deadline on the dates and deadlines section.
    assert "Overdue" in rows[0]
    assert all(f'href="/cases/{case.id}/deadlines#deadline-' in row for row in rows)
    assert "Key facts" in page and "Wounding with intent" in page


def test_the_old_pre_release_address_and_the_history_section(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    browser = signed_in(app, vlo)
    response = browser._send("get", f"/cases/{case.id}/prerelease")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/cases/{case.id}/pre-release")
    browser.post(
        f"/cases/{case.id}/contacts/new",
        {
            "person": "",
            "occurred_on": date_parts(date(2026, 11, 20)),
            "method": "letter",
            "direction": "outbound",
            "summary": "Sent the initial letter.",
        },
        status=302,
    )
    page = browser.get(f"/cases/{case.id}/history")
    history = page.split('data-testid="history"', 1)[1].split("</table>", 1)[0]
    assert vlo.name in history and "Added contact to log" in history
    assert "Sent the initial letter." not in history  # what was said stays in the contact log
    assert "viewed" not in history.lower()  # opening the case is for the oversight trail


def test_no_section_reads_or_decrypts_a_victims_contact_details_before_a_reveal(
    app, make, database, frozen_clock, count_queries, monkeypatch
):
    """Where a victim lives and how to reach them are read from the database, and decrypted, only
    when someone reveals them: not on any section of the case page, nor on the caseload."""
    from victims import crypto

    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, victims=0, crd=date(2027, 3, 1))
    details = {
        "address_line_1": "9 Hidden Mews",
        "address_line_2": "Back Lane",
        "address_town": "Secretbury",
        "address_postcode": "HM9 9HM",
        "telephone": "01632 960 999",
        "email": "rita@example.test",
        "safe_contact_times": "Weekday mornings only",
    }
    victim = make.person(case, first_name="Rita", last_name="Reveal", **details)
    make.contact(case, vlo, person_id=victim.id)
    cases.refresh_deadlines(case, database.session.get(Sentence, case.sentence_id), "Case opened", vlo)
    letters.start_draft(case, victim, LetterType.KEY_STAGE, vlo)
    browser = signed_in(app, vlo)

    decrypted: list[str] = []
    decrypt = crypto.decrypt

    def recording(token: str) -> str:
        decrypted.append(value := decrypt(token))
        return value

    monkeypatch.setattr(crypto, "decrypt", recording)
    with count_queries() as counter:
        for section in (*SECTIONS, "/people"):
            page = browser.get(f"/cases/{case.id}{section}")
            assert "9 Hidden Mews" not in page
        browser.get("/cases/mine")
    assert "Rita" in page  # the person is listed, by name
    assert not set(details.values()) & set(decrypted)
    assert not [statement for statement in counter.statements if "address_line_1" in statement]

    # The reveal reads them (one statement for the person's hidden fields) and shows them.
    page = browser.post(
        f"/cases/{case.id}/people/{victim.id}/reveal", {"reason": "Checking the address for a letter"}
    ).get_data(as_text=True)
    assert "9 Hidden Mews" in page and "rita@example.test" in page
    assert {"9 Hidden Mews", "rita@example.test", "Weekday mornings only"} <= set(decrypted)
