"""Every page a VLO, an SPO and a manager opens, as the national benchmark measures them.

Each page names its endpoint (tests/unit/test_bench_pages.py checks that every GET page that
takes no id, or a case id, is here or excluded there for a stated reason), who opens it, its
path (with {case}, {letter}… filled from the loaded data by bench.national.ids) and, for the main
pages, the same data fetched by hand-written SQL: one or a few statements returning what the page
shows, which the benchmark times on the same connection pool in the same run. The page's ratio to
its raw SQL is what the service adds (ORM, domain rules, template).

The hand-written SQL reads `cases.next_due_on` (the case's earliest open deadline, kept on the
case since migration 0024) and counts long lists up to a cap (10,001 rows), as the issue asks the
pages to do: it is the target, not a copy of today's queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Who opens a page: the keys of victims.demo.national.NationalUsers.
VLO, VLO_35, SPO, REGIONAL, NATIONAL = "vlo_350", "vlo_35", "spo", "regional_manager", "national_manager"


@dataclass(frozen=True)
class Page:
    group: str  # "VLO", "SPO", "Manager"
    name: str
    who: str
    endpoint: str
    # A template: {case}, {letter}, {zone}, {condition}, {region}, {team}, {vlo}, {transfer},
    # {unallocated}, {closed}, {surname}, {today} (bench.national.ids).
    path: str
    # Hand-written SQL statements (bound from bench.national's parameters), or a function of those
    # parameters that runs its own (the compliance benchmark's figures).
    raw: tuple[str, ...] | Callable[[dict], object] = field(default=())
    scaled: bool = False  # a national or regional page: its time should not grow with the country


# A long list counts exactly up to 10,001 rows ("LIMIT 10001" below), then says "more than 10,000".

# -- hand-written SQL ----------------------------------------------------------------------------------

_CASE_LIST = """
SELECT c.id, o.first_name, o.last_name, o.crn, c.scheme, c.status, c.referral_received_on, c.next_due_on,
       (SELECT count(*) FROM people p WHERE p.case_id = c.id) AS victims, t.name AS team, u.name AS vlo
FROM cases c JOIN offenders o ON o.id = c.offender_id JOIN teams t ON t.id = c.team_id
LEFT JOIN users u ON u.id = c.allocated_vlo_id
WHERE c.status = 'open' AND {where}
ORDER BY {order} LIMIT 25"""

_CAPPED_COUNT = (
    "SELECT count(*) FROM (SELECT 1 FROM cases c WHERE c.status = 'open' AND {where} LIMIT 10001) AS capped"
)

# The facts the list's filter panel counts (stage, needs, work items) for every case listed.
_FACTS = """
SELECT c.id, c.scheme, s.*,
       (SELECT array_agg(p.relationship || ':' || p.language || ':' || coalesce(p.date_of_birth::text, ''))
          FROM people p WHERE p.case_id = c.id AND p.contact_level <> 'opted_out') AS people,
       (SELECT array_agg(e.kind || ':' || e.occurred_on)
          FROM offender_events e WHERE e.case_id = c.id) AS events,
       (SELECT array_agg(d.code) FROM deadlines d WHERE d.case_id = c.id AND d.status = 'open') AS open_codes,
       (SELECT count(*) FROM condition_requests r WHERE r.case_id = c.id) AS requests,
       (SELECT count(*) FROM exclusion_zones z
          WHERE z.case_id = c.id AND z.status <> 'countersigned') AS zones,
       (SELECT array_agg(n.need) FROM case_needs n WHERE n.case_id = c.id AND n.removed_at IS NULL) AS needs
FROM cases c JOIN sentences s ON s.id = c.sentence_id
WHERE c.status = 'open' AND {where}"""


def _case_list(
    where: str, order: str = "o.last_name, o.first_name, c.id", *, facts: bool = True
) -> tuple[str, ...]:
    statements = (_CAPPED_COUNT.format(where=where), _CASE_LIST.format(where=where, order=order))
    return statements + ((_FACTS.format(where=where),) if facts else ())


CASELOAD = _case_list("c.allocated_vlo_id = :vlo")
CASELOAD_35 = _case_list("c.allocated_vlo_id = :vlo_35")
# A search of My caseload: the VLO's own cases whose offender's or a person's surname matches.
SEARCH = (
    _CASE_LIST.format(
        where="c.allocated_vlo_id = :vlo AND (o.last_name ILIKE :like OR EXISTS "
        "(SELECT 1 FROM people p WHERE p.case_id = c.id AND p.last_name ILIKE :like))",
        order="o.last_name, o.first_name, c.id",
    ),
)
TEAM_CASES = (
    "SELECT id, name FROM users WHERE team_id = :team AND role = 'vlo' AND active ORDER BY name",
    *_case_list("c.team_id = :team", "c.allocated_vlo_id IS NOT NULL, o.last_name, o.first_name, c.id"),
)
NATIONAL_CASES = _case_list("true", "c.next_due_on NULLS LAST, c.id", facts=False)
REGIONAL_CASES = _case_list("c.region_id = :region", "c.next_due_on NULLS LAST, c.id", facts=False)

CASE_PAGE = (
    "SELECT c.*, o.*, s.*, t.name, r.name, u.name FROM cases c JOIN offenders o ON o.id = c.offender_id "
    "JOIN sentences s ON s.id = c.sentence_id JOIN teams t ON t.id = c.team_id "
    "JOIN regions r ON r.id = c.region_id "
    "LEFT JOIN users u ON u.id = c.allocated_vlo_id WHERE c.id = :case",
    # Names and preferences only: contact details stay encrypted until a reveal.
    "SELECT id, relationship, first_name, last_name, contact_level, channel, language, contact_lost "
    "FROM people WHERE case_id = :case ORDER BY id",
    "SELECT d.id, d.code, d.due_on, t.id, t.title, u.name FROM deadlines d "
    "LEFT JOIN tasks t ON t.deadline_id = d.id AND t.status = 'open' "
    "LEFT JOIN users u ON u.id = t.assigned_to_id "
    "WHERE d.case_id = :case AND d.status = 'open' ORDER BY d.due_on, d.id",
    _FACTS.format(where="c.id = :case"),
)
CASE_DEADLINES = (
    CASE_PAGE[0],
    "SELECT d.*, t.id, t.title, t.status, u.name FROM deadlines d LEFT JOIN tasks t ON t.deadline_id = d.id "
    "LEFT JOIN users u ON u.id = t.assigned_to_id WHERE d.case_id = :case ORDER BY d.due_on, d.id",
)
CONTACT_LOG = (
    CASE_PAGE[0],
    "SELECT id, first_name, last_name FROM people WHERE case_id = :case ORDER BY id",
    "SELECT e.*, u.name FROM contact_log_entries e LEFT JOIN users u ON u.id = e.user_id "
    "WHERE e.case_id = :case ORDER BY e.occurred_at DESC, e.id DESC",
)

# The person's (or team's) open tasks first, then the page of them: left to itself the planner
# walks every overdue deadline in the country by date looking for the team's few.
_TASKS = """
WITH chosen AS MATERIALIZED (
  SELECT t.id, d.due_on FROM tasks t LEFT JOIN deadlines d ON d.id = t.deadline_id
  WHERE t.status = 'open' AND {where})
SELECT t.id, t.title, t.status, d.due_on, d.code, c.id, o.first_name, o.last_name, o.crn, u.name
FROM chosen x JOIN tasks t ON t.id = x.id JOIN cases c ON c.id = t.case_id
JOIN offenders o ON o.id = c.offender_id LEFT JOIN deadlines d ON d.id = t.deadline_id
LEFT JOIN users u ON u.id = t.assigned_to_id
WHERE c.status = 'open'
ORDER BY x.due_on NULLS LAST, t.id LIMIT 25"""
_TASK_COUNT = (
    "SELECT count(*) FROM (SELECT 1 FROM tasks t JOIN cases c ON c.id = t.case_id "
    "LEFT JOIN deadlines d ON d.id = t.deadline_id WHERE t.status = 'open' AND c.status = 'open' AND {where} "
    "LIMIT 10001) AS capped"
)
MY_TASKS = (
    _TASK_COUNT.format(where="t.assigned_to_id = :vlo"),
    _TASKS.format(where="t.assigned_to_id = :vlo"),
)
TEAM_WORK = (
    _TASK_COUNT.format(where="t.team_id = :team AND d.due_on < :today"),
    _TASKS.format(where="t.team_id = :team AND d.due_on < :today"),
    _TASK_COUNT.format(where="t.team_id = :team AND t.assigned_to_id IS NULL"),
    _TASKS.format(where="t.team_id = :team AND t.assigned_to_id IS NULL"),
    "SELECT l.id, l.title, l.status, l.case_id FROM letters l JOIN cases c ON c.id = l.case_id "
    "WHERE c.team_id = :team AND l.status IN ('awaiting_countersign', 'held') ORDER BY l.id",
    "SELECT r.id, r.stage, r.case_id FROM condition_requests r JOIN cases c ON c.id = r.case_id "
    "WHERE c.team_id = :team AND r.stage = 'drafted' ORDER BY r.id",
    "SELECT x.id, x.case_id, x.from_team_id FROM case_transfers x "
    "WHERE x.to_team_id = :team AND x.status = 'requested'",
)
NOTIFICATIONS = (
    "SELECT count(*) FROM reminders WHERE recipient_id = :vlo AND read_at IS NULL",
    "SELECT count(*) FROM (SELECT 1 FROM reminders WHERE recipient_id = :vlo LIMIT 10001) AS capped",
    "SELECT r.id, r.title, r.stage, r.due_on, r.case_id, r.read_at, r.created_at FROM reminders r "
    "WHERE r.recipient_id = :vlo ORDER BY r.created_at DESC, r.id DESC LIMIT 25",
)
_AUDIT_PAGE = """
SELECT a.id, a.at, a.user_id, u.name, a.action, a.record_type, a.record_id, a.case_id, a.reason,
       a.details, a.flagged
FROM audit_events a LEFT JOIN users u ON u.id = a.user_id {join}
WHERE {where} ORDER BY a.at DESC, a.id DESC LIMIT 50"""
_AUDIT_COUNT = (
    "SELECT count(*) FROM (SELECT 1 FROM audit_events a {join} WHERE {where} LIMIT 10001) AS capped"
)
NATIONAL_AUDIT = (
    "SELECT u.id, u.name, u.active, r.name FROM users u JOIN regions r ON r.id = u.region_id "
    "ORDER BY u.name, u.id",
    _AUDIT_COUNT.format(join="", where="true"),
    _AUDIT_PAGE.format(join="", where="true"),
)
REGIONAL_AUDIT = (
    "SELECT u.id, u.name, u.active FROM users u WHERE u.region_id = :region ORDER BY u.name, u.id",
    _AUDIT_COUNT.format(join="", where="a.region_id = :region"),
    _AUDIT_PAGE.format(join="", where="a.region_id = :region"),
)
_REVEALS = (
    "a.flagged AND a.action IN ('contact_details_revealed', 'contact_details_viewed', "
    "'person_details_changed', 'letter_address_viewed', 'zone_places_viewed') AND c.team_id = :team"
)
REVEALS = (
    _AUDIT_COUNT.format(join="JOIN cases c ON c.id = a.case_id", where=_REVEALS),
    _AUDIT_PAGE.format(join="JOIN cases c ON c.id = a.case_id", where=_REVEALS),
)
LETTERS = (
    CASE_PAGE[0],
    "SELECT l.id, l.letter_type, l.language, l.title, l.status, l.created_at, l.sent_at, p.first_name, "
    "p.last_name FROM letters l LEFT JOIN people p ON p.id = l.person_id WHERE l.case_id = :case "
    "ORDER BY l.created_at DESC, l.id DESC",
)
HISTORY = (
    CASE_PAGE[0],
    "SELECT a.id, a.at, a.action, a.record_type, a.details, u.name FROM audit_events a "
    "LEFT JOIN users u ON u.id = a.user_id WHERE a.case_id = :case ORDER BY a.at DESC, a.id DESC LIMIT 50",
)


def _compliance(national: bool) -> Callable[[dict], object]:
    def run(params: dict) -> None:
        from bench.compliance import raw_figures

        # The default period (last month) is closed: stored by the nightly job, nothing live.
        raw_figures(None if national else params["region"], None)

    return run


def _dashboards(name: str) -> tuple[str, ...]:
    from bench import dashboards

    return tuple(getattr(dashboards, name))


# -- the pages ---------------------------------------------------------------------------------------


def _pages() -> list[Page]:
    case = "/cases/{case}"
    vlo = [
        Page("VLO", "My caseload (350 cases)", VLO, "cases.caseload", "/cases/mine", CASELOAD),
        Page("VLO", "My caseload (35 cases)", VLO_35, "cases.caseload", "/cases/mine", CASELOAD_35),
        Page("VLO", "My caseload, search", VLO, "cases.caseload", "/cases/mine?q={surname}", SEARCH),
        Page("VLO", "Case page (summary)", VLO, "cases.case", case, CASE_PAGE),
        Page("VLO", "Case: people", VLO, "cases.people", case + "/people", CASE_PAGE[:2]),
        Page("VLO", "Case: deadlines", VLO, "cases.deadlines", case + "/deadlines", CASE_DEADLINES),
        Page("VLO", "Case: contact log", VLO, "cases.contacts", case + "/contacts", CONTACT_LOG),
        Page("VLO", "Case: letters", VLO, "cases.letters", case + "/letters", LETTERS),
        Page("VLO", "Case: pre-release", VLO, "cases.prerelease", case + "/pre-release"),
        Page("VLO", "Case: history", VLO, "cases.history", case + "/history", HISTORY),
        Page("VLO", "Record a contact (form)", VLO, "cases.add_contact", case + "/contacts/new"),
        Page("VLO", "Sentence dates (form)", VLO, "cases.sentence_dates", case + "/dates"),
        Page("VLO", "Add a person (form)", VLO, "people.add_person", case + "/people/new"),
        Page("VLO", "New letter (form)", VLO, "letters.new", case + "/letters/new"),
        Page("VLO", "Record an event (form)", VLO, "work.record_event", case + "/events/new"),
        Page("VLO", "Record feedback call (form)", VLO, "feedback.record_call", case + "/feedback/new"),
        Page(
            "VLO",
            "Record pre-release contact (form)",
            VLO,
            "prerelease.record_contact",
            case + "/prerelease/contact",
        ),
        Page("VLO", "Ask for conditions (form)", VLO, "prerelease.new_request", case + "/conditions/new"),
        Page("VLO", "Close case (form)", VLO, "cases.close", case + "/close"),
        Page(
            "VLO",
            "Representations preview (PDF)",
            VLO,
            "prerelease.representations_preview",
            case + "/representations-preview.pdf",
        ),
        Page(
            "VLO", "Representations (PDF)", VLO, "prerelease.representations", case + "/representations.pdf"
        ),
        Page("VLO", "Letter page", VLO, "letters.letter", "/letters/{letter}"),
        Page("VLO", "Condition request page", VLO, "prerelease.condition", "/conditions/{condition}"),
        Page("VLO", "Exclusion zone page", VLO, "prerelease.zone", "/zones/{zone}"),
        Page("VLO", "My tasks", VLO, "work.my_tasks", "/tasks/mine", MY_TASKS),
        Page("VLO", "Notifications", VLO, "reminders.notifications", "/notifications", NOTIFICATIONS),
        Page("VLO", "My workload", VLO, "workforce.my_workload", "/workforce/mine"),
        Page("VLO", "My absences", VLO, "absences.mine", "/absences/mine"),
        Page("VLO", "New case (form)", VLO, "cases.new_case", "/cases/new"),
        Page("VLO", "Account details", VLO, "staff.details", "/account/details"),
        Page("VLO", "Notification settings", VLO, "reminders.settings", "/account/notifications"),
        Page("VLO", "Change password (form)", VLO, "staff.change_password", "/account/password"),
        Page("VLO", "Accessibility statement", VLO, "main.accessibility", "/accessibility"),
    ]
    spo = [
        Page("SPO", "Team cases", SPO, "cases.team_cases", "/cases/team", TEAM_CASES),
        Page("SPO", "Team cases, unallocated", SPO, "cases.team_cases", "/cases/team?show=unallocated"),
        Page("SPO", "Team work", SPO, "work.team_work", "/tasks/team", TEAM_WORK),
        Page("SPO", "Allocation queue", SPO, "allocation.queue", "/allocation/"),
        Page(
            "SPO",
            "Allocation suggestions for a case",
            SPO,
            "allocation.case",
            "/allocation/cases/{unallocated}",
        ),
        Page("SPO", "Allocate a case (form)", SPO, "cases.allocate", "/cases/{case}/allocate"),
        Page("SPO", "Change scheme (form)", SPO, "cases.change_scheme", "/cases/{case}/scheme"),
        Page("SPO", "Add a need (form)", SPO, "cases.add_need", "/cases/{case}/needs/new"),
        Page("SPO", "Reopen a closed case (form)", SPO, "cases.reopen", "/cases/{closed}/reopen"),
        Page("SPO", "Transfer a case (form)", SPO, "cases.transfer", "/cases/{case}/transfer"),
        Page("SPO", "Bulk allocation plan", SPO, "allocation.bulk", "/allocation/plan?case={unallocated}"),
        Page("SPO", "Address reveals", SPO, "oversight.reveals", "/audit/reveals", REVEALS),
        Page("SPO", "Team workload", SPO, "workforce.team_workload", "/workforce/team"),
        Page("SPO", "A VLO's workload", SPO, "workforce.vlo", "/workforce/vlos/{vlo}"),
        Page(
            "SPO",
            "A VLO's skills and training",
            SPO,
            "staff.skills_and_training",
            "/staff/{vlo}/skills-and-training",
        ),
        Page("SPO", "Team absences", SPO, "absences.team", "/absences/team"),
        Page("SPO", "Record an absence (form)", SPO, "absences.new", "/absences/new"),
        Page("SPO", "Countersigning", SPO, "staff.countersigning", "/team/countersigning"),
        Page("SPO", "Import referrals", SPO, "imports.upload", "/imports/referrals"),
        Page("SPO", "Import template (CSV)", SPO, "imports.template", "/imports/referrals/template.csv"),
        Page("SPO", "Transfer decision", SPO, "cases.decide_transfer", "/cases/transfers/{transfer}"),
    ]
    manager = [
        Page(
            "Manager",
            "Caseload balance, national",
            NATIONAL,
            "dashboard.home",
            "/management/",
            _dashboards("RAW_NATIONAL"),
            scaled=True,
        ),
        Page(
            "Manager",
            "Caseload balance, regional",
            REGIONAL,
            "dashboard.region",
            "/management/regions/{region}",
            _dashboards("RAW_REGION"),
            scaled=True,
        ),
        Page("Manager", "Caseload balance, team", REGIONAL, "dashboard.team", "/management/teams/{team}"),
        Page("Manager", "Caseload balance, VLO", REGIONAL, "dashboard.vlo", "/management/vlos/{vlo}"),
        Page(
            "Manager",
            "Compliance, national",
            NATIONAL,
            "compliance.index",
            "/management/compliance/?scope=national",
            _compliance(True),
            scaled=True,
        ),
        Page(
            "Manager",
            "Compliance, regional",
            REGIONAL,
            "compliance.index",
            "/management/compliance/",
            _compliance(False),
            scaled=True,
        ),
        Page(
            "Manager",
            "Compliance cases, regional",
            REGIONAL,
            "compliance.cases",
            "/management/compliance/cases?measure=initial_contact",
            scaled=True,
        ),
        Page(
            "Manager",
            "Feedback, national",
            NATIONAL,
            "feedback.report",
            "/management/feedback?scope=national",
            _dashboards("RAW_FEEDBACK_NATIONAL"),
            scaled=True,
        ),
        Page(
            "Manager",
            "Feedback, regional",
            REGIONAL,
            "feedback.report",
            "/management/feedback",
            _dashboards("RAW_FEEDBACK_REGION"),
            scaled=True,
        ),
        Page(
            "Manager",
            "National cases by next deadline",
            NATIONAL,
            "cases.region_cases",
            "/cases/region?sort=deadline",
            NATIONAL_CASES,
            scaled=True,
        ),
        Page(
            "Manager",
            "Regional cases by next deadline",
            REGIONAL,
            "cases.region_cases",
            "/cases/region?sort=deadline",
            REGIONAL_CASES,
            scaled=True,
        ),
        Page(
            "Manager",
            "Audit trail, national",
            NATIONAL,
            "oversight.trail",
            "/audit/",
            NATIONAL_AUDIT,
            scaled=True,
        ),
        Page(
            "Manager",
            "Audit trail, regional",
            REGIONAL,
            "oversight.trail",
            "/audit/",
            REGIONAL_AUDIT,
            scaled=True,
        ),
        Page(
            "Manager",
            "Audit trail export (CSV, a case)",
            REGIONAL,
            "oversight.export",
            "/audit/export.csv?case={case}",
        ),
        Page(
            "Manager",
            "Balance export (CSV)",
            REGIONAL,
            "dashboard.export",
            "/management/export.csv?scope=region:{region}&table=children",
            scaled=True,
        ),
        Page(
            "Manager",
            "Compliance export (CSV)",
            REGIONAL,
            "compliance.export",
            "/management/compliance/export.csv?table=figures",
            scaled=True,
        ),
        Page(
            "Manager",
            "Compliance cases (CSV)",
            REGIONAL,
            "compliance.cases_csv",
            "/management/compliance/cases.csv?measure=initial_contact",
            scaled=True,
        ),
        Page(
            "Manager",
            "Feedback export (CSV)",
            REGIONAL,
            "feedback.report_csv",
            "/management/feedback.csv",
            scaled=True,
        ),
        Page(
            "Manager",
            "Regional report (PDF)",
            REGIONAL,
            "dashboard.region_report",
            "/management/regions/{region}/report.pdf",
            scaled=True,
        ),
        Page("Manager", "Calibration", REGIONAL, "calibration.report", "/calibration/"),
        Page(
            "Manager",
            "Skills and training, teams",
            REGIONAL,
            "staff.team_skills",
            "/team/skills-and-training",
        ),
        Page(
            "Manager",
            "Team skills matrix",
            REGIONAL,
            "staff.team_skills_matrix",
            "/teams/{team}/skills-and-training",
        ),
        Page("Manager", "Case page (manager)", REGIONAL, "cases.case", case, CASE_PAGE),
    ]
    return vlo + spo + manager


PAGES = _pages()
