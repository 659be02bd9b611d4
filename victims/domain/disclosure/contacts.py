"""Where someone lives and how to reach them: addresses, telephone numbers and email addresses
found in a text, for the victim's own (never to reach the offender's side) and the offender's
release address (never to reach the victim). One matcher for both.

- Postcodes are compared as their letters and figures, so "L7K9WN", "l7k 9wn" and "L7K-9WN"
  are one postcode.
- A street is the words of an address line without its house or flat number, its street type in
  any common form ("Rd"/"Road", "St"/"Street", "Ave"/"Avenue" …).
- A house or flat number ("52A", "no. 52a", "Studio 52a", "flat 3") is a finding only next to
  (within a few words of) the same address's street, postcode or town: on its own, "flat 3"
  says nothing.
- A town on its own is a WARNING that a senior probation officer must acknowledge (a zone may
  have to name it); a town with anything else of the same person's address or contact details
  in the text is a REFUSAL, as is everything else here.
- A telephone number is compared by its figures, with +44, 0044 and 0 forms and any spacing or
  brackets: "+44(0)114 496 0622" is "01144960622".
- An email address is compared case-folded, with HTML entities decoded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from victims.domain.disclosure.findings import Finding, Kind, Severity
from victims.domain.disclosure.normalise import Token, apart, fold, quoted, tokens, words

_STREET_TYPES = [
    {"road", "rd"},
    {"street", "st", "str"},
    {"saint", "st"},
    {"avenue", "ave", "av"},
    {"lane", "ln"},
    {"close", "cl"},
    {"drive", "dr"},
    {"crescent", "cres", "cresc"},
    {"place", "pl"},
    {"terrace", "terr", "tce"},
    {"grove", "gr", "gro"},
    {"gardens", "gdns"},
    {"court", "ct"},
    {"square", "sq"},
    {"parade", "pde"},
    {"park", "pk"},
    {"mount", "mt"},
    {"green", "grn"},
    {"heights", "hts"},
    {"walk", "wk"},
    {"view", "vw"},
    {"boulevard", "blvd"},
    {"estate", "est"},
    {"cottages", "cotts"},
    {"north", "n"},
    {"south", "s"},
    {"east", "e"},
    {"west", "w"},
]
_SAME: dict[str, frozenset[str]] = {}
for _group in _STREET_TYPES:
    for _word in _group:
        _SAME[_word] = _SAME.get(_word, frozenset({_word})) | frozenset(_group)
_UNIT_WORDS = frozenset(
    {"flat", "studio", "apartment", "apt", "unit", "no", "number", "house", "room", "plot"}
)
NEAR = 6  # words between a house number and its street, postcode or town


@dataclass(frozen=True)
class Whereabouts:
    """What must not be given away of where someone lives and how to reach them."""

    whose: str = "the victim"  # "the victim", "the offender"
    place: str = "address"  # "address", "release address"
    lines: tuple[str, ...] = ()  # house, flat and street lines: not the town or the postcode
    town: str = ""
    postcode: str = ""
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    @property
    def owner(self) -> str:
        return f"{self.whose}’s {self.place}"


@dataclass(frozen=True)
class _Hit:
    kind: Kind
    first: int  # token indexes, inclusive (for postcode, street and town)
    last: int
    start: int  # offsets in the original
    end: int
    what: str


def _same(word: str, needle: str) -> bool:
    return word == needle or word in _SAME.get(needle, ())


def _phrases(found: Sequence[Token], needle: Sequence[str], loose: bool = False) -> list[tuple[int, int]]:
    """Where the needle's words are in the text, one after another (token index spans)."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    for i in range(len(found) - len(needle) + 1):
        if all(
            (_same(found[i + k].text, word) if loose else found[i + k].text == word)
            and (k == 0 or apart(found[i + k].gap))
            for k, word in enumerate(needle)
        ):
            spans.append((i, i + len(needle) - 1))
    return spans


def _compact(found: Sequence[Token], needle: str) -> list[tuple[int, int]]:
    """Where the text's letters and figures, spaced any way, are the needle's (a postcode:
    "T13 0MS" is written "T130MS", whose figures are one token)."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    for i in range(len(found)):
        joined = ""
        for j in range(i, len(found)):
            if j > i and found[j].gap.strip(" -"):
                break
            joined += found[j].text
            if not needle.startswith(joined):
                break
            if joined == needle:
                spans.append((i, j))
                break
    return spans


def _house_numbers(line: str) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    """The line's house and flat numbers as (figures, letter), and its other words."""
    line_words = [token for token in tokens(fold(line))]
    numbers: list[tuple[str, str]] = []
    rest: list[str] = []
    skip = set()
    for i, token in enumerate(line_words):
        if not token.is_number:
            continue
        skip.add(i)
        after = line_words[i + 1] if i + 1 < len(line_words) else None
        letter = ""
        if after is not None and after.gap == "" and len(after.text) == 1 and not after.is_number:
            letter = after.text
            skip.add(i + 1)
        numbers.append((token.text, letter))
        if i > 0 and line_words[i - 1].text in _UNIT_WORDS:
            skip.add(i - 1)
    rest = [token.text for i, token in enumerate(line_words) if i not in skip]
    return numbers, tuple(rest)


def _phone_key(phone: str) -> str:
    """A UK telephone number's national significant number: without +44, 0044, (0) or 0."""
    figures = re.sub(r"\D", "", phone)
    if figures.startswith("00"):
        figures = figures[2:]
    if figures.startswith("44"):
        figures = figures[2:]
    return figures.lstrip("0")


_PREFIXES = frozenset({"", "0", "44", "440", "0044", "00440"})
_PHONE_GAP = re.compile(r"[\s()+.\-/]*")


def _phones(found: Sequence[Token], key: str) -> list[tuple[int, int]]:
    """Token spans where the figures of a telephone number are, however they are spaced."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(found):
        if not found[i].is_number:
            i += 1
            continue
        j = i
        while j + 1 < len(found) and found[j + 1].is_number and _PHONE_GAP.fullmatch(found[j + 1].gap):
            j += 1
        run = found[i : j + 1]
        joined = "".join(token.text for token in run)
        starts = {}
        at = 0
        for k, token in enumerate(run):
            starts[at] = k
            at += len(token.text)
        ends = {sum(len(t.text) for t in run[: k + 1]): k for k in range(len(run))}
        position = joined.find(key)
        while position >= 0:
            group_start = max(s for s in starts if s <= position)
            if joined[group_start:position] in _PREFIXES and position + len(key) in ends:
                first = starts[group_start]
                while first > 0 and run[first - 1].text in {"44", "0", "0044"}:
                    first -= 1  # "+44 (0) 114…": the country code and the (0) are the number too
                spans.append((i + first, i + ends[position + len(key)]))
            position = joined.find(key, position + 1)
        i = j + 1
    return spans


def _emails(text: str, email: str) -> list[tuple[int, int]]:
    folded = fold(text)
    needle = fold(email).text.strip()
    if not needle:
        return []
    pattern = re.compile(r"(?<![\w.+-])" + re.escape(needle) + r"(?![\w-]|\.\w)")
    return [folded.span(match.start(), match.end()) for match in pattern.finditer(folded.text)]


def find_whereabouts(text: str, protected: Iterable[Whereabouts]) -> list[Finding]:
    """Findings for every address, telephone number and email address of `protected` in text."""
    found = tokens(fold(text))
    findings: list[Finding] = []
    for who in protected:
        hits = _hits(text, found, who)
        anything_else = any(hit.kind is not Kind.TOWN for hit in hits)
        for hit in sorted(hits, key=lambda hit: hit.start):
            words_ = quoted(text, hit.start, hit.end)
            if hit.kind is Kind.TOWN and not anything_else:
                findings.append(
                    Finding(
                        Kind.TOWN,
                        Severity.WARNING,
                        words_,
                        hit.start,
                        hit.end,
                        f"“{words_}” is the town of {who.owner} ({hit.what}). A senior probation officer "
                        "must confirm that naming the town is needed and safe.",
                    )
                )
                continue
            message = {
                Kind.POSTCODE: f"“{words_}” is the postcode of {who.owner} ({hit.what}). Remove it.",
                Kind.STREET: f"“{words_}” is the street of {who.owner} ({hit.what}). Remove it.",
                Kind.HOUSE_NUMBER: f"“{words_}” is the house or flat number of {who.owner} ({hit.what}), "
                "next to its street, postcode or town. Remove it.",
                Kind.TOWN: f"“{words_}” is the town of {who.owner} ({hit.what}), named with other details "
                "of it. Remove them.",
                Kind.PHONE: f"“{words_}” is {who.whose}’s telephone number. Remove it.",
                Kind.EMAIL: f"“{words_}” is {who.whose}’s email address. Remove it.",
            }[hit.kind]
            findings.append(Finding(hit.kind, Severity.REFUSAL, words_, hit.start, hit.end, message))
    return findings


def _span(found: Sequence[Token], kind: Kind, first: int, last: int, what: str) -> _Hit:
    return _Hit(kind, first, last, found[first].start, found[last].end, what)


def _hits(text: str, found: Sequence[Token], who: Whereabouts) -> list[_Hit]:
    hits: list[_Hit] = []
    for first, last in _compact(found, "".join(words(who.postcode))):
        hits.append(_span(found, Kind.POSTCODE, first, last, who.postcode))
    numbers: list[tuple[str, str, str]] = []
    for line in who.lines:
        line_numbers, street = _house_numbers(line)
        numbers += [(figures, letter, line) for figures, letter in line_numbers]
        if street and not (len(street) == 1 and len(street[0]) < 3):
            for first, last in _phrases(found, street, loose=True):
                hits.append(_span(found, Kind.STREET, first, last, line))
    for first, last in _phrases(found, words(who.town)):
        hits.append(_span(found, Kind.TOWN, first, last, who.town))
    anchors = [(hit.first, hit.last) for hit in hits]
    for i, token in enumerate(found):
        for figures, letter, line in numbers:
            if token.text != figures:
                continue
            after = found[i + 1] if i + 1 < len(found) else None
            has_letter = (
                after is not None and after.gap == "" and len(after.text) == 1 and not after.is_number
            )
            if has_letter and after is not None and after.text != letter:
                continue
            last = i + 1 if has_letter else i
            if not any(first - NEAR <= i and last <= end + NEAR for first, end in anchors):
                continue
            first = i - 1 if i > 0 and found[i - 1].text in _UNIT_WORDS and apart(token.gap) else i
            hits.append(_span(found, Kind.HOUSE_NUMBER, first, last, line))
            break
    for phone in who.phones:
        key = _phone_key(phone)
        if len(key) >= 6:
            for first, last in _phones(found, key):
                start, end = found[first].start, found[last].end
                while start > 0 and text[start - 1] in "+(":
                    start -= 1
                if "(" in text[start : found[first].start] and text[end : end + 1] == ")":
                    end += 1
                hits.append(_Hit(Kind.PHONE, first, last, start, end, phone))
    for email in who.emails:
        for start, end in _emails(text, email):
            hits.append(_Hit(Kind.EMAIL, -1, -1, start, end, email))
    return hits
