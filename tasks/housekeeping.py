from celery import shared_task

from victims.auth import services as auth
from victims.extensions import db


@shared_task(name="housekeeping.end_expired_sessions")
def end_expired_sessions() -> int:
    """End sessions past their idle or absolute limit, so the table shows who is signed in."""
    ended = auth.end_expired_sessions()
    db.session.commit()
    return ended
