"""The append-only audit trail (Data Protection Act 2018 s.62)."""
