"""Work: offender events as they are recorded, and the tasks that deadlines and events create."""
