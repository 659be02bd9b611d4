"""The contact log section's filters: type, person and date range, as GET parameters, on the
log's columns (the summaries are encrypted), with GOV.UK errors for dates that are not dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from tests.helpers import signed_in
from victims.cases import queries as case_queries
from victims.cases import services as cases
from victims.domain.vocabulary import Role
from victims.people.models import Person


def _log(make, database, vlo):
    case = make.case(vlo=vlo)
    ann = database.session.scalars(select(Person).where(Person.case_id == case.id)).one()
    bob = make.person(case, first_name="Bob", last_name="Other")
    case = case_queries.case_for_change(case.id, vlo)
    for day, method, person, summary in (
        (2, "letter", None, "Initial letter to everyone."),
        (10, "telephone", ann, "Ann rang about the hearing."),
        (15, "telephone", bob, "Called Bob back."),
        (20, "email", ann, "Emailed Ann the leaflet."),
    ):
        cases.add_contact(
            case,
            occurred_at=datetime(2026, 11, day, 23, 30, tzinfo=UTC),  # late, to test the day's end
            method=method,
            direction="outbound",
            summary=summary,
            person_id=person.id if person else None,
            user=vlo,
        )
    return case, ann, bob


def _summaries(page: str) -> list[str]:
    return re.findall(r'<div class="moj-timeline__description"><p class="govuk-body">([^<]*)</p>', page)


def test_the_contact_log_filters_by_type_person_and_dates(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case, ann, bob = _log(make, database, vlo)
    browser = signed_in(app, vlo)
    path = f"/cases/{case.id}/contacts"

    everything = browser.get(path)
    assert _summaries(everything) == [
        "Emailed Ann the leaflet.",
        "Called Bob back.",
        "Ann rang about the hearing.",
        "Initial letter to everyone.",
    ]
    assert "Clear filters" not in everything

    assert _summaries(browser.get(f"{path}?method=telephone")) == [
        "Called Bob back.",
        "Ann rang about the hearing.",
    ]
    assert _summaries(browser.get(f"{path}?person={ann.id}")) == [
        "Emailed Ann the leaflet.",
        "Ann rang about the hearing.",
    ]
    both = browser.get(f"{path}?method=telephone&person={bob.id}")
    assert _summaries(both) == ["Called Bob back."]
    assert "1 entry matches these filters." in both and "Clear filters" in both
    dated = browser.get(f"{path}?date_from=10&date_from=11&date_from=2026&date_to=15&date_to=11&date_to=2026")
    assert _summaries(dated) == ["Called Bob back.", "Ann rang about the hearing."]
    # The chosen filters stay in the form.
    assert re.search(r'<option value="telephone" selected', both)
    none = browser.get(f"{path}?method=visit")
    assert _summaries(none) == [] and "No contact matches these filters." in none


def test_the_days_are_london_days(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case = make.case(vlo=vlo)
    case = case_queries.case_for_change(case.id, vlo)
    # 00:30 on 1 July in London is 23:30 on 30 June in UTC.
    cases.add_contact(
        case,
        occurred_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
        method="telephone",
        direction="inbound",
        summary="Just after midnight.",
        person_id=None,
        user=vlo,
    )
    browser = signed_in(app, vlo)
    path = f"/cases/{case.id}/contacts"
    assert _summaries(browser.get(f"{path}?date_from=1&date_from=7&date_from=2026")) == [
        "Just after midnight."
    ]
    assert _summaries(browser.get(f"{path}?date_to=30&date_to=6&date_to=2026")) == []


def test_filters_that_are_not_right_give_govuk_errors(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case, _, _ = _log(make, database, vlo)
    stranger = make.person(make.case(vlo=vlo), first_name="Elsewhere")
    browser = signed_in(app, vlo)
    path = f"/cases/{case.id}/contacts"
    for query, message in (
        ("date_from=31&date_from=2&date_from=2026", "Date from must be a real date"),
        ("date_to=&date_to=11&date_to=2026", "Date to must include a day"),
        (
            "date_from=20&date_from=11&date_from=2026&date_to=10&date_to=11&date_to=2026",
            "Date to must be the same as or after date from",
        ),
        ("method=carrier_pigeon", "Choose a type of contact from the list"),
        (f"person={stranger.id}", "Choose a person from the list"),  # another case's person
        ("person=abc", "Choose a person from the list"),
    ):
        page = browser.get(f"{path}?{query}")
        assert "govuk-error-summary" in page, query
        assert message in page, (query, re.findall(r"govuk-error-message.*?</p>", page, re.S))
        assert _summaries(page) == [], query
        assert "Correct the filters to see the contact log." in page


def test_the_filtered_log_reads_a_fixed_number_of_statements(
    app, make, database, frozen_clock, count_queries
):
    vlo = make.user(Role.VLO)
    case, ann, _ = _log(make, database, vlo)
    browser = signed_in(app, vlo)
    path = f"/cases/{case.id}/contacts?method=telephone&person={ann.id}"
    browser.get(path)
    with count_queries() as counter:
        browser.get(path)
    assert counter.count <= 6, counter.count


def _date_boxes(page: str) -> list[str]:
    return re.findall(r'<input[^>]*name="date_(?:from|to)"[^>]*>', page)


def test_blank_date_filters_are_drawn_once_and_dates_typed_are_never_kept(app, make, database, frozen_clock):
    """The blank "date from" and "date to" boxes are drawn once and kept (web.forms.
    BlankFilterDateInput); a date typed, or an error, is drawn for its own request only."""
    vlo = make.user(Role.VLO)
    case, _, _ = _log(make, database, vlo)
    browser = signed_in(app, vlo)
    path = f"/cases/{case.id}/contacts"
    blank = _date_boxes(browser.get(path))
    assert len(blank) == 6 and not [box for box in blank if 'value="' in box and 'value=""' not in box]
    typed = browser.get(f"{path}?date_from=17&date_from=11&date_from=2026")
    assert 'value="17"' in typed and 'value="2026"' in typed
    wrong = browser.get(f"{path}?date_to=31&date_to=2&date_to=2026")
    assert "Date to must be a real date" in wrong and 'value="31"' in wrong
    assert _date_boxes(browser.get(path)) == blank
    assert "govuk-error-message" not in browser.get(path)
