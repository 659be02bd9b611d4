"""Issue 12, evidence: random addresses and telephone numbers in the forms the matcher claims,
each found; the same forms of another address or number counted as false positives."""

from __future__ import annotations

from victims.domain.disclosure import Whereabouts, find_whereabouts, refusals

from .generated import ADDRESS_FORMS, PHONE_FORMS, addresses, phones

COUNT = 300


def report(label: str, total: int, missed: list[str], false_positives: list[str]) -> None:
    caught, rate = 1 - len(missed) / total, len(false_positives) / total
    print(f"\n{label}: {total} forms, {caught:.2%} caught; {total} controls, {rate:.2%} false positives")
    assert caught >= 0.99, missed[:10]
    assert rate < 0.02, false_positives[:10]


def test_addresses() -> None:
    made = addresses(seed=12, count=COUNT * 2)
    total, missed, false_positives = 0, [], []
    for address, control in zip(made[:COUNT], made[COUNT:], strict=True):
        protected = [
            Whereabouts(
                lines=(f"{address['number']} {address['street']} {address['type']}",),
                town=address["town"],
                postcode=address["postcode"],
            )
        ]
        for name, form in ADDRESS_FORMS.items():
            total += 1
            if not refusals(find_whereabouts(f"Not to enter {form(address)} at any time.", protected)):
                missed.append(f"{name}: {form(address)}")
            if find_whereabouts(f"Not to enter {form(control)} at any time.", protected):
                false_positives.append(f"{name}: {form(control)} for {address}")
    report("Addresses", total, missed, false_positives)


def test_telephone_numbers() -> None:
    made = phones(seed=12, count=COUNT * 2)
    total, missed, false_positives = 0, [], []
    for number, control in zip(made[:COUNT], made[COUNT:], strict=True):
        protected = [Whereabouts(phones=(number,))]
        for name, form in PHONE_FORMS.items():
            total += 1
            if not find_whereabouts(f"Do not call {form(number)} again.", protected):
                missed.append(f"{name}: {form(number)}")
            if find_whereabouts(f"Do not call {form(control)} again.", protected):
                false_positives.append(f"{name}: {form(control)} for {number}")
    report("Telephone numbers", total, missed, false_positives)
