"""Deadlines stored for cases: computed at intake, recomputed when release dates move (with
history), met by the first contact, and shown on the case page and the caseload.

Expected dates are worked out by hand from the England and Wales calendar."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from tests.helpers import date_parts, signed_in
from tests.integration.cases.test_cases import _dates_form, _valid_case
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.vocabulary import Role
from victims.people.models import Person
from victims.work.models import CaseDeadline, DeadlineChange, NonWorkingDay, RuleSettingRecord

# Referral received Thursday 18 December 2025: 20 working days later, skipping Christmas Day,
# Boxing Day and New Year's Day 2026, is Tuesday 20 January 2026.
INITIAL_CONTACT_DUE = date(2026, 1, 20)
# CRD Monday 1 March 2027: the pre-release window opens 6 months before (Tuesday 1 September
# 2026); representations are due 8 weeks before (Monday 4 January 2027).
PRE_RELEASE_OPENS = date(2026, 9, 1)
REPRESENTATIONS_DUE = date(2027, 1, 4)


def _open_case(app, vlo, **changes) -> int:
    form = _valid_case(
        sentence_date=date_parts(date(2025, 12, 2)),
        referral_received_on=date_parts(date(2025, 12, 18)),
        crd=date_parts(date(2027, 3, 1)),
        **changes,
    )
    response = signed_in(app, vlo).post("/cases/new", form, status=302)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _deadlines(session, case_id) -> dict[str, CaseDeadline]:
    session.expire_all()
    rows = session.scalars(select(CaseDeadline).where(CaseDeadline.case_id == case_id))
    return {row.code: row for row in rows}


def test_intake_computes_the_statutory_deadlines(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case(app, vlo)
    deadlines = _deadlines(database.session, case_id)
    assert set(deadlines) == {"referral", "initial_contact", "pre_release_window", "licence_representations"}
    assert deadlines["initial_contact"].due_on == INITIAL_CONTACT_DUE
    assert deadlines["pre_release_window"].due_on == PRE_RELEASE_OPENS
    assert deadlines["licence_representations"].due_on == REPRESENTATIONS_DUE
    # The referral arrived, so its deadline (10 working days after sentence) is met on that day.
    assert (deadlines["referral"].status, deadlines["referral"].met_on) == ("met", date(2025, 12, 18))
    assert all(row.rule_version == 1 for row in deadlines.values())


def test_a_vns_case_gets_the_vns_initial_contact_only(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case(app, vlo, scheme="vns")
    deadlines = _deadlines(database.session, case_id)
    # 15 working days after Tuesday 2 December 2025, over Christmas: Tuesday 23 December
    # is 15, as no bank holiday falls before it.
    assert {code: row.due_on for code, row in deadlines.items()} == {
        "vns_initial_contact": date(2025, 12, 23)
    }


def test_moving_the_release_date_recomputes_and_keeps_history(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case(app, vlo)
    browser = signed_in(app, vlo)
    # CRD brought forward to Tuesday 2 February 2027 (a 40% release point, say).
    browser.post(f"/cases/{case_id}/dates", _dates_form(crd=date(2027, 2, 2)), status=302)
    deadlines = _deadlines(database.session, case_id)
    # 6 months before is Sunday 2 August 2026: moved to Monday 3 August 2026.
    assert deadlines["pre_release_window"].due_on == date(2026, 8, 3)
    assert deadlines["pre_release_window"].moved_from == date(2026, 8, 2)
    # 8 weeks before is Tuesday 8 December 2026.
    assert deadlines["licence_representations"].due_on == date(2026, 12, 8)
    assert deadlines["initial_contact"].due_on == INITIAL_CONTACT_DUE  # not derived from CRD
    history = database.session.scalars(
        select(DeadlineChange).where(DeadlineChange.deadline_id == deadlines["pre_release_window"].id)
    ).all()
    assert [(h.old_due_on, h.new_due_on, h.changed_by_id) for h in history] == [
        (PRE_RELEASE_OPENS, date(2026, 8, 3), vlo.id)
    ]
    assert "CRD changed" in history[0].reason

    # Today is 25 November 2026: the window date has passed, so it is overdue at once, and the
    # case page shows both the new date and the old one.
    page = browser.get(f"/cases/{case_id}/deadlines")
    deadlines_table = page.split('data-testid="deadlines"', 1)[1].split("</table>", 1)[0]
    window_row = next(row for row in deadlines_table.split("<tr") if "Pre-release contact window" in row)
    assert "3 August 2026" in window_row and "Overdue" in window_row
    assert "1 September 2026" in window_row  # the earlier date, in the history
    representations_row = next(row for row in deadlines_table.split("<tr") if "representations" in row)
    assert "On track" in representations_row  # 9 working days away


def test_removing_the_only_release_date_cancels_the_derived_deadlines(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case(app, vlo)
    signed_in(app, vlo).post(f"/cases/{case_id}/dates", _dates_form(), status=302)
    deadlines = _deadlines(database.session, case_id)
    assert deadlines["pre_release_window"].status == "cancelled"
    assert deadlines["licence_representations"].status == "cancelled"
    assert deadlines["initial_contact"].status == "open"


def test_a_new_rule_version_applies_when_inputs_change(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, sentence_date=date(2025, 12, 2), crd=date(2027, 3, 1))
    sentence = database.session.get(Sentence, case.sentence_id)
    refresh_case_deadlines(case, sentence, "test")
    database.session.add(RuleSettingRecord(code="licence_representations", number=10, version=2))
    database.session.flush()
    refresh_case_deadlines(case, sentence, "Rule changed")
    row = _deadlines(database.session, case.id)["licence_representations"]
    # 10 weeks before Monday 1 March 2027 is Monday 21 December 2026.
    assert (row.due_on, row.rule_version, row.rule_number) == (date(2026, 12, 21), 2, 10)


def test_an_added_non_working_day_moves_a_deadline(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2027, 3, 1))
    database.session.add(NonWorkingDay(day=date(2027, 1, 4), description="Office closed"))
    database.session.flush()
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    row = _deadlines(database.session, case.id)["licence_representations"]
    assert (row.due_on, row.moved_from) == (date(2027, 1, 5), date(2027, 1, 4))


def test_the_first_outbound_contact_meets_the_initial_contact_deadline(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _open_case(app, vlo)
    person_id = database.session.scalar(select(Person.id).where(Person.case_id == case_id))
    browser = signed_in(app, vlo)
    contact = {
        "person": str(person_id),
        "occurred_on": date_parts(date(2026, 1, 12)),
        "occurred_time": "10:30",
        "method": "telephone",
        "summary": "Explained the scheme.",
    }
    browser.post(f"/cases/{case_id}/contacts/new", {**contact, "direction": "inbound"}, status=302)
    assert _deadlines(database.session, case_id)["initial_contact"].status == "open"
    browser.post(f"/cases/{case_id}/contacts/new", {**contact, "direction": "outbound"}, status=302)
    row = _deadlines(database.session, case_id)["initial_contact"]
    assert (row.status, row.met_on) == ("met", date(2026, 1, 12))


def test_caseload_shows_the_next_open_deadline_with_its_status(app, make, database, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    vlo = make.user(Role.VLO)
    case_id = _open_case(app, vlo)
    # Open deadlines: initial contact 20 January 2026 (overdue) is the earliest.
    page = signed_in(app, vlo).get("/cases/mine")
    row = next(row for row in page.split("<tr") if f"/cases/{case_id}" in row)
    assert "20 January 2026" in row and "Overdue" in row


def test_caseload_queries_do_not_grow_with_deadlines(app, make, database, frozen_clock, count_queries):
    def statements_for(cases: int) -> int:
        vlo = make.user(Role.VLO)
        for _ in range(cases):
            case = make.case(vlo=vlo, crd=date(2027, 3, 1))
            refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
        browser = signed_in(app, vlo)
        browser.get("/cases/mine")  # warm the calendar cache
        with count_queries() as counter:
            page = browser.get("/cases/mine")
        assert page.count("On track") + page.count("Overdue") + page.count("Due soon") >= min(cases, 25)
        return counter.count

    assert statements_for(5) == statements_for(50)
