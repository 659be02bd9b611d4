"""Victims and contact persons, their preferences and their opt-in/opt-out history."""
