"""Victims' feedback (issue 15, item 6): single-use links in letters, the public page they open,
feedback a VLO records from a call, and reports per team and region with small numbers hidden."""
