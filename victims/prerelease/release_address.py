"""The offender's proposed release address on the case (issue 17): recorded from nDelius (the
API), a CSV upload or the dates page, withdrawn, and every exclusion zone on the case checked
against it again. Flush, never commit.

Every change is a new row of `release_addresses` (the latest is current; a row without a postcode
records a withdrawal), and only a change is: the same address given again writes nothing. After
a change each zone's release-address check (victims.prerelease.zones.check_zone, code "outside")
is made again, and the zones whose check passed before and fails now are returned. Whoever made
the change at the screen is shown them (the dates page); a change from the API or a CSV, with no
officer at the screen, opens a map task for each such zone, titled with the zone, for the case's
VLO (or the team's queue when they cannot map), so it shows on their lists and reminders.

The address locates the offender and must never reach the victim: it is kept encrypted, and the
audit trail records that it changed and where from, never what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case, Sentence
from victims.domain import release_addresses as rules
from victims.domain.prerelease import AddressSource
from victims.domain.release_addresses import AddressProblem
from victims.domain.vocabulary import CaseStatus, Role
from victims.domain.work import TaskStatus
from victims.extensions import db
from victims.postcodes import queries as postcodes
from victims.prerelease import queries, zones
from victims.prerelease.models import ExclusionZone, ReleaseAddress
from victims.refusals import Refused
from victims.staff.models import User
from victims.work import services as work
from victims.work.models import Task

# Sources with an officer at the screen, who is shown the zones that now fail; from the others,
# the zones' map work is opened for the case's VLO.
AT_THE_SCREEN = frozenset({AddressSource.DATES_PAGE})
TITLE_SHOWN = 80  # of a zone's title in a task's title (the task's title is 200 at most)


class AddressRefused(Refused):
    """The address cannot be recorded: every problem, each at its field ("street", "postcode",
    "given_on"); the message is the first."""

    def __init__(self, problems: list[AddressProblem]):
        super().__init__(problems[0].message, problems[0].field)
        self.problems = problems


@dataclass(frozen=True)
class Recorded:
    """What a change did: whether a row was written, whether the postcode was found in the
    postcode table, and the zones whose release-address check passed before and fails now."""

    changed: bool
    located: bool = True
    now_failing: list[ExclusionZone] = field(default_factory=list)


def _check_allowed(case: Case, source: AddressSource, user: User | None) -> None:
    if case.status != CaseStatus.OPEN:
        raise Refused("The case is closed: reopen it before changing the proposed release address")
    if source in AT_THE_SCREEN and (
        user is None or user.role not in (Role.VLO, Role.SPO) or user.team_id != case.team_id
    ):
        raise Refused("Only the case’s team can change the proposed release address")


def _lock(case: Case) -> None:
    """Hold the case's row until the transaction ends (PostgreSQL; SQLite has one writer)."""
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())


def check(
    case: Case, street: str | None, postcode_text: str | None, given_on: date | None
) -> tuple[rules.GivenAddress | None, list[AddressProblem]]:
    """The address as it would be recorded on the case, or every problem with it (for a form or
    a CSV row to show before anything is written)."""
    sentence = db.session.get(Sentence, case.sentence_id)
    latest = queries.latest_release_address(case.id)
    return rules.read(
        street,
        postcode_text,
        given_on,
        today=clock.today(),
        sentenced_on=sentence.sentence_date if sentence is not None else None,
        current_given_on=latest.given_on if latest is not None else None,
    )


def record(
    case: Case,
    street: str | None,
    postcode_text: str | None,
    given_on: date | None,
    source: AddressSource | str,
    user: User | None,
) -> Recorded:
    """Record the proposed release address the source gave, when it differs from the current one,
    and check every zone on the case against it. Raises AddressRefused (every problem) or Refused.

    An unknown postcode (not in the postcode table) is refused at the screen ("We do not recognise
    this postcode"); from the API or a CSV it is kept without coordinates, so nothing nDelius sent
    is lost, and the zones' release-address check fails saying the postcode is not known.

    The case's row is locked first: two changes at once (the same PUT twice, two sources) are
    made one after the other, each seeing the other's row."""
    source = AddressSource(source)
    _check_allowed(case, source, user)
    _lock(case)
    given, problems = check(case, street, postcode_text, given_on)
    if given is None or problems:
        raise AddressRefused(problems)
    located = postcodes.locate(given.postcode)
    if located is None and source in AT_THE_SCREEN:
        raise AddressRefused([AddressProblem("postcode", "We do not recognise this postcode")])
    point = f"{located[0]:.6f},{located[1]:.6f}" if located is not None else None
    current = queries.current_release_address(case.id)
    if current is not None and rules.same_address(
        current.street, current.postcode, given.street, given.postcode
    ):
        return Recorded(changed=False, located=current.coordinates is not None or located is not None)
    return _change(
        case,
        ReleaseAddress(
            case_id=case.id,
            street=given.street,
            postcode=given.postcode,
            coordinates=point,
            source=source.value,
            given_on=given.given_on,
            recorded_at=clock.utcnow(),
            recorded_by_id=user.id if user is not None else None,
        ),
        "release_address_recorded",
        source,
        user,
        located=point is not None,
    )


def withdraw(
    case: Case, source: AddressSource | str, user: User | None, given_on: date | None = None
) -> Recorded:
    """The proposed release address is withdrawn (no address is proposed now): a row without a
    postcode. Nothing is written when none is recorded."""
    source = AddressSource(source)
    _check_allowed(case, source, user)
    _lock(case)
    if queries.current_release_address(case.id) is None:
        return Recorded(changed=False)
    on = given_on or clock.today()
    if on > clock.today():
        raise AddressRefused(
            [AddressProblem("given_on", "The date it was withdrawn must be today or in the past")]
        )
    return _change(
        case,
        ReleaseAddress(
            case_id=case.id,
            street=None,
            postcode=None,
            coordinates=None,
            source=source.value,
            given_on=on,
            recorded_at=clock.utcnow(),
            recorded_by_id=user.id if user is not None else None,
        ),
        "release_address_withdrawn",
        source,
        user,
        located=True,
    )


def _change(
    case: Case, row: ReleaseAddress, action: str, source: AddressSource, user: User | None, *, located: bool
) -> Recorded:
    case_zones = queries.zones_of_case(case.id)
    before = {zone.id: release_check_passes(zone) for zone in case_zones}
    db.session.add(row)
    db.session.flush()
    now_failing = [zone for zone in case_zones if before[zone.id] and release_check_passes(zone) is False]
    if source not in AT_THE_SCREEN:
        _open_map_work(case, now_failing)
    audit.record(
        action,
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        # Where it came from and what it did, never the address.
        details={
            "source": source.value,
            "postcode_known": located,
            "zones_now_failing": [zone.id for zone in now_failing],
        },
        user=user,
    )
    return Recorded(changed=True, located=located, now_failing=now_failing)


def release_check_passes(zone: ExclusionZone) -> bool | None:
    """Whether the zone passes its release-address check ("outside"); None when it is not drawn
    yet, so not checked."""
    for result in zones.check_zone(zone):
        if result.code == "outside":
            return result.passed
    return None


def task_title(zone: ExclusionZone) -> str:
    title = zone.title if len(zone.title) <= TITLE_SHOWN else zone.title[: TITLE_SHOWN - 1].rstrip() + "…"
    return (
        f"Check the exclusion-zone map “{title}”: the proposed release address changed and the map "
        "now fails its checks"
    )


def _open_map_work(case: Case, now_failing: list[ExclusionZone]) -> None:
    """A map task for each zone that now fails, unless one is open for it already."""
    if not now_failing:
        return
    open_titles = set(
        db.session.scalars(select(Task.title).where(Task.case_id == case.id, Task.status == TaskStatus.OPEN))
    )
    for zone in now_failing:
        title = task_title(zone)
        if title not in open_titles:
            work.open_map_task(case, clock.today(), title=title)
            open_titles.add(title)
