"""Letters: drafting from a template, the quality check, approval (with countersigning) and the
PDF. Sending, and what happens after, is victims.letters.sending; the templates' versions are
victims.letters.template_versions.

Every way to approve or send a letter goes through `check_letter`, and the sending task checks
again just before it calls Notify, so no path — form, API, template edit or crafted request —
sends a letter that fails the check (above all, an initial-contact or pre-release letter without
its "If the offender contacts you" section). An approved letter is handed to a worker once the
approval is committed (victims.jobs).
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from victims import clock, jobs
from victims.audit import services as audit
from victims.cases.models import Case, Offender, Sentence
from victims.domain import coming_of_age, disclosure, letter_check
from victims.domain import deadlines as deadline_rules
from victims.domain import letters as rules
from victims.domain import prerelease as request_rules
from victims.domain.disclosure.normalise import words as disclosure_words
from victims.domain.letters import (
    YOUR_REQUESTS,
    LetterStatus,
    LetterType,
    Section,
)
from victims.domain.prerelease import ConditionType, Stage
from victims.domain.vocabulary import (
    SENTENCE_DATES,
    CaseStatus,
    ContactLevel,
    Relationship,
    Role,
    letter_channel,
)
from victims.extensions import db
from victims.feedback import services as feedback
from victims.feedback.texts import LETTER_SECTION
from victims.letters import defaults, template_versions
from victims.letters.models import Letter, LetterTemplate
from victims.letters.pdf import AddressTooLong, PrintableLetter, lines_too_wide, render_pdf, split_to_fit
from victims.people import services as people
from victims.people.models import Person
from victims.prerelease import queries as prerelease_queries
from victims.prerelease.models import ConditionRequest, ReleaseAddress
from victims.printing import DRAFT_MARK
from victims.refusals import Refused
from victims.staff.models import Team, User

log = logging.getLogger(__name__)

FREE_SECTION_MAX = 3000  # characters in a section the VLO writes
RELEASE_DATE_FIELDS = ("crd", "ard", "ped", "hdced", "prrd")


# -- the facts a letter is filled from -----------------------------------------------------------------


def letter_vlo(case: Case, fallback: User) -> User:
    """The VLO whose name and direct line go in the letter: the case's, else whoever writes it."""
    if case.allocated_vlo_id:
        vlo = db.session.get(User, case.allocated_vlo_id)
        if vlo is not None and vlo.active:
            return vlo
    return fallback


def _address(person: Person) -> str:
    lines = [person.address_line_1, person.address_line_2, person.address_town, person.address_postcode]
    return "\n".join(line.strip() for line in lines if line and line.strip())


def current_facts(letter: Letter, vlo: User) -> dict[str, str]:
    """The case as it is now, as the letter uses it."""
    case = db.session.get(Case, letter.case_id)
    person = db.session.get(Person, letter.person_id)
    victim = db.session.get(Person, person.acting_for_id) if person.acting_for_id else person
    offender = db.session.get(Offender, db.session.get(Sentence, case.sentence_id).offender_id)
    sentence = db.session.get(Sentence, case.sentence_id)
    release = deadline_rules.earliest_release_date(
        {key: getattr(sentence, key) for key in ("crd", "ped", "hdced")}
    )
    team = db.session.get(Team, case.team_id)
    return {
        "recipient_name": person.full_name,
        "address": _address(person),
        "email": person.email or "",
        "victim_name": victim.full_name,
        "offender_name": offender.full_name,
        "release_month": rules.month_name(release, letter.language) if release else "",
        "vlo_name": vlo.name,
        "vlo_phone": vlo.phone or "",
        "vlo_email": vlo.email,
        "unit_name": team.name,
    }


def fill_values(letter: Letter, on: date | None = None) -> dict[str, str]:
    values = {key: value for key, value in letter.facts.items() if key not in ("address", "email")}
    values["today"] = rules.long_date(on or clock.today(), letter.language)
    return values


def filled_sections(letter: Letter, on: date | None = None) -> list[tuple[str, str, Section]]:
    """(heading, filled body, section) for every section, as it will be printed."""
    values = fill_values(letter, on)
    return [(rules.fill(s.heading, values), rules.fill(s.body, values), s) for s in letter.sections]


# -- the outcome letter's requests (issue 17) ------------------------------------------------------


def requests_reported(person: Person) -> list[ConditionRequest]:
    """The requests an outcome letter to `person` reports: theirs, and those of the victim they
    act for (a parent or guardian)."""
    people = {person.id} | ({person.acting_for_id} if person.acting_for_id else set())
    return prerelease_queries.requests_of_people(person.case_id, people)


def outcome_sentence(request: ConditionRequest, language: str) -> str | None:
    """How the outcome letter reports the request, unfilled (None while it has no outcome). Only
    "not included" records a reason (victims.prerelease.services.step)."""
    if not request_rules.has_outcome(request.stage_enum):
        return None
    return rules.outcome_sentence(
        defaults.outcome_sentences(language),
        zone=request.type_enum is ConditionType.EXCLUSION_ZONE,
        included=request.outcome_reason is None,
        wording=request.wording or "",
        reason=request.outcome_reason or "",
    )


def _report(request: ConditionRequest, language: str) -> letter_check.RequestReport:
    return letter_check.RequestReport(
        name=f"request {request.id} ({request.type_enum.label})",
        sent=request_rules.ORDER[request.stage_enum] >= request_rules.ORDER[Stage.SENT],
        sentence=outcome_sentence(request, language),
    )


def with_outcomes(sections: list[Section], requests: list[ConditionRequest], language: str) -> list[Section]:
    """The outcome letter's sections with "Your requests" drafted: a paragraph for each request
    with an outcome, before what the template says there."""
    sentences = [sentence for request in requests if (sentence := outcome_sentence(request, language))]
    if not sentences:
        return sections
    return [
        replace(section, body="\n\n".join([*sentences, section.body.strip()]).strip())
        if section.key == YOUR_REQUESTS and not section.locked
        else section
        for section in sections
    ]


def told_by(letter: Letter) -> list[ConditionRequest]:
    """The requests an outcome letter told the victim about: those with an outcome whose
    sentence the letter has."""
    if letter.type_enum is not LetterType.LICENCE_CONDITIONS_OUTCOME:
        return []
    text = disclosure_words("\n\n".join(section.body for section in letter.sections))
    found = []
    for request in requests_reported(db.session.get(Person, letter.person_id)):
        sentence = outcome_sentence(request, letter.language)
        if sentence and letter_check.contains(text, disclosure_words(sentence)):
            found.append(request)
    return found


# -- drafting ------------------------------------------------------------------------------------------


def _is_child(person: Person, on: date) -> bool:
    return coming_of_age.is_child(person.date_of_birth, on)


def _acts_for_adult(person: Person, everyone, on: date) -> str | None:
    """For a parent or guardian, the name of the victim they act for if that victim is now 18."""
    if person.relationship_ != Relationship.PARENT_GUARDIAN or person.acting_for_id is None:
        return None
    victim = next((other for other in everyone if other.id == person.acting_for_id), None)
    if victim is None or victim.date_of_birth is None or _is_child(victim, on):
        return None
    return victim.full_name


def start_draft(case: Case, person: Person, letter_type: LetterType, user: User) -> Letter:
    if person.case_id != case.id:
        raise Refused("Choose a person on this case", field="person")
    template = template_versions.current_template(letter_type, person.language)
    now = clock.utcnow()
    letter = Letter(
        case_id=case.id,
        person_id=person.id,
        letter_type=letter_type.value,
        language=person.language,
        large_print=person.large_print,
        channel=letter_channel(person.channel),  # telephone: letters go by post
        template_id=template.id,
        title=template.title,
        status=LetterStatus.DRAFT,
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
    )
    sections = template.sections
    if letter_type is LetterType.LICENCE_CONDITIONS_OUTCOME:
        sections = with_outcomes(sections, requests_reported(person), person.language)
    letter.sections = sections
    letter.facts = current_facts(letter, letter_vlo(case, user))
    db.session.add(letter)
    db.session.flush()
    audit.record(
        "letter_drafted",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={
            "letter_type": letter_type.value,
            "person_id": person.id,
            "template_version": template.version,
        },
        user=user,
    )
    return letter


def normalised_text(text: str) -> str:
    """A free section as it is kept: line endings as the browser may send them, made plain."""
    return text.replace("\r\n", "\n").strip()


def save_draft(letter: Letter, texts: dict[str, str], *, large_print: bool, channel: str, user: User) -> None:
    """Keep the VLO's words for the free sections. Locked sections are never taken from the
    form: a crafted request that sends one changes nothing."""
    if not letter.editable:
        raise Refused("This letter can no longer be changed")
    if channel not in ("post", "email"):
        raise Refused("Choose how the letter is sent", field="channel")
    sections = []
    for section in letter.sections:
        if not section.locked and section.key in texts:
            body = normalised_text(texts[section.key])
            if len(body) > FREE_SECTION_MAX:
                raise Refused(
                    f"“{section.heading}” must be {FREE_SECTION_MAX} characters or fewer", field=section.key
                )
            section = replace(section, body=body)  # its guidance stays beside it, never in it
        sections.append(section)
    letter.sections = sections
    letter.large_print = large_print
    letter.channel = channel
    letter.status = LetterStatus.DRAFT
    letter.problem = None
    letter.updated_at = clock.utcnow()
    db.session.flush()


def refresh(letter: Letter, user: User) -> None:
    """Take the case's facts as they are now (the VLO has read the letter again)."""
    if not letter.editable:
        raise Refused("This letter can no longer be changed")
    case = db.session.get(Case, letter.case_id)
    letter.facts = current_facts(letter, letter_vlo(case, user))
    letter.updated_at = clock.utcnow()
    db.session.flush()


# -- the quality check ---------------------------------------------------------------------------------


def check_letter(letter: Letter, on: date | None = None) -> list[letter_check.CheckResult]:
    today = on or clock.today()
    case = db.session.get(Case, letter.case_id)
    person = db.session.get(Person, letter.person_id)
    sentence = db.session.get(Sentence, case.sentence_id)
    offender = db.session.get(Offender, sentence.offender_id)
    drafter = db.session.get(User, letter.created_by_id)
    template = db.session.get(LetterTemplate, letter.template_id)
    everyone = db.session.scalars(select(Person).where(Person.case_id == case.id)).all()
    printed = [("The title", letter.title)] + [
        (f"“{heading}”", body) for heading, body, _ in filled_sections(letter, today)
    ]
    # The address block exactly as approval prints it (`_approve`), measured for the window.
    address_lines = [line.strip() for line in printable(letter, today).address_lines]
    facts = letter_check.LetterFacts(
        letter_type=letter.type_enum,
        language=letter.language,
        large_print=letter.large_print,
        channel=letter.channel,
        recipient=letter_check.Recipient(
            person_id=person.id,
            name=person.full_name,
            relationship=Relationship(person.relationship_),
            contact_level=ContactLevel(person.contact_level),
            channel=person.channel,
            language=person.language,
            large_print=person.large_print,
            contact_lost=person.contact_lost,
            has_postal_address=bool(person.address_line_1 and person.address_postcode),
            has_email=bool(person.email),
            is_child=_is_child(person, today),
            acts_for_adult=_acts_for_adult(person, everyone, today),
        ),
        sections=letter.sections,
        template_sections=template.sections,
        drafted_facts=letter.facts,
        current_facts=current_facts(letter, letter_vlo(case, drafter)),
        printed=printed,
        protected=protected_from_victim(
            sentence, offender, person, everyone, prerelease_queries.release_address_history(case.id)
        ),
        other_names=[other.full_name for other in _others(person, everyone)],
        address_lines=address_lines,
        address_too_wide=lines_too_wide(address_lines),
        letterhead_missing=_letterhead_missing(db.session.get(Team, case.team_id)),
        requests=[_report(request, letter.language) for request in requests_reported(person)]
        if letter.type_enum is LetterType.LICENCE_CONDITIONS_OUTCOME
        else [],
    )
    return letter_check.check(facts)


def _letterhead_missing(team: Team) -> tuple[str, ...]:
    missing = []
    if not team.address_lines:
        missing.append("postal address")
    if not team.telephone:
        missing.append("telephone number")
    return tuple(missing)


def _others(person: Person, everyone) -> list[Person]:
    """The people on the case a letter to `person` must say nothing about: everyone but the
    recipient, whoever they act for, and whoever acts for them."""
    related = {person.id, person.acting_for_id} | {p.id for p in everyone if p.acting_for_id == person.id}
    return [other for other in everyone if other.id not in related]


def protected_from_victim(
    sentence: Sentence,
    offender: Offender,
    person: Person,
    everyone,
    releases: Iterable[ReleaseAddress] = (),
) -> disclosure.Protected:
    """What a letter to `person` must not give away, as structured facts for the one disclosure
    check: the exact release dates, the offender's prison (or office), every release address
    proposed for the offender, the current one and earlier ones alike (street and postcode, issue
    17: an earlier one may be where he goes after all), and the addresses and contact details of
    the other people on the case. The recipient's own town and postcode are not protected from
    them (a neighbour on the case shares them)."""
    own = {disclosure_words(person.address_town or ""), disclosure_words(person.address_postcode or "")}
    dates = tuple(
        disclosure.ProtectedDate(day, f"the offender’s {SENTENCE_DATES[field].split(' (')[0].lower()}")
        for field in RELEASE_DATE_FIELDS
        if (day := getattr(sentence, field))
    )
    whereabouts = tuple(
        disclosure.Whereabouts(
            whose=other.full_name,
            lines=tuple(line for line in (other.address_line_1, other.address_line_2) if line),
            town="" if disclosure_words(other.address_town or "") in own else (other.address_town or ""),
            postcode=""
            if disclosure_words(other.address_postcode or "") in own
            else (other.address_postcode or ""),
            phones=tuple(phone for phone in (other.telephone,) if phone),
            emails=tuple(email for email in (other.email,) if email),
        )
        for other in _others(person, everyone)
    )
    whereabouts += tuple(
        disclosure.Whereabouts(
            whose="the offender",
            place="release address",
            lines=tuple(line for line in (release.street,) if line),
            postcode="" if disclosure_words(release.postcode) in own else release.postcode,
        )
        for release in releases
        if release.postcode  # a withdrawal row holds no address
    )
    prisons = tuple(place for place in (offender.current_location,) if place)
    return disclosure.Protected(dates=dates, prisons=prisons, whereabouts=whereabouts)


def passes(results: list[letter_check.CheckResult]) -> bool:
    return all(result.passed for result in results)


# -- approval --------------------------------------------------------------------------------------------


def _require_passing(letter: Letter) -> list[letter_check.CheckResult]:
    results = check_letter(letter)
    if not passes(results):
        # What is wrong, in the check's own words (each says what and where), so the answer to a
        # refused approval is something the writer can act on.
        problems = [problem for result in results if not result.passed for problem in result.problems]
        raise Refused("The letter has not passed the quality check. " + " ".join(problems))
    return results


def warnings_in(results: list[letter_check.CheckResult]) -> list[str]:
    """What the approver must read and acknowledge before the letter goes ("Check before approving")."""
    return [warning for result in results for warning in result.warnings]


def _acknowledge(letter: Letter, case: Case, warned: list[str], acknowledged: bool, user: User) -> None:
    """A senior probation officer confirms the words under "Check before approving" may go."""
    if not warned:
        return
    if not acknowledged:
        raise Refused(
            "Confirm you have checked the words listed under “Check before approving” and that the "
            "letter may say them"
        )
    audit.record(
        "letter_warnings_acknowledged",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"warnings": len(warned)},  # how many, never the words (they locate someone)
        user=user,
    )


def needs_senior(letter_results: list[letter_check.CheckResult], user: User) -> bool:
    """Whether the user's approval sends the letter to a senior probation officer: they must have
    letters countersigned, or the check has warnings only an SPO may acknowledge."""
    return user.requires_countersign or (bool(warnings_in(letter_results)) and user.role != Role.SPO)


def approve(letter: Letter, user: User, *, acknowledged: bool = False) -> bool:
    """The writer approves the letter. True when it is approved for sending; False when it now
    waits for countersigning (the writer must have a second person approve their letters, or the
    check has warnings that a senior probation officer must acknowledge)."""
    if not letter.editable:
        raise Refused("This letter has already been approved")
    case = db.session.get(Case, letter.case_id)
    _refuse_if_case_closed(case)
    results = _require_passing(letter)
    if needs_senior(results, user):
        letter.status = LetterStatus.AWAITING_COUNTERSIGN
        letter.submitted_at = clock.utcnow()
        db.session.flush()
        audit.record(
            "letter_submitted", "letter", letter.id, case_id=case.id, region_id=case.region_id, user=user
        )
        return False
    _acknowledge(letter, case, warnings_in(results), acknowledged, user)
    _approve(letter, case, user)
    return True


def _refuse_if_case_closed(case: Case) -> None:
    """A closed case sends nothing new (a closure letter goes before the case closes)."""
    if case.status != CaseStatus.OPEN:
        raise Refused("The case is closed: reopen it before approving a letter")


def countersign(letter: Letter, user: User, *, acknowledged: bool = False) -> None:
    """A second person — an SPO of the team, never the writer — approves the letter."""
    if letter.status != LetterStatus.AWAITING_COUNTERSIGN:
        raise Refused("This letter is not waiting for countersigning")
    case = db.session.get(Case, letter.case_id)
    _refuse_if_case_closed(case)
    if user.role != Role.SPO or user.team_id != case.team_id:
        raise Refused("Only a senior probation officer of the team can countersign")
    if user.id == letter.created_by_id:
        raise Refused("Someone other than the letter’s writer must countersign it")
    results = _require_passing(letter)
    _acknowledge(letter, case, warnings_in(results), acknowledged, user)
    letter.countersigned_by_id = user.id
    letter.countersigned_at = clock.utcnow()
    _approve(letter, case, user)


def send_back(letter: Letter, user: User) -> None:
    """The SPO returns a letter waiting for countersigning to its writer as a draft."""
    if letter.status != LetterStatus.AWAITING_COUNTERSIGN:
        raise Refused("This letter is not waiting for countersigning")
    letter.status = LetterStatus.DRAFT
    db.session.flush()
    audit.record("letter_sent_back", "letter", letter.id, case_id=letter.case_id, user=user)


def _approve(letter: Letter, case: Case, user: User) -> None:
    results = check_letter(letter)
    today = clock.today()
    letter.status = LetterStatus.APPROVED
    letter.approved_by_id = user.id
    letter.approved_at = clock.utcnow()
    letter.checks = {result.code: result.passed for result in results}
    letter.letter_date = rules.long_date(today, letter.language)
    # Its one feedback link (issue 15), made with the content it goes in: before the PDF.
    feedback.issue_link(
        letter_id=letter.id,
        letter_type=letter.letter_type,
        reference=letter.reference,
        language=letter.language,
        team_id=case.team_id,
        region_id=case.region_id,
        made_on=today,
    )
    letter.pdf_base64 = base64.b64encode(render_pdf(printable(letter, today))).decode()
    letter.problem = None
    db.session.flush()
    audit.record(
        "letter_approved",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"countersigned_by": letter.countersigned_by_id},
        user=user,
    )
    jobs.enqueue("letters.send", letter.id)


def cancel(letter: Letter, user: User) -> None:
    if letter.status not in (LetterStatus.DRAFT, LetterStatus.FAILED, LetterStatus.AWAITING_COUNTERSIGN):
        raise Refused("This letter cannot be cancelled now")
    letter.status = LetterStatus.CANCELLED
    feedback.withdraw_links(letter.id)  # a cancelled letter's feedback link never works
    db.session.flush()
    audit.record("letter_cancelled", "letter", letter.id, case_id=letter.case_id, user=user)


# -- the PDF -----------------------------------------------------------------------------------------------


NO_HEADING = {"opening", "sign_off"}
# In the envelope window of a copy opened before a reveal: the letter is whole but for where it goes.
ADDRESS_HIDDEN = ["Address hidden: show the", "address to see it"]
EMAIL_HIDDEN = ["Sent by email: the address", "is hidden until you show it"]


def printable(
    letter: Letter, on: date | None = None, *, address_hidden: bool = False, draft: bool = False
) -> PrintableLetter:
    today = on or clock.today()
    facts = letter.facts
    case = db.session.get(Case, letter.case_id)
    team = db.session.get(Team, case.team_id)
    address = [facts["recipient_name"], *[line for line in facts.get("address", "").split("\n") if line]]
    if letter.channel == "email":
        # Not posted: the PDF kept with the email says where it went instead.
        address = [
            facts["recipient_name"],
            "Sent by email to",
            *split_to_fit(facts.get("email") or "no email address"),  # it cannot be shortened
        ]
        if address_hidden:
            address = [facts["recipient_name"], *EMAIL_HIDDEN]
    elif address_hidden:
        address = [facts["recipient_name"], *ADDRESS_HIDDEN]
    elif len(address) < 3:
        # Only ever a preview: the check refuses to send a letter with no postal address.
        address = [facts["recipient_name"], "No postal address on the case", "Add it before sending"]
    word = "letter" if letter.language == "en" else "llythyr"
    return PrintableLetter(
        language=letter.language,
        large_print=letter.large_print,
        address_lines=address[:7],
        sender_lines=letterhead(team, letter.language),
        date_text=letter.letter_date or rules.long_date(today, letter.language),
        reference=f"{'Case' if letter.language == 'en' else 'Achos'} {case.id} – {word} {letter.id}",
        title=letter.title,
        sections=with_feedback(
            letter,
            today,
            [
                (None if section.key in NO_HEADING else heading, body, section.key)
                for heading, body, section in filled_sections(letter, today)
            ],
        ),
        draft_mark=DRAFT_MARK if draft else None,
    )


def with_feedback(
    letter: Letter, made_on: date, sections: list[tuple[str | None, str, str]]
) -> list[tuple[str | None, str]]:
    """The letter's sections (heading, body, key) with, for the letters that carry one, the
    paragraph giving the victim's feedback link (issue 15) before the sign-off: the same link
    and words every time the letter is printed or sent (victims.feedback.services). Only once
    the letter is approved: a draft's link would not work yet."""
    found = feedback_paragraph(letter, made_on) if letter.approved_at is not None else None
    result = [(heading, body) for heading, body, _key in sections]
    if found is not None:
        at = next((i for i, (_h, _b, key) in enumerate(sections) if key == "sign_off"), len(sections))
        result.insert(at, found)
    return result


def feedback_paragraph(letter: Letter, made_on: date) -> tuple[str, str] | None:
    """(heading, body) of the feedback paragraph in the letter's language, or None."""
    link = feedback.letter_link(letter.letter_type, letter.reference, made_on)
    if link is None:
        return None
    heading, body = LETTER_SECTION[letter.language]
    return heading, body.format(url=link.url, until=rules.long_date(link.expires_on, letter.language))


def letterhead(team: Team, language: str) -> list[str]:
    """The sender's column: the Probation Service (the National Probation Service was replaced in
    2021), bilingual in a Welsh letter, Welsh first; then the unit's name, postal address and
    telephone number as its administrators recorded them."""
    service = ["Gwasanaeth Prawf", "Probation Service"] if language == "cy" else ["Probation Service"]
    phone = []
    if team.telephone:
        phone = [
            f"Ffôn / Telephone: {team.telephone}" if language == "cy" else f"Telephone: {team.telephone}"
        ]
    return [*service, team.name, *team.address_lines, *phone]


def pdf_bytes(letter: Letter, *, address_hidden: bool = False) -> bytes:
    """The exact PDF approved (and sent), or for a letter not yet approved a preview as it would
    print today, marked "DRAFT – NOT FOR ISSUE" on every page: its text has not passed the checks.

    With the address hidden, a copy made from the same facts (on the day it was approved, for an
    approved letter), with the envelope window saying the address is hidden."""
    if letter.pdf_base64 and not address_hidden:
        return base64.b64decode(letter.pdf_base64)
    approved_on = clock.london_date(letter.approved_at) if letter.approved_at else None
    draft = letter.approved_at is None
    try:
        if address_hidden:
            return render_pdf(printable(letter, approved_on, address_hidden=True, draft=draft))
        return render_pdf(printable(letter, draft=draft))
    except AddressTooLong:
        # A draft's preview: the quality check on the letter's page says what to shorten.
        raise Refused(
            "The letter cannot be previewed: its name and address do not fit the envelope window. "
            "The quality check says what to shorten."
        ) from None


def pdf_for(letter: Letter, case: Case, user: User, *, address_shown: bool) -> bytes:
    """The letter's PDF for a person to read, recorded. It carries the address (or the email
    address), so it shows it only when the user has revealed the recipient (`address_shown`):
    that opening is a sighting of the address, flagged when the user is not the allocated VLO.
    Otherwise the copy with the address hidden."""
    if not address_shown:
        content = pdf_bytes(letter, address_hidden=True)
        audit.record(
            "letter_pdf_viewed",
            "letter",
            letter.id,
            case_id=case.id,
            region_id=case.region_id,
            details={"address": "hidden", **({"preview": True} if letter.approved_at is None else {})},
            user=user,
        )
        return content
    content = pdf_bytes(letter)
    audit.record(
        "letter_address_viewed",
        "letter",
        letter.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"person_id": letter.person_id, **({"preview": True} if letter.approved_at is None else {})},
        flagged=not people.is_allocated_to(case, user),
        user=user,
    )
    return content
