"""The built-in letter templates (version 1 of each), in English and Welsh (SPEC §6).

The texts are data, not code: `victims/letters/texts/en.toml` and `cy.toml`, one file per
language, so that a reviewer can read them and a translator can edit them. Each file's header
explains how a letter is written there. This module reads the files once, checks them
(`load_texts`) and hands out their templates as `Section`s.

Every template is: an "opening" (free), one to four body sections (mostly free: the victim
liaison officer edits them), the locked "If the offender contacts you" section for initial-contact
and pre-release letters, the locked privacy notice "your_information", and the locked "sign_off".
The locked sections, and the support section two letters share, are written once per language
under [shared.KEY] and included in a letter with `shared = "KEY"`.

`create_app()` calls `load_texts()`, so a broken file stops the service at start-up with a message
naming the file, the letter type, the language and the problem, rather than when a VLO first drafts
that letter.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from victims.domain.letters import (
    NEEDS_UNWANTED_CONTACT,
    OUTCOME_SLOTS,
    PLACEHOLDERS,
    REQUEST_OUTCOMES,
    UNWANTED_CONTACT,
    LetterType,
    OutcomeSentences,
    Section,
    placeholders_in,
    slots_in,
    template_problems,
)

LANGUAGES = ("en", "cy")
LANGUAGE_NAMES = {"en": "English", "cy": "Welsh"}

TEXTS_DIR = Path(__file__).resolve().parent / "texts"
_PROJECT_ROOT = TEXTS_DIR.parents[2]

SHARED = "shared"  # the table of sections written once and included in several letters
OPENING = "opening"
LAST_SECTIONS = ("your_information", "sign_off")  # locked, and the last two of every letter

_SECTION_FIELDS = frozenset({"key", "heading", "body", "locked", "guidance"})
_SHARED_FIELDS = frozenset({"heading", "body", "locked", "guidance"})
_LETTER_FIELDS = frozenset({"title", "sections"})
# The outcome letter also has how it reports each request (issue 17).
_OUTCOME_LETTER = LetterType.LICENCE_CONDITIONS_OUTCOME
_KEY = re.compile(r"[a-z][a-z_]*")
_GOOD_PLACEHOLDER = re.compile(r"\(\([a-z_]+\)\)")
# As the quality check finds them (victims.domain.letters._finished): on one line, closed.
_GOOD_NOTE = re.compile(r"\[[^\[\]\n]{2,}\]")


@dataclass(frozen=True)
class BuiltInTemplate:
    title: str
    sections: tuple[Section, ...]
    # The outcome letter's sentences for each request's outcome (None for other letters).
    outcomes: OutcomeSentences | None = None


@dataclass(frozen=True)
class TextProblem:
    """Something wrong in a letter-text file: where, and what."""

    file: str
    language: str
    letter_type: LetterType | None  # None: the file as a whole, or a shared section
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.letter_type is not None:
            where.append(f"{self.letter_type.label} letter ({self.letter_type.value})")
        if self.language in LANGUAGE_NAMES:
            where.append(f"{LANGUAGE_NAMES[self.language]} ({self.language})")
        return f"{', '.join(where)}: {self.message}"


class LetterTextsError(ValueError):
    """The letter-text files cannot be used. `problems` lists every problem found."""

    def __init__(self, problems: Sequence[TextProblem]):
        self.problems = tuple(problems)
        count = "a problem" if len(self.problems) == 1 else f"{len(self.problems)} problems"
        super().__init__(
            f"The built-in letter texts have {count}; the service cannot start until they are corrected.\n"
            + "\n".join(f"- {problem}" for problem in self.problems)
        )


Texts = Mapping[tuple[LetterType, str], BuiltInTemplate]


def load_texts(directory: Path | str | None = None) -> Texts:
    """The built-in templates of every letter type in every language, read from the TOML files
    in `directory` (the package's own `texts` directory when None, read once and kept) and checked.

    Raises `LetterTextsError`, listing every problem with its file, letter type and language, when
    a file is missing, is not valid TOML, or holds a template the service could not use."""
    if directory is None:
        return _built_in()
    return _load(Path(directory))


@functools.cache
def _built_in() -> Texts:
    return _load(TEXTS_DIR)


def default_sections(letter_type: LetterType, language: str) -> list[Section]:
    """The built-in template (version 1) of a letter type in "en" or "cy"."""
    return list(_template(letter_type, language).sections)


def default_title(letter_type: LetterType, language: str) -> str:
    """The letter's title line, e.g. "Information about the Victim Contact Scheme"."""
    return _template(letter_type, language).title


def outcome_sentences(language: str) -> OutcomeSentences:
    """How the outcome letter reports each request, in "en" or "cy" ([conditions_outcome.outcomes])."""
    sentences = _template(_OUTCOME_LETTER, language).outcomes
    assert sentences is not None  # load_texts refuses a file without them
    return sentences


def _template(letter_type: LetterType, language: str) -> BuiltInTemplate:
    try:
        return _built_in()[(letter_type, language)]
    except KeyError:
        raise ValueError(f"There is no built-in {language!r} template for {letter_type.label}") from None


# -- reading ----------------------------------------------------------------------------------------


def _join(paragraphs: Sequence[str]) -> str:
    """Paragraphs joined by a blank line, except a bullet ("- ...") which goes on the next line
    of the paragraph before it, so an introduction and its list stay together."""
    text = ""
    for paragraph in paragraphs:
        if text:
            text += "\n" if paragraph.startswith("- ") else "\n\n"
        text += paragraph
    return text


def _body(text: str) -> str:
    """A body as written in a file, in the form the service keeps: each line stripped, paragraphs
    (split at blank lines) joined by `_join`."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if line:
            lines.append(line)
        elif lines:
            paragraphs.append("\n".join(lines))
            lines = []
    if lines:
        paragraphs.append("\n".join(lines))
    return _join(paragraphs)


def _text(value: str) -> str:
    # An editor may save "ŵ" as "w" and a combining circumflex: keep one spelling of each letter.
    return unicodedata.normalize("NFC", value)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(_PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


class _File:
    """One language's file while it is read: its name for messages, and the problems found."""

    def __init__(self, path: Path, language: str, problems: list[TextProblem]):
        self.name = _display(path)
        self.language = language
        self._problems = problems

    def problem(self, message: str, letter_type: LetterType | None = None) -> None:
        problem = TextProblem(self.name, self.language, letter_type, message)
        if problem not in self._problems:
            self._problems.append(problem)


def _load(directory: Path) -> Texts:
    problems: list[TextProblem] = []
    templates: dict[tuple[LetterType, str], BuiltInTemplate] = {}
    if not directory.is_dir():
        raise LetterTextsError([TextProblem(_display(directory), "-", None, "there is no such directory")])
    for path in sorted(directory.glob("*.toml")):
        if path.stem not in LANGUAGES:
            problems.append(
                TextProblem(
                    _display(path),
                    path.stem,
                    None,
                    "the service has no such language. Name each file after its language: "
                    + ", ".join(f"{language}.toml" for language in LANGUAGES),
                )
            )
    for language in LANGUAGES:
        path = directory / f"{language}.toml"
        file = _File(path, language, problems)
        data = _read(path, file)
        if data is not None:
            templates.update(_templates(data, file))
    _compare_languages(templates, directory, problems)
    if problems:
        raise LetterTextsError(problems)
    return MappingProxyType(templates)


def _read(path: Path, file: _File) -> dict | None:
    if not path.is_file():
        file.problem(f"the file is missing: every letter needs a template in {LANGUAGE_NAMES[file.language]}")
        return None
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        file.problem(f"the file is not UTF-8 text (byte {error.start}): save it as UTF-8")
    except tomllib.TOMLDecodeError as error:
        file.problem(f"the file is not valid TOML: {error}")
    return None


def _templates(data: dict, file: _File) -> dict[tuple[LetterType, str], BuiltInTemplate]:
    known = {letter_type.value: letter_type for letter_type in LetterType}
    for name in data:
        if name != SHARED and name not in known:
            file.problem(
                f"[{name}] is not a letter type. The letter types are: {', '.join(known)}; "
                f"and [{SHARED}.KEY] holds the shared sections"
            )
    shared = _shared_sections(data.get(SHARED, {}), file)
    templates = {}
    for letter_type in LetterType:
        if letter_type.value not in data:
            file.problem(f"the letter is missing: add a [{letter_type.value}] table", letter_type)
            continue
        template = _template_from(data[letter_type.value], letter_type, shared, file)
        if template is not None:
            _check_template(template, letter_type, shared.values(), file)
            templates[(letter_type, file.language)] = template
    return templates


def _shared_sections(table: object, file: _File) -> dict[str, Section]:
    if not isinstance(table, dict):
        file.problem(f"“{SHARED}” must be a table of sections, each written [{SHARED}.KEY]")
        return {}
    sections = {}
    for key, fields in table.items():
        section = _section(fields, file, None, f"[{SHARED}.{key}]", _SHARED_FIELDS, key=key)
        if section is not None:
            sections[key] = section
            what = f"[{SHARED}.{key}] “{section.heading}”"
            _check_text(section.heading + "\n" + section.body, what, file, None)
    return sections


def _template_from(
    table: object, letter_type: LetterType, shared: Mapping[str, Section], file: _File
) -> BuiltInTemplate | None:
    name = letter_type.value
    if not isinstance(table, dict):
        file.problem(f"“{name}” must be a table: [{name}]", letter_type)
        return None
    allowed = _LETTER_FIELDS | ({REQUEST_OUTCOMES} if letter_type is _OUTCOME_LETTER else set())
    for field in table.keys() - allowed:
        file.problem(f"[{name}] has “{field}”, which is not title or sections", letter_type)
    outcomes = _outcomes(table.get(REQUEST_OUTCOMES), file) if letter_type is _OUTCOME_LETTER else None
    title = table.get("title")
    if not isinstance(title, str) or not title.strip() or "\n" in title:
        file.problem('the letter needs a title: title = "...", on one line', letter_type)
        title = ""
    entries = table.get("sections")
    if not isinstance(entries, list) or not entries:
        file.problem(f"the letter has no sections: add them as [[{name}.sections]]", letter_type)
        return None
    sections = []
    for number, entry in enumerate(entries, start=1):
        label = entry.get("key") or entry.get("shared") if isinstance(entry, dict) else None
        where = f"section {number}{f' ({label})' if isinstance(label, str) else ''} of [[{name}.sections]]"
        if isinstance(entry, dict) and "shared" in entry:
            key = entry["shared"]
            if set(entry) != {"shared"}:
                file.problem(
                    f"{where} includes a shared section, so it can have nothing but shared", letter_type
                )
            elif key not in shared:
                file.problem(
                    f"{where} includes shared = {key!r}, which is not one of the shared sections: "
                    + ", ".join(repr(known) for known in shared),
                    letter_type,
                )
            else:
                sections.append(shared[key])
            continue
        section = _section(entry, file, letter_type, where, _SECTION_FIELDS)
        if section is not None:
            sections.append(section)
    return BuiltInTemplate(_text(title).strip(), tuple(sections), outcomes)


def _outcomes(table: object, file: _File) -> OutcomeSentences | None:
    """[conditions_outcome.outcomes]: one line for each kind of outcome, with its {slots}."""
    where = f"[{_OUTCOME_LETTER.value}.{REQUEST_OUTCOMES}]"
    if not isinstance(table, dict):
        file.problem(
            f"the letter needs {where}: how it reports each request ({', '.join(OUTCOME_SLOTS)})",
            _OUTCOME_LETTER,
        )
        return None
    ok = True
    for key in sorted(table.keys() - OUTCOME_SLOTS.keys()):
        file.problem(f"{where} has “{key}”; it has only {', '.join(OUTCOME_SLOTS)}", _OUTCOME_LETTER)
        ok = False
    values = {}
    for key, slots in OUTCOME_SLOTS.items():
        value = table.get(key)
        if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
            file.problem(f'{where} needs {key} = "...", on one line', _OUTCOME_LETTER)
            ok = False
            continue
        value = " ".join(_text(value).split())
        if slots_in(value) != slots:
            wanted = " and ".join(f"{{{slot}}}" for slot in sorted(slots)) or "no {slots}"
            file.problem(f"{where}: {key} must have {wanted}", _OUTCOME_LETTER)
            ok = False
        _check_text(value, f"{where} {key}", file, _OUTCOME_LETTER)
        values[key] = value
    return OutcomeSentences(**values) if ok else None


def _section(
    fields: object,
    file: _File,
    letter_type: LetterType | None,
    where: str,
    allowed: frozenset[str],
    key: str | None = None,
) -> Section | None:
    if not isinstance(fields, dict):
        file.problem(f"{where} must be a table with a heading and a body", letter_type)
        return None
    ok = True
    for field in sorted(fields.keys() - allowed):
        file.problem(f"{where} has “{field}”; a section has only {', '.join(sorted(allowed))}", letter_type)
        ok = False
    key = fields.get("key") if key is None else key
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        file.problem(f"{where}: a section's key must be lower-case letters and underscores", letter_type)
        ok = False
    heading, body, locked = fields.get("heading"), fields.get("body"), fields.get("locked", False)
    if not isinstance(heading, str) or not heading.strip() or "\n" in heading:
        file.problem(f'{where} needs a heading: heading = "...", on one line', letter_type)
        ok = False
    # A free section may be left for the writer, when its guidance says what to write there.
    may_be_empty = not locked and isinstance(fields.get("guidance"), str) and fields["guidance"].strip()
    if not isinstance(body, str) or (not body.strip() and not may_be_empty):
        file.problem(f'{where} needs a body: body = """ ... """', letter_type)
        ok = False
    if not isinstance(locked, bool):
        file.problem(f"{where}: locked must be true or false", letter_type)
        ok = False
    guidance = fields.get("guidance", "")
    if not isinstance(guidance, str) or "\n" in guidance.strip() or "[" in guidance or "((" in guidance:
        file.problem(
            f'{where}: guidance is one line of plain words for the writer: guidance = "..."', letter_type
        )
        ok = False
    if not ok:
        return None
    return Section(
        key=key,
        heading=_text(heading).strip(),
        body=_body(_text(body)),
        locked=locked,
        guidance=" ".join(_text(guidance).split()),
    )


# -- checking ---------------------------------------------------------------------------------------


def _check_template(
    template: BuiltInTemplate, letter_type: LetterType, shared: Iterable[Section], file: _File
) -> None:
    sections = template.sections
    keys = [section.key for section in sections]
    by_key = {section.key: section for section in sections}
    for key in sorted({key for key in keys if keys.count(key) > 1}):
        file.problem(f"the letter has more than one section with key = {key!r}", letter_type)
    if not keys or keys[0] != OPENING:
        file.problem(f"the letter must start with its {OPENING!r} section", letter_type)
    needed = list(LAST_SECTIONS)
    if letter_type in NEEDS_UNWANTED_CONTACT:
        needed.insert(0, UNWANTED_CONTACT)
    for key in needed:
        section = by_key.get(key)
        if section is None:
            file.problem(
                f"the locked section {key!r} is missing: every {letter_type.label.lower()} letter must "
                f"include it, with a section that has only shared = {key!r}",
                letter_type,
            )
        elif not section.locked:
            file.problem(f"the section {key!r} must be locked (locked = true)", letter_type)
    if tuple(keys[-2:]) != LAST_SECTIONS:
        file.problem(
            f"the letter must end with the sections {' and '.join(map(repr, LAST_SECTIONS))}", letter_type
        )
    # The same rules as an administrator's new version (template_versions.required_sections: the built-in
    # template's locked sections are the ones no version may lose).
    required = [section for section in sections if section.locked]
    for problem in template_problems(letter_type, file.language, sections, required):
        file.problem(problem, letter_type)
    _check_text(template.title, "The title", file, letter_type)
    shared = list(shared)
    for section in sections:
        # template_problems has checked the known placeholders; a shared section's writing is
        # checked once, with the shared sections.
        if not any(section is included for included in shared):
            text = section.heading + "\n" + section.body
            _check_text(text, f"“{section.heading}”", file, letter_type, known_checked=True)


def _check_text(
    text: str, what: str, file: _File, letter_type: LetterType | None, known_checked: bool = False
) -> None:
    """Placeholders the service knows, and placeholders and [notes] written so that it sees them."""
    unknown = placeholders_in(text) - PLACEHOLDERS.keys()
    if unknown and not known_checked:
        names = ", ".join(f"(({name}))" for name in sorted(unknown))
        file.problem(f"{what} uses placeholders the service does not know: {names}", letter_type)
    near = _stray(text, _GOOD_PLACEHOLDER, "((", "))")
    if near:
        file.problem(
            f"{what} has a badly written placeholder near “{near}”: write placeholders in lower case "
            "with underscores, in double round brackets, like ((vlo_name))",
            letter_type,
        )
    near = _stray(text, _GOOD_NOTE, "[", "]")
    if near:
        file.problem(
            f"{what} has a [note] that is not closed, or spans lines, near “{near}”: write each "
            "instruction to the VLO on one line, in [square brackets]",
            letter_type,
        )


def _stray(text: str, good: re.Pattern[str], *marks: str) -> str | None:
    """The words around the first of `marks` that is not part of a `good` match, if any."""
    inside = [match.span() for match in good.finditer(text)]
    for at in sorted(match.start() for mark in marks for match in re.finditer(re.escape(mark), text)):
        if not any(start <= at < end for start, end in inside):
            return " ".join(text[max(0, at - 25) : at + 35].split())
    return None


def _compare_languages(templates: Texts, directory: Path, problems: list[TextProblem]) -> None:
    """A translation has the same sections as the English, in the same order, locked alike."""
    english = LANGUAGES[0]
    for language in LANGUAGES[1:]:
        file = _File(directory / f"{language}.toml", language, problems)
        for letter_type in LetterType:
            if (letter_type, english) not in templates or (letter_type, language) not in templates:
                continue
            theirs = [(s.key, s.locked) for s in templates[(letter_type, language)].sections]
            ours = [(s.key, s.locked) for s in templates[(letter_type, english)].sections]
            if theirs != ours:
                file.problem(
                    f"the sections are not those of {english}.toml: {_describe(theirs)} instead of "
                    f"{_describe(ours)}. Keep the same keys, in the same order, locked alike",
                    letter_type,
                )


def _describe(sections: Sequence[tuple[str, bool]]) -> str:
    return ", ".join(f"{key} (locked)" if locked else key for key, locked in sections)
