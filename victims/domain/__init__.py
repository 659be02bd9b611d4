"""Pure domain rules: no Flask, no SQLAlchemy. Time and calendars are passed in."""
