"""VCS cases: the offender, the sentence and its dates, allocation, the contact log."""
