"""Checking an uploaded file of referrals and importing it, all or nothing. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, or_

from victims import clock
from victims.api import referrals
from victims.api.definitions import REFERRAL
from victims.api.schema import validate
from victims.audit import services as audit
from victims.cases import services as cases
from victims.cases.queries import find_offender_by_crn, open_case_for_offender
from victims.extensions import db
from victims.imports import csv_format
from victims.imports.csv_format import COLUMNS, Row
from victims.imports.models import ReferralUpload
from victims.staff.models import User

MAX_VICTIMS = REFERRAL.fields["victims"].max_items  # type: ignore[attr-defined]
# The sentence fields eligibility is worked out from: when one is wrong, it is not worked out.
ELIGIBILITY_POINTERS = {
    "/sentence/offence_category",
    "/sentence/sentence_type",
    "/sentence/length_months",
}
UPLOAD_LIFETIME = timedelta(hours=1)
FORGET_AFTER = timedelta(days=1)


@dataclass
class Referral:
    """The rows with one CRN: one referral, one case."""

    crn: str
    rows: list[Row]
    existing_case: bool = False
    data: dict | None = None  # the validated referral, when every row is good


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


@dataclass(frozen=True)
class Imported:
    rows: int
    referrals: int
    cases_opened: int
    cases_found: int


def check(text: str, region_id: int) -> Preview:
    """Every row of the file with every reason it cannot be imported. Raises
    csv_format.FileRefused when the file as a whole cannot be read."""
    rows = csv_format.read(text)
    validated: dict[int, dict] = {}
    pointers: dict[int, set[str]] = {}
    for row in rows:
        data, problems = validate(REFERRAL, row.referral())
        row.reasons.extend(csv_format.reason(problem.pointer, problem.detail) for problem in problems)
        if not problems:
            refusals = referrals.victim_refusals(data["victims"])
            row.reasons.extend(csv_format.reason(refusal.pointer, refusal.detail) for refusal in refusals)
        validated[row.line] = data
        pointers[row.line] = {problem.pointer for problem in problems}

    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row.crn or f"line {row.line}", []).append(row)
    preview = Preview(rows)
    for crn, group in groups.items():
        _check_group(group)
        _check_eligibility(group, validated[group[0].line], pointers[group[0].line])
        referral = Referral(crn=crn, rows=group)
        if "/offender/crn" not in pointers[group[0].line]:
            offender = find_offender_by_crn(crn)
            referral.existing_case = (
                offender is not None and open_case_for_offender(offender.id, region_id) is not None
            )
        if not any(row.reasons for row in group):
            referral.data = {
                **validated[group[0].line],
                "victims": [validated[row.line]["victims"][0] for row in group],
            }
        preview.referrals.append(referral)
    return preview


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


def _check_eligibility(group: list[Row], data: dict, wrong: set[str]) -> None:
    sentence = data.get("sentence") or {}
    if wrong & ELIGIBILITY_POINTERS or not (
        sentence.get("offence_category") and sentence.get("sentence_type")
    ):
        return
    try:
        computed = cases.assess(
            sentence["offence_category"], sentence["sentence_type"], sentence.get("length_months")
        )
    except cases.ChangeRefused as refused:
        message = refused.message
    else:
        if computed.eligible:
            return
        message = f"Not eligible: {computed.reason}"
    for row in group:
        row.reasons.append(message)


def import_all(preview: Preview, user: User) -> Imported:
    """Every referral of a file with no problems, or ImportFailed (the caller rolls back)."""
    if not preview.ok or user.team_id is None:
        raise ImportFailed(0, "The file has problems")
    opened = found = 0
    for referral in preview.referrals:
        assert referral.data is not None
        try:
            _case, created = referrals.receive(
                referral.data, region_id=user.region_id, default_team_id=user.team_id, user=user
            )
        except referrals.ReferralRefused as refused:
            line = referral.rows[0].line
            raise ImportFailed(line, csv_format.reason(refused.pointer, refused.detail)) from None
        opened, found = (opened + 1, found) if created else (opened, found + 1)
    result = Imported(len(preview.rows), len(preview.referrals), opened, found)
    audit.record(
        "referrals_imported",
        "referral_import",
        None,
        region_id=user.region_id,
        details={
            "rows": result.rows,
            "referrals": result.referrals,
            "cases_opened": result.cases_opened,
            "cases_found": result.cases_found,
        },
        user=user,
    )
    return result


def keep(text: str, preview: Preview, user: User) -> ReferralUpload:
    """Keep a checked file until it is imported: encrypted, one per user, briefly."""
    db.session.execute(
        delete(ReferralUpload).where(
            or_(ReferralUpload.user_id == user.id, ReferralUpload.created_at < clock.utcnow() - FORGET_AFTER)
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


def discard(upload: ReferralUpload) -> None:
    db.session.delete(upload)
    db.session.flush()
