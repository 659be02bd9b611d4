"""The audit screens: a manager's trail (filters, pages, export) and an SPO's address reveals."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from tests.helpers import PROJECT
from victims.audit import services as audit
from victims.audit.labels import ACTIONS, action_label
from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.people import services as people
from victims.staff.models import Team, User

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_time(frozen_clock):
    """Every test here runs at NOW. (On the real clock, signing in can fail when a 30-second
    code step ends between conftest's next_unused_code and the server's check.)"""
    frozen_clock.set(NOW)
    return frozen_clock


@pytest.fixture()
def record(frozen_clock):
    """record(action, user, case=None, at=None, **kwargs): an audit event written as the code does."""

    def write(action, user, case=None, at=None, record_type=None, record_id=None, **kwargs):
        frozen_clock.set(at or NOW - timedelta(hours=1))
        if case is not None:
            kwargs.setdefault("case_id", case.id)
            kwargs.setdefault("region_id", case.region_id)
        event = audit.record(
            action,
            record_type or ("case" if case is not None else "user"),
            record_id if record_id is not None else (case.id if case is not None else user.id),
            user=user,
            **kwargs,
        )
        frozen_clock.set(NOW)
        return event

    return write


@pytest.fixture()
def statements(count_queries):
    """with statements() as seen: ...; len(seen) is the SQL statements run meanwhile."""
    return count_queries


def table_rows(page: str) -> list[str]:
    """The body rows of the page's table, as HTML."""
    if "<tbody" not in page:
        return []
    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S)


def export(browser, query: str = ""):
    return browser._send("get", f"/audit/export.csv{query}")


def csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- Manager: the trail ---------------------------------------------------------------


def test_manager_sees_own_regions_events_only(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    london_vlo = make.user(Role.VLO, region=make.region("london"))
    own = make.case(vlo=vlo)
    other = make.case(vlo=london_vlo)
    record("case_viewed", vlo, own, reason="reason-in-east")
    record("case_viewed", london_vlo, other, reason="reason-in-london")

    page = web(manager).get("/audit/")

    assert "Audit trail" in page
    assert "reason-in-east" in page
    assert f'href="/cases/{own.id}"' in page
    assert vlo.name in page
    assert "Viewed case" in page
    assert "reason-in-london" not in page
    assert f'href="/cases/{other.id}"' not in page
    assert london_vlo.name not in page


def test_national_manager_sees_every_region(web, make, record):
    manager = make.user(Role.MANAGER, national=True)
    london_vlo = make.user(Role.VLO, region=make.region("london"))
    record("case_viewed", london_vlo, make.case(vlo=london_vlo), reason="reason-in-london")

    page = web(manager).get("/audit/")

    assert "reason-in-london" in page
    assert f"{london_vlo.name} (London)" in page  # the user filter names each user's region


def test_trail_shows_records_and_flags_but_no_victim_details(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    person = make.person(case, last_name="Nightingale", address_line_1="7 Secret Lane")
    record(
        "contact_details_revealed",
        vlo,
        case,
        record_type="person",
        record_id=person.id,
        reason="Sending a letter",
        flagged=True,
    )

    page = web(manager).get("/audit/")

    row = next(row for row in table_rows(page) if "Sending a letter" in row)
    assert "Revealed address and contact details" in row
    assert f"Person {person.id}" in row
    assert f'href="/cases/{case.id}"' in row
    assert "Flagged" in row
    assert "Nightingale" not in page
    assert "Secret Lane" not in page


def test_unflagged_events_have_no_flag(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    record("case_viewed", vlo, make.case(vlo=vlo), reason="just-looking")

    page = web(manager).get("/audit/?action=case_viewed")

    [row] = table_rows(page)
    assert "Flagged" not in row


def test_newest_first(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    record("case_viewed", vlo, case, at=NOW - timedelta(days=3), reason="oldest")
    record("case_viewed", vlo, case, at=NOW - timedelta(days=1), reason="newest")
    record("case_viewed", vlo, case, at=NOW - timedelta(days=2), reason="middle")

    page = web(manager).get("/audit/?action=case_viewed")

    reasons = [re.search(r"(oldest|middle|newest)", row).group(1) for row in table_rows(page)]
    assert reasons == ["newest", "middle", "oldest"]


def test_filter_by_user(web, make, record):
    manager = make.user(Role.MANAGER)
    first, second = make.user(Role.VLO), make.user(Role.VLO)
    case = make.case(vlo=first)
    record("case_viewed", first, case, reason="by-first")
    record("case_viewed", second, case, reason="by-second")

    page = web(manager).get(f"/audit/?user={second.id}")

    assert "by-second" in page
    assert "by-first" not in page
    assert f'<option value="{second.id}" selected' in page


def test_filter_by_action(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    record("case_viewed", vlo, case, reason="a-view")
    record("case_allocated", vlo, case, reason="an-allocation")

    page = web(manager).get("/audit/?action=case_allocated")

    assert "an-allocation" in page
    assert "a-view" not in page


def test_filter_by_case(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    wanted, unwanted = make.case(vlo=vlo), make.case(vlo=vlo)
    record("case_viewed", vlo, wanted, reason="on-wanted")
    record("case_viewed", vlo, unwanted, reason="on-unwanted")

    page = web(manager).get(f"/audit/?case=+{wanted.id}+")

    assert "on-wanted" in page
    assert "on-unwanted" not in page


def test_filter_by_dates_in_uk_time(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    # British Summer Time: 23:30 UTC on 30 June is 00:30 on 1 July in England.
    record("case_viewed", vlo, case, at=datetime(2026, 6, 30, 22, 30, tzinfo=UTC), reason="late-30-june")
    record("case_viewed", vlo, case, at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC), reason="early-1-july")
    record("case_viewed", vlo, case, at=datetime(2026, 7, 2, 22, 59, tzinfo=UTC), reason="late-2-july")
    record("case_viewed", vlo, case, at=datetime(2026, 7, 2, 23, 0, tzinfo=UTC), reason="early-3-july")
    browser = web(manager)

    page = browser.get("/audit/?date_from=1&date_from=7&date_from=2026&date_to=2&date_to=7&date_to=2026")
    assert "early-1-july" in page
    assert "late-2-july" in page
    assert "late-30-june" not in page
    assert "early-3-july" not in page

    page = browser.get("/audit/?date_from=3&date_from=7&date_from=2026")
    assert "early-3-july" in page
    assert "late-2-july" not in page

    page = browser.get("/audit/?date_to=30&date_to=6&date_to=2026")
    assert "late-30-june" in page
    assert "early-1-july" not in page


def test_filters_combine(web, make, record):
    manager = make.user(Role.MANAGER)
    first, second = make.user(Role.VLO), make.user(Role.VLO)
    case = make.case(vlo=first)
    record("case_viewed", first, case, reason="first-views")
    record("case_allocated", first, case, reason="first-allocates")
    record("case_allocated", second, case, reason="second-allocates")

    page = web(manager).get(f"/audit/?user={first.id}&action=case_allocated&case={case.id}")

    assert [re.search(r"(first|second)-\w+", row).group(0) for row in table_rows(page)] == ["first-allocates"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from=31&date_from=2&date_from=2026", "Date from must be a real date"),
        ("date_from=1&date_from=&date_from=2026", "Date from must include a month"),
        ("date_from=&date_from=2&date_from=2026", "Date from must include a day"),
        ("date_to=1&date_to=13&date_to=2026", "Date to must be a real date"),
        ("date_to=x&date_to=y&date_to=z", "Date to must be a real date"),
        ("date_from=99&date_from=99&date_from=99999", "Date from must be a real date"),
        ("date_from=1&date_from=1&date_from=9999", None),
        ("date_to=31&date_to=12&date_to=9999", None),
        (
            "date_from=2&date_from=3&date_from=2026&date_to=1&date_to=3&date_to=2026",
            "Date to must be the same as or after date from",
        ),
        ("date_from=1", "Date from must include a month and year"),
        ("case=abc", "Case number must be a number, like 1234"),
        ("case=-1", "Case number must be a number, like 1234"),
        ("case=99999999999999999999", "Case number must be a number, like 1234"),
        ("case=2147483648", "Case number must be a number, like 1234"),  # PostgreSQL: out of range
        ("case=2147483647", None),
        ("case=%C2%B2", "Case number must be a number, like 1234"),
        ("user=nobody", "Choose a user from the list"),
        ("action=drop_table", "Choose an action from the list"),
        ("page=abc", None),
        ("page=99999999999999999999", None),
        ("page=%C2%B2", None),
        ("page=-3", None),
    ],
)
def test_bad_filters_give_govuk_errors_not_500(web, make, query, message):
    manager = make.user(Role.MANAGER)

    page = web(manager).get(f"/audit/?{query}")

    if message is None:
        assert "There is a problem" not in page
    else:
        assert "<title>Error: Audit trail" in page
        assert "govuk-error-summary" in page
        assert "There is a problem" in page
        assert message in page
        assert "govuk-error-message" in page
        assert "Correct the filters to see the audit trail" in page


def test_user_filter_refuses_someone_from_another_region(web, make, record):
    manager = make.user(Role.MANAGER)
    london_vlo = make.user(Role.VLO, region=make.region("london"))
    record("case_viewed", london_vlo, make.case(vlo=london_vlo), reason="reason-in-london")

    page = web(manager).get(f"/audit/?user={london_vlo.id}")

    assert "Choose a user from the list" in page
    assert "reason-in-london" not in page
    assert london_vlo.name not in page


def test_bad_dates_keep_what_was_typed(web, make):
    manager = make.user(Role.MANAGER)

    page = web(manager).get("/audit/?date_from=31&date_from=2&date_from=2026")

    assert 'id="date_from-day" name="date_from" type="text" value="31"' in page
    assert 'id="date_from-month" name="date_from" type="text" value="2"' in page
    assert 'id="date_from-year" name="date_from" type="text" value="2026"' in page


def test_pagination_keeps_the_filters(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    for number in range(60):
        record(
            "person_added",
            vlo,
            at=NOW - timedelta(minutes=100 - number),
            record_type="person",
            record_id=5000 + number,
        )
    browser = web(manager)

    first = browser.get("/audit/?action=person_added")
    rows = table_rows(first)
    assert len(rows) == 50
    assert "Person 5059" in rows[0]  # the newest
    assert "Person 5010" in rows[-1]
    assert "Showing 1 to 50 of 60 events" in first
    assert "govuk-pagination" in first
    assert 'href="/audit/?action=person_added&amp;page=2"' in first

    second = browser.get("/audit/?action=person_added&page=2")
    rows = table_rows(second)
    assert len(rows) == 10
    assert "Person 5009" in rows[0]
    assert "Person 5000" in rows[-1]
    assert "Showing 51 to 60 of 60 events" in second

    beyond = browser.get("/audit/?action=person_added&page=9")  # past the end: the last page
    assert len(table_rows(beyond)) == 10


def test_pagination_carries_date_filters(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    for number in range(51):
        record(
            "person_added", vlo, at=NOW - timedelta(minutes=number), record_type="person", record_id=number
        )

    page = web(manager).get("/audit/?date_from=25&date_from=11&date_from=2026")

    assert "date_from=25&amp;date_from=11&amp;date_from=2026&amp;page=2" in page


def test_page_query_count_does_not_grow_with_events(web, make, record, statements):
    manager = make.user(Role.MANAGER)
    case = make.case()
    for _ in range(2):
        record("case_viewed", make.user(Role.VLO), case)
    browser = web(manager)
    with statements() as few:
        browser.get("/audit/")
    for _ in range(40):
        record("case_viewed", make.user(Role.VLO), case, flagged=True)
    with statements() as many:
        page = browser.get("/audit/")

    assert len(table_rows(page)) > 40
    assert len(many) == len(few)


def test_reveals_query_count_does_not_grow_with_events(web, make, record, statements):
    spo = make.user(Role.SPO)
    team = make.session.get(Team, spo.team_id)
    case = make.case(team=team)
    for _ in range(2):
        record("contact_details_revealed", make.user(Role.VLO, team=team), case, flagged=True)
    browser = web(spo)
    with statements() as few:
        browser.get("/audit/reveals")
    for _ in range(30):
        record("contact_details_revealed", make.user(Role.VLO, team=team), case, flagged=True)
    with statements() as many:
        page = browser.get("/audit/reveals")

    assert len(table_rows(page)) == 32
    assert len(many) == len(few)


# --- Manager: the export --------------------------------------------------------------


def test_export_is_the_filtered_trail_as_csv(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    london_vlo = make.user(Role.VLO, region=make.region("london"))
    case = make.case(vlo=vlo)
    record("case_viewed", vlo, case, at=NOW - timedelta(hours=2), reason="older")
    record(
        "case_allocated", vlo, case, at=NOW - timedelta(hours=1), reason="newer", details={"to_user_id": 7}
    )
    record("case_viewed", london_vlo, make.case(vlo=london_vlo), reason="reason-in-london")
    record("signed_in", vlo)
    browser = web(manager)

    response = export(browser, f"?case={case.id}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = csv_rows(response)
    assert rows[0] == [
        "When (UK time)",
        "User ID",
        "User",
        "Action",
        "Action code",
        "Record type",
        "Record ID",
        "Case ID",
        "Reason",
        "Flagged",
        "Details",
    ]
    assert [row[8] for row in rows[1:]] == ["newer", "older"]
    newer = rows[1]
    assert newer[0] == "2026-11-25T09:00:00+00:00"
    assert newer[1:8] == [
        str(vlo.id),
        vlo.name,
        "Allocated case",
        "case_allocated",
        "case",
        str(case.id),
        str(case.id),
    ]
    assert newer[9:] == ["No", '{"to_user_id": 7}']


def test_export_is_scoped_to_the_region(web, make, record):
    manager = make.user(Role.MANAGER)
    london_vlo = make.user(Role.VLO, region=make.region("london"))
    record("case_viewed", london_vlo, make.case(vlo=london_vlo), reason="reason-in-london")

    response = export(web(manager))

    assert "reason-in-london" not in response.get_data(as_text=True)
    assert len(csv_rows(response)) >= 2  # the header, and at least the manager's own sign-in


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_export_guards_against_formula_injection(web, make, record, dangerous):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO, name=f"{dangerous} Person")
    record("case_viewed", vlo, make.case(vlo=vlo), reason=dangerous)

    rows = csv_rows(export(web(manager), "?action=case_viewed"))

    [row] = rows[1:]
    assert row[8] == "'" + dangerous
    assert row[2] == "'" + dangerous + " Person"


def test_export_leaves_ordinary_text_alone(web, make, record):
    manager = make.user(Role.MANAGER)
    vlo = make.user(Role.VLO)
    record("case_viewed", vlo, make.case(vlo=vlo), reason="Checking dates - as asked = fine")

    [row] = csv_rows(export(web(manager), "?action=case_viewed"))[1:]

    assert row[8] == "Checking dates - as asked = fine"


def test_export_is_itself_audited(web, make, database):
    manager = make.user(Role.MANAGER)
    browser = web(manager)

    response = export(browser, "?action=case_viewed&date_from=1&date_from=11&date_from=2026")
    response.get_data()

    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "audit_exported", AuditEvent.user_id == manager.id)
    ).one()
    assert event.region_id == manager.region_id
    assert event.details["filters"] == {"action": "case_viewed", "date_from": "2026-11-01"}
    page = browser.get("/audit/?action=audit_exported")
    assert "Exported audit trail" in page


def test_export_with_bad_filters_goes_back_to_the_form(web, make, database):
    manager = make.user(Role.MANAGER)
    browser = web(manager)

    response = export(browser, "?case=abc&action=case_viewed")

    assert response.status_code == 302
    assert response.headers["Location"] == "/audit/?action=case_viewed&case=abc"
    assert database.session.scalar(select(AuditEvent).where(AuditEvent.action == "audit_exported")) is None


# --- SPO: address reveals -------------------------------------------------------------


def _as(app, user):
    """A request context signed in as the user, for services that read current_user."""
    context = app.test_request_context()
    context.push()
    login_user(user)
    return context


def test_spo_sees_reveals_by_anyone_but_the_allocated_vlo(app, web, make, frozen_clock):
    spo = make.user(Role.SPO)
    team = make.session.get(Team, spo.team_id)
    allocated = make.user(Role.VLO, team=team)
    colleague = make.user(Role.VLO, team=team)
    case = make.case(vlo=allocated)
    person = make.person(case, last_name="Nightingale", address_line_1="7 Secret Lane")

    for user, reason in ((allocated, "my-own-case"), (colleague, "covering-while-on-leave")):
        context = _as(app, user)
        try:
            people.reveal_contact_details(case, person, reason, user)
        finally:
            context.pop()
    frozen_clock.set(NOW)

    page = web(spo).get("/audit/reveals")

    rows = table_rows(page)
    assert len(rows) == 1
    assert "covering-while-on-leave" in rows[0]
    assert colleague.name in rows[0]
    assert f'href="/cases/{case.id}"' in rows[0]
    assert "Revealed address and contact details" in rows[0]
    assert "my-own-case" not in page
    assert "Nightingale" not in page
    assert "Secret Lane" not in page
    assert "TE1 1ST" not in page


def test_spo_sees_own_teams_flagged_reveals_only(web, make, record):
    spo = make.user(Role.SPO)
    team = make.session.get(Team, spo.team_id)
    other_team = make.team()
    own_case = make.case(vlo=make.user(Role.VLO, team=team))
    other_case = make.case(vlo=make.user(Role.VLO, team=other_team))
    london_case = make.case(team=make.team(make.region("london")))
    outsider = make.user(Role.VLO, team=team)

    record("contact_details_revealed", outsider, own_case, flagged=True, reason="own-revealed")
    record("contact_details_viewed", outsider, own_case, flagged=True, reason="own-viewed")
    record("person_details_changed", outsider, own_case, flagged=True, reason="own-changed")
    record("contact_details_revealed", outsider, own_case, flagged=False, reason="own-unflagged")
    record("case_viewed", outsider, own_case, flagged=True, reason="own-other-action")
    record("contact_details_revealed", outsider, other_case, flagged=True, reason="other-team")
    record("contact_details_revealed", outsider, london_case, flagged=True, reason="other-region")

    page = web(spo).get("/audit/reveals")

    assert {re.search(r"(own|other)-[\w-]+", row).group(0) for row in table_rows(page)} == {
        "own-revealed",
        "own-viewed",
        "own-changed",
    }
    assert f'href="/cases/{other_case.id}"' not in page


def test_spo_without_a_team_sees_nothing(web, make, record):
    spo = make.user(Role.SPO)
    case = make.case(team=make.team())
    record("contact_details_revealed", make.user(Role.VLO), case, flagged=True, reason="somewhere")
    make.session.execute(update(User).where(User.id == spo.id).values(team_id=None, version=User.version + 1))
    make.session.expire_all()

    page = web(spo).get("/audit/reveals")

    assert "somewhere" not in page
    assert "Nobody other than the allocated" in page


def test_reveals_are_paginated_newest_first(web, make, record):
    spo = make.user(Role.SPO)
    team = make.session.get(Team, spo.team_id)
    case = make.case(team=team)
    vlo = make.user(Role.VLO, team=team)
    for number in range(55):
        record(
            "contact_details_revealed",
            vlo,
            case,
            at=NOW - timedelta(minutes=100 - number),
            flagged=True,
            reason=f"reason-{number:02d}",
        )
    browser = web(spo)

    first = browser.get("/audit/reveals")
    rows = table_rows(first)
    assert len(rows) == 50
    assert "reason-54" in rows[0]
    assert 'href="/audit/reveals?page=2"' in first
    second = browser.get("/audit/reveals?page=2")
    assert [re.search(r"reason-\d+", row).group(0) for row in table_rows(second)] == [
        f"reason-{number:02d}" for number in range(4, -1, -1)
    ]


# --- Who may see what -----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VLO, Role.SPO, Role.ADMIN])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_only_managers_read_the_trail(web, make, role, path):
    web(make.user(role)).get(path, status=403)


@pytest.mark.parametrize("role", [Role.VLO, Role.MANAGER, Role.ADMIN])
def test_only_spos_see_address_reveals(web, make, role):
    web(make.user(role)).get("/audit/reveals", status=403)


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/reveals"])
def test_signed_out_people_are_sent_to_sign_in(web, path):
    web().get(path, status=302)


@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv", "/audit/reveals"])
def test_nothing_here_accepts_a_post(web, make, path):
    manager = make.user(Role.MANAGER)
    response = web(manager)._send("post", path, data={})
    assert response.status_code in (400, 405)  # refused either for the CSRF token or the method


# --- The trail cannot be changed ------------------------------------------------------


def test_database_refuses_to_update_or_delete_audit_events(database, make):
    user = make.user(Role.VLO)
    event = audit.record("signed_in", "user", user.id, user=user, reason="original")
    event_id = event.id
    session = database.session

    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        event.reason = "rewritten"
        session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(flagged=True))
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.delete(session.get(AuditEvent, event_id))
        session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(delete(AuditEvent).where(AuditEvent.id == event_id))

    session.expire_all()
    kept = session.get(AuditEvent, event_id)
    assert (kept.reason, kept.flagged) == ("original", False)


# --- Labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "label"),
    [
        ("contact_details_revealed", "Revealed address and contact details"),
        ("user_deactivated", "Deactivated user"),
        ("something_not_labelled", "Something not labelled"),
        ("", "Unknown"),
    ],
)
def test_action_labels(action, label):
    assert action_label(action) == label


def test_every_action_the_code_records_has_a_label():
    source = PROJECT / "victims"
    recorded = set()
    for path in source.rglob("*.py"):
        text = path.read_text()
        recorded |= set(re.findall(r"record\(\s*\"([a-z_]+)\"", text))
    # Actions chosen at run time rather than written in the record() call.
    recorded |= {"case_allocated", "case_reallocated", "opted_in", "opted_out"}
    assert recorded, "found no audit.record calls"
    assert recorded <= set(ACTIONS), recorded - set(ACTIONS)
