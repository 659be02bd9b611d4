from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims import clock
from victims.cases import queries, services
from victims.cases.forms import (
    AddNeedForm,
    AllocateForm,
    CloseCaseForm,
    ContactFilterForm,
    ContactForm,
    NewCaseForm,
    ReleaseAddressForm,
    RemoveNeedForm,
    ReopenCaseForm,
    SchemeForm,
    SentenceDatesForm,
    TransferDecisionForm,
    TransferForm,
    WithdrawReleaseAddressForm,
)
from victims.domain.evidence import ContactOutcome
from victims.domain.lifecycle import TransferStatus
from victims.domain.needs import Need
from victims.domain.prerelease import AddressSource
from victims.domain.vocabulary import SENTENCE_DATES, CaseStatus, ClosureReason, Role, Scheme
from victims.extensions import db
from victims.intake import services as intake
from victims.letters import queries as letter_queries
from victims.people.forms import person_details_from, preferences_from
from victims.prerelease import queries as prerelease_queries
from victims.prerelease import release_address as release_addresses
from victims.refusals import Refused
from victims.staff import queries as staff_queries
from victims.web.conflicts import ConflictRow, conflict_rows, stale, take_current_version
from victims.web.forms import options
from victims.web.paging import page_number
from victims.web.security import allowed
from victims.work import queries as work_queries
from victims.workforce import filters as list_filters
from victims.workforce import needs as case_needs
from victims.workforce import queries as workforce_queries

bp = Blueprint("cases", __name__, url_prefix="/cases")

CASEWORK = (Role.VLO, Role.SPO)
READERS = (Role.VLO, Role.SPO, Role.MANAGER)


# A list shows open cases unless asked otherwise; a search finds closed ones too.
STATUS_FILTERS = {"open": CaseStatus.OPEN.value, "closed": CaseStatus.CLOSED.value, "all": None}


def _list_args() -> dict:
    sort = request.args.get("sort", "offender")
    if sort not in queries.SORTS:
        sort = "offender"
    search = (request.args.get("q") or "").strip()[:100] or None
    shown = request.args.get("status")
    if shown not in STATUS_FILTERS:
        shown = "all" if search else "open"
    return {
        "search": search,
        "status": STATUS_FILTERS[shown],
        "sort": sort,
        "descending": request.args.get("order") == "desc",
        "page": page_number(),
        "per_page": current_app.config["CASELOAD_PAGE_SIZE"],
    }


def _kept(args: dict) -> dict:
    """The status filter for a list's sort and page links, when it is not the default."""
    shown = next(key for key, value in STATUS_FILTERS.items() if value == args["status"])
    return {} if shown == ("all" if args["search"] else "open") else {"status": shown}


def _filtered_list(list_name: str, endpoint: str, *, vlos=None, read_facts, narrow=None):
    """A list's filters (victims.workforce.filters): restore the user's remembered choices when
    the list is opened bare, clear them on request, remember what the filter form sends; then the
    cases the choices match, the filter panel with its counts, and the arguments links keep.

    Returns (redirect or None, args, only_ids or None, panel or None, filter_args)."""
    if not request.args:
        remembered = list_filters.saved(current_user.id, list_name)
        if remembered:
            return redirect(f"{url_for(endpoint)}?{remembered}"), None, None, None, {}
    if request.args.get("clear"):
        list_filters.forget(current_user.id, list_name)
        return redirect(url_for(endpoint)), None, None, None, {}
    args = _list_args()
    list_groups = list_filters.groups(vlos)
    chosen = list_filters.parse(request.args, list_groups)
    if request.args.get(list_filters.APPLIED):
        list_filters.remember(current_user.id, list_name, list_filters.query_string(chosen, list_groups))
    filter_args = {name: sorted(values) for name, values in chosen.items()}
    if args["status"] != CaseStatus.OPEN.value:
        return None, args, None, None, filter_args  # stage and needs are facts of open cases only
    today = clock.today()
    items = list_filters.listed_cases(read_facts(today), today)
    if narrow is not None:
        items = [item for item in items if narrow(item)]
    if args["search"]:
        found = queries.searched_case_ids(current_user, args["search"])
        items = [item for item in items if item.case_id in found]
    kept = {"q": args["search"] or "", "sort": args["sort"], "order": "desc" if args["descending"] else ""}
    if request.args.get("show"):
        kept["show"] = request.args["show"]
    panel = list_filters.panel(items, chosen, list_groups, kept=kept)
    only_ids = list_filters.matching_ids(items, chosen, list_groups) if chosen else None
    return None, args, only_ids, panel, filter_args


@bp.route("/mine")
@allowed(Role.VLO)
def caseload():
    gone, args, only_ids, panel, filter_args = _filtered_list(
        "caseload",
        "cases.caseload",
        read_facts=lambda today: workforce_queries.list_facts_for_vlos([current_user.id], today),
    )
    if gone:
        return gone
    result = queries.list_cases(current_user, allocated_to=current_user.id, only_ids=only_ids, **args)
    return render_template(
        "cases/caseload.html",
        result=result,
        args=args,
        kept=dict(_kept(args), **filter_args),
        panel=panel,
        filter_args=filter_args,
    )


@bp.route("/team")
@allowed(Role.SPO)
def team_cases():
    unallocated_only = request.args.get("show") == "unallocated"
    closure_due_only = request.args.get("show") == "closure_due"
    vlos = [(vlo.id, vlo.name) for vlo in staff_queries.team_vlos(current_user.team_id)]

    def narrow(item) -> bool:
        if unallocated_only:
            return item.allocated_vlo_id is None
        if closure_due_only:
            return item.closure_review
        return True

    gone, args, only_ids, panel, filter_args = _filtered_list(
        "team_cases",
        "cases.team_cases",
        vlos=vlos,
        read_facts=lambda today: (
            workforce_queries.list_facts_for_team(current_user.team_id, today) if current_user.team_id else []
        ),
        narrow=narrow,
    )
    if gone:
        return gone
    result = queries.list_cases(
        current_user,
        unallocated_first=True,
        unallocated_only=unallocated_only,
        closure_due_only=closure_due_only,
        only_ids=only_ids,
        **args,
    )
    return render_template(
        "cases/team_cases.html",
        result=result,
        args=args,
        unallocated_only=unallocated_only,
        closure_due_only=closure_due_only,
        kept=dict(_kept(args), **filter_args),
        panel=panel,
        filter_args=filter_args,
    )


@bp.route("/region")
@allowed(Role.MANAGER)
def region_cases():
    args = _list_args()
    result = queries.list_cases(current_user, **args)
    return render_template("cases/region_cases.html", result=result, args=args, kept=_kept(args))


@bp.route("/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def new_case():
    form = NewCaseForm(spo=current_user.role == Role.SPO)
    if request.method == "GET":
        form.contact_level.data = "key_stages"
        form.channel.data = "post"
        form.language.data = "en"
        form.relationship.data = "victim"
    if form.validate_on_submit():
        offer_scheme, offer_reason = form.chosen_scheme()
        try:
            case = intake.open_case(
                offender=services.OffenderDetails(
                    crn=form.crn.data.strip().upper(),
                    prison_number=(form.prison_number.data or "").strip().upper() or None,
                    first_name=form.offender_first_name.data.strip(),
                    last_name=form.offender_last_name.data.strip(),
                    date_of_birth=form.offender_date_of_birth.data,
                    current_location=(form.current_location.data or "").strip() or None,
                ),
                sentence=services.SentenceDetails(
                    offence=form.offence.data.strip(),
                    offence_category=form.offence_category.data,
                    sentence_type=form.sentence_type.data,
                    length_months=form.length_months.data,
                    sentence_date=form.sentence_date.data,
                    court=(form.court.data or "").strip() or None,
                    dates=form.sentence_dates(),
                ),
                offer_scheme=offer_scheme,
                offer_reason=offer_reason,
                referral_received_on=form.referral_received_on.data,
                team_id=current_user.team_id,
                region_id=current_user.region_id,
                victims=[(person_details_from(form), preferences_from(form))],
                user=current_user,
            )
        except Refused as refused:
            refused.show_on(form, "offence_category")
        else:
            flash("Case opened", "success")
            return redirect(url_for("cases.case", case_id=case.id))
    return render_template("cases/new_case.html", form=form)


def _section(case_id: int, section: str):
    """The case for one section of the case page, its view audited (every section names people)."""
    record = queries.case_for_page(case_id, current_user, section)
    services.record_viewed(record, current_user)
    return record


def _render_section(template: str, record, **context):
    return render_template(
        template,
        case=record,
        today=clock.today(),
        can_edit=current_user.role in CASEWORK and record.status == CaseStatus.OPEN,
        **context,
    )


@bp.route("/<int:case_id>")
@allowed(*READERS)
def case(case_id: int):
    """The summary: what needs doing next and the key facts."""
    # The case's own facts come in its statement; what they say is there is read after it.
    record, facts = queries.case_with_facts(
        case_id,
        current_user,
        "summary",
        {
            **queries.lifecycle_facts(),
            **workforce_queries.case_need_columns(),
            "needs_added": case_needs.in_force_count(),
        },
    )
    services.record_viewed(record, current_user)
    next_items, open_count = queries.next_to_do(record.id)
    in_force = case_needs.needs_in_force(record.id) if facts["needs_added"] else []
    need_facts = workforce_queries.need_facts_for_case(
        record, (Need(need_record.need) for need_record, _ in in_force), clock.today(), facts
    )
    return _render_section(
        "cases/summary.html",
        record,
        computed_scheme_label=Scheme(record.computed_scheme).label
        if record.computed_scheme
        else "Not eligible",
        next_items=next_items,
        open_count=open_count,
        sentence_dates=SENTENCE_DATES,
        lifecycle=_lifecycle(record, facts),
        needs=case_needs.shown_needs(need_facts, record.id, in_force),
        can_change_needs=current_user.role == Role.SPO and record.status == CaseStatus.OPEN,
    )


@bp.route("/<int:case_id>/people")
@allowed(*READERS)
def people(case_id: int):
    return _render_section("cases/people.html", _section(case_id, "people"))


@bp.route("/<int:case_id>/deadlines")
@allowed(*READERS)
def deadlines(case_id: int):
    record = _section(case_id, "deadlines")
    return _render_section(
        "cases/deadlines.html",
        record,
        deadlines=work_queries.deadlines_for_case(record.id),
        work=work_queries.work_for_case(record.id),
        sentence_dates=SENTENCE_DATES,
    )


@bp.route("/<int:case_id>/contacts")
@allowed(*READERS)
def contacts(case_id: int):
    record = _section(case_id, "contacts")
    form = ContactFilterForm(request.args, people=[(person.id, person.full_name) for person in record.people])
    form.validate()
    entries = None if form.errors else queries.contact_log(record.id, form.filters())
    return _render_section(
        "cases/contacts.html",
        record,
        form=form,
        entries=entries,
        filtered=any(value.strip() for value in request.args.values()),
    )


@bp.route("/<int:case_id>/letters")
@allowed(*READERS)
def letters(case_id: int):
    record = _section(case_id, "letters")
    return _render_section("cases/letters.html", record, letters=letter_queries.for_case(record.id))


@bp.route("/<int:case_id>/pre-release")
@allowed(*READERS)
def prerelease(case_id: int):
    record = _section(case_id, "prerelease")
    return _render_section(
        "cases/prerelease.html", record, prerelease=prerelease_queries.for_case_page(record)
    )


@bp.route("/<int:case_id>/prerelease")
@allowed(*READERS)
def prerelease_old(case_id: int):
    return redirect(url_for("cases.prerelease", case_id=case_id), 301)


@bp.route("/<int:case_id>/history")
@allowed(*READERS)
def history(case_id: int):
    record = _section(case_id, "history")
    return _render_section(
        "cases/history.html",
        record,
        events=queries.case_history(record.id, page=page_number()),
    )


@bp.route("/<int:case_id>/dates", methods=["GET", "POST"])
@allowed(*CASEWORK)
def sentence_dates(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    sentence = record.sentence
    form = SentenceDatesForm(obj=sentence if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(sentence.version)
    conflict = None
    if form.validate_on_submit():
        if stale(form, sentence):
            conflict = conflict_rows(form, sentence, list(SENTENCE_DATES))
            take_current_version(form, sentence)
        else:
            try:
                changed = services.change_dates_on_the_page(
                    record, sentence, form.sentence_dates(), form.source.data, current_user
                )
            except Refused as refused:  # refused before anything is written
                refused.show_on(form, "crd")
                return _dates_page(record, form, None)
            except StaleDataError:
                db.session.rollback()
                return _raced("cases.sentence_dates", case_id)
            flash(
                f"{changed} date{'s' if changed != 1 else ''} changed" if changed else "No dates changed",
                "success",
            )
            return redirect(url_for("cases.deadlines", case_id=record.id, _anchor="sentence"))
    return _dates_page(record, form, conflict, status=409 if conflict else 200)


def _dates_page(record, form, conflict, *, address_form=None, status: int = 200):
    """The dates page: the sentence dates, and the offender's proposed release address with its
    history and the zones that failed their checks when it last changed here (`now_failing`)."""
    if form is None:
        # The dates as saved, never read from this request's form (it may be the address form's
        # POST, whose fields would leave every date box empty).
        form = SentenceDatesForm(formdata=None, obj=record.sentence)
        form.version.data = str(record.sentence.version)
    wanted = {int(part) for part in request.args.get("now_failing", "").split(",") if part.isdigit()}
    failing = [zone for zone in prerelease_queries.zones_of_case(record.id) if zone.id in wanted]
    return render_template(
        "cases/sentence_dates.html",
        form=form,
        case=record,
        conflict=conflict,
        address_form=address_form or ReleaseAddressForm(),
        withdraw_form=WithdrawReleaseAddressForm(),
        address_history=prerelease_queries.release_address_history(record.id),
        address_sources=dict(AddressSource.choices()),
        now_failing=failing,
    ), status


@bp.route("/<int:case_id>/dates/release-address", methods=["POST"])
@allowed(*CASEWORK)
def release_address(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    address_form = ReleaseAddressForm()
    given = (address_form.release_street.data, address_form.release_postcode.data)
    if address_form.validate_on_submit():
        try:
            recorded = release_addresses.record(
                record, *given, address_form.release_given_on.data, AddressSource.DATES_PAGE, current_user
            )
        except release_addresses.AddressRefused as refused:
            problems = refused.problems
        except Refused as refused:
            refused.show_on(address_form, "release_postcode")
            problems = []
        else:
            return _address_changed(record, recorded, "Proposed release address saved")
    else:
        # A date that does not exist: the other fields' problems are shown with it.
        _address, problems = release_addresses.check(record, *given, None)
        problems = [problem for problem in problems if problem.field != "given_on"]
    for problem in problems:
        Refused(problem.message, f"release_{problem.field}").show_on(address_form, "release_postcode")
    return _dates_page(record, None, None, address_form=address_form)


@bp.route("/<int:case_id>/dates/release-address/withdraw", methods=["POST"])
@allowed(*CASEWORK)
def withdraw_release_address(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    if not WithdrawReleaseAddressForm().validate_on_submit():
        abort(400)
    try:
        recorded = release_addresses.withdraw(record, AddressSource.DATES_PAGE, current_user)
    except Refused as refused:
        flash(refused.message)
        return redirect(url_for("cases.sentence_dates", case_id=record.id, _anchor="release-address"))
    return _address_changed(record, recorded, "Proposed release address withdrawn")


def _address_changed(record, recorded, done: str):
    if not recorded.changed:
        flash("The proposed release address is the one already recorded: nothing changed", "success")
    else:
        flash(done, "success")
    failing = ",".join(str(zone.id) for zone in recorded.now_failing)
    return redirect(
        url_for(
            "cases.sentence_dates",
            case_id=record.id,
            _anchor="release-address",
            **({"now_failing": failing} if failing else {}),
        )
    )


def _raced(endpoint: str, case_id: int, **kwargs):
    flash(
        "Someone else saved a change at the same moment. Nothing you entered was saved – "
        "check the page and try again."
    )
    return redirect(url_for(endpoint, case_id=case_id, **kwargs))


@bp.route("/<int:case_id>/scheme", methods=["GET", "POST"])
@allowed(Role.SPO)
def change_scheme(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    if record.status != CaseStatus.OPEN:
        abort(404)
    try:
        computed = services.computed_eligibility(record)
    except Refused:  # a sentence recorded before its details were checked
        computed = None
    form = SchemeForm()
    form.scheme.choices = options(
        [
            (
                scheme.value,
                f"{scheme.label} (worked out from the offence and sentence)"
                if computed and scheme == computed.scheme
                else scheme.label,
            )
            for scheme in Scheme
        ]
    )
    if request.method == "GET":
        form.version.data = str(record.version)
    conflict = None
    if form.validate_on_submit():
        if stale(form, record):
            db.session.refresh(record)
            chosen = Scheme(form.scheme.data).label
            conflict = [ConflictRow("Scheme", record.scheme_label, chosen)]
            take_current_version(form, record)
        else:
            try:
                services.change_scheme(record, form.scheme.data, form.reason.data, current_user)
            except Refused as refused:
                refused.show_on(form, "scheme")
            except StaleDataError:
                db.session.rollback()
                return _raced("cases.change_scheme", case_id)
            else:
                flash(f"Scheme changed to {record.scheme_label}", "success")
                return redirect(url_for("cases.case", case_id=record.id))
    status = 409 if conflict else 200
    return (
        render_template("cases/scheme.html", form=form, case=record, computed=computed, conflict=conflict),
        status,
    )


@bp.route("/<int:case_id>/allocate", methods=["GET", "POST"])
@allowed(Role.SPO)
def allocate(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    vlos = staff_queries.team_vlos(record.team_id)
    form = AllocateForm()
    form.vlo.choices = options([(str(vlo.id), vlo.name) for vlo in vlos], "Choose a victim liaison officer")
    if request.method == "GET":
        form.version.data = str(record.version)
    conflict = None
    if form.validate_on_submit():
        if stale(form, record):
            db.session.refresh(record)
            current = record.allocated_vlo.name if record.allocated_vlo_id else "Nobody"
            chosen = next((vlo.name for vlo in vlos if str(vlo.id) == form.vlo.data), "")
            conflict = [ConflictRow("Allocated to", current, chosen)]
            take_current_version(form, record)
        else:
            vlo = staff_queries.find_user(int(form.vlo.data))
            try:
                services.allocate(record, vlo, form.reason.data.strip(), current_user)
            except Refused as refused:
                refused.show_on(form, "vlo")
            except StaleDataError:
                db.session.rollback()
                return _raced("cases.allocate", case_id)
            else:
                flash(f"Case allocated to {vlo.name}", "success")
                return redirect(url_for("cases.team_cases"))
    status = 409 if conflict else 200
    return render_template("cases/allocate.html", form=form, case=record, conflict=conflict), status


@bp.route("/<int:case_id>/contacts/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def add_contact(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    form = ContactForm()
    form.person.choices = options(
        [(str(person.id), f"{person.full_name} ({person.relationship_label})") for person in record.people],
        "Not about one person",
    )
    if form.validate_on_submit():
        try:
            services.add_contact(
                record,
                occurred_at=form.occurred_at(),
                method=form.method.data,
                direction=form.direction.data,
                outcome=form.outcome.data or ContactOutcome.MADE,
                summary=form.summary.data.strip(),
                person_id=int(form.person.data) if form.person.data else None,
                user=current_user,
            )
        except Refused as refused:
            refused.show_on(form, "summary")
        else:
            flash("Contact added", "success")
            return redirect(url_for("cases.contacts", case_id=record.id))
    return render_template("cases/add_contact.html", form=form, case=record)


# -- the case's life: close, reopen, transfer --------------------------------------------------------


def _lifecycle(record, facts: dict) -> dict:
    """What templates/cases/_lifecycle.html shows: the actions the user may take, a transfer
    waiting, the last one declined, and the closures and reopenings. `facts`:
    queries.lifecycle_facts, read with the case (each list is read only when it has rows)."""
    spo = current_user.role == Role.SPO and current_user.team_id == record.team_id
    is_open = record.status == CaseStatus.OPEN
    transfer = queries.latest_transfer(record.id) if is_open and facts["transfer_id"] else None
    pending = transfer is not None and transfer.status == TransferStatus.PENDING
    return {
        "can_close": is_open and services.can_close(record, current_user),
        "can_reopen": not is_open and spo,
        "can_transfer": is_open and spo,
        "pending": transfer if pending else None,
        "declined": transfer if transfer is not None and not pending and spo else None,
        "history": queries.status_history(record.id) if facts["status_changes"] else [],
    }


def _change_status(record, form, *, endpoint: str, template: str, becomes: str, change, done):
    """The close and reopen pages: a form carrying the case's version, so that a change someone
    else saved first shows as a conflict (409) rather than being overwritten. `change()` applies
    it; `done()` is the message once it has."""
    if request.method == "GET":
        form.version.data = str(record.version)
    conflict = None
    if form.validate_on_submit():
        if stale(form, record):
            db.session.refresh(record)
            conflict = [ConflictRow("Status", record.status_label, becomes)]
            take_current_version(form, record)
        else:
            try:
                change()
            except Refused as refused:
                refused.show_on(form, "reason")
            except StaleDataError:
                db.session.rollback()
                return _raced(endpoint, record.id)
            else:
                flash(done(), "success")
                return redirect(url_for("cases.case", case_id=record.id))
    status = 409 if conflict else 200
    return render_template(template, form=form, case=record, conflict=conflict), status


@bp.route("/<int:case_id>/close", methods=["GET", "POST"])
@allowed(*CASEWORK)
def close(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    if record.status != CaseStatus.OPEN or not services.can_close(record, current_user):
        abort(404)
    form = CloseCaseForm()
    return _change_status(
        record,
        form,
        endpoint="cases.close",
        template="cases/close.html",
        becomes="Closed",
        change=lambda: services.close_case(record, form.reason.data, form.details.data or "", current_user),
        done=lambda: f"Case closed: {ClosureReason(record.closed_reason).label}",
    )


@bp.route("/<int:case_id>/reopen", methods=["GET", "POST"])
@allowed(Role.SPO)
def reopen(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    if record.status != CaseStatus.CLOSED:
        abort(404)
    form = ReopenCaseForm()
    return _change_status(
        record,
        form,
        endpoint="cases.reopen",
        template="cases/reopen.html",
        becomes="Open",
        change=lambda: services.reopen_case(record, form.reason.data, current_user),
        done=lambda: "Case reopened",
    )


@bp.route("/<int:case_id>/transfer", methods=["GET", "POST"])
@allowed(Role.SPO)
def transfer(case_id: int):
    record = queries.case_for_change(case_id, current_user)
    if record.status != CaseStatus.OPEN:
        abort(404)
    teams = queries.teams_to_transfer_to(current_user)
    form = TransferForm()
    form.team.choices = options(
        [(str(team.id), f"{team.name} ({region})") for team, region in teams], "Choose a team"
    )
    if form.validate_on_submit():
        chosen = next((team for team, _region in teams if str(team.id) == form.team.data), None)
        try:
            services.request_transfer(record, chosen, form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "team")
        else:
            flash(f"Transfer asked for: {chosen.name} will accept or decline it", "success")
            return redirect(url_for("cases.case", case_id=record.id))
    return render_template("cases/transfer.html", form=form, case=record)


@bp.route("/<int:case_id>/transfers/<int:transfer_id>/withdraw", methods=["POST"])
@allowed(Role.SPO)
def withdraw_transfer(case_id: int, transfer_id: int):
    record = queries.case_for_change(case_id, current_user)
    request_ = queries.transfer_of_case(transfer_id, record.id)
    try:
        services.withdraw_transfer(request_, record, current_user)
    except Refused as refused:
        flash(refused.message)
    else:
        flash("Transfer withdrawn", "success")
    return redirect(url_for("cases.case", case_id=record.id))


@bp.route("/transfers/<int:transfer_id>", methods=["GET", "POST"])
@allowed(Role.SPO)
def decide_transfer(transfer_id: int):
    row = queries.transfer_for_receiver(transfer_id, current_user)
    form = TransferDecisionForm()
    if form.validate_on_submit():
        record = queries.case_for_transfer(row.transfer.case_id)
        try:
            if form.decision.data == "accept":
                services.accept_transfer(row.transfer, record, current_user)
            else:
                services.decline_transfer(row.transfer, record, form.reason.data or "", current_user)
        except Refused as refused:
            refused.show_on(form, "reason" if form.decision.data == "decline" else "decision")
        except StaleDataError:
            db.session.rollback()
            flash("Someone else changed this case at the same moment. Check it and try again.")
            return redirect(url_for("work.team_work"))
        else:
            if row.transfer.status == TransferStatus.ACCEPTED:
                flash(
                    f"Case accepted: {row.offender_name} is now in your team’s unallocated cases", "success"
                )
                return redirect(url_for("cases.case", case_id=record.id))
            flash("Transfer declined", "success")
            return redirect(url_for("work.team_work"))
    return render_template("cases/decide_transfer.html", form=form, row=row, sentence_dates=SENTENCE_DATES)


# --- Needs added by hand (issue 14, item 3) ----------------------------------------------------------


@bp.route("/<int:case_id>/needs/new", methods=["GET", "POST"])
@allowed(Role.SPO)
def add_need(case_id: int):
    record = queries.case_for_page(case_id, current_user, "letters")
    if record.status != CaseStatus.OPEN:
        abort(404)
    form = AddNeedForm()
    if form.validate_on_submit():
        try:
            case_needs.add_need(record, form.need.data, form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "need")
        else:
            flash("Need added", "success")
            return redirect(url_for("cases.case", case_id=record.id, _anchor="needs"))
    return render_template("cases/add_need.html", case=record, form=form)


@bp.route("/<int:case_id>/needs/<int:need_id>/remove", methods=["GET", "POST"])
@allowed(Role.SPO)
def remove_need(case_id: int, need_id: int):
    record = queries.case_for_page(case_id, current_user, "letters")
    need = case_needs.need_record_for(record.id, need_id)
    if need is None or record.status != CaseStatus.OPEN:
        abort(404)
    form = RemoveNeedForm()
    if form.validate_on_submit():
        try:
            case_needs.remove_need(record, need, form.reason.data, current_user)
        except Refused as refused:
            refused.show_on(form, "reason")
        else:
            flash(f"“{need.need.label}” removed", "success")
            return redirect(url_for("cases.case", case_id=record.id, _anchor="needs"))
    return render_template("cases/remove_need.html", case=record, need=need, form=form)
