"""Checking an uploaded file of referrals and importing it, all or nothing. Flush, never commit.

A thin adapter over victims.intake: this reads the rows (victims.imports.csv_format), groups
them into referrals by CRN and says what is wrong in the words of the file; intake checks and
receives each referral exactly as it does one from the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, or_

from victims import clock
from victims.cases import queries as case_queries
from victims.domain import release_addresses as release_rules
from victims.domain.prerelease import AddressSource
from victims.extensions import db
from victims.imports import csv_format
from victims.imports.csv_format import BY_NAME as COLUMNS_BY_NAME
from victims.imports.csv_format import COLUMNS, Row
from victims.imports.models import FORGET_AFTER, ImportStatus, ReferralUpload
from victims.intake import services as intake
from victims.intake.definitions import REFERRAL
from victims.prerelease import release_address as release_addresses
from victims.staff.models import User
from victims.work import queries as work_queries

MAX_VICTIMS = REFERRAL.fields["victims"].max_items  # type: ignore[attr-defined]


@dataclass
class Referral:
    """The rows with one CRN: one referral, one case."""

    crn: str
    rows: list[Row]
    existing_case: bool = False
    data: dict | None = None  # the validated referral, when every row is good
    # The offender's proposed release address the rows give, checked (issue 17).
    release_address: release_rules.GivenAddress | None = None


@dataclass
class Preview:
    rows: list[Row]
    referrals: list[Referral] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.reasons]

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    @property
    def summary(self) -> str:
        text = f"{_count(len(self.referrals), 'referral')} from {_count(len(self.rows), 'row')}"
        bad = len(self.bad_rows)
        if bad:
            text += f"; {_count(bad, 'row')} {'has' if bad == 1 else 'have'} problems"
        return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class ImportFailed(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def check(text: str, region_id: int, team_id: int) -> Preview:
    """Every row of the file with every reason it cannot be imported. Raises
    csv_format.FileRefused when the file as a whole cannot be read. Whether an offender has a
    case is said only of the importer's own team's cases."""
    rows = csv_format.read(text)
    validated: dict[int, dict] = {}
    pointers: dict[int, set[str]] = {}
    refused_pointers = {name: COLUMNS_BY_NAME[name].pointer for name in COLUMNS_BY_NAME}
    for row in rows:
        data, problems = intake.check(row.referral())
        already = {refused_pointers[name] for name in row.refused}
        row.reasons.extend(
            csv_format.reason(problem.pointer, problem.detail)
            for problem in problems
            if problem.pointer not in already
        )
        validated[row.line] = data
        pointers[row.line] = {problem.pointer for problem in problems} | already

    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.crn or f"line {row.line}", []).append(row)
    preview = Preview(rows)
    known = intake.Known.look_up(list(groups), region_id, lock=False)
    with work_queries.settings_fixed():  # one calendar and one rule set for the whole file
        for crn, group in groups.items():
            preview.referrals.append(
                _check_referral(crn, group, validated, pointers, known, region_id, team_id)
            )
    return preview


def _check_referral(
    crn: str,
    group: list[Row],
    validated: dict[int, dict],
    pointers: dict[int, set[str]],
    known: intake.Known,
    region_id: int,
    team_id: int,
) -> Referral:
    """One referral's rows together: they agree, it is eligible, its dates can be counted, and
    its CRN is its offender's."""
    first, wrong = validated[group[0].line], pointers[group[0].line]
    _check_group(group)
    _check_eligibility(group, first, wrong)
    if not any(row.reasons for row in group):
        _check_countable(group, first)
    referral = Referral(crn=crn, rows=group)
    existing = None
    if not wrong & {"/offender/crn", "/offender/last_name", "/offender/date_of_birth"}:
        mismatch = intake.identity_problem(first["offender"], known)
        if mismatch:
            for row in group:
                row.reasons.append(mismatch)
        referral.existing_case = intake.has_open_case_in_team(crn, region_id, team_id, known)
        differ = intake.repeated_dates_problem(first, known) if referral.existing_case else None
        if differ:
            for row in group:
                row.reasons.append(differ)
        if referral.existing_case:
            existing = known.open_cases[known.offenders[crn.upper()].id]
    referral.release_address = _check_release_address(group, first, wrong, existing)
    if not any(row.reasons for row in group):
        referral.data = {**first, "victims": [validated[row.line]["victims"][0] for row in group]}
    return referral


def _check_group(group: list[Row]) -> None:
    """The offender and sentence columns agree; no victim twice; not too many victims."""
    first = group[0]
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(group):
        if row is not first:
            differing = [
                column.name
                for column in COLUMNS
                if column.shared
                and row.cells.get(column.name, "").casefold() != first.cells.get(column.name, "").casefold()
            ]
            if differing:
                row.reasons.append(
                    f"{', '.join(differing)} must be the same as on line {first.line}, "
                    "which has the same CRN (a CRN is one referral)"
                )
        name = (
            row.cells.get("victim_first_name", "").casefold(),
            row.cells.get("victim_last_name", "").casefold(),
        )
        if all(name):
            if name in seen:
                row.reasons.append(f"The same victim is already on line {seen[name]} for this CRN")
            else:
                seen[name] = row.line
        if index >= MAX_VICTIMS:
            row.reasons.append(
                f"A referral can have at most {MAX_VICTIMS} victims – this is victim {index + 1} for this CRN"
            )


def _check_release_address(
    group: list[Row], data: dict, wrong: set[str], case
) -> release_rules.GivenAddress | None:
    """The offender's proposed release address the referral's rows give (the first row's: the
    rows must agree), by the API's rules; every problem at its column. On the team's open case the
    address is also checked against the one it holds (an older one is refused)."""
    row = group[0]
    cells = row.release_address()
    if cells is None:
        return None
    given_on = clock.today()
    problems = []
    if cells["given_on"]:
        try:
            given_on = date.fromisoformat(cells["given_on"])
        except ValueError:
            problems.append("release_address_given_on must be a date written YYYY-MM-DD or DD/MM/YYYY")
    if case is not None:
        given, found = release_addresses.check(case, cells["street"], cells["postcode"], given_on)
    else:
        sentenced = (
            data.get("sentence", {}).get("sentence_date") if "/sentence/sentence_date" not in wrong else None
        )
        given, found = release_rules.read(
            cells["street"],
            cells["postcode"],
            given_on,
            today=clock.today(),
            sentenced_on=sentenced if isinstance(sentenced, date) else None,
            current_given_on=None,
        )
    problems += [
        f"release_address_{problem.field}: {problem.message}"
        for problem in found
        if not (problem.field == "given_on" and problems)
    ]
    # Cells already refused for their characters say so once.
    problems = [problem for problem in problems if problem.split(":")[0].split(" ")[0] not in row.refused]
    for each in group:
        each.reasons.extend(problems)
    return None if problems or given is None else given


def _check_countable(group: list[Row], data: dict) -> None:
    """Dates the deadlines cannot be counted from (beyond the calendar's years) are refused
    here, as the import would refuse them: a file that passes its preview imports."""
    refused = intake.dates_problem(data)
    if refused is not None:
        for row in group:
            row.reasons.append(csv_format.reason(refused.pointer, refused.detail))


def _check_eligibility(group: list[Row], data: dict, wrong: set[str]) -> None:
    why_not = intake.not_eligible(data, wrong)
    if why_not:
        for row in group:
            row.reasons.append(why_not)


def import_all(
    preview: Preview, user: User, progress: Callable[[int], None] | None = None
) -> intake.Received:
    """Every referral of a file with no problems, or ImportFailed (the caller rolls back).
    `progress` is told how many referrals are done as the import goes."""
    if not preview.ok or user.team_id is None:
        raise ImportFailed(0, "The file has problems")
    try:
        received = intake.receive_all(
            [referral.data for referral in preview.referrals], user, rows=len(preview.rows), progress=progress
        )
    except intake.ReferralRefused as refused:
        line = preview.referrals[refused.index].rows[0].line
        raise ImportFailed(line, csv_format.reason(refused.field or "/", refused.message)) from None
    for referral in preview.referrals:
        if referral.release_address is not None:
            _record_release_address(referral, user)
    return received


def _record_release_address(referral: Referral, user: User) -> None:
    """The release address on the case the referral opened or found in the user's team (none on
    a case another team holds: the referral was passed to them to check, with nothing added)."""
    offender = case_queries.find_offender_by_crn(referral.crn)
    case = case_queries.open_case_for_offender(offender.id, user.region_id) if offender is not None else None
    if case is None or case.team_id != user.team_id:
        return
    given = referral.release_address
    try:
        release_addresses.record(case, given.street, given.postcode, given.given_on, AddressSource.CSV, user)
    except release_addresses.AddressRefused as refused:
        problems = "; ".join(
            f"release_address_{problem.field}: {problem.message}" for problem in refused.problems
        )
        raise ImportFailed(referral.rows[0].line, problems) from None


def keep(text: str, preview: Preview, user: User) -> ReferralUpload:
    """Keep a checked file until it is imported: encrypted, one per user, briefly. Imports
    that are waiting or running are kept whatever their age; the sweep forgets finished ones."""
    db.session.execute(
        delete(ReferralUpload).where(
            ReferralUpload.status == ImportStatus.CHECKED,
            or_(ReferralUpload.user_id == user.id, ReferralUpload.created_at < clock.utcnow() - FORGET_AFTER),
        )
    )
    upload = ReferralUpload(
        user_id=user.id,
        contents=text,
        row_count=len(preview.rows),
        referral_count=len(preview.referrals),
        created_at=clock.utcnow(),
    )
    db.session.add(upload)
    db.session.flush()
    return upload
