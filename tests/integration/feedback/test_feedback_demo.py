"""The demo's feedback: a year of it for the demo teams, some team-months under 5, comments in
English and Welsh, and a printed link that works (and a fresh one once that is used)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from victims.demo.feedback import add_feedback, live_link
from victims.demo.staff import TEAMS
from victims.extensions import db
from victims.feedback.models import FeedbackResponse

ANSWERS = {"satisfaction": "5", "kept_informed": "yes", "felt_safer": "yes"}


def test_a_year_of_demo_feedback_with_small_months_and_welsh_comments(make, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    teams = [make.team(name=name) for name in TEAMS]
    added = add_feedback()
    responses = db.session.scalars(select(FeedbackResponse)).all()
    assert len(responses) == added > 100
    months = Counter((r.team_id, r.received_on.strftime("%Y-%m")) for r in responses)
    assert len({month for _team, month in months}) == 12
    assert (teams[1].id, "2026-11") not in months  # Norwich: none yet this month
    assert months[(teams[0].id, "2026-11")] >= 5
    assert any(count < 5 for count in months.values())  # suppression shows
    assert any(count >= 5 for (team, _m), count in months.items() if team == teams[1].id)
    assert min(r.received_on for r in responses).isoformat() >= "2025-12-01"
    assert max(r.received_on for r in responses).isoformat() <= "2026-11-25"
    assert any(r.language == "cy" and r.comments for r in responses)
    assert any(r.language == "en" and r.comments for r in responses)


def test_the_printed_link_works_and_a_used_one_is_replaced(make, web, frozen_clock):
    frozen_clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    make.team(name=TEAMS[1])
    url = live_link()
    assert live_link() == url  # printed again, the same while unused
    path = url[url.index("/f/") :]
    browser = web()
    browser.get(path)
    browser.post(path, ANSWERS, status=302)
    fresh = live_link()
    assert fresh != url
    web().get(fresh[fresh.index("/f/") :])
