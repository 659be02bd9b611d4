"""Dates as people write them, found with a small grammar over the folded words and numbers
(victims.domain.disclosure.normalise), then compared with the protected dates. No spelling of a
protected date is ever generated: the text is parsed, and what it says is compared.

The grammar (W weekday, D day of the month, M month, Y year; [] optional):

- textual: [W] [the|y|yr] D [of|o|fis|mis|the]* M [Y]   "Tuesday 31st of August 2027", "31ain o Awst"
           [W] M [the|y|yr] D [Y]                      "August the 31st", "Awst 31, 2027"
           W [the|y|yr] D                              "Sunday the second" (no month)
- D: 1–31 in figures, with or without an English or Welsh ordinal suffix ("31st", "1af", "2il",
  "3ydd", "5ed", "7fed", "11eg", "31ain"), or an ordinal in words ("thirty-first",
  "the thirty first", "unfed ar ddeg ar hugain").
- M: English month names and their abbreviations ("Aug", "Sept"); Welsh month names and their
  soft and nasal mutations ("o Fawrth", "o Fehefin", "yng Ngorffennaf", "o Ragfyr").
- W: English weekday names and abbreviations; Welsh "Dydd Llun" … "Dydd Sul" (also "ddydd").
- Y: four figures, or two after an apostrophe ("Aug '27").
- numeric: D/M/Y, M/D/Y and Y-M-D with any one separator (/ - . or, with a four-figure year,
  a space), two- or four-figure years; D/M and M/D with / - or . when no other number is
  attached to them.

A date without a year is the protected date when its day and month are; a weekday and day with
no month is when both are the protected date's. A month and year alone ("August 2027") is what
letters are told to write and is never a finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from victims.domain.disclosure.findings import Finding, Kind, Severity
from victims.domain.disclosure.normalise import Token, apart, fold, quoted, tokens

MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS_CY = (
    "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
    "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
)  # fmt: skip

_MONTHS_EN: dict[str, int] = {name.casefold(): n for n, name in enumerate(MONTHS_EN, 1)}
_MONTHS_EN |= {name.casefold()[:3]: n for n, name in enumerate(MONTHS_EN, 1)}
_MONTHS_EN["sept"] = 9
# Welsh months, with their soft mutation (after "o", "fis") and nasal mutation (after "yn").
# Welsh abbreviations are not read: Welsh house style writes months in full, and "hyd" ("until")
# and "ion" would be read as months in ordinary Welsh.
_MONTHS_CY: dict[str, int] = {name.casefold(): n for n, name in enumerate(MONTHS_CY, 1)}
_MONTHS_CY |= {
    "fawrth": 3, "fai": 5, "fehefin": 6, "orffennaf": 7, "ngorffennaf": 7,
    "fedi": 9, "dachwedd": 11, "nhachwedd": 11, "ragfyr": 12,
}  # fmt: skip

_WEEKDAYS_EN: dict[str, int] = {}
for _n, _name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")):
    _WEEKDAYS_EN[_name] = _n
    _WEEKDAYS_EN[_name[:3]] = _n
_WEEKDAYS_EN |= {"tues": 1, "thur": 3, "thurs": 3}
_WEEKDAYS_CY = {"llun": 0, "mawrth": 1, "mercher": 2, "iau": 3, "gwener": 4, "sadwrn": 5, "sul": 6}
_DYDD = frozenset({"dydd", "ddydd"})

_SUFFIXES = frozenset({"st", "nd", "rd", "th", "af", "il", "ydd", "edd", "ed", "fed", "eg", "ain"})
_BEFORE_DAY = frozenset({"the", "y", "yr"})
_DAY_TO_MONTH = frozenset({"of", "o", "fis", "mis", "the"})


def _ordinal_words() -> dict[tuple[str, ...], tuple[int, str]]:
    units = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
        "eighteenth", "nineteenth",
    ]  # fmt: skip
    table: dict[tuple[str, ...], tuple[int, str]] = {(word,): (n, "en") for n, word in enumerate(units, 1)}
    table[("twentieth",)] = (20, "en")
    table[("thirtieth",)] = (30, "en")
    for n, word in enumerate(units[:9], 1):
        table[("twenty", word)] = (20 + n, "en")
        table[("twenty" + word,)] = (20 + n, "en")
    table[("thirty", "first")] = (31, "en")
    table[("thirtyfirst",)] = (31, "en")
    welsh = {
        1: "cyntaf", 2: "ail", 3: "trydydd", 4: "pedwerydd", 5: "pumed", 6: "chweched",
        7: "seithfed", 8: "wythfed", 9: "nawfed", 10: "degfed", 11: "unfed ar ddeg",
        12: "deuddegfed", 13: "trydydd ar ddeg", 14: "pedwerydd ar ddeg", 15: "pymthegfed",
        16: "unfed ar bymtheg", 17: "ail ar bymtheg", 18: "deunawfed", 19: "pedwerydd ar bymtheg",
        20: "ugeinfed", 21: "unfed ar hugain", 22: "ail ar hugain", 23: "trydydd ar hugain",
        24: "pedwerydd ar hugain", 25: "pumed ar hugain", 26: "chweched ar hugain",
        27: "seithfed ar hugain", 28: "wythfed ar hugain", 29: "nawfed ar hugain",
        30: "degfed ar hugain", 31: "unfed ar ddeg ar hugain",
    }  # fmt: skip
    for n, words in welsh.items():
        table[tuple(words.split())] = (n, "cy")
        if "trydydd" in words or "pedwerydd" in words:  # the feminine forms, also seen
            feminine = words.replace("trydydd", "trydedd").replace("pedwerydd", "pedwaredd")
            table[tuple(feminine.split())] = (n, "cy")
    return table


_ORDINALS = _ordinal_words()
_LONGEST_ORDINAL = max(len(words) for words in _ORDINALS)
_ORDINAL_FIRST = frozenset(words[0] for words in _ORDINALS)
# Words a textual date can start with: anything else is skipped without parsing.
_STARTERS = _ORDINAL_FIRST | _MONTHS_EN.keys() | _MONTHS_CY.keys() | _WEEKDAYS_EN.keys() | _DYDD | _BEFORE_DAY


@dataclass(frozen=True)
class Candidate:
    """A date the text gives: a day, and a month or a weekday, perhaps a year."""

    day: int
    month: int | None
    year: int | None  # four figures; two-figure years as 0–99 with `short_year`
    weekday: int | None
    first: int  # token indexes, inclusive
    last: int
    welsh: bool = False
    short_year: bool = False

    def is_(self, protected: date) -> bool:
        if self.day != protected.day:
            return False
        if self.month is None:
            return self.weekday is not None and self.weekday == protected.weekday()
        if self.month != protected.month:
            return False
        if self.year is None:
            return True
        return self.year == (protected.year % 100 if self.short_year else protected.year)


class _Reader:
    def __init__(self, found: Sequence[Token]) -> None:
        self.tokens = found

    def at(self, i: int) -> Token | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def near(self, i: int) -> Token | None:
        """Token i when it follows token i-1 with only spacing and light punctuation."""
        token = self.at(i)
        return token if token is not None and apart(token.gap) else None

    def day(self, i: int) -> tuple[int, int, bool] | None:
        """(day, next index, welsh) for a day of the month at token i."""
        token = self.at(i)
        if token is None:
            return None
        if token.is_number:
            if len(token.text) > 2 or not 1 <= int(token.text) <= 31:
                return None
            after = self.at(i + 1)
            if after is not None and after.gap == "" and not after.is_number:
                if after.text not in _SUFFIXES:
                    return None  # "52a", "31days": not a day
                return int(token.text), i + 2, after.text not in {"st", "nd", "rd", "th"}
            return int(token.text), i + 1, False
        if token.text not in _ORDINAL_FIRST:
            return None
        for length in range(_LONGEST_ORDINAL, 0, -1):
            words = tuple(t.text for t in self.tokens[i : i + length])
            if len(words) == length and words in _ORDINALS:
                if any(not apart(t.gap) for t in self.tokens[i + 1 : i + length]):
                    continue
                n, language = _ORDINALS[words]
                return n, i + length, language == "cy"
        return None

    def month(self, i: int) -> tuple[int, bool] | None:
        token = self.at(i)
        if token is None:
            return None
        if token.text in _MONTHS_EN:
            return _MONTHS_EN[token.text], False
        if token.text in _MONTHS_CY:
            previous = self.at(i - 1)
            if previous is not None and previous.text in _DYDD:
                return None  # "dydd Mawrth" is a Tuesday
            return _MONTHS_CY[token.text], True
        return None

    def weekday(self, i: int) -> tuple[int, int, bool] | None:
        token = self.at(i)
        if token is None:
            return None
        if token.text in _WEEKDAYS_EN:
            return _WEEKDAYS_EN[token.text], i + 1, False
        after = self.near(i + 1)
        if token.text in _DYDD and after is not None and after.text in _WEEKDAYS_CY:
            return _WEEKDAYS_CY[after.text], i + 2, True
        return None

    def year(self, i: int) -> tuple[int, bool] | None:
        token = self.near(i)
        if token is None or not token.is_number:
            return None
        if len(token.text) == 4 and 1000 <= int(token.text) <= 2999:
            return int(token.text), False
        if len(token.text) == 2 and token.gap.strip().endswith("'"):
            return int(token.text), True
        return None

    def skip(self, i: int, words: frozenset[str], most: int) -> int:
        for _ in range(most):
            token = self.near(i)
            if token is None or token.text not in words:
                break
            i += 1
        return i

    def textual(self, i: int) -> Candidate | None:
        weekday = self.weekday(i)
        j = weekday[1] if weekday else i
        if weekday and not self.near(j):
            return None
        welsh = bool(weekday and weekday[2])
        # [W] [the] D [of] M [Y]
        k = self.skip(j, _BEFORE_DAY, 1)
        day = self.day(k) if (k == i or self.near(k)) else None
        if day:
            m = self.skip(day[1], _DAY_TO_MONTH, 2)
            month = self.month(m) if self.near(m) else None
            if month:
                return self._with_year(day[0], month[0], weekday, i, m, welsh or day[2] or month[1])
            if weekday:
                return Candidate(day[0], None, None, weekday[0], i, day[1] - 1, welsh or day[2])
            return None
        # [W] M [the] D [Y]
        month = self.month(j) if (j == i or self.near(j)) else None
        if month:
            k = self.skip(j + 1, _BEFORE_DAY, 1)
            day = self.day(k) if self.near(k) else None
            if day:
                return self._with_year(day[0], month[0], weekday, i, day[1] - 1, welsh or day[2] or month[1])
        return None

    def _with_year(
        self, day: int, month: int, weekday: tuple[int, int, bool] | None, first: int, last: int, welsh: bool
    ) -> Candidate:
        year = self.year(last + 1)
        return Candidate(
            day,
            month,
            year[0] if year else None,
            weekday[0] if weekday else None,
            first,
            last + 1 if year else last,
            welsh,
            bool(year and year[1]),
        )

    def numeric(self, i: int) -> list[Candidate]:
        """Figures with separators, read every way they could be meant."""
        parts = [self.tokens[i]]
        separator: str | None = None
        while len(parts) < 4:
            following = self.at(i + len(parts))
            if following is None or not following.is_number:
                break
            gap = following.gap.strip() or (" " if following.gap == " " else "")
            if gap not in {"/", "-", ".", " "} or (separator is not None and gap != separator):
                break
            separator = gap
            parts.append(following)
        if not parts[0].is_number or len(parts) not in (2, 3):
            return []
        previous = self.at(i - 1)
        gap = parts[0].gap
        joined = gap.strip() in {"/", "-", "."} or gap == "" or (separator == " " and gap == " ")
        if previous is not None and previous.is_number and joined:
            return []  # inside a longer run of figures: a reference, a telephone number
        texts = [part.text for part in parts]
        last = i + len(parts) - 1
        readings: list[tuple[str, str, str | None]] = []
        if len(parts) == 3:
            if len(texts[0]) == 4 and all(len(t) <= 2 for t in texts[1:]):
                readings.append((texts[2], texts[1], texts[0]))
            elif all(len(t) <= 2 for t in texts[:2]) and len(texts[2]) in (2, 4):
                if separator == " " and len(texts[2]) != 4:
                    return []
                readings += [(texts[0], texts[1], texts[2]), (texts[1], texts[0], texts[2])]
        elif separator != " " and all(len(t) <= 2 for t in texts):
            readings += [(texts[0], texts[1], None), (texts[1], texts[0], None)]
        found = []
        for day, month, year in readings:
            if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
                short = year is not None and len(year) == 2
                found.append(
                    Candidate(int(day), int(month), int(year) if year else None, None, i, last, False, short)
                )
        return found


def candidates(text: str) -> tuple[list[Token], list[Candidate]]:
    """Every date the text gives, and the tokens their indexes refer to."""
    found = tokens(fold(text))
    reader = _Reader(found)
    dates: list[Candidate] = []
    for i, token in enumerate(found):
        if token.is_number:
            dates.extend(reader.numeric(i))
        elif token.text not in _STARTERS:
            continue
        candidate = reader.textual(i)
        if candidate is not None:
            dates.append(candidate)
    return found, dates


@dataclass(frozen=True)
class ProtectedDate:
    day: date
    what: str = "the offender’s release date"


def long_date(day: date, welsh: bool = False) -> str:
    return f"{day.day} {(MONTHS_CY if welsh else MONTHS_EN)[day.month - 1]} {day.year}"


def month_only(day: date, welsh: bool = False) -> str:
    return f"{(MONTHS_CY if welsh else MONTHS_EN)[day.month - 1]} {day.year}"


def find_dates(text: str, protected: Iterable[ProtectedDate]) -> list[Finding]:
    """A refusal for each place the text gives a protected date, the widest reading only."""
    protected = list(protected)
    if not protected or not text:
        return []
    found, dates = candidates(text)
    hits: list[tuple[Candidate, ProtectedDate]] = []
    for candidate in dates:
        for secret in protected:
            if candidate.is_(secret.day):
                hits.append((candidate, secret))
                break
    hits.sort(key=lambda hit: (hit[0].first, -hit[0].last))
    findings: list[Finding] = []
    covered = -1
    for candidate, secret in hits:
        if candidate.last <= covered:
            continue  # part of a wider reading already found ("31 August" in "Tuesday 31 August")
        covered = candidate.last
        start, end = found[candidate.first].start, found[candidate.last].end
        words = quoted(text, start, end)
        findings.append(
            Finding(
                Kind.DATE,
                Severity.REFUSAL,
                words,
                start,
                end,
                f"“{words}” is {secret.what} ({long_date(secret.day)}). "
                f"Say the month only: “{month_only(secret.day, candidate.welsh)}”.",
            )
        )
    return findings
