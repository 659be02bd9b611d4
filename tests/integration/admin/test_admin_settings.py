"""National administrators set deadline rule numbers (versioned, audited) and extra
non-working days; deadlines worked out afterwards use them."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.helpers import date_parts, signed_in
from victims.audit.models import AuditEvent
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines as refresh_case_deadlines
from victims.domain.vocabulary import Role
from victims.work.models import CaseDeadline, NonWorkingDay, RuleSettingRecord


@pytest.fixture()
def national_admin(make):
    return make.user(Role.ADMIN, national=True)


def test_rules_page_lists_every_rule_with_its_number(app, national_admin, frozen_clock):
    page = signed_in(app, national_admin).get("/admin/deadline-rules")
    assert "VLO initial contact" in page
    assert "20 working days after the referral date" in page
    assert "8 weeks before the earliest release date" in page


def test_changing_a_number_adds_a_version_and_is_audited(app, make, database, national_admin, frozen_clock):
    browser = signed_in(app, national_admin)
    browser.post(
        "/admin/deadline-rules/initial_contact", {"number": "40", "reason": "Regional agreement"}, status=302
    )
    records = database.session.scalars(select(RuleSettingRecord)).all()
    assert [(r.code, r.number, r.version, r.changed_by_id) for r in records] == [
        ("initial_contact", 40, 2, national_admin.id)
    ]
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "deadline_rule_changed")
    ).one()
    assert event.reason == "Regional agreement"
    assert event.details == {"code": "initial_contact", "from": 20, "to": 40, "version": 2}
    assert "40 working days after the referral date" in browser.get("/admin/deadline-rules")

    # A case whose deadlines are worked out now uses version 2.
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    case.referral_received_on = date(2025, 12, 18)
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    row = database.session.scalars(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.code == "initial_contact")
    ).one()
    assert (row.rule_version, row.rule_number) == (2, 40)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "reason": "x"}, "Enter a whole number"),
        ({"number": "ten", "reason": "x"}, "Enter a whole number"),
        ({"number": "-1", "reason": "x"}, "Enter a number between 0 and 3,650"),
        ({"number": "5000", "reason": "x"}, "Enter a number between 0 and 3,650"),
        ({"number": "30", "reason": ""}, "Enter the reason for the change"),
    ],
)
def test_bad_numbers_are_refused_with_a_message(app, database, national_admin, frozen_clock, data, message):
    response = signed_in(app, national_admin).post("/admin/deadline-rules/initial_contact", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert database.session.scalars(select(RuleSettingRecord)).all() == []


def test_unknown_rule_is_not_found(app, national_admin, frozen_clock):
    signed_in(app, national_admin).get("/admin/deadline-rules/no_such_rule", status=404)


def test_regional_administrators_and_other_roles_cannot_change_settings(app, make, frozen_clock):
    signed_in(app, make.user(Role.ADMIN)).get("/admin/deadline-rules", status=403)
    signed_in(app, make.user(Role.ADMIN)).get("/admin/non-working-days", status=403)
    signed_in(app, make.user(Role.SPO)).get("/admin/deadline-rules", status=403)
    signed_in(app, make.user(Role.MANAGER, national=True)).get("/admin/non-working-days", status=403)


def test_adding_and_removing_a_non_working_day(app, make, database, national_admin, frozen_clock):
    browser = signed_in(app, national_admin)
    browser.post(
        "/admin/non-working-days",
        {"day": date_parts(date(2027, 1, 4)), "description": "Office move"},
        status=302,
    )
    assert database.session.get(NonWorkingDay, date(2027, 1, 4)).description == "Office move"
    page = browser.get("/admin/non-working-days")
    assert "4 January 2027" in page and "Office move" in page

    # The same day twice is refused with a message, and bad dates too.
    again = browser.post("/admin/non-working-days", {"day": date_parts(date(2027, 1, 4)), "description": "x"})
    assert "That day is already a non-working day" in again.get_data(as_text=True)
    bad = browser.post("/admin/non-working-days", {"day": ["31", "2", "2027"], "description": "x"})
    assert "Date must be a real date" in bad.get_data(as_text=True)

    # Deadlines worked out now skip it: 8 weeks before Monday 1 March 2027 moves to 5 January.
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2027, 3, 1))
    refresh_case_deadlines(case, database.session.get(Sentence, case.sentence_id), "test")
    row = database.session.scalars(
        select(CaseDeadline).where(
            CaseDeadline.case_id == case.id, CaseDeadline.code == "licence_representations"
        )
    ).one()
    assert row.due_on == date(2027, 1, 5)

    browser.post(
        "/admin/non-working-days/2027-01-04/remove", {}, status=302, form_path="/admin/non-working-days"
    )
    database.session.expire_all()
    assert database.session.get(NonWorkingDay, date(2027, 1, 4)) is None
    actions = database.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_type == "non_working_day").order_by(AuditEvent.id)
    ).all()
    assert actions == ["non_working_day_added", "non_working_day_removed"]
