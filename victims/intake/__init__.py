"""Intake: referrals and offender events arriving by the web form, the API or a CSV file."""
