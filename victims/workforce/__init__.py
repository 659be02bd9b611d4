"""The workforce tool (issue 14): the VLO workload model and its versions, capacity, peaks
ahead, and recorded time for calibration. Reads cases, their people and pre-release work."""
