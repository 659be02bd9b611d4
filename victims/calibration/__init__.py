"""Calibration of the workload model against the time VLOs record (issue 14, item 7)."""
