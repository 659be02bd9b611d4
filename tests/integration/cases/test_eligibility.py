"""Eligibility wired into the service: worked out at intake from the offence and sentence,
shown with its reason, and changed only by an SPO with a reason (at intake or afterwards),
which moves the case's deadlines to the new scheme."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from markupsafe import escape
from sqlalchemy import func, select

from tests.helpers import date_parts, post_with_token, send, signed_in
from tests.integration.cases.test_cases import _error_messages, _field_error, _valid_case
from victims.audit.models import AuditEvent
from victims.cases.models import Case, Offender, Sentence
from victims.domain.vocabulary import Role
from victims.people.models import Person
from victims.staff.models import Team
from victims.work.models import CaseDeadline, DeadlineChange

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the frozen clock
STATUTORY_REASON = (
    "A violent offence with a standard determinate sentence of 48 months (12 months or more): "
    "the victim is entitled to the statutory Victim Contact Scheme."
)
NOT_ELIGIBLE_REASON = (
    "A violent offence with a standard determinate sentence of 6 months (custody under 12 months): "
    "the statutory scheme needs custody of 12 months or more, so the victim is not eligible."
)
HIGH_RISK = "High-risk case: the offender made threats against the victim in court."


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _case_id(response) -> int:
    return int(re.search(r"/cases/(\d+)$", response.headers["Location"]).group(1))


def _text(html: str) -> str:
    """The page's text, tags removed and spaces collapsed, entities left as in the HTML."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _open_statutory_case(app, spo) -> int:
    """Open (as an SPO) a statutory case whose release is still ahead: CRD 1 March 2027."""
    form = _valid_case(
        sentence_date=date_parts(date(2025, 12, 2)),
        referral_received_on=date_parts(date(2025, 12, 18)),
        crd=date_parts(date(2027, 3, 1)),
    )
    return _case_id(signed_in(app, spo).post("/cases/new", form, status=302))


def _deadlines(session, case_id) -> list[CaseDeadline]:
    session.expire_all()
    return session.scalars(
        select(CaseDeadline).where(CaseDeadline.case_id == case_id).order_by(CaseDeadline.id)
    ).all()


# -- intake ------------------------------------------------------------------------------


def test_intake_computes_the_statutory_scheme_and_shows_why(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    browser = signed_in(app, vlo)
    form_page = browser.get("/cases/new")
    assert 'name="scheme"' not in form_page  # nobody chooses the scheme any more
    assert 'name="offer_scheme"' not in form_page  # and a VLO cannot offer another
    case_id = _case_id(browser.post("/cases/new", _valid_case(), status=302))
    case = database.session.get(Case, case_id)
    assert (case.scheme, case.computed_scheme, case.discretionary_offer) == ("statutory", "statutory", False)
    assert case.eligibility_reason == STATUTORY_REASON
    assert case.eligibility_basis.startswith("Domestic Violence, Crime and Victims Act 2004 ss.35 and 45")
    assert (case.scheme_override_reason, case.scheme_overridden_by_id, case.scheme_overridden_at) == (
        None,
        None,
        None,
    )

    card = _text(browser.get(f"/cases/{case_id}").split('data-testid="eligibility"', 1)[1].split("</dd>")[0])
    assert STATUTORY_REASON in card
    assert "Basis: Domestic Violence, Crime and Victims Act 2004 ss.35 and 45" in card
    assert "Change scheme" not in browser.get(f"/cases/{case_id}")  # SPO only


def test_a_vlo_is_told_why_a_victim_is_not_eligible_and_nothing_is_stored(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    # A VLO's browser may still send the SPO's fields: they are ignored.
    form = _valid_case(length_months="6", offer_scheme="discretionary", offer_reason="Because")
    response = signed_in(app, vlo).post("/cases/new", form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    message = _field_error(html, "offence_category")
    assert message.startswith(NOT_ELIGIBLE_REASON)
    assert message.endswith("If the offence and sentence are right, ask an SPO to open the case.")
    assert _error_messages(html) == [message]
    assert '<a href="#offence_category">' in html  # the summary links to the field
    for model in (Case, Offender, Sentence, Person):
        assert _count(database.session, model) == 0, model
    assert (
        database.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id.is_not(None))).all() == []
    )


def test_a_vns_case_opens_for_a_vlo_with_the_discretionary_offer_noted(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    case_id = _case_id(signed_in(app, vlo).post("/cases/new", _valid_case("vns"), status=302))
    case = database.session.get(Case, case_id)
    assert (case.scheme, case.computed_scheme, case.discretionary_offer) == ("vns", "vns", True)
    assert "An SPO may instead offer the discretionary Victim Contact Scheme" in case.eligibility_reason


def test_a_hospital_direction_takes_the_prison_sentence_length(app, make, database, frozen_clock):
    vlo = make.user(Role.VLO)
    browser = signed_in(app, vlo)
    # An indeterminate prison sentence with a hospital direction: no length.
    case_id = _case_id(
        browser.post(
            "/cases/new", _valid_case(sentence_type="hospital_direction", length_months=""), status=302
        )
    )
    assert database.session.get(Case, case_id).scheme == "statutory_mdo"
    # A determinate one of 6 months: under 12 months, so not eligible.
    response = browser.post(
        "/cases/new", _valid_case(crn="X654321", sentence_type="hospital_direction", length_months="6")
    )
    assert "so the victim is not eligible" in _field_error(
        response.get_data(as_text=True), "offence_category"
    )
    # Hospital orders still have no length.
    response = browser.post(
        "/cases/new", _valid_case(crn="X654321", sentence_type="hospital_restricted", length_months="6")
    )
    assert (
        _field_error(response.get_data(as_text=True), "length_months")
        == "Leave the length empty for an indeterminate sentence or hospital order"
    )


def test_an_spo_offers_the_scheme_anyway_with_a_reason_stored_and_audited(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    browser = signed_in(app, spo)
    assert 'name="offer_scheme"' in browser.get("/cases/new")
    form = _valid_case(length_months="6", offer_scheme="discretionary", offer_reason=f"  {HIGH_RISK} ")
    case_id = _case_id(browser.post("/cases/new", form, status=302))
    case = database.session.get(Case, case_id)
    assert (case.scheme, case.computed_scheme) == ("discretionary", None)
    assert case.eligibility_reason.startswith(NOT_ELIGIBLE_REASON)
    assert (case.scheme_override_reason, case.scheme_overridden_by_id, case.scheme_overridden_at) == (
        HIGH_RISK,
        spo.id,
        NOW,
    )
    event = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scheme_overridden", AuditEvent.case_id == case_id)
    ).one()
    assert (event.user_id, event.reason, event.details) == (
        spo.id,
        HIGH_RISK,
        {"from": None, "to": "discretionary", "computed": None},
    )
    # The discretionary scheme's deadlines, not the statutory referral deadline.
    assert {row.code for row in _deadlines(database.session, case_id)} == {
        "initial_contact",
        "pre_release_window",
        "licence_representations",
    }


def test_an_spo_offers_the_discretionary_scheme_instead_of_vns(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    form = _valid_case("vns", offer_scheme="discretionary", offer_reason="Stalking with escalating risk")
    case_id = _case_id(signed_in(app, spo).post("/cases/new", form, status=302))
    case = database.session.get(Case, case_id)
    assert (case.scheme, case.computed_scheme, case.discretionary_offer) == ("discretionary", "vns", True)


SPO_ERRORS = [
    (
        {"length_months": "6"},
        "offer_scheme",
        NOT_ELIGIBLE_REASON,
        "Choose a scheme to offer anyway, or check the offence and sentence.",
    ),
    (
        {"length_months": "6", "offer_scheme": "discretionary"},
        "offer_reason",
        "Enter the reason for offering this scheme",
        "",
    ),
    (
        {"length_months": "6", "offer_scheme": "discretionary", "offer_reason": "   "},
        "offer_reason",
        "Enter the reason for offering this scheme",
        "",
    ),
    (
        {"offer_scheme": "statutory", "offer_reason": "Just because"},
        "offer_scheme",
        "‘Statutory VCS’ is the scheme worked out from the offence and sentence",
        "choose ‘No’ to use it",
    ),
    ({"offer_reason": "A reason with no scheme"}, "offer_scheme", "Choose the scheme to offer", "the reason"),
    ({"offer_scheme": "made_up", "offer_reason": "x"}, "offer_scheme", "Not a valid choice.", ""),
]


def test_an_spo_gets_an_error_for_each_incomplete_offer(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    browser = signed_in(app, spo)
    for changes, field_id, starts, ends in SPO_ERRORS:
        response = browser.post("/cases/new", _valid_case(**changes))
        assert response.status_code == 200, changes
        html = response.get_data(as_text=True)
        message = _field_error(html, field_id)
        assert message is not None, (changes, _error_messages(html))
        assert message.startswith(str(escape(starts)).replace("&#39;", "'")), message
        assert message.endswith(ends), message
    assert _count(database.session, Case) == 0


# -- changing the scheme afterwards ------------------------------------------------------


def test_only_an_spo_of_the_team_can_change_the_scheme(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    team = database.session.get(Team, spo.team_id)
    vlo = make.user(Role.VLO, team)
    case_id = _open_statutory_case(app, spo)
    vlo_browser = signed_in(app, vlo)
    assert send(vlo_browser, "get", f"/cases/{case_id}/scheme").status_code == 403
    refused = post_with_token(vlo_browser, f"/cases/{case_id}/scheme", {"scheme": "vns", "reason": "x"})
    assert refused.status_code == 403
    manager = make.user(Role.MANAGER)
    assert send(signed_in(app, manager), "get", f"/cases/{case_id}/scheme").status_code == 403
    other_spo = make.user(Role.SPO)  # another team
    assert send(signed_in(app, other_spo), "get", f"/cases/{case_id}/scheme").status_code == 404
    database.session.expire_all()
    assert database.session.get(Case, case_id).scheme == "statutory"


def test_overriding_to_vns_moves_the_deadlines_with_history(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    case_id = _open_statutory_case(app, spo)
    before = {row.code: (row.status, row.due_on) for row in _deadlines(database.session, case_id)}
    assert before == {
        "referral": ("met", date(2025, 12, 16)),
        "initial_contact": ("open", date(2026, 1, 20)),
        "pre_release_window": ("open", date(2026, 9, 1)),
        "licence_representations": ("open", date(2027, 1, 4)),
    }
    browser = signed_in(app, spo)
    page = browser.get(f"/cases/{case_id}/scheme")
    assert "Statutory VCS (worked out from the offence and sentence)" in page
    response = browser.post(
        f"/cases/{case_id}/scheme",
        {"scheme": "vns", "reason": "Victim asked only to be told of release", "version": "1"},
        status=302,
    )
    assert response.headers["Location"] == f"/cases/{case_id}"

    rows = _deadlines(database.session, case_id)
    assert [(row.code, row.status) for row in rows] == [
        ("referral", "met"),  # met work stays met
        ("initial_contact", "cancelled"),
        ("pre_release_window", "cancelled"),
        ("licence_representations", "cancelled"),
        ("vns_initial_contact", "open"),
    ]
    assert rows[-1].due_on == date(2025, 12, 23)  # 15 working days after sentence
    history = database.session.scalars(
        select(DeadlineChange).where(DeadlineChange.deadline_id.in_([row.id for row in rows[1:4]]))
    ).all()
    assert sorted((h.old_due_on, h.new_due_on) for h in history) == [
        (date(2026, 1, 20), None),
        (date(2026, 9, 1), None),
        (date(2027, 1, 4), None),
    ]
    assert {(h.reason, h.changed_by_id) for h in history} == {
        ("Scheme changed to Victim Notification Scheme", spo.id)
    }
    case = database.session.get(Case, case_id)
    assert (case.scheme, case.computed_scheme, case.scheme_override_reason, case.scheme_overridden_by_id) == (
        "vns",
        "statutory",
        "Victim asked only to be told of release",
        spo.id,
    )
    event = database.session.scalars(select(AuditEvent).where(AuditEvent.action == "scheme_overridden")).one()
    assert (event.case_id, event.user_id, event.reason, event.details) == (
        case_id,
        spo.id,
        "Victim asked only to be told of release",
        {"from": "statutory", "to": "vns", "computed": "statutory"},
    )

    # Back to the computed scheme: the override is cleared and the statutory work returns.
    browser.post(
        f"/cases/{case_id}/scheme",
        {"scheme": "statutory", "reason": "Victim wants the full scheme after all", "version": "2"},
        status=302,
    )
    database.session.expire_all()
    case = database.session.get(Case, case_id)
    assert (case.scheme, case.scheme_override_reason, case.scheme_overridden_by_id) == (
        "statutory",
        None,
        None,
    )
    open_codes = {row.code for row in _deadlines(database.session, case_id) if row.status == "open"}
    assert open_codes == {"initial_contact", "pre_release_window", "licence_representations"}
    returned = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scheme_override_removed")
    ).one()
    assert returned.reason == "Victim wants the full scheme after all"


def test_the_case_page_shows_the_computed_answer_and_the_override(app, make, database, frozen_clock):
    spo = make.user(Role.SPO, name="Samira Senior")
    case_id = _open_statutory_case(app, spo)
    browser = signed_in(app, spo)
    page = browser.get(f"/cases/{case_id}")
    assert f'href="/cases/{case_id}/scheme"' in page
    assert "Chosen by an SPO" not in page
    browser.post(
        f"/cases/{case_id}/scheme",
        {"scheme": "discretionary", "reason": HIGH_RISK, "version": "1"},
        status=302,
    )
    page = browser.get(f"/cases/{case_id}")
    assert "Scheme changed to Discretionary" in page
    scheme = _text(page.split('data-testid="scheme"', 1)[1].split("</dd>")[0])
    assert "Discretionary" in scheme and "Chosen by an SPO" in scheme
    override = _text(page.split('data-testid="scheme-override"', 1)[1].split("</dd>")[0])
    assert HIGH_RISK in override
    assert "Samira Senior, 25 November 2026 at 10:00am" in override
    computed = _text(page.split('data-testid="eligibility"', 1)[1].split("</dd>")[0])
    assert "Statutory VCS" in computed and STATUTORY_REASON in computed
    assert "Worked out from the offence and sentence" in page


def test_changing_the_scheme_needs_a_reason_and_a_different_scheme(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    case_id = _open_statutory_case(app, spo)
    browser = signed_in(app, spo)
    response = browser.post(f"/cases/{case_id}/scheme", {"scheme": "vns", "reason": "", "version": "1"})
    assert (
        _field_error(response.get_data(as_text=True), "reason") == "Enter the reason for changing the scheme"
    )
    response = browser.post(f"/cases/{case_id}/scheme", {"scheme": "vns", "reason": "  ", "version": "1"})
    assert (
        _field_error(response.get_data(as_text=True), "reason") == "Enter the reason for changing the scheme"
    )
    response = browser.post(f"/cases/{case_id}/scheme", {"reason": "Why", "version": "1"})
    assert _field_error(response.get_data(as_text=True), "scheme") == "Choose the scheme"
    response = browser.post(
        f"/cases/{case_id}/scheme", {"scheme": "statutory", "reason": "Why", "version": "1"}
    )
    assert (
        _field_error(response.get_data(as_text=True), "scheme")
        == "The case is already in the scheme ‘Statutory VCS’"
    )
    database.session.expire_all()
    assert database.session.get(Case, case_id).scheme == "statutory"
    assert (
        database.session.scalars(select(AuditEvent).where(AuditEvent.action == "scheme_overridden")).all()
        == []
    )


def test_a_stale_scheme_change_is_refused(app, make, database, frozen_clock):
    spo = make.user(Role.SPO)
    case_id = _open_statutory_case(app, spo)
    mine, theirs = signed_in(app, spo), signed_in(app, spo)
    theirs.post(f"/cases/{case_id}/scheme", {"scheme": "vns", "reason": "First", "version": "1"}, status=302)
    response = mine.post(
        f"/cases/{case_id}/scheme", {"scheme": "discretionary", "reason": "Second", "version": "1"}
    )
    assert response.status_code == 409
    database.session.expire_all()
    assert database.session.get(Case, case_id).scheme == "vns"


def test_a_case_opened_before_eligibility_was_kept_is_assessed_when_changed(
    app, make, database, frozen_clock
):
    spo = make.user(Role.SPO)
    case = make.case(team=database.session.get(Team, spo.team_id))
    browser = signed_in(app, spo)
    assert "Not worked out: the case was opened before" in browser.get(f"/cases/{case.id}")
    browser.post(
        f"/cases/{case.id}/scheme", {"scheme": "vns", "reason": "Victim's wish", "version": "1"}, status=302
    )
    database.session.expire_all()
    case = database.session.get(Case, case.id)
    assert (case.scheme, case.computed_scheme, case.eligibility_reason) == (
        "vns",
        "statutory",
        STATUTORY_REASON,
    )
