"""Demo victims' feedback (issue 15, item 6): a year of responses across the demo teams, some
months with fewer than 5 for a team so the reports show "fewer than 5", comments that read like
people (some in Welsh), and one unused link whose address the seed prints."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from victims import clock
from victims.demo.staff import TEAMS
from victims.domain import feedback as rules
from victims.domain.letters import LetterType
from victims.domain.oversight import TREND_MONTHS, Answer, FeedbackAbout, FeedbackSource
from victims.extensions import db
from victims.feedback import services
from victims.feedback.models import FeedbackLink, FeedbackResponse
from victims.staff.models import Team

# Responses a month, per team: Norwich is smaller, so some of its months fall under 5, and it
# has none yet this month (its report for this month fills as feedback comes in: "fewer than 5"
# until the fifth response). The printed link is Norwich's.
MONTHLY = {TEAMS[0]: (5, 14), TEAMS[1]: (2, 8)}
NONE_THIS_MONTH = TEAMS[1]
LINK_TEAM = TEAMS[1]
COMMENTS_EN = [
    "Vera explained everything clearly and never made me feel I was a nuisance for asking.",
    "I didn't know what the licence conditions meant until my officer went through them with me.",
    "It took three weeks for anyone to ring me back after I left a message. That was hard.",
    "The letter came the day before he was released. I would have liked more notice.",
    "Thank you for letting me have a say in the exclusion zone. I can go to my mum's again.",
    "Sometimes the letters use words I don't understand. A phone call is better for me.",
    "I felt listened to for the first time since the trial.",
    "Nobody told me he had moved to another prison, I found out from a friend.",
    "My officer rang on the day she said she would. That matters more than people think.",
    "I'd like to be able to email rather than wait for post.",
]
COMMENTS_CY = [
    "Roedd y swyddog yn garedig iawn ac yn esbonio popeth yn glir. Diolch yn fawr.",
    "Hoffwn i gael y llythyrau yn Gymraeg bob tro, nid dim ond weithiau.",
    "Cymerodd hi amser hir i rywun fy ffonio yn ôl, ond roedd y sgwrs yn help mawr.",
]
ABOUT_WEIGHTS = {
    FeedbackAbout.INITIAL_CONTACT: 5,
    FeedbackAbout.PRE_RELEASE: 3,
    FeedbackAbout.OUTCOME: 2,
    FeedbackAbout.GENERAL: 1,
}
DEMO_REFERENCE = "demo-feedback-link-{}"


def _answer(rnd: random.Random, satisfaction: int) -> Answer | None:
    if rnd.random() < 0.08:
        return None
    good = satisfaction >= 4
    weights = [6, 2, 1, 1] if good else [1, 2, 5, 2]
    return rnd.choices([Answer.YES, Answer.PARTLY, Answer.NO, Answer.NOT_SURE], weights)[0]


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def add_feedback(today: date | None = None, seed: int = 15) -> int:
    """A year of responses for the demo teams; how many were added."""
    today = today or clock.today()
    rnd = random.Random(seed)
    teams = db.session.scalars(select(Team).where(Team.name.in_(TEAMS)).order_by(Team.name)).all()
    added = 0
    for team in teams:
        low, high = MONTHLY.get(team.name, (3, 10))
        for back in range(TREND_MONTHS):
            if back == 0 and team.name == NONE_THIS_MONTH:
                continue
            first = _month_start(today, back)
            last = min(_month_start(today, back - 1) - timedelta(days=1), today)
            for _ in range(rnd.randint(low, high)):
                satisfaction = rnd.choices([1, 2, 3, 4, 5], [1, 2, 3, 6, 5])[0]
                welsh = rnd.random() < 0.1
                comments = None
                if rnd.random() < 0.35:
                    comments = rnd.choice(COMMENTS_CY if welsh else COMMENTS_EN)
                db.session.add(
                    FeedbackResponse(
                        team_id=team.id,
                        region_id=team.region_id,
                        source=FeedbackSource.CALL if rnd.random() < 0.2 else FeedbackSource.LINK,
                        about=rnd.choices(list(ABOUT_WEIGHTS), list(ABOUT_WEIGHTS.values()))[0],
                        language="cy" if welsh else "en",
                        satisfaction=satisfaction,
                        kept_informed=_answer(rnd, satisfaction),
                        felt_safer=_answer(rnd, satisfaction),
                        comments=comments,
                        received_on=first + timedelta(days=rnd.randint(0, (last - first).days)),
                    )
                )
                added += 1
    db.session.flush()
    return added


def live_link() -> str | None:
    """The address of an unused demo link (made now if every earlier one was used), for the seed
    to print: a victim's view of the feedback page. None without the demo teams."""
    team = db.session.scalar(select(Team).where(Team.name == LINK_TEAM))
    if team is None:
        return None
    number = 1
    while True:
        found = services.letter_link(
            LetterType.INITIAL_CONTACT.value, DEMO_REFERENCE.format(number), clock.today()
        )
        assert found is not None
        link = db.session.scalar(
            select(FeedbackLink).where(FeedbackLink.token_hash == rules.token_hash(found.token))
        )
        if link is None:
            services.issue_link(
                letter_id=None,
                letter_type=LetterType.INITIAL_CONTACT.value,
                reference=DEMO_REFERENCE.format(number),
                language="en",
                team_id=team.id,
                region_id=team.region_id,
                made_on=clock.today(),
            )
            return found.url
        if link.used_at is None and rules.works_on(link.expires_on, clock.today()):
            return found.url
        number += 1
