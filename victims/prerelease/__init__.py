"""Pre-release work: licence-condition requests and exclusion zones (SPEC §7, issue 5)."""
