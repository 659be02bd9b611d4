"""The demo's caseloads at real scale (issue 14, item 9): each VLO holds 250 to 350 open cases
(one or two above, the part-time VLO below), and each team's queue has a dozen or so new
referrals waiting for allocation.

Every date is counted back from today, so the stages (`victims.domain.workload.Stage`) come out
in a realistic mix whatever the day: most in custody, a good share in the pre-release window and
on licence, some with a parole review active, few due for closure. The cases are written in
batches (`victims.demo.bulk`), by the service's own rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from faker import Faker
from sqlalchemy import select

from victims.audit import services as audit
from victims.cases.services import OffenderDetails, SentenceDetails
from victims.demo.bulk import (
    CaseSpec,
    ContactSpec,
    Meeting,
    PersonSpec,
    contacts_of,
    meet_history,
    write_cases,
)
from victims.domain.deadlines import LICENCE_REPRESENTATIONS, PRE_RELEASE_WINDOW, OffenderEvent, event_code
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.vocabulary import (
    Channel,
    ContactLevel,
    ContactMethod,
    Direction,
    Language,
    OffenceCategory,
    Relationship,
    SentenceType,
)
from victims.domain.work import INITIAL_CONTACT_CODES, DeadlineStatus
from victims.domain.workload import Stage
from victims.extensions import db
from victims.people.services import PersonDetails, Preferences
from victims.staff.models import Team, User
from victims.work import services as work
from victims.work.models import CaseDeadline
from victims.work.queries import settings_fixed

# Open cases each demo VLO holds (by first name): most in the 250–350 band, Ben and Farid above
# it, Grace (part-time, 22.5 hours) below. The lifecycle examples close a few of Bedford's.
CASELOADS = {
    "Amelia": 298,
    "Ben": 358,
    "Chloe": 281,
    "Daniel": 312,
    "Erin": 334,
    "Farid": 371,
    "Grace": 162,
    "Hana": 265,
}
DEFAULT_CASELOAD = 300
# How an allocated case's stage is drawn: most quiet in custody, few due for closure.
STAGE_MIX: list[tuple[Stage, float]] = [
    (Stage.CUSTODY, 0.50),
    (Stage.CUSTODY_NEAR, 0.13),
    (Stage.PRE_RELEASE, 0.11),
    (Stage.LICENCE, 0.20),
    (Stage.PAROLE, 0.04),
    (Stage.CLOSURE_DUE, 0.015),
]
BATCH = 400
# Most cases have one victim; some two or three.
PEOPLE_COUNTS = [1] * 7 + [2] * 3 + [3]

OFFENCES = {
    OffenceCategory.VIOLENT: ["Wounding with intent (s.18)", "Robbery", "Grievous bodily harm (s.20)"],
    OffenceCategory.SEXUAL: ["Rape", "Sexual assault", "Sexual assault", "Sexual activity with a child"],
    OffenceCategory.TERRORISM: ["Preparation of terrorist acts"],
    OffenceCategory.DOMESTIC_ABUSE: [
        "Controlling or coercive behaviour",
        "Assault occasioning actual bodily harm",
    ],
    OffenceCategory.STALKING_HARASSMENT: ["Stalking involving fear of violence", "Harassment"],
}
# A death: the people on the case are the victim's bereaved family.
HOMICIDES = ["Murder", "Manslaughter", "Causing death by dangerous driving"]
CATEGORY_WEIGHTS = {
    OffenceCategory.VIOLENT: 36,
    OffenceCategory.SEXUAL: 26,
    OffenceCategory.DOMESTIC_ABUSE: 22,
    OffenceCategory.STALKING_HARASSMENT: 10,
    OffenceCategory.TERRORISM: 1,
}
COURTS = [
    "Cambridge Crown Court",
    "Norwich Crown Court",
    "Ipswich Crown Court",
    "Chelmsford Crown Court",
    "Luton Crown Court",
    "Peterborough Crown Court",
]
PRISONS = ["HMP Norwich", "HMP Bedford", "HMP Highpoint", "HMP Littlehey", "HMP Whitemoor", "HMP Chelmsford"]
HOSPITALS = ["Rampton Hospital", "St Andrew's Healthcare, Northampton"]
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
SUMMARIES = [
    "Explained the scheme and what information they can expect.",
    "Discussed concerns about the offender's release and licence conditions.",
    "Confirmed contact preferences; prefers letters to telephone calls.",
    "Returned call; no answer. No voicemail left, as agreed.",
]
MONTH = 30.44
PAPER = "Recorded on paper before this service"
PAROLE_TOLD = "Told them the parole review is listed; offered a victim personal statement."


@dataclass
class Drawn:
    """One case to write, with what the bulk writer cannot know: a parole review listed."""

    spec: CaseSpec
    review_listed_on: date | None = None


class Caseloads:
    """Draws demo cases with one random generator, so the demo is the same every time."""

    def __init__(
        self, fake: Faker, rnd: random.Random, today: date, crns, people_counts: list[int] | None = None
    ) -> None:
        self.fake, self.rnd, self.today, self.crns = fake, rnd, today, crns
        # How many people a case has, drawn from this list (a parent or guardian comes on top).
        self.people_counts = people_counts or PEOPLE_COUNTS

    # -- a case ------------------------------------------------------------------------------------

    def case(
        self,
        team: Team,
        owner: User | None,
        stage: Stage,
        *,
        category: OffenceCategory | None = None,
        welsh: bool | None = None,
        child: bool | None = None,
    ) -> Drawn:
        rnd = self.rnd
        category = category or rnd.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
        offence = rnd.choice(OFFENCES[category])
        bereaved = category == OffenceCategory.VIOLENT and rnd.random() < 0.15
        if bereaved:
            offence = rnd.choice(HOMICIDES)
        sentence, review = self._sentence(stage, category, offence, new=owner is None)
        sentence_date = sentence.sentence_date
        referral = min(self.today, sentence_date + timedelta(days=rnd.randint(3, 20)))
        hospital = sentence.sentence_type == SentenceType.HOSPITAL_RESTRICTED.value
        offender = OffenderDetails(
            crn=f"E{next(self.crns)}",
            prison_number=None
            if hospital
            else f"A{rnd.randint(1000, 9999)}{rnd.choice(LETTERS)}{rnd.choice(LETTERS)}",
            first_name=self.fake.first_name_male() if rnd.random() < 0.9 else self.fake.first_name_female(),
            last_name=self.fake.last_name(),
            date_of_birth=self.fake.date_of_birth(minimum_age=19, maximum_age=70),
            current_location=rnd.choice(HOSPITALS if hospital else PRISONS),
        )
        if child is None:
            child = not bereaved and (offence == "Sexual activity with a child" or rnd.random() < 0.03)
        if welsh is None:
            welsh = rnd.random() < 0.04
        people = self._people(bereaved=bereaved, child=child, welsh=welsh)
        spec = CaseSpec(
            offender=offender,
            sentence=sentence,
            referral_received_on=referral,
            team_id=team.id,
            region_id=team.region_id,
            allocated_vlo_id=owner.id if owner else None,
            people=people,
        )
        if owner is not None:
            spec.contacts = self._contacts(referral, people)
            # Most victims were told of a parole review listed more than a fortnight ago.
            if review is not None and (self.today - review).days > 14 and rnd.random() < 0.85:
                told = min(self.today, review + timedelta(days=rnd.randint(2, 9)))
                spec.contacts.append(
                    ContactSpec(
                        0,
                        _at(told, 11, 0),
                        ContactMethod.TELEPHONE.value,
                        Direction.OUTBOUND.value,
                        PAROLE_TOLD,
                    )
                )
        return Drawn(spec, review)

    def _sentence(
        self, stage: Stage, category: OffenceCategory, offence: str, *, new: bool
    ) -> tuple[SentenceDetails, date | None]:
        """Dates counted back from today so the case is at the stage drawn."""
        rnd, today = self.rnd, self.today
        court = rnd.choice(COURTS)

        def details(kind: SentenceType, months: int | None, sentenced: date, **dates) -> SentenceDetails:
            return SentenceDetails(
                offence=offence,
                offence_category=category.value,
                sentence_type=kind.value,
                length_months=months,
                sentence_date=sentenced,
                court=court,
                dates=dates,
            )

        served = rnd.randint(15, 40) if new else rnd.randint(60, 365 * 4)
        if stage == Stage.PAROLE:
            # An extended sentence (or a life sentence) at its parole eligibility date: a review
            # listed a few weeks ago.
            listed = today - timedelta(days=rnd.randint(1, 40))
            ped = today + timedelta(days=rnd.randint(-60, 150))
            if rnd.random() < 0.3:
                sentenced = ped - relativedelta(years=rnd.randint(8, 20))
                return details(SentenceType.LIFE, None, sentenced, ped=ped), listed
            months = rnd.choice([72, 96, 120, 144])
            sentenced = ped - timedelta(days=int(months * MONTH * 2 / 3))
            crd = sentenced + relativedelta(months=months)
            sed = crd + relativedelta(months=rnd.choice([36, 48, 60]))
            return details(
                SentenceType.EXTENDED, months, sentenced, ped=ped, crd=crd, led=sed, sed=sed
            ), listed
        if stage == Stage.CUSTODY and not new:
            roll = rnd.random()
            if roll < 0.03:
                return details(SentenceType.HOSPITAL_RESTRICTED, None, today - timedelta(days=served)), None
            if roll < 0.08:
                sentenced = today - timedelta(days=served)
                ped = sentenced + relativedelta(years=rnd.randint(12, 25))
                return details(SentenceType.LIFE, None, sentenced, ped=ped), None
        fraction = rnd.choice([0.4, 0.5, 0.5, 2 / 3])
        if stage == Stage.CLOSURE_DUE:
            ended = today - timedelta(days=rnd.randint(2, 45))
            months = rnd.choice([18, 24, 36, 48])
            sentenced = ended - relativedelta(months=months)
            crd = sentenced + timedelta(days=int(months * MONTH * fraction))
            return details(SentenceType.DETERMINATE, months, sentenced, crd=crd, led=ended, sed=ended), None
        if stage == Stage.LICENCE:
            short = category in (OffenceCategory.DOMESTIC_ABUSE, OffenceCategory.STALKING_HARASSMENT)
            months = (
                rnd.choice([6, 8, 10]) if short and rnd.random() < 0.3 else rnd.choice([18, 24, 36, 48, 60])
            )
            licence_days = int(months * MONTH * (1 - fraction))
            released_ago = rnd.randint(1, max(2, licence_days - 25))
            sentenced = today - timedelta(days=released_ago + int(months * MONTH * fraction))
        else:
            # Custody, release near or far, or the pre-release window: days to the earliest release.
            low, high = {
                Stage.CUSTODY: (380, 2200),
                Stage.CUSTODY_NEAR: (190, 355),
                Stage.PRE_RELEASE: (5, 175),
            }[stage]
            to_release = rnd.randint(low, high)
            months = max(12, round((to_release + served) / (MONTH * fraction)))
            sentenced = today + timedelta(days=to_release) - timedelta(days=int(months * MONTH * fraction))
        crd = sentenced + timedelta(days=int(months * MONTH * fraction))
        end = sentenced + relativedelta(months=months)
        return details(SentenceType.DETERMINATE, months, sentenced, crd=crd, led=end, sed=end), None

    def _people(self, *, bereaved: bool, child: bool, welsh: bool) -> list[PersonSpec]:
        rnd = self.rnd
        count = rnd.choice(self.people_counts)
        people: list[PersonSpec] = []
        family = self.fake.last_name()
        for index in range(count):
            relationship = Relationship.BEREAVED_RELATIVE if bereaved else Relationship.VICTIM
            if index > 0 and not bereaved and rnd.random() < 0.3:
                relationship = Relationship.BEREAVED_RELATIVE if rnd.random() < 0.2 else Relationship.VICTIM
            is_child = child and index == 0
            people.append(
                self._person(relationship, is_child, welsh, family if bereaved else None, first=index == 0)
            )
            if is_child:
                guardian = self._person(
                    Relationship.PARENT_GUARDIAN, False, welsh, people[0].details.last_name
                )
                guardian.acting_for = 0
                people.append(guardian)
        return people

    def _person(
        self,
        relationship: Relationship,
        child: bool,
        welsh: bool,
        last_name: str | None,
        *,
        first: bool = False,
    ) -> PersonSpec:
        rnd, fake = self.rnd, self.fake
        channel = Channel.POST if child or rnd.random() >= 0.3 else Channel.EMAIL
        first_name = fake.first_name()
        last = last_name or fake.last_name()
        # The first person rarely opts out (a case where everyone has opted out is due for closure).
        levels = (
            [ContactLevel.KEY_STAGES] * 6 + [ContactLevel.ANNUAL] * 2 + [ContactLevel.MONTH_OF_RELEASE] * 2
        )
        level = rnd.choice(levels)
        if rnd.random() < (0.01 if first else 0.15):
            level = ContactLevel.OPTED_OUT
        return PersonSpec(
            PersonDetails(
                relationship=relationship.value,
                first_name=first_name,
                last_name=last,
                date_of_birth=fake.date_of_birth(minimum_age=8, maximum_age=16)
                if child
                else fake.date_of_birth(minimum_age=18, maximum_age=85),
                address_line_1=fake.street_address().split("\n")[0],
                address_town=fake.city(),
                address_postcode=fake.postcode(),
                telephone=fake.phone_number(),
                email=f"{first_name.lower()}.{last.lower()}@example.com".replace(" ", "").replace("'", "")
                if channel == Channel.EMAIL
                else None,
            ),
            Preferences(
                contact_level=level.value,
                channel=channel.value,
                language=Language.WELSH.value if welsh else Language.ENGLISH.value,
                large_print=rnd.random() < 0.05,
                safe_contact_times=None,
            ),
        )

    def _contacts(self, referral: date, people: list[PersonSpec]) -> list[ContactSpec]:
        rnd, today = self.rnd, self.today
        contacts = []
        for _ in range(rnd.randint(0, 3)):
            day = referral + timedelta(days=rnd.randint(0, max(1, (today - referral).days)))
            contacts.append(
                ContactSpec(
                    person=rnd.randrange(len(people)),
                    occurred_at=_at(min(day, today), rnd.randint(9, 16), rnd.choice([0, 15, 30, 45])),
                    method=rnd.choice(list(ContactMethod)).value,
                    direction=rnd.choice(list(Direction)).value,
                    summary=rnd.choice(SUMMARIES),
                )
            )
        # Most VLOs make first contact within a few weeks of the referral; a few cases are late.
        if (today - referral).days > 30 and rnd.random() < 0.97:
            contacts.append(
                ContactSpec(
                    person=0,
                    occurred_at=_at(referral + timedelta(days=rnd.randint(2, 20)), rnd.randint(9, 16), 0),
                    method=ContactMethod.LETTER.value,
                    direction=Direction.OUTBOUND.value,
                    summary="Initial contact letter sent, explaining the scheme.",
                )
            )
        return contacts

    def stage(self) -> Stage:
        stages, weights = zip(*STAGE_MIX, strict=True)
        return self.rnd.choices(stages, weights)[0]


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def write(drawn: list[Drawn], spo_by_team: dict[int, User], rnd: random.Random, today: date) -> int:
    """Write the cases in batches, with their history; returns how many."""
    with settings_fixed():
        for start in range(0, len(drawn), BATCH):
            _write_batch(drawn[start : start + BATCH], spo_by_team, rnd, today)
    return len(drawn)


def _write_batch(batch: list[Drawn], spo_by_team: dict[int, User], rnd: random.Random, today: date) -> None:
    cases = write_cases([item.spec for item in batch])
    # Parole reviews listed: recorded as the prison's feed would, with the work they open.
    listed = [
        (
            case,
            work.EventDetails(
                OffenderEvent.PAROLE_REVIEW_LISTED, item.review_listed_on, item.review_listed_on, ""
            ),
        )
        for case, item in zip(cases, batch, strict=True)
        if item.review_listed_on is not None
    ]
    if listed:
        with audit.batched():
            work.record_events(listed, None, "demo")
    contacts = contacts_of(cases)
    meetings = {
        case.id: contact_meetings(
            case.allocated_vlo_id,
            [(row.occurred_at, row.id, row.direction, row.summary) for row in contacts[case.id]],
        )
        for case in cases
    }
    meet_history(meetings)
    # Pre-release work whose date passed more than a month ago was done at the time, on paper
    # before the service (an SPO's meeting by hand, with that reason); one in six a few working
    # days late, so the compliance figures have something to show.
    old = db.session.execute(
        select(CaseDeadline.case_id, CaseDeadline.code, CaseDeadline.due_on).where(
            CaseDeadline.case_id.in_([case.id for case in cases if case.allocated_vlo_id]),
            CaseDeadline.code.in_(PAPER_CODES),
            CaseDeadline.status == DeadlineStatus.OPEN,
            CaseDeadline.due_on < today - timedelta(days=PAPER_AFTER_DAYS),
        )
    ).all()
    teams = {case.id: case.team_id for case in cases}
    by_hand: dict[int, list[Meeting]] = {}
    for case_id, code, due_on in old:
        by_hand.setdefault(case_id, []).append(
            paper_meeting(code, due_on, spo_by_team[teams[case_id]].id, rnd)
        )
    meet_history(by_hand)


# Pre-release work whose date passed more than a month ago was done at the time, on paper before
# the service.
PAPER_CODES = (PRE_RELEASE_WINDOW, LICENCE_REPRESENTATIONS)
PAPER_AFTER_DAYS = 30


def contact_meetings(vlo_id: int | None, contacts: list[tuple[datetime, int, str, str]]) -> list[Meeting]:
    """What a case's contacts (when, id, direction, summary) meet: the first contact to a victim
    meets initial contact (late when the case's first letter never went and the first call came
    months on); telling them of a parole review meets the review's work."""
    wanted = []
    outbound = sorted(
        (at, contact_id)
        for at, contact_id, direction, _summary in contacts
        if direction == Direction.OUTBOUND
    )
    if outbound:
        first_at, first_id = outbound[0]
        wanted += [
            Meeting(code, first_at.date(), Evidence(EvidenceKind.CONTACT, first_id), vlo_id)
            for code in INITIAL_CONTACT_CODES
        ]
    wanted += [
        Meeting(
            event_code(OffenderEvent.PAROLE_REVIEW_LISTED),
            at.date(),
            Evidence(EvidenceKind.CONTACT, contact_id),
            vlo_id,
        )
        for at, contact_id, _direction, summary in contacts
        if summary == PAROLE_TOLD
    ]
    return wanted


def paper_meeting(code: str, due_on: date, spo_id: int, rnd: random.Random) -> Meeting:
    """Old pre-release work done on paper: an SPO's meeting by hand, with that reason; one in six a
    few working days late, so the compliance figures have something to show."""
    late = rnd.randint(1, 9) if rnd.random() < 1 / 6 else 0
    return Meeting(code, due_on + timedelta(days=late), Evidence(EvidenceKind.MANUAL), spo_id, PAPER)


def unallocated(draw: Caseloads, team: Team) -> list[Drawn]:
    """A team's queue: new referrals waiting for allocation, so allocation has work. Some are in
    Welsh with a child victim, some domestic abuse; `victims.demo.workforce` asks for maps on two."""
    queue = [
        draw.case(team, None, Stage.CUSTODY, category=OffenceCategory.SEXUAL, welsh=True, child=True)
        for _ in range(3)
    ]
    queue += [draw.case(team, None, Stage.CUSTODY, category=OffenceCategory.DOMESTIC_ABUSE) for _ in range(3)]
    queue += [draw.case(team, None, Stage.CUSTODY_NEAR, category=OffenceCategory.STALKING_HARASSMENT)]
    queue += [draw.case(team, None, draw.rnd.choice([Stage.CUSTODY, Stage.PRE_RELEASE])) for _ in range(6)]
    return queue
