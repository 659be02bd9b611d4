"""Issue 12, evidence: for a few hundred random release dates, every written form the grammar
claims to cover is found, in English and Welsh; the same forms of another date (another day or
month) are counted as false positives. The rates are printed (pytest -s) and asserted."""

from __future__ import annotations

from victims.domain.disclosure import ProtectedDate, find_dates

from .generated import ENGLISH, WELSH, protected_dates, sentence

DATES = 300


def rates(forms: dict, welsh: bool) -> tuple[int, list[str], int, list[str]]:
    total, missed, false_positives = 0, [], []
    for day, control in protected_dates(seed=12, count=DATES):
        protected = [ProtectedDate(day)]
        for name, form in forms.items():
            total += 1
            if not find_dates(sentence(form(day), welsh), protected):
                missed.append(f"{name}: {form(day)} ({day})")
            if find_dates(sentence(form(control), welsh), protected):
                false_positives.append(f"{name}: {form(control)} for {day}")
    return total, missed, total, false_positives


def check(forms: dict, welsh: bool, label: str) -> None:
    total, missed, controls, false_positives = rates(forms, welsh)
    caught = 1 - len(missed) / total
    rate = len(false_positives) / controls
    print(f"\n{label}: {total} forms, {caught:.2%} caught; {controls} controls, {rate:.2%} false positives")
    assert caught >= 0.99, missed[:10]
    assert rate < 0.02, false_positives[:10]


def test_english_dates() -> None:
    check(ENGLISH, welsh=False, label="English dates")


def test_welsh_dates() -> None:
    check(WELSH, welsh=True, label="Welsh dates")
