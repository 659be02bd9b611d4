"""Fictional demo data: East of England, two teams, one of each senior role, eight VLOs with
caseloads at real scale (250 to 350 cases each, one part-time below, two above; issue 14) plus
each team's queue of unallocated referrals, the workforce's skills, training, reductions, leave
and recorded time, and hand-made examples through the services. Idempotent: run it again and it
only prints the sign-in details. Refuses to run in the production configuration."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import click
from faker import Faker
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from victims import clock
from victims.auth.services import hash_password
from victims.cases import services as case_services
from victims.cases.models import Case
from victims.demo.caseload import CASELOADS, DEFAULT_CASELOAD, Caseloads, unallocated, write
from victims.demo.events import add_event_examples
from victims.demo.examples import add_examples
from victims.demo.feedback import add_feedback, live_link
from victims.demo.lifecycle import add_lifecycle_examples
from victims.demo.postcodes import load_demo_postcodes
from victims.demo.snapshots import add_snapshots
from victims.demo.staff import (
    ANY_DAY_EMAILS,
    DEMO_DOMAIN,
    EMAIL_REMINDERS,
    NATIONAL,
    STAFF,
    TEAMS,
    demo_password,
    demo_totp_secret,
    email_of,
)
from victims.demo.workforce import add_workforce
from victims.domain import coming_of_age
from victims.domain.vocabulary import CaseStatus, Role, Scheme
from victims.extensions import db
from victims.people.models import Person
from victims.staff.models import Region, Team, User, UserSkill

# Contracted hours a week; everyone else works the standard 37. Grace is part-time.
CONTRACTED_HOURS = {"Grace": Decimal("22.5"), "Hana": Decimal("30.0"), "Morgan": Decimal("30.0")}
# Why an SPO offered the discretionary scheme rather than the Victim Notification Scheme.
DISCRETIONARY_REASONS = [
    "High risk: repeated breaches of a restraining order and threats to the victim's family.",
    "MARAC case; the victim needs a named officer and a say in licence conditions.",
]
# Discretionary offers made by each team's SPO in the demo data.
OFFERS_PER_TEAM = 2


def load_demo(
    *, cases_per_vlo: int | None = None, seed: int = 2026, echo=click.echo
) -> list[tuple[str, str, str, str]]:
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to load demo data in the production configuration")
    region = db.session.scalar(select(Region).where(Region.code == "east_of_england"))
    if region is None:
        raise click.ClickException("Run the migrations first: flask --app victims db upgrade")
    # The postcodes first (the examples' places are postcodes), and whether or not the rest is
    # already loaded: a demo database made before the postcode table gets them on the next run.
    load_demo_postcodes(echo)
    db.session.commit()
    first_email = email_of(STAFF[0][0], STAFF[0][1])
    if db.session.scalar(select(User).where(User.email == first_email)) is None:
        _create(region, cases_per_vlo, seed)
        db.session.commit()
        add_examples(echo)
        db.session.commit()
        add_event_examples(echo)
        add_lifecycle_examples(echo)
        db.session.commit()
        add_workforce(echo)
        db.session.commit()
        add_snapshots(echo)
        db.session.commit()
        echo(f"Victims' feedback: {add_feedback()} responses over a year.")
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
    url = live_link()
    db.session.commit()
    if url:
        echo(f"Feedback link for a victim: {url}")
    echo("Open cases held (VLO cases):")
    for name, held in caseload_counts():
        echo(f"{name} {held}")
    return details


def caseload_counts() -> list[tuple[str, int]]:
    """Each demo VLO's open cases, by name."""
    held = dict(
        db.session.execute(
            select(Case.allocated_vlo_id, func.count(Case.id))
            .where(Case.status == CaseStatus.OPEN, Case.allocated_vlo_id.is_not(None))
            .group_by(Case.allocated_vlo_id)
        ).all()
    )
    vlos = db.session.execute(
        select(User.id, User.name)
        .where(User.role == Role.VLO.value, User.email.like(f"%@{DEMO_DOMAIN}"))
        .order_by(User.name)
    ).all()
    return [(vlo.name, held.get(vlo.id, 0)) for vlo in vlos]


def _create(region: Region, cases_per_vlo: int | None, seed: int) -> None:
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
            contracted_hours=CONTRACTED_HOURS.get(first_name, Decimal("37.0")),
            password_hash=hash_password(demo_password(email)),
            # The demo administrator is national, so the deadline settings can be tried out; so is
            # one manager, for the national oversight.
            national=first_name in NATIONAL,
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
    today = clock.today()
    crn_numbers = iter(rnd.sample(range(100000, 999999), 6000))
    draw = Caseloads(fake, rnd, today, crn_numbers)
    drawn = []
    for team in teams:
        for vlo in vlos_by_team[team.id]:
            first_name = vlo.name.split()[0]
            size = cases_per_vlo if cases_per_vlo is not None else CASELOADS.get(first_name, DEFAULT_CASELOAD)
            drawn += [draw.case(team, vlo, draw.stage()) for _ in range(size)]
        drawn += unallocated(draw, team)
    # Cases opened in the order they arrived, as a unit's ids would be.
    drawn.sort(key=lambda item: item.spec.referral_received_on)
    write(drawn, spo_by_team, rnd, today)
    _discretionary_offers(teams, spo_by_team)
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


def _discretionary_offers(teams: list[Team], spo_by_team: dict[int, User]) -> None:
    """The team's SPO offers the fuller discretionary scheme (SPEC §3), with a reason, on the first
    cases where eligibility says it may be offered: through the service, as the SPO would."""
    for team in teams:
        offered = db.session.scalars(
            select(Case)
            .where(
                Case.team_id == team.id, Case.discretionary_offer.is_(True), Case.scheme == Scheme.VNS.value
            )
            .options(joinedload(Case.sentence))
            .order_by(Case.id)
            .limit(OFFERS_PER_TEAM)
        ).all()
        for number, case in enumerate(offered):
            reason = DISCRETIONARY_REASONS[number % len(DISCRETIONARY_REASONS)]
            case_services.change_scheme(case, Scheme.DISCRETIONARY.value, reason, spo_by_team[team.id])
