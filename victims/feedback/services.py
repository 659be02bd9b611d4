"""Feedback links made with letters, the answers a victim gives through one (once), and the
feedback a VLO records from a call. Services flush; the request (or the sender) commits.

The token of a letter's link is made from the letter's random Notify reference with a key of the
service (victims.domain.feedback.token_from), so every attempt at sending the letter carries the
same link, and a second approval of the same letter finds the link the first one made: one link
per letter, whatever is retried. Only the token's hash is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, select, update

from victims import clock
from victims.audit import services as audit
from victims.cases.models import Case
from victims.domain import feedback as rules
from victims.domain.letters import LetterType
from victims.domain.oversight import Answer, FeedbackAbout, FeedbackSource
from victims.extensions import db
from victims.feedback.models import FeedbackLink, FeedbackResponse
from victims.staff.models import User

# The letters that carry a link, and what feedback through it is about.
ABOUT_LETTER = {
    LetterType.INITIAL_CONTACT.value: FeedbackAbout.INITIAL_CONTACT,
    LetterType.PRE_RELEASE.value: FeedbackAbout.PRE_RELEASE,
    LetterType.LICENCE_CONDITIONS_OUTCOME.value: FeedbackAbout.OUTCOME,
}
COMMENTS_MAX = 2000


@dataclass(frozen=True)
class LetterLink:
    token: str
    url: str
    expires_on: date


@dataclass(frozen=True)
class Given:
    """A victim's answers (from the page, or as a VLO heard them on a call)."""

    satisfaction: int
    kept_informed: Answer | None
    felt_safer: Answer | None
    comments: str | None


def _key() -> bytes:
    # The blind-index key: like the field-encryption keys it is never rotated lightly, and
    # whoever holds it and the database could read the letters (and their links) anyway.
    return ("feedback:" + current_app.config["BLIND_INDEX_KEY"]).encode()


def url_for_token(token: str) -> str:
    """The address printed in a letter: short, to be typed from paper."""
    return f"{current_app.config['SERVICE_URL']}/f/{rules.grouped(token)}"


def letter_link(letter_type: str, reference: str, made_on: date) -> LetterLink | None:
    """The link a letter of this type carries (None for the other types): the same every time
    it is asked for the same letter. Reads nothing from the database."""
    if letter_type not in ABOUT_LETTER:
        return None
    token = rules.token_from(_key(), reference)
    return LetterLink(token, url_for_token(token), rules.expires_on(made_on))


def issue_link(
    *,
    letter_id: int,
    letter_type: str,
    reference: str,
    language: str,
    team_id: int,
    region_id: int,
    made_on: date,
) -> LetterLink | None:
    """Make the letter's link when its final content is fixed (its approval). Approved again
    after it failed and was corrected, the letter keeps its one link, working 90 days from the
    new approval."""
    link = letter_link(letter_type, reference, made_on)
    if link is None:
        return None
    hashed = rules.token_hash(link.token)
    existing = db.session.scalar(select(FeedbackLink).where(FeedbackLink.token_hash == hashed))
    if existing is None:
        db.session.add(
            FeedbackLink(
                token_hash=hashed,
                letter_id=letter_id,
                about=ABOUT_LETTER[letter_type],
                language=language,
                team_id=team_id,
                region_id=region_id,
                expires_on=link.expires_on,
            )
        )
    elif existing.used_at is None:
        existing.expires_on = link.expires_on
    db.session.flush()
    return link


def withdraw_links(letter_id: int) -> None:
    """A cancelled letter's link never works: it is deleted (an unused link keeps nothing else)."""
    db.session.execute(
        delete(FeedbackLink).where(FeedbackLink.letter_id == letter_id, FeedbackLink.used_at.is_(None))
    )


def usable_link(typed: str) -> FeedbackLink | None:
    """The link a token opens, if it may be used today: known, unused and not expired. None for
    anything else, without saying which."""
    token = rules.normalise(typed)
    if token is None:
        return None
    link = db.session.scalar(select(FeedbackLink).where(FeedbackLink.token_hash == rules.token_hash(token)))
    if link is None or link.used_at is not None or not rules.works_on(link.expires_on, clock.today()):
        return None
    return link


def give(link: FeedbackLink, given: Given) -> bool:
    """Store a victim's answers through a link, once: the link is claimed by a conditional
    UPDATE, so of two submissions at once only one changes the row (the other waits for its
    lock, then finds it used) and only one response is stored. False when it was used already."""
    claimed = db.session.execute(
        update(FeedbackLink)
        .where(
            FeedbackLink.id == link.id,
            FeedbackLink.used_at.is_(None),
            FeedbackLink.expires_on >= clock.today(),
        )
        .values(used_at=clock.utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    _store(link.team_id, link.region_id, FeedbackSource.LINK, link.about, link.language, given)
    return True


def record_call(case: Case, about: FeedbackAbout, given: Given, language: str, user: User) -> None:
    """Feedback a victim gave on a call, as the VLO heard it: stored against the case's team and
    region only. The audit trail says feedback was recorded on the case, never the answers, and
    names no response (which would tie it back to the case)."""
    _store(case.team_id, case.region_id, FeedbackSource.CALL, about, language, given)
    audit.record(
        "feedback_recorded",
        "case",
        case.id,
        case_id=case.id,
        region_id=case.region_id,
        details={"about": about.value},
        user=user,
    )


def _store(
    team_id: int, region_id: int, source: FeedbackSource, about: FeedbackAbout, language: str, given: Given
) -> None:
    comments = (given.comments or "").strip()[:COMMENTS_MAX] or None
    db.session.add(
        FeedbackResponse(
            team_id=team_id,
            region_id=region_id,
            source=source,
            about=about,
            language=language,
            satisfaction=given.satisfaction,
            kept_informed=given.kept_informed,
            felt_safer=given.felt_safer,
            comments=comments,
            received_on=clock.today(),
        )
    )
    db.session.flush()
