"""Daily work about the people on cases."""

from celery import shared_task

from tasks.sending import RELIABLE
from victims import clock
from victims.cases import services as cases
from victims.extensions import db


@shared_task(name="people.turning_18", **RELIABLE)
def turning_18() -> int:
    """Open the "has turned 18" task for each child victim whose 18th birthday is today (or was
    missed by a sweep that did not run). Takes nothing: the people are found in the database,
    and each is claimed there, so running it twice opens nothing more."""
    alerted = cases.alert_victims_turning_18(clock.today())
    db.session.commit()
    return len(alerted)
