"""Nightly snapshots of the oversight figures, per VLO, team and region (issue 15, item 3)."""
