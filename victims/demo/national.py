"""`flask --app victims seed national` (issue 16, item 1): the national data set, to measure the
service at national scale. By default 12 regions, 36 teams, 400 VLOs holding 250 to 350 open
cases each (one exactly 350, one exactly 35), each team's SPOs and queue, a manager per region and
a national manager; 150,000 cases (the rest closed), their people, deadlines and tasks, contacts,
and 2.5 million audit events over the last two years. Deterministic with a seed; every date is
counted from today (`victims.clock`).

What the rows say comes from the service's own rules, through the demo's bulk writer's one home
for them (`victims.demo.bulk`: eligibility, a person as add_person sets them, the contact level
history, met history by the evidence rules) and work's (`victims.work.services.deadline_values`,
`task_values`, the pure planner `victims.domain.work.plan_case_deadlines` against the real
calendar and rules in force). The cases are drawn as the demo draws its caseloads
(`victims.demo.caseload.Caseloads`). Only the writing differs: rows computed in chunks of a few
thousand cases with their ids given here, then written with PostgreSQL's COPY; on SQLite with
batched INSERTs, for a small size only. Encryption is the real one (the model types'
`process_bind_param`), so the pages can reveal addresses.

Not made here (the demo's own examples have them): offender events (a parole review listed is
drawn, and its victims told, but no event is recorded), letters, absences, reminders sent.
"""

from __future__ import annotations

import json
import queue
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import click
from argon2 import PasswordHasher
from faker import Faker
from flask import current_app
from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql.schema import Table

from victims import clock
from victims.audit.models import AuditEvent
from victims.cases.models import Case, CaseStatusChange, ContactLogEntry, Offender, Sentence
from victims.crypto import EncryptedText
from victims.demo import bulk
from victims.demo.caseload import (
    PAPER_AFTER_DAYS,
    PAPER_CODES,
    Caseloads,
    Drawn,
    contact_meetings,
    paper_meeting,
)
from victims.demo.staff import DEMO_DOMAIN, demo_password, demo_totp_secret
from victims.domain.vocabulary import CaseStatus, ClosureReason, Role, Scheme
from victims.domain.work import DeadlineStatus, TaskStatus, plan_case_deadlines
from victims.domain.workload import Stage
from victims.extensions import db
from victims.people.models import ContactLevelChange, Person
from victims.staff.models import Region, Team, User
from victims.work import queries as work_queries
from victims.work import services as work
from victims.work.models import CaseDeadline, DeadlineChange, Task

# SQLite gets batched INSERTs: fine for a test's few hundred cases, slow past this.
SQLITE_MAX_CASES = 20_000
YEARS_OF_AUDIT = 2
# People on a case: about 2.15 a case with the parents and guardians, as the national run measured
# (323,000 for 150,000 cases); the demo's East of England has fewer.
PEOPLE_COUNTS = [1] * 3 + [2] * 5 + [3] * 2 + [4]


@dataclass(frozen=True)
class NationalSize:
    regions: int = 12
    teams_per_region: int = 3
    vlos: int = 400
    cases: int = 150_000
    audit_events: int = 2_500_000
    seed: int = 16
    spos_per_team: int = 2
    # Open cases each VLO holds, drawn in this band; but one VLO holds `busiest` exactly and one
    # `lightest` (a part-timer, or someone new), for the benchmarks' two caseload sizes.
    caseload_low: int = 250
    caseload_high: int = 350
    busiest: int = 350
    lightest: int = 35
    # Unallocated referrals waiting in each team's queue. The cases left over are closed.
    queue_per_team: int = 12
    # Cases computed and written at a time: memory stays bounded whatever the size.
    chunk: int = 5_000


@dataclass(frozen=True)
class SignIn:
    role: str
    email: str
    password: str
    totp_secret: str
    user_id: int
    note: str  # e.g. "VLO with 350 open cases"


@dataclass(frozen=True)
class NationalUsers:
    vlo_350: SignIn
    vlo_35: SignIn
    spo: SignIn
    regional_manager: SignIn
    national_manager: SignIn
    # a case id of vlo_350's that has victims, deadlines and contacts, for the case page bench
    sample_case_id: int


# The tables written, children after parents; `--replace` empties them (and what hangs off them).
TABLES: list[type] = [
    Team,
    User,
    Offender,
    Sentence,
    Case,
    Person,
    ContactLevelChange,
    ContactLogEntry,
    CaseDeadline,
    Task,
    DeadlineChange,
    CaseStatusChange,
    AuditEvent,
]


def load_national(
    size: NationalSize = NationalSize(), *, replace: bool = False, echo: Callable[[str], Any] = click.echo
) -> NationalUsers:
    """Load the national data set and return the named users' sign-in details (also printed)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("Refusing to load demo data in the production configuration")
    dialect = db.engine.dialect.name
    regions = list(db.session.scalars(select(Region).order_by(Region.id)))
    if not regions:
        raise click.ClickException("Run the migrations first: flask --app victims db upgrade")
    _check(size, len(regions), dialect, echo)
    if db.session.scalar(select(func.count()).select_from(Case)):
        if not replace:
            raise click.ClickException(
                "The database already holds cases: give --replace to empty it and load the national "
                "data set in its place"
            )
        _empty(dialect)
    started = clock.utcnow()
    writer = _Writer(dialect)
    loader = _Loader(size, regions[: size.regions], writer)
    try:
        users = loader.run(echo)
    except BaseException:
        writer.finish(commit=False)
        raise
    writer.finish(commit=True)
    db.session.commit()
    _after_load(dialect)
    echo(f"Loaded in {(clock.utcnow() - started).total_seconds():.0f} s: " + loader.counts())
    for sign_in in (users.vlo_350, users.vlo_35, users.spo, users.regional_manager, users.national_manager):
        echo(
            f"{sign_in.note}: {sign_in.email}  password {sign_in.password}  "
            f"security code secret {sign_in.totp_secret}"
        )
    echo(f"A case of theirs with victims, deadlines and contacts: /cases/{users.sample_case_id}")
    echo("Their current security code: flask --app victims seed code EMAIL")
    return users


def _check(size: NationalSize, regions: int, dialect: str, echo: Callable[[str], Any]) -> None:
    teams = size.regions * size.teams_per_region
    if not 1 <= size.regions <= regions:
        raise click.ClickException(f"--regions must be between 1 and {regions}, the service's regions")
    if size.teams_per_region < 1 or size.spos_per_team < 1:
        raise click.ClickException("Each region needs a team, and each team an SPO")
    if size.vlos < max(2, teams):
        raise click.ClickException(f"--vlos must be at least {max(2, teams)}: one for every team")
    if not 0 < size.caseload_low <= size.caseload_high:
        raise click.ClickException("The caseload band is empty")
    most = (size.vlos - 2) * size.caseload_high + size.busiest + size.lightest + teams * size.queue_per_team
    if most > size.cases:
        raise click.ClickException(
            f"{size.cases} cases cannot give {size.vlos} VLOs up to {size.caseload_high} open cases each "
            f"and {teams} queues of {size.queue_per_team}: give at least --cases {most}, or a lower band"
        )
    if dialect == "sqlite" and size.cases > SQLITE_MAX_CASES:
        raise click.ClickException(
            f"SQLite takes batched INSERTs, fit for a small size only: at most {SQLITE_MAX_CASES} cases "
            "(the national size is for PostgreSQL, written with COPY)"
        )


def _empty(dialect: str) -> None:
    """Empty the tables the national data set writes, and everything that refers to them (the
    demo's letters, reminders, absences…). The audit trail refuses DELETE (a trigger): TRUNCATE is
    what a reload may do on PostgreSQL; on SQLite the trigger is dropped and made again."""
    if dialect == "postgresql":
        names = ", ".join(model.__tablename__ for model in TABLES)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()
        return
    # SQLite: every table that holds rows, children first (as the foreign keys demand).
    keep = {"regions", "alembic_version"}  # as TRUNCATE … CASCADE leaves them
    tables = [table for table in reversed(db.metadata.sorted_tables) if table.name not in keep]
    trigger = db.session.execute(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'audit_events_no_delete'")
    ).scalar()
    db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))
    for table in tables:
        db.session.execute(table.delete())
    if trigger:
        db.session.execute(text(trigger))
    db.session.commit()


def _after_load(dialect: str) -> None:
    """Move each id sequence past the ids written (COPY with ids given leaves them where they
    were), and on PostgreSQL VACUUM ANALYZE the tables so the planner knows their sizes."""
    if dialect != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY takes the next id after the largest
    for model in TABLES:
        name = model.__tablename__
        sequence = f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
        db.session.execute(text(sequence + f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"))  # noqa: S608  (table names of ours)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for model in TABLES:
            connection.exec_driver_sql(f"VACUUM ANALYZE {model.__tablename__}")


# -- writing ---------------------------------------------------------------------------------------


class _Writer:
    """Rows (dicts of column values, ids given) into a table: COPY on PostgreSQL, executemany
    INSERTs on SQLite. Columns left out take their Python-side defaults, as the ORM would give
    them; encrypted columns are encrypted by their type, as they are written.

    On PostgreSQL the COPYs go through a connection of their own, in one transaction, from a
    thread: the server checks and indexes one chunk while Python computes the next."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.counts: dict[str, int] = {}
        self._jobs: queue.Queue[tuple[str, list[str], list[tuple]] | None] = queue.Queue(maxsize=8)
        self._failed: BaseException | None = None
        self._thread: threading.Thread | None = None
        if dialect == "postgresql":
            self._raw = db.engine.raw_connection()
            self._thread = threading.Thread(target=self._copying, name="national-copy", daemon=True)
            self._thread.start()

    def _copying(self) -> None:
        connection = self._raw.driver_connection
        try:
            while (job := self._jobs.get()) is not None:
                table, columns, rows = job
                statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                    for row in rows:
                        copy.write_row(row)
        except BaseException as error:  # handed to the main thread, which raises it
            self._failed = error
            while self._jobs.get() is not None:  # let the main thread go on to finish()
                pass

    def _put(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if self._failed is not None:
            raise self._failed
        self._jobs.put((table, columns, rows))

    def finish(self, *, commit: bool) -> None:
        """Wait for every COPY and commit them, or roll them back (PostgreSQL); raises what went
        wrong in them."""
        if self._thread is None:
            return
        self._jobs.put(None)
        self._thread.join()
        try:
            if self._failed is not None:
                raise self._failed
            if commit:
                self._raw.commit()
            else:
                self._raw.rollback()
        finally:
            self._raw.close()

    def write(self, model: type, rows: list[dict]) -> None:
        if not rows:
            return
        table: Table = model.__table__  # type: ignore[attr-defined]
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        renamed = {
            attr.key: attr.columns[0].key
            for attr in sa_inspect(model).column_attrs
            if attr.key != attr.columns[0].key
        }
        for row in rows if renamed else ():
            for key, column_key in renamed.items():
                if key in row:
                    row[column_key] = row.pop(key)
        given = set().union(*rows)
        columns = [column for column in table.columns if column.key in given or column.default is not None]
        defaults = {column.key: _default(column) for column in columns if column.default is not None}
        if self.dialect != "postgresql":  # every row with every column: one INSERT for the batch
            names = [column.key for column in columns]
            db.session.execute(
                insert(table), [{name: row.get(name, defaults.get(name)) for name in names} for row in rows]
            )
            return
        encrypted = {column.key for column in columns if isinstance(column.type, EncryptedText)}
        encrypt = EncryptedText().process_bind_param
        names = [column.key for column in columns]
        tuples = []
        for row in rows:
            values = []
            for name in names:
                value = row[name] if name in row else defaults.get(name)
                if name in encrypted:
                    value = encrypt(value, None)  # type: ignore[no-untyped-call]
                values.append(value)
            tuples.append(tuple(values))
        self._put(table.name, [column.name for column in columns], tuples)

    def write_tuples(self, model: type, columns: list[str], rows: list[tuple]) -> None:
        """Rows already in the columns' order, with plain values (no encrypted column)."""
        if not rows:
            return
        table: Table = model.__table__  # type: ignore[attr-defined]
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        if self.dialect == "postgresql":
            # A JSON column holds JSON: None is JSON's null, as the ORM writes it.
            as_json = [isinstance(table.c[name].type, JSON) for name in columns]
            self._put(
                table.name,
                columns,
                [
                    tuple(
                        json.dumps(value) if is_json else value
                        for value, is_json in zip(row, as_json, strict=True)
                    )
                    for row in rows
                ],
            )
        else:
            db.session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])


def _default(column) -> Any:
    default = column.default
    if default is None:
        return None
    if default.is_callable:
        return default.arg(None)
    return default.arg


# -- the data --------------------------------------------------------------------------------------


class _FastFake:
    """Faker's names and places, drawn once into pools and then picked from with the seeded
    generator: the same fictional people as the demo's, at national scale (Faker itself costs
    tens of microseconds a call, and a case makes a dozen)."""

    POOL = 2_000

    def __init__(self, rnd: random.Random, today: date) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(rnd.randrange(2**32))
        self.rnd, self.today = rnd, today
        pool = range(self.POOL)
        self._male = [fake.first_name_male() for _ in pool]
        self._female = [fake.first_name_female() for _ in pool]
        self._first = [fake.first_name() for _ in pool]
        self._last = [fake.last_name() for _ in pool]
        self._street = [fake.street_address().split("\n")[0] for _ in pool]
        self._city = [fake.city() for _ in pool]
        self._postcode = [fake.postcode() for _ in pool]
        self._phone = [fake.phone_number() for _ in pool]

    def first_name_male(self) -> str:
        return self.rnd.choice(self._male)

    def first_name_female(self) -> str:
        return self.rnd.choice(self._female)

    def first_name(self) -> str:
        return self.rnd.choice(self._first)

    def last_name(self) -> str:
        return self.rnd.choice(self._last)

    def street_address(self) -> str:
        return self.rnd.choice(self._street)

    def city(self) -> str:
        return self.rnd.choice(self._city)

    def postcode(self) -> str:
        return self.rnd.choice(self._postcode)

    def phone_number(self) -> str:
        return self.rnd.choice(self._phone)

    def date_of_birth(self, minimum_age: int, maximum_age: int) -> date:
        return self.today - timedelta(days=self.rnd.randint(minimum_age * 365 + 1, maximum_age * 365 + 364))


@dataclass
class _Staff:
    id: int
    role: Role
    email: str
    region_id: int
    team_id: int | None


@dataclass
class _Slot:
    """A case to draw: its team, who holds it, and whether it is open, queued or closed."""

    team: SimpleNamespace
    owner: SimpleNamespace | None
    closed: bool = False


# Background audit events: (action, record type, weight). Every action is one the services record.
AUDIT_MIX = [
    ("case_viewed", "case", 40),
    ("signed_in", "user", 15),
    ("signed_out", "user", 8),
    ("contact_added", "contact_log_entry", 10),
    ("task_done", "task", 9),
    ("task_assigned", "task", 5),
    ("contact_details_revealed", "person", 6),
    ("case_allocated", "case", 3),
    ("sentence_dates_changed", "case", 4),
]
REVEAL_REASONS = ["To send a letter", "To telephone about the release", "To check the address is current"]
AUDIT_COLUMNS = [
    "id",
    "at",
    "user_id",
    "region_id",
    "action",
    "record_type",
    "record_id",
    "case_id",
    "reason",
    "details",
    "flagged",
]


class _Loader:
    def __init__(self, size: NationalSize, regions: list[Region], writer: _Writer) -> None:
        self.size, self.regions, self.writer = size, regions, writer
        self.rnd = random.Random(size.seed)
        self.today = clock.today()
        self.now = clock.utcnow()
        self.ids = {model: self._next_id(model) for model in TABLES}
        self.staff: list[_Staff] = []
        self.region_of_user: dict[int, int] = {}
        self.spos_by_team: dict[int, list[_Staff]] = {}
        self.sample_case_id: int | None = None
        self.busiest_id = 0
        self.teams: list[SimpleNamespace] = []

    @staticmethod
    def _next_id(model: type) -> int:
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]

    def take(self, model: type, count: int = 1) -> int:
        """The first of `count` new ids for the model's table."""
        first = self.ids[model]
        self.ids[model] = first + count
        return first

    def counts(self) -> str:
        return ", ".join(f"{count:,} {name}" for name, count in self.writer.counts.items())

    # -- staff -------------------------------------------------------------------------------------

    def run(self, echo: Callable[[str], Any]) -> NationalUsers:
        size = self.size
        named = self._staff()
        echo(f"Staff: {len(self.staff)} in {len(self.teams)} teams of {len(self.regions)} regions.")
        self.busiest_id = named["vlo_350"].id
        slots = self._slots(named)
        crns = iter(self.rnd.sample(range(100000, 1000000), len(slots)))
        draw = Caseloads(
            _FastFake(self.rnd, self.today),  # type: ignore[arg-type]
            self.rnd,
            self.today,
            crns,
            people_counts=PEOPLE_COUNTS,
        )
        service_events = 0
        with work_queries.settings_fixed():
            for start in range(0, len(slots), size.chunk):
                chunk = slots[start : start + size.chunk]
                share = (size.audit_events * (start + len(chunk))) // len(slots) - (
                    size.audit_events * start
                ) // len(slots)
                service_events += self._write_chunk(draw, chunk, share)
                echo(f"Cases: {start + len(chunk):,} of {len(slots):,}")
        if self.sample_case_id is None:
            raise click.ClickException("No case of the busiest VLO has victims, deadlines and contacts")
        return NationalUsers(
            vlo_350=self._sign_in(named["vlo_350"], f"VLO with {size.busiest} open cases"),
            vlo_35=self._sign_in(named["vlo_35"], f"VLO with {size.lightest} open cases"),
            spo=self._sign_in(named["spo"], "SPO of that VLO's team"),
            regional_manager=self._sign_in(named["regional_manager"], "Manager of that region"),
            national_manager=self._sign_in(named["national_manager"], "National manager"),
            sample_case_id=self.sample_case_id,
        )

    def _sign_in(self, staff: _Staff, note: str) -> SignIn:
        return SignIn(
            role=staff.role.value,
            email=staff.email,
            password=demo_password(staff.email),
            totp_secret=demo_totp_secret(staff.email),
            user_id=staff.id,
            note=note,
        )

    def _staff(self) -> dict[str, _Staff]:
        """Teams, and their people: a manager per region, SPOs and VLOs per team, one national
        manager. Names drawn from Faker with the seed; sign-in details as the demo's."""
        size, rnd = self.size, self.rnd
        fake = Faker("en_GB")
        fake.seed_instance(size.seed)
        team_rows, self.teams = [], []
        for region in self.regions:
            for number in range(size.teams_per_region):
                team_id = self.take(Team)
                place = fake.city()
                team_rows.append(
                    {
                        "id": team_id,
                        "region_id": region.id,
                        "name": f"{place} Victim Contact Unit",
                        "postal_address": "\n".join(
                            (f"{rnd.randint(1, 200)} {fake.street_name()}", place, fake.postcode())
                        ),
                        "telephone": f"01632 961 {len(team_rows):03d}",
                    }
                )
                self.teams.append(SimpleNamespace(id=team_id, region_id=region.id, number=number))
        self.writer.write(Team, team_rows)
        people: list[tuple[Role, int, int | None, bool]] = []  # role, region, team, national
        people.append((Role.MANAGER, self.regions[0].id, None, True))
        people += [(Role.MANAGER, region.id, None, False) for region in self.regions]
        for team in self.teams:
            people += [(Role.SPO, team.region_id, team.id, False)] * size.spos_per_team
        for number in range(size.vlos):
            team = self.teams[number % len(self.teams)]
            people.append((Role.VLO, team.region_id, team.id, False))
        used: set[str] = set()
        rows = []
        for role, region_id, team_id, national in people:
            first, last = fake.first_name(), fake.last_name()
            local = "".join(ch for ch in f"{first}.{last}".lower() if ch.isalnum() or ch == ".")
            email = f"{local}.{role.value}@{DEMO_DOMAIN}"
            number = 2
            while email in used:
                email = f"{local}{number}.{role.value}@{DEMO_DOMAIN}"
                number += 1
            used.add(email)
            staff = _Staff(self.take(User), role, email, region_id, team_id)
            self.staff.append(staff)
            self.region_of_user[staff.id] = region_id
            if role == Role.SPO:
                self.spos_by_team.setdefault(team_id, []).append(staff)  # type: ignore[arg-type]
            rows.append(
                {
                    "id": staff.id,
                    "email": email,
                    "name": f"{first} {last}",
                    "role": role.value,
                    "region_id": region_id,
                    "team_id": team_id,
                    "national": national,
                    "totp_secret": demo_totp_secret(email),
                    "totp_confirmed": True,
                    "phone": f"01632 960 {len(rows) % 1000:03d}" if role in (Role.VLO, Role.SPO) else None,
                }
            )
        # The service's algorithm (argon2id) with cheap parameters: the demo's passwords are made
        # from the email address, so a costly hash guards nothing, and 500 costly hashes would take
        # minutes. The service hashes again with its own parameters at the first sign-in
        # (`victims.auth.services.verify_password`).
        hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        for row in rows:
            row["password_hash"] = hasher.hash(demo_password(row["email"]))
        self.writer.write(User, rows)
        vlos = [staff for staff in self.staff if staff.role == Role.VLO]
        first_team, last_team = self.teams[0].id, self.teams[-1].id
        busiest = next(staff for staff in vlos if staff.team_id == first_team)
        lightest = next(
            staff for staff in reversed(vlos) if staff.team_id == last_team and staff is not busiest
        )
        return {
            "vlo_350": busiest,
            "vlo_35": lightest,
            "spo": self.spos_by_team[first_team][0],
            "regional_manager": next(
                s
                for s in self.staff
                if s.role == Role.MANAGER and s.region_id == busiest.region_id and s is not self.staff[0]
            ),
            "national_manager": self.staff[0],
        }

    def _slots(self, named: dict[str, _Staff]) -> list[_Slot]:
        """Every case to draw: each VLO's open cases, each team's queue, the rest closed (spread
        over the VLOs), shuffled so each chunk holds a bit of every caseload."""
        size, rnd = self.size, self.rnd
        teams = {team.id: team for team in self.teams}
        slots: list[_Slot] = []
        vlos = [staff for staff in self.staff if staff.role == Role.VLO]
        for staff in vlos:
            if staff is named["vlo_350"]:
                count = size.busiest
            elif staff is named["vlo_35"]:
                count = size.lightest
            else:
                count = rnd.randint(size.caseload_low, size.caseload_high)
            owner = SimpleNamespace(id=staff.id)
            slots += [_Slot(teams[staff.team_id], owner) for _ in range(count)]  # type: ignore[index]
        for team in self.teams:
            slots += [_Slot(team, None) for _ in range(size.queue_per_team)]
        for _ in range(size.cases - len(slots)):
            staff = rnd.choice(vlos)
            slots.append(_Slot(teams[staff.team_id], SimpleNamespace(id=staff.id), closed=True))  # type: ignore[index]
        rnd.shuffle(slots)
        return slots

    # -- cases -------------------------------------------------------------------------------------

    def _write_chunk(self, draw: Caseloads, chunk: list[_Slot], audit_share: int) -> int:
        """Draw, compute and write a chunk of cases with everything they hold; returns how many
        audit events the services would have recorded for them (the rest of the share is the
        background of staff using the service)."""
        rnd, today, now = self.rnd, self.today, self.now
        drawn: list[Drawn] = []
        for slot in chunk:
            if slot.owner is None:
                stage = rnd.choice([Stage.CUSTODY, Stage.PRE_RELEASE])
            elif slot.closed:
                stage = Stage.CLOSURE_DUE
            else:
                stage = draw.stage()
            drawn.append(draw.case(slot.team, slot.owner, stage))  # type: ignore[arg-type]
        rules, calendar = work_queries.current_rules(), work_queries.working_calendar()
        rows: dict[type, list[dict]] = {model: [] for model in TABLES}
        events: list[tuple] = []
        cases_here: list[tuple[int, int, int | None, date, int]] = []  # id, region, vlo, referral, team
        people_here: list[tuple[int, int]] = []  # person id, case index
        contacts_here: list[tuple[int, int]] = []
        tasks_here: list[tuple[int, int]] = []
        offender_id, sentence_id = self.take(Offender, len(chunk)), self.take(Sentence, len(chunk))
        case_id = self.take(Case, len(chunk))
        for number, (slot, item) in enumerate(zip(chunk, drawn, strict=True)):
            spec = item.spec
            ids = (offender_id + number, sentence_id + number, case_id + number)
            rows[Offender].append({"id": ids[0], **bulk.offender_values(spec)})
            rows[Sentence].append({"id": ids[1], **bulk.sentence_values(spec, ids[0])})
            case = {"id": ids[2], **bulk.case_values(spec, ids[0], ids[1])}
            rows[Case].append(case)
            this = SimpleNamespace(
                id=ids[2],
                team_id=spec.team_id,
                region_id=spec.region_id,
                allocated_vlo_id=spec.allocated_vlo_id,
            )
            opened_at = _at(spec.referral_received_on, rnd)
            vlo = spec.allocated_vlo_id
            events.append(
                (opened_at, vlo, spec.region_id, "case_opened", "case", ids[2], ids[2], None, None, False)
            )
            cases_here.append((ids[2], spec.region_id, vlo, spec.referral_received_on, spec.team_id))
            # People: children and adults first, then the parents and guardians who act for them.
            person_ids: list[int] = [0] * len(spec.people)
            order = sorted(range(len(spec.people)), key=lambda i: spec.people[i].acting_for is not None)
            for index in order:
                person_spec = spec.people[index]
                person_id = person_ids[index] = self.take(Person)
                acting_for = (
                    person_ids[person_spec.acting_for] if person_spec.acting_for is not None else None
                )
                values = bulk.person_values(ids[2], person_spec, acting_for)
                rows[Person].append({"id": person_id, **values, "created_at": opened_at})
                rows[ContactLevelChange].append(
                    {
                        "id": self.take(ContactLevelChange),
                        **bulk.level_change_values(person_id, values["contact_level"], vlo, opened_at),
                    }
                )
                events.append(
                    (
                        opened_at,
                        vlo,
                        spec.region_id,
                        "person_added",
                        "person",
                        person_id,
                        ids[2],
                        None,
                        None,
                        False,
                    )
                )
                people_here.append((person_id, number))
            # Contacts, and what they meet.
            contacts = []
            for contact in spec.contacts:
                contact_id = self.take(ContactLogEntry)
                rows[ContactLogEntry].append(
                    {
                        "id": contact_id,
                        **bulk.contact_values(ids[2], person_ids[contact.person], vlo, contact),
                    }
                )
                contacts.append((contact.occurred_at, contact_id, contact.direction, contact.summary))
                contacts_here.append((contact_id, number))
            # Deadlines and their tasks, as the planner opens them for a new case.
            plan = plan_case_deadlines(
                Scheme(case["scheme"]), bulk.deadline_inputs(spec), [], rules, calendar
            )
            open_by_code: dict[str, dict] = {}
            case_deadlines: list[dict] = []
            tasks_by_deadline: dict[int, dict] = {}
            for opening in plan.opened:
                deadline_id = self.take(CaseDeadline)
                row = {
                    "id": deadline_id,
                    **work.deadline_values(ids[2], opening.deadline, opening.met_on, None, None, calendar),
                    "created_at": opened_at,
                }
                rows[CaseDeadline].append(row)
                case_deadlines.append(row)
                task = work.task_values(this, deadline_id, row["code"], None, opening.met_on, opened_at)
                if task is not None:
                    task["id"] = self.take(Task)
                    rows[Task].append(task)
                    tasks_by_deadline[deadline_id] = task
                    tasks_here.append((task["id"], number))
                if row["status"] == DeadlineStatus.OPEN:
                    open_by_code.setdefault(row["code"], row)
            # History: first contacts meet initial contact; old pre-release work was met on paper.
            meetings = contact_meetings(vlo, contacts) if vlo is not None else []
            if vlo is not None:
                spo = self.spos_by_team[spec.team_id][0]
                meetings += [
                    paper_meeting(code, row["due_on"], spo.id, rnd)
                    for code in PAPER_CODES
                    if (row := open_by_code.get(code)) is not None
                    and row["due_on"] < today - timedelta(days=PAPER_AFTER_DAYS)
                ]
            for meeting in meetings:
                row = open_by_code.get(meeting.code)  # type: ignore[assignment]
                if row is None:
                    continue
                met = bulk.met_values(row["code"], row["due_on"], row["counted_from"], meeting, calendar)
                if met is None:
                    continue
                row.update(met)
                del open_by_code[meeting.code]
                task = tasks_by_deadline.get(row["id"])  # type: ignore[assignment]
                if task is not None:
                    task.update(bulk.closed_task_values(meeting.by_id, now))
            if slot.closed:
                self._close(
                    case,
                    case_deadlines,
                    rows,
                    events,
                    tasks_by_deadline,
                    spec.sentence.dates.get("sed") or today,
                    vlo,
                )
            else:
                due = [row["due_on"] for row in open_by_code.values()]
                case["next_due_on"] = min(due) if due else None
                if (
                    self.sample_case_id is None
                    and vlo is not None
                    and vlo == self.busiest_id
                    and contacts
                    and due
                ):
                    self.sample_case_id = ids[2]
        for model in TABLES[2:-1]:
            self.writer.write(model, rows[model])
        service = len(events)
        events += self._background(
            audit_share - service, cases_here, people_here, contacts_here, tasks_here, rnd
        )
        events.sort(key=lambda event: event[0])
        first = self.take(AuditEvent, len(events))
        self.writer.write_tuples(
            AuditEvent,
            AUDIT_COLUMNS,
            [(first + n, *event) for n, event in enumerate(events)],
        )
        return service

    def _close(
        self,
        case: dict,
        deadlines: list[dict],
        rows: dict,
        events: list,
        tasks: dict,
        ended: date,
        vlo: int | None,
    ) -> None:
        """Closed as `close_case` closes a case whose sentence ended: its open deadlines close as
        "case closed" with a history row each, its open tasks with them."""
        day = min(self.today, ended + timedelta(days=self.rnd.randint(1, 20)))
        at = _at(day, self.rnd)
        case.update(
            status=CaseStatus.CLOSED.value, closed_reason=ClosureReason.SENTENCE_ENDED.value, closed_at=at
        )
        case["next_due_on"] = None
        closed = 0
        for row in deadlines:
            if row["status"] != DeadlineStatus.OPEN:
                continue
            rows[DeadlineChange].append(
                {
                    "id": self.take(DeadlineChange),
                    "deadline_id": row["id"],
                    "old_due_on": row["due_on"],
                    "new_due_on": None,
                    "old_rule_version": row["rule_version"],
                    "new_rule_version": None,
                    "reason": "Case closed",
                    "changed_at": at,
                    "changed_by_id": vlo,
                }
            )
            row["status"] = DeadlineStatus.CASE_CLOSED
            closed += 1
            task = tasks.get(row["id"])
            if task is not None and task["status"] == TaskStatus.OPEN:
                task["status"] = TaskStatus.CASE_CLOSED
        rows[CaseStatusChange].append(
            {
                "id": self.take(CaseStatusChange),
                "case_id": case["id"],
                "status": CaseStatus.CLOSED.value,
                "closed_reason": ClosureReason.SENTENCE_ENDED.value,
                "details": None,
                "at": at,
                "user_id": vlo,
            }
        )
        events.append(
            (
                at,
                vlo,
                case["region_id"],
                "case_closed",
                "case",
                case["id"],
                case["id"],
                None,
                {"reason": ClosureReason.SENTENCE_ENDED.value, "deadlines_closed": closed},
                False,
            )
        )

    def _background(
        self,
        count: int,
        cases: list[tuple[int, int, int | None, date, int]],
        people: list[tuple[int, int]],
        contacts: list[tuple[int, int]],
        tasks: list[tuple[int, int]],
        rnd: random.Random,
    ) -> Iterator[tuple]:
        """Staff using the service over the last two years: signing in and out, viewing cases,
        adding contacts, doing tasks, revealing addresses (with a reason: never personal data in
        the details)."""
        if count <= 0:
            return
        actions, types, weights = zip(*AUDIT_MIX, strict=True)
        span = int(timedelta(days=365 * YEARS_OF_AUDIT).total_seconds())
        horizon = self.now - timedelta(seconds=span)
        draws = rnd.choices(range(len(actions)), weights, k=count)
        for choice in draws:
            action, record_type = actions[choice], types[choice]
            if record_type == "user":
                staff = rnd.choice(self.staff)
                at = horizon + timedelta(seconds=rnd.randrange(span))
                yield (at, staff.id, staff.region_id, action, "user", staff.id, None, None, None, False)
                continue
            pool = {"case": None, "person": people, "contact_log_entry": contacts, "task": tasks}[record_type]
            if pool is not None and pool:
                record_id, index = rnd.choice(pool)
            else:
                index = rnd.randrange(len(cases))
                record_id = cases[index][0]
                action, record_type = ("case_viewed", "case") if pool is not None else (action, record_type)
            case_id, region_id, vlo, referral, team_id = cases[index]
            user = vlo if vlo is not None and rnd.random() < 0.8 else self.spos_by_team[team_id][0].id
            start = max(horizon, datetime.combine(referral, time(9), tzinfo=UTC))
            seconds = max(1, int((self.now - start).total_seconds()))
            at = start + timedelta(seconds=rnd.randrange(seconds))
            reason = rnd.choice(REVEAL_REASONS) if action == "contact_details_revealed" else None
            flagged = action == "contact_details_revealed" and user != vlo
            yield (at, user, region_id, action, record_type, record_id, case_id, reason, None, flagged)


def _at(day: date, rnd: random.Random) -> datetime:
    """A time in the working day."""
    return datetime.combine(day, time(rnd.randint(8, 16), rnd.randint(0, 59)), tzinfo=UTC)
