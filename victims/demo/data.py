"""Fictional demo data: East of England, two teams, one of each senior role, six VLOs,
about 40 cases each plus unallocated ones. Idempotent: run it again and it only
prints the sign-in details. Refuses to run in the production configuration."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import click
from dateutil.relativedelta import relativedelta
from faker import Faker
from flask import current_app
from sqlalchemy import select

from victims.auth.services import hash_password
from victims.cases.models import Case, ContactLogEntry, Offender, Sentence
from victims.cases.services import refresh_deadlines
from victims.demo.events import add_event_examples
from victims.demo.examples import add_examples
from victims.demo.lifecycle import add_lifecycle_examples
from victims.demo.staff import (
    ANY_DAY_EMAILS,
    EMAIL_REMINDERS,
    STAFF,
    TEAMS,
    demo_password,
    demo_totp_secret,
    email_of,
)
from victims.domain import coming_of_age
from victims.domain.deadlines import LICENCE_REPRESENTATIONS, PRE_RELEASE_WINDOW
from victims.domain.eligibility import DOMESTIC_OFFENCES, EligibilityDecision, decide_eligibility, override
from victims.domain.evidence import Evidence, EvidenceKind
from victims.domain.vocabulary import (
    Channel,
    ContactLevel,
    ContactMethod,
    Direction,
    Language,
    OffenceCategory,
    Relationship,
    Role,
    Scheme,
    SentenceType,
)
from victims.domain.work import INITIAL_CONTACT_CODES, DeadlineStatus
from victims.extensions import db
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Region, Team, User, UserSkill
from victims.work import services as work
from victims.work.models import CaseDeadline

LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
CASES_PER_VLO = 40
UNALLOCATED_PER_TEAM = 12

OFFENCES = {
    OffenceCategory.VIOLENT: [
        "Wounding with intent (s.18)",
        "Manslaughter",
        "Murder",
        "Robbery",
        "Causing death by dangerous driving",
    ],
    OffenceCategory.SEXUAL: ["Rape", "Sexual assault", "Sexual activity with a child"],
    OffenceCategory.TERRORISM: ["Preparation of terrorist acts"],
    OffenceCategory.DOMESTIC_ABUSE: [
        "Controlling or coercive behaviour",
        "Assault occasioning actual bodily harm",
    ],
    OffenceCategory.STALKING_HARASSMENT: ["Stalking involving fear of violence", "Harassment"],
}
COURTS = [
    "Cambridge Crown Court",
    "Norwich Crown Court",
    "Ipswich Crown Court",
    "Chelmsford Crown Court",
    "Luton Crown Court",
    "Peterborough Crown Court",
]
# Why an SPO offered the discretionary scheme rather than the Victim Notification Scheme.
DISCRETIONARY_REASONS = [
    "High risk: repeated breaches of a restraining order and threats to the victim's family.",
    "MARAC case; the victim needs a named officer and a say in licence conditions.",
]
# Discretionary offers made by each team's SPO in the demo data.
OFFERS_PER_TEAM = 2

PRISONS = ["HMP Norwich", "HMP Bedford", "HMP Highpoint", "HMP Littlehey", "HMP Whitemoor", "HMP Chelmsford"]


def load_demo(
    *, cases_per_vlo: int = CASES_PER_VLO, seed: int = 2026, echo=click.echo
) -> list[tuple[str, str, str, str]]:
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to load demo data in the production configuration")
    region = db.session.scalar(select(Region).where(Region.code == "east_of_england"))
    if region is None:
        raise click.ClickException("Run the migrations first: flask --app victims db upgrade")
    first_email = email_of(STAFF[0][0], STAFF[0][1])
    if db.session.scalar(select(User).where(User.email == first_email)) is None:
        _create(region, cases_per_vlo, seed)
        db.session.commit()
        add_examples(echo)
        db.session.commit()
        add_event_examples(echo)
        add_lifecycle_examples(echo)
        db.session.commit()
        echo("Demo data loaded.")
    else:
        echo("Demo data is already loaded.")
    details = []
    echo("Sign-in details (role email password totp_secret):")
    for role, first_name, _team, _skills in STAFF:
        email = email_of(role, first_name)
        line = (role.value, email, demo_password(email), demo_totp_secret(email))
        details.append(line)
        echo(" ".join(line))
    echo("Current security code for a demo user: flask --app victims seed code EMAIL")
    return details


def _create(region: Region, cases_per_vlo: int, seed: int) -> None:
    fake = Faker("en_GB")
    Faker.seed(seed)
    rnd = random.Random(seed)
    # Letterheads: made-up PO boxes, and Ofcom's drama numbers (01632 960xxx), never a real line.
    teams = [
        Team(
            region_id=region.id,
            name=name,
            postal_address=f"PO Box {9000 + index}\n{name.split()[0]}\nZZ9 {index}ZZ",
            telephone=f"01632 960 9{index}0",
        )
        for index, name in enumerate(TEAMS)
    ]
    db.session.add_all(teams)
    db.session.flush()
    vlos_by_team: dict[int, list[User]] = {team.id: [] for team in teams}
    spo_by_team: dict[int, User] = {}
    for role, first_name, team_index, skills in STAFF:
        email = email_of(role, first_name)
        user = User(
            email=email,
            name=f"{first_name} {fake.last_name()}",
            role=role.value,
            region_id=region.id,
            team_id=teams[team_index].id if team_index is not None else None,
            contracted_hours=Decimal(rnd.choice(["37.0", "37.0", "30.0", "22.5"])),
            password_hash=hash_password(demo_password(email)),
            # The demo administrator is national, so the deadline settings can be tried out.
            national=role == Role.ADMIN,
            totp_secret=demo_totp_secret(email),
            totp_confirmed=True,
            email_reminders=first_name in EMAIL_REMINDERS,
            reminder_emails_any_day=first_name in ANY_DAY_EMAILS,
            # Ofcom's numbers for drama: 01632 960000 to 960999 ring nobody.
            phone=f"01632 960 {100 + STAFF.index((role, first_name, team_index, skills)):03d}"
            if role in (Role.VLO, Role.SPO)
            else None,
        )
        user.skills = [UserSkill(skill=skill.value) for skill in skills]
        db.session.add(user)
        if role == Role.VLO:
            vlos_by_team[user.team_id].append(user)
        if role == Role.SPO:
            spo_by_team[user.team_id] = user
    db.session.flush()
    today = date.today()
    crn_numbers = iter(rnd.sample(range(100000, 999999), 2000))
    for team in teams:
        owners: list[User | None] = [vlo for vlo in vlos_by_team[team.id] for _ in range(cases_per_vlo)]
        owners += [None] * UNALLOCATED_PER_TEAM
        offers = [OFFERS_PER_TEAM]
        for owner in owners:
            _make_case(fake, rnd, region, team, owner, next(crn_numbers), today, spo_by_team[team.id], offers)
    _child_about_to_turn_18(today)


# One child victim turns 18 this many days after the demo is loaded (issue 13): the People section
# says when, and on the day the daily sweep (people.turning_18) opens their VLO's task.
TURNS_18_IN_DAYS = 6


def _child_about_to_turn_18(today: date) -> None:
    """The first child victim (one with a parent or guardian) on an allocated case turns 18 soon."""
    guarded = select(Person.acting_for_id).where(Person.acting_for_id.is_not(None))
    child = db.session.scalar(
        select(Person)
        .join(Case, Case.id == Person.case_id)
        .where(Person.id.in_(guarded), Case.allocated_vlo_id.is_not(None))
        .order_by(Case.id, Person.id)
        .limit(1)
    )
    if child is not None:
        birthday = today + timedelta(days=TURNS_18_IN_DAYS)
        child.date_of_birth = coming_of_age.birthday_in(birthday.year - coming_of_age.ADULT_AGE, birthday)
        db.session.flush()


def _make_case(
    fake: Faker,
    rnd: random.Random,
    region: Region,
    team: Team,
    owner: User | None,
    number: int,
    today: date,
    spo: User,
    offers: list[int],
) -> None:
    category = rnd.choice(list(OFFENCES))
    length = rnd.choice([12, 18, 24, 30, 36, 48, 60, 72, 96, 120, 144, 180])
    if category in DOMESTIC_OFFENCES and rnd.random() < 0.3:
        length = rnd.choice([4, 6, 8, 10])  # under 12 months: the Victim Notification Scheme
    # Cases waiting for allocation are new referrals; allocated ones go back years.
    days_ago = rnd.randint(15, 40) if owner is None else rnd.randint(60, 365 * 6)
    sentence_date = today - timedelta(days=days_ago)
    release_fraction = rnd.choice([0.4, 0.5, 0.5, 2 / 3])
    crd = sentence_date + timedelta(days=int(length * 30.44 * release_fraction))
    end = sentence_date + relativedelta(months=length)
    offender = Offender(
        crn=f"E{number}",
        prison_number=f"A{rnd.randint(1000, 9999)}{rnd.choice(LETTERS)}{rnd.choice(LETTERS)}",
        first_name=fake.first_name_male() if rnd.random() < 0.9 else fake.first_name_female(),
        last_name=fake.last_name(),
        date_of_birth=fake.date_of_birth(minimum_age=19, maximum_age=70),
        current_location=rnd.choice(PRISONS),
    )
    db.session.add(offender)
    db.session.flush()
    sentence = Sentence(
        offender_id=offender.id,
        offence=rnd.choice(OFFENCES[category]),
        offence_category=category.value,
        sentence_type="determinate",
        length_months=length,
        sentence_date=sentence_date,
        court=rnd.choice(COURTS),
        crd=crd,
        hdced=crd - timedelta(days=135) if length < 48 and rnd.random() < 0.5 else None,
        led=end,
        sed=end,
    )
    db.session.add(sentence)
    db.session.flush()
    referral_received_on = min(today, sentence_date + timedelta(days=rnd.randint(3, 20)))
    computed = decide_eligibility(category, SentenceType.DETERMINATE, length)
    decision = EligibilityDecision(computed)
    if computed.discretionary_offer and offers[0] > 0:
        # The team's SPO offered the fuller discretionary scheme (SPEC §3), with a reason.
        reason = DISCRETIONARY_REASONS[offers[0] % len(DISCRETIONARY_REASONS)]
        decision = override(computed, Scheme.DISCRETIONARY, reason, Role.SPO)
        offers[0] -= 1
    assert decision.scheme is not None  # every demo offence and sentence is eligible
    case = Case(
        offender_id=offender.id,
        sentence_id=sentence.id,
        region_id=region.id,
        team_id=team.id,
        scheme=decision.scheme.value,
        computed_scheme=computed.scheme.value if computed.scheme else None,
        eligibility_reason=computed.reason,
        eligibility_basis=computed.basis,
        discretionary_offer=computed.discretionary_offer,
        referral_received_on=referral_received_on,
        allocated_vlo_id=owner.id if owner else None,
    )
    if decision.override is not None:
        case.scheme_override_reason = decision.override.reason
        case.scheme_overridden_by_id = spo.id
        case.scheme_overridden_at = datetime.combine(
            referral_received_on + timedelta(days=2), time(11, 0), tzinfo=UTC
        )
    db.session.add(case)
    db.session.flush()
    refresh_deadlines(case, sentence, "Demo data loaded", None)
    people = []
    for index in range(rnd.choice([1, 1, 1, 2, 2, 3])):
        relationship = (
            Relationship.VICTIM if index == 0 or rnd.random() < 0.5 else Relationship.BEREAVED_RELATIVE
        )
        child = relationship == Relationship.VICTIM and rnd.random() < 0.1
        person = _make_person(fake, rnd, case, relationship, child=child)
        people.append(person)
        if child:
            guardian = _make_person(
                fake, rnd, case, Relationship.PARENT_GUARDIAN, acting_for=person, last_name=person.last_name
            )
            people.append(guardian)
    db.session.flush()
    for person in people:
        db.session.add(
            ContactLevelChange(
                person_id=person.id,
                user_id=owner.id if owner else _any_user_id(team),
                old_level=None,
                new_level=person.contact_level,
                reason="Recorded at intake",
            )
        )
    if owner:
        contacts = []
        for _ in range(rnd.randint(0, 4)):
            when = datetime.combine(
                case.referral_received_on
                + timedelta(days=rnd.randint(0, max(1, (today - case.referral_received_on).days))),
                time(rnd.randint(9, 16), rnd.choice([0, 15, 30, 45])),
                tzinfo=UTC,
            )
            contacts.append(
                ContactLogEntry(
                    case_id=case.id,
                    person_id=rnd.choice(people).id,
                    occurred_at=when,
                    user_id=owner.id,
                    method=rnd.choice(list(ContactMethod)).value,
                    direction=rnd.choice(list(Direction)).value,
                    summary=rnd.choice(
                        [
                            "Explained the scheme and what information they can expect.",
                            "Discussed concerns about the offender's release and licence conditions.",
                            "Confirmed contact preferences; prefers letters to telephone calls.",
                            "Returned call; no answer. No voicemail left, as agreed.",
                        ]
                    ),
                )
            )
        # Most VLOs make first contact within a few weeks of the referral; a few cases are late.
        if (today - case.referral_received_on).days > 30 and rnd.random() < 0.9:
            contacts.append(
                ContactLogEntry(
                    case_id=case.id,
                    person_id=people[0].id,
                    occurred_at=datetime.combine(
                        case.referral_received_on + timedelta(days=rnd.randint(2, 20)),
                        time(rnd.randint(9, 16), 0),
                        tzinfo=UTC,
                    ),
                    user_id=owner.id,
                    method=ContactMethod.LETTER.value,
                    direction=Direction.OUTBOUND.value,
                    summary="Initial contact letter sent, explaining the scheme.",
                )
            )
        db.session.add_all(contacts)
        db.session.flush()
        # The first contact to a victim is the evidence that meets initial contact: late when the
        # case's first letter never went and the first call came months on.
        outbound = sorted((c.occurred_at, c.id) for c in contacts if c.direction == Direction.OUTBOUND)
        if outbound:
            first_at, first_id = outbound[0]
            for code in INITIAL_CONTACT_CODES:
                work.meet(case.id, code, first_at.date(), owner, Evidence(EvidenceKind.CONTACT, first_id))
        # Pre-release work whose date passed more than a month ago was done at the time, on paper
        # before the service (an SPO's meeting by hand, with that reason); one in six a few
        # working days late, so the compliance figures have something to show.
        for code in (PRE_RELEASE_WINDOW, LICENCE_REPRESENTATIONS):
            row = db.session.scalar(
                select(CaseDeadline).where(
                    CaseDeadline.case_id == case.id,
                    CaseDeadline.code == code,
                    CaseDeadline.status == DeadlineStatus.OPEN,
                )
            )
            if row is not None and (today - row.due_on).days > 30:
                met_on = row.due_on + timedelta(days=rnd.randint(1, 9) if rnd.random() < 1 / 6 else 0)
                work.meet_deadline(
                    row, met_on, spo, Evidence(EvidenceKind.MANUAL), "Recorded on paper before this service"
                )


_first_user_by_team: dict[int, int] = {}


def _any_user_id(team: Team) -> int:
    if team.id not in _first_user_by_team:
        _first_user_by_team[team.id] = db.session.scalar(
            select(User.id).where(User.team_id == team.id).order_by(User.id)
        )
    return _first_user_by_team[team.id]


def _make_person(
    fake: Faker,
    rnd: random.Random,
    case: Case,
    relationship: Relationship,
    *,
    child: bool = False,
    acting_for: Person | None = None,
    last_name: str | None = None,
) -> Person:
    channel = Channel.EMAIL if rnd.random() < 0.3 else Channel.POST
    first = fake.first_name()
    last = last_name or fake.last_name()
    person = Person(
        case_id=case.id,
        relationship_=relationship.value,
        acting_for_id=acting_for.id if acting_for else None,
        first_name=first,
        last_name=last,
        date_of_birth=fake.date_of_birth(minimum_age=8, maximum_age=16)
        if child
        else fake.date_of_birth(minimum_age=18, maximum_age=85),
        address_line_1=fake.street_address().split("\n")[0],
        address_town=fake.city(),
        address_postcode=fake.postcode(),
        telephone=fake.phone_number(),
        email=f"{first.lower()}.{last.lower()}@example.com".replace(" ", "").replace("'", "")
        if channel == Channel.EMAIL
        else None,
        contact_level=rnd.choice(
            [
                ContactLevel.KEY_STAGES,
                ContactLevel.KEY_STAGES,
                ContactLevel.ANNUAL,
                ContactLevel.MONTH_OF_RELEASE,
                ContactLevel.OPTED_OUT,
            ]
        ).value,
        channel=channel.value,
        language=Language.WELSH.value if rnd.random() < 0.03 else Language.ENGLISH.value,
        large_print=rnd.random() < 0.05,
    )
    if child:
        person.channel = Channel.POST.value
        person.email = None
    db.session.add(person)
    db.session.flush()
    return person
