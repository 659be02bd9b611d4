"""The words shown to people for the actions and records in the audit trail.

The trail stores short action codes (``contact_details_revealed``); people read these labels.
An action added elsewhere without a label here still reads sensibly (see ``action_label``).
"""

from __future__ import annotations

ACTIONS: dict[str, str] = {
    # Signing in and out
    "signed_in": "Signed in",
    "signed_out": "Signed out",
    "second_factor_enrolled": "Set up security code",
    # Cases
    "case_opened": "Opened case",
    "case_viewed": "Viewed case",
    "case_allocated": "Allocated case",
    "case_reallocated": "Reallocated case",
    "caseload_rebalanced": "Rebalanced a caseload across the team",
    "scheme_overridden": "Overrode the computed scheme",
    "scheme_override_removed": "Returned to the computed scheme",
    "sentence_dates_changed": "Changed sentence dates",
    "contact_added": "Added contact to log",
    "referrals_imported": "Imported referrals from a CSV file",
    "referral_passed_on": "Passed a referral to the team that holds the case",
    "case_closed": "Closed case",
    "case_reopened": "Reopened case",
    "case_closure_proposed": "Proposed the case for closure (a review task)",
    "case_transfer_requested": "Asked another team to take the case",
    "case_transfer_withdrawn": "Withdrew a transfer of the case",
    "workload_model_changed": "Changed the workload model's numbers",
    # Absence and cover
    "absence_recorded": "Recorded an absence",
    "absence_end_changed": "Changed the last day of an absence",
    "absence_cancelled": "Cancelled an absence",
    "absence_cover_started": "Moved an absent person's tasks to cover",
    "absence_cover_ended": "Gave a returning person's tasks back",
    "case_transfer_accepted": "Accepted a case from another team",
    "case_transfer_declined": "Declined a case from another team",
    "case_transferred_away": "Case moved to a team in another region",
    # Offender events and tasks
    "offender_event_recorded": "Recorded offender event",
    "task_done": "Marked task as done",
    "task_assigned": "Assigned task",
    "deadline_met_by_hand": "Marked a deadline as met by hand",
    "deadline_reopened": "Reopened a deadline: what met it came back",
    # Letters
    "letter_drafted": "Started a letter",
    "letter_submitted": "Sent a letter for countersigning",
    "letter_approved": "Approved a letter",
    "letter_sent_back": "Returned a letter to its writer",
    "letter_cancelled": "Cancelled a letter",
    # Victims' feedback (issue 15): never the answers, never which response
    "feedback_recorded": "Recorded a victim's feedback from a call",
    "feedback_exported": "Downloaded feedback figures",
    "letter_sent": "Sent a letter",
    "letter_held": "Held a letter: GOV.UK Notify had something else under its reference",
    "letter_sent_again": "Sent a held letter again under a new reference",
    "letter_pdf_viewed": "Opened a letter’s PDF",
    "letter_address_viewed": "Saw the address on a letter’s PDF",
    "letter_template_changed": "Changed a letter template",
    "letter_warnings_acknowledged": "Confirmed the words under “Check before approving” in a letter",
    "team_letterhead_changed": "Changed a team’s letterhead",
    "contact_lost_flagged": "Flagged contact lost",
    "contact_regained": "Recorded contact regained",
    "child_victim_turned_18": "Opened the task for a child victim who has turned 18",
    "countersigning_required": "Required countersigning of letters",
    "countersigning_stopped": "Stopped requiring countersigning",
    "own_details_changed": "Changed their own details",
    "skills_changed": "Changed a member of staff’s skills",
    "training_recorded": "Added a training record",
    "training_removed": "Removed a training record",
    "case_need_added": "Added a need to the case by hand",
    "case_need_removed": "Removed a need added by hand",
    # Pre-release work
    "prerelease_contact_recorded": "Recorded pre-release contact",
    "condition_requested": "Added a licence-condition request",
    "condition_request_drafted": "Drafted a condition's wording",
    "condition_request_checked": "Checked a condition's wording",
    "condition_request_sent": "Sent a condition to the probation practitioner",
    "condition_request_included": "Recorded a condition included in the licence",
    "condition_request_not_included": "Recorded a condition not included in the licence",
    "condition_request_told": "Recorded the victim told the outcome",
    "prerelease_completed": "Marked pre-release work complete",
    "zone_saved": "Saved an exclusion-zone map",
    "zone_submitted": "Sent an exclusion-zone map for checking",
    "zone_countersigned": "Countersigned an exclusion-zone map",
    "zone_returned": "Returned an exclusion-zone map to its maker",
    "zone_reopened": "Reopened a countersigned exclusion-zone map that no longer passed its checks",
    "zone_pdf_made": "Made an exclusion-zone map PDF for issue",
    "zone_pdf_previewed": "Previewed an exclusion-zone map PDF (marked draft)",
    "zone_places_viewed": "Saw the places an exclusion zone is checked against",
    "representations_made": "Made the representations document for issue",
    "representations_previewed": "Previewed the representations document (marked draft)",
    # Reminders
    "reminder_email_retried": "Sent a failed reminder email again",
    "reminder_email_held": "Held a reminder email: GOV.UK Notify had something else under its reference",
    "reminder_email_sent_again": "Sent a held reminder email again under a new reference",
    "reminder_emails_chosen": "Changed email reminders",
    # Victims and contact persons
    "person_added": "Added person",
    "contact_details_revealed": "Revealed address and contact details",
    "contact_details_viewed": "Viewed address and contact details",
    "person_details_changed": "Changed person’s details",
    "preferences_changed": "Changed contact preferences",
    "opted_out": "Recorded opt-out",
    "opted_in": "Recorded opt-in",
    # Administration of users
    "user_created": "Created user",
    "user_changed": "Changed user",
    "user_deactivated": "Deactivated user",
    "user_reactivated": "Reactivated user",
    "second_factor_reset": "Reset security code (approved a request)",
    "password_reset": "Set a temporary password (approved a request)",
    "account_change_requested": "Asked for a temporary password or security code reset",
    "account_change_cancelled": "Cancelled a request for a temporary password or security code reset",
    "account_email_failed": "Could not email a user about a change to their account",
    "password_changed": "Changed their own password",
    "temporary_password_replaced": "Chose a password in place of a temporary one",
    # Deadline settings
    "deadline_rule_changed": "Changed a deadline rule",
    "non_working_day_added": "Added a non-working day",
    "non_working_day_removed": "Removed a non-working day",
    # This area
    "audit_exported": "Exported audit trail",
    "dashboard_exported": "Downloaded caseload balance figures as CSV",
    "dashboard_report_printed": "Downloaded a region's monthly report",
    # Workload (issue 14)
    "reduction_recorded": "Recorded a reduction of a VLO's hours",
    "reduction_ended": "Ended a reduction of a VLO's hours early",
    # Compliance (issue 15)
    "compliance_exported": "Downloaded compliance figures",
}

RECORD_TYPES: dict[str, str] = {
    "compliance": "Compliance figures",
    "case": "Case",
    "person": "Person",
    "sentence": "Sentence",
    "contact_log_entry": "Contact log entry",
    "offender_event": "Offender event",
    "task": "Task",
    "reminder": "Reminder",
    "letter": "Letter",
    "feedback_report": "Feedback report",
    "condition_request": "Licence-condition request",
    "exclusion_zone": "Exclusion zone",
    "prerelease_contact": "Pre-release contact",
    "letter_template": "Letter template",
    "referral_import": "Referral import",
    "user": "User",
    "training_record": "Training record",
    "case_need": "Case need",
    "audit_trail": "Audit trail",
    "deadline_rule": "Deadline rule",
    "non_working_day": "Non-working day",
    "workload_model": "Workload model",
    "reduction": "Reduction of hours",
    "absence": "Absence",
}

# The events an SPO reviews: someone revealed, saw or changed what locates or reaches a victim
# (victims.web.reveals): their address and contact details, a letter's address, a zone's places.
REVEAL_ACTIONS = (
    "contact_details_revealed",
    "contact_details_viewed",
    "person_details_changed",
    "letter_address_viewed",
    "zone_places_viewed",
)


def _readable(code: str) -> str:
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "Unknown"


def action_label(action: str) -> str:
    """``case_viewed`` -> "Viewed case"; an unlabelled ``letter_sent`` -> "Letter sent"."""
    return ACTIONS.get(action) or _readable(action)


def record_type_label(record_type: str) -> str:
    return RECORD_TYPES.get(record_type) or _readable(record_type)


def action_choices() -> list[tuple[str, str]]:
    """Every labelled action, in alphabetical order of its label."""
    return sorted(ACTIONS.items(), key=lambda item: item[1].lower())
