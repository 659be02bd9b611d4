"""What a referral and an offender event are, defined once (victims.intake.schema): the API and
the CSV import validate with these, and /api/v1/openapi.json publishes them."""

from __future__ import annotations

from victims.domain.deadlines import OffenderEvent
from victims.domain.formats import CRN, EMAIL, POSTCODE, PRISON_NUMBER, TELEPHONE
from victims.domain.vocabulary import (
    Channel,
    ContactLevel,
    DateSource,
    Language,
    OffenceCategory,
    SentenceType,
)
from victims.intake.schema import Day, Flag, List, Record, Text, Whole


def _values(enum) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


ADDRESS = Record(
    fields={
        "line_1": Text(max_length=200),
        "line_2": Text(max_length=200),
        "town": Text(max_length=100),
        "postcode": Text(
            max_length=8,
            pattern=POSTCODE.pattern,
            pattern_message="must be a real postcode, like AA1 1AA",
            upper=True,
        ),
    },
    required=("line_1", "town", "postcode"),
)

PREFERENCES = Record(
    fields={
        "contact_level": Text(choices=_values(ContactLevel)),
        "channel": Text(choices=_values(Channel)),
        "language": Text(choices=_values(Language)),
        "large_print": Flag(),
    },
)

VICTIM = Record(
    fields={
        "relationship": Text(choices=("victim", "bereaved_relative")),
        "first_name": Text(max_length=100),
        "last_name": Text(max_length=100),
        "date_of_birth": Day(not_after_today=True),
        "address": ADDRESS,
        "telephone": Text(
            max_length=20, pattern=TELEPHONE.pattern, pattern_message="must be a telephone number"
        ),
        "email": Text(max_length=254, pattern=EMAIL.pattern, pattern_message="must be an email address"),
        "preferences": PREFERENCES,
    },
    required=("relationship", "first_name", "last_name"),
    description="A victim or bereaved relative. Contact details are stored encrypted and never returned.",
)

SENTENCE_DATE_FIELDS = ("crd", "ard", "ped", "hdced", "led", "sed", "tused", "prrd")

REFERRAL = Record(
    fields={
        "offender": Record(
            fields={
                "crn": Text(
                    max_length=7,
                    pattern=CRN.pattern,
                    pattern_message="must be a CRN like X123456",
                    upper=True,
                ),
                "prison_number": Text(
                    max_length=7,
                    pattern=PRISON_NUMBER.pattern,
                    pattern_message="must be a prison number like A1234BC",
                    upper=True,
                ),
                "first_name": Text(max_length=100),
                "last_name": Text(max_length=100),
                "date_of_birth": Day(not_after_today=True),
            },
            required=("crn", "first_name", "last_name"),
        ),
        "sentence": Record(
            fields={
                "offence": Text(max_length=200),
                "offence_category": Text(choices=_values(OffenceCategory)),
                "sentence_type": Text(choices=_values(SentenceType)),
                "length_months": Whole(minimum=1, maximum=1200),
                "sentence_date": Day(not_after_today=True),
                "court": Text(max_length=200),
                "dates": Record(fields={name: Day() for name in SENTENCE_DATE_FIELDS}),
            },
            required=("offence", "offence_category", "sentence_type", "sentence_date"),
        ),
        "received_on": Day(
            not_after_today=True, description="The day the Victim Contact Unit received the referral"
        ),
        "team_id": Whole(
            minimum=1,
            maximum=2_000_000_000,
            description="The Victim Contact Unit; the client's own by default",
        ),
        "victims": List(items=VICTIM, min_items=1, max_items=20),
    },
    required=("offender", "sentence", "received_on", "victims"),
)

_EVENT_FIELDS = {
    "kind": Text(choices=_values(OffenderEvent)),
    "occurred_on": Day(not_after_today=True, description="The day the event happened"),
    "learned_on": Day(
        not_after_today=True,
        description="The day the Victim Contact Unit learned of it: today if left out; never before "
        "occurred_on. The event's deadline counts from the later of the two",
    ),
    "dates": Record(
        fields={name: Day() for name in SENTENCE_DATE_FIELDS},
        description="For a release_date_change (and only for one): the new release-related dates, "
        "named as in a referral's sentence dates; a date left out is not changed. Every deadline is "
        "worked out again from them",
    ),
    "source": Text(
        choices=(DateSource.PRISON.value, DateSource.PROBATION.value),
        description="For a release_date_change: where the new dates come from (prison: NOMIS; "
        "probation: nDelius)",
    ),
    "notes": Text(max_length=2000),
}

EVENT = Record(fields=_EVENT_FIELDS, required=("kind", "occurred_on"))

# Up to this many events in one request to POST /events (a recalculation exercise such as SDS40).
MAX_BULK_EVENTS = 1000

BULK_EVENTS = Record(
    fields={
        "events": List(
            items=Record(
                fields={
                    "crn": Text(
                        max_length=7,
                        pattern=CRN.pattern,
                        pattern_message="must be a CRN like X123456",
                        upper=True,
                        description="The offender's CRN: their open case in the client's region",
                    ),
                    **_EVENT_FIELDS,
                },
                required=("crn", "kind", "occurred_on"),
            ),
            min_items=1,
            max_items=MAX_BULK_EVENTS,
        )
    },
    required=("events",),
)
