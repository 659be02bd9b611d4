"""Absence and cover (issue 14, item 5): planned leave and sickness, and who handles the work
meanwhile."""
