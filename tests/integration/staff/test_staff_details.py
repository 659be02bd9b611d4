"""Each user keeps their own direct telephone number, which letters give to victims."""

from __future__ import annotations

from sqlalchemy import select

from victims.audit.models import AuditEvent
from victims.domain.vocabulary import Role
from victims.extensions import db
from victims.staff.models import User


def test_a_vlo_sets_their_direct_line(web, make):
    vlo = make.user(Role.VLO)
    browser = web(vlo)
    assert "Your details" in browser.get("/tasks/mine")
    page = browser.post("/account/details", {"phone": "call me"}, status=200).get_data(as_text=True)
    assert "Enter a UK telephone number, like 01632 960 001" in page
    page = browser.post("/account/details", {"phone": ""}, status=200).get_data(as_text=True)
    assert "Enter your direct telephone number" in page
    browser.post("/account/details", {"phone": "01632 960 456"}, status=302)
    db.session.expire_all()
    assert db.session.get(User, vlo.id).phone == "01632 960 456"
    audited = select(AuditEvent.action).where(
        AuditEvent.record_type == "user", AuditEvent.record_id == vlo.id
    )
    assert "own_details_changed" in db.session.scalars(audited).all()


def test_international_format_is_accepted(web, make):
    vlo = make.user(Role.VLO)
    web(vlo).post("/account/details", {"phone": "+44 1632 960456"}, status=302)
    db.session.expire_all()
    assert db.session.get(User, vlo.id).phone == "+44 1632 960456"
