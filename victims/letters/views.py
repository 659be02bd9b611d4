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
    if request.method == "GET":
        form.large_print.data = "yes" if record.large_print else "no"
        form.channel.data = record.channel
    elif form.validate_on_submit():
        try:
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
            db.session.rollback()
            flash("Someone else changed this letter at the same moment. Check it and try again.")
            return redirect(url_for("letters.letter", letter_id=letter_id))
        else:
            flash("Draft saved", "success")
            return redirect(url_for("letters.letter", letter_id=letter_id, _anchor="checks"))
    results = services.check_letter(record)
    return render_template(
        "letters/letter.html",
        letter=record,
        case=case,
        person=people_queries.person_for_change(record.case_id, record.person_id),
        form=form,
        texts=texts,
        errors=errors,
        error_list=[{"text": message, "href": f"#{key}"} for key, message in errors.items()],
        template_version=queries.template_version(record),
        address_shown=reveals.revealed(record.person_id),
        results=results,
        passed=services.passes(results),
        max_length=services.FREE_SECTION_MAX,
        can_countersign=record.status == LetterStatus.AWAITING_COUNTERSIGN
        and current_user.role == Role.SPO
        and current_user.id != record.created_by_id,
    )


def _run(letter_id: int, action, message):
    """Do `action` to the letter and say how it went; the letter, or None if it was refused."""
    record, _case = queries.letter_for(letter_id, current_user)
    try:
        outcome = action(record)
    except Refused as refused:
        flash(refused.message)
        return None
    except StaleDataError:
        db.session.rollback()
        flash("Someone else changed this letter at the same moment. Check it and try again.")
        return None
    flash(message(outcome) if callable(message) else message, "success")
    return record


def _to_letter(letter_id: int):
    return redirect(url_for("letters.letter", letter_id=letter_id))


@bp.route("/letters/<int:letter_id>/refresh", methods=["POST"])
@allowed(*CASEWORK)
def refresh(letter_id: int):
    _run(
        letter_id, lambda r: services.refresh(r, current_user), "The letter now uses the case record as it is"
    )
    return _to_letter(letter_id)


def _approved_message(approved: bool) -> str:
    if approved:
        return "Letter approved: it is being sent"
    return "Letter sent to a senior probation officer for countersigning"


@bp.route("/letters/<int:letter_id>/approve", methods=["POST"])
@allowed(*CASEWORK)
def approve(letter_id: int):
    _run(letter_id, lambda r: services.approve(r, current_user), _approved_message)
    return _to_letter(letter_id)


@bp.route("/letters/<int:letter_id>/countersign", methods=["POST"])
@allowed(Role.SPO)
def countersign(letter_id: int):
    _run(letter_id, lambda r: services.countersign(r, current_user), "Countersigned: it is being sent")
    return _to_letter(letter_id)


@bp.route("/letters/<int:letter_id>/send-back", methods=["POST"])
@allowed(Role.SPO)
def send_back(letter_id: int):
    if _run(letter_id, lambda r: services.send_back(r, current_user), "Returned to its writer as a draft"):
        return redirect(url_for("work.team_work"))
    return _to_letter(letter_id)


@bp.route("/letters/<int:letter_id>/cancel", methods=["POST"])
@allowed(*CASEWORK)
def cancel(letter_id: int):
    record = _run(letter_id, lambda r: services.cancel(r, current_user), "Letter cancelled")
    if record is not None:
        return redirect(url_for("cases.case", case_id=record.case_id, _anchor="letters"))
    return _to_letter(letter_id)


RETURNED = "Recorded as returned: the victim is flagged “contact lost” and a task to find them has been made"


@bp.route("/letters/<int:letter_id>/returned", methods=["POST"])
@allowed(*CASEWORK)
def returned(letter_id: int):
    _run(letter_id, lambda r: sending.record_returned(r, current_user), RETURNED)
    return _to_letter(letter_id)


@bp.route("/letters/<int:letter_id>/send-again", methods=["POST"])
@allowed(Role.SPO)
def send_again(letter_id: int):
    """A held letter (Team work): the SPO has checked with Notify that it did not go."""
    _run(letter_id, lambda r: sending.send_again(r, current_user), "The letter will be sent again")
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
