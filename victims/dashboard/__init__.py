"""Managers' oversight (issue 15): caseload balance drilling down national → region → team →
VLO, trends from the nightly snapshots, CSV exports and the monthly regional report."""
