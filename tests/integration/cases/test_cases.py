"""Cases: intake with GOV.UK validation, sentence dates with history, concurrent edits,
allocation with a reason, and the contact log."""

from __future__ import annotations

import re
from datetime import date

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from tests.helpers import date_parts, send, signed_in
from victims.audit.models import AuditEvent
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence, SentenceDateChange
from victims.domain.vocabulary import Role
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Team
from victims.work.models import OffenderEventRecord, Task

TODAY = date(2026, 11, 25)  # the frozen clock's day


def _error_messages(html: str) -> list[str]:
    """The messages in the error summary at the top of the page."""
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    if not summary:
        return []
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


def _field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<p id="{field_id}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    if not match:
        return None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


# The scheme is worked out from the offence and sentence: inputs that give each computable one.
SCHEME_INPUTS = {
    "statutory": {},
    "statutory_mdo": {"sentence_type": "hospital_restricted", "length_months": None},
    "vns": {"offence": "Harassment", "offence_category": "stalking_harassment", "length_months": "6"},
}


def _valid_case(scheme: str = "statutory", **changes) -> dict:
    """A complete intake form; `scheme` picks an offence and sentence that compute to it."""
    changes = {**SCHEME_INPUTS[scheme], **changes}
    form = {
        "crn": "X123456",
        "prison_number": "A1234BC",
        "offender_first_name": "Simon",
        "offender_last_name": "Intakeson",
        "offender_date_of_birth": ["1", "2", "1980"],
        "current_location": "HMP Example",
        "offence": "Wounding with intent",
        "offence_category": "violent",
        "sentence_type": "determinate",
        "length_months": "48",
        "sentence_date": ["1", "3", "2024"],
        "court": "Example Crown Court",
        "crd": ["1", "2", "2026"],
        "referral_received_on": ["10", "3", "2024"],
        "relationship": "victim",
        "first_name": "Vera",
        "last_name": "Intake",
        "date_of_birth": ["15", "6", "1985"],
        "address_line_1": "1 Intake Road",
        "address_town": "Testbury",
        "address_postcode": "te11st",
        "telephone": "01632 960 001",
        "email": "vera@example.test",
        "contact_level": "key_stages",
        "channel": "post",
        "language": "en",
    }
    for name, value in changes.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    return form


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# -- intake ------------------------------------------------------------------------------


def test_a_vlo_opens_a_case_and_it_is_allocated_to_them(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    browser = signed_in(app, vlo)
    response = browser.post("/cases/new", _valid_case(), status=302)
    case_id = int(re.search(r"/cases/(\d+)$", response.headers["Location"]).group(1))
    case = database.session.get(Case, case_id)
    assert (case.team_id, case.region_id, case.allocated_vlo_id) == (vlo.team_id, vlo.region_id, vlo.id)
    assert case.referral_received_on == date(2024, 3, 10)
    # Violent, 48 months: the statutory scheme, worked out rather than chosen.
    assert (case.scheme, case.computed_scheme, case.scheme_override_reason) == (
        "statutory",
        "statutory",
        None,
    )
    assert "12 months or more" in case.eligibility_reason
    offender = database.session.get(Offender, case.offender_id)
    assert (offender.crn, offender.prison_number, offender.last_name) == ("X123456", "A1234BC", "Intakeson")
    sentence = database.session.get(Sentence, case.sentence_id)
    assert (sentence.sentence_date, sentence.crd, sentence.length_months) == (
        date(2024, 3, 1),
        date(2026, 2, 1),
        48,
    )
    person = database.session.scalars(select(Person).where(Person.case_id == case_id)).one()
    assert (person.last_name, person.address_postcode, person.email) == (
        "Intake",
        "TE1 1ST",
        "vera@example.test",
    )
    history = database.session.scalars(
        select(ContactLevelChange).where(ContactLevelChange.person_id == person.id)
    )
    assert [(change.old_level, change.new_level) for change in history] == [(None, "key_stages")]
    actions = set(database.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case_id)))
    assert {"case_opened", "person_added"} <= actions

    page = browser.get(f"/cases/{case_id}")
    assert "Case opened" in page
    assert "Simon Intakeson" in page and "Vera Intake" in page
    assert "1 Intake Road" not in page  # hidden until revealed


def test_an_spo_opens_a_case_unallocated(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    response = signed_in(app, spo).post("/cases/new", _valid_case(), status=302)
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert database.session.get(Case, case_id).allocated_vlo_id is None


REQUIRED = [
    ("crn", "crn", "Enter the offender’s CRN"),
    ("offender_first_name", "offender_first_name", "Enter the offender’s first name"),
    ("offender_last_name", "offender_last_name", "Enter the offender’s last name"),
    ("offence", "offence", "Enter the offence"),
    ("offence_category", "offence_category", "Choose the offence category"),
    ("sentence_type", "sentence_type", "Choose the sentence type"),
    ("length_months", "length_months", "Enter the sentence length in months"),
    ("sentence_date", "sentence_date", "Enter the sentence date"),
    ("referral_received_on", "referral_received_on", "Enter the date the referral was received"),
    ("relationship", "relationship", "Choose the person’s relationship to the case"),
    ("first_name", "first_name", "Enter the first name"),
    ("last_name", "last_name", "Enter the last name"),
    ("contact_level", "contact_level", "Choose how often they want to hear from us"),
    ("channel", "channel", "Choose post, email or telephone"),
    ("language", "language", "Choose English or Welsh"),
    ("address_line_1", "address_line_1", "Enter address line 1, typically the building and street"),
    ("address_town", "address_town", "Enter the town or city"),
    ("address_postcode", "address_postcode", "Enter the postcode"),
]


@pytest.mark.parametrize(("field", "field_id", "message"), REQUIRED, ids=[r[0] for r in REQUIRED])
@pytest.mark.parametrize("how", ["empty", "missing"])
def test_each_required_field(app, make, database, frozen_clock, field, field_id, message, how):
    vlo = make.user(Role.VLO)
    empty = ["", "", ""] if field in {"sentence_date", "referral_received_on"} else ""
    form = _valid_case(**{field: empty}) if how == "empty" else _valid_case(**{field: None})
    response = signed_in(app, vlo).post("/cases/new", form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert _error_messages(html) == [message]
    assert _field_error(html, field_id) == message
    assert _count(database.session, Case) == 0


INVALID = [
    ({"crn": "123"}, "crn", "Enter a CRN in the correct format, like X123456"),
    (
        {"prison_number": "12345"},
        "prison_number",
        "Enter a prison number in the correct format, like A1234BC",
    ),
    (
        {"offender_date_of_birth": ["31", "2", "1980"]},
        "offender_date_of_birth",
        "Offender’s date of birth must be a real date",
    ),
    (
        {"offender_date_of_birth": ["1", "1", "2030"]},
        "offender_date_of_birth",
        "Offender’s date of birth must be today or in the past",
    ),
    ({"length_months": "0"}, "length_months", "Enter a length between 1 and 1,200 months"),
    (
        {"length_months": "lots"},
        "length_months",
        "Enter the sentence length as a whole number of months, like 18",
    ),
    (
        {"sentence_type": "life"},
        "length_months",
        "Leave the length empty for an indeterminate sentence or hospital order",
    ),
    ({"sentence_date": ["1", "13", "2024"]}, "sentence_date", "Sentence date must be a real date"),
    ({"sentence_date": ["1", "", "2024"]}, "sentence_date", "Sentence date must include a month"),
    ({"sentence_date": ["", "", "2024"]}, "sentence_date", "Sentence date must include a day and month"),
    ({"sentence_date": ["1", "1", "2027"]}, "sentence_date", "Sentence date must be today or in the past"),
    (
        {"referral_received_on": ["1", "1", "2024"]},
        "referral_received_on",
        "The referral date must be the same as or after the sentence date",
    ),
    ({"crd": ["30", "2", "2026"]}, "crd", "Conditional release date (CRD) must be a real date"),
    ({"offence_category": "jaywalking"}, "offence_category", "Not a valid choice."),
    (
        {"relationship": "parent_guardian"},
        "relationship",
        "Record the child victim first, then add their parent or guardian from the case page",
    ),
    ({"address_postcode": "NOT A POSTCODE"}, "address_postcode", "Enter a real postcode, like AA1 1AA"),
    ({"telephone": "call me"}, "telephone", "Enter a telephone number, like 01632 960 001 or 07700 900 982"),
    (
        {"email": "not-an-email"},
        "email",
        "Enter an email address in the correct format, like name@example.com",
    ),
    ({"channel": "email", "email": ""}, "email", "Enter an email address, or choose post"),
    ({"first_name": "x" * 101}, "first_name", "Field cannot be longer than 100 characters."),
]


@pytest.mark.parametrize(
    ("changes", "field_id", "message"), INVALID, ids=[f"{r[1]}-{i}" for i, r in enumerate(INVALID)]
)
def test_each_invalid_value(app, make, database, frozen_clock, changes, field_id, message):
    response = signed_in(app, make.user(Role.VLO)).post("/cases/new", _valid_case(**changes))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _field_error(html, field_id) == message, _error_messages(html)
    assert message in _error_messages(html)
    assert _count(database.session, Case) == 0


def test_email_only_needs_no_address(app, make, database, frozen_clock):
    form = _valid_case(channel="email", address_line_1=None, address_town=None, address_postcode=None)
    signed_in(app, make.user(Role.VLO)).post("/cases/new", form, status=302)
    assert _count(database.session, Case) == 1


def test_a_crn_recorded_for_another_offender_is_refused(app, make, database, frozen_clock):
    """A CRN typed wrongly must not attach a victim to another offender (surname and birth date)."""
    vlo = make.user(Role.VLO)
    closed = make.case(vlo=vlo, crn="X123456", offender_last_name="Somebody-Else", status="closed")
    for changes in ({}, {"offender_last_name": "Intakeson", "offender_date_of_birth": ["2", "2", "1980"]}):
        if changes:  # the same surname, another birth date
            offender = database.session.get(Offender, closed.offender_id)
            offender.last_name, offender.date_of_birth = "Intakeson", date(1980, 2, 1)
        response = signed_in(app, vlo).post("/cases/new", _valid_case(**changes))
        assert response.status_code == 200
        assert _field_error(response.get_data(as_text=True), "crn") == (
            "This CRN is recorded for another offender: check the CRN, the surname and the date of birth"
        )
    assert _count(database.session, Case) == 1


def test_indeterminate_sentence_without_length(app, make, database, frozen_clock):
    signed_in(app, make.user(Role.VLO)).post(
        "/cases/new", _valid_case(sentence_type="life", length_months=""), status=302
    )
    assert database.session.scalars(select(Sentence)).one().length_months is None


@pytest.mark.parametrize(
    "dates",
    [["1"], ["1", "3"], []],
    ids=["one part", "two parts", "no parts"],
)
def test_crafted_date_parts_give_errors_not_500(app, make, database, frozen_clock, dates):
    browser = signed_in(app, make.user(Role.VLO))
    form = _valid_case(sentence_date=None, offender_date_of_birth=None, crd=None)
    token_page = browser.get("/cases/new")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', token_page).group(1)
    from werkzeug.datastructures import MultiDict

    data = MultiDict(
        [(k, v) for k, values in form.items() for v in (values if isinstance(values, list) else [values])]
    )
    data.add("csrf_token", token)
    for part in dates:
        data.add("sentence_date", part)
        data.add("offender_date_of_birth", part)
        data.add("crd", part)
    response = send(browser, "post", "/cases/new", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _field_error(html, "sentence_date")  # an error is shown
    assert "Sorry, there is a problem" not in html
    assert _count(database.session, Case) == 0


def test_extra_date_parts_do_not_cause_a_500(app, make, database, frozen_clock):
    browser = signed_in(app, make.user(Role.VLO))
    response = browser.post("/cases/new", _valid_case(sentence_date=["1", "3", "2024", "9", "x"]))
    assert response.status_code in {200, 302}
    assert "Sorry, there is a problem" not in response.get_data(as_text=True)


def test_a_second_open_case_for_the_same_offender_in_the_region_is_refused(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crn="X123456", offender_last_name="Intakeson")
    database.session.get(Offender, case.offender_id).date_of_birth = date(1980, 2, 1)
    response = signed_in(app, vlo).post("/cases/new", _valid_case())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        _field_error(html, "crn") == "This offender already has an open case in your region – find it by CRN"
    )
    assert _count(database.session, Case) == 1


def test_a_manager_cannot_open_a_case(app, make, database):
    manager = make.user(Role.MANAGER)
    assert send(signed_in(app, manager), "get", "/cases/new").status_code == 403


# -- sentence dates ----------------------------------------------------------------------


def _dates_form(**dates) -> dict:
    form = {"source": "prison", "version": "1"}
    for name in ("crd", "ard", "ped", "hdced", "led", "sed", "tused", "prrd"):
        value = dates.get(name)
        form[name] = date_parts(value) if value else ["", "", ""]
    return form


def test_changing_sentence_dates_keeps_old_new_and_source(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2026, 2, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1))
    browser = signed_in(app, vlo)
    page = browser.get(f"/cases/{case.id}/dates")
    assert 'name="version" type="hidden" value="1"' in page
    response = browser.post(
        f"/cases/{case.id}/dates",
        _dates_form(crd=date(2025, 11, 3), led=date(2028, 3, 1), sed=date(2028, 3, 1), ped=date(2025, 6, 1)),
        status=302,
    )
    assert response.headers["Location"].endswith(f"/cases/{case.id}/deadlines#sentence")
    changes = database.session.scalars(
        select(SentenceDateChange)
        .where(SentenceDateChange.sentence_id == case.sentence_id)
        .order_by(SentenceDateChange.field)
    ).all()
    assert [(c.field, c.old_value, c.new_value, c.source, c.changed_by_id) for c in changes] == [
        ("crd", date(2026, 2, 1), date(2025, 11, 3), "prison", vlo.id),
        ("ped", None, date(2025, 6, 1), "prison", vlo.id),
    ]
    sentence = database.session.get(Sentence, case.sentence_id)
    database.session.refresh(sentence)
    assert (sentence.crd, sentence.ped, sentence.version) == (date(2025, 11, 3), date(2025, 6, 1), 2)
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "sentence_dates_changed", AuditEvent.case_id == case.id)
    ).one()
    # A release date moved: one release-date change event, the dates tied to it, and its task.
    [recorded] = database.session.scalars(
        select(OffenderEventRecord).where(OffenderEventRecord.case_id == case.id)
    ).all()
    assert (recorded.kind, recorded.occurred_on, recorded.learned_on) == (
        "release_date_change",
        TODAY,
        TODAY,
    )
    assert {c.event_id for c in changes} == {recorded.id}
    assert event.details == {"fields": ["crd", "ped"], "source": "prison", "event_id": recorded.id}
    task = database.session.scalars(select(Task).where(Task.event_id == recorded.id)).one()
    assert (task.status, task.assigned_to_id) == ("open", vlo.id)

    page = browser.get(f"/cases/{case.id}/deadlines")
    assert "2 dates changed" in page
    assert "History of date changes (2)" in page
    assert "1 February 2026" in page and "3 November 2025" in page  # the old and the new CRD


def test_an_expiry_date_changed_on_the_page_is_not_a_release_date_change(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2026, 2, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1))
    signed_in(app, vlo).post(
        f"/cases/{case.id}/dates",
        _dates_form(crd=date(2026, 2, 1), led=date(2028, 9, 1), sed=date(2028, 9, 1)),
        status=302,
    )
    changes = database.session.scalars(
        select(SentenceDateChange).where(SentenceDateChange.sentence_id == case.sentence_id)
    ).all()
    assert sorted(c.field for c in changes) == ["led", "sed"]
    assert {c.event_id for c in changes} == {None}
    assert database.session.scalar(select(func.count(OffenderEventRecord.id))) == 0


def test_saving_the_same_dates_changes_nothing(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2026, 2, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1))
    browser = signed_in(app, vlo)
    browser.post(
        f"/cases/{case.id}/dates",
        _dates_form(crd=date(2026, 2, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1)),
        status=302,
    )
    assert _count(database.session, SentenceDateChange) == 0
    assert "No dates changed" in browser.get(f"/cases/{case.id}/deadlines")


def test_a_stale_save_of_dates_shows_what_changed_and_saves_nothing(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, crd=date(2026, 2, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1))
    mine, theirs = signed_in(app, vlo), signed_in(app, vlo)
    mine.get(f"/cases/{case.id}/dates")  # both open the form at version 1
    theirs.get(f"/cases/{case.id}/dates")
    theirs.post(
        f"/cases/{case.id}/dates",
        _dates_form(crd=date(2025, 12, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1)),
        status=302,
    )
    response = mine.post(
        f"/cases/{case.id}/dates",
        _dates_form(crd=date(2025, 10, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1)),
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this while you were editing" in html
    table = re.search(r'<table class="govuk-table app-conflict-table">.*?</table>', html, re.S).group(0)
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", table, re.S)
    ]
    assert cells[3:] == ["Conditional release date (CRD)", "1 December 2025", "1 October 2025"]
    # Nothing of mine was saved...
    sentence = database.session.get(Sentence, case.sentence_id)
    database.session.refresh(sentence)
    assert sentence.crd == date(2025, 12, 1)
    assert _count(database.session, SentenceDateChange) == 1
    # ...nothing I typed was lost, and saving again (now knowingly) goes through.
    kept = re.findall(r'id="crd-(?:day|month|year)" name="crd" type="text" value="(\d+)"', html)
    assert kept == ["1", "10", "2025"]
    assert 'name="version" type="hidden" value="2"' in html
    form = _dates_form(crd=date(2025, 10, 1), led=date(2028, 3, 1), sed=date(2028, 3, 1))
    form["version"] = "2"
    mine.post(f"/cases/{case.id}/dates", form, status=302)
    database.session.refresh(sentence)
    assert sentence.crd == date(2025, 10, 1)


def test_a_closed_case_cannot_have_its_dates_changed_from_the_page(app, make, database):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo, status="closed")
    browser = signed_in(app, vlo)
    for section in ("", "/deadlines"):  # the sentence card is on the summary and with the deadlines
        page = browser.get(f"/cases/{case.id}{section}")
        assert "Sentence date" in page and "Change dates" not in page


# -- allocation --------------------------------------------------------------------------


def test_allocation_with_a_reason_is_audited(app, make, database):
    spo = make.user(Role.SPO)
    team = spo.team_id
    team_record = database.session.get(Team, team)
    first, second = (
        make.user(Role.VLO, team_record, name="Ann First"),
        make.user(Role.VLO, team_record, name="Ben Second"),
    )
    case = make.case(team=team_record)
    browser = signed_in(app, spo)

    page = browser.get(f"/cases/{case.id}/allocate")
    assert "Ann First" in page and "Ben Second" in page
    response = browser.post(
        f"/cases/{case.id}/allocate", {"vlo": str(first.id), "reason": "Has the parole skill", "version": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/cases/team"
    database.session.refresh(case)
    assert case.allocated_vlo_id == first.id
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "case_allocated", AuditEvent.case_id == case.id)
    ).one()
    assert (event.user_id, event.reason, event.details) == (
        spo.id,
        "Has the parole skill",
        {"from_user_id": None, "to_user_id": first.id},
    )
    assert "Case allocated to Ann First" in browser.get("/cases/team")

    browser.post(
        f"/cases/{case.id}/allocate",
        {"vlo": str(second.id), "reason": "Ann is on leave", "version": str(case.version)},
        status=302,
    )
    event = database.session.scalars(select(AuditEvent).where(AuditEvent.action == "case_reallocated")).one()
    assert (event.reason, event.details) == (
        "Ann is on leave",
        {"from_user_id": first.id, "to_user_id": second.id},
    )


def test_allocation_needs_a_reason_and_a_vlo_of_the_team(app, make, database):
    spo = make.user(Role.SPO)
    team = database.session.get(Team, spo.team_id)
    vlo = make.user(Role.VLO, team)
    outsider = make.user(Role.VLO)  # another team
    case = make.case(team=team)
    browser = signed_in(app, spo)
    response = browser.post(f"/cases/{case.id}/allocate", {"vlo": str(vlo.id), "reason": "", "version": "1"})
    assert _field_error(response.get_data(as_text=True), "reason") == "Enter the reason for this allocation"
    response = browser.post(
        f"/cases/{case.id}/allocate", {"vlo": str(outsider.id), "reason": "Why not", "version": "1"}
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    database.session.refresh(case)
    assert case.allocated_vlo_id is None
    allocations = select(AuditEvent).where(AuditEvent.action.in_(["case_allocated", "case_reallocated"]))
    assert database.session.scalars(allocations).all() == []


def test_stale_allocation_shows_who_has_it_now(app, make, database):
    spo = make.user(Role.SPO)
    team = database.session.get(Team, spo.team_id)
    ann, ben = make.user(Role.VLO, team, name="Ann Now"), make.user(Role.VLO, team, name="Ben Mine")
    case = make.case(team=team)
    mine, theirs = signed_in(app, spo), signed_in(app, spo)
    theirs.post(
        f"/cases/{case.id}/allocate", {"vlo": str(ann.id), "reason": "First", "version": "1"}, status=302
    )
    response = mine.post(
        f"/cases/{case.id}/allocate", {"vlo": str(ben.id), "reason": "Second", "version": "1"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Ann Now" in html and "Ben Mine" in html
    database.session.refresh(case)
    assert case.allocated_vlo_id == ann.id


# -- the contact log ---------------------------------------------------------------------


def test_contacts_appear_in_the_timeline_newest_first(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    person = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    browser = signed_in(app, vlo)
    page = browser.get(f"/cases/{case.id}/contacts/new")
    assert person.full_name in page
    for day, summary, who in ((20, "Sent the initial letter", ""), (24, "Victim rang back", str(person.id))):
        response = browser.post(
            f"/cases/{case.id}/contacts/new",
            {
                "person": who,
                "occurred_on": date_parts(date(2026, 11, day)),
                "occurred_time": "14:30",
                "method": "telephone" if who else "letter",
                "direction": "inbound" if who else "outbound",
                "summary": summary,
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/cases/{case.id}/contacts")
    page = browser.get(f"/cases/{case.id}/contacts")
    timeline = re.search(r'<div class="moj-timeline">.*', page, re.S).group(0)
    assert timeline.index("Victim rang back") < timeline.index("Sent the initial letter")
    assert f"Telephone from the victim – {person.full_name}" in timeline
    assert "24 November 2026 at 2:30pm" in timeline
    assert f"by {vlo.name}" in timeline
    entries = database.session.scalars(
        select(ContactLogEntry).where(ContactLogEntry.case_id == case.id)
    ).all()
    assert len(entries) == 2
    events = database.session.scalars(select(AuditEvent).where(AuditEvent.action == "contact_added")).all()
    assert len(events) == 2
    assert all("summary" not in (event.details or {}) for event in events)


CONTACT_ERRORS = [
    ({"summary": ""}, "summary", "Enter a summary of the contact"),
    ({"method": None}, "method", "Choose how the contact was made"),
    ({"direction": None}, "direction", "Choose who made the contact"),
    ({"occurred_on": ["", "", ""]}, "occurred_on", "Enter the date of the contact"),
    ({"occurred_on": ["32", "1", "2026"]}, "occurred_on", "Date of contact must be a real date"),
    (
        {"occurred_on": date_parts(date(2026, 11, 26))},
        "occurred_on",
        "The date of the contact must be today or in the past",
    ),
    ({"occurred_time": "25:99"}, "occurred_time", "Enter a real time, like 14:30"),
    ({"summary": "x" * 5001}, "summary", "Summary must be 5,000 characters or fewer"),
]


@pytest.mark.parametrize(("changes", "field_id", "message"), CONTACT_ERRORS, ids=[str(i) for i in range(8)])
def test_contact_validation(app, make, database, frozen_clock, changes, field_id, message):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    form = {
        "occurred_on": date_parts(TODAY),
        "method": "telephone",
        "direction": "outbound",
        "summary": "Explained the scheme",
    }
    for name, value in changes.items():
        if value is None:
            form.pop(name)
        else:
            form[name] = value
    response = signed_in(app, vlo).post(f"/cases/{case.id}/contacts/new", form)
    assert response.status_code == 200
    assert _field_error(response.get_data(as_text=True), field_id) == str(escape(message)).replace(
        "&#39;", "'"
    )
    assert _count(database.session, ContactLogEntry) == 0


def test_a_contact_cannot_name_a_person_from_another_case(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    stranger = make.case(vlo=vlo)
    stranger_person = database.session.scalars(select(Person).where(Person.case_id == stranger.id)).one()
    response = signed_in(app, vlo).post(
        f"/cases/{case.id}/contacts/new",
        {
            "person": str(stranger_person.id),
            "occurred_on": date_parts(TODAY),
            "method": "telephone",
            "direction": "outbound",
            "summary": "Wrong person",
        },
    )
    assert response.status_code == 200
    assert _count(database.session, ContactLogEntry) == 0
