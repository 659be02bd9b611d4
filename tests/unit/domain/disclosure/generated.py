"""Written forms of dates, addresses and telephone numbers, for the generated table tests and
the benchmark. These spell things out only to test the check: the check itself never does."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
MONTHS_CY = [
    "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
    "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
]  # fmt: skip
SOFT = {"Mawrth": "Fawrth", "Mai": "Fai", "Mehefin": "Fehefin", "Gorffennaf": "Orffennaf",
        "Medi": "Fedi", "Tachwedd": "Dachwedd", "Rhagfyr": "Ragfyr"}  # fmt: skip
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAYS_CY = ["Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul"]
UNITS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
    "eighteenth", "nineteenth",
]  # fmt: skip
WELSH_ORDINALS = {
    1: "cyntaf", 2: "ail", 3: "trydydd", 4: "pedwerydd", 5: "pumed", 6: "chweched", 7: "seithfed",
    8: "wythfed", 9: "nawfed", 10: "degfed", 11: "unfed ar ddeg", 12: "deuddegfed",
    13: "trydydd ar ddeg", 14: "pedwerydd ar ddeg", 15: "pymthegfed", 16: "unfed ar bymtheg",
    17: "ail ar bymtheg", 18: "deunawfed", 19: "pedwerydd ar bymtheg", 20: "ugeinfed",
    21: "unfed ar hugain", 22: "ail ar hugain", 23: "trydydd ar hugain", 24: "pedwerydd ar hugain",
    25: "pumed ar hugain", 26: "chweched ar hugain", 27: "seithfed ar hugain",
    28: "wythfed ar hugain", 29: "nawfed ar hugain", 30: "degfed ar hugain",
    31: "unfed ar ddeg ar hugain",
}  # fmt: skip


def suffix(n: int) -> str:
    return "th" if 11 <= n <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def welsh_suffix(n: int) -> str:
    return {1: "af", 2: "il", 3: "ydd", 4: "ydd", 5: "ed", 6: "ed", 11: "eg", 13: "eg", 14: "eg",
            16: "eg", 17: "eg", 19: "eg"}.get(n, "fed" if n <= 20 else "ain")  # fmt: skip


def ordinal_words(n: int) -> str:
    if n <= 19:
        return UNITS[n - 1]
    tens = "twenty" if n < 30 else "thirty"
    if n % 10 == 0:
        return tens[:-1] + "ieth"
    return f"{tens}-{UNITS[n % 10 - 1]}"


Form = Callable[[date], str]


def month(d: date) -> str:
    return MONTHS[d.month - 1]


def mis(d: date) -> str:
    return MONTHS_CY[d.month - 1]


def fis(d: date) -> str:
    return SOFT.get(mis(d), mis(d))


def weekday(d: date) -> str:
    return WEEKDAYS[d.weekday()]


def dydd(d: date) -> str:
    return WEEKDAYS_CY[d.weekday()]


ENGLISH: dict[str, Form] = {
    "d Month yyyy": lambda d: f"{d.day} {month(d)} {d.year}",
    "d Mon yyyy": lambda d: f"{d.day} {month(d)[:3]} {d.year}",
    "dd Mon. yy": lambda d: f"{d.day:02d} {month(d)[:3]}. '{d.year % 100:02d}",
    "d Month": lambda d: f"{d.day} {month(d)}",
    "DD MONTH": lambda d: f"{d.day:02d} {month(d).upper()}",
    "dth of Month": lambda d: f"{d.day}{suffix(d.day)} of {month(d)}",
    "the dth of Month yyyy": lambda d: f"the {d.day}{suffix(d.day)} of {month(d)} {d.year}",
    "Month dth": lambda d: f"{month(d)} {d.day}{suffix(d.day)}",
    "Month d, yyyy": lambda d: f"{month(d)} {d.day}, {d.year}",
    "Month the dth": lambda d: f"{month(d)} the {d.day}{suffix(d.day)}",
    "Mon d": lambda d: f"{'Sept' if d.month == 9 else month(d)[:3]} {d.day}",
    "the ordinal of Month": lambda d: f"the {ordinal_words(d.day)} of {month(d)}",
    "ordinal Month": lambda d: f"{ordinal_words(d.day).replace('-', ' ')} {month(d)}",
    "Month the ordinal": lambda d: f"{month(d)} the {ordinal_words(d.day)}",
    "Weekday d Month": lambda d: f"{weekday(d)} {d.day} {month(d)}",
    "Weekday, dth Mon yyyy": lambda d: f"{weekday(d)}, {d.day}{suffix(d.day)} {month(d)[:3]} {d.year}",
    "Weekday the ordinal": lambda d: f"{weekday(d)} the {ordinal_words(d.day)}",
    "Wkd dth": lambda d: f"{weekday(d)[:3]} {d.day}{suffix(d.day)}",
    "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "d/m/yy": lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
    "dd-mm-yyyy": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
    "dd.mm.yy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    "dd mm yyyy": lambda d: f"{d.day:02d} {d.month:02d} {d.year}",
    "mm/dd/yyyy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "yyyy-mm-dd": lambda d: d.isoformat(),
    "d/m": lambda d: f"{d.day}/{d.month}",
}  # fmt: skip

WELSH: dict[str, Form] = {
    "d Mis yyyy": lambda d: f"{d.day} {mis(d)} {d.year}",
    "d Mis": lambda d: f"{d.day} {mis(d)}",
    "Mis d": lambda d: f"{mis(d)} {d.day}",
    "dain o Fis": lambda d: f"{d.day}{welsh_suffix(d.day)} o {fis(d)}",
    "y dain o fis Mis yyyy": lambda d: f"y {d.day}{welsh_suffix(d.day)} o fis {mis(d)} {d.year}",
    "yr ordinal o fis Mis": lambda d: f"yr {WELSH_ORDINALS[d.day]} o fis {mis(d)}",
    "Dydd X d Mis": lambda d: f"Dydd {dydd(d)} {d.day} {mis(d)}",
    "ddydd X y dain": lambda d: f"ddydd {dydd(d)} y {d.day}{welsh_suffix(d.day)}",
    "Dydd X, dain Mis yyyy": lambda d: f"Dydd {dydd(d)}, {d.day}{welsh_suffix(d.day)} {mis(d)} {d.year}",
}  # fmt: skip


def sentence(form: str, welsh: bool) -> str:
    if welsh:
        return f"Bydd y troseddwr yn cael ei ryddhau ar {form} a byddwn yn ysgrifennu atoch eto."
    return f"The offender will be released on {form} and we will write to you again."


def protected_dates(seed: int, count: int) -> list[tuple[date, date]]:
    """(protected, control) pairs: the control is another day of the month or another month."""
    chance = random.Random(seed)
    first = date(2025, 1, 1)
    pairs = []
    for _ in range(count):
        day = first + timedelta(days=chance.randrange(365 * 10))
        while True:
            other = first + timedelta(days=chance.randrange(365 * 10))
            if (other.day, other.month) != (day.day, day.month):
                break
        pairs.append((day, other))
    return pairs


STREETS = ["Acacia", "Mill", "Church", "Station", "Victoria", "Chapel", "Orchard", "Meadow", "Kingfisher"]
TYPES = {"Road": ["Road", "Rd", "rd."], "Street": ["Street", "St", "St."], "Avenue": ["Avenue", "Ave"],
         "Lane": ["Lane", "Ln"], "Close": ["Close", "Cl"], "Crescent": ["Crescent", "Cres"]}  # fmt: skip
LETTERS = "ABCDEFGHJKLMNPRSTUWY"


def addresses(seed: int, count: int) -> list[dict[str, str]]:
    chance = random.Random(seed)
    made = []
    for _ in range(count):
        number = str(chance.randint(1, 250)) + chance.choice(["", "", "a", "b"])
        kind = chance.choice(list(TYPES))
        outward = (
            chance.choice(LETTERS) + chance.choice(["", chance.choice(LETTERS)]) + str(chance.randint(1, 29))
        )
        inward = str(chance.randint(0, 9)) + chance.choice(LETTERS) + chance.choice(LETTERS)
        made.append(
            {
                "number": number,
                "street": f"{chance.choice(STREETS)} {chance.choice(STREETS[::-1])}",
                "type": kind,
                "abbreviation": chance.choice(TYPES[kind]),
                "town": "".join(chance.choice(["Marsh", "Ald", "Brack", "Thorn", "Wel"]) for _ in range(2))
                + "ton",
                "postcode": f"{outward} {inward}",
            }
        )
    return made


ADDRESS_FORMS: dict[str, Callable[[dict[str, str]], str]] = {
    "postcode": lambda a: a["postcode"],
    "postcode, no space": lambda a: a["postcode"].replace(" ", ""),
    "postcode, lower case": lambda a: a["postcode"].lower(),
    "postcode, hyphen": lambda a: a["postcode"].replace(" ", "-"),
    "number street type": lambda a: f"{a['number']} {a['street']} {a['type']}",
    "street, abbreviated": lambda a: f"{a['street']} {a['abbreviation']}",
    "STREET": lambda a: f"{a['street']} {a['type']}".upper(),
    "no. N near postcode": lambda a: f"no. {a['number'].upper()} near {a['postcode'].replace(' ', '')}",
    "flat N, street": lambda a: f"flat {a['number']}, {a['street']} {a['abbreviation']}",
    "town and postcode": lambda a: f"{a['town']} {a['postcode']}",
}


def phones(seed: int, count: int) -> list[str]:
    chance = random.Random(seed)
    return [
        chance.choice(["01", "02", "07"]) + "".join(str(chance.randrange(10)) for _ in range(9))
        for _ in range(count)
    ]


PHONE_FORMS: dict[str, Callable[[str], str]] = {
    "national": lambda p: p,
    "national, spaced": lambda p: f"{p[:5]} {p[5:8]} {p[8:]}",
    "national, hyphens": lambda p: f"{p[:5]}-{p[5:8]}-{p[8:]}",
    "brackets": lambda p: f"({p[:5]}) {p[5:]}",
    "+44": lambda p: f"+44{p[1:]}",
    "+44 spaced": lambda p: f"+44 {p[1:5]} {p[5:]}",
    "+44(0)": lambda p: f"+44(0){p[1:5]} {p[5:8]} {p[8:]}",
    "0044": lambda p: f"0044 {p[1:]}",
    "dots": lambda p: f"{p[:5]}.{p[5:8]}.{p[8:]}",
}
