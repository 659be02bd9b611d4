"""The intake API: referrals and offender events from courts, police and prison systems."""
