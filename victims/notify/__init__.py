"""GOV.UK Notify: the one way out to people's inboxes and letterboxes (SPEC §6).

`gateway()` gives the real Notify client when NOTIFY_API_KEY is set, and otherwise the
development outbox, which keeps each email in the database and shows it at /dev/outbox.
"""
