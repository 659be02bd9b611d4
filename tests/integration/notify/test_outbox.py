"""The development outbox (no Notify key) lists staff emails only: never a letter to a victim."""

from __future__ import annotations

from victims.domain.vocabulary import Role
from victims.notify.models import OutboxEmail


def _kept(database, address: str, template_id: str, subject: str) -> None:
    database.session.add(
        OutboxEmail(
            notification_id=subject,
            reference=subject,
            email_address=address,
            template_id=template_id,
            subject=subject,
            body="…",
        )
    )
    database.session.flush()


def test_an_administrator_sees_staff_emails_but_no_letter_to_a_victim(app, database, make, web, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "")
    admin = make.user(Role.ADMIN)
    _kept(database, "a.vlo@example.test", app.config["NOTIFY_REMINDER_TEMPLATE_ID"], "Reminder for a VLO")
    _kept(database, "victim@example.com", app.config["NOTIFY_LETTER_EMAIL_TEMPLATE_ID"], "Your letter")
    page = web(admin).get("/dev/outbox")
    assert "Reminder for a VLO" in page
    assert "Your letter" not in page and "victim@example.com" not in page
