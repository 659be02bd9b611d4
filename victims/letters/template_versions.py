"""The letter templates' versions: version 1 of each is the built-in text (victims.letters.texts,
stored on first use); a national administrator's edit adds the next. Mandatory sections can
never be removed, unlocked or emptied. Flush, never commit."""

from __future__ import annotations

from sqlalchemy import select

from victims.audit import services as audit
from victims.domain import letters as rules
from victims.domain.letters import LetterType, Section
from victims.extensions import db
from victims.letters import defaults
from victims.letters.models import LetterTemplate, sections_to_json
from victims.refusals import Refused
from victims.staff.models import User


def current_template(letter_type: LetterType, language: str) -> LetterTemplate:
    """The newest version of a template; version 1 (the built-in one) is stored on first use."""
    row = db.session.scalar(
        select(LetterTemplate)
        .where(LetterTemplate.letter_type == letter_type.value, LetterTemplate.language == language)
        .order_by(LetterTemplate.version.desc())
        .limit(1)
    )
    if row is None:
        row = LetterTemplate(
            letter_type=letter_type.value,
            language=language,
            version=1,
            title=defaults.default_title(letter_type, language),
            sections_data=sections_to_json(defaults.default_sections(letter_type, language)),
            note="Built-in template",
        )
        db.session.add(row)
        db.session.flush()
    return row


TITLE_MAX = 200  # the column's length (a letter keeps its template's title)


def required_sections(letter_type: LetterType, language: str) -> list[Section]:
    """The sections no version of the template may lose: the built-in template's locked ones."""
    return [section for section in defaults.default_sections(letter_type, language) if section.locked]


def save_template_version(
    letter_type: LetterType, language: str, title: str, sections: list[Section], note: str, user: User
) -> LetterTemplate:
    """An administrator's new version of a template. Refused (with every reason) if it would
    remove, unlock or empty a mandatory section, or lose a point of "If the offender contacts you"."""
    problems = rules.template_problems(
        letter_type, language, sections, required_sections(letter_type, language)
    )
    if not title.strip():
        problems.insert(0, "Enter the letter’s title")
    elif len(title.strip()) > TITLE_MAX:
        problems.insert(0, f"The title must be {TITLE_MAX} characters or fewer")
    if problems:
        raise Refused("; ".join(problems))
    latest = current_template(letter_type, language)
    row = LetterTemplate(
        letter_type=letter_type.value,
        language=language,
        version=latest.version + 1,
        title=title.strip(),
        sections_data=sections_to_json(sections),
        note=note,
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "letter_template_changed",
        "letter_template",
        row.id,
        details={"letter_type": letter_type.value, "language": language, "version": row.version},
        user=user,
    )
    return row
