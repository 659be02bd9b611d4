"""Reminders of deadlines: in-app notifications and emails through GOV.UK Notify (issue 3 §4)."""
