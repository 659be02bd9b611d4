"""Deadlines in the database: rule settings, extra non-working days, each case's computed
deadlines and their history. The rules themselves are pure (victims.domain.deadlines)."""
