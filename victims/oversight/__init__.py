"""What managers and senior officers oversee: the audit trail, and address reveals."""
