from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from victims.cases import queries as case_queries
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.vocabulary import CaseStatus, Role
from victims.extensions import db
from victims.letters import queries, sending, services
from victims.letters.forms import NewLetterForm, OptionsForm
from victims.people import queries as people_queries
from victims.refusals import Refused
from victims.web import reveals
from victims.web.conflicts import ConflictRow, stale, take_current_version
from victims.web.forms import options
from victims.web.security import allowed

bp = Blueprint("letters", __name__)

CASEWORK = (Role.VLO, Role.SPO)


@bp.route("/cases/<int:case_id>/letters/new", methods=["GET", "POST"])
@allowed(*CASEWORK)
def new(case_id: int):
    case = case_queries.case_for_change(case_id, current_user)
    if case.status != CaseStatus.OPEN:
        abort(404)
    people = [person for person in case.people]
    form = NewLetterForm()
    form.person.choices = options([(str(p.id), f"{p.full_name} ({p.relationship_label})") for p in people])
    if request.method == "GET" and request.args.get("person"):
        form.person.data = request.args["person"]
    if request.method == "GET" and request.args.get("type") in {member.value for member in LetterType}:
        form.letter_type.data = request.args["type"]
    if form.validate_on_submit():
        person = next((p for p in people if str(p.id) == form.person.data), None)
        if person is None:
            form.person.errors.append("Choose who the letter is to")
        else:
            letter = services.start_draft(case, person, LetterType(form.letter_type.data), current_user)
            return redirect(url_for("letters.letter", letter_id=letter.id))
    return render_template("letters/new.html", form=form, case=case)


@bp.route("/letters/<int:letter_id>", methods=["GET", "POST"])
@allowed(*CASEWORK)
def letter(letter_id: int):
    record, case = queries.letter_for(letter_id, current_user)
    form = OptionsForm()
    errors: dict[str, str] = {}
    texts = {
        section.key: request.form.get(f"section_{section.key}", section.body)
        for section in record.sections
        if not section.locked
    }
    conflict = None
    if request.method == "GET":
        form.large_print.data = "yes" if record.large_print else "no"
        form.channel.data = record.channel
        form.version.data = str(record.version)
    elif form.validate_on_submit():
        try:
            if stale(form, record):
                raise StaleDataError  # answered as losing the race to the row is, below
            services.save_draft(
                record,
                texts,
                large_print=form.large_print.data == "yes",
                channel=form.channel.data,
                user=current_user,
            )
        except Refused as refused:
            errors[f"section_{refused.field}" if refused.field else "letter"] = refused.message
        except StaleDataError:
            # Opened at an older version, or another save won the race to the row: keep what the
            # user wrote in the form, show it beside the letter as now saved, and let the next
            # save go on top of that.
            db.session.rollback()
            record, case = queries.letter_for(letter_id, current_user)
            conflict = _conflict(record, texts, form)
            take_current_version(form, record)
        else:
            flash("Draft saved", "success")
            return redirect(url_for("letters.letter", letter_id=letter_id, _anchor="checks"))
    return _page(record, case, form=form, texts=texts, errors=errors, conflict=conflict)


def _conflict(record, texts: dict[str, str], form: OptionsForm) -> list[ConflictRow]:
    """The free sections, print size and channel where the letter as now saved differs from
    what the user is trying to save."""
    rows = []
    for section in record.sections:
        if section.locked or section.key not in texts:
            continue
        yours = services.normalised_text(texts[section.key])
        if yours != section.body:
            rows.append(ConflictRow(section.heading, section.body or "Not given", yours or "Not given"))
    sizes = {True: "Large print", False: "Standard print"}
    if form.large_print.data in ("yes", "no") and (form.large_print.data == "yes") != record.large_print:
        rows.append(
            ConflictRow("Print size", sizes[record.large_print], sizes[form.large_print.data == "yes"])
        )
    channels = {"post": "By post", "email": "By email"}
    if form.channel.data in channels and form.channel.data != record.channel:
        rows.append(ConflictRow("Send it", channels[record.channel], channels[form.channel.data]))
    return rows


def _page(record, case, *, form=None, texts=None, errors=None, conflict=None, changed=None):
    """The letter page; a 409 when the user's form was for an older version of the letter."""
    if form is None:
        form = OptionsForm(formdata=None)
        form.large_print.data = "yes" if record.large_print else "no"
        form.channel.data = record.channel
        form.version.data = str(record.version)
    if texts is None:
        texts = {section.key: section.body for section in record.sections if not section.locked}
    errors = dict(errors or {})
    for name, messages in form.errors.items():  # a print size or channel not chosen
        errors.setdefault(name, messages[0])
    results = services.check_letter(record)
    page = render_template(
        "letters/letter.html",
        letter=record,
        case=case,
        person=people_queries.person_for_change(record.case_id, record.person_id),
        form=form,
        texts=texts,
        errors=errors,
        error_list=[{"text": message, "href": f"#{key}"} for key, message in errors.items()],
        conflict=conflict,
        changed=changed,
        template_version=queries.template_version(record),
        address_shown=reveals.revealed(record.person_id),
        results=results,
        passed=services.passes(results),
        warnings=services.warnings_in(results),
        to_senior=services.needs_senior(results, current_user),
        max_length=services.FREE_SECTION_MAX,
        can_countersign=record.status == LetterStatus.AWAITING_COUNTERSIGN
        and current_user.role == Role.SPO
        and current_user.id != record.created_by_id,
    )
    return page, 409 if conflict is not None or changed else 200


def _run(letter_id: int, action, message, *, not_done: str | None, then=None):
    """Do `action` to the letter and say how it went, then go to `then(letter)` (the letter's page
    by default). With `not_done`, the action is on the letter as the user saw it: the form must
    carry the version shown, and a letter changed since is shown again (409), saying that it
    was `not_done`, rather than acted on unread."""
    record, case = queries.letter_for(letter_id, current_user)
    try:
        if not_done and request.form.get("version", "") != str(record.version):
            raise StaleDataError  # answered as losing the race to the row is, below
        outcome = action(record)
    except Refused as refused:
        flash(refused.message)
        return _to_letter(letter_id)
    except StaleDataError:
        db.session.rollback()
        if not not_done:
            flash("Someone else changed this letter at the same moment. Check it and try again.")
            return _to_letter(letter_id)
        record, case = queries.letter_for(letter_id, current_user)
        return _page(record, case, changed=not_done)
    flash(message(outcome) if callable(message) else message, "success")
    return then(record) if then else _to_letter(letter_id)


def _to_letter(letter_id: int):
    return redirect(url_for("letters.letter", letter_id=letter_id))


@bp.route("/letters/<int:letter_id>/refresh", methods=["POST"])
@allowed(*CASEWORK)
def refresh(letter_id: int):
    return _run(
        letter_id,
        lambda r: services.refresh(r, current_user),
        "The letter now uses the case record as it is",
        not_done="It has not been refreshed",
    )


def _acknowledged() -> bool:
    """The approver ticked that they have read what is under "Check before approving"."""
    return request.form.get("acknowledged") == "yes"


def _approved_message(approved: bool) -> str:
    if approved:
        return "Letter approved: it is being sent"
    return "Letter sent to a senior probation officer for countersigning"


@bp.route("/letters/<int:letter_id>/approve", methods=["POST"])
@allowed(*CASEWORK)
def approve(letter_id: int):
    return _run(
        letter_id,
        lambda r: services.approve(r, current_user, acknowledged=_acknowledged()),
        _approved_message,
        not_done="Nothing has been approved or sent",
    )


@bp.route("/letters/<int:letter_id>/countersign", methods=["POST"])
@allowed(Role.SPO)
def countersign(letter_id: int):
    return _run(
        letter_id,
        lambda r: services.countersign(r, current_user, acknowledged=_acknowledged()),
        "Countersigned: it is being sent",
        not_done="It has not been countersigned",
    )


@bp.route("/letters/<int:letter_id>/send-back", methods=["POST"])
@allowed(Role.SPO)
def send_back(letter_id: int):
    return _run(
        letter_id,
        lambda r: services.send_back(r, current_user),
        "Returned to its writer as a draft",
        not_done="It has not been returned",
        then=lambda r: redirect(url_for("work.team_work")),
    )


@bp.route("/letters/<int:letter_id>/cancel", methods=["POST"])
@allowed(*CASEWORK)
def cancel(letter_id: int):
    return _run(
        letter_id,
        lambda r: services.cancel(r, current_user),
        "Letter cancelled",
        not_done="It has not been cancelled",
        then=lambda r: redirect(url_for("cases.letters", case_id=r.case_id)),
    )


RETURNED = "Recorded as returned: the victim is flagged “contact lost” and a task to find them has been made"


# Returned mail and sending a held letter again act on where the letter went, not on its words
# (which cannot change once it is approved), and Notify's delivery updates move a sent letter's
# version on: they carry no version.


@bp.route("/letters/<int:letter_id>/returned", methods=["POST"])
@allowed(*CASEWORK)
def returned(letter_id: int):
    return _run(letter_id, lambda r: sending.record_returned(r, current_user), RETURNED, not_done=None)


@bp.route("/letters/<int:letter_id>/send-again", methods=["POST"])
@allowed(Role.SPO)
def send_again(letter_id: int):
    """A held letter (Team work): the SPO has checked with Notify that it did not go."""
    _run(
        letter_id,
        lambda r: sending.send_again(r, current_user),
        "The letter will be sent again",
        not_done=None,
    )
    return redirect(url_for("work.team_work", _anchor="held"))


@bp.route("/letters/<int:letter_id>/letter.pdf")
@allowed(*CASEWORK)
def pdf(letter_id: int):
    record, case = queries.letter_for(letter_id, current_user)
    # A letter carries the recipient's address (or email address): whole only after a reveal.
    shown = reveals.revealed(record.person_id)
    try:
        content = services.pdf_for(record, case, current_user, address_shown=shown)
    except Refused as refused:
        flash(refused.message)
        return redirect(url_for("letters.letter", letter_id=letter_id, _anchor="checks"))
    final = record.status == LetterStatus.SENT or record.pdf_base64
    name = f"letter-{record.id}{'' if final else '-preview'}{'' if shown else '-address-hidden'}.pdf"
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@bp.route("/letters/<int:letter_id>/reveal", methods=["GET", "POST"])
@allowed(*CASEWORK)
def reveal(letter_id: int):
    record, case = queries.letter_for(letter_id, current_user)
    person = people_queries.person_for_change(record.case_id, record.person_id)
    back = url_for("letters.letter", letter_id=record.id)
    what = "email address" if record.channel == "email" else "address"
    showing = reveals.Showing(
        f"Show the {what} on this letter", f"Show the {what}", back, f"letter {record.id}"
    )
    return reveals.reveal_page(case, person, showing, lambda: redirect(back))
