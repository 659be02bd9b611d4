"""The disclosure check (issue 12): catch and false-positive rates of the generated tables, and
the time to check a typical two-page letter against a release date, a prison and an address.

Run alone with `python -m bench.disclosure`, or with the others by `make bench`."""

from __future__ import annotations

import statistics
import time
from datetime import date

from tests.unit.domain.disclosure.generated import (
    ADDRESS_FORMS,
    ENGLISH,
    PHONE_FORMS,
    WELSH,
    addresses,
    phones,
    protected_dates,
    sentence,
)
from victims.domain.disclosure import Protected, ProtectedDate, Whereabouts, find_disclosures

PARAGRAPH = (
    "We are writing to let you know that the offender in your case is expected to be released in "
    "August 2027. Before then, you can tell us about any conditions you would like us to ask for "
    "on their licence, such as not contacting you or not entering the area where you live. If the "
    "offender contacts you while they are in prison, call the Unwanted Prisoner Contact Service on "
    "0300 060 6699. If you are in immediate danger, call 999; otherwise report it to the police on "
    "101. Your victim liaison officer is Sam Jones, telephone 0114 496 0000, who works on Tuesdays "
    "and Thursdays from 9am to 5pm. Your reference is VCS/2027/0412. "
)
LETTER = PARAGRAPH * 8  # about two printed pages (some 900 words)
PROTECTED = Protected(
    dates=(ProtectedDate(date(2027, 8, 31)), ProtectedDate(date(2027, 3, 4))),
    prisons=("HMP Chelmsford",),
    whereabouts=(
        Whereabouts(
            whose="the offender",
            place="release address",
            lines=("Flat 2", "14 Station Road"),
            town="Colchester",
            postcode="CO1 1AA",
        ),
        Whereabouts(phones=("+44(0)114 496 0622",), emails=("victim@example.org",)),
    ),
)


def _rate(pairs, forms, check) -> tuple[int, float, float]:
    total = caught = false = 0
    for secret, control in pairs:
        for form in forms.values():
            total += 1
            caught += bool(check(form(secret), secret))
            false += bool(check(form(control), secret))
    return total, caught / total, false / total


def main() -> None:
    dates = protected_dates(seed=12, count=300)
    made = addresses(seed=12, count=600)
    numbers = phones(seed=12, count=600)

    def date_check(welsh):
        return lambda text, day: find_disclosures(
            sentence(text, welsh), Protected(dates=(ProtectedDate(day),))
        )

    def address_check(text, a):
        line = f"{a['number']} {a['street']} {a['type']}"
        protected = Whereabouts(lines=(line,), town=a["town"], postcode=a["postcode"])
        return find_disclosures(f"Not to enter {text}.", Protected(whereabouts=(protected,)))

    def phone_check(text, number):
        return find_disclosures(
            f"Do not call {text}.", Protected(whereabouts=(Whereabouts(phones=(number,)),))
        )

    tables = [
        ("English dates", dates, ENGLISH, date_check(False)),
        ("Welsh dates", dates, WELSH, date_check(True)),
        ("Addresses", list(zip(made[:300], made[300:], strict=True)), ADDRESS_FORMS, address_check),
        ("Telephone numbers", list(zip(numbers[:300], numbers[300:], strict=True)), PHONE_FORMS, phone_check),
    ]
    print(f"{'table':<20}{'forms':>7}{'caught':>10}{'false positives':>18}")
    for label, pairs, forms, check in tables:
        total, caught, false = _rate(pairs, forms, check)
        print(f"{label:<20}{total:>7}{caught:>10.2%}{false:>18.2%}")
    assert find_disclosures(LETTER, PROTECTED) == []
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        find_disclosures(LETTER, PROTECTED)
        timings.append(time.perf_counter() - start)
    print(
        f"\nA two-page letter ({len(LETTER.split())} words) against 2 dates, a prison and 2 people's "
        f"details: median {statistics.median(timings) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
