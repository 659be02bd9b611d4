"""The offender's prison, by any common form of its name, from the list of prisons and young
offender institutions of England and Wales (victims/data/prisons.csv).

A finding is the prison's name (English or Welsh) with a prison word before or after it: "HMP X",
"HM Prison X", "Her/His Majesty's Prison X", "HMYOI X", "HMP & YOI X", "X prison", "X YOI",
"X young offender institution", "X jail", "Carchar EF X", "Carchar Ei Fawrhydi X" (and their
mutations "garchar", "ngharchar", "charchar"), "Sefydliad Troseddwyr Ifanc X". The bare name
is a finding only when the list says it is unambiguous (bare_name "yes": "Belmarsh"), never
when it is also a town, a district or an ordinary word ("Chelmsford", "Ford", "Parc").
"""

from __future__ import annotations

import csv
import importlib.resources
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from victims.domain.disclosure.findings import Finding, Kind, Severity
from victims.domain.disclosure.normalise import Token, apart, fold, quoted, tokens, words


@dataclass(frozen=True)
class Prison:
    name: str
    type: str
    welsh_name: str = ""
    bare_name: bool = False

    @property
    def title(self) -> str:
        if not self.type:
            return self.name
        return f"HMP {self.name}" if self.type != "HMYOI" else f"HMYOI {self.name}"


def read_prisons(text: str) -> dict[tuple[str, ...], Prison]:
    """The prisons of a CSV file (lines starting "#" are comments), by their folded name."""
    rows = csv.DictReader(
        io.StringIO("".join(line for line in text.splitlines(True) if not line.startswith("#")))
    )
    prisons = {}
    for row in rows:
        prison = Prison(row["name"], row["type"], row["welsh_name"], row["bare_name"] == "yes")
        prisons[words(prison.name)] = prison
    return prisons


PRISONS: Mapping[tuple[str, ...], Prison] = read_prisons(
    importlib.resources.files("victims").joinpath("data/prisons.csv").read_text(encoding="utf-8")
)

_CARCHAR = ("carchar", "garchar", "ngharchar", "charchar")
_BEFORE: list[tuple[str, ...]] = sorted(
    [
        ("hmp",),
        ("h", "m", "p"),
        ("hm", "prison"),
        ("her", "majesty", "s", "prison"),
        ("his", "majesty", "s", "prison"),
        ("hmyoi",),
        ("hmp", "yoi"),
        ("hmp", "and", "yoi"),
        ("hm", "yoi"),
        ("hm", "young", "offender", "institution"),
        ("hm", "prison", "and", "young", "offender", "institution"),
        ("prison",),
        ("yoi",),
        ("sefydliad", "troseddwyr", "ifanc"),
        ("sefydliad", "troseddwyr", "ifanc", "ef"),
    ]
    + [(word, "ef") for word in _CARCHAR]
    + [(word, "ei", "fawrhydi") for word in _CARCHAR]
    + [(word,) for word in _CARCHAR],
    key=len,
    reverse=True,
)
_AFTER: list[tuple[str, ...]] = [
    ("young", "offender", "institution"),
    ("young", "offenders", "institution"),
    ("prison",),
    ("yoi",),
    ("jail",),
    ("gaol",),
]
_PREFIXES = frozenset({"hmp", "hmyoi", "hm", "yoi", "prison", "carchar", "ef"})


def prison_named(name: str, prisons: Mapping[tuple[str, ...], Prison] = PRISONS) -> Prison:
    """The prison a case names ("HMP Chelmsford", "Chelmsford", "HMP/YOI Parc"); one not on the
    list is taken as it is written, its bare name not a finding."""
    found = tokens(fold(name))
    first = 0
    while first < len(found) and found[first].text in _PREFIXES:
        first += 1
    key = tuple(token.text for token in found[first:])
    if key in prisons:
        return prisons[key]
    if first == 0:
        # Not a prison we know, named without a prison word ("Bedford probation office"): the
        # words as the case has them are the finding.
        return Prison(" ".join(name.split()), "", bare_name=True)
    # "HMP Testshire": found with a prison word, as a prison on the list would be.
    return Prison(" ".join(name[found[first].start :].split()) if first < len(found) else name, "HMP")


def _ends_with(found: Sequence[Token], end: int, phrase: tuple[str, ...]) -> int | None:
    """The index the phrase starts at when it ends just before token `end`."""
    start = end - len(phrase)
    if start < 0 or not apart(found[end].gap):
        return None
    for k, word in enumerate(phrase):
        if found[start + k].text != word or (k and not apart(found[start + k].gap)):
            return None
    return start


def _starts_with(found: Sequence[Token], start: int, phrase: tuple[str, ...]) -> int | None:
    """The index of the phrase's last token when it starts at token `start`."""
    if start + len(phrase) > len(found):
        return None
    for k, word in enumerate(phrase):
        if found[start + k].text != word or not apart(found[start + k].gap):
            return None
    return start + len(phrase) - 1


def find_prisons(
    text: str, names: Iterable[str], prisons: Mapping[tuple[str, ...], Prison] = PRISONS
) -> list[Finding]:
    """A refusal for each place the text names the offender's prison."""
    found = tokens(fold(text))
    findings: list[Finding] = []
    for name in names:
        prison = prison_named(name, prisons)
        spellings = {words(prison.name)} | ({words(prison.welsh_name)} if prison.welsh_name else set())
        for spelling in spellings:
            n = len(spelling)
            for i in range(len(found) - n + 1):
                if any(found[i + k].text != word for k, word in enumerate(spelling)):
                    continue
                if any(not apart(found[i + k].gap) for k in range(1, n)):
                    continue
                first, last = i, i + n - 1
                before = next((s for p in _BEFORE if (s := _ends_with(found, i, p)) is not None), None)
                after = next((e for p in _AFTER if (e := _starts_with(found, i + n, p)) is not None), None)
                if before is None and after is None and not prison.bare_name:
                    continue
                first = before if before is not None else first
                last = after if after is not None else last
                start, end = found[first].start, found[last].end
                words_ = quoted(text, start, end)
                findings.append(
                    Finding(
                        Kind.PRISON,
                        Severity.REFUSAL,
                        words_,
                        start,
                        end,
                        f"“{words_}” names the offender’s prison ({prison.title}). Remove it: victims are "
                        "not told where the offender is held.",
                    )
                )
    findings.sort(key=lambda finding: finding.start)
    return findings
