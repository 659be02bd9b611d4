"""What the fuzz tests share: a world with one of everything a form acts on, the forms found on
its pages, values to fill them with, and a fingerprint of the database to prove that a refused
request stored nothing.

Each generated example runs inside a savepoint of its own that is rolled back afterwards, so
every example starts from the same world whatever the one before it changed.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import BigInteger, Integer, event, select, text
from sqlalchemy.orm import Session

from tests.conftest import Browser
from tests.helpers import finish, signed_in
from victims import clock
from victims.admin import services as admin_services
from victims.auth import services as auth
from victims.cases import services as case_services
from victims.cases.models import Sentence
from victims.cases.services import refresh_deadlines
from victims.domain.accounts import AccountChange
from victims.domain.letters import LetterStatus, LetterType
from victims.domain.needs import Course, Need
from victims.domain.prerelease import ConditionType, Stage, StepInput
from victims.domain.reminders import EmailStatus
from victims.domain.vocabulary import Role, Skill
from victims.domain.workload import ReductionKind
from victims.extensions import db
from victims.letters import services as letters
from victims.people.models import Person
from victims.postcodes.models import Postcode
from victims.prerelease import release_address, zones
from victims.prerelease import services as prerelease
from victims.prerelease.models import ExclusionZone
from victims.reminders import services as reminders
from victims.reminders.models import Reminder
from victims.staff.models import TrainingRecord
from victims.work import services as work
from victims.work import settings as work_settings
from victims.work.models import Task
from victims.workforce import needs as case_needs
from victims.workforce import services as workforce

# Bounded and reproducible: the same examples on every run, none timed. FUZZ_EXAMPLES=500 (for
# example) hunts longer on a developer's machine.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# For one endpoint that answers in a few milliseconds (the CSV upload, the zone form).
FUZZ_MORE = settings(FUZZ, max_examples=EXAMPLES * 5)

ZONE_GEOJSON = (
    '{"type": "Polygon", "coordinates": [[[-0.4814, 52.1269], [-0.4520, 52.1269], '
    "[-0.4520, 52.1449], [-0.4814, 52.1449], [-0.4814, 52.1269]]]}"
)

# Reaching north to 52.17: takes in the release address (MK41 7AA, 52.16 N) recorded in the world.
ZONE_TAKING_THE_RELEASE_ADDRESS = (
    '{"type": "Polygon", "coordinates": [[[-0.4814, 52.1269], [-0.4520, 52.1269], '
    "[-0.4520, 52.1700], [-0.4814, 52.1700], [-0.4814, 52.1269]]]}"
)


# -- the world -------------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, object]
    ids: dict[str, int] = field(default_factory=dict)


def build_world(make, database) -> World:
    """A team's casework with one of everything: a case with deadlines and tasks, its victim, a
    draft letter, one waiting for countersigning and one held, pre-release requests with a zone
    waiting for the SPO, reminders (one whose email failed), and staff of every role."""
    session = database.session
    team = make.team()
    vlo = make.user(Role.VLO, team=team, name="Fuzz Liaison", skills=(Skill.MAPPING.value,))
    vlo.phone = "01632 960 123"
    colleague = make.user(Role.VLO, team=team, name="Fuzz Colleague")
    spo = make.user(Role.SPO, team=team, name="Fuzz Senior")
    manager = make.user(Role.MANAGER, region=make.region())
    admin = make.user(Role.ADMIN, region=make.region(), national=True)
    case = make.case(vlo=vlo, crd=date(2027, 3, 1), led=date(2029, 3, 1), sed=date(2029, 3, 1))
    refresh_deadlines(case, session.get(Sentence, case.sentence_id), "test")
    # Work no evidence meets, so its task keeps "Mark as done" (issue 13): a referral to check.
    work.open_work(case, "referral_passed_on", clock.today())
    session.flush()
    victim = session.scalars(select(Person).where(Person.case_id == case.id)).one()

    letter = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
    finished = {section.key: finish(section, "Written.") for section in letter.sections if not section.locked}
    letters.save_draft(letter, finished, large_print=False, channel="post", user=vlo)
    waiting = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, colleague)
    letters.save_draft(waiting, finished, large_print=False, channel="post", user=colleague)
    colleague.requires_countersign = True
    letters.approve(waiting, colleague)

    zone_request = prerelease.add_request(case, victim, ConditionType.EXCLUSION_ZONE, "Keep him away", vlo)
    zone = session.get(ExclusionZone, zone_request.zone_id)
    zones.save_zone(zone, _zone_form(), vlo)
    zones.submit_zone(zone, vlo)
    draft_zone_request = prerelease.add_request(case, victim, ConditionType.EXCLUSION_ZONE, "And here", vlo)
    draft_zone = session.get(ExclusionZone, draft_zone_request.zone_id)
    zones.save_zone(draft_zone, _zone_form(), vlo)  # passes its checks: the page offers to send it
    # A map countersigned before the release address was given, which takes in that address: it
    # fails its checks once the address is recorded below, so its page offers to reopen it.
    failing_request = prerelease.add_request(case, victim, ConditionType.EXCLUSION_ZONE, "And there", vlo)
    failing_zone = session.get(ExclusionZone, failing_request.zone_id)
    zones.save_zone(failing_zone, replace(_zone_form(), zone=ZONE_TAKING_THE_RELEASE_ADDRESS), vlo)
    zones.submit_zone(failing_zone, vlo)
    zones.countersign_zone(failing_zone, spo)
    # The offender's proposed release address, well outside the zones: the dates page offers to
    # change and withdraw it.
    session.add(Postcode(postcode="MK41 7AA", sector="MK41 7", latitude=52.1600, longitude=-0.4667))
    release_address.record(case, None, "MK41 7AA", clock.today(), "api", None)
    named = prerelease.add_request(case, victim, ConditionType.NO_CONTACT_NAMED, "His brother", vlo)
    prerelease.step(named, Stage.DRAFTED, StepInput(wording="Not to contact Mr X."), vlo)

    sent = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
    letters.save_draft(sent, finished, large_print=False, channel="post", user=vlo)
    letters.approve(sent, vlo)
    sent.status = LetterStatus.SENT  # as the sending task leaves it
    held = letters.start_draft(case, victim, LetterType.INITIAL_CONTACT, vlo)
    letters.save_draft(held, finished, large_print=False, channel="post", user=vlo)
    letters.approve(held, vlo)
    # As the sender leaves a letter whose reference Notify has for something else: on Team work.
    held.status, held.problem = LetterStatus.HELD, "Held: GOV.UK Notify already has something else."
    work_settings.add_non_working_day(date(2026, 12, 29), "Office closed", admin)

    task = session.scalars(
        select(Task).where(Task.case_id == case.id, Task.deadline_id.is_not(None)).order_by(Task.id)
    ).first()
    reminders.remind(task.deadline_id)
    told = session.scalars(select(Reminder).where(Reminder.deadline_id == task.deadline_id)).all()
    assert {reminder.recipient_id for reminder in told} >= {vlo.id, spo.id}, "no reminders to fuzz"
    for reminder in told:
        if reminder.recipient_id == spo.id:
            reminder.email_status, reminder.email_error = EmailStatus.FAILED, "Notify said no"
    # Another administrator asks for a colleague's security code to be reset: the world's
    # administrator sees the request with its approve and cancel forms (four eyes).
    asker = make.user(Role.ADMIN, region=make.region(), national=True)
    account_request = admin_services.request_change(
        colleague, AccountChange.SECOND_FACTOR_RESET, "Lost their phone", asker
    )
    # A case's life: one closed (reopen), one waiting to move to another region's team (withdraw),
    # and one that team asks the world's team to take (accept or decline, from Team work).
    closed_case = make.case(vlo=vlo)
    case_services.close_case(closed_case, "sentence_ended", "", spo)
    elsewhere = make.team(make.region("wales"))
    moving_case = make.case(vlo=vlo)
    case_services.request_transfer(moving_case, elsewhere, "Moved to Wales", spo)
    incoming = make.case(team=elsewhere)
    case_services.request_transfer(incoming, team, "Moved here", make.user(Role.SPO, team=elsewhere))
    # A reduction of a VLO's hours, to end early (the VLO's workload page, from Team workload).
    workforce.record_reduction(
        colleague, ReductionKind.TRAINING, Decimal("7.5"), date(2026, 1, 1), None, None, spo
    )
    # Skills and training (a record to remove) and a need added by hand (to remove), issue 14.
    training = TrainingRecord(
        user_id=vlo.id, course=Course.PREVENT, completed_on=date(2025, 1, 6), expires_on=date(2028, 1, 6)
    )
    session.add(training)
    case_need = case_needs.add_need(case, Need.INTERPRETER, "Speaks Polish", spo)
    session.flush()
    return World(
        users={"vlo": vlo, "spo": spo, "manager": manager, "admin": admin, "colleague": colleague},
        ids={
            "case": case.id,
            "person": victim.id,
            "letter": letter.id,
            "waiting_letter": waiting.id,
            "sent_letter": sent.id,
            "zone": zone.id,
            "zone_request": zone_request.id,
            "draft_zone": draft_zone_request.zone_id,
            "failing_zone": failing_zone.id,
            "named_request": named.id,
            "task": task.id,
            "colleague": colleague.id,
            "account_request": account_request.id,
            "closed_case": closed_case.id,
            "moving_case": moving_case.id,
            "vlo": vlo.id,
            "training": training.id,
            "case_need": case_need.id,
        },
    )


def _zone_form() -> zones.ZoneForm:
    return zones.ZoneForm(
        title="Bedford",
        zone=ZONE_GEOJSON,
        description="The ring road.",
        points={"home": "52.1400, -0.4610"},  # the release address is the case's (see the world above)
    )


# -- forms as the pages show them --------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, choice, file, hidden
    values: list[str] = field(default_factory=list)  # the page's own value(s): options, defaults
    count: int = 1  # how many inputs share the name (a date's three boxes)


@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict[str, Field]


class _FormParser(HTMLParser):
    def __init__(self, page_path: str, method: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.method = method
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _add(self, name: str, kind: str, value: str | None) -> Field:
        assert self._form is not None
        found = self._form.fields.get(name)
        if found is None:
            found = self._form.fields[name] = Field(name, kind, count=0)
        if kind != "choice" or not found.values:  # radios and checkboxes of one name are one field
            found.count += 1
        if value is not None and value not in found.values:
            found.values.append(value)
        return found

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == self.method:
                action = (attributes.get("action") or self.page_path).split("#")[0]
                multipart = attributes.get("enctype") == "multipart/form-data"
                self._form = Form(action, multipart, {})
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                self._add(name, "choice", attributes.get("value") or "on")
            elif kind == "file":
                self._add(name, "file", None)
                self._form.multipart = True
            elif kind in ("submit", "button"):
                if attributes.get("value") is not None:
                    self._add(name, "choice", attributes["value"])
            else:
                self._add(name, "hidden" if kind == "hidden" else "text", attributes.get("value"))
        elif tag == "button" and name:
            self._add(name, "choice", attributes.get("value") or "")
        elif tag == "select" and name:
            self._select = self._add(name, "choice", None)
        elif tag == "option" and self._select is not None:
            value = attributes.get("value")
            if value is not None and value not in self._select.values:
                self._select.values.append(value)
        elif tag == "textarea" and name:
            self._textarea = self._add(name, "textarea", None)

    def handle_data(self, data):
        if self._textarea is not None and data.strip() and not self._textarea.values:
            self._textarea.values.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str, page_path: str, method: str = "post") -> list[Form]:
    parser = _FormParser(page_path, method)
    parser.feed(html)
    parser.close()
    return [form for form in parser.forms if not form.action.startswith(("http:", "https:", "//"))]


# -- values ------------------------------------------------------------------------------------------

# Text people cannot have meant, and text that looks like what the service parses.
EDGES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "-1",
    "0",
    "00",
    "1",
    "99",
    "99999",
    "9" * 30,
    "9" * 5000,
    "-" + "9" * 400,
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "0x1F",
    "1_000",
    "²",
    "١٢",
    "٣",
    "99/99/99999",
    "31/02/2026",
    "2026-02-31",
    "9999-12-31",
    "0001-01-01",
    "31/12/9999",
    "29/02/2025",
    '=HYPERLINK("http://x")',
    "+1+2",
    "@SUM(A1)",
    "<script>alert(1)</script>",
    "{{ 7*7 }}",
    "((vlo_name))",
    "[a note]",
    "../../etc/passwd",
    "%00",
    "'; DROP TABLE cases; --",
    "Ŵŷ Cymraeg ‘quoted’ – dash",
    "😀" * 10,
    "\u202e\u200b\ufeff",
    "A" * 256,
    "x" * 5001,
]

TEXT = st.text(st.characters(codec="utf-8"), max_size=30)  # any character a form can carry, NUL too
HUGE = st.builds(
    lambda piece, times: piece * times,
    st.sampled_from(["x", "9", "é", "😀", " ", "\n"]),
    st.sampled_from([10_001, 70_000]),
)
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)).map(str)
DATE_PART = st.one_of(
    st.integers(-10, 100_000).map(str), st.sampled_from(["", "9" * 5000, "x", "1.5", "²", "٣"])
)
# Real days in odd years: the first and last a date can hold, before and after any calendar.
YEARS = st.sampled_from([1, 999, 1000, 1066, 1899, 1900, 1950, 2010, 2026, 2106, 2107, 2999, 9999])
DAY_MONTH_YEAR = st.tuples(st.integers(1, 28), st.integers(1, 12), YEARS).map(
    lambda d: [str(part) for part in d]
)
DATE_BOXES = st.one_of(
    DAY_MONTH_YEAR,
    DAY_MONTH_YEAR,
    st.lists(DATE_PART, min_size=3, max_size=3),
    st.lists(DATE_PART, max_size=5),
)
JUNK = st.one_of(st.sampled_from(EDGES), TEXT, NUMBERS, HUGE)


def _plausible(found: Field) -> list[str]:
    """A value the form would accept, by the field's kind and name (its own value first)."""
    own = [value for value in found.values if value]
    if found.kind == "choice":
        return own[:1] or [""]
    if own and found.name != "csrf_token":
        return own[:1] if found.count < 3 else own[:3]
    name = found.name.lower()
    if found.count >= 3:
        return ["1", "3", "2025"]
    for part, value in PLAUSIBLE:
        if part in name:
            return [value]
    return ["Written for the fuzz test"]


PLAUSIBLE = (
    ("email", "fuzz@probation.example"),
    ("postcode", "MK40 1AA"),
    ("phone", "01632 960 001"),
    ("telephone", "01632 960 001"),
    ("crn", "X123456"),
    ("prison_number", "A1234BC"),
    ("months", "24"),
    ("number", "10"),
    ("hours", "37"),
    ("password", "a long enough passphrase for fuzzing"),
    ("point_", "52.1400, -0.4610"),
    ("zone", ZONE_GEOJSON),
    ("code", "123456"),
    ("time", "10:30"),
    ("day", "29/12/2026"),
)


def _junk(found: Field) -> st.SearchStrategy:
    if found.kind == "file":
        content = st.one_of(
            st.binary(max_size=200), st.sampled_from([ZONE_GEOJSON.encode(), b"\xff\xfe\x00", b"[" * 5000])
        )
        name = st.sampled_from(["zone.geojson", "referrals.csv", "x", "", "../../a.csv"])
        return st.builds(lambda data, filename: (io.BytesIO(data), filename), content, name)
    if found.count >= 3:  # a date's three boxes: day, month, year
        return DATE_BOXES
    own = [value for value in found.values if value]
    one = st.one_of(st.sampled_from(own), JUNK) if own else JUNK
    return st.one_of(one, one, one, st.lists(one, min_size=2, max_size=3))  # sometimes repeated


def plausible_data(form: Form, keep: frozenset[str] = frozenset({"csrf_token"})) -> dict:
    """The form as a person would fill it in (files left out); `keep` as the page gave them."""
    data: dict = {}
    for name, found in form.fields.items():
        if found.kind == "file":
            continue
        values = found.values[:1] if name in keep else _plausible(found)
        data[name] = values[0] if len(values) == 1 else values
    return data


@st.composite
def form_data(draw, form: Form, keep: frozenset[str] = frozenset({"csrf_token"})) -> dict:
    """The form as a person would fill it in, with up to three fields left out, repeated or
    given junk; now and then every field junk. The fields in `keep` are sent as the page gave them."""
    data = plausible_data(form, keep)
    free = [name for name in form.fields if name not in keep]
    if not free:
        return data
    mode = draw(st.integers(0, 7))
    dates = [name for name in free if form.fields[name].count >= 3]
    if mode in (1, 2) and dates:  # one date real, in a year the service may not expect
        data[draw(st.sampled_from(dates))] = draw(DAY_MONTH_YEAR)
        return data
    chosen = free if mode == 0 else draw(st.lists(st.sampled_from(free), max_size=3, unique=True))
    for name in chosen:
        if draw(st.integers(0, 5)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(_junk(form.fields[name]))
    return data


# -- PostgreSQL's rules, on SQLite ---------------------------------------------------------------------

INT32 = 2**31 - 1


class PostgresWouldRefuse(Exception):
    """A value PostgreSQL refuses and SQLite keeps: the request would be a 500 in production."""


def _postgres_refusals(session, _context, _instances) -> None:
    for record in [*session.new, *session.dirty]:
        for column in record.__table__.columns:
            value = getattr(record, column.key, None) if column.key in record.__dict__ else None
            kind = column.type
            if isinstance(value, str):
                if "\x00" in value:
                    raise PostgresWouldRefuse(f"{record.__tablename__}.{column.name} holds NUL")
                length = getattr(kind, "length", None)
                if length is not None and len(value) > length:
                    raise PostgresWouldRefuse(
                        f"{record.__tablename__}.{column.name} is {len(value)} characters, more than {length}"
                    )
            elif isinstance(value, int) and not isinstance(value, bool) and isinstance(kind, Integer):
                limit = 2**63 - 1 if isinstance(kind, BigInteger) else INT32
                if not -limit - 1 <= value <= limit:
                    raise PostgresWouldRefuse(
                        f"{record.__tablename__}.{column.name} = {value} is out of range"
                    )


@contextmanager
def postgres_rules() -> Iterator[None]:
    """While it lasts, a flush of a value PostgreSQL would refuse (NUL in text, text longer than
    its column, an integer out of its column's range) fails as it would there: the fuzz runs on
    SQLite, which keeps all three."""
    event.listen(Session, "before_flush", _postgres_refusals)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", _postgres_refusals)


# -- running and checking -----------------------------------------------------------------------------


def fingerprint() -> str:
    """Everything stored, as one hash (a few milliseconds on the small world)."""
    db.session.flush()
    digest = hashlib.sha256()
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        digest.update(table.name.encode())
        for row in connection.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1')):  # noqa: S608 (our own table names)
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Run one example in a savepoint of its own on the test's connection, rolled back afterwards.
    The test's session ends its own savepoint first, so the example's is outermost of whatever
    the example's requests and the test's session open inside it."""
    db.session.commit()  # releases the test session's savepoint (the outer transaction stays)
    savepoint = db.engine.begin_nested()  # db.engine is the test's connection (conftest.database)
    try:
        yield
    finally:
        db.session.rollback()
        if savepoint.is_active:
            savepoint.rollback()
        db.session.expire_all()


class Visitor:
    """A signed-in user whose requests each start from a fresh cookie jar (so an example that
    signs them out or ends their session does not spill into the next), with the CSRF token the
    first page gave."""

    def __init__(self, app, user):
        self.app, self.user = app, user
        self.browser = signed_in(app, user)
        with self.browser.client.session_transaction() as session:
            self._cookie_session = dict(session)

    def remember(self, key: str, value) -> None:
        """Keep a value in the cookie session of this and every fresh browser."""
        self._cookie_session[key] = value
        with self.browser.client.session_transaction() as session:
            session[key] = value

    def get(self, path: str) -> tuple[int, str]:
        response = self.browser._send("get", path)
        with self.browser.client.session_transaction() as session:
            self._cookie_session = dict(session)
        return response.status_code, response.get_data(as_text=True)

    def fresh(self) -> Browser:
        browser = Browser(self.app, self.user)
        token = auth.start_session(self.user)
        with browser.client.session_transaction() as session:
            session.update(self._cookie_session)
            session.permanent = True
            session["sid"] = token
        return browser


def check_response(response, before: str, after: Callable[[], str], what: str) -> None:
    status = response.status_code
    assert status < 500, f"{what} answered {status}:\n{response.get_data(as_text=True)[:3000]}"
    if 400 <= status < 500:
        assert after() == before, f"{what} answered {status} but stored something"
